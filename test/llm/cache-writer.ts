/** Child process for the concurrent-writers test (not a test file): <dir> <name> <records> <bytes per record>. */
import { LlmCache } from "../../src/llm/index.js";

const [dir, who, n, bytes] = process.argv.slice(2);
const c = new LlmCache(dir);
const big = "x".repeat(Number(bytes));
for (let i = 0; i < Number(n); i++) c.put({ k: `${who}-${i}`, p: "openai", m: "m", text: `${big}${i}`, finish: "stop", usage: { inputTokens: 1, outputTokens: 1 }, ms: 1, at: "t" });
c.close();
