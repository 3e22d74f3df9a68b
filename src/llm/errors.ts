/**
 * Errors the LLM layer raises, and the classification the runner uses to decide between "retry", "fail this call"
 * and "stop everything". Provider errors are read by shape (status, headers) so the SDKs stay lazily loaded.
 */
import type { RateLimitSnapshot } from "./ratelimit-headers.js";

/** A key is missing or was rejected (401/403): retrying cannot help, so the whole run stops at once. */
export class LlmAuthError extends Error {
  /** The environment variable the key is read from. */
  readonly envVar: string;
  constructor(message: string, envVar: string) {
    super(message);
    this.name = "LlmAuthError";
    this.envVar = envVar;
  }
}

/** A transient failure (429, 5xx, timeout, connection drop, malformed answer): the runner retries it. */
export class LlmRetryableError extends Error {
  readonly status?: number;
  /** Server-requested wait (from `retry-after-ms` / `retry-after`), ms. */
  readonly retryAfterMs?: number;
  /** The rate-limit headers (and stated wait) the error came with, for the pacer (set by providers). */
  rateLimit?: RateLimitSnapshot;
  constructor(message: string, options: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "LlmRetryableError";
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A call that will fail the same way every time (400, 404, 422, bad request shape): not retried. */
export class LlmRequestError extends Error {
  readonly status?: number;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "LlmRequestError";
    this.status = options.status;
  }
}

/** The call would exceed the run's budget, so it was not sent. */
export class LlmBudgetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LlmBudgetError";
  }
}

/** The call was cancelled (AbortSignal / Ctrl-C) before it finished. */
export class LlmAbortError extends Error {
  constructor(message = "cancelled") {
    super(message);
    this.name = "LlmAbortError";
  }
}

/** Read the server's requested delay from `retry-after-ms` (ms) or `retry-after` (seconds or an HTTP date). */
export function retryAfterMsFromHeaders(headers: unknown): number | undefined {
  const get = (name: string): string | null | undefined => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
    const v = (headers as Record<string, unknown>)[name];
    return typeof v === "string" ? v : undefined;
  };
  const ms = get("retry-after-ms");
  if (ms != null && ms !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const s = get("retry-after");
  if (s != null && s !== "") {
    if (Number.isFinite(Number(s))) return Math.max(0, Number(s) * 1000);
    const date = Date.parse(s);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  return undefined;
}

/**
 * Turn whatever an SDK threw into one of the errors above. `envVar` names the key variable for auth messages,
 * `where` the endpoint (so a 401 from a self-hosted server says which server).
 */
export function classifyProviderError(e: unknown, envVar: string | undefined, where: string): Error {
  if (e instanceof LlmAuthError || e instanceof LlmRetryableError || e instanceof LlmRequestError || e instanceof LlmAbortError) return e;
  const err = e as { status?: unknown; headers?: unknown; message?: string; name?: string; constructor?: { name?: string } };
  const name = err?.constructor?.name ?? err?.name ?? "";
  const message = redactKeys(err?.message ?? String(e));
  if (name === "APIUserAbortError" || name === "AbortError") return new LlmAbortError();
  const status = typeof err?.status === "number" ? err.status : undefined;
  if (status === 401 || status === 403) {
    const v = envVar ?? "(no key variable)";
    return new LlmAuthError(`${where} rejected the API key (HTTP ${status}); check the environment variable ${v}. ${message}`, v);
  }
  if (status !== undefined) {
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      return new LlmRetryableError(`${where}: HTTP ${status}: ${message}`, { status, retryAfterMs: retryAfterMsFromHeaders(err.headers), cause: e });
    }
    return new LlmRequestError(`${where}: HTTP ${status}: ${message}`, { status, cause: e });
  }
  if (name === "APIConnectionTimeoutError") return new LlmRetryableError(`${where}: timed out`, { cause: e });
  if (name === "APIConnectionError") return new LlmRetryableError(`${where}: connection error: ${message}`, { cause: e });
  // A body that is not valid JSON (a proxy's HTML error page, a truncated response) is usually transient.
  if (e instanceof SyntaxError || name === "SyntaxError") return new LlmRetryableError(`${where}: malformed response: ${message}`, { cause: e });
  return e instanceof Error ? e : new Error(message);
}

/** Mask anything shaped like an API key (`sk-...`, `sk-ant-...`, long bearer tokens) in text bound for logs. */
export function redactKeys(text: string): string {
  let out = text.replace(/\b(sk-(?:ant-|proj-)?)[A-Za-z0-9_*.-]{6,}/g, "$1[redacted]");
  for (const v of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"]) {
    const k = process.env[v];
    if (k && k.length >= 8) out = out.split(k).join("[redacted]");
  }
  return out;
}
