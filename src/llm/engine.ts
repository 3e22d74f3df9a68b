/**
 * The engine every stage calls models through: cache first, then bounded concurrency, rate limits, budget,
 * retries with backoff, accounting and progress. Providers only make one call each; everything a researcher
 * running thousands of paid calls needs lives here.
 *
 * This file is the composition root: it holds the engine's state (cache, limits, pacer, what the run learned about
 * parameters, totals) and the per-call path (`completeWith`: adapt, cache, in-flight sharing, learning from a 400),
 * and wires the parts kept in their own modules: budgets (budget.ts), the per-request attempt loop (attempt.ts),
 * estimates (estimate.ts), signal helpers (signals.ts), parameter learning and the adaptation tally
 * (learned-params.ts), the memoized preflight (model-checks.ts) and the run loop (run-all.ts, run-report.ts); its
 * contract (options, the Engine interface, progress and stats) is in engine-types.ts.
 */
import { WriteError } from "../core/index.js";
import { sendWithRetries, type AttemptEnv, type CallContext } from "./attempt.js";
import { BudgetTracker, refuseUnpricedBudget } from "./budget.js";
import { LlmCache, lookupAnswer } from "./cache.js";
import { isFatal, LlmAbortError, LlmBudgetError, LlmRequestError } from "./errors.js";
import { estimateCall, estimateRequests } from "./estimate.js";
import {
  contextReduction, isLearnable, learnRejection, strictParamsError, tallyAdaptations,
} from "./learned-params.js";
import { Semaphore, TokenBucket } from "./limits.js";
import { createModelChecks, modelScope } from "./model-checks.js";
import { Pacer } from "./pacer-gate.js";
import { costUsd, priceOf, priceTable } from "./prices.js";
import { createAnthropicProvider } from "./providers/anthropic.js";
import { createOpenAIProvider } from "./providers/openai.js";
import { adaptRequest, type Adaptation, type LearnedRules } from "./params.js";
import { lookupModel } from "./registry.js";
import { requestKey, validateRequest } from "./request.js";
import { runAll } from "./run-all.js";
import type { Engine, EngineOptions, EngineStats } from "./engine-types.js";
import type { ChatRequest, ChatResult, Provider, ProviderName, TokenUsage } from "./types.js";

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
  const warn = (text: string) => {
    if (warningsSeen.includes(text)) return;
    warningsSeen.push(text);
    process.stderr.write(`llm: warning: ${text}\n`);
  };
  const note = (list: Adaptation[]) => tallyAdaptations(adaptationsSeen, list);
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

  const lookup = (req: ChatRequest, key: string) => lookupAnswer(getCache(), req, key);

  /** The request as it will be sent: the registry's rules and what this run learned, applied (see params.ts). */
  function adapt(req: ChatRequest): { request: ChatRequest; adaptations: Adaptation[] } {
    const entry = lookupModel(req.provider, req.model)?.entry;
    return adaptRequest(req, entry?.params, learned.get(modelScope(req)), { reasoningHeadroom: options.reasoningHeadroom, reasoning: entry?.kind === "reasoning" });
  }

  /** The preflight every first call to a model makes, memoized (see model-checks.ts). */
  const { checkModel, servedModels, ensureServed } = createModelChecks({ provider, settings: options, warn });

  /** The engine-wide write failure, read and set by the attempt loop and the run loop. */
  const writes = {
    writeFailure: () => writeFailure,
    failWrite: (e: WriteError) => {
      writeFailure ??= e;
    },
  };

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
    ...writes,
  };

  /**
   * One request: adapted to the model, answered from the cache or by a call already in flight, else sent. A 400 that
   * names a rejected parameter, or a local context too small for the answer, rebuilds the request and goes round again.
   */
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
        const e = strictParamsError(sent, adaptations);
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
      const p = send(sent, key, ctx);
      inflight.set(key, p);
      try {
        const r = await p;
        note(adaptations);
        return withAdaptations(r);
      } catch (e) {
        if (options.strictParams) throw e;
        if (learnRejection(learned, modelScope(sent), sent, e)) continue;
        const reduced = contextReduction(req, e);
        if (!reduced) throw e;
        extra.push(reduced);
        req = { ...req, maxTokens: reduced.to as number };
      } finally {
        inflight.delete(key);
      }
    }
  }

  /** Send one request not answered yet: the preflight, then the attempt loop; a failure is counted unless learnable. */
  async function send(sent: ChatRequest, key: string, ctx: CallContext): Promise<ChatResult> {
    try {
      await ensureServed(sent).catch((e: unknown) => {
        if (ctx.fatal && isFatal(e)) ctx.fatal.error ??= e as Error;
        throw e;
      });
      return await sendWithRetries(sent, key, ctx, attemptEnv);
    } catch (e) {
      if (!(e instanceof LlmBudgetError || e instanceof LlmAbortError) && !isLearnable(sent, e, options.strictParams)) totals.failures++;
      throw e;
    }
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

    runAll(requests, opts = {}) {
      return runAll(requests, opts, {
        options, concurrency, pacer, engineBudget, estimate: (r) => engine.estimate(r), cached: (r) => engine.cached(r), costOf, complete: completeWith,
        ...writes,
      });
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
