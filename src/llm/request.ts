/** Canonical requests and their cache keys. */
import { canonicalJson, sha256 } from "../core/index.js";
import type { ChatRequest } from "./types.js";

/** Bump when the meaning of a cached answer changes (never for new optional fields: those are omitted when unset). */
export const CACHE_KEY_VERSION = 1;

/**
 * The canonical form of a request: every field that changes the answer, nothing else (no key, no timeout). Unset
 * fields are dropped, so adding a new optional parameter later does not invalidate existing cache entries.
 */
export function canonicalRequest(req: ChatRequest): Record<string, unknown> {
  return {
    v: CACHE_KEY_VERSION,
    provider: req.provider,
    model: req.model,
    baseURL: req.baseURL ? req.baseURL.replace(/\/+$/, "") : undefined,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    rawPrompt: req.rawPrompt ? true : undefined,
    tag: req.tag,
    temperature: req.temperature,
    topP: req.topP,
    maxTokens: req.maxTokens,
    presencePenalty: req.presencePenalty,
    frequencyPenalty: req.frequencyPenalty,
    stop: req.stop && req.stop.length ? req.stop : undefined,
    seed: req.seed,
    jsonSchema: req.jsonSchema,
  };
}

/** Hex SHA-256 of the canonical request: the cache key. */
export function requestKey(req: ChatRequest): string {
  return sha256(canonicalJson(canonicalRequest(req)));
}

/** The prompt text of a raw-completion request: the message contents concatenated as they are. */
export function rawPromptText(req: ChatRequest): string {
  return req.messages.map((m) => m.content).join("");
}

/** Rough input token count (chars/4 plus a few per message), good enough for estimates and rate limits. */
export function approxInputTokens(req: ChatRequest): number {
  let chars = 0;
  for (const m of req.messages) chars += m.content.length;
  return Math.ceil(chars / 4) + 4 * req.messages.length;
}

/** Check a request's shape once, at the edge; throws a plain Error naming the field. */
export function validateRequest(req: ChatRequest): void {
  const providers = ["openai", "anthropic", "openai-compatible", "local"];
  if (!req || typeof req !== "object") throw new Error("request: expected an object");
  if (!providers.includes(req.provider)) throw new Error(`request.provider: expected one of ${providers.join(", ")}, got ${JSON.stringify(req.provider)}`);
  if (typeof req.model !== "string" || req.model === "") throw new Error("request.model: expected a non-empty string");
  if (!Array.isArray(req.messages) || req.messages.length === 0) throw new Error("request.messages: expected a non-empty array");
  req.messages.forEach((m, i) => {
    if (!m || !["system", "user", "assistant"].includes(m.role)) throw new Error(`request.messages[${i}].role: expected system|user|assistant`);
    if (typeof m.content !== "string") throw new Error(`request.messages[${i}].content: expected a string`);
  });
  if (req.provider === "openai-compatible" && !req.baseURL) throw new Error("request.baseURL: required for provider openai-compatible (e.g. http://localhost:8000/v1)");
  if (req.maxTokens !== undefined && (!Number.isInteger(req.maxTokens) || req.maxTokens < 1)) throw new Error("request.maxTokens: expected a positive integer");
}
