/**
 * Batch APIs, the scale-out path for tens of thousands of calls at half price: OpenAI Batch (upload a JSONL file,
 * create a batch, poll, download the output file) and Anthropic Message Batches (create, poll, stream results).
 *
 * Every submitted batch is persisted in `data/runs/<run>/batches/<name>.json` (id, provider, endpoint, the cache
 * keys it answers) before and after submission, so a restarted process resumes polling the same batch instead of
 * paying again. Results go into the same cache as synchronous calls (custom_id = cache key), so a later
 * `engine.runAll` over the same requests costs nothing. Failed items are reported, not cached.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readJson, runDir, writeFileAtomic } from "../core/index.js";
import type { Engine } from "./engine.js";
import { classifyProviderError, LlmAbortError, LlmRequestError, redactKeys } from "./errors.js";
import { unavailableError } from "./preflight.js";
import { sleep } from "./limits.js";
import { anthropicBody, parseAnthropicMessage } from "./providers/anthropic.js";
import { apiKeyFromEnv, openaiRequest, parseOpenAIChat } from "./providers/openai.js";
import { approxInputTokens, requestKey, validateRequest } from "./request.js";
import type { Budget, ChatRequest, ChatResult, ProviderName, RunSummary } from "./types.js";

/** Batch APIs charge half the synchronous price. */
export const BATCH_DISCOUNT = 0.5;

/** A persisted batch (one JSON file per batch). */
export interface BatchState {
  /** File name stem, also sent as OpenAI batch metadata to find a batch whose id was not persisted. */
  name: string;
  provider: "openai" | "anthropic";
  model: string;
  baseURL?: string;
  /** Provider batch id; absent while submitting. */
  id?: string;
  /** Cache keys (= custom ids) in this batch, with what the cache record needs. */
  items: { key: string; tag?: string }[];
  status: "submitting" | "submitted" | "collected" | "failed";
  createdAt: string;
  collectedAt?: string;
  /** Provider status at the last poll. */
  providerStatus?: string;
  error?: string;
  /** The provider's own errors for a failed batch (OpenAI `errors.data`: code, message, line, param), keys never included. */
  errors?: { code?: string; message?: string; line?: number | null; param?: string | null }[];
}

/** Options for {@link runBatch}. */
export interface BatchOptions {
  /** Run store folder name (default "default"): states go to `data/runs/<run>/batches/`. */
  run?: string;
  /** Name prefix of the state files (default "batch"). */
  label?: string;
  /** Called once per request as soon as its answer (or error) is known. */
  onResult?: (index: number, result: ChatResult | Error) => void;
  /** Time between status polls, ms (default 30000). */
  pollIntervalMs?: number;
  /** Give up waiting after this long, ms (default: no limit). The batches stay persisted for a later resume. */
  maxWaitMs?: number;
  /** Most requests per batch (default 50000; OpenAI's limit is 50000, Anthropic's 100000). */
  maxPerBatch?: number;
  /** Submit and return without waiting (`resume` later). Default false. */
  submitOnly?: boolean;
  /**
   * Submit only what fits: requests are taken in order while the estimate (input chars/4 + each call's `maxTokens`,
   * at the batch price) stays within it; the rest are skipped (`stopped: "budget"`). Default the engine's budget.
   */
  budget?: Budget;
  signal?: AbortSignal;
  /** Status lines on stderr (default true). */
  progress?: boolean;
}

type OpenAIClient = import("openai").default;
type AnthropicClient = import("@anthropic-ai/sdk").default;

function batchesDir(run: string): string {
  return join(runDir(run), "batches");
}

/** Every persisted batch state of a run. */
export function listBatches(run = "default"): BatchState[] {
  const dir = batchesDir(run);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readJson<BatchState>(join(dir, f)));
}

function saveState(run: string, s: BatchState): void {
  mkdirSync(batchesDir(run), { recursive: true });
  writeFileAtomic(join(batchesDir(run), `${s.name}.json`), JSON.stringify(s, null, 2) + "\n");
}

/**
 * Answer `requests` through the providers' batch APIs, resuming any unfinished batch of the same run that already
 * covers some of them. Cached requests are answered at once; `openai` and `anthropic` requests are batched per
 * (provider, model, base URL); other providers are refused (use `engine.runAll`). Resolves when every batch has
 * been collected (or `maxWaitMs` / `submitOnly`, with `stopped: "aborted"` and the rest `skipped`).
 */
export async function runBatch(engine: Engine, requests: readonly ChatRequest[], options: BatchOptions = {}): Promise<RunSummary> {
  const t0 = Date.now();
  const run = options.run ?? "default";
  const label = options.label ?? "batch";
  const pollMs = options.pollIntervalMs ?? 30_000;
  const maxPer = options.maxPerBatch ?? 50_000;
  const log = (m: string) => options.progress !== false && process.stderr.write(`${label}: ${m}\n`);
  const cache = engine.cacheStore();
  if (!cache) throw new LlmRequestError("batch: the cache is off (--no-cache); batch results are delivered through the cache");
  const summary: RunSummary = {
    requests: requests.length, completed: 0, calls: 0, cacheHits: 0, failures: 0, skipped: 0, retries: 0,
    tokens: { inputTokens: 0, outputTokens: 0 }, usd: 0, usdSaved: 0, wallMs: 0,
  };
  const byKey = new Map<string, { req: ChatRequest; indices: number[] }>();
  requests.forEach((original, i) => {
    validateRequest(original);
    if (original.provider !== "openai" && original.provider !== "anthropic") throw new LlmRequestError(`requests[${i}]: provider ${original.provider} has no batch API here; run it with engine.runAll`);
    // The same adapted request and key as a direct call (see params.ts): one cache key, one request.
    const { request: req, key } = engine.prepare(original);
    const hit = engine.cached(original);
    if (hit) {
      summary.cacheHits++;
      summary.completed++;
      summary.usdSaved += engine.costOf(req, hit.usage);
      options.onResult?.(i, hit);
      return;
    }
    const e = byKey.get(key);
    if (e) e.indices.push(i);
    else byKey.set(key, { req, indices: [i] });
  });

  // Resume persisted batches that cover pending keys; submit the rest.
  const states = listBatches(run).filter((s) => s.status === "submitting" || s.status === "submitted");
  const covered = new Set<string>();
  const active: BatchState[] = [];
  for (const s of states) {
    if (s.items.some((it) => byKey.has(it.key))) {
      active.push(s);
      for (const it of s.items) covered.add(it.key);
    }
  }
  if (active.length) log(`resuming ${active.length} batch(es): ${active.map((s) => s.id ?? s.name).join(", ")}`);
  const groups = new Map<string, { provider: "openai" | "anthropic"; model: string; baseURL?: string; keys: string[] }>();
  const budget = options.budget ?? engine.options.budget;
  let plannedUsd = 0;
  let plannedTokens = 0;
  let overBudget = false;
  const defaultOut = engine.options.defaultOutputTokens ?? 512;
  for (const [key, { req }] of byKey) {
    if (covered.has(key)) continue;
    if (budget) {
      const usage = { inputTokens: approxInputTokens(req), outputTokens: req.maxTokens ?? (req.provider === "anthropic" ? 1024 : defaultOut) };
      const usd = engine.costOf(req, usage) * BATCH_DISCOUNT;
      const tokens = usage.inputTokens + usage.outputTokens;
      if (overBudget || (budget.usd !== undefined && plannedUsd + usd > budget.usd) || (budget.tokens !== undefined && plannedTokens + tokens > budget.tokens)) {
        overBudget = true;
        continue;
      }
      plannedUsd += usd;
      plannedTokens += tokens;
    }
    const g = `${req.provider}\u0000${req.model}\u0000${req.baseURL ?? ""}`;
    let grp = groups.get(g);
    if (!grp) groups.set(g, (grp = { provider: req.provider as "openai" | "anthropic", model: req.model, baseURL: req.baseURL, keys: [] }));
    grp.keys.push(key);
  }

  const openaiClients = new Map<string, OpenAIClient>();
  const anthropicClients = new Map<string, AnthropicClient>();
  const keyEnv = (p: ProviderName) => engine.options.apiKeyEnv?.[p] ?? (p === "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY");
  async function openai(baseURL?: string): Promise<OpenAIClient> {
    let c = openaiClients.get(baseURL ?? "");
    if (!c) {
      const { default: OpenAI } = await import("openai");
      c = new OpenAI({ apiKey: apiKeyFromEnv(keyEnv("openai"), "openai"), baseURL, maxRetries: 2, timeout: 300_000 });
      openaiClients.set(baseURL ?? "", c);
    }
    return c;
  }
  async function anthropic(baseURL?: string): Promise<AnthropicClient> {
    let c = anthropicClients.get(baseURL ?? "");
    if (!c) {
      const { default: Anthropic } = await import("@anthropic-ai/sdk");
      c = new Anthropic({ apiKey: apiKeyFromEnv(keyEnv("anthropic"), "anthropic"), baseURL, maxRetries: 2, timeout: 300_000 });
      anthropicClients.set(baseURL ?? "", c);
    }
    return c;
  }
  const where = (s: Pick<BatchState, "provider" | "baseURL">) => `${s.provider} batch${s.baseURL ? ` at ${s.baseURL}` : ""}`;

  // Before paying for anything: each new batch's model must be served by its endpoint (one models list per endpoint).
  // A shut-down model fails here, with its substitutes, instead of as a failed batch hours later.
  if (engine.options.preflight !== false) {
    for (const grp of groups.values()) {
      const check = await engine.checkModel({ provider: grp.provider, model: grp.model, baseURL: grp.baseURL });
      if (check.served === false) throw unavailableError(check);
    }
  }

  // Submit new batches.
  let seq = 0;
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  for (const grp of groups.values()) {
    for (let from = 0; from < grp.keys.length; from += maxPer) {
      const keys = grp.keys.slice(from, from + maxPer);
      const state: BatchState = {
        name: `${label}-${stamp}-${process.pid}-${seq++}`, provider: grp.provider, model: grp.model, baseURL: grp.baseURL,
        items: keys.map((k) => ({ key: k, tag: byKey.get(k)!.req.tag })), status: "submitting", createdAt: new Date().toISOString(),
      };
      // Persist the intent first: a crash between "created" and "saved" is then found again by its metadata.
      saveState(run, state);
      try {
        if (grp.provider === "openai") {
          const c = await openai(grp.baseURL);
          // One model per batch, so one endpoint: chat completions, or completions for a completion model.
          const bodies = keys.map((k) => ({ k, ...openaiRequest(byKey.get(k)!.req) }));
          const lines = bodies.map((b) => JSON.stringify({ custom_id: b.k, method: "POST", url: b.url, body: b.body }));
          const { toFile } = await import("openai");
          const file = await c.files.create({ file: await toFile(Buffer.from(lines.join("\n") + "\n"), `${state.name}.jsonl`), purpose: "batch" });
          const b = await c.batches.create({ input_file_id: file.id, endpoint: bodies[0]!.url, completion_window: "24h", metadata: { alpacare: state.name } });
          state.id = b.id;
          state.providerStatus = b.status;
        } else {
          const c = await anthropic(grp.baseURL);
          const b = await c.messages.batches.create({ requests: keys.map((k) => ({ custom_id: k, params: anthropicBody(byKey.get(k)!.req) })) });
          state.id = b.id;
          state.providerStatus = b.processing_status;
        }
      } catch (e) {
        state.status = "failed";
        state.error = (e as Error).message;
        saveState(run, state);
        throw classifyProviderError(e, keyEnv(grp.provider), where(grp));
      }
      state.status = "submitted";
      saveState(run, state);
      log(`submitted ${state.provider} batch ${state.id} (${keys.length} requests, ${state.model})`);
      active.push(state);
    }
  }

  const deliver = (key: string, result: ChatResult | Error) => {
    const e = byKey.get(key);
    if (!e) return;
    byKey.delete(key);
    for (const i of e.indices) {
      if (result instanceof Error) summary.failures++;
      else {
        summary.completed++;
        if (i === e.indices[0]) {
          summary.calls++;
          summary.tokens.inputTokens += result.usage.inputTokens;
          summary.tokens.outputTokens += result.usage.outputTokens;
          summary.usd += engine.costOf(e.req, result.usage) * BATCH_DISCOUNT;
        } else summary.cacheHits++;
      }
      options.onResult?.(i, result);
    }
  };

  const store = (s: BatchState, key: string, r: Omit<ChatResult, "cached" | "key">) => {
    cache.put({ k: key, p: s.provider, m: s.model, tag: s.items.find((it) => it.key === key)?.tag, text: r.text, finish: r.finishReason, usage: r.usage, ms: r.latencyMs, mv: r.modelVersion, at: new Date().toISOString(), via: "batch" });
    deliver(key, { ...r, cached: false, key });
  };

  async function recoverId(s: BatchState): Promise<void> {
    // Submitted but the id was never saved (crash): find it by metadata (OpenAI); otherwise resubmitting is safer
    // than waiting forever, so the state is dropped and the keys go back to the queue on the next run.
    if (s.provider === "openai") {
      const c = await openai(s.baseURL);
      for await (const b of c.batches.list({ limit: 100 })) {
        if ((b.metadata as Record<string, string> | null)?.alpacare === s.name) {
          s.id = b.id;
          s.status = "submitted";
          saveState(run, s);
          return;
        }
      }
    }
    s.status = "failed";
    s.error = "submission interrupted before the batch id was saved; not found on the server; resubmit";
    saveState(run, s);
    log(`${s.name}: ${s.error}`);
  }

  /** Poll once; collect when done. Returns true when the batch is finished (collected or failed). */
  async function pollOnce(s: BatchState): Promise<boolean> {
    if (!s.id) await recoverId(s);
    if (!s.id) return true;
    try {
      if (s.provider === "openai") {
        const c = await openai(s.baseURL);
        const b = await c.batches.retrieve(s.id);
        s.providerStatus = b.status;
        if (b.status === "failed" && b.errors?.data?.length) {
          // Kept in the state file and the message: `model_not_found`, `token_limit_exceeded`, ... say what to fix.
          s.errors = b.errors.data.map((x) => ({ code: x.code, message: x.message ? redactKeys(x.message) : x.message, line: x.line ?? null, param: x.param ?? null }));
          s.error = s.errors.map((x) => `${x.code ?? "error"}${x.line != null ? ` (line ${x.line})` : ""}: ${x.message ?? ""}`).join("; ");
        }
        if (b.status === "completed" || b.status === "expired" || b.status === "cancelled" || b.status === "failed") {
          for (const fileId of [b.output_file_id, b.error_file_id]) {
            if (!fileId) continue;
            const text = await (await c.files.content(fileId)).text();
            for (const line of text.split("\n")) {
              if (!line.trim()) continue;
              const o = JSON.parse(line) as { custom_id: string; response?: { status_code: number; body: unknown }; error?: { message?: string } | null };
              const e = byKey.get(o.custom_id);
              if (o.response?.status_code === 200) {
                const req = e?.req ?? ({ provider: "openai", model: s.model, messages: [] } as ChatRequest);
                try {
                  store(s, o.custom_id, parseOpenAIChat(o.response.body, req, 0, where(s)));
                } catch (err) {
                  deliver(o.custom_id, err as Error);
                }
              } else {
                const msg = (o.response?.body as { error?: { message?: string } } | undefined)?.error?.message ?? o.error?.message ?? "failed";
                deliver(o.custom_id, new LlmRequestError(`${where(s)} ${s.id}: item failed (HTTP ${o.response?.status_code ?? "?"}): ${msg}`, { status: o.response?.status_code }));
              }
            }
          }
          finish(s, b.status);
          return true;
        }
      } else {
        const c = await anthropic(s.baseURL);
        const b = await c.messages.batches.retrieve(s.id);
        s.providerStatus = b.processing_status;
        if (b.processing_status === "ended") {
          for await (const o of await c.messages.batches.results(s.id)) {
            const r = o.result as { type: string; message?: unknown; error?: { error?: { message?: string } } };
            const e = byKey.get(o.custom_id);
            if (r.type === "succeeded") {
              const req = e?.req ?? ({ provider: "anthropic", model: s.model, messages: [] } as ChatRequest);
              try {
                store(s, o.custom_id, parseAnthropicMessage(r.message, req, 0, where(s)));
              } catch (err) {
                deliver(o.custom_id, err as Error);
              }
            } else deliver(o.custom_id, new LlmRequestError(`${where(s)} ${s.id}: item ${r.type}${r.error?.error?.message ? `: ${r.error.error.message}` : ""}`));
          }
          finish(s, "ended");
          return true;
        }
      }
    } catch (e) {
      throw classifyProviderError(e, keyEnv(s.provider), where(s));
    }
    saveState(run, s);
    return false;
  }

  function finish(s: BatchState, status: string): void {
    // Items the provider never returned (expired, cancelled) are failures of this run, not cached.
    for (const it of s.items) if (byKey.has(it.key)) deliver(it.key, new LlmRequestError(`${where(s)} ${s.id}: no result (batch ${status}${s.error ? `: ${s.error}` : ""})`));
    s.status = "collected";
    s.collectedAt = new Date().toISOString();
    saveState(run, s);
    log(`collected ${s.provider} batch ${s.id} (${status})`);
  }

  let pending = [...active];
  if (!options.submitOnly) {
    for (;;) {
      const still: BatchState[] = [];
      for (const s of pending) if (!(await pollOnce(s))) still.push(s);
      pending = still;
      if (pending.length === 0) break;
      log(`waiting on ${pending.length} batch(es): ${pending.map((s) => `${s.id} ${s.providerStatus}`).join(", ")}`);
      if (options.maxWaitMs !== undefined && Date.now() - t0 >= options.maxWaitMs) break;
      try {
        await sleep(pollMs, options.signal);
      } catch (e) {
        if (e instanceof LlmAbortError) break;
        throw e;
      }
    }
  }
  if (byKey.size > 0) {
    summary.stopped = overBudget ? "budget" : "aborted";
    for (const e of byKey.values()) summary.skipped += e.indices.length;
    if (overBudget) log(`budget: submitted requests estimated at $${plannedUsd.toFixed(4)} / ${plannedTokens} tokens; the rest were not sent`);
  }
  summary.wallMs = Date.now() - t0;
  log(`${summary.calls} answered by batch, ${summary.cacheHits} cached, ${summary.failures} failed${summary.skipped ? `, ${summary.skipped} still pending (rerun to resume)` : ""}, $${summary.usd.toFixed(4)}`);
  return summary;
}
