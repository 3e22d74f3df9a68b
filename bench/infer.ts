// Benchmark: tokens/s of local generation (node-llama-cpp, stories260K) for the infer stage, by CPU thread count
// and by the number of parallel sequences in one context. Prints the machine's core count. Not a test: it asserts
// nothing about speed. Usage: npm run bench:infer [-- --items 8 --max-tokens 64 --repeats 2]
// More threads than cores is measured on a small workload only: on a busy 2-core machine it is 10-1000x slower.
import { availableParallelism, cpus } from "node:os";
import { relative } from "node:path";
import { projectRoot } from "../src/core/index.js";
import { parseArgs } from "node:util";
import { loadTestSet } from "../src/data/index.js";
import { createEngine, testModelPath } from "../src/llm/index.js";
import { inferItems, inferRequest } from "../src/infer/index.js";

const { values } = parseArgs({ options: { items: { type: "string" }, "max-tokens": { type: "string" }, repeats: { type: "string" } } });
const nItems = Number(values.items ?? 8);
const maxTokens = Number(values["max-tokens"] ?? 64);
const repeats = Number(values.repeats ?? 2);
const model = testModelPath();
if (!model) {
  console.error("stories260K not found: run `alpacare data` first");
  process.exit(1);
}
const cores = availableParallelism();
console.log(`machine: ${cpus().length} logical cores (${cores} available to this process), ${cpus()[0]?.model ?? "?"}; node ${process.version}`);
console.log(`model: stories260K (${relative(projectRoot, model)}); ${nItems} AlpacaFarm items, Alpaca prompt as raw completion, greedy, max ${maxTokens} new tokens; best of ${repeats}`);

const items = inferItems("AlpacaFarm", loadTestSet("AlpacaFarm")).slice(0, nItems);
const requests = items.map((it) => inferRequest(it, { provider: "local", model }, { maxTokens }));

async function measure(threads: number, parallel: number, reqs = requests): Promise<{ tokPerSec: number; tokens: number; ms: number }> {
  const engine = createEngine({ cache: false, progress: false, concurrency: parallel, local: { threads, parallel } });
  try {
    await engine.complete({ ...reqs[0]!, maxTokens: 1 }); // load the model and context outside the timing
    let best = { tokPerSec: 0, tokens: 0, ms: 0 };
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const s = await engine.runAll(reqs);
      const ms = performance.now() - t0;
      if (s.failures) throw new Error(`${s.failures} failures`);
      const tokPerSec = (s.tokens.outputTokens * 1000) / ms;
      if (tokPerSec > best.tokPerSec) best = { tokPerSec, tokens: s.tokens.outputTokens, ms };
    }
    return best;
  } finally {
    await engine.close();
  }
}

const threadCounts = [...new Set([1, 2, 4, 8, cores].filter((t) => t <= cores))].sort((a, b) => a - b);
console.log("\nby thread count (1 sequence):");
console.log("threads  output tokens  wall ms   tokens/s");
let bestThreads = 1;
let bestRate = 0;
for (const t of threadCounts) {
  const m = await measure(t, 1);
  if (m.tokPerSec > bestRate) [bestThreads, bestRate] = [t, m.tokPerSec];
  console.log(`${String(t).padEnd(9)}${String(m.tokens).padEnd(15)}${m.ms.toFixed(0).padEnd(10)}${m.tokPerSec.toFixed(1)}`);
}
{
  const t = cores * 2;
  const small = requests.slice(0, 1).map((r) => ({ ...r, maxTokens: 16 }));
  const m = await measure(t, 1, small);
  console.log(`${String(t).padEnd(9)}${String(m.tokens).padEnd(15)}${m.ms.toFixed(0).padEnd(10)}${m.tokPerSec.toFixed(1)}   (oversubscribed: 1 item, 16 tokens)`);
}
// Sequences are measured at the fastest thread count found above.
const threads = bestThreads;
console.log(`\nby parallel sequences (${threads} thread${threads > 1 ? "s" : ""}, the fastest above; concurrency = sequences):`);
console.log("sequences  output tokens  wall ms   tokens/s");
for (const p of [1, 2, 4, 8]) {
  const m = await measure(threads, p);
  console.log(`${String(p).padEnd(11)}${String(m.tokens).padEnd(15)}${m.ms.toFixed(0).padEnd(10)}${m.tokPerSec.toFixed(1)}`);
}
