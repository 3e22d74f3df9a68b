/**
 * Anthropic messages. A `system` message goes to the `system` field; `rawPrompt` is sent as one user message.
 * The SDK's own retries are off (`maxRetries: 0`): the engine owns retries.
 */
import { classifyProviderError, LlmAuthError, LlmRequestError, LlmRetryableError } from "../errors.js";
import { approxInputTokens, rawPromptText } from "../request.js";
import type { ChatRequest, ChatResult, FinishReason, Provider, ServedModel } from "../types.js";
import { apiKeyFromEnv } from "./openai.js";

/** Options for {@link createAnthropicProvider}. */
export interface AnthropicProviderOptions {
  /** Default base URL when the request has none (e.g. a loopback test server). */
  baseURL?: string;
  /** The environment variable holding the key (default `ANTHROPIC_API_KEY`). */
  apiKeyEnv?: string;
  /** Per-call timeout, ms (default 120000). */
  timeoutMs?: number;
  /** `max_tokens` when the request sets none (Anthropic requires one). Default 1024. */
  defaultMaxTokens?: number;
}

type AnthropicClient = import("@anthropic-ai/sdk").default;
/** The SDK's own typed parameters: the compiler checks every body against Anthropic's contract. */
type MessageParams = import("@anthropic-ai/sdk/resources/messages/messages").MessageCreateParamsNonStreaming;

/** Map an Anthropic stop reason to ours. */
export function anthropicFinishReason(r: string | null | undefined): FinishReason {
  if (r === "end_turn" || r === "stop_sequence") return "stop";
  if (r === "max_tokens") return "length";
  if (r === "refusal") return "content_filter";
  return "other";
}

/**
 * Build the messages body for a request (exported for Message Batches, which send the same bodies), typed by the
 * SDK's `MessageCreateParams` so a wrong field or type fails to compile. Parameters are already adapted to the model
 * (params.ts: e.g. no `top_p` beside `temperature` for Claude 4.5+).
 */
export function anthropicBody(req: ChatRequest, defaultMaxTokens = 1024): MessageParams {
  if (req.jsonSchema) throw new LlmRequestError("anthropic: jsonSchema is not supported by this provider; ask for JSON in the prompt and parse the text");
  const system = req.messages.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
  const messages: MessageParams["messages"] = req.rawPrompt
    ? [{ role: "user", content: rawPromptText(req) }]
    : req.messages.filter((m): m is ChatRequest["messages"][number] & { role: "user" | "assistant" } => m.role !== "system").map((m) => ({ role: m.role, content: m.content }));
  const body: MessageParams = { model: req.model, max_tokens: req.maxTokens ?? defaultMaxTokens, messages };
  if (system && !req.rawPrompt) body.system = system;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop?.length) body.stop_sequences = req.stop;
  return body;
}

/** Parse a messages response body into our result. */
export function parseAnthropicMessage(data: unknown, req: ChatRequest, latencyMs: number, where: string): Omit<ChatResult, "cached" | "key"> {
  const d = data as { model?: string; content?: { type?: string; text?: string }[]; stop_reason?: string; usage?: { input_tokens?: number; output_tokens?: number } };
  if (!d || !Array.isArray(d.content)) throw new LlmRetryableError(`${where}: malformed response (no content)`);
  const text = d.content.filter((b) => b.type === "text" && typeof b.text === "string").map((b) => b.text).join("");
  return {
    text,
    finishReason: anthropicFinishReason(d.stop_reason),
    usage: { inputTokens: d.usage?.input_tokens ?? approxInputTokens(req), outputTokens: d.usage?.output_tokens ?? Math.ceil(text.length / 4) },
    latencyMs,
    modelVersion: typeof d.model === "string" ? d.model : undefined,
  };
}

/** An Anthropic provider. One SDK client per base URL. */
export function createAnthropicProvider(options: AnthropicProviderOptions = {}): Provider {
  const envVar = options.apiKeyEnv ?? "ANTHROPIC_API_KEY";
  const timeout = options.timeoutMs ?? 120_000;
  const clients = new Map<string, AnthropicClient>();

  async function client(baseURL: string | undefined): Promise<AnthropicClient> {
    const id = baseURL ?? "";
    let c = clients.get(id);
    if (c) return c;
    const apiKey = apiKeyFromEnv(envVar, "anthropic");
    const { default: Anthropic } = await import("@anthropic-ai/sdk");
    c = new Anthropic({ apiKey, baseURL, maxRetries: 0, timeout });
    clients.set(id, c);
    return c;
  }

  return {
    name: "anthropic",
    async complete(req, signal) {
      const baseURL = req.baseURL ?? options.baseURL;
      const where = `anthropic${baseURL ? ` at ${baseURL}` : ""}`;
      const body = anthropicBody(req, options.defaultMaxTokens);
      const c = await client(baseURL);
      const t0 = Date.now();
      try {
        const data = await c.messages.create(body, { signal, timeout, maxRetries: 0 });
        return parseAnthropicMessage(data, req, Date.now() - t0, where);
      } catch (e) {
        const err = classifyProviderError(e, envVar, where);
        // A rejected key: forget the client so a corrected environment variable is read on the next call.
        if (err instanceof LlmAuthError) clients.delete(baseURL ?? "");
        throw err;
      }
    },
    async listModels(baseURL) {
      const url = baseURL ?? options.baseURL;
      const where = `anthropic${url ? ` at ${url}` : ""}`;
      const c = await client(url);
      try {
        const out: ServedModel[] = [];
        // GET /v1/models: `{data: [{type: "model", id, display_name, created_at}], has_more, first_id, last_id}`.
        for await (const m of c.models.list({ limit: 1000 } as never, { timeout, maxRetries: 2 })) out.push({ id: (m as { id: string }).id });
        return out;
      } catch (e) {
        const err = classifyProviderError(e, envVar, where);
        if (err instanceof LlmAuthError) clients.delete(url ?? "");
        throw err;
      }
    },
  };
}
