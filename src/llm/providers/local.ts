/**
 * In-process GGUF models through node-llama-cpp (pinned 3.21.1), loaded lazily with `await import()` (the package
 * has top-level await, which tslab's `require` cannot load statically). One Llama per process, one loaded model per
 * path (shared by every provider instance), one context per (model, options) with `parallel` sequences.
 *
 * Chat requests use the model's own chat template (LlamaChatSession picks the wrapper from the GGUF metadata);
 * `rawPrompt` requests use plain completion. Temperature 0 (the default when unset) is greedy and deterministic;
 * a `seed` makes sampling reproducible. Threads default to the cores this process may actually use: the library's
 * own default (4) was 50-1000x slower on a 2-core machine.
 */
import { statSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { projectRoot } from "../../core/index.js";
import { LlmAbortError, LlmRequestError } from "../errors.js";
import { rawPromptText } from "../request.js";
import type { ChatRequest, ChatResult, FinishReason, Provider } from "../types.js";

/** Options for {@link createLocalProvider}. */
export interface LocalProviderOptions {
  /** CPU threads per evaluation (default: `ALPACARE_THREADS`, else {@link defaultThreads}: idle cores, 1 for tiny models). */
  threads?: number;
  /** Context size in tokens per sequence (default 4096, capped at the model's training context: 2048 for stories260K). */
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
  free: LlamaContextSequence[];
  waiters: ((s: LlamaContextSequence) => void)[];
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

  function slotFor(model: string): Promise<ModelSlot> {
    let s = slots.get(model);
    if (!s) {
      s = (async () => {
        const m = await loadLocalModel(model, gpu);
        const contextSize = Math.min(options.contextSize ?? 4096, m.trainContextSize || 2048);
        const parallel = parallelFor(model);
        const context = await m.createContext({ contextSize, sequences: parallel, threads: threadsFor(model) });
        const free: LlamaContextSequence[] = [];
        for (let i = 0; i < parallel; i++) free.push(context.getSequence());
        return { model: m, context, free, waiters: [] };
      })();
      s.catch(() => slots.delete(model));
      slots.set(model, s);
    }
    return s;
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
      if (req.presencePenalty !== undefined || req.frequencyPenalty !== undefined) {
        // node-llama-cpp has its own repeat penalty shape; silently ignoring these would make cached answers lie.
        throw new LlmRequestError("local: presencePenalty/frequencyPenalty are not supported for local models");
      }
      const lib = await loadNodeLlamaCpp();
      const slot = await slotFor(req.model);
      const grammar = req.jsonSchema ? await grammarFor(req.jsonSchema) : undefined;
      const seq = await take(slot, signal);
      const t0 = Date.now();
      const before = seq.tokenMeter.getState();
      try {
        const common = {
          signal,
          maxTokens: req.maxTokens,
          temperature: req.temperature ?? 0,
          topP: req.topP,
          seed: req.seed,
          customStopTriggers: req.stop?.length ? req.stop : undefined,
          grammar: grammar as never,
        };
        let text: string;
        let stopReason: string;
        if (req.rawPrompt) {
          const completion = new lib.LlamaCompletion({ contextSequence: seq, autoDisposeSequence: false });
          try {
            // Keep the text exactly as generated (a raw completion is not a chat turn to tidy up).
            const r = await completion.generateCompletionWithMeta(rawPromptText(req), { ...common, trimWhitespaceSuffix: false });
            text = r.response;
            stopReason = r.metadata.stopReason;
          } finally {
            completion.dispose({ disposeSequence: false });
          }
        } else {
          const system = req.messages.filter((m) => m.role === "system").map((m) => m.content).join("\n\n");
          const turns = req.messages.filter((m) => m.role !== "system");
          const last = turns[turns.length - 1];
          if (!last || last.role !== "user") throw new LlmRequestError("local: the last message must be a user message");
          const session = new lib.LlamaChatSession({ contextSequence: seq, systemPrompt: system, autoDisposeSequence: false });
          try {
            if (turns.length > 1) {
              const history: import("node-llama-cpp").ChatHistoryItem[] = system ? [{ type: "system", text: system }] : [];
              for (const m of turns.slice(0, -1)) history.push(m.role === "user" ? { type: "user", text: m.content } : { type: "model", response: [m.content] });
              session.setChatHistory(history);
            }
            const r = await session.promptWithMeta(last.content, common);
            text = r.responseText;
            stopReason = r.stopReason;
          } finally {
            session.dispose({ disposeSequence: false });
          }
        }
        if (stopReason === "abort") throw new LlmAbortError();
        const after = seq.tokenMeter.getState();
        const outputTokens = after.usedOutputTokens - before.usedOutputTokens;
        const inputTokens = Math.max(0, after.usedInputTokens - before.usedInputTokens);
        return { text, finishReason: mapStop(stopReason), usage: { inputTokens, outputTokens }, latencyMs: Date.now() - t0, modelVersion: undefined };
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
