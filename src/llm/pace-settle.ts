/**
 * Settling and learning: what the end of an admitted attempt teaches the pacer. An answer refunds unused output tokens
 * and updates latency, cost per call and the prompt-token ratio; a 429 pauses the scope and slows the pace a little;
 * rate-limit headers set or correct the learned limits and the provider's `remaining`.
 */
import { RATE_LIMIT_DIMENSIONS, type RateLimitSnapshot } from "./ratelimit-headers.js";
import { capOf, levelAt, paceDefaults, type PacerOptions, type PaceState } from "./pace-state.js";

/** How an admitted attempt ended. */
export interface PaceOutcome {
  /** `ok`: answered; `rateLimited`: a 429; `failed`: anything else (timeouts, 5xx, aborts). */
  kind: "ok" | "rateLimited" | "failed";
  /** The rate-limit headers of the answer or the error, when any. */
  snapshot?: RateLimitSnapshot;
  /** Usage the provider reported (ok only). */
  usage?: { inputTokens: number; outputTokens: number };
  /** Our estimate for the same request, before the ratio correction (ok only). */
  estimate?: { inputTokens: number; outputTokens: number };
  latencyMs?: number;
}

const ewma = (old: number | undefined, x: number, w = 0.2) => (old === undefined ? x : old + w * (x - old));

/** Record the end of admitted attempt `id` (admitted at `admittedAt`) at time `now`. */
export function paceSettle(state: PaceState, id: number, outcome: PaceOutcome, now: number, opts: PacerOptions): void {
  state.inFlight = Math.max(0, state.inFlight - 1);
  state.answered++;
  const adm = state.admissions.find((a) => a.id === id);
  if (outcome.snapshot && adm) paceLearn(state, outcome.snapshot, adm.at, now, opts);
  if (outcome.kind === "ok") {
    if (adm) for (const dim of RATE_LIMIT_DIMENSIONS) state.totals.accepted[dim] += adm.cost[dim];
    state.consecutive429 = 0;
    state.factor = Math.min(1, state.factor + 0.02);
    if (outcome.latencyMs !== undefined) state.latencyMs = ewma(state.latencyMs, outcome.latencyMs);
    if (adm) {
      const c = state.callCost ?? { ...adm.cost };
      for (const dim of RATE_LIMIT_DIMENSIONS) c[dim] = ewma(c[dim], adm.cost[dim]);
      state.callCost = c;
    }
    const est = outcome.estimate;
    const use = outcome.usage;
    if (est && use && est.inputTokens > 0 && use.inputTokens > 0) {
      state.inputRatio = Math.min(4, Math.max(0.25, ewma(state.inputRatio, use.inputTokens / est.inputTokens, 0.3)));
    }
    // Anthropic counts output tokens at max_tokens on admission and refunds the unused part when the call ends.
    const out = state.dims.outputTokens;
    if (out && adm && use) {
      out.level = levelAt(state, out, now, opts) + Math.max(0, adm.cost.outputTokens - use.outputTokens);
      out.at = now;
    }
  } else if (outcome.kind === "rateLimited") {
    state.totals.rateLimited++;
    state.totals.accepted.requests += adm ? 1 : 0; // a refused request still counts against requests per minute
    if (adm) adm.rejected = true;
    state.consecutive429++;
    // Our count of tokens differs from the provider's, or someone else spends the same quota: slow down a little,
    // once per pause (the other calls of the same burst coming back 429 tell nothing new).
    if (now >= state.pausedUntil) state.factor = Math.max(0.5, state.factor * 0.85);
    const o = paceDefaults(opts);
    const stated = outcome.snapshot?.retryAfterMs;
    const wait = stated ?? Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** (state.consecutive429 - 1));
    state.pausedUntil = Math.max(state.pausedUntil, now + wait);
    // The buckets start empty after the pause: what was queued leaves one by one, not all at once.
    for (const d of Object.values(state.dims)) {
      d.level = Math.min(d.level, 0);
      d.at = Math.max(d.at, state.pausedUntil);
    }
  }
}

/**
 * Take in a rate-limit snapshot from the answer to an attempt admitted at `admittedAt`. Anthropic's combined `tokens`
 * window is "the most restrictive" of its input and output limits, so when those two are reported it is not paced on.
 */
export function paceLearn(state: PaceState, snap: RateLimitSnapshot, admittedAt: number, now: number, opts: PacerOptions): void {
  for (const dim of RATE_LIMIT_DIMENSIONS) {
    const w = snap[dim];
    if (!w || w.limit === undefined || w.limit <= 0) continue;
    if (dim === "tokens" && (snap.inputTokens?.limit || snap.outputTokens?.limit)) continue;
    let d = state.dims[dim];
    if (!d) {
      // First sight of this limit: start with a full burst less what went out within the last burst window.
      d = { limit: w.limit, level: 0, at: now };
      state.dims[dim] = d;
      const o = paceDefaults(opts);
      let recent = 0;
      for (const a of state.admissions) if (a.at > now - o.burstMs) recent += a.cost[dim];
      d.level = capOf(state, d, opts) - recent;
    } else if (d.limit !== w.limit) {
      d.level = levelAt(state, d, now, opts);
      d.at = now;
      d.limit = w.limit;
    }
    if (w.remaining !== undefined && (!d.server || admittedAt >= d.server.admittedAt)) d.server = { remaining: w.remaining, admittedAt };
  }
}

