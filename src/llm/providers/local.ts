/**
 * In-process GGUF models through node-llama-cpp (pinned 3.21.1), loaded lazily with `await import()` (the package
 * has top-level await, which tslab's `require` cannot load statically). One Llama per process, one loaded model per
 * path (shared by every provider instance), one context per (model, options) with `parallel` sequences.
 *
 * Chat requests use the model's own chat template (LlamaChatSession picks the wrapper from the GGUF metadata);
 * `rawPrompt` requests use plain completion. Temperature 0 (the default when unset) is greedy and deterministic;
 * a `seed` makes sampling reproducible. Threads default to the cores this process may actually use: the library's
 * own default (4) was 50-1000x slower on a 2-core machine.
 *
 * The prompt is always evaluated whole, or the call fails. Left to itself node-llama-cpp never fails on a long
 * prompt: LlamaCompletion keeps only the last `contextSize - contextSize/10` tokens of the input, and
 * LlamaChatSession "compresses" the chat history (cuts the start of the user text) to fit, and both shift the
 * context (drop the start) when generation reaches its end. Here every prompt is tokenized first (with the same
 * chat template and BOS rule the library uses); a prompt whose tokens plus `maxTokens` do not fit the shared
 * context's sequences runs on a dedicated one-sequence context sized to fit (up to the model's training context,
 * or `contextSize` when set above it); beyond that the call fails with an {@link LlmRequestError} (not retried,
 * not cached). After generation the tokens in the sequence are checked against the prompt's, and
 * `usage.inputTokens` is the prompt's exact token count. Unset `maxTokens` means "until the context is full"
 * (finish reason "length" when that is what stopped it).
 *
 * Why this file is long (~400 lines): `createLocalProvider`'s call path (tokenize, pick or size a context, generate,
 * check the sequence) shares the per-process model and context caches through one closure; the process-wide loading
 * (lines up to `loadLocalModel`, and `unloadLocalModels`) is the seam to split along if it grows.
 */
import { statSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { projectRoot } from "../../core/index.js";
import { LlmAbortError, LlmContextError, LlmRequestError } from "../errors.js";
import { rawPromptText } from "../request.js";
import type { ChatRequest, ChatResult, FinishReason, Provider } from "../types.js";

/** Options for {@link createLocalProvider}. */
export interface LocalProviderOptions {
  /** CPU threads per evaluation (default: `ALPACARE_THREADS`, else {@link defaultThreads}: idle cores, 1 for tiny models). */
  threads?: number;
  /**
   * Context size in tokens of each parallel sequence (node-llama-cpp allocates `contextSize x parallel` cells).
   * Default 4096, capped at the model's training context (2048 for stories260K). A value set here is used as is,
   * even above the training context. Prompts that need more get a one-sequence context of their own (see above).
   */
  contextSize?: number;
  /**
   * Parallel sequences in one context: several requests share each evaluation batch, which amortises the per-step
   * cost (measured on stories260K, 1 thread: 807 tok/s with 1 sequence, 1650 with 2, 3525 with 4). Default 4 for
   * models under 2 GB, 1 above (each sequence holds its own KV cache: about 1 GB at 2048 tokens for a 7B llama).
   */
  parallel?: number;
  /** Use a GPU when node-llama-cpp finds one (default false: the CPU binary is the one that is always there). */
  gpu?: boolean;
}

type NodeLlamaCpp = typeof import("node-llama-cpp");
type Llama = import("node-llama-cpp").Llama;
type LlamaModel = import("node-llama-cpp").LlamaModel;
type LlamaContext = import("node-llama-cpp").LlamaContext;
type LlamaContextSequence = import("node-llama-cpp").LlamaContextSequence;

let libPromise: Promise<NodeLlamaCpp> | undefined;
const llamaPromises = new Map<string, Promise<Llama>>();
const modelPromises = new Map<string, Promise<LlamaModel>>();

/** node-llama-cpp, imported once, lazily. */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  libPromise ??= import("node-llama-cpp");
  return libPromise;
}

/**
 * Threads to use: `ALPACARE_THREADS`, else the cores this process may use minus the ones other processes keep busy
 * (1-minute load average), at least 1; and 1 for tiny models (under 64 MB), where thread synchronisation costs more
 * than it saves. Why: llama.cpp's threads wait for each other at every step, so one thread descheduled by a busy
 * neighbour stalls all of them. Measured on a loaded 2-core machine with stories260K: 1 thread 2700 tok/s,
 * 2 threads 3 tok/s.
 */
export function defaultThreads(modelBytes?: number): number {
  const env = Number(process.env.ALPACARE_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  if (modelBytes !== undefined && modelBytes < 64 * 2 ** 20) return 1;
  const cores = Math.max(1, availableParallelism());
  const busy = Math.round(loadavg()[0] ?? 0);
  return Math.max(1, Math.min(cores, cores - busy));
}

/** The shared Llama instance (CPU unless `gpu`), never building from source. */
export async function getSharedLlama(gpu = false): Promise<Llama> {
  const id = gpu ? "gpu" : "cpu";
  let p = llamaPromises.get(id);
  if (!p) {
    p = loadNodeLlamaCpp().then((lib) =>
      lib.getLlama({ gpu: gpu ? "auto" : false, build: "never", logLevel: lib.LlamaLogLevel.error, maxThreads: 0 }),
    );
    llamaPromises.set(id, p);
  }
  return p;
}

/** Resolve a model id to a file path: absolute as is, relative to the project root otherwise. */
export function localModelPath(model: string): string {
  return isAbsolute(model) ? model : resolve(projectRoot, model);
}

/** Load (once per path) a GGUF model. */
export async function loadLocalModel(model: string, gpu = false): Promise<LlamaModel> {
  const path = localModelPath(model);
  const id = `${gpu ? "gpu" : "cpu"}:${path}`;
  let p = modelPromises.get(id);
  if (!p) {
    p = getSharedLlama(gpu).then((llama) => llama.loadModel({ modelPath: path }));
    p.catch(() => modelPromises.delete(id));
    modelPromises.set(id, p);
  }
  return p;
}

function mapStop(reason: string): FinishReason {
  if (reason === "eogToken" || reason === "stopGenerationTrigger" || reason === "customStopTrigger") return "stop";
  if (reason === "maxTokens") return "length";
  return "other";
}

interface ModelSlot {
  model: LlamaModel;
  context: LlamaContext;
  /** Tokens each sequence can hold. */
  contextSize: number;
  parallel: number;
  free: LlamaContextSequence[];
  waiters: ((s: LlamaContextSequence) => void)[];
}

/** Tokens kept free at the end of a sequence (node-llama-cpp's chat shifts the context when fewer are left). */
const FREE_TOKENS = 1;

/** Smallest power of two >= n (one-sequence contexts for long prompts come in few sizes, so they are reused). */
/**
 * OpenAI's presence/frequency penalties as node-llama-cpp's repeat penalty: llama.cpp's penalties sampler subtracts
 * `count * frequency + (count > 0) * presence` from a token's logit, OpenAI's formula, over the tokens generated so
 * far (never the prompt). So: the multiplicative repeat penalty off (1), newlines penalised like any token, and the
 * window the whole answer. Undefined (no penalty at all, node-llama-cpp's default off state) when both are 0/unset.
 */
export function localRepeatPenalty(
  req: Pick<ChatRequest, "presencePenalty" | "frequencyPenalty">,
  maxTokens: number,
): { penalty: number; presencePenalty: number; frequencyPenalty: number; lastTokens: number; penalizeNewLine: boolean } | undefined {
  const presencePenalty = req.presencePenalty ?? 0;
  const frequencyPenalty = req.frequencyPenalty ?? 0;
  if (presencePenalty === 0 && frequencyPenalty === 0) return undefined;
  return { penalty: 1, presencePenalty, frequencyPenalty, lastTokens: Math.max(1, maxTokens), penalizeNewLine: true };
}

function roundUpPow2(n: number): number {
  let p = 256;
  while (p < n) p *= 2;
  return p;
}

/** The token BOS node-llama-cpp's LlamaCompletion prepends (its `resolveBeginningTokenToPrepend`), or null. */
function completionBos(lib: NodeLlamaCpp, m: LlamaModel): number | null {
  const v = m.vocabularyType;
  if (v === lib.LlamaVocabularyType.rwkv || v === lib.LlamaVocabularyType.ugm) return null;
  if (v === lib.LlamaVocabularyType.wpm) return (m.tokens.bos as number | null) ?? null;
  return m.tokens.shouldPrependBosToken ? ((m.tokens.bos as number | null) ?? null) : null;
}

/** The in-process provider. `close()` frees its contexts (models stay loaded for other instances). */
export function createLocalProvider(options: LocalProviderOptions = {}): Provider {
  const sizeOf = (model: string): number | undefined => {
    try {
      return statSync(localModelPath(model)).size;
    } catch {
      return undefined;
    }
  };
  const threadsFor = (model: string) => options.threads ?? defaultThreads(sizeOf(model));
  const parallelFor = (model: string) => Math.max(1, options.parallel ?? ((sizeOf(model) ?? Infinity) < 2 * 2 ** 30 ? 4 : 1));
  const gpu = options.gpu ?? false;
  const slots = new Map<string, Promise<ModelSlot>>();
  const grammars = new Map<string, Promise<unknown>>();

  /** The per-sequence context of the shared (parallel) context, and the most a one-sequence context may have. */
  function sizesFor(m: LlamaModel): { contextSize: number; ceiling: number } {
    const train = m.trainContextSize || 2048;
    if (options.contextSize !== undefined) return { contextSize: options.contextSize, ceiling: Math.max(options.contextSize, train) };
    return { contextSize: Math.min(4096, train), ceiling: train };
  }

  /** The context for `model` with `contextSize` tokens per sequence and `parallel` sequences (created once). */
  function slotFor(model: string, m: LlamaModel, contextSize: number, parallel: number): Promise<ModelSlot> {
    const id = `${model}\u0000${contextSize}\u0000${parallel}`;
    let s = slots.get(id);
    if (!s) {
      s = (async () => {
        const context = await m.createContext({ contextSize, sequences: parallel, threads: threadsFor(model) });
        const free: LlamaContextSequence[] = [];
        for (let i = 0; i < parallel; i++) free.push(context.getSequence());
        return { model: m, context, contextSize: context.contextSize, parallel, free, waiters: [] };
      })();
      s.catch(() => slots.delete(id));
      slots.set(id, s);
    }
    return s;
  }

  /**
   * The slot a prompt of `promptTokens` fits in with `maxTokens` more (or at least one, when unset): the shared
   * context when it fits there, else a one-sequence context sized to fit, else an {@link LlmRequestError}.
   */
  async function slotForPrompt(model: string, m: LlamaModel, promptTokens: number, maxTokens: number | undefined): Promise<ModelSlot> {
    const { contextSize, ceiling } = sizesFor(m);
    const parallel = parallelFor(model);
    const need = promptTokens + (maxTokens ?? 1) + FREE_TOKENS;
    const main = await slotFor(model, m, contextSize, parallel);
    if (need <= main.contextSize) return main;
    const what = `the prompt is ${promptTokens} tokens${maxTokens === undefined ? "" : ` and maxTokens is ${maxTokens}`}: ${need} tokens needed`;
    const shared = `Each of the shared context's ${main.parallel} parallel sequence${main.parallel === 1 ? "" : "s"} holds ${main.contextSize} tokens`;
    if (need > ceiling) {
      const beyondTrain = options.contextSize !== undefined && options.contextSize > (m.trainContextSize || 2048);
      // The engine lowers maxTokens to what fits (recorded as an adaptation) unless parameters are strict.
      throw new LlmContextError(
        `local: ${what} (${FREE_TOKENS} kept free), more than the ${ceiling}-token context this model allows ` +
          `(${beyondTrain ? "set by --context-size / local.contextSize" : "its training context; a larger --context-size / local.contextSize goes beyond it at your own risk"}). ` +
          `${shared}. Not sent: node-llama-cpp would silently drop the start of the prompt. Shorten the prompt or lower maxTokens.`,
        promptTokens,
        ceiling - promptTokens - FREE_TOKENS,
      );
    }
    const size = Math.min(ceiling, roundUpPow2(need));
    try {
      return await slotFor(model, m, size, 1);
    } catch (e) {
      throw new LlmRequestError(
        `local: ${what}, more than the ${main.contextSize} tokens per sequence of the shared context, ` +
          `and a one-sequence ${size}-token context for it could not be created (${(e as Error).message}). ` +
          `Free memory with fewer parallel sequences (--parallel / local.parallel) or a smaller --context-size / local.contextSize, or shorten the prompt.`,
        { cause: e },
      );
    }
  }

  async function take(slot: ModelSlot, signal?: AbortSignal): Promise<LlamaContextSequence> {
    const s = slot.free.pop();
    if (s) return s;
    return new Promise((resolve, reject) => {
      const w = (seq: LlamaContextSequence) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(seq);
      };
      const onAbort = () => {
        const i = slot.waiters.indexOf(w);
        if (i >= 0) slot.waiters.splice(i, 1);
        reject(new LlmAbortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      slot.waiters.push(w);
    });
  }

  async function give(slot: ModelSlot, seq: LlamaContextSequence): Promise<void> {
    await seq.clearHistory();
    const w = slot.waiters.shift();
    if (w) w(seq);
    else slot.free.push(seq);
  }

  const wrappers = new WeakMap<LlamaModel, import("node-llama-cpp").ChatWrapper>();
  /** The chat template LlamaChatSession would pick ("auto"), resolved once per model and passed to it explicitly. */
  function chatWrapperFor(lib: NodeLlamaCpp, m: LlamaModel): import("node-llama-cpp").ChatWrapper {
    let w = wrappers.get(m);
    if (!w) {
      w = lib.resolveChatWrapper(m);
      wrappers.set(m, w);
    }
    return w;
  }

  async function grammarFor(schema: Record<string, unknown>): Promise<unknown> {
    const id = JSON.stringify(schema);
    let g = grammars.get(id);
    if (!g) {
      g = getSharedLlama(gpu).then((llama) => llama.createGrammarForJsonSchema(schema as never));
      grammars.set(id, g);
    }
    return g;
  }

  return {
    name: "local",
    async complete(req: ChatRequest, signal?: AbortSignal): Promise<Omit<ChatResult, "cached" | "key">> {
      const lib = await loadNodeLlamaCpp();
      const m = await loadLocalModel(req.model, gpu);
      // The exact tokens the library will evaluate, counted before choosing where to run them.
      let promptTokens: number[];
      let rawTokens: number[] | undefined;
      let chat: { wrapper: import("node-llama-cpp").ChatWrapper; history: import("node-llama-cpp").ChatHistoryItem[]; prompt: string } | undefined;
      if (req.rawPrompt) {
        const bos = completionBos(lib, m);
        // LlamaCompletion tokenizes a string input this way (tokenizeInput); passing the tokens makes it certain.
        rawTokens = m.tokenize(rawPromptText(req), false, bos !== null ? "trimLeadingSpace" : undefined) as number[];
        promptTokens = bos !== null ? [bos, ...rawTokens] : rawTokens.slice();
      } else {
        const system = req.messages.filter((x) => x.role === "system").map((x) => x.content).join("\n\n");
        const turns = req.messages.filter((x) => x.role !== "system");
        const last = turns[turns.length - 1];
        if (!last || last.role !== "user") throw new LlmRequestError("local: the last message must be a user message");
        const wrapper = chatWrapperFor(lib, m);
        let history: import("node-llama-cpp").ChatHistoryItem[];
        if (turns.length > 1) {
          history = system ? [{ type: "system", text: system }] : [];
          for (const t of turns.slice(0, -1)) history.push(t.role === "user" ? { type: "user", text: t.content } : { type: "model", response: [t.content] });
        } else {
          // What LlamaChatSession starts with for this system prompt.
          const sys = wrapper.settings.supportsSystemMessages;
          history = sys == null || sys ? wrapper.generateInitialChatHistory({ systemPrompt: system }) : [];
        }
        chat = { wrapper, history, prompt: last.content };
        // What LlamaChatSession.promptWithMeta then renders (its history plus the prompt plus an empty answer).
        const full = [...lib.appendUserMessageToChatHistory(history, last.content), { type: "model", response: [] } as import("node-llama-cpp").ChatHistoryItem];
        promptTokens = wrapper.generateContextState({ chatHistory: full }).contextText.tokenize(m.tokenizer) as number[];
      }
      const slot = await slotForPrompt(req.model, m, promptTokens.length, req.maxTokens);
      // Unset maxTokens: up to the end of the context, never past it (past it the library would drop the prompt's start).
      const maxTokens = req.maxTokens ?? slot.contextSize - FREE_TOKENS - promptTokens.length;
      const grammar = req.jsonSchema ? await grammarFor(req.jsonSchema) : undefined;
      const seq = await take(slot, signal);
      const t0 = Date.now();
      const before = seq.tokenMeter.getState();
      try {
        const common = {
          signal,
          maxTokens,
          temperature: req.temperature ?? 0,
          topP: req.topP,
          seed: req.seed,
          customStopTriggers: req.stop?.length ? req.stop : undefined,
          grammar: grammar as never,
          repeatPenalty: localRepeatPenalty(req, maxTokens),
        };
        let text: string;
        let stopReason: string;
        if (rawTokens) {
          const completion = new lib.LlamaCompletion({ contextSequence: seq, autoDisposeSequence: false });
          try {
            // Keep the text exactly as generated (a raw completion is not a chat turn to tidy up). No context
            // shift: it fits (checked above), and a shift would drop the prompt's start.
            const r = await completion.generateCompletionWithMeta(rawTokens as never, {
              ...common, trimWhitespaceSuffix: false, contextShiftSize: 0, disableContextShift: true,
            });
            text = r.response;
            stopReason = r.metadata.stopReason;
          } finally {
            completion.dispose({ disposeSequence: false });
          }
        } else {
          const session = new lib.LlamaChatSession({ contextSequence: seq, chatWrapper: chat!.wrapper, autoDisposeSequence: false });
          try {
            session.setChatHistory(chat!.history);
            const r = await session.promptWithMeta(chat!.prompt, common);
            text = r.responseText;
            stopReason = r.stopReason;
          } finally {
            session.dispose({ disposeSequence: false });
          }
        }
        if (stopReason === "abort") throw new LlmAbortError();
        // The sequence must start with the whole prompt: the guarantee this provider gives, checked, not assumed.
        const held = seq.contextTokens;
        const diverged = promptTokens.findIndex((t, i) => held[i] !== t);
        if (diverged >= 0) {
          throw new LlmRequestError(
            `local: node-llama-cpp did not evaluate the whole prompt (${promptTokens.length} tokens; the sequence holds ` +
              `${held.length}, differing from token ${diverged}); the answer is discarded`,
          );
        }
        const after = seq.tokenMeter.getState();
        const outputTokens = after.usedOutputTokens - before.usedOutputTokens;
        return {
          text, finishReason: mapStop(stopReason), usage: { inputTokens: promptTokens.length, outputTokens }, latencyMs: Date.now() - t0, modelVersion: undefined,
        };
      } finally {
        await give(slot, seq);
      }
    },
    async close() {
      for (const s of slots.values()) {
        try {
          await (await s).context.dispose();
        } catch {
          // a slot that failed to load has nothing to free
        }
      }
      slots.clear();
    },
  };
}

/** Free every loaded model (end of a notebook or CLI command that used local models). */
export async function unloadLocalModels(): Promise<void> {
  for (const p of modelPromises.values()) {
    try {
      await (await p).dispose();
    } catch {
      // already gone
    }
  }
  modelPromises.clear();
}
