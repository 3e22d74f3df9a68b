/**
 * The engine every stage calls models through: cache first, then bounded concurrency, rate limits, budget,
 * retries with backoff, accounting and progress. Providers only make one call each; everything a researcher
 * running thousands of paid calls needs lives here.
 *
 * This file is the composition root: it holds the engine's state (cache, limits, pacer, what the run learned about
 * parameters, totals) and wires the parts kept in their own modules: budgets (budget.ts), the per-request attempt
 * loop (attempt.ts), estimates (estimate.ts) and signal helpers (signals.ts); its contract (options, the Engine
 * interface, progress and stats) is in engine-types.ts. It stays over ~350 lines (~490) because
 * `completeWith` (cache, in-flight sharing, parameter learning) and `runAll` (workers, stop rules, progress) share
 * that state through the closure; splitting them would pass most of it around by hand.
 */
import { setMaxListeners } from "node:events";
import { WriteError, formatProgress, progress as makeProgress, type ProgressState } from "../core/index.js";
import { sendWithRetries, type AttemptEnv, type CallContext } from "./attempt.js";
import { BudgetTracker, refuseUnpricedBudget } from "./budget.js";
import { LlmCache, resultFromRecord } from "./cache.js";
import { isFatal, LlmAbortError, LlmBudgetError, LlmContextError, LlmRequestError, rejectedParam } from "./errors.js";
import { estimateCall, estimateRequests } from "./estimate.js";
import { Semaphore, TokenBucket } from "./limits.js";
import { formatPace, type PaceSummary } from "./pacer.js";
import { Pacer, paceScope } from "./pacer-gate.js";
import { costUsd, priceOf, priceTable } from "./prices.js";
import { createAnthropicProvider } from "./providers/anthropic.js";
import { createOpenAIProvider } from "./providers/openai.js";
import { adaptationKey } from "./deviations.js";
import { adaptRequest, requestFieldOf, type Adaptation, type LearnedRules } from "./params.js";
import { fetchServed, judgeServed, unavailableError, type ModelCheck } from "./preflight.js";
import { lookupModel } from "./registry.js";
import { effectiveBaseURL, legacyRequestKey, requestKey, validateRequest } from "./request.js";
import { anySignal } from "./signals.js";
import type { Engine, EngineOptions, EngineProgress, EngineStats } from "./engine-types.js";
import type { ChatRequest, ChatResult, Provider, ProviderName, RunSummary, ServedModel, TokenUsage } from "./types.js";

// The names the engine has always exported, now living in their own modules (see each for why).
export { isFatal } from "./errors.js";
export { anySignal } from "./signals.js";
export { formatEstimate } from "./estimate.js";
export type { Engine, EngineOptions, EngineProgress, EngineStats, RunAllOptions, CompleteOptions } from "./engine-types.js";

/** Create an engine. See {@link EngineOptions} for defaults. */
export function createEngine(options: EngineOptions = {}): Engine {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  const maxRetries = options.maxRetries ?? 6;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const retryMaxMs = options.retryMaxMs ?? 60_000;
  const defaultOutputTokens = options.defaultOutputTokens ?? 512;
  const prices = priceTable(options.prices);
  const useCache = options.cache !== false;
  let cache: LlmCache | undefined;
  const getCache = (): LlmCache | undefined => {
    if (!useCache) return undefined;
    cache ??= new LlmCache(options.cacheDir);
    return cache;
  };
  const slots = new Semaphore(concurrency);
  const rpm = options.rpm ? new TokenBucket(options.rpm) : undefined;
  const tpm = options.tpm ? new TokenBucket(options.tpm) : undefined;
  const engineBudget = options.budget ? new BudgetTracker(options.budget) : undefined;
  const pacer = options.pace === false ? undefined : new Pacer({
    backoffBaseMs: retryBaseMs, backoffMaxMs: retryMaxMs, ...(typeof options.pace === "object" ? options.pace : {}), maxConcurrency: concurrency,
  });
  const providers = new Map<ProviderName, Provider>();
  let localProvider: Promise<Provider> | undefined;
  const inflight = new Map<string, Promise<ChatResult>>();
  const learned = new Map<string, LearnedRules>();
  const adaptationsSeen = new Map<string, Adaptation>();
  const warningsSeen: string[] = [];
  const servedLists = new Map<string, Promise<ServedModel[] | undefined>>();
  const checks = new Map<string, Promise<ModelCheck>>();
  const scopeOf = (req: Pick<ChatRequest, "provider" | "model" | "baseURL">) => `${req.provider}\u0000${effectiveBaseURL(req) ?? ""}\u0000${req.model}`;
  const warn = (text: string) => {
    if (warningsSeen.includes(text)) return;
    warningsSeen.push(text);
    process.stderr.write(`llm: warning: ${text}\n`);
  };
  const note = (list: Adaptation[]) => {
    for (const a of list) {
      // Per-item reductions (a local context) differ only in their numbers: one entry, the smallest limit, a count.
      const id = adaptationKey(a);
      const seen = adaptationsSeen.get(id);
      if (!seen) adaptationsSeen.set(id, { ...a, count: 1 });
      else {
        seen.count = (seen.count ?? 1) + 1;
        if (a.action === "reduced" && typeof a.to === "number" && typeof seen.to === "number" && a.to < seen.to) seen.to = a.to;
      }
    }
  };
  /** The first failed write (cache, or a run store through onResult): no call is sent after it. */
  let writeFailure: WriteError | undefined;
  const totals: EngineStats = { calls: 0, cacheHits: 0, failures: 0, retries: 0, tokens: { inputTokens: 0, outputTokens: 0 }, usd: 0, usdSaved: 0 };

  async function provider(name: ProviderName): Promise<Provider> {
    const injected = options.providers?.[name];
    if (injected) return injected;
    let p = providers.get(name);
    if (p) return p;
    const keyEnv = options.apiKeyEnv?.[name];
    if (name === "openai" || name === "openai-compatible") p = createOpenAIProvider({ name, apiKeyEnv: keyEnv, timeoutMs: options.timeoutMs });
    else if (name === "anthropic") p = createAnthropicProvider({ apiKeyEnv: keyEnv, timeoutMs: options.timeoutMs });
    else {
      localProvider ??= import("./providers/local.js").then((m) => m.createLocalProvider(options.local));
      p = await localProvider;
    }
    providers.set(name, p);
    return p;
  }

  const costOf = (req: Pick<ChatRequest, "provider" | "model">, usage: TokenUsage) => costUsd(priceOf(req.provider, req.model, prices), usage);
  const estimateOf = (req: ChatRequest) => estimateCall(req, prices, defaultOutputTokens);

  function lookup(req: ChatRequest, key: string): ChatResult | undefined {
    const c = getCache();
    if (!c) return undefined;
    let rec = c.get(key);
    if (!rec) {
      // Entries written before cache keys named the endpoint (version 1), where their key is still unambiguous.
      const legacy = legacyRequestKey(req);
      if (legacy) rec = c.get(legacy);
    }
    return rec ? resultFromRecord(rec) : undefined;
  }

  /** The request as it will be sent: the registry's rules and what this run learned, applied (see params.ts). */
  function adapt(req: ChatRequest): { request: ChatRequest; adaptations: Adaptation[] } {
    const entry = lookupModel(req.provider, req.model)?.entry;
    return adaptRequest(req, entry?.params, learned.get(scopeOf(req)), { reasoningHeadroom: options.reasoningHeadroom, reasoning: entry?.kind === "reasoning" });
  }

  /** Learn from a 400 that names a parameter the model rejects; true when the request can be rebuilt without it. */
  function learn(sent: ChatRequest, e: unknown): boolean {
    const param = rejectedParam(e);
    if (!param) return false;
    const scope = scopeOf(sent);
    const rules = learned.get(scope) ?? { drop: new Set<string>() };
    learned.set(scope, rules);
    // True also when another call in flight learned it first: this request was built before, so rebuild it.
    if (param === "max_tokens" && sent.provider === "openai" && sent.maxTokensField !== "max_completion_tokens") {
      rules.maxCompletionTokens = true;
      return true;
    }
    const field = requestFieldOf(param);
    if (!field || sent[field] === undefined) return false;
    rules.drop.add(param);
    return true;
  }

  async function checkModel(target: Pick<ChatRequest, "provider" | "model" | "baseURL">): Promise<ModelCheck> {
    const endpoint = effectiveBaseURL(target);
    const id = scopeOf(target);
    let check = checks.get(id);
    if (!check) {
      check = servedModels(target).then((served) => judgeServed(target.provider, target.model, endpoint, served, { horizonDays: options.horizonDays }));
      checks.set(id, check);
    }
    return check;
  }

  /** The endpoint's models list, fetched once per (provider, endpoint); undefined when it cannot be listed. */
  function servedModels(target: Pick<ChatRequest, "provider" | "baseURL">): Promise<ServedModel[] | undefined> {
    const listId = `${target.provider}\u0000${effectiveBaseURL(target) ?? ""}`;
    let list = servedLists.get(listId);
    if (!list) {
      list = provider(target.provider).then((p) => fetchServed(p.listModels ? () => p.listModels!(target.baseURL) : undefined));
      servedLists.set(listId, list);
    }
    return list;
  }

  /** The preflight of a request's model: throws when the endpoint does not serve it; warns once when worth it. */
  async function ensureServed(sent: ChatRequest): Promise<void> {
    if (options.preflight === false || sent.provider === "local") return;
    const check = await checkModel(sent);
    if (check.served === false) throw unavailableError(check);
    // A shutdown warning always; "could not list" only for the provider's own endpoint (a self-hosted or test server
    // without a models list is normal, and its first call says what is wrong).
    if (check.note && (check.served || check.endpoint === undefined)) warn(check.note);
  }

  /** The engine's parts the attempt loop uses (see attempt.ts); the write failure is read and set through it. */
  const attemptEnv: AttemptEnv = {
    slots, rpm, tpm, pacer, provider, maxRetries, retryBaseMs, retryMaxMs,
    // Read from the options at each call, as the engine always has (the options object is public on the engine).
    get signal() {
      return options.signal;
    },
    get timeoutMs() {
      return options.timeoutMs;
    },
    estimate: estimateOf, costOf, totals, cache: getCache,
    writeFailure: () => writeFailure,
    failWrite: (e) => {
      writeFailure ??= e;
    },
  };

  async function completeWith(original: ChatRequest, ctx: CallContext): Promise<ChatResult> {
    validateRequest(original);
    let req = original;
    const extra: Adaptation[] = [];
    for (;;) {
      const { request: sent, adaptations: made } = adapt(req);
      const adaptations = [...extra, ...made];
      const withAdaptations = (r: ChatResult): ChatResult => (adaptations.length ? { ...r, adaptations } : r);
      // Strict: an adapted request is not the paper's, whether answered now or from the cache.
      if (options.strictParams && adaptations.length) {
        const e = new LlmRequestError(
          `${sent.provider}: ${sent.model} does not accept the request as the paper made it (${adaptations.map((a) => `${a.parameter} ${a.action}`).join(", ")}: ${adaptations[0]!.reason}); refused under strict parameters (drop --strict-params to adapt and record the change)`,
          { code: "strict-params" },
        );
        if (ctx.fatal) ctx.fatal.error ??= e;
        throw e;
      }
      const key = requestKey(sent);
      const hit = lookup(sent, key);
      if (hit) {
        totals.cacheHits++;
        totals.usdSaved += costOf(sent, hit.usage);
        note(adaptations);
        return withAdaptations(hit);
      }
      const running = inflight.get(key);
      if (running) {
        // The same request is already in flight: share its answer instead of paying twice.
        const r = await running;
        totals.cacheHits++;
        totals.usdSaved += costOf(sent, r.usage);
        return withAdaptations({ ...r, cached: true });
      }
      if (options.dryRun) throw new LlmRequestError("dry run: not sent");
      // Registered as in flight before the first await, so identical requests arriving meanwhile share it.
      const p = (async () => {
        try {
          await ensureServed(sent);
        } catch (e) {
          if (ctx.fatal && isFatal(e)) ctx.fatal.error ??= e as Error;
          throw e;
        }
        return sendWithRetries(sent, key, ctx, attemptEnv);
      })().catch((e) => {
        if (!(e instanceof LlmBudgetError || e instanceof LlmAbortError) && !learnable(sent, e)) totals.failures++;
        throw e;
      });
      inflight.set(key, p);
      try {
        const r = await p;
        note(adaptations);
        return withAdaptations(r);
      } catch (e) {
        if (!options.strictParams && learn(sent, e)) continue;
        if (e instanceof LlmContextError && !options.strictParams && e.maxTokensThatFit >= 1 && (req.maxTokens === undefined || e.maxTokensThatFit < req.maxTokens)) {
          extra.push({ model: req.model, parameter: "max_tokens", action: "reduced", from: req.maxTokens ?? "unset", to: e.maxTokensThatFit, reason: `the local model's context holds the ${e.promptTokens}-token prompt plus ${e.maxTokensThatFit} new tokens at most` });
          req = { ...req, maxTokens: e.maxTokensThatFit };
          continue;
        }
        throw e;
      } finally {
        inflight.delete(key);
      }
    }
  }

  /** A 400 the engine will learn from (not counted as a failure: the request is rebuilt and sent again). */
  function learnable(sent: ChatRequest, e: unknown): boolean {
    if (options.strictParams) return false;
    const param = rejectedParam(e);
    if (param) {
      if (param === "max_tokens" && sent.provider === "openai") return sent.maxTokensField !== "max_completion_tokens";
      const field = requestFieldOf(param);
      return field !== undefined && sent[field] !== undefined;
    }
    return e instanceof LlmContextError && e.maxTokensThatFit >= 1;
  }

  const engine: Engine = {
    options,
    complete(req, opts = {}) {
      if (engineBudget?.budget.usd !== undefined && !engine.cached(req)) refuseUnpricedBudget(engine.estimate([req]), [engineBudget.budget]);
      return completeWith(req, { signal: opts.signal, budgets: engineBudget ? [engineBudget] : [] });
    },

    cached(req) {
      validateRequest(req);
      const sent = adapt(req).request;
      return lookup(sent, requestKey(sent));
    },

    prepare(req) {
      validateRequest(req);
      const { request, adaptations } = adapt(req);
      note(adaptations);
      return { request, key: requestKey(request), adaptations };
    },

    adaptations() {
      return [...adaptationsSeen.values()].map((a) => ({ ...a }));
    },

    warnings() {
      return [...warningsSeen];
    },

    checkModel,

    servedModels,

    estimate(requests) {
      const c = getCache();
      c?.refresh();
      return estimateRequests(requests, { cache: c, prices, defaultOutputTokens, adapt: (r) => adapt(r).request });
    },

    async runAll(requests, opts = {}) {
      const t0 = Date.now();
      const label = opts.label ?? "llm";
      const summary: RunSummary = {
        requests: requests.length, completed: 0, calls: 0, cacheHits: 0, failures: 0, skipped: 0, retries: 0,
        tokens: { inputTokens: 0, outputTokens: 0 }, usd: 0, usdSaved: 0, wallMs: 0,
      };
      requests.forEach((r, i) => {
        try {
          validateRequest(r);
        } catch (e) {
          throw new Error(`requests[${i}]: ${(e as Error).message}`);
        }
      });
      summary.estimate = engine.estimate(requests);
      // Pacing hook: the scopes this run calls, and a mark to measure its pace from.
      const paceScopes = new Set(requests.filter((r) => r.provider !== "local").map(paceScope));
      const paceMark = pacer?.mark();
      // Only what the provider reported (or a 429) is worth a place on the line: self-hosted servers send no limits.
      const paceText = (ps: PaceSummary[]) => {
        const shown = ps.filter((p) => p.binding !== undefined || p.rateLimited > 0);
        return shown.map((p) => (shown.length > 1 ? `${p.scope}: ` : "") + formatPace(p, concurrency)).join("; ");
      };
      const onProgress = opts.onProgress ?? options.onProgress;
      const showProgress = opts.progress ?? options.progress ?? true;
      let retries = 0;
      const bar = makeProgress({
        label,
        total: requests.length,
        unit: "req",
        silent: !showProgress,
        onChange: onProgress ? (s) => onProgress(liveState(s)) : undefined, // every call, not the log throttle
        // Pacing hook: the progress line shows the pace against the provider's limits.
        suffix: pacer ? () => paceText(livePace()) || undefined : undefined,
      });
      const livePace = () => pacer?.summaries().filter((x) => paceScopes.has(x.scope) && x.sent > 0) ?? [];
      const liveState = (s: ProgressState): EngineProgress => {
        const p: EngineProgress = {
          label, done: s.done, total: requests.length, calls: summary.calls, cacheHits: summary.cacheHits, failures: summary.failures,
          retries, tokens: summary.tokens.inputTokens + summary.tokens.outputTokens, usd: summary.usd, elapsedMs: s.elapsedMs,
          ratePerSec: s.ratePerSec, etaSec: s.etaSec, line: "",
        };
        const pace = livePace();
        if (pace.length) {
          p.paceDetail = pace;
          p.pace = paceText(pace) || undefined;
        }
        p.line = `${formatProgress(s, "req")} $${summary.usd.toFixed(4)}${p.pace ? `, ${p.pace}` : ""}`;
        return p;
      };

      if (options.dryRun) {
        requests.forEach((req, i) => {
          const hit = lookup(req, requestKey(req));
          if (hit) {
            summary.cacheHits++;
            summary.completed++;
            summary.usdSaved += costOf(req, hit.usage);
            opts.onResult?.(i, hit);
          } else summary.skipped++;
        });
        summary.stopped = "dry-run";
        summary.wallMs = Date.now() - t0;
        return summary;
      }

      const ctl = new AbortController();
      const signal = anySignal([ctl.signal, opts.signal, options.signal]);
      // Every in-flight call listens on this one signal: more than Node's default of 10 listeners is expected.
      if (signal) setMaxListeners(0, signal);
      let sigints = 0;
      const onSigint = () => {
        sigints++;
        if (sigints > 1) process.exit(130);
        process.stderr.write(`\n${label}: interrupted; stopping (finished answers are cached; Ctrl-C again to quit now)\n`);
        ctl.abort();
      };
      if (options.handleSigint) process.on("SIGINT", onSigint);
      const budgets = [...(engineBudget ? [engineBudget] : []), ...(opts.budget ? [new BudgetTracker(opts.budget)] : [])];
      refuseUnpricedBudget(summary.estimate, budgets.map((b) => b.budget));
      let next = 0;
      const fatal: { error?: Error } = {};
      // The first error after which nothing more is sent (a rejected key, a model not served, a 400/404 the provider
      // will repeat for every request): calls in flight finish, the rest are skipped, and runAll throws it.
      let fatalError: Error | undefined;
      let budgetMessage: string | undefined;
      // A run store that cannot be written (the caller's onResult throws WriteError) stops the run like a cache
      // failure: in-flight calls finish (their answers are cached), no new call is sent, runAll throws.
      const onResultOrStop = (f: () => void) => {
        try {
          f();
        } catch (e) {
          if (e instanceof WriteError) writeFailure ??= e;
          else safeCall(() => { throw e; });
        }
      };
      const worker = async () => {
        for (;;) {
          const i = next++;
          if (i >= requests.length) return;
          const req = requests[i]!;
          if (summary.stopped || fatalError || fatal.error || writeFailure || signal?.aborted) {
            if (signal?.aborted) summary.stopped ??= "aborted";
            summary.skipped++;
            continue;
          }
          try {
            const r = await completeWith(req, { signal, budgets, fatal, onRetry: () => { retries++; summary.retries++; } });
            summary.completed++;
            if (r.cached) {
              summary.cacheHits++;
              summary.usdSaved += costOf(req, r.usage);
            } else {
              summary.calls++;
              summary.tokens.inputTokens += r.usage.inputTokens;
              summary.tokens.outputTokens += r.usage.outputTokens;
              summary.usd += costOf(req, r.usage);
            }
            bar.tick(1, r.cached ? { cached: 1 } : { calls: 1 });
            onResultOrStop(() => opts.onResult?.(i, r));
          } catch (e) {
            if (e instanceof LlmBudgetError) {
              summary.stopped ??= "budget";
              budgetMessage ??= e.message;
              summary.skipped++;
            } else if (e instanceof LlmAbortError) {
              summary.stopped ??= "aborted";
              summary.skipped++;
            } else if (isFatal(e)) {
              fatalError ??= fatal.error ?? (e as Error);
              summary.skipped++;
            } else if (e instanceof WriteError) {
              writeFailure ??= e;
              summary.skipped++;
            } else {
              summary.failures++;
              bar.tick(1, { failed: 1 });
              onResultOrStop(() => opts.onResult?.(i, e as Error));
            }
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, requests.length)) }, worker));
      } finally {
        if (options.handleSigint) process.off("SIGINT", onSigint);
      }
      summary.wallMs = Date.now() - t0;
      const pace = paceMark ? pacer!.summaries(paceMark).filter((x) => paceScopes.has(x.scope) && x.sent > 0) : [];
      if (pace.length) summary.pace = pace;
      const tail = [
        `${summary.calls} calls`, `${summary.cacheHits} cached`, `${summary.failures} failed`,
        summary.skipped ? `${summary.skipped} skipped` : "", summary.retries ? `${summary.retries} retries` : "",
        `${summary.tokens.inputTokens + summary.tokens.outputTokens} tokens`, `$${summary.usd.toFixed(4)}`,
        paceText(pace),
        summary.stopped === "budget" ? `stopped: ${budgetMessage}` : summary.stopped ? `stopped: ${summary.stopped}` : "",
      ].filter(Boolean).join(", ");
      bar.done(`${label}: ${tail}`);
      if (fatalError) throw fatalError;
      if (writeFailure) throw writeFailure;
      return summary;
    },

    stats() {
      return { ...totals, tokens: { ...totals.tokens } };
    },

    costOf,

    cacheStore: getCache,

    async close() {
      for (const p of providers.values()) await p.close?.();
      providers.clear();
      cache?.close();
    },
  };
  return engine;
}

function safeCall(f: () => void): void {
  // A throwing onResult callback must not lose the answer (it is already cached) nor stop the other workers.
  try {
    f();
  } catch (e) {
    process.stderr.write(`llm: onResult callback threw: ${(e as Error).stack ?? e}\n`);
  }
}
