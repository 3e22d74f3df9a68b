/**
 * Errors the LLM layer raises, and the classification the runner uses to decide between "retry", "fail this call"
 * and "stop everything". Provider errors are read by shape (status, headers) so the SDKs stay lazily loaded.
 */
import { redactSecret } from "../core/index.js";
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

/**
 * A call that will fail the same way every time (400, 404, 422, bad request shape): not retried. With an HTTP
 * status the provider said no, and the run stops after the first one (see the engine), unless the error names a
 * parameter the model does not accept (`param` with code `unsupported_parameter` / `unsupported_value`, or
 * Anthropic's equivalent), which the engine learns and adapts to.
 */
export class LlmRequestError extends Error {
  readonly status?: number;
  /** The provider's error code (`model_not_found`, `unsupported_parameter`, `unsupported_value`, `not_found_error`...). */
  readonly code?: string;
  /** The request parameter the provider rejected, when it named one (API spelling: `temperature`, `max_tokens`). */
  readonly param?: string;
  constructor(message: string, options: { status?: number; cause?: unknown; code?: string; param?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = "LlmRequestError";
    this.status = options.status;
    this.code = options.code;
    this.param = options.param;
  }
}

/**
 * A local model's context cannot hold the prompt plus the requested output. Carries the numbers so the engine can
 * lower the output limit to what fits (recorded as an adaptation), or refuse under `strictParams`.
 */
export class LlmContextError extends LlmRequestError {
  /** Tokens of the prompt. */
  readonly promptTokens: number;
  /** The largest output limit that fits beside the prompt (0 or less: the prompt alone does not fit). */
  readonly maxTokensThatFit: number;
  constructor(message: string, promptTokens: number, maxTokensThatFit: number) {
    super(message);
    this.name = "LlmContextError";
    this.promptTokens = promptTokens;
    this.maxTokensThatFit = maxTokensThatFit;
  }
}

/**
 * The model is not served by the endpoint (shut down, misspelled, or not on this account): nothing was sent. The
 * message names the model, what the registry knows of its lifecycle, and the substitutes.
 */
export class LlmModelUnavailableError extends Error {
  readonly provider: string;
  readonly model: string;
  /** Substitutes in order (provider/model). */
  readonly substitutes: string[];
  constructor(message: string, provider: string, model: string, substitutes: string[]) {
    super(message);
    this.name = "LlmModelUnavailableError";
    this.provider = provider;
    this.model = model;
    this.substitutes = substitutes;
  }
}

/** The rejected parameter of a 400, when the provider's error says which one (see {@link LlmRequestError}). */
export function rejectedParam(e: unknown): string | undefined {
  if (!(e instanceof LlmRequestError) || e.status !== 400 || !e.param) return undefined;
  return e.code === "unsupported_parameter" || e.code === "unsupported_value" || e.code === "anthropic_param" ? e.param : undefined;
}

/** Anthropic names a rejected parameter only in words: find it (`temperature` and `top_p` cannot both be specified...). */
function anthropicRejectedParam(message: string): string | undefined {
  if (/temperature.{0,5}\s+and\s+.{0,5}top_p.{0,5}\s+cannot both be specified/i.test(message)) return "top_p";
  const m = message.match(/`?(temperature|top_p|top_k|stop_sequences)`?\s*(?:is not supported|is deprecated|cannot be|not allowed|is not allowed)/i);
  return m ? m[1]!.toLowerCase() : undefined;
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
    // The SDKs expose the error body: OpenAI's `{error: {code, param, type}}` as fields, Anthropic's
    // `{type: "error", error: {type, message}}` as `.error`.
    const body = (e as { error?: { code?: unknown; param?: unknown; type?: unknown; error?: { type?: unknown } } }).error;
    const anyErr = e as { code?: unknown; param?: unknown };
    let code = typeof anyErr.code === "string" ? anyErr.code : typeof body?.code === "string" ? body.code : undefined;
    let param = typeof anyErr.param === "string" ? anyErr.param : typeof body?.param === "string" ? body.param : undefined;
    const anthropicType = typeof body?.error?.type === "string" ? body.error.type : undefined;
    if (!code && anthropicType) code = anthropicType;
    if (!param && status === 400 && anthropicType === "invalid_request_error") {
      param = anthropicRejectedParam(message);
      if (param) code = "anthropic_param";
    }
    return new LlmRequestError(`${where}: HTTP ${status}${code ? ` ${code}` : ""}: ${message}`, { status, cause: e, code, param });
  }
  if (name === "APIConnectionTimeoutError") return new LlmRetryableError(`${where}: timed out`, { cause: e });
  if (name === "APIConnectionError") return new LlmRetryableError(`${where}: connection error: ${message}`, { cause: e });
  // A body that is not valid JSON (a proxy's HTML error page, a truncated response) is usually transient.
  if (e instanceof SyntaxError || name === "SyntaxError") return new LlmRetryableError(`${where}: malformed response: ${message}`, { cause: e });
  return e instanceof Error ? e : new Error(message);
}

/** Mask anything shaped like an API key (and any 8+ character part of the configured keys) (`sk-...`, `sk-ant-...`, long bearer tokens) in text bound for logs. */
export function redactKeys(text: string): string {
  let out = text.replace(/\b(sk-(?:ant-|proj-)?)[A-Za-z0-9_*.-]{6,}/g, "$1[redacted]");
  for (const v of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"]) {
    const k = process.env[v];
    if (k && k.length >= 8) out = redactSecret(out, k);
  }
  return out;
}

/**
 * Errors after which no further call of the run is sent: the same answer awaits every request. Here, beside the
 * classes it classifies, so the engine and its attempt loop share one rule.
 */
export function isFatal(e: unknown): boolean {
  if (e instanceof LlmAuthError || e instanceof LlmModelUnavailableError) return true;
  if (e instanceof LlmContextError) return false;
  return e instanceof LlmRequestError && (e.status !== undefined || e.code === "strict-params") && rejectedParam(e) === undefined;
}
