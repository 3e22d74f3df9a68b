/**
 * The contract every stage that calls a language model relies on (generate, infer, judge). Providers, the cache and
 * the runner live in this folder; callers build `ChatRequest`s and get `ChatResult`s back, whatever the provider.
 */
import type { PaceSummary } from "./pace-summary.js";
import type { RateLimitSnapshot } from "./ratelimit-headers.js";

/** Which backend serves a request. `local` = in-process GGUF through node-llama-cpp. */
export type ProviderName = "openai" | "anthropic" | "openai-compatible" | "local";

/** One chat message. A `system` message is sent as OpenAI's system role or Anthropic's `system` field. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Decoding parameters. Omitted fields take the provider's default and are left out of the cache key. */
export interface DecodingParams {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  stop?: string[];
  /** Sampling seed (local models; OpenAI's `seed`). */
  seed?: number;
  /** Constrain the output to JSON matching this schema (local grammar; OpenAI `response_format`). */
  jsonSchema?: Record<string, unknown>;
  /** Reasoning effort of a reasoning model (OpenAI `reasoning_effort`); set by the parameter rules, see params.ts. */
  reasoningEffort?: string;
  /**
   * Send the output limit as `max_completion_tokens` (set by the parameter rules for models that reject
   * `max_tokens`). Not part of the cache key: the same limit under another name.
   */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
}

/** A full request: what is sent, and everything that makes its answer differ (all of it goes into the cache key). */
export interface ChatRequest extends DecodingParams {
  provider: ProviderName;
  /** Model id as the provider knows it (e.g. `gpt-3.5-turbo-0613`, `claude-2.1`, a GGUF path for `local`). */
  model: string;
  messages: ChatMessage[];
  /**
   * Send `messages` as a raw completion prompt instead of a chat (the concatenated content; for Alpaca-template
   * models and local GGUF completion). Default false.
   */
  rawPrompt?: boolean;
  /**
   * Caller's tag, part of the cache key: e.g. `judge:referenceFirst:<prompt hash>` so two logically different calls
   * with identical text are still cached apart when the caller wants that.
   */
  tag?: string;
  /** Base URL for `openai-compatible` (and to point any SDK at a test server). Part of the cache key. */
  baseURL?: string;
}

/** Token usage as the provider reported it (or counted locally). */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Why generation stopped, normalised across providers. */
export type FinishReason = "stop" | "length" | "content_filter" | "error" | "other";

/** The answer to one request. */
export interface ChatResult {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  /** Wall time of the call that produced this answer (the original call, for a cache hit). */
  latencyMs: number;
  /** True when served from the cache (no money spent now). */
  cached: boolean;
  /** The cache key (hex SHA-256 of the canonical request). */
  key: string;
  /** Provider's model id as echoed back (e.g. the dated snapshot), when given. */
  modelVersion?: string;
  /** Changes made to the request before sending (dropped or renamed parameters, raised limits); see params.ts. */
  adaptations?: import("./params.js").Adaptation[];
}

/** A model as an endpoint's models list gives it. */
export interface ServedModel {
  id: string;
  /** The announced shutdown date (`YYYY-MM-DD`), when the endpoint reports one (OpenAI's `shutdown_date`). */
  shutdownDate?: string;
}

/** What a provider's call returns: the answer, plus the rate-limit headers it came with (for the pacer, never cached). */
export type ProviderResult = Omit<ChatResult, "cached" | "key"> & { rateLimit?: RateLimitSnapshot };

/** A provider: one call, no caching, no retries beyond the SDK's own (the runner owns those). */
export interface Provider {
  readonly name: ProviderName;
  complete(request: ChatRequest, signal?: AbortSignal): Promise<ProviderResult>;
  /** The models the endpoint serves (GET /v1/models), for the preflight check; absent for local models. */
  listModels?(baseURL?: string): Promise<ServedModel[]>;
  /** Release resources (local model contexts). */
  close?(): Promise<void>;
}

/** Cost/usage budget for a run: the runner stops before starting a call that could push spending past it. */
export interface Budget {
  /** Maximum dollars (list prices from the price table). */
  usd?: number;
  /** Maximum tokens (input + output). */
  tokens?: number;
}

/** Price of a model in US dollars per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

/** What a set of requests would cost before anything is sent (`engine.estimate`). */
export interface CostEstimate {
  /** Requests in the set. */
  requests: number;
  /** Requests already answered in the cache (free). */
  cached: number;
  /** Calls that would be sent (not cached, duplicates counted once). */
  calls: number;
  /** Approximate input tokens of those calls (chars/4). */
  inputTokens: number;
  /** Output tokens of those calls (each call's `maxTokens`, else the engine's `defaultOutputTokens`). */
  outputTokens: number;
  /** Dollars at list price with every call using its full `outputTokens` (an upper bound; 0 for local/unpriced models). */
  usd: number;
  /**
   * Expected output tokens: per model, the mean output of its answers already in the cache (capped at each call's
   * `maxTokens`), else the same as `outputTokens`. Usually far below the bound when `maxTokens` is generous.
   */
  expectedOutputTokens?: number;
  /** Dollars with `expectedOutputTokens`. */
  expectedUsd?: number;
  /** Models with no entry in the price table (counted as free: check before trusting `usd`). */
  unpricedModels: string[];
  /** What makes the estimate doubtful: models the registry says are shut down, models with no price. */
  warnings?: string[];
}

/** The outcome of `engine.runAll`. */
export interface RunSummary {
  /** Requests given. */
  requests: number;
  /** Answers obtained (calls + cache hits). */
  completed: number;
  /** Calls actually sent and answered (money spent now). */
  calls: number;
  /** Answers served from the cache. */
  cacheHits: number;
  /** Requests that failed after retries (onResult got an Error). */
  failures: number;
  /** Requests never started (budget reached, aborted, or dry run). */
  skipped: number;
  /** Retries performed (429/5xx/timeouts/malformed answers). */
  retries: number;
  /** Tokens of the calls sent now. */
  tokens: TokenUsage;
  /** Dollars spent now (list price). */
  usd: number;
  /** Dollars the cache hits would have cost. */
  usdSaved: number;
  /** Wall time of the run, ms. */
  wallMs: number;
  /** Why the run stopped early, when it did. */
  stopped?: "budget" | "aborted" | "dry-run";
  /** The pre-run estimate (always present for a dry run). */
  estimate?: CostEstimate;
  /** The pace this run reached against each provider limit, per (provider, endpoint, model) called. */
  pace?: PaceSummary[];
}
