/**
 * The LLM layer: one interface for OpenAI, Anthropic, OpenAI-compatible servers and local GGUF models, behind an
 * engine with a persistent cache (never pays twice), bounded concurrency, rate limits, retries, budgets, progress
 * and batch APIs. Stages build `ChatRequest`s and call `createEngine(...).complete / runAll`.
 */
export type {
  ProviderName, ChatMessage, DecodingParams, ChatRequest, TokenUsage, FinishReason, ChatResult, ServedModel, ProviderResult,
  Provider, Budget, ModelPrice, CostEstimate, RunSummary,
} from "./types.js";
export { createEngine } from "./engine.js";
export { anySignal } from "./signals.js";
export { formatEstimate } from "./estimate.js";
export { isFatal } from "./errors.js";
export type {
  Engine, EngineOptions, EngineProgress, EngineStats, RunAllOptions, CompleteOptions,
} from "./engine-types.js";
export { LlmCache, openCache, clearCache, resultFromRecord, CACHE_FILE } from "./cache.js";
export type { CacheRecord, CacheStats } from "./cache.js";
export {
  canonicalRequest, requestKey, legacyRequestKey, effectiveBaseURL, approxInputTokens, rawPromptText, validateRequest, CACHE_KEY_VERSION, OFFICIAL_BASE_URLS, BASE_URL_ENV,
} from "./request.js";
export { defaultPrices, priceTable, priceOf, costUsd, requestCostUsd } from "./prices.js";
export type { PriceTable } from "./prices.js";
export {
  LlmAuthError, LlmRetryableError, LlmRequestError, LlmBudgetError, LlmAbortError, LlmContextError, LlmModelUnavailableError,
  retryAfterMsFromHeaders, classifyProviderError, redactKeys, rejectedParam,
} from "./errors.js";
export {
  loadRegistry, reloadRegistry, registryFile, userRegistryFile, lookupModel, registryPrice, describeLifecycle, isShutDown, substitutesFor,
  rolesOfPaperModel, undatedId,
} from "./registry.js";
export type {
  ModelRegistry, ModelEntry, ModelLifecycle, ParamRules, RegistryPrice, RegistrySource, RoleEntry, RoleName,
  Substitute, ModelLookup,
} from "./registry.js";
export { adaptRequest, maxTokensField, REASONING_HEADROOM } from "./params.js";
export type { Adaptation, LearnedRules, AdaptOptions } from "./params.js";
export { judgeServed, fetchServed, unavailableError } from "./preflight.js";
export type { ModelCheck, CheckOptions } from "./preflight.js";
export { chooseModel, describeSubstitution } from "./substitute.js";
export type { Substitution, ModelChoice, ModelTarget, ChooseOptions } from "./substitute.js";
export { modelRows, refreshRegistry } from "./refresh.js";
export type { ModelRow } from "./refresh.js";
export {
  recordDeviations, readDeviations, mergeDeviations, describeDeviations, describeAdaptation, displayModel,
  adaptationKey,
} from "./deviations.js";
export type { Deviations } from "./deviations.js";
export { Semaphore, TokenBucket, backoffMs } from "./limits.js";
export {
  parseRateLimitHeaders, parseDurationMs, retryAfterFromMessage, rateLimitFromError, attachRateLimit, RATE_LIMIT_DIMENSIONS,
} from "./ratelimit-headers.js";
export type { RateLimitSnapshot, RateLimitWindow, RateLimitDimension } from "./ratelimit-headers.js";
export { newPaceState, zeroCost, paceCost } from "./pace-state.js";
export { admissionWait, inFlightTarget, neededInFlight, paceAdmit } from "./pace-admit.js";
export { paceSettle, paceLearn } from "./pace-settle.js";
export { paceSummary, formatPace } from "./pace-summary.js";
export type { PacerOptions, PaceCost, PaceState, PaceDimension, PaceAdmission } from "./pace-state.js";
export type { PaceOutcome } from "./pace-settle.js";
export type { PaceSummary } from "./pace-summary.js";
export type { PaceWaitReason } from "./pace-admit.js";
export { Pacer, paceScope } from "./pacer-gate.js";
export type { PaceTicket, PaceMark } from "./pacer-gate.js";
export {
  createOpenAIProvider, openaiChatBody, openaiRequest, openaiEndpointFor, parseOpenAIChat, openaiFinishReason,
} from "./providers/openai.js";
export type { OpenAIProviderOptions } from "./providers/openai.js";
export {
  createAnthropicProvider, anthropicBody, parseAnthropicMessage, anthropicFinishReason,
} from "./providers/anthropic.js";
export type { AnthropicProviderOptions } from "./providers/anthropic.js";
export { unloadLocalModels, defaultThreads } from "./providers/local.js";
export type { LocalProviderOptions } from "./providers/local.js";
export {
  defaultModel, downloadDefaultModel, testModelPath, testModelCandidates, DEFAULT_DOWNLOAD, TEST_MODEL_FILE,
} from "./default-model.js";
export type { DefaultModel, DownloadableModel, DownloadOptions } from "./default-model.js";
export { notebookProgress, notebookCounter, progressHtml } from "./notebook.js";
export type { NotebookDisplay } from "./notebook.js";
export { runBatch, BATCH_DISCOUNT } from "./batch.js";
export { listBatches } from "./batch-store.js";
export type { BatchOptions } from "./batch.js";
export type { BatchState } from "./batch-store.js";
