/**
 * What one test item becomes on its way through a model: the engine request (greedy, the paper's token limit, the
 * Alpaca prompt or the model's chat template) and the AlpaCare-shaped record written for its answer. Pure: the
 * runner (runner.ts) plans, sends and stores.
 */
import type { ChatRequest, ChatResult } from "../llm/index.js";
import { extractResponse, type ExtractionRule } from "./extract.js";
import type { InferModelRef, InferOutputRecord } from "./runner.js";
import { promptMessages, type InferTemplate } from "./templates.js";
import type { InferItem } from "./testsets.js";

/** The paper's generation limit: up to 2048 new tokens. */
export const INFER_DEFAULT_MAX_TOKENS = 2048;

/** Build the engine request for one item (exported for tests and estimates). */
export function inferRequest(item: InferItem, target: InferModelRef, options: { template?: InferTemplate; systemPrompt?: string; maxTokens?: number; stop?: string[] } = {}): ChatRequest {
  const { messages, rawPrompt } = promptMessages(item, { template: options.template, systemPrompt: options.systemPrompt });
  return {
    provider: target.provider,
    model: target.model,
    baseURL: target.baseURL,
    messages,
    rawPrompt,
    temperature: 0,
    maxTokens: options.maxTokens ?? INFER_DEFAULT_MAX_TOKENS,
    stop: options.stop && options.stop.length ? options.stop : undefined,
    tag: "infer",
  };
}

/**
 * The record for one answer. Alpaca template: `raw_output` = prompt + completion, as upstream decoded the whole
 * sequence, and `response` = the extraction rule applied to it; chat template: `raw_output` = the completion.
 */
export function inferRecord(item: InferItem, request: ChatRequest, result: ChatResult, extraction: ExtractionRule): InferOutputRecord {
  const raw_output = request.rawPrompt ? request.messages.map((m) => m.content).join("") + result.text : result.text;
  return {
    id: item.id,
    instruction: item.instruction,
    input: item.input,
    raw_output,
    response: extractResponse(raw_output, extraction),
    generation: {
      finishReason: result.finishReason,
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
      latencyMs: result.latencyMs,
      cached: result.cached,
    },
  };
}
