/**
 * A provider-style rate limiter for the fake server (and for simulations that need the same rules without HTTP).
 *
 * Each limit (per minute) is two token buckets refilled at `limit / 60 s`: the minute bucket (capacity = the limit),
 * which is what the headers report, and a burst bucket (capacity = `burstSeconds` of the rate) that is enforced but
 * not reported, as providers quantise per-minute limits into shorter windows. A request is admitted when every bucket
 * holds its cost; else it gets a 429 saying how long until it would fit.
 *
 * Costs as the providers count them at admission:
 * - OpenAI: requests 1; tokens = prompt tokens + `max_tokens` / `max_completion_tokens` (`defaultMaxTokens` if unset).
 * - Anthropic: requests 1; input tokens; output tokens = `max_tokens` at admission, the unused part refunded when the
 *   answer is done (`finish`).
 * Answers as the providers answer today:
 * - OpenAI: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` on every response (reset as `1s`, `6m0s`,
 *   `210ms`), 429 body `{"error":{"message":"Rate limit reached for <model> in organization org-... on tokens per min
 *   (TPM): Limit L, Used U, Requested R. Please try again in 210ms. ...","type":"tokens","param":null,
 *   "code":"rate_limit_exceeded"}}` and no `retry-after`.
 * - Anthropic: `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}` (reset an
 *   RFC 3339 time), 429 with `retry-after` (whole seconds) and `{"type":"error","error":{"type":"rate_limit_error",...}}`.
 */

/** Options for {@link createRateLimiter} (and the fake server's `rateLimit` option). */
export interface FakeRateLimitOptions {
  /** Which provider's headers and 429s (default "openai"). */
  style?: "openai" | "anthropic";
  /** Requests per minute (default unlimited). */
  rpm?: number;
  /** OpenAI tokens per minute: prompt + max_tokens (default unlimited). */
  tpm?: number;
  /** Anthropic input tokens per minute (default unlimited). */
  itpm?: number;
  /** Anthropic output tokens per minute (default unlimited). */
  otpm?: number;
  /** The enforced burst window, seconds of the rate (default 2). */
  burstSeconds?: number;
  /** Output tokens counted for a request without max_tokens (default 4096). */
  defaultMaxTokens?: number;
}

type Dim = "requests" | "tokens" | "input-tokens" | "output-tokens";

interface Bucket {
  limit: number;
  minute: number;
  burst: number;
  at: number;
}

/** A request's cost per limit. */
export type FakeCost = Partial<Record<Dim, number>>;

/** The limiter's verdict on one request. */
export type FakeVerdict =
  | { ok: true; headers: Record<string, string>; cost: FakeCost }
  | { ok: false; headers: Record<string, string>; body: unknown; waitMs: number; dim: Dim };

/** Counts of what the limiter saw. */
export interface FakeRateLimitStats {
  admitted: number;
  rejected: number;
  /** Cost admitted per limit (tokens as the provider counts them at admission). */
  used: Record<string, number>;
  firstAt?: number;
  lastAt?: number;
}

/** A limiter: `check` a request at arrival, `finish` it when answered (refunds Anthropic's unused output tokens). */
export interface FakeRateLimiter {
  readonly options: FakeRateLimitOptions;
  check(model: string, cost: FakeCost, now: number): FakeVerdict;
  finish(cost: FakeCost, outputTokens: number, now: number): void;
  stats: FakeRateLimitStats;
}

/** A Go-style duration as OpenAI writes its reset headers: `17ms`, `210ms`, `1s`, `1.5s`, `6m0s`, `1h0m0s`. */
export function formatGoDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const total = Math.round(ms) / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total - h * 3600) / 60);
  const s = +(total - h * 3600 - m * 60).toFixed(3);
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** The cost of a request body as `style` counts it; `promptTokens` is the server's own count of the prompt. */
export function requestCost(style: "openai" | "anthropic", body: Record<string, any>, promptTokens: number, defaultMaxTokens = 4096): FakeCost {
  const maxOut = Number(body.max_completion_tokens ?? body.max_tokens ?? defaultMaxTokens);
  return style === "openai" ? { requests: 1, tokens: promptTokens + maxOut } : { requests: 1, "input-tokens": promptTokens, "output-tokens": maxOut };
}

/** Create a limiter. */
export function createRateLimiter(options: FakeRateLimitOptions): FakeRateLimiter {
  const style = options.style ?? "openai";
  const burstSeconds = options.burstSeconds ?? 2;
  const limits: [Dim, number | undefined][] = style === "openai"
    ? [["requests", options.rpm], ["tokens", options.tpm]]
    : [["requests", options.rpm], ["input-tokens", options.itpm], ["output-tokens", options.otpm]];
  const buckets = new Map<Dim, Bucket>();
  for (const [dim, limit] of limits) if (limit) buckets.set(dim, { limit, minute: limit, burst: (limit * burstSeconds) / 60, at: -1 });
  const stats: FakeRateLimitStats = { admitted: 0, rejected: 0, used: {} };

  const refill = (b: Bucket, now: number) => {
    if (b.at < 0) b.at = now;
    const add = ((now - b.at) * b.limit) / 60_000;
    b.minute = Math.min(b.limit, b.minute + add);
    b.burst = Math.min((b.limit * burstSeconds) / 60, b.burst + add);
    b.at = now;
  };
  const msUntil = (b: Bucket, level: number, need: number) => (Math.max(0, need - level) * 60_000) / b.limit;

  function headers(now: number): Record<string, string> {
    const h: Record<string, string> = {};
    for (const [dim, b] of buckets) {
      const remaining = Math.max(0, Math.floor(b.minute));
      const resetMs = msUntil(b, b.minute, b.limit);
      if (style === "openai") {
        h[`x-ratelimit-limit-${dim}`] = String(b.limit);
        h[`x-ratelimit-remaining-${dim}`] = String(remaining);
        h[`x-ratelimit-reset-${dim}`] = formatGoDuration(resetMs);
      } else {
        h[`anthropic-ratelimit-${dim}-limit`] = String(b.limit);
        h[`anthropic-ratelimit-${dim}-remaining`] = String(remaining);
        h[`anthropic-ratelimit-${dim}-reset`] = rfc3339(now + resetMs);
      }
    }
    if (style === "anthropic") {
      // The combined tokens window reports the most restrictive of input and output.
      const tok = [buckets.get("input-tokens"), buckets.get("output-tokens")].filter((b): b is Bucket => !!b);
      if (tok.length) {
        const worst = tok.reduce((a, b) => (a.minute / a.limit <= b.minute / b.limit ? a : b));
        h["anthropic-ratelimit-tokens-limit"] = String(worst.limit);
        h["anthropic-ratelimit-tokens-remaining"] = String(Math.max(0, Math.floor(worst.minute)));
        h["anthropic-ratelimit-tokens-reset"] = rfc3339(now + msUntil(worst, worst.minute, worst.limit));
      }
    }
    return h;
  }

  return {
    options,
    stats,
    check(model, cost, now) {
      let worst: { dim: Dim; waitMs: number; b: Bucket; need: number } | undefined;
      for (const [dim, b] of buckets) {
        refill(b, now);
        const need = cost[dim] ?? 0;
        // A request bigger than the burst fits once the burst bucket is full (it then goes into debt).
        const burstNeed = Math.min(need, (b.limit * burstSeconds) / 60);
        const waitMs = Math.max(msUntil(b, b.minute, need), msUntil(b, b.burst, burstNeed));
        if (waitMs > 0 && (!worst || waitMs > worst.waitMs)) worst = { dim, waitMs, b, need };
      }
      if (worst) {
        stats.rejected++;
        // A refused request still counts against requests per minute (as OpenAI documents).
        const rb = buckets.get("requests");
        if (rb && worst.dim !== "requests") {
          rb.minute -= 1;
          rb.burst -= 1;
        }
        const h = headers(now);
        const waitMs = Math.ceil(worst.waitMs);
        if (style === "openai") {
          const unit = worst.dim === "requests" ? "requests per min (RPM)" : "tokens per min (TPM)";
          const used = Math.max(0, Math.round(worst.b.limit - worst.b.minute));
          const message = `Rate limit reached for ${model} in organization org-fakeloopback0000 on ${unit}: Limit ${worst.b.limit}, Used ${used}, Requested ${worst.need}. Please try again in ${formatGoDuration(waitMs)}. Visit https://platform.openai.com/account/rate-limits to learn more.`;
          return { ok: false, headers: h, waitMs, dim: worst.dim, body: { error: { message, type: worst.dim, param: null, code: "rate_limit_exceeded" } } };
        }
        h["retry-after"] = String(Math.max(1, Math.ceil(waitMs / 1000)));
        const what = worst.dim === "requests" ? "requests" : worst.dim.replace("-", " ");
        const message = `This request would exceed your organization's rate limit of ${worst.b.limit.toLocaleString("en-US")} ${what} per minute (org: fake-loopback, model: ${model}). For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.`;
        return { ok: false, headers: h, waitMs, dim: worst.dim, body: { type: "error", error: { type: "rate_limit_error", message } } };
      }
      for (const [dim, b] of buckets) {
        const need = cost[dim] ?? 0;
        b.minute -= need;
        b.burst -= need;
      }
      stats.admitted++;
      for (const [dim, v] of Object.entries(cost)) stats.used[dim] = (stats.used[dim] ?? 0) + (v ?? 0);
      stats.firstAt ??= now;
      stats.lastAt = now;
      return { ok: true, headers: headers(now), cost };
    },
    finish(cost, outputTokens, now) {
      const b = buckets.get("output-tokens");
      const counted = cost["output-tokens"];
      if (!b || counted === undefined) return;
      refill(b, now);
      const refund = Math.max(0, counted - outputTokens);
      b.minute = Math.min(b.limit, b.minute + refund);
      b.burst = Math.min((b.limit * burstSeconds) / 60, b.burst + refund);
      stats.used["output-tokens"] = (stats.used["output-tokens"] ?? 0) - refund;
    },
  };
}

/** An RFC 3339 time to the second, as Anthropic writes its reset headers (`2026-11-30T23:59:01Z`). */
function rfc3339(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
