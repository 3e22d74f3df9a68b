/**
 * The LLM layer: one interface for OpenAI, Anthropic, OpenAI-compatible servers and local GGUF models, behind an
 * engine with a persistent cache (never pays twice), bounded concurrency, rate limits, retries, budgets, progress
 * and batch APIs. Stages build `ChatRequest`s and call `createEngine(...).complete / runAll`.
 */
export type * from "./types.js";
export { createEngine, anySignal, formatEstimate } from "./engine.js";
export type { Engine, EngineOptions, EngineProgress, EngineStats, RunAllOptions, CompleteOptions } from "./engine.js";
export { LlmCache, openCache, clearCache, resultFromRecord, CACHE_FILE } from "./cache.js";
export type { CacheRecord, CacheStats } from "./cache.js";
export { canonicalRequest, requestKey, approxInputTokens, rawPromptText, validateRequest, CACHE_KEY_VERSION } from "./request.js";
export { defaultPrices, priceTable, priceOf, costUsd, requestCostUsd } from "./prices.js";
export type { PriceTable } from "./prices.js";
export {
  LlmAuthError, LlmRetryableError, LlmRequestError, LlmBudgetError, LlmAbortError, retryAfterMsFromHeaders, classifyProviderError, redactKeys,
} from "./errors.js";
export { Semaphore, TokenBucket, backoffMs, sleep as llmSleep } from "./limits.js";
export { createOpenAIProvider, openaiChatBody, parseOpenAIChat, openaiFinishReason } from "./providers/openai.js";
export type { OpenAIProviderOptions } from "./providers/openai.js";
export { createAnthropicProvider, anthropicBody, parseAnthropicMessage, anthropicFinishReason } from "./providers/anthropic.js";
export type { AnthropicProviderOptions } from "./providers/anthropic.js";
export { unloadLocalModels, defaultThreads } from "./providers/local.js";
export type { LocalProviderOptions } from "./providers/local.js";
export { defaultModel, downloadDefaultModel, testModelPath, testModelCandidates, DEFAULT_DOWNLOAD, TEST_MODEL_FILE } from "./default-model.js";
export type { DefaultModel, DownloadableModel, DownloadOptions } from "./default-model.js";
export { notebookProgress, notebookCounter, progressHtml } from "./notebook.js";
export type { NotebookDisplay } from "./notebook.js";
export { runBatch, listBatches, BATCH_DISCOUNT } from "./batch.js";
export type { BatchOptions, BatchState } from "./batch.js";
