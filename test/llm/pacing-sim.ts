/**
 * A virtual-clock simulation of a run against a provider-style limiter: the pacer's pure decisions (or, for contrast,
 * the old behaviour: a fixed number of workers sending at once and backing off after 429s) meet the fake server's
 * limiter (`test/fake-server/ratelimit.ts`), with headers and 429 messages going through the real parsers. No timers:
 * every time is simulated, so tests assert the pacing logic, not the machine's speed.
 */
import { mulberry32 } from "../../src/core/index.js";
import { type PacerOptions, type PaceSummary, type RateLimitSnapshot } from "../../src/llm/index.js";
import { admissionWait, paceAdmit } from "../../src/llm/pace-admit.js";
import { backoffMs } from "../../src/llm/limits.js";
import { newPaceState, paceCost } from "../../src/llm/pace-state.js";
import { paceSettle } from "../../src/llm/pace-settle.js";
import { paceSummary } from "../../src/llm/pace-summary.js";
import { parseRateLimitHeaders, retryAfterFromMessage } from "../../src/llm/ratelimit-headers.js";
import { createRateLimiter, requestCost, type FakeRateLimitOptions } from "../fake-server/ratelimit.js";

/** One simulated run. */
export interface SimOptions {
  limits: FakeRateLimitOptions;
  /** Calls to make. */
  calls: number;
  /** Our estimate of each call's prompt tokens, and the server's count of them (its tokenizer). */
  estimatedPromptTokens: number;
  serverPromptTokens: number;
  maxTokens: number;
  /** Output tokens each answer reports. */
  outputTokens?: number;
  latencyMs: number;
  /** The engine's concurrency (default 8). */
  concurrency?: number;
  /** Pace by headers (default true); false = the old behaviour. */
  paced?: boolean;
  /** Start time (default 1.8e12 ms: a real-looking epoch, so Anthropic's RFC 3339 resets parse). */
  t0?: number;
  pacer?: Partial<PacerOptions>;
}

/** What the run achieved. */
export interface SimResult {
  /** Attempts sent, and those answered 429. */
  sent: number;
  rejected: number;
  /** Calls answered. */
  done: number;
  /** Wall time from the first send to the last answer, ms. */
  wallMs: number;
  /** Per limit: accepted cost per minute over the wall time / the limit. */
  share: Record<string, number>;
  /** The pacer's own summary (paced runs). */
  pace?: PaceSummary;
}

/** Run the simulation. */
export function simulate(o: SimOptions): SimResult {
  const style = o.limits.style ?? "openai";
  const limiter = createRateLimiter(o.limits);
  const concurrency = o.concurrency ?? 8;
  const paced = o.paced ?? true;
  const opts: PacerOptions = { maxConcurrency: concurrency, backoffBaseMs: 1000, ...o.pacer };
  const t0 = o.t0 ?? 1.8e12;
  const state = newPaceState();
  const estimate = { inputTokens: o.estimatedPromptTokens, outputTokens: o.maxTokens };
  const serverCost = requestCost(style, style === "openai" ? { max_tokens: o.maxTokens } : { max_tokens: o.maxTokens }, o.serverPromptTokens);
  const random = mulberry32(14);
  type Ev = { t: number; kind: "ok" | "429"; id: number; attempt: number; snap?: RateLimitSnapshot };
  const events: Ev[] = [];
  // Waiting calls: their next attempt number and the earliest time they may go (unpaced backoff).
  const queue: { attempt: number; notBefore: number }[] = Array.from({ length: o.calls }, () => ({ attempt: 0, notBefore: t0 }));
  let now = t0;
  let inFlight = 0;
  let sent = 0;
  let rejected = 0;
  let done = 0;
  let last = t0;

  const send = (attempt: number) => {
    const id = paced ? paceAdmit(state, paceCost(state, estimate), now, opts) : sent;
    sent++;
    inFlight++;
    const v = limiter.check("gpt-4.1-mini", serverCost, now);
    if (v.ok) events.push({ t: now + o.latencyMs, kind: "ok", id, attempt, snap: parseRateLimitHeaders(v.headers, now) });
    else {
      rejected++;
      const snap = parseRateLimitHeaders(v.headers, now) ?? { at: now };
      const msg = (v.body as { error?: { message?: string } }).error?.message;
      snap.retryAfterMs ??= retryAfterFromMessage(msg);
      events.push({ t: now + 20, kind: "429", id, attempt, snap });
    }
  };

  for (let guard = 0; guard < 1_000_000; guard++) {
    let wake = Infinity;
    // Admit what may go now.
    for (;;) {
      if (paced) {
        if (!queue.length) break;
        const d = admissionWait(state, paceCost(state, estimate), now, opts);
        if (d.waitMs > 0) {
          if (Number.isFinite(d.waitMs)) wake = now + d.waitMs;
          break;
        }
        send(queue.shift()!.attempt);
      } else {
        const i = queue.findIndex((q) => q.notBefore <= now);
        if (i < 0 || inFlight >= concurrency) {
          if (inFlight < concurrency && queue.length) wake = Math.min(...queue.map((q) => q.notBefore));
          break;
        }
        send(queue.splice(i, 1)[0]!.attempt);
      }
    }
    if (!events.length && !queue.length) break;
    events.sort((a, b) => a.t - b.t);
    now = Math.min(events[0]?.t ?? Infinity, wake);
    while (events.length && events[0]!.t <= now) {
      const e = events.shift()!;
      inFlight--;
      if (e.kind === "ok") {
        done++;
        last = e.t;
        limiter.finish(serverCost, o.outputTokens ?? o.maxTokens, e.t);
        if (paced) paceSettle(state, e.id, { kind: "ok", snapshot: e.snap, usage: { inputTokens: o.serverPromptTokens, outputTokens: o.outputTokens ?? o.maxTokens }, estimate, latencyMs: o.latencyMs }, e.t, opts);
      } else if (paced) {
        paceSettle(state, e.id, { kind: "rateLimited", snapshot: e.snap }, e.t, opts);
        queue.unshift({ attempt: e.attempt + 1, notBefore: e.t });
      } else {
        // The old engine: each call sleeps its own backoff (the stated wait when a header gives one, else exponential).
        queue.unshift({ attempt: e.attempt + 1, notBefore: e.t + backoffMs(e.attempt, 1000, 60_000, e.snap?.retryAfterMs && style === "anthropic" ? e.snap.retryAfterMs : undefined, random) });
      }
    }
  }
  const wallMs = last - t0;
  const limitOf: Record<string, number | undefined> = { requests: o.limits.rpm, tokens: o.limits.tpm, "input-tokens": o.limits.itpm, "output-tokens": o.limits.otpm };
  const share: Record<string, number> = {};
  for (const [dim, used] of Object.entries(limiter.stats.used)) {
    const limit = limitOf[dim];
    if (limit) share[dim] = used / ((limit * wallMs) / 60_000);
  }
  return { sent, rejected, done, wallMs, share, pace: paced ? paceSummary(state, "sim", now, opts) : undefined };
}
