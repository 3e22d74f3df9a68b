/**
 * OpenAI chat completions, and any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, LM Studio) by base URL.
 * The SDK's own retries are off (`maxRetries: 0`): the engine owns retries, so they are counted and budgeted.
 */
import { classifyProviderError, LlmAuthError, LlmRetryableError } from "../errors.js";
import { approxInputTokens, rawPromptText } from "../request.js";
import { lookupModel } from "../registry.js";
import type { ChatRequest, ChatResult, FinishReason, Provider, ServedModel } from "../types.js";

/** Options for {@link createOpenAIProvider}. */
export interface OpenAIProviderOptions {
  /** `openai` (default) or `openai-compatible` (needs a base URL on the request or here). */
  name?: "openai" | "openai-compatible";
  /** Default base URL when the request has none. */
  baseURL?: string;
  /**
   * The environment variable holding the key. Default `OPENAI_API_KEY` for `openai`; for `openai-compatible`
   * none (a local server usually needs no key; the OpenAI key is never sent to a third-party URL unless named here).
   */
  apiKeyEnv?: string;
  /** Per-call timeout, ms (default 120000). */
  timeoutMs?: number;
}

type OpenAIClient = import("openai").default;

/** Map an OpenAI finish reason to ours. */
export function openaiFinishReason(r: string | null | undefined): FinishReason {
  if (r === "stop") return "stop";
  if (r === "length") return "length";
  if (r === "content_filter") return "content_filter";
  return "other";
}

/** Resolve the key for a provider from the environment, failing at once with the variable's name. */
export function apiKeyFromEnv(envVar: string | undefined, provider: string): string | undefined {
  if (!envVar) return undefined;
  const v = process.env[envVar];
  if (v === undefined || v.trim() === "") {
    throw new LlmAuthError(`${provider}: no API key: the environment variable ${envVar} is not set (keys are read from the environment only).`, envVar);
  }
  return v.trim();
}

/**
 * Which OpenAI endpoint a request goes to. A raw prompt (the Alpaca template) goes to the legacy completions
 * endpoint only where that exists: an OpenAI-compatible server (vLLM, llama.cpp) or an OpenAI completion model
 * (registry kind `completion`, e.g. gpt-3.5-turbo-instruct). On OpenAI's chat models it is sent as one user message
 * through chat completions, which is what they accept; the batch API uses the same rule, so one cache key always
 * means one request.
 */
export function openaiEndpointFor(req: ChatRequest): "chat" | "completions" {
  if (!req.rawPrompt) return "chat";
  if (req.provider !== "openai") return "completions";
  return lookupModel("openai", req.model)?.entry.kind === "completion" ? "completions" : "chat";
}

/** The body and path of a request on the OpenAI API (the same for a direct call and a batch line). */
export function openaiRequest(req: ChatRequest): { url: "/v1/chat/completions" | "/v1/completions"; body: Record<string, unknown> } {
  const name = req.provider === "openai-compatible" ? "openai-compatible" : "openai";
  if (openaiEndpointFor(req) === "chat") {
    const chatReq = req.rawPrompt ? { ...req, messages: [{ role: "user" as const, content: rawPromptText(req) }] } : req;
    return { url: "/v1/chat/completions", body: openaiChatBody(chatReq, name) };
  }
  const body: Record<string, unknown> = { model: req.model, prompt: rawPromptText(req) };
  const chat = openaiChatBody(req, name);
  for (const k of ["temperature", "top_p", "max_tokens", "presence_penalty", "frequency_penalty", "stop", "seed"]) if (chat[k] !== undefined) body[k] = chat[k];
  if (chat.max_completion_tokens !== undefined) body.max_tokens = chat.max_completion_tokens;
  return { url: "/v1/completions", body };
}

/** Build the chat-completions body for a request (parameters already adapted to the model, see params.ts). */
export function openaiChatBody(req: ChatRequest, _name: "openai" | "openai-compatible" = "openai"): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: req.model,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.maxTokens !== undefined) {
    if (req.maxTokensField === "max_completion_tokens") body.max_completion_tokens = req.maxTokens;
    else body.max_tokens = req.maxTokens;
  }
  if (req.reasoningEffort !== undefined) body.reasoning_effort = req.reasoningEffort;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.stop?.length) body.stop = req.stop;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.jsonSchema) body.response_format = { type: "json_schema", json_schema: { name: "response", schema: req.jsonSchema, strict: false } };
  return body;
}

/** Parse a chat-completions response body into our result (throws a retryable error when it is malformed). */
export function parseOpenAIChat(data: unknown, req: ChatRequest, latencyMs: number, where: string): Omit<ChatResult, "cached" | "key"> {
  const d = data as { model?: string; choices?: { message?: { content?: string | null }; text?: string; finish_reason?: string }[]; usage?: { prompt_tokens?: number; completion_tokens?: number } };
  const choice = d?.choices?.[0];
  const text = choice?.message?.content ?? choice?.text;
  if (!choice || typeof text !== "string") throw new LlmRetryableError(`${where}: malformed response (no choices[0] text)`);
  return {
    text,
    finishReason: openaiFinishReason(choice.finish_reason),
    usage: {
      inputTokens: d.usage?.prompt_tokens ?? approxInputTokens(req),
      outputTokens: d.usage?.completion_tokens ?? Math.ceil(text.length / 4),
    },
    latencyMs,
    modelVersion: typeof d.model === "string" ? d.model : undefined,
  };
}

/** An OpenAI or OpenAI-compatible provider. One SDK client per base URL. */
export function createOpenAIProvider(options: OpenAIProviderOptions = {}): Provider {
  const name = options.name ?? "openai";
  const envVar = options.apiKeyEnv ?? (name === "openai" ? "OPENAI_API_KEY" : undefined);
  const timeout = options.timeoutMs ?? 120_000;
  const clients = new Map<string, OpenAIClient>();

  async function client(baseURL: string | undefined): Promise<OpenAIClient> {
    const id = baseURL ?? "";
    let c = clients.get(id);
    if (c) return c;
    const apiKey = envVar ? apiKeyFromEnv(envVar, name) : undefined;
    const { default: OpenAI } = await import("openai");
    // A server that needs no key still needs a non-empty string for the SDK.
    c = new OpenAI({ apiKey: apiKey ?? "no-key", baseURL, maxRetries: 0, timeout });
    clients.set(id, c);
    return c;
  }

  return {
    name,
    async complete(req, signal) {
      const baseURL = req.baseURL ?? options.baseURL;
      if (name === "openai-compatible" && !baseURL) throw new Error("openai-compatible: no base URL (pass --base-url, e.g. http://localhost:8000/v1)");
      const where = `${name}${baseURL ? ` at ${baseURL}` : ""}`;
      const c = await client(baseURL);
      const t0 = Date.now();
      try {
        const { url, body } = openaiRequest(req);
        const data = url === "/v1/completions"
          ? await c.completions.create(body as never, { signal, timeout, maxRetries: 0 })
          : await c.chat.completions.create(body as never, { signal, timeout, maxRetries: 0 });
        return parseOpenAIChat(data, req, Date.now() - t0, where);
      } catch (e) {
        const err = classifyProviderError(e, envVar, where);
        // A rejected key: forget the client so a corrected environment variable is read on the next call.
        if (err instanceof LlmAuthError) clients.delete(baseURL ?? "");
        throw err;
      }
    },
    async listModels(baseURL) {
      const url = baseURL ?? options.baseURL;
      const where = `${name}${url ? ` at ${url}` : ""}`;
      const c = await client(url);
      try {
        const out: ServedModel[] = [];
        // GET /v1/models; OpenAI's entries carry `shutdown_date` (YYYY-MM-DD or null) since 2026.
        for await (const m of c.models.list({ timeout, maxRetries: 2 })) {
          const sd = (m as { shutdown_date?: unknown }).shutdown_date;
          out.push({ id: m.id, ...(typeof sd === "string" ? { shutdownDate: sd } : {}) });
        }
        return out;
      } catch (e) {
        const err = classifyProviderError(e, envVar, where);
        if (err instanceof LlmAuthError) clients.delete(url ?? "");
        throw err;
      }
    },
  };
}
