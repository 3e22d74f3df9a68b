/**
 * The pace a scope reached, for progress lines and run summaries: the cost the provider accepted per minute against
 * each learned limit, which limit binds, and one line that says so.
 */
import { RATE_LIMIT_DIMENSIONS, type RateLimitDimension } from "./ratelimit-headers.js";
import { inFlightTarget, neededInFlight } from "./pace-admit.js";
import { zeroCost, type PacerOptions, type PaceState } from "./pace-state.js";

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
