/**
 * The pacer's state and cost model for one scope (provider, endpoint, model): the options, the plain record the pacer
 * decides from, what a request costs against each limit, and the local-bucket arithmetic (level, refill, the
 * provider's own `remaining`) that admission, settling and summaries all read.
 *
 * The pacing model. The pacer is the admission controller: it decides when the next call to one scope may go and how
 * many may be in flight, from what the provider's rate-limit headers said. It is a deterministic state machine over
 * the plain record defined here: every clock time comes in as an argument (no timers, no I/O), so tests feed it
 * snapshots and times and assert its decisions. It lives in four modules, one step each: state and cost (this one),
 * admission (pace-admit.ts), settling and learning (pace-settle.ts), the pace reached and its line (pace-summary.ts);
 * `pacer-gate.ts` wraps them with timers and a queue for the engine.
 *
 * How it paces. Each learned limit (requests, tokens, or Anthropic's input/output tokens, per minute) becomes a local
 * token bucket refilled at `utilisation x limit / 60 s` holding `burstMs` of that rate: providers enforce per-minute
 * limits over shorter windows too, so a minute's worth at once would be answered 429. A request is admitted when every
 * bucket holds its cost (prompt tokens + max output tokens, counted as the provider counts them at admission) and the
 * provider's own last `remaining`, advanced by its refill and reduced by what was admitted since, also covers it (that
 * catches other clients spending the same quota). A 429 is a signal, not the mechanism: it pauses the whole scope for
 * the wait the provider stated and slows the pace a little; queued calls then leave one by one as the buckets allow,
 * so the calls in flight do not all come back on the same schedule and collide again.
 *
 * Calls in flight: before the first answer only `probeConcurrency` go (the first answer teaches the limits); then
 * about rate x latency / cost-per-call, with headroom, within the engine's concurrency.
 */
import type { RateLimitDimension } from "./ratelimit-headers.js";

/** Options for the pacer. Defaults are listed. */
export interface PacerOptions {
  /** Ceiling on calls in flight per scope (the engine's `concurrency`). */
  maxConcurrency: number;
  /** Calls in flight before any answer has shown the limits (default 1: one probe, then pace). */
  probeConcurrency?: number;
  /**
   * While no answer has come, one more call may go every `probeMs` (default 2000): a slow or hung first call must
   * not stall a run, nor may a crowd go out before the limits are known.
   */
  probeMs?: number;
  /** Burst a bucket may hold, in ms of its rate (default 1000; providers enforce limits over windows of seconds). */
  burstMs?: number;
  /** Fraction of each limit to aim at (default 0.97: the rest absorbs token-count differences). */
  utilisation?: number;
  /** Wait after a 429 that states none: first delay ms (default 1000), doubling per consecutive 429. */
  backoffBaseMs?: number;
  /** Longest such wait, ms (default 60000). */
  backoffMaxMs?: number;
}

/** What one attempt costs against each limit. */
export type PaceCost = Record<RateLimitDimension, number>;

/** One learned limit: a local bucket plus the provider's last word on it. */
export interface PaceDimension {
  /** Per minute, as the provider reported it. */
  limit: number;
  /** Local bucket level at `at`. */
  level: number;
  at: number;
  /** The provider's `remaining` after the attempt admitted at `admittedAt` was counted (the newest such report). */
  server?: { remaining: number; admittedAt: number };
}

/** One admission, kept for a while to reconcile the provider's `remaining` and to measure the pace. */
export interface PaceAdmission {
  id: number;
  at: number;
  cost: PaceCost;
  /** The provider refused it (429): it did not count against tokens. */
  rejected?: boolean;
}

/** Everything the pacer knows about one scope (provider, endpoint, model). */
export interface PaceState {
  dims: Partial<Record<RateLimitDimension, PaceDimension>>;
  inFlight: number;
  /** Answers of any kind seen (0 = still probing). */
  answered: number;
  /** No admission before this time (after a 429). */
  pausedUntil: number;
  consecutive429: number;
  /** Pace multiplier, lowered by 429s and recovered by successes (1 = `utilisation` of the limit). */
  factor: number;
  /** Smoothed latency of answered calls, ms. */
  latencyMs?: number;
  /** Smoothed cost of a call, for the concurrency target. */
  callCost?: PaceCost;
  /** Smoothed provider prompt tokens / our estimate (corrects `approxInputTokens` toward the provider's tokenizer). */
  inputRatio: number;
  /** Admissions of the last two minutes. */
  admissions: PaceAdmission[];
  nextId: number;
  /** Cumulative counts since the scope was first seen. */
  totals: { admitted: number; rateLimited: number; accepted: PaceCost; firstAt?: number; maxInFlight: number };
}

/** A new, empty scope state. */
export function newPaceState(): PaceState {
  return {
    dims: {}, inFlight: 0, answered: 0, pausedUntil: 0, consecutive429: 0, factor: 1, inputRatio: 1, admissions: [], nextId: 1,
    totals: { admitted: 0, rateLimited: 0, accepted: zeroCost(), maxInFlight: 0 },
  };
}

/** A cost of zero in every dimension. */
export function zeroCost(): PaceCost {
  return { requests: 0, tokens: 0, inputTokens: 0, outputTokens: 0 };
}

/** The options with their defaults filled in (see {@link PacerOptions}). */
export const paceDefaults = (o: PacerOptions) => ({
  burstMs: o.burstMs ?? 1000,
  utilisation: o.utilisation ?? 0.97,
  probe: Math.max(1, Math.floor(o.probeConcurrency ?? 1)),
  probeMs: o.probeMs ?? 2000,
  max: Math.max(1, Math.floor(o.maxConcurrency)),
  backoffBaseMs: o.backoffBaseMs ?? 1000,
  backoffMaxMs: o.backoffMaxMs ?? 60_000,
});

/**
 * The cost of a request as the provider counts it at admission: prompt tokens (our estimate, corrected by the ratio
 * learned from reported usage) plus the output tokens it may produce (`max_tokens`), and one request.
 */
export function paceCost(state: PaceState, estimate: { inputTokens: number; outputTokens: number }): PaceCost {
  const input = Math.ceil(estimate.inputTokens * state.inputRatio);
  return { requests: 1, tokens: input + estimate.outputTokens, inputTokens: input, outputTokens: estimate.outputTokens };
}

/** The paced rate of a dimension, per ms. */
export function rateOf(state: PaceState, d: PaceDimension, opts: PacerOptions): number {
  return (d.limit * paceDefaults(opts).utilisation * state.factor) / 60_000;
}

/** The most a dimension's local bucket holds: `burstMs` of its paced rate, at least one. */
export function capOf(state: PaceState, d: PaceDimension, opts: PacerOptions): number {
  return Math.max(1, rateOf(state, d, opts) * paceDefaults(opts).burstMs);
}

/** The local bucket's level at `now`. */
export function levelAt(state: PaceState, d: PaceDimension, now: number, opts: PacerOptions): number {
  return Math.min(capOf(state, d, opts), d.level + Math.max(0, now - d.at) * rateOf(state, d, opts));
}

/** Cost admitted after `t` in one dimension (not yet in the provider's report from the attempt admitted at `t`). */
export function admittedSince(state: PaceState, dim: RateLimitDimension, t: number): number {
  let s = 0;
  for (let i = state.admissions.length - 1; i >= 0 && state.admissions[i]!.at > t; i--) {
    const a = state.admissions[i]!;
    if (!a.rejected || dim === "requests") s += a.cost[dim];
  }
  return s;
}

/** The provider's `remaining` now: its last report, refilled at the full limit's rate, less what we sent since. */
export function serverLevelAt(state: PaceState, dim: RateLimitDimension, d: PaceDimension, now: number): number | undefined {
  if (!d.server) return undefined;
  const refill = (Math.max(0, now - d.server.admittedAt) * d.limit) / 60_000;
  return Math.min(d.limit, d.server.remaining + refill) - admittedSince(state, dim, d.server.admittedAt);
}

