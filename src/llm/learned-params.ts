/**
 * What an engine learns about a model's parameters while it runs, and the tally of adaptations it made. A provider's
 * 400 that names a rejected parameter (or a local model's context that cannot hold the answer) is not a failure: the
 * request is rebuilt without it and sent again, and the change is recorded as an adaptation. Pure functions over the
 * engine's maps, so the engine only wires them.
 */
import { LlmContextError, LlmRequestError, rejectedParam } from "./errors.js";
import { adaptationKey } from "./deviations.js";
import { requestFieldOf, type Adaptation, type LearnedRules } from "./params.js";
import type { ChatRequest } from "./types.js";

/**
 * Learn from a 400 that names a parameter the model rejects: adds the rule to `learned` under `scope` (the model at its
 * endpoint). True when the request can be rebuilt without the parameter, also when another call in flight learned it
 * first (this request was built before, so it is rebuilt).
 */
export function learnRejection(learned: Map<string, LearnedRules>, scope: string, sent: ChatRequest, e: unknown): boolean {
  const param = rejectedParam(e);
  if (!param) return false;
  const rules = learned.get(scope) ?? { drop: new Set<string>() };
  learned.set(scope, rules);
  if (param === "max_tokens" && sent.provider === "openai" && sent.maxTokensField !== "max_completion_tokens") {
    rules.maxCompletionTokens = true;
    return true;
  }
  const field = requestFieldOf(param);
  if (!field || sent[field] === undefined) return false;
  rules.drop.add(param);
  return true;
}

/**
 * A 400 the engine will learn from, or a context too small for the asked answer (neither is counted as a failure: the
 * request is rebuilt and sent again). Always false under strict parameters.
 */
export function isLearnable(sent: ChatRequest, e: unknown, strictParams: boolean | undefined): boolean {
  if (strictParams) return false;
  const param = rejectedParam(e);
  if (param) {
    if (param === "max_tokens" && sent.provider === "openai") return sent.maxTokensField !== "max_completion_tokens";
    const field = requestFieldOf(param);
    return field !== undefined && sent[field] !== undefined;
  }
  return e instanceof LlmContextError && e.maxTokensThatFit >= 1;
}

/**
 * The smaller `max_tokens` a local model's context holds, as an adaptation of `req`; undefined when the error is not
 * a context error or the request already asks for no more than fits.
 */
export function contextReduction(req: ChatRequest, e: unknown): Adaptation | undefined {
  if (!(e instanceof LlmContextError) || e.maxTokensThatFit < 1) return undefined;
  if (req.maxTokens !== undefined && e.maxTokensThatFit >= req.maxTokens) return undefined;
  return {
    model: req.model, parameter: "max_tokens", action: "reduced", from: req.maxTokens ?? "unset", to: e.maxTokensThatFit,
    reason: `the local model's context holds the ${e.promptTokens}-token prompt plus ${e.maxTokensThatFit} new tokens at most`,
  };
}

/** The refusal of an adapted request under strict parameters: an adapted request is not the paper's. */
export function strictParamsError(sent: ChatRequest, adaptations: Adaptation[]): LlmRequestError {
  return new LlmRequestError(
    `${sent.provider}: ${sent.model} does not accept the request as the paper made it (${adaptations.map((a) => `${a.parameter} ${a.action}`).join(", ")}: ${adaptations[0]!.reason}); refused under strict parameters (drop --strict-params to adapt and record the change)`,
    { code: "strict-params" },
  );
}

/**
 * Count adaptations into `seen`, one entry per {@link adaptationKey}. Per-item reductions (a local context) differ
 * only in their numbers: one entry keeps the smallest limit and a count.
 */
export function tallyAdaptations(seen: Map<string, Adaptation>, list: Adaptation[]): void {
  for (const a of list) {
    const id = adaptationKey(a);
    const entry = seen.get(id);
    if (!entry) seen.set(id, { ...a, count: 1 });
    else {
      entry.count = (entry.count ?? 1) + 1;
      if (a.action === "reduced" && typeof a.to === "number" && typeof entry.to === "number" && a.to < entry.to) entry.to = a.to;
    }
  }
}
