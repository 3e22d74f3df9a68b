/**
 * The LLM layer: one interface for OpenAI, Anthropic, OpenAI-compatible servers and local GGUF models, behind an
 * engine with a persistent cache (never pays twice), bounded concurrency, rate limits, retries, budgets, progress
 * and batch APIs. Stages build `ChatRequest`s and call `createEngine(...).complete / runAll`.
 */
export { type BatchState, listBatches } from "./batch-store.js";
export { BATCH_DISCOUNT, type BatchOptions, runBatch } from "./batch.js";
export { type CacheRecord, type CacheStats, clearCache, LlmCache, openCache } from "./cache.js";
export {
  DEFAULT_DOWNLOAD, defaultModel, type DefaultModel, type DownloadableModel, downloadDefaultModel,
  type DownloadOptions, TEST_MODEL_FILE, testModelPath,
} from "./default-model.js";
export {
  describeAdaptation, describeDeviations, type Deviations, displayModel, readDeviations, recordDeviations,
} from "./deviations.js";
export {
  type CompleteOptions, type Engine, type EngineOptions, type EngineProgress, type EngineStats, type RunAllOptions,
} from "./engine-types.js";
export { createEngine } from "./engine.js";
export {
  LlmAbortError, LlmAuthError, LlmBudgetError, LlmContextError, LlmModelUnavailableError, LlmRequestError,
  LlmRetryableError,
} from "./errors.js";
export { type EstimateInputs, estimateRequests, formatEstimate } from "./estimate.js";
export { notebookCounter, type NotebookDisplay, notebookProgress } from "./notebook.js";
export { type PacerOptions } from "./pace-state.js";
export { formatPace, type PaceSummary } from "./pace-summary.js";
export { type Adaptation, type AdaptOptions, adaptRequest, type LearnedRules } from "./params.js";
export { type ModelCheck } from "./preflight.js";
export { costUsd, defaultPrices, priceOf, priceTable, type PriceTable, requestCostUsd } from "./prices.js";
export { type AnthropicProviderOptions, createAnthropicProvider } from "./providers/anthropic.js";
export { createLocalProvider, type LocalProviderOptions, unloadLocalModels } from "./providers/local.js";
export { createOpenAIProvider, type OpenAIProviderOptions } from "./providers/openai.js";
export { type RateLimitDimension, type RateLimitSnapshot, type RateLimitWindow } from "./ratelimit-headers.js";
export { type ModelRow, modelRows, refreshRegistry } from "./refresh.js";
export {
  describeLifecycle, isShutDown, loadRegistry, lookupModel, type ModelEntry, type ModelLifecycle, type ModelLookup,
  type ModelRegistry, type ParamRules, registryPrice, type RegistryPrice, type RegistrySource, reloadRegistry,
  type RoleEntry, type RoleName, rolesOfPaperModel, type Substitute, substitutesFor, undatedId,
} from "./registry.js";
export { CACHE_KEY_VERSION, canonicalRequest, effectiveBaseURL, requestKey } from "./request.js";
export {
  chooseModel, type ChooseOptions, describeSubstitution, type ModelChoice, type ModelTarget, type Substitution,
} from "./substitute.js";
export {
  type Budget, type ChatMessage, type ChatRequest, type ChatResult, type CostEstimate, type DecodingParams,
  type FinishReason, type ModelPrice, type Provider, type ProviderName, type ProviderResult, type RunSummary,
  type ServedModel, type TokenUsage,
} from "./types.js";
