/**
 * `npm run bench:llm`: throughput of the LLM engine.
 *  1. Calls/s through the runner (cache on, fresh folder) against the loopback fake server with a fixed latency,
 *     at concurrency 1, 2, 4, ..., 64, next to the ideal concurrency / latency.
 *  2. Local tokens/s on stories260K by thread count (1..cores) and by parallel sequences.
 * Prints the machine's cores and load first: numbers from a shared, loaded machine are lower bounds.
 *
 *   npm run bench:llm [-- --latency 50 --calls 256 --tokens 200]
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../src/core/index.js";
import { createEngine, testModelPath, type ChatRequest } from "../src/llm/index.js";
import { startFakeServer } from "../test/fake-server/index.js";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { latency: { type: "string" }, calls: { type: "string" }, tokens: { type: "string" }, "skip-local": { type: "boolean" } } });
  const latency = Number(values.latency ?? 50);
  const maxCalls = Number(values.calls ?? 256);
  const tokens = Number(values.tokens ?? 200);
  const cores = availableParallelism();
  console.log(`machine: ${cores} cores available (${cpus()[0]?.model ?? "?"}), load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}, node ${process.version}`);

  // 1. Runner vs fake server.
  process.env.OPENAI_API_KEY ??= "sk-bench-not-a-real-key";
  const server = await startFakeServer({ latencyMs: latency });
  console.log(`\n1. runner -> loopback fake server, ${latency} ms per call, cache on (fresh folder), retries armed`);
  console.log(`${"concurrency".padStart(11)} ${"calls".padStart(6)} ${"wall s".padStart(8)} ${"calls/s".padStart(9)} ${"ideal".padStart(8)} ${"efficiency".padStart(10)}`);
  let run = 0;
  for (let c = 1; c <= 64; c *= 2) {
    const calls = Math.min(maxCalls, Math.max(16, c * 8));
    const dir = mkdtempSync(join(tmpdir(), "alpacare-bench-llm-"));
    const engine = createEngine({ cacheDir: dir, concurrency: c, progress: false });
    const reqs: ChatRequest[] = Array.from({ length: calls }, (_, i) => ({
      provider: "openai", model: "gpt-4", baseURL: server.openaiBaseURL, messages: [{ role: "user", content: `bench ${run} ${i}` }], maxTokens: 16,
    }));
    run++;
    await engine.complete({ ...reqs[0]!, messages: [{ role: "user", content: `warm ${run}` }] }); // SDK import + client
    const t0 = performance.now();
    const s = await engine.runAll(reqs);
    const wall = (performance.now() - t0) / 1000;
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
    if (s.calls !== calls) throw new Error(`expected ${calls} calls, got ${s.calls}`);
    const rate = calls / wall;
    const ideal = (c * 1000) / latency;
    console.log(`${String(c).padStart(11)} ${String(calls).padStart(6)} ${wall.toFixed(3).padStart(8)} ${rate.toFixed(1).padStart(9)} ${ideal.toFixed(0).padStart(8)} ${((100 * rate) / ideal).toFixed(0).padStart(9)}%`);
  }
  // The same load straight through the OpenAI SDK (no cache, no limits): what the engine's overhead is measured against.
  {
    const { default: OpenAI } = await import("openai");
    const client = new OpenAI({ baseURL: server.openaiBaseURL, maxRetries: 0 });
    await client.chat.completions.create({ model: "gpt-4", messages: [{ role: "user", content: "warm" }] });
    for (const c of [1, 64]) {
      const calls = c === 1 ? 16 : maxCalls;
      let next = 0;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: c }, async () => {
        for (let i = next++; i < calls; i = next++) await client.chat.completions.create({ model: "gpt-4", max_tokens: 16, messages: [{ role: "user", content: `direct ${c} ${i}` }] });
      }));
      const rate = calls / ((performance.now() - t0) / 1000);
      console.log(`direct SDK, no engine, concurrency ${c}: ${rate.toFixed(1)} calls/s (same server and machine)`);
    }
  }
  // Cache-hit throughput: the rerun path.
  {
    const dir = mkdtempSync(join(tmpdir(), "alpacare-bench-llm-"));
    const engine = createEngine({ cacheDir: dir, concurrency: 64, progress: false });
    server.setLatency(0);
    const reqs: ChatRequest[] = Array.from({ length: 2000 }, (_, i) => ({ provider: "openai", model: "gpt-4", baseURL: server.openaiBaseURL, messages: [{ role: "user", content: `hit ${i}` }] }));
    await engine.runAll(reqs);
    await engine.close();
    const e2 = createEngine({ cacheDir: dir, progress: false });
    const t0 = performance.now();
    const s = await e2.runAll(reqs);
    const wall = (performance.now() - t0) / 1000;
    console.log(`cache hits: ${s.cacheHits} answers from a reopened cache in ${wall.toFixed(3)} s (${(s.cacheHits / wall).toFixed(0)}/s, 0 requests)`);
    await e2.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await server.close();

  // 2. Local model.
  if (values["skip-local"]) return;
  const model = testModelPath() ?? [join(projectRoot, "..", "shared", "data", "models", "stories260K.gguf")].find((p) => existsSync(p));
  if (!model) {
    console.log("\n2. local: stories260K.gguf not found (run `alpacare data`)");
    return;
  }
  console.log(`\n2. local node-llama-cpp, stories260K (260K params, F32), greedy raw completion, ${tokens} tokens per call, cache off`);
  console.log(`${"threads".padStart(7)} ${"parallel".padStart(8)} ${"calls".padStart(5)} ${"out tokens".padStart(10)} ${"wall s".padStart(7)} ${"tok/s".padStart(8)}`);
  const prompts = ["Once upon a time", "The little dog", "One day, a girl", "Tom and Sue"];
  const configs: { threads: number; parallel: number }[] = [];
  for (let t = 1; t <= cores; t *= 2) configs.push({ threads: t, parallel: 1 });
  if (!configs.some((c) => c.threads === cores)) configs.push({ threads: cores, parallel: 1 });
  configs.push({ threads: 1, parallel: 2 }, { threads: 1, parallel: 4 });
  for (const cfg of configs) {
    const engine = createEngine({ cache: false, progress: false, concurrency: cfg.parallel, local: { threads: cfg.threads, parallel: cfg.parallel } });
    const reqs: ChatRequest[] = prompts.map((p) => ({ provider: "local", model, rawPrompt: true, messages: [{ role: "user", content: p }], temperature: 0, maxTokens: tokens }));
    await engine.complete({ ...reqs[0]!, maxTokens: 1 }); // load the model and the context outside the timing
    const t0 = performance.now();
    const s = await engine.runAll(reqs);
    const wall = (performance.now() - t0) / 1000;
    await engine.close();
    console.log(`${String(cfg.threads).padStart(7)} ${String(cfg.parallel).padStart(8)} ${String(s.calls).padStart(5)} ${String(s.tokens.outputTokens).padStart(10)} ${wall.toFixed(3).padStart(7)} ${(s.tokens.outputTokens / wall).toFixed(0).padStart(8)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
