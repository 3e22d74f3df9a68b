/**
 * Child process for the crash test (not a test file): runs N requests against the fake server through the engine
 * and prints `done <index>` per answer. Arguments: <openaiBaseURL> <cacheDir> <n> <concurrency>.
 */
import { createEngine } from "../../src/llm/index.js";

async function main(): Promise<void> {
  const [baseURL, cacheDir, n, concurrency] = process.argv.slice(2);
  process.env.OPENAI_API_KEY ??= "sk-test-not-a-real-key";
  const engine = createEngine({ cacheDir, concurrency: Number(concurrency), progress: false, retryBaseMs: 10, handleSigint: process.env.CHILD_SIGINT === "1" });
  const reqs = Array.from({ length: Number(n) }, (_, i) => ({
    provider: "openai" as const, model: "gpt-4", baseURL, temperature: 0, messages: [{ role: "user" as const, content: `crash test ${i}` }],
  }));
  const s = await engine.runAll(reqs, { onResult: (i, r) => process.stdout.write(r instanceof Error ? `error ${i} ${r.message}\n` : `done ${i} ${r.cached ? "cached" : "called"}\n`) });
  process.stdout.write(`summary ${JSON.stringify(s)}\n`);
  await engine.close();
}
main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + "\n");
  process.exit(1);
});
