/**
 * The engine's contract: the options `createEngine` takes, the `Engine` interface every stage calls, and the
 * progress and totals it reports. Its own module because callers (stages, the batch runner, notebooks) depend on
 * this shape, not on how engine.ts builds it; keeping them apart lets the implementation change without touching it.
 */
import type { LlmCache } from "./cache.js";
import type { Adaptation } from "./params.js";
import type { PacerOptions } from "./pace-state.js";
import type { PaceSummary } from "./pace-summary.js";
import type { PriceTable } from "./prices.js";
import type { ModelCheck } from "./preflight.js";
import type { LocalProviderOptions } from "./providers/local.js";
import type { Budget, ChatRequest, ChatResult, CostEstimate, Provider, ProviderName, RunSummary, ServedModel, TokenUsage } from "./types.js";

/** Options for {@link createEngine}. Every field is optional; defaults are listed. */
export interface EngineOptions {
  /** Calls in flight at once (default 8; local models additionally queue on their own sequences). */
  concurrency?: number;
  /** Requests per minute (default unlimited). */
  rpm?: number;
  /** Tokens per minute, input (chars/4) + max output (default unlimited). */
  tpm?: number;
  /** Retries per call after 429/5xx/timeouts/malformed answers (default 6). */
  maxRetries?: number;
  /** First backoff delay, ms (default 1000); doubles per retry, with jitter. */
  retryBaseMs?: number;
  /** Longest backoff delay, ms (default 60000). */
  retryMaxMs?: number;
  /** Per-call timeout, ms (default 120000; 600000 for local models). */
  timeoutMs?: number;
  /** Budget for the engine's lifetime (a run's budget can also be given to `runAll`). */
  budget?: Budget;
  /** Use the persistent cache (default true). With false, every call is sent and nothing is stored. */
  cache?: boolean;
  /** Cache folder (default `cacheDir()`). */
  cacheDir?: string;
  /** Price overrides, USD per million tokens (merged over the built-in table and `ALPACARE_PRICES`). */
  prices?: PriceTable;
  /** Key variable per provider (defaults: OPENAI_API_KEY, ANTHROPIC_API_KEY; none for openai-compatible). */
  apiKeyEnv?: Partial<Record<ProviderName, string>>;
  /** Use these providers instead of the built-in ones (tests, custom backends). */
  providers?: Partial<Record<ProviderName, Provider>>;
  /** Options for the in-process node-llama-cpp provider. */
  local?: LocalProviderOptions;
  /** Output tokens assumed for a request with no `maxTokens`, for estimates and the budget (default 512). */
  defaultOutputTokens?: number;
  /** Draw progress on stderr during `runAll` (default true). */
  progress?: boolean;
  /** Called on every progress update (e.g. {@link notebookProgress}). */
  onProgress?: (p: EngineProgress) => void;
  /** Estimate only: `runAll` returns cached answers and the estimate and sends nothing; `complete` throws. */
  dryRun?: boolean;
  /** Cancels everything this engine does. */
  signal?: AbortSignal;
  /** During `runAll`, turn the first Ctrl-C into a clean stop (in-flight calls dropped, cache intact); default false. */
  handleSigint?: boolean;
  /**
   * Refuse, instead of adapting, a request whose parameters the model does not accept (exact replication); default
   * false: parameters are dropped or renamed per the registry and the provider's 400s, and each change is recorded.
   */
  strictParams?: boolean;
  /** Ask each endpoint which models it serves before the first call to a model (default true). */
  preflight?: boolean;
  /** Warn when a model's shutdown date is within this many days (default 2). */
  horizonDays?: number;
  /** Extra output tokens for a reasoning model's hidden reasoning (default 4096, see params.ts). */
  reasoningHeadroom?: number;
  /**
   * Pace remote calls by the provider's rate-limit headers (see `pace-state.ts`): default true; `false` turns it off;
   * an object tunes it (`burstMs`, `utilisation`, `probeConcurrency`, ...). `rpm` / `tpm` stay caps on top.
   */
  pace?: boolean | Omit<PacerOptions, "maxConcurrency">;
}

/** A live view of a run, for progress displays. */
export interface EngineProgress {
  label: string;
  done: number;
  total: number;
  calls: number;
  cacheHits: number;
  failures: number;
  retries: number;
  tokens: number;
  usd: number;
  elapsedMs: number;
  ratePerSec: number;
  etaSec?: number;
  /** The pace against the provider's limits, e.g. `tokens/min 228k of 240k (95%), 429s 0` (absent for local models). */
  pace?: string;
  /** The same, per (provider, endpoint, model). */
  paceDetail?: PaceSummary[];
  /** The usual one-line text rendering. */
  line: string;
}

/** Options for {@link Engine.runAll}. */
export interface RunAllOptions {
  /** Called once per request as soon as its answer (or final error) is known; not called for skipped requests. */
  onResult?: (index: number, result: ChatResult | Error) => void;
  /** Progress label (default "llm"). */
  label?: string;
  /** Cancels the run: in-flight calls are dropped, finished answers are already in the cache. */
  signal?: AbortSignal;
  /** A budget for this run only (on top of the engine's). */
  budget?: Budget;
  /** Override the engine's progress drawing / callback for this run. */
  progress?: boolean;
  onProgress?: (p: EngineProgress) => void;
}

/** Options for {@link Engine.complete}. */
export interface CompleteOptions {
  signal?: AbortSignal;
}

/** Totals since the engine was created. */
export interface EngineStats {
  calls: number;
  cacheHits: number;
  failures: number;
  retries: number;
  tokens: TokenUsage;
  usd: number;
  usdSaved: number;
}

/** The engine: cached, retried, rate-limited, budgeted model calls. */
export interface Engine {
  readonly options: Readonly<EngineOptions>;
  /** One request: from the cache when answered before, else a call (retried); the answer is cached. */
  complete(req: ChatRequest, options?: CompleteOptions): Promise<ChatResult>;
  /** Many requests with bounded concurrency and progress; stops cleanly on abort or budget. */
  runAll(requests: readonly ChatRequest[], options?: RunAllOptions): Promise<RunSummary>;
  /** What `runAll(requests)` would send and cost, before anything is sent. */
  estimate(requests: readonly ChatRequest[]): CostEstimate;
  /** The cached answer of a request, without calling anything. */
  cached(req: ChatRequest): ChatResult | undefined;
  /** Totals since creation. */
  stats(): EngineStats;
  /** The dollars a usage of this request's model costs at the engine's prices. */
  costOf(req: Pick<ChatRequest, "provider" | "model">, usage: TokenUsage): number;
  /** The engine's cache (undefined with `cache: false`); batch results are written into it. */
  cacheStore(): LlmCache | undefined;
  /** Release providers (local model memory) and the cache file. */
  close(): Promise<void>;
  /** The request as it would be sent (parameters adapted to the model) and its cache key; batch APIs use it. */
  prepare(req: ChatRequest): { request: ChatRequest; key: string; adaptations: Adaptation[] };
  /** Every change made to requests so far (dropped/renamed parameters, raised or reduced limits), once each. */
  adaptations(): Adaptation[];
  /** Warnings so far (models shutting down soon, endpoints that could not list their models). */
  warnings(): string[];
  /** Ask the endpoint whether it serves a model (memoised per endpoint); the preflight every first call makes. */
  checkModel(target: Pick<ChatRequest, "provider" | "model" | "baseURL">): Promise<ModelCheck>;
  /** The endpoint's models list (GET /v1/models, memoised), or undefined when it cannot be listed. */
  servedModels(target: Pick<ChatRequest, "provider" | "baseURL">): Promise<ServedModel[] | undefined>;
}
