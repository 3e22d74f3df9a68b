/**
 * Batch APIs, the scale-out path for tens of thousands of calls at half price: OpenAI Batch (upload a JSONL file,
 * create a batch, poll, download the output file) and Anthropic Message Batches (create, poll, stream results).
 *
 * Every submitted batch is persisted (batch-store.ts) before and after submission, so a restarted process resumes
 * polling the same batch instead of paying again. Results go into the same cache as synchronous calls (custom_id =
 * cache key), so a later `engine.runAll` over the same requests costs nothing. Failed items are reported, not cached.
 * This module is the run: what to batch (cache hits, resumed batches, the budget), then submit and poll; the
 * providers' calls are batch-provider.ts.
 */
import { LlmAbortError, LlmRequestError, classifyProviderError } from "./errors.js";
import type { Engine } from "./engine-types.js";
import { listBatches, saveBatchState, type BatchState } from "./batch-store.js";
import {
  batchWhere, createBatchClients, findBatchId, pollBatch, submitBatch, type BatchItemResult,
} from "./batch-provider.js";
import { unavailableError } from "./preflight.js";
import { sleep } from "./limits.js";
import { approxInputTokens, validateRequest } from "./request.js";
import { emptySummary } from "./run-report.js";
import type { Budget, ChatRequest, ChatResult, RunSummary } from "./types.js";

/** Batch APIs charge half the synchronous price. */
export const BATCH_DISCOUNT = 0.5;

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
  const summary = emptySummary(requests.length);
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

  const clients = createBatchClients(engine.options);
  const keyEnv = clients.keyEnv;

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
      saveBatchState(run, state);
      try {
        await submitBatch(clients, state, keys.map((k) => ({ key: k, req: byKey.get(k)!.req })));
      } catch (e) {
        state.status = "failed";
        state.error = (e as Error).message;
        saveBatchState(run, state);
        throw classifyProviderError(e, keyEnv(grp.provider), batchWhere(grp));
      }
      state.status = "submitted";
      saveBatchState(run, state);
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
    const id = await findBatchId(clients, s);
    if (id) {
      s.id = id;
      s.status = "submitted";
      saveBatchState(run, s);
      return;
    }
    s.status = "failed";
    s.error = "submission interrupted before the batch id was saved; not found on the server; resubmit";
    saveBatchState(run, s);
    log(`${s.name}: ${s.error}`);
  }

  /** One item read back: an answer is cached and delivered; an answer that cannot be cached is delivered as its error. */
  const collect = (s: BatchState, key: string, r: BatchItemResult) => {
    if (r instanceof Error) return deliver(key, r);
    try {
      store(s, key, r);
    } catch (err) {
      deliver(key, err as Error);
    }
  };

  /** Poll once; collect when done. Returns true when the batch is finished (collected or failed). */
  async function pollOnce(s: BatchState): Promise<boolean> {
    if (!s.id) await recoverId(s);
    if (!s.id) return true;
    try {
      const ended = await pollBatch(clients, s as BatchState & { id: string }, (key) => byKey.get(key)?.req, (key, r) => collect(s, key, r));
      if (ended !== undefined) {
        finish(s, ended);
        return true;
      }
    } catch (e) {
      throw classifyProviderError(e, keyEnv(s.provider), batchWhere(s));
    }
    saveBatchState(run, s);
    return false;
  }

  function finish(s: BatchState, status: string): void {
    // Items the provider never returned (expired, cancelled) are failures of this run, not cached.
    for (const it of s.items) if (byKey.has(it.key)) deliver(it.key, new LlmRequestError(`${batchWhere(s)} ${s.id}: no result (batch ${status}${s.error ? `: ${s.error}` : ""})`));
    s.status = "collected";
    s.collectedAt = new Date().toISOString();
    saveBatchState(run, s);
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
