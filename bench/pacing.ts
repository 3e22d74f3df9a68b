/**
 * `npm run bench:pacing`: how close the engine runs to a provider's rate limit without being told it.
 *
 * A loopback server enforces provider-style limits (`test/fake-server/ratelimit.ts`: per-minute buckets, a 2-second
 * burst window, the provider's headers on every response and its 429s) with a fixed latency. Each case runs four ways:
 *   before, no flags      pacing off, no limit flags (the engine before issue #14)
 *   before, flags         pacing off, the limits given as --rpm / --tpm
 *   headers, no flags     pacing by the headers (the default now), no limit flags
 *   headers + flags       both
 * and prints the share of each limit reached (cost the server admitted per minute of wall time / the limit) and the
 * share of requests answered 429. Cases: judging 40 items (80 real judge prompts, iCliniq, AlpaCare-7b vs gpt-4,
 * max_tokens 100) against OpenAI-style TPM 240k / RPM 600 (tokens bind); 100 short calls against the same limits
 * (requests bind); the 80 judge prompts against Anthropic-style limits (input tokens bind).
 * Prints the machine's cores and load first: on a loaded machine the wall times are longer and the shares lower.
 *
 *   npm run bench:pacing [-- --latency 400 --items 40 --only openai-tpm,openai-rpm,anthropic]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { planJudgeRun } from "../src/judge/index.js";
import { createEngine, formatPace, type ChatRequest, type EngineOptions, type ProviderName } from "../src/llm/index.js";
import { startFakeServer } from "../test/fake-server/index.js";
import type { FakeRateLimitOptions } from "../test/fake-server/ratelimit.js";

interface Mode {
  name: string;
  engine: (limits: FakeRateLimitOptions) => EngineOptions;
}

const MODES: Mode[] = [
  { name: "before, no flags", engine: () => ({ pace: false }) },
  { name: "before, flags", engine: (l) => ({ pace: false, rpm: l.rpm, tpm: l.tpm ?? l.itpm }) },
  { name: "headers, no flags", engine: () => ({}) },
  { name: "headers + flags", engine: (l) => ({ rpm: l.rpm, tpm: l.tpm ?? l.itpm }) },
];

function judgeRequests(items: number, provider: ProviderName, model: string, baseURL: string): ChatRequest[] {
  const plan = planJudgeRun({
    modelName: "AlpaCare-7b", testSet: "iCliniq", reference: "gpt-4", run: `bench-pacing-${process.pid}`, limit: items,
    judge: { provider, model, baseURL },
  });
  return plan.tasks.map((t) => t.request);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { latency: { type: "string" }, items: { type: "string" }, only: { type: "string" } } });
  const latency = Number(values.latency ?? 400);
  const items = Number(values.items ?? 40);
  const only = values.only?.split(",");
  const cores = availableParallelism();
  console.log(`machine: ${cores} cores available (${cpus()[0]?.model ?? "?"}), load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}, node ${process.version}`);
  process.env.OPENAI_API_KEY ??= "sk-bench-not-a-real-key";
  process.env.ANTHROPIC_API_KEY ??= "sk-ant-bench-not-a-real-key";

  const cases: { id: string; title: string; limits: FakeRateLimitOptions; requests: (baseURL: string) => ChatRequest[] }[] = [
    {
      id: "openai-tpm", title: `OpenAI-style TPM 240k, RPM 600, 2 s burst, ${latency} ms: judging ${items} items (${items * 2} calls, max_tokens 100)`,
      limits: { style: "openai", tpm: 240_000, rpm: 600, burstSeconds: 2 },
      requests: (u) => judgeRequests(items, "openai", "gpt-4.1-mini", `${u}/v1`),
    },
    {
      id: "openai-rpm", title: `OpenAI-style TPM 240k, RPM 600, 2 s burst, ${latency} ms: 100 short calls (~60 prompt tokens, max_tokens 100)`,
      limits: { style: "openai", tpm: 240_000, rpm: 600, burstSeconds: 2 },
      requests: (u) => Array.from({ length: 100 }, (_, i) => ({
        provider: "openai", model: "gpt-4.1-mini", baseURL: `${u}/v1`, maxTokens: 100, temperature: 0,
        messages: [{ role: "user", content: `Is ${i} prime? Answer yes or no, then one sentence on why, for a pharmacology quiz.` }],
      })),
    },
    {
      id: "anthropic", title: `Anthropic-style RPM 600, input 200k/min, output 40k/min, 2 s burst, ${latency} ms: judging ${items} items`,
      limits: { style: "anthropic", rpm: 600, itpm: 200_000, otpm: 40_000, burstSeconds: 2 },
      requests: (u) => judgeRequests(items, "anthropic", "claude-sonnet-4-5", u),
    },
  ];

  for (const c of cases) {
    if (only && !only.includes(c.id)) continue;
    console.log(`\n${c.title}`);
    console.log(`${"mode".padEnd(18)} ${"calls".padStart(5)} ${"sent".padStart(5)} ${"429s".padStart(5)} ${"429 share".padStart(9)} ${"wall s".padStart(7)}  share of each limit reached`);
    for (const mode of MODES) {
      const server = await startFakeServer({ latencyMs: latency, rateLimit: c.limits, respond: () => ({ text: "Output (a)", outputTokens: 3 }) });
      const dir = mkdtempSync(join(tmpdir(), "alpacare-bench-pacing-"));
      const engine = createEngine({ cacheDir: dir, progress: false, maxRetries: 20, ...mode.engine(c.limits) });
      try {
        const reqs = c.requests(server.url);
        const s = await engine.runAll(reqs);
        const st = server.rateLimit!.stats;
        const sent = st.admitted + st.rejected;
        const minutes = s.wallMs / 60_000;
        const limitOf: Record<string, number | undefined> = { requests: c.limits.rpm, tokens: c.limits.tpm, "input-tokens": c.limits.itpm, "output-tokens": c.limits.otpm };
        const shares = Object.entries(st.used)
          .filter(([d]) => limitOf[d])
          .map(([d, used]) => `${d} ${((100 * used) / (limitOf[d]! * minutes)).toFixed(0)}%`)
          .join(", ");
        console.log(
          `${mode.name.padEnd(18)} ${String(s.completed).padStart(5)} ${String(sent).padStart(5)} ${String(st.rejected).padStart(5)} ${((100 * st.rejected) / sent).toFixed(1).padStart(8)}% ${(s.wallMs / 1000).toFixed(1).padStart(7)}  ${shares}`,
        );
        if (s.completed !== reqs.length) console.log(`  (${reqs.length - s.completed} calls failed after retries)`);
        if (s.pace?.length) console.log(`${"".padEnd(18)} engine's summary: ${formatPace(s.pace[0]!)}`);
      } finally {
        await engine.close();
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
