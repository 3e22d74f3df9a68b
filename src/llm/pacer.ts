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
// The model lives in four modules, one step each: state and cost (pace-state.ts), admission (pace-admit.ts), settling
// and learning (pace-settle.ts), the pace reached and its line (pace-summary.ts). This module names them together.
export { newPaceState, zeroCost, paceCost } from "./pace-state.js";
export type { PacerOptions, PaceCost, PaceDimension, PaceAdmission, PaceState } from "./pace-state.js";
export { inFlightTarget, neededInFlight, admissionWait, paceAdmit } from "./pace-admit.js";
export type { PaceWaitReason } from "./pace-admit.js";
export { paceSettle, paceLearn } from "./pace-settle.js";
export type { PaceOutcome } from "./pace-settle.js";
export { paceSummary, formatPace } from "./pace-summary.js";
export type { PaceSummary } from "./pace-summary.js";
