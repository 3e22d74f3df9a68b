/** Canonical requests and their cache keys. */
import { canonicalJson, sha256 } from "../core/index.js";
import type { ChatRequest } from "./types.js";

/**
 * Bump when the meaning of a cached answer changes (never for new optional fields: those are omitted when unset).
 * Version 2 keys on the effective endpoint: a base URL from `OPENAI_BASE_URL` / `ANTHROPIC_BASE_URL` counts like
 * one given on the request, so one server's answers are never served as another's. Version 1 entries stay readable
 * through {@link legacyRequestKey}, for requests whose endpoint version 1 recorded correctly (see there).
 */
export const CACHE_KEY_VERSION = 2;

/** The providers' own endpoints: a request sent there has no `endpoint` in its key. */
export const OFFICIAL_BASE_URLS: Partial<Record<ChatRequest["provider"], string[]>> = {
  openai: ["https://api.openai.com/v1"],
  anthropic: ["https://api.anthropic.com", "https://api.anthropic.com/v1"],
};

/** The environment variable the SDK reads a base URL from, per provider. */
export const BASE_URL_ENV: Partial<Record<ChatRequest["provider"], string>> = { openai: "OPENAI_BASE_URL", anthropic: "ANTHROPIC_BASE_URL" };

const normaliseURL = (u: string) => u.trim().replace(/\/+$/, "");

/**
 * Where a request really goes: its `baseURL`, else the SDK's environment variable for the provider, else the
 * provider's own endpoint (undefined). The official endpoint, however spelled, is undefined too.
 */
export function effectiveBaseURL(req: Pick<ChatRequest, "provider" | "baseURL">): string | undefined {
  const envVar = BASE_URL_ENV[req.provider];
  const raw = req.baseURL ?? (envVar ? process.env[envVar] : undefined);
  if (!raw || raw.trim() === "") return undefined;
  const url = normaliseURL(raw);
  return OFFICIAL_BASE_URLS[req.provider]?.includes(url) ? undefined : url;
}

/**
 * The canonical form of a request: every field that changes the answer, nothing else (no key, no timeout). Unset
 * fields are dropped, so adding a new optional parameter later does not invalidate existing cache entries.
 */
export function canonicalRequest(req: ChatRequest): Record<string, unknown> {
  return {
    v: CACHE_KEY_VERSION,
    provider: req.provider,
    model: req.model,
    endpoint: effectiveBaseURL(req),
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
    reasoningEffort: req.reasoningEffort,
  };
}

/** Hex SHA-256 of the canonical request: the cache key. */
export function requestKey(req: ChatRequest): string {
  return sha256(canonicalJson(canonicalRequest(req)));
}

/**
 * The version-1 key of a request, or undefined when version 1 would have keyed it wrongly. Version 1 keyed on the
 * request's own `baseURL` only, so an entry made while `OPENAI_BASE_URL` pointed elsewhere carries the key of the
 * official endpoint: such entries cannot be told apart, and are trusted only for requests whose endpoint version 1
 * saw (a `baseURL` on the request, or no base URL variable in effect). Requests with fields version 1 did not know
 * (`reasoningEffort`) have no version-1 key.
 */
export function legacyRequestKey(req: ChatRequest): string | undefined {
  if (req.reasoningEffort !== undefined) return undefined;
  const envVar = BASE_URL_ENV[req.provider];
  if (!req.baseURL && envVar && effectiveBaseURL({ provider: req.provider }) !== undefined) return undefined;
  const { endpoint: _endpoint, reasoningEffort: _effort, ...rest } = canonicalRequest(req);
  return sha256(canonicalJson({ ...rest, v: 1, baseURL: req.baseURL ? req.baseURL.replace(/\/+$/, "") : undefined }));
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
