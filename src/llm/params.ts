/**
 * Per-model parameter rules. The paper's requests (temperature 0, top_p 1, zero penalties, stop strings,
 * `max_tokens`) are rejected by today's reasoning models and, in part, by recent Claude models. Before a request is
 * sent (and before its cache key is computed, so the key says what was really asked), the parameters the model does
 * not accept are dropped or renamed, following the registry's rules and what the provider taught this run through a
 * 400. Every change is an {@link Adaptation}: recorded beside the numbers that rest on it, because a judge sampled at
 * temperature 1 is not the paper's judge. `strict` refuses instead of adapting (exact replication).
 */
import type { ParamRules } from "./registry.js";
import type { ChatRequest } from "./types.js";

/** One change made to what the paper (or the caller) asked for. */
export interface Adaptation {
  /** The model the change applies to. */
  model: string;
  /** The parameter as the API names it (`temperature`, `top_p`, `max_tokens`, ...). */
  parameter: string;
  action: "dropped" | "renamed" | "raised" | "reduced" | "set";
  from?: unknown;
  to?: unknown;
  /** Why, in a sentence; names the rule's source (registry, the provider's 400, the local context). */
  reason: string;
  /** How many requests it applied to (in `engine.adaptations()`). */
  count?: number;
}

/** Parameters a provider rejected for a model during this run (learned from 400s). */
export interface LearnedRules {
  /** API parameter names to leave out. */
  drop: Set<string>;
  /** Send `max_completion_tokens` instead of `max_tokens`. */
  maxCompletionTokens?: boolean;
}

/** Options for {@link adaptRequest}. */
export interface AdaptOptions {
  /** Extra output tokens given to a reasoning model for its hidden reasoning (default 4096). */
  reasoningHeadroom?: number;
  /** The model reasons before answering (registry kind `reasoning`) even without an effort setting. */
  reasoning?: boolean;
}

/** Default reasoning headroom, tokens. */
export const REASONING_HEADROOM = 4096;

const PARAM_FIELDS: Record<string, keyof ChatRequest> = {
  temperature: "temperature",
  top_p: "topP",
  presence_penalty: "presencePenalty",
  frequency_penalty: "frequencyPenalty",
  stop: "stop",
  stop_sequences: "stop",
  seed: "seed",
  reasoning_effort: "reasoningEffort",
};

/** The request field an API parameter name maps to (undefined for names the workbench never sends). */
export function requestFieldOf(apiParam: string): keyof ChatRequest | undefined {
  return PARAM_FIELDS[apiParam];
}

/**
 * The request as it will be sent, and the changes made to get there. Pure: the same request, rules and learned set
 * give the same result, so the cache key of an adapted request is stable across runs.
 */
export function adaptRequest(req: ChatRequest, rules: ParamRules | undefined, learned: LearnedRules | undefined, options: AdaptOptions = {}): { request: ChatRequest; adaptations: Adaptation[] } {
  const out: ChatRequest = { ...req };
  const adaptations: Adaptation[] = [];
  const model = req.model;
  const drop = (param: string, field: keyof ChatRequest, reason: string) => {
    if (out[field] === undefined) return;
    adaptations.push({ model, parameter: param, action: "dropped", from: out[field], reason });
    delete out[field];
  };
  if (rules) {
    const why = (what: string) => `${model} ${what} (model registry, ${rules.source})`;
    // Reasoning effort applies to OpenAI's chat API only (Anthropic's extended thinking is off unless asked for).
    const efforts = req.provider === "openai" ? rules.reasoningEffort ?? null : null;
    // GPT-6 style models decode with a temperature only at reasoning effort "none": asking for one (the paper's 0)
    // selects that effort, which keeps the judge greedy and answering directly.
    const samplingViaNone = efforts?.includes("none") === true && rules.temperatureIfReasoningEffortNone === true && out.temperature !== undefined && out.reasoningEffort === undefined;
    if (samplingViaNone) {
      out.reasoningEffort = "none";
      adaptations.push({ model, parameter: "reasoning_effort", action: "set", to: "none", reason: why("takes a temperature only with reasoning_effort none: set, so it decodes as asked and answers without hidden reasoning") });
    }
    const temperatureRule = samplingViaNone ? "any" : rules.temperature;
    const topPAllowed = samplingViaNone ? rules.topPIfReasoningEffortNone !== false : rules.topP !== false;
    if (temperatureRule === "none") drop("temperature", "temperature", why("does not accept temperature"));
    else if (temperatureRule === "default-only" && out.temperature !== undefined && out.temperature !== 1)
      drop("temperature", "temperature", why("accepts only the default temperature (1): it samples instead of decoding greedily"));
    if (!topPAllowed) drop("top_p", "topP", why("does not accept top_p"));
    if (rules.temperatureWithTopP === false && out.temperature !== undefined && out.topP !== undefined)
      drop("top_p", "topP", why("rejects temperature and top_p together; temperature kept"));
    if (rules.penalties === false) {
      drop("presence_penalty", "presencePenalty", why("does not accept presence_penalty"));
      drop("frequency_penalty", "frequencyPenalty", why("does not accept frequency_penalty"));
    }
    if (rules.stop === false) drop("stop", "stop", why("does not accept stop sequences"));
    if (rules.seed === false) drop("seed", "seed", why("does not accept seed"));
    if (efforts?.length && out.reasoningEffort === undefined) {
      out.reasoningEffort = efforts[0];
      adaptations.push({ model, parameter: "reasoning_effort", action: "set", to: out.reasoningEffort, reason: why("is a reasoning model: lowest effort, closest to a direct answer") });
    }
    if ((efforts?.length || (options.reasoning && req.provider === "openai")) && out.reasoningEffort !== "none" && out.maxTokens !== undefined) {
      // A reasoning model spends hidden tokens out of the same limit: the paper's 100 tokens would leave nothing for
      // the answer. The limit is raised by a fixed headroom (billed only as far as used).
      const headroom = options.reasoningHeadroom ?? REASONING_HEADROOM;
      adaptations.push({ model, parameter: "max_completion_tokens", action: "raised", from: out.maxTokens, to: out.maxTokens + headroom, reason: why(`reasons before answering: ${headroom} tokens of headroom added for hidden reasoning`) });
      out.maxTokens += headroom;
    }
  }
  if (out.maxTokens !== undefined && maxTokensField(rules, learned) === "max_completion_tokens" && req.provider === "openai") {
    out.maxTokensField = "max_completion_tokens";
    adaptations.push({ model, parameter: "max_tokens", action: "renamed", to: "max_completion_tokens", reason: rules?.maxTokensField === "max_completion_tokens" ? `${model} takes max_completion_tokens (model registry, ${rules.source})` : `${model}: the provider rejected max_tokens (HTTP 400) earlier in this run` });
  }
  if (learned) {
    for (const param of learned.drop) {
      const field = PARAM_FIELDS[param];
      if (field) drop(param, field, `${model}: the provider rejected ${param} (HTTP 400) earlier in this run`);
    }
  }
  return { request: out, adaptations };
}

/** The output-length field to send: the registry's rule, else what the provider taught this run, else `max_tokens`. */
export function maxTokensField(rules: ParamRules | undefined, learned: LearnedRules | undefined): "max_tokens" | "max_completion_tokens" {
  if (learned?.maxCompletionTokens) return "max_completion_tokens";
  return rules?.maxTokensField ?? "max_tokens";
}
