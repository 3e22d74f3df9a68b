/**
 * What a provider says about its rate limits, read from response headers and 429 messages into one plain record.
 *
 * - OpenAI sends `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` on every response (429s included); reset is
 *   a Go-style duration until the window is full again (`1s`, `6m0s`, `210ms`, `17ms`). Its 429 body says how long to
 *   wait ("... Please try again in 210ms.") and usually carries no `retry-after`.
 * - Anthropic sends `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`; reset
 *   is an RFC 3339 time; a 429 carries `retry-after` in seconds.
 * Limits are per minute for both. Parsing never throws: a quirky header is ignored, not fatal.
 */
import { LlmRetryableError } from "./errors.js";

/** One limit as the provider reported it. */
export interface RateLimitWindow {
  /** The limit per minute. */
  limit?: number;
  /** What is left of it now (after the request that got this answer was counted). */
  remaining?: number;
  /** Time until the window is fully replenished, ms from the snapshot's `at`. */
  resetMs?: number;
}

/** The dimensions providers limit: requests, all tokens, and (Anthropic) input and output tokens apart. */
export type RateLimitDimension = "requests" | "tokens" | "inputTokens" | "outputTokens";

/** All dimensions, in display order. */
export const RATE_LIMIT_DIMENSIONS: readonly RateLimitDimension[] = ["tokens", "inputTokens", "outputTokens", "requests"];

/** Everything one response said about rate limits. */
export interface RateLimitSnapshot {
  /** When the headers were read (ms since the epoch), the origin of every `resetMs`. */
  at: number;
  /** Which header family was found. */
  style?: "openai" | "anthropic";
  requests?: RateLimitWindow;
  tokens?: RateLimitWindow;
  inputTokens?: RateLimitWindow;
  outputTokens?: RateLimitWindow;
  /** The wait the server asked for (`retry-after-ms`, `retry-after`, or "try again in ..." in a 429 message), ms. */
  retryAfterMs?: number;
}

type HeaderSource = Headers | Record<string, unknown> | null | undefined;

function headerGetter(headers: HeaderSource): (name: string) => string | undefined {
  return (name) => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
    const v = (headers as Record<string, unknown>)[name] ?? (headers as Record<string, unknown>)[name.toLowerCase()];
    if (Array.isArray(v)) return typeof v[0] === "string" ? v[0] : undefined;
    return typeof v === "string" ? v : undefined;
  };
}

/**
 * A Go-style duration in ms: `210ms`, `1s`, `1.5s`, `6m0s`, `1h2m3.5s`, `17µs`; a bare number is seconds.
 * Undefined when the text is not a duration.
 */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = text.trim();
  if (s === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, "µs": 0.001, ns: 0.000001 };
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * unit[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === s.length && matched > 0 ? total : undefined;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  // Azure sends -1 for "not reported": treat anything negative as absent.
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function window(limit?: number, remaining?: number, resetMs?: number): RateLimitWindow | undefined {
  if (limit === undefined && remaining === undefined && resetMs === undefined) return undefined;
  const w: RateLimitWindow = {};
  if (limit !== undefined) w.limit = limit;
  if (remaining !== undefined) w.remaining = remaining;
  if (resetMs !== undefined) w.resetMs = Math.max(0, resetMs);
  return w;
}

/** The wait a 429 message states, e.g. OpenAI's "Please try again in 210ms." or "try again in 6m0s"; ms. */
export function retryAfterFromMessage(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const m = /try again in\s+([0-9][0-9.hmsuµn]*)/i.exec(message);
  if (!m) return undefined;
  return parseDurationMs(m[1]!.replace(/\.$/, ""));
}

/**
 * Read a response's rate-limit headers (a fetch `Headers` or a plain object). `now` anchors Anthropic's absolute
 * reset times and is stored as the snapshot's `at`. Undefined when no rate-limit header is present (self-hosted
 * servers), so "the provider told us nothing" stays distinguishable from "the provider said zero".
 */
export function parseRateLimitHeaders(headers: HeaderSource, now = Date.now()): RateLimitSnapshot | undefined {
  const get = headerGetter(headers);
  const snap: RateLimitSnapshot = { at: now };
  const openai = (dim: "requests" | "tokens") =>
    window(num(get(`x-ratelimit-limit-${dim}`)), num(get(`x-ratelimit-remaining-${dim}`)), parseDurationMs(get(`x-ratelimit-reset-${dim}`)));
  const anthropic = (dim: string) => {
    const reset = get(`anthropic-ratelimit-${dim}-reset`);
    const t = reset ? Date.parse(reset) : NaN;
    return window(num(get(`anthropic-ratelimit-${dim}-limit`)), num(get(`anthropic-ratelimit-${dim}-remaining`)), Number.isFinite(t) ? t - now : undefined);
  };
  const a = { requests: anthropic("requests"), tokens: anthropic("tokens"), inputTokens: anthropic("input-tokens"), outputTokens: anthropic("output-tokens") };
  if (a.requests || a.tokens || a.inputTokens || a.outputTokens) {
    snap.style = "anthropic";
    for (const [k, w] of Object.entries(a)) if (w) snap[k as RateLimitDimension] = w;
  } else {
    const o = { requests: openai("requests"), tokens: openai("tokens") };
    if (o.requests || o.tokens) {
      snap.style = "openai";
      if (o.requests) snap.requests = o.requests;
      if (o.tokens) snap.tokens = o.tokens;
    }
  }
  const ms = num(get("retry-after-ms"));
  const s = get("retry-after");
  if (ms !== undefined) snap.retryAfterMs = ms;
  else if (s !== undefined && s.trim() !== "") {
    if (num(s) !== undefined) snap.retryAfterMs = num(s)! * 1000;
    else if (Number.isFinite(Date.parse(s))) snap.retryAfterMs = Math.max(0, Date.parse(s) - now);
  }
  return snap.style || snap.retryAfterMs !== undefined ? snap : undefined;
}

/**
 * The snapshot an SDK error carries: its `headers` (OpenAI and Anthropic SDK errors both have them) plus the wait
 * stated in its message when no header gives one (OpenAI's 429s). Undefined when the error says nothing.
 */
export function rateLimitFromError(error: unknown, now = Date.now()): RateLimitSnapshot | undefined {
  const e = error as { headers?: HeaderSource; message?: unknown } | undefined;
  const snap = parseRateLimitHeaders(e?.headers, now);
  const fromMessage = retryAfterFromMessage(typeof e?.message === "string" ? e.message : undefined);
  if (snap?.retryAfterMs !== undefined || fromMessage === undefined) return snap;
  return { ...(snap ?? { at: now }), retryAfterMs: fromMessage };
}

/**
 * Give a classified retryable error the rate-limit snapshot of the SDK error it came from (providers call this in
 * their `catch`), so the engine's pacer hears about every 429 and the wait it states.
 */
export function attachRateLimit<E extends Error>(error: E, sdkError: unknown): E {
  if (error instanceof LlmRetryableError && error.rateLimit === undefined) {
    const snap = rateLimitFromError(sdkError);
    if (snap) error.rateLimit = snap;
  }
  return error;
}
