import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import {
  createAnthropicProvider, createEngine, createOpenAIProvider, formatPace, LlmRetryableError, type PacerOptions,
} from "../../src/llm/index.js";
import { admissionWait, inFlightTarget, paceAdmit } from "../../src/llm/pace-admit.js";
import { newPaceState, paceCost } from "../../src/llm/pace-state.js";
import { paceSettle } from "../../src/llm/pace-settle.js";
import { paceSummary } from "../../src/llm/pace-summary.js";
import { parseDurationMs, parseRateLimitHeaders, retryAfterFromMessage } from "../../src/llm/ratelimit-headers.js";
import { startFakeServer } from "../fake-server/index.js";
import { formatGoDuration } from "../fake-server/ratelimit.js";
import { simulate } from "./pacing-sim.js";
import { an, oa, setTestKeys, tempDir } from "./helpers.js";

const OPENAI_429 =
  "Rate limit reached for gpt-4.1-mini in organization org-abc on tokens per min (TPM): Limit 240000, Used 239500, Requested 900. Please try again in 210ms. Visit https://platform.openai.com/account/rate-limits to learn more.";

describe("rate-limit headers", () => {
  it("reads OpenAI's Go-style reset durations", () => {
    assert.equal(parseDurationMs("1s"), 1000);
    assert.equal(parseDurationMs("6m0s"), 360_000);
    assert.equal(parseDurationMs("210ms"), 210);
    assert.equal(parseDurationMs("17ms"), 17);
    assert.equal(parseDurationMs("1.5s"), 1500);
    assert.equal(parseDurationMs("1h2m3.5s"), 3_723_500);
    assert.equal(parseDurationMs("2"), 2000);
    assert.equal(parseDurationMs(""), undefined);
    assert.equal(parseDurationMs("soon"), undefined);
    assert.equal(parseDurationMs("5s later"), undefined);
    // The fake server writes them the same way.
    for (const ms of [17, 210, 1000, 1500, 360_000, 3_723_500]) assert.equal(parseDurationMs(formatGoDuration(ms)), ms);
    assert.equal(formatGoDuration(360_000), "6m0s");
  });

  it("reads the wait an OpenAI 429 message states", () => {
    assert.equal(retryAfterFromMessage(OPENAI_429), 210);
    assert.equal(retryAfterFromMessage("... Please try again in 6m0s. Visit ..."), 360_000);
    assert.equal(retryAfterFromMessage("Please try again in 1.2s."), 1200);
    assert.equal(retryAfterFromMessage("rate limited"), undefined);
  });

  it("parses OpenAI's x-ratelimit-* headers", () => {
    const s = parseRateLimitHeaders(new Headers({
      "x-ratelimit-limit-requests": "600", "x-ratelimit-remaining-requests": "599", "x-ratelimit-reset-requests": "100ms",
      "x-ratelimit-limit-tokens": "240000", "x-ratelimit-remaining-tokens": "239100", "x-ratelimit-reset-tokens": "225ms",
    }), 1000)!;
    assert.deepEqual(s, {
      at: 1000, style: "openai", requests: { limit: 600, remaining: 599, resetMs: 100 }, tokens: { limit: 240000, remaining: 239100, resetMs: 225 },
    });
  });

  it("parses Anthropic's anthropic-ratelimit-* headers (RFC 3339 resets) and retry-after", () => {
    const now = Date.parse("2026-11-30T23:59:00Z");
    const s = parseRateLimitHeaders({
      "anthropic-ratelimit-requests-limit": "50", "anthropic-ratelimit-requests-remaining": "49", "anthropic-ratelimit-requests-reset": "2026-11-30T23:59:02Z",
      "anthropic-ratelimit-input-tokens-limit": "30000", "anthropic-ratelimit-input-tokens-remaining": "29000", "anthropic-ratelimit-input-tokens-reset": "2026-11-30T23:59:03Z",
      "anthropic-ratelimit-output-tokens-limit": "8000", "anthropic-ratelimit-output-tokens-remaining": "7900", "anthropic-ratelimit-output-tokens-reset": "2026-11-30T23:59:01Z",
      "anthropic-ratelimit-tokens-limit": "8000", "anthropic-ratelimit-tokens-remaining": "7900", "anthropic-ratelimit-tokens-reset": "2026-11-30T23:59:01Z",
      "retry-after": "3",
    }, now)!;
    assert.equal(s.style, "anthropic");
    assert.deepEqual(s.requests, { limit: 50, remaining: 49, resetMs: 2000 });
    assert.deepEqual(s.inputTokens, { limit: 30000, remaining: 29000, resetMs: 3000 });
    assert.deepEqual(s.outputTokens, { limit: 8000, remaining: 7900, resetMs: 1000 });
    assert.equal(s.retryAfterMs, 3000);
  });

  it("ignores servers that send none, and Azure's -1", () => {
    assert.equal(parseRateLimitHeaders(new Headers({ "content-type": "application/json" })), undefined);
    assert.equal(parseRateLimitHeaders(new Headers({ "x-ratelimit-limit-tokens": "-1", "x-ratelimit-remaining-tokens": "-1" })), undefined);
  });
});

describe("the pacer's decisions", () => {
  const opts: PacerOptions = { maxConcurrency: 8 };
  const est = { inputTokens: 800, outputTokens: 100 };
  const snap = (at: number, remaining: number) => parseRateLimitHeaders({
    "x-ratelimit-limit-tokens": "240000", "x-ratelimit-remaining-tokens": String(remaining), "x-ratelimit-reset-tokens": "1s",
    "x-ratelimit-limit-requests": "600", "x-ratelimit-remaining-requests": "599", "x-ratelimit-reset-requests": "100ms",
  }, at);

  it("probes with one call until an answer shows the limits, then paces at the limit's rate", () => {
    const s = newPaceState();
    const cost = paceCost(s, est);
    assert.equal(cost.tokens, 900, "prompt tokens + max_tokens, as OpenAI counts at admission");
    assert.equal(inFlightTarget(s, opts, 0), 1);
    assert.equal(admissionWait(s, cost, 0, opts).waitMs, 0);
    const id = paceAdmit(s, cost, 0, opts);
    assert.equal(admissionWait(s, cost, 0, opts).reason, "concurrency");
    paceSettle(s, id, { kind: "ok", snapshot: snap(400, 239_100), usage: { inputTokens: 800, outputTokens: 20 }, estimate: est, latencyMs: 400 }, 400, opts);
    assert.equal(s.dims.tokens?.limit, 240_000);
    assert.equal(s.dims.requests?.limit, 600);
    // 0.97 x 240k/min = 3,880 tokens/s, 1 s of burst: four 900-token calls now, then one every ~232 ms.
    let t = 400;
    let admitted = 0;
    for (; admissionWait(s, paceCost(s, est), t, opts).waitMs === 0; admitted++) paceAdmit(s, paceCost(s, est), t, opts);
    assert.ok(admitted >= 2 && admitted <= 4, `burst of ${admitted}`);
    const w = admissionWait(s, paceCost(s, est), t, opts);
    assert.equal(w.reason, "tokens");
    assert.ok(w.waitMs > 150 && w.waitMs <= 240, `next in ${w.waitMs} ms`);
    t += w.waitMs;
    assert.equal(admissionWait(s, paceCost(s, est), t, opts).waitMs, 0);
  });

  it("keeps to the provider's own remaining when someone else spends the same quota", () => {
    const s = newPaceState();
    const id = paceAdmit(s, paceCost(s, est), 1000, opts);
    // Another client left 100 tokens: our own bucket is full, but the next call waits for the provider's
    // (800 tokens at 240k/min = 200 ms), less the refill since that answer's admission.
    paceSettle(s, id, { kind: "ok", snapshot: snap(1050, 100), usage: { inputTokens: 800, outputTokens: 20 }, estimate: est, latencyMs: 50 }, 1050, opts);
    const w = admissionWait(s, paceCost(s, est), 1050, opts);
    assert.equal(w.reason, "tokens");
    assert.equal(w.waitMs, 150);
  });

  it("a 429 pauses the scope for the stated wait and the queued calls then leave one by one", () => {
    const s = newPaceState();
    const first = paceAdmit(s, paceCost(s, est), 0, opts);
    paceSettle(s, first, { kind: "ok", snapshot: snap(400, 239_100), usage: { inputTokens: 800, outputTokens: 20 }, estimate: est, latencyMs: 400 }, 400, opts);
    const ids = [0, 1, 2].map(() => paceAdmit(s, paceCost(s, est), 400, { ...opts, burstMs: 10_000 }));
    for (const id of ids) paceSettle(s, id, { kind: "rateLimited", snapshot: { at: 420, retryAfterMs: 210 } }, 420, opts);
    assert.equal(s.totals.rateLimited, 3);
    assert.deepEqual(admissionWait(s, paceCost(s, est), 500, opts), { waitMs: 130, reason: "paused" });
    // After the pause the buckets start empty: the three retries do not go back together.
    const w = admissionWait(s, paceCost(s, est), 630, opts);
    assert.ok(w.waitMs > 0 && w.reason !== "paused", JSON.stringify(w));
    assert.ok(s.factor < 1, "slows the pace after 429s");
  });

  it("holds as many calls in flight as the limit keeps busy (rate x latency / cost), within the ceiling", () => {
    const s = newPaceState();
    const id = paceAdmit(s, paceCost(s, est), 0, opts);
    paceSettle(s, id, { kind: "ok", snapshot: snap(5000, 239_100), usage: { inputTokens: 800, outputTokens: 100 }, estimate: est, latencyMs: 5000 }, 5000, opts);
    // 3,880 tokens/s / 900 per call x 5 s = ~21.6 calls: the ceiling of 8 binds, and the summary says so.
    assert.equal(inFlightTarget(s, opts, 5000), 8);
    assert.equal(inFlightTarget(s, { maxConcurrency: 64 }, 5000), 34);
    assert.match(formatPace(paceSummary(s, "x", 5000, opts), 8), /in flight 1 \(the limit needs ~22: raise --concurrency\)$/);
    const fast = newPaceState();
    const id2 = paceAdmit(fast, paceCost(fast, est), 0, opts);
    paceSettle(fast, id2, { kind: "ok", snapshot: snap(400, 239_100), usage: { inputTokens: 800, outputTokens: 100 }, estimate: est, latencyMs: 400 }, 400, opts);
    assert.equal(inFlightTarget(fast, opts, 400), 4, "1.7 needed: lowered from 8");
  });

  it("corrects the prompt-token estimate from the usage the provider reports", () => {
    const s = newPaceState();
    for (let i = 0; i < 10; i++) {
      const id = paceAdmit(s, paceCost(s, est), i * 1000, opts);
      paceSettle(s, id, { kind: "ok", usage: { inputTokens: 1000, outputTokens: 10 }, estimate: est, latencyMs: 400 }, i * 1000 + 400, opts);
    }
    assert.ok(Math.abs(paceCost(s, est).inputTokens - 1000) < 30, String(paceCost(s, est).inputTokens));
  });
});

describe("pacing against a provider-style limiter (simulated clock)", () => {
  // The case: judging 40 items (80 calls of ~900 tokens) at TPM 240k, RPM 600, a 2 s burst, 400 ms latency.
  const judge = { calls: 80, estimatedPromptTokens: 808, serverPromptTokens: 800, maxTokens: 100, latencyMs: 400 };

  it("without limit flags reaches >= 90% of the token limit with <= 5% of requests answered 429 (OpenAI-style)", () => {
    const r = simulate({ ...judge, limits: { style: "openai", tpm: 240_000, rpm: 600 } });
    assert.equal(r.done, 80);
    assert.ok(r.share.tokens! >= 0.9, `token share ${r.share.tokens}`);
    assert.ok(r.share.tokens! <= 1.05, `token share ${r.share.tokens}`);
    assert.ok(r.rejected / r.sent <= 0.05, `${r.rejected} of ${r.sent} answered 429`);
    assert.equal(r.pace?.binding, "tokens");
    assert.match(formatPace(r.pace!), /^tokens\/min \d+k of 240k \(\d+%\), 429s 0$/);
  });

  it("the old behaviour (8 at once, backing off per call) hits 429s on the same case", () => {
    const r = simulate({ ...judge, limits: { style: "openai", tpm: 240_000, rpm: 600 }, paced: false });
    assert.ok(r.rejected / r.sent > 0.3, `${r.rejected} of ${r.sent}`);
    assert.ok(r.share.tokens! < 0.8, `token share ${r.share.tokens}`);
  });

  it("RPM-bound: small calls reach >= 90% of the request limit", () => {
    const r = simulate({ ...judge, calls: 120, estimatedPromptTokens: 60, serverPromptTokens: 55, limits: { style: "openai", tpm: 240_000, rpm: 600 } });
    assert.ok(r.share.requests! >= 0.9, `request share ${r.share.requests}`);
    assert.ok(r.rejected / r.sent <= 0.05, `${r.rejected} of ${r.sent}`);
    assert.equal(r.pace?.binding, "requests");
  });

  it("Anthropic-style input/output token limits", () => {
    const r = simulate({ ...judge, outputTokens: 60, limits: { style: "anthropic", rpm: 600, itpm: 200_000, otpm: 40_000 } });
    assert.ok(r.share["input-tokens"]! >= 0.9, JSON.stringify(r.share));
    assert.ok(r.rejected / r.sent <= 0.05, `${r.rejected} of ${r.sent}`);
  });

  it("learns when our token estimate is low (the provider's tokenizer counts more)", () => {
    const r = simulate({ ...judge, estimatedPromptTokens: 600, limits: { style: "openai", tpm: 240_000, rpm: 600 } });
    assert.ok(r.share.tokens! >= 0.9 && r.rejected / r.sent <= 0.05, JSON.stringify(r));
  });

  it("a slow first answer does not let a crowd out before the limits are known", () => {
    const r = simulate({ ...judge, calls: 200, latencyMs: 5000, concurrency: 64, estimatedPromptTokens: 800, limits: { style: "openai", tpm: 240_000, rpm: 600 } });
    assert.ok(r.rejected / r.sent <= 0.05, `${r.rejected} of ${r.sent}`);
  });
});

describe("pacing through the engine and the SDKs (loopback server with provider limits)", () => {
  before(setTestKeys);
  let cleanup: (() => void) | undefined;
  after(() => cleanup?.());

  it("providers return the headers of answers and of 429s (message wait for OpenAI, retry-after for Anthropic)", async () => {
    const server = await startFakeServer({ rateLimit: { style: "openai", rpm: 1, tpm: 240_000 } });
    const aserver = await startFakeServer({ rateLimit: { style: "anthropic", rpm: 1, itpm: 30_000, otpm: 8_000 } });
    try {
      const p = createOpenAIProvider();
      const r = await p.complete(oa(server.openaiBaseURL, "hello"));
      assert.equal(r.rateLimit?.style, "openai");
      assert.equal(r.rateLimit?.tokens?.limit, 240_000);
      assert.equal(r.rateLimit?.requests?.remaining, 0);
      const e = await p.complete(oa(server.openaiBaseURL, "again")).catch((x) => x);
      assert.ok(e instanceof LlmRetryableError && e.status === 429, String(e));
      assert.match(e.message, /Rate limit reached for gpt-3.5-turbo-0613 .* on requests per min \(RPM\): Limit 1, .*Please try again in /);
      assert.ok(e.rateLimit?.retryAfterMs! > 50_000, `stated wait ${e.rateLimit?.retryAfterMs}`);
      assert.equal(e.retryAfterMs, undefined, "OpenAI sends no retry-after");

      const a = createAnthropicProvider();
      const ra = await a.complete(an(aserver.anthropicBaseURL, "hello"));
      assert.equal(ra.rateLimit?.style, "anthropic");
      assert.equal(ra.rateLimit?.inputTokens?.limit, 30_000);
      assert.equal(ra.rateLimit?.outputTokens?.limit, 8_000);
      assert.ok(ra.rateLimit!.inputTokens!.resetMs! >= 0);
      const ea = await a.complete(an(aserver.anthropicBaseURL, "again")).catch((x) => x);
      assert.ok(ea instanceof LlmRetryableError && ea.status === 429, String(ea));
      assert.ok(ea.retryAfterMs! >= 1000 && ea.rateLimit?.retryAfterMs === ea.retryAfterMs);
      assert.match(ea.message, /rate limit of 1 requests per minute/);
    } finally {
      await server.close();
      await aserver.close();
    }
  });

  it("learns the limits from the headers, stays under them, and reports the pace in the run summary", async () => {
    // 60k tokens/min = 1,000/s with a 2 s burst; 24 calls of ~330 tokens take a few seconds.
    const server = await startFakeServer({ latencyMs: 100, rateLimit: { style: "openai", tpm: 60_000, rpm: 600 } });
    const t = tempDir();
    cleanup = t.cleanup;
    const lines: string[] = [];
    const engine = createEngine({ cacheDir: t.dir, progress: false, maxRetries: 10, onProgress: (p) => p.pace && lines.push(p.pace) });
    try {
      const reqs = Array.from({ length: 24 }, (_, i) => oa(server.openaiBaseURL, `judge item ${i} ${"x".repeat(1000)}`, { maxTokens: 64 }));
      const s = await engine.runAll(reqs);
      assert.equal(s.completed, 24);
      const stats = server.rateLimit!.stats;
      assert.ok(stats.rejected <= 1, `${stats.rejected} of ${stats.admitted + stats.rejected} answered 429`);
      assert.equal(s.pace?.length, 1);
      const pace = s.pace![0]!;
      assert.equal(pace.dims.tokens?.limit, 60_000);
      assert.equal(pace.dims.requests?.limit, 600);
      assert.equal(pace.binding, "tokens");
      assert.equal(pace.sent, 24 + stats.rejected);
      assert.ok(lines.at(-1)?.startsWith("tokens/min "), lines.at(-1));
      // Nothing else changes: the rerun is all cache hits and sends nothing.
      const again = await engine.runAll(reqs);
      assert.equal(again.cacheHits, 24);
      assert.equal(again.pace, undefined);
    } finally {
      await engine.close();
      await server.close();
    }
  });

  it("user-set --tpm stays a cap below the provider's limit; pace: false turns pacing off", async () => {
    const server = await startFakeServer({ rateLimit: { style: "openai", tpm: 600_000, rpm: 6000 } });
    const t = tempDir();
    const engine = createEngine({ cacheDir: t.dir, progress: false, tpm: 6_000 });
    const off = createEngine({ cacheDir: t.dir, progress: false, pace: false, cache: false });
    try {
      const s = await engine.runAll(Array.from({ length: 3 }, (_, i) => oa(server.openaiBaseURL, `capped ${i}`, { maxTokens: 16 })));
      assert.equal(s.completed, 3);
      assert.equal(s.pace?.[0]?.dims.tokens?.limit, 600_000);
      const o = await off.runAll([oa(server.openaiBaseURL, "unpaced", { maxTokens: 16 })]);
      assert.equal(o.completed, 1);
      assert.equal(o.pace, undefined);
    } finally {
      await engine.close();
      await off.close();
      await server.close();
      t.cleanup();
    }
  });
});
