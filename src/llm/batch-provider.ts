/**
 * The providers' side of a batch: clients, building and submitting a batch (OpenAI: a JSONL file, then a batch over
 * it; Anthropic: one Message Batches call), polling it, and reading its results back one item at a time. What to do
 * with each item (cache it, deliver it) is the caller's (batch.ts); provider errors are thrown as the SDK threw them.
 */
import { redactKeys, LlmRequestError } from "./errors.js";
import { anthropicBody, parseAnthropicMessage } from "./providers/anthropic.js";
import { apiKeyFromEnv, openaiRequest, parseOpenAIChat } from "./providers/openai.js";
import type { BatchState } from "./batch-store.js";
import type { EngineOptions } from "./engine-types.js";
import type { ChatRequest, ChatResult, ProviderName } from "./types.js";

type OpenAIClient = import("openai").default;
type AnthropicClient = import("@anthropic-ai/sdk").default;

/** One answered item as the provider returned it, parsed; or why it failed. */
export type BatchItemResult = Omit<ChatResult, "cached" | "key"> | Error;

/** The batch clients of one run, created once per base URL. */
export interface BatchClients {
  openai(baseURL?: string): Promise<OpenAIClient>;
  anthropic(baseURL?: string): Promise<AnthropicClient>;
  /** The environment variable holding a provider's key (the engine's `apiKeyEnv`, else the provider's usual one). */
  keyEnv(p: ProviderName): string;
}

/** Create the clients a batch run uses, reading keys as the engine's options name them. */
export function createBatchClients(options: Pick<EngineOptions, "apiKeyEnv">): BatchClients {
  const openaiClients = new Map<string, OpenAIClient>();
  const anthropicClients = new Map<string, AnthropicClient>();
  const keyEnv = (p: ProviderName) => options.apiKeyEnv?.[p] ?? (p === "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY");
  return {
    keyEnv,
    async openai(baseURL) {
      let c = openaiClients.get(baseURL ?? "");
      if (!c) {
        const { default: OpenAI } = await import("openai");
        c = new OpenAI({ apiKey: apiKeyFromEnv(keyEnv("openai"), "openai"), baseURL, maxRetries: 2, timeout: 300_000 });
        openaiClients.set(baseURL ?? "", c);
      }
      return c;
    },
    async anthropic(baseURL) {
      let c = anthropicClients.get(baseURL ?? "");
      if (!c) {
        const { default: Anthropic } = await import("@anthropic-ai/sdk");
        c = new Anthropic({ apiKey: apiKeyFromEnv(keyEnv("anthropic"), "anthropic"), baseURL, maxRetries: 2, timeout: 300_000 });
        anthropicClients.set(baseURL ?? "", c);
      }
      return c;
    },
  };
}

/** A batch as messages name it: `openai batch` (and `at <base URL>` when not the provider's own). */
export const batchWhere = (s: Pick<BatchState, "provider" | "baseURL">): string => `${s.provider} batch${s.baseURL ? ` at ${s.baseURL}` : ""}`;

/**
 * The OpenAI batch input file: one line per request (custom_id = cache key), and the endpoint they all go to (one
 * model per batch, so one endpoint: chat completions, or completions for a completion model).
 */
export function openaiBatchJsonl(items: { key: string; req: ChatRequest }[]): { url: ReturnType<typeof openaiRequest>["url"]; jsonl: string } {
  const bodies = items.map(({ key, req }) => ({ k: key, ...openaiRequest(req) }));
  const lines = bodies.map((b) => JSON.stringify({ custom_id: b.k, method: "POST", url: b.url, body: b.body }));
  return { url: bodies[0]!.url, jsonl: lines.join("\n") + "\n" };
}

/** Submit a batch of `items`: sets the state's provider id and status. */
export async function submitBatch(clients: BatchClients, state: BatchState, items: { key: string; req: ChatRequest }[]): Promise<void> {
  if (state.provider === "openai") {
    const c = await clients.openai(state.baseURL);
    const { url, jsonl } = openaiBatchJsonl(items);
    const { toFile } = await import("openai");
    const file = await c.files.create({ file: await toFile(Buffer.from(jsonl), `${state.name}.jsonl`), purpose: "batch" });
    const b = await c.batches.create({ input_file_id: file.id, endpoint: url, completion_window: "24h", metadata: { alpacare: state.name } });
    state.id = b.id;
    state.providerStatus = b.status;
  } else {
    const c = await clients.anthropic(state.baseURL);
    const b = await c.messages.batches.create({ requests: items.map(({ key, req }) => ({ custom_id: key, params: anthropicBody(req) })) });
    state.id = b.id;
    state.providerStatus = b.processing_status;
  }
}

/** The id of an OpenAI batch submitted under this state's name (its metadata), when the provider still lists it. */
export async function findBatchId(clients: BatchClients, s: BatchState): Promise<string | undefined> {
  if (s.provider !== "openai") return undefined;
  const c = await clients.openai(s.baseURL);
  for await (const b of c.batches.list({ limit: 100 })) {
    if ((b.metadata as Record<string, string> | null)?.alpacare === s.name) return b.id;
  }
  return undefined;
}

/**
 * Poll a submitted batch once. While it runs: undefined (the state's provider status updated). When it has ended:
 * each item goes to `onItem` in the provider's order (parsed with the request `requestOf` its key gives, or an
 * error), and the final provider status is returned.
 */
export async function pollBatch(
  clients: BatchClients, s: BatchState & { id: string }, requestOf: (key: string) => ChatRequest | undefined, onItem: (key: string, r: BatchItemResult) => void,
): Promise<string | undefined> {
  const where = batchWhere(s);
  if (s.provider === "openai") {
    const c = await clients.openai(s.baseURL);
    const b = await c.batches.retrieve(s.id);
    s.providerStatus = b.status;
    if (b.status === "failed" && b.errors?.data?.length) {
      // Kept in the state file and the message: `model_not_found`, `token_limit_exceeded`, ... say what to fix.
      s.errors = b.errors.data.map((x) => ({ code: x.code, message: x.message ? redactKeys(x.message) : x.message, line: x.line ?? null, param: x.param ?? null }));
      s.error = s.errors.map((x) => `${x.code ?? "error"}${x.line != null ? ` (line ${x.line})` : ""}: ${x.message ?? ""}`).join("; ");
    }
    if (!(b.status === "completed" || b.status === "expired" || b.status === "cancelled" || b.status === "failed")) return undefined;
    for (const fileId of [b.output_file_id, b.error_file_id]) {
      if (!fileId) continue;
      const text = await (await c.files.content(fileId)).text();
      for (const line of text.split("\n")) {
        if (!line.trim()) continue;
        const o = JSON.parse(line) as { custom_id: string; response?: { status_code: number; body: unknown }; error?: { message?: string } | null };
        if (o.response?.status_code === 200) {
          const req = requestOf(o.custom_id) ?? ({ provider: "openai", model: s.model, messages: [] } as ChatRequest);
          onItem(o.custom_id, parseOrError(() => parseOpenAIChat(o.response!.body, req, 0, where)));
        } else {
          const msg = (o.response?.body as { error?: { message?: string } } | undefined)?.error?.message ?? o.error?.message ?? "failed";
          onItem(o.custom_id, new LlmRequestError(`${where} ${s.id}: item failed (HTTP ${o.response?.status_code ?? "?"}): ${msg}`, { status: o.response?.status_code }));
        }
      }
    }
    return b.status;
  }
  const c = await clients.anthropic(s.baseURL);
  const b = await c.messages.batches.retrieve(s.id);
  s.providerStatus = b.processing_status;
  if (b.processing_status !== "ended") return undefined;
  for await (const o of await c.messages.batches.results(s.id)) {
    const r = o.result as { type: string; message?: unknown; error?: { error?: { message?: string } } };
    if (r.type === "succeeded") {
      const req = requestOf(o.custom_id) ?? ({ provider: "anthropic", model: s.model, messages: [] } as ChatRequest);
      onItem(o.custom_id, parseOrError(() => parseAnthropicMessage(r.message, req, 0, where)));
    } else onItem(o.custom_id, new LlmRequestError(`${where} ${s.id}: item ${r.type}${r.error?.error?.message ? `: ${r.error.error.message}` : ""}`));
  }
  return "ended";
}

/** An answer that does not parse is that item's failure, not the batch's. */
function parseOrError(parse: () => Omit<ChatResult, "cached" | "key">): BatchItemResult {
  try {
    return parse();
  } catch (err) {
    return err as Error;
  }
}
