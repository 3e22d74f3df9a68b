/**
 * The admission controller: decides when the next call to one (provider, endpoint, model) may go and how many may be
 * in flight, from what the provider's rate-limit headers said. A deterministic state machine over a plain record:
 * every clock time comes in as an argument (no timers, no I/O), so tests feed it snapshots and times and assert its
 * decisions. `pacer-gate.ts` wraps it with timers and a queue for the engine.
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
import type { RateLimitDimension, RateLimitSnapshot } from "./ratelimit-headers.js";
import { RATE_LIMIT_DIMENSIONS } from "./ratelimit-headers.js";

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

const defaults = (o: PacerOptions) => ({
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
function rateOf(state: PaceState, d: PaceDimension, opts: PacerOptions): number {
  return (d.limit * defaults(opts).utilisation * state.factor) / 60_000;
}

function capOf(state: PaceState, d: PaceDimension, opts: PacerOptions): number {
  return Math.max(1, rateOf(state, d, opts) * defaults(opts).burstMs);
}

/** The local bucket's level at `now`. */
function levelAt(state: PaceState, d: PaceDimension, now: number, opts: PacerOptions): number {
  return Math.min(capOf(state, d, opts), d.level + Math.max(0, now - d.at) * rateOf(state, d, opts));
}

/** Cost admitted after `t` in one dimension (not yet in the provider's report from the attempt admitted at `t`). */
function admittedSince(state: PaceState, dim: RateLimitDimension, t: number): number {
  let s = 0;
  for (let i = state.admissions.length - 1; i >= 0 && state.admissions[i]!.at > t; i--) {
    const a = state.admissions[i]!;
    if (!a.rejected || dim === "requests") s += a.cost[dim];
  }
  return s;
}

/** The provider's `remaining` now: its last report, refilled at the full limit's rate, less what we sent since. */
function serverLevelAt(state: PaceState, dim: RateLimitDimension, d: PaceDimension, now: number): number | undefined {
  if (!d.server) return undefined;
  const refill = (Math.max(0, now - d.server.admittedAt) * d.limit) / 60_000;
  return Math.min(d.limit, d.server.remaining + refill) - admittedSince(state, dim, d.server.admittedAt);
}

/** Why the next request waits. */
export type PaceWaitReason = "paused" | "concurrency" | RateLimitDimension;

/**
 * How many calls may be in flight at `now`: `probeConcurrency` until the first answer (one more per `probeMs` while
 * none comes); the ceiling when the provider reports no limits; else rate x latency / cost-per-call, x1.5 + 1 for
 * headroom, within the ceiling.
 */
export function inFlightTarget(state: PaceState, opts: PacerOptions, now = -Infinity): number {
  const o = defaults(opts);
  if (state.answered === 0) {
    const grown = state.totals.firstAt === undefined ? 0 : Math.max(0, Math.floor((now - state.totals.firstAt) / o.probeMs));
    return Math.min(o.max, o.probe + grown);
  }
  const needed = neededInFlight(state, opts);
  if (needed === undefined) return o.max;
  return Math.max(1, Math.min(o.max, Math.ceil(needed * 1.5) + 1));
}

/** Calls in flight the learned limits can keep busy (rate x latency / cost), or undefined while unknown. */
export function neededInFlight(state: PaceState, opts: PacerOptions): number | undefined {
  if (state.latencyMs === undefined || !state.callCost) return undefined;
  let callsPerMs = Infinity;
  for (const dim of RATE_LIMIT_DIMENSIONS) {
    const d = state.dims[dim];
    const c = state.callCost[dim];
    if (d && c > 0) callsPerMs = Math.min(callsPerMs, rateOf(state, d, opts) / c);
  }
  return Number.isFinite(callsPerMs) ? callsPerMs * state.latencyMs : undefined;
}

/**
 * When the next request of cost `cost` may go: `{ waitMs: 0 }` now, a finite wait (pause or a bucket refilling), or
 * `Infinity` with reason `concurrency` (wait for an answer).
 */
export function admissionWait(state: PaceState, cost: PaceCost, now: number, opts: PacerOptions): { waitMs: number; reason?: PaceWaitReason } {
  if (now < state.pausedUntil) return { waitMs: state.pausedUntil - now, reason: "paused" };
  if (state.inFlight >= inFlightTarget(state, opts, now)) {
    // Still probing: wake when the next probe may go even if no answer comes.
    const o = defaults(opts);
    const probeEnd = state.answered === 0 && state.totals.firstAt !== undefined
      ? state.totals.firstAt + o.probeMs * (Math.floor((now - state.totals.firstAt) / o.probeMs) + 1)
      : undefined;
    return { waitMs: probeEnd !== undefined && probeEnd > now ? Math.ceil(probeEnd - now) : Infinity, reason: "concurrency" };
  }
  let wait = 0;
  let reason: PaceWaitReason | undefined;
  for (const dim of RATE_LIMIT_DIMENSIONS) {
    const d = state.dims[dim];
    if (!d || cost[dim] <= 0) continue;
    const rate = rateOf(state, d, opts);
    // A cost above the burst is allowed once the bucket is full (and leaves it in debt): slowed, never stuck.
    const need = Math.min(cost[dim], capOf(state, d, opts));
    const level = levelAt(state, d, now, opts);
    let w = level >= need ? 0 : (need - level) / rate;
    const server = serverLevelAt(state, dim, d, now);
    if (server !== undefined && server < Math.min(cost[dim], d.limit)) w = Math.max(w, ((Math.min(cost[dim], d.limit) - server) * 60_000) / d.limit);
    if (w > wait) {
      wait = w;
      reason = dim;
    }
  }
  return wait > 0 ? { waitMs: Math.ceil(wait), reason } : { waitMs: 0 };
}

/** Admit a request now: take its cost from every bucket. Returns the admission id (give it back to {@link paceSettle}). */
export function paceAdmit(state: PaceState, cost: PaceCost, now: number, opts: PacerOptions): number {
  for (const dim of RATE_LIMIT_DIMENSIONS) {
    const d = state.dims[dim];
    if (!d) continue;
    d.level = levelAt(state, d, now, opts) - cost[dim];
    d.at = now;
  }
  const id = state.nextId++;
  state.admissions.push({ id, at: now, cost });
  while (state.admissions.length && state.admissions[0]!.at < now - 120_000) state.admissions.shift();
  state.inFlight++;
  state.totals.admitted++;
  state.totals.firstAt ??= now;
  state.totals.maxInFlight = Math.max(state.totals.maxInFlight, state.inFlight);
  return id;
}

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
    const o = defaults(opts);
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
      const o = defaults(opts);
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

/** The pace of one scope, for progress lines and run summaries. */
export interface PaceSummary {
  /** `provider model` (and the endpoint when not the default). */
  scope: string;
  /** The dimension closest to its limit (what binds). */
  binding?: RateLimitDimension;
  /** Per dimension: the provider's limit per minute and the pace reached, per minute. */
  dims: Partial<Record<RateLimitDimension, { limit: number; perMinute: number; share: number }>>;
  /** Attempts sent and attempts answered 429. */
  sent: number;
  rateLimited: number;
  /** Calls in flight now, the target, the most at once, and the calls the limit could keep busy. */
  inFlight: number;
  target: number;
  maxInFlight: number;
  needed?: number;
}

/**
 * The pace of a scope. `since` is a {@link PaceState.totals} copy taken at the start of the measured span and
 * `spanMs` that span's length: the pace is the cost the provider accepted in it per minute. Without them, the last
 * minute of admissions (or the time since the first one, when shorter) is measured.
 */
export function paceSummary(state: PaceState, scope: string, now: number, opts: PacerOptions, since?: PaceState["totals"], spanMs?: number): PaceSummary {
  const out: PaceSummary = {
    scope, dims: {}, sent: state.totals.admitted - (since?.admitted ?? 0), rateLimited: state.totals.rateLimited - (since?.rateLimited ?? 0),
    inFlight: state.inFlight, target: inFlightTarget(state, opts, now), maxInFlight: state.totals.maxInFlight, needed: neededInFlight(state, opts),
  };
  let span: number;
  const used = zeroCost();
  if (since && spanMs !== undefined) {
    span = spanMs;
    for (const dim of RATE_LIMIT_DIMENSIONS) used[dim] = state.totals.accepted[dim] - since.accepted[dim];
  } else {
    const from = Math.max(now - 60_000, state.totals.firstAt ?? now);
    span = now - from;
    for (const a of state.admissions) {
      if (a.at < from) continue;
      for (const dim of RATE_LIMIT_DIMENSIONS) if (!a.rejected || dim === "requests") used[dim] += a.cost[dim];
    }
  }
  // Under a second the rate is mostly the opening burst: report it over one second at least.
  const minutes = Math.max(span, 1000) / 60_000;
  let best = -1;
  for (const dim of RATE_LIMIT_DIMENSIONS) {
    const d = state.dims[dim];
    if (!d) continue;
    const perMinute = used[dim] / minutes;
    const share = perMinute / d.limit;
    out.dims[dim] = { limit: d.limit, perMinute, share };
    if (share > best) {
      best = share;
      out.binding = dim;
    }
  }
  return out;
}

const dimLabel: Record<RateLimitDimension, string> = { tokens: "tokens/min", inputTokens: "input tokens/min", outputTokens: "output tokens/min", requests: "requests/min" };

function compact(n: number): string {
  if (n >= 10_000_000) return `${(n / 1_000_000).toFixed(0)}M`;
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${(n / 1000).toFixed(0)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return n.toFixed(0);
}

/**
 * One line: `tokens/min 228k of 240k (95%), 429s 0` for the binding limit, or `limits not reported, 429s 0` when the
 * provider sent none; adds `in flight 2 (needs ~13, raise --concurrency)` when the concurrency, not the limit, binds.
 */
export function formatPace(p: PaceSummary, maxConcurrency?: number): string {
  const parts: string[] = [];
  const b = p.binding ? p.dims[p.binding] : undefined;
  if (p.binding && b) parts.push(`${dimLabel[p.binding]} ${compact(b.perMinute)} of ${compact(b.limit)} (${(100 * b.share).toFixed(0)}%)`);
  else parts.push("limits not reported");
  parts.push(`429s ${p.rateLimited}`);
  if (maxConcurrency !== undefined && p.needed !== undefined && p.needed > maxConcurrency) {
    parts.push(`in flight ${p.maxInFlight} (the limit needs ~${Math.ceil(p.needed)}: raise --concurrency)`);
  }
  return parts.join(", ");
}
