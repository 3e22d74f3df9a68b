/**
 * Admission: when the next call of a scope may go, and how many may be in flight. Reads the buckets of pace-state.ts;
 * the only state it changes is the admission itself ({@link paceAdmit}).
 */
import { RATE_LIMIT_DIMENSIONS, type RateLimitDimension } from "./ratelimit-headers.js";
import { capOf, levelAt, paceDefaults, rateOf, serverLevelAt, type PaceCost, type PacerOptions, type PaceState } from "./pace-state.js";

/** Why the next request waits. */
export type PaceWaitReason = "paused" | "concurrency" | RateLimitDimension;

/**
 * How many calls may be in flight at `now`: `probeConcurrency` until the first answer (one more per `probeMs` while
 * none comes); the ceiling when the provider reports no limits; else rate x latency / cost-per-call, x1.5 + 1 for
 * headroom, within the ceiling.
 */
export function inFlightTarget(state: PaceState, opts: PacerOptions, now = -Infinity): number {
  const o = paceDefaults(opts);
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
    const o = paceDefaults(opts);
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

