/**
 * Many requests through one engine: validate them, estimate them, then a pool of workers (as many as the engine's
 * concurrency) takes them in order until done, a budget is reached, the run is aborted, a fatal error (a rejected key,
 * a model not served) or a failed write stops new calls. Answers and final errors go to `onResult` as they arrive.
 * Its own module because this loop and its stop rules read best apart from the engine's per-call path; what it needs
 * from the engine is named in {@link RunAllEnv}.
 */
import { setMaxListeners } from "node:events";
import { WriteError, progress as makeProgress } from "../core/index.js";
import type { CallContext } from "./attempt.js";
import { BudgetTracker, refuseUnpricedBudget } from "./budget.js";
import type { EngineOptions, RunAllOptions } from "./engine-types.js";
import { isFatal, LlmAbortError, LlmBudgetError } from "./errors.js";
import type { Pacer } from "./pacer-gate.js";
import { paceScope } from "./pacer-gate.js";
import { validateRequest } from "./request.js";
import { emptySummary, paceText, runProgress, summaryLine, tallyAnswer } from "./run-report.js";
import { anySignal } from "./signals.js";
import type { ChatRequest, ChatResult, CostEstimate, RunSummary, TokenUsage } from "./types.js";

/** The engine's parts a run uses; `options` is the engine's own object, read as the run goes. */
export interface RunAllEnv {
  options: EngineOptions;
  /** Workers of the run (the engine's concurrency). */
  concurrency: number;
  pacer?: Pacer;
  /** The engine-wide budget, when set (a run's own budget counts on top). */
  engineBudget?: BudgetTracker;
  /** What the requests would send and cost (the engine's estimate). */
  estimate(requests: readonly ChatRequest[]): CostEstimate;
  /** The cached answer of a request as the engine would send it (after adapting its parameters to the model). */
  cached(req: ChatRequest): ChatResult | undefined;
  costOf(req: ChatRequest, usage: TokenUsage): number;
  /** One request through the engine's per-call path (cache, in-flight sharing, sending). */
  complete(req: ChatRequest, ctx: CallContext): Promise<ChatResult>;
  /** The engine's first failed write, after which nothing is sent. */
  writeFailure(): WriteError | undefined;
  /** Record a failed write (the first one wins). */
  failWrite(e: WriteError): void;
}

/** Run `requests` through the engine (see {@link Engine.runAll}). */
export async function runAll(requests: readonly ChatRequest[], opts: RunAllOptions, env: RunAllEnv): Promise<RunSummary> {
  const { options, concurrency, pacer } = env;
  const t0 = Date.now();
  const label = opts.label ?? "llm";
  const summary = emptySummary(requests.length);
  requests.forEach((r, i) => {
    try {
      validateRequest(r);
    } catch (e) {
      throw new Error(`requests[${i}]: ${(e as Error).message}`);
    }
  });
  summary.estimate = env.estimate(requests);
  // Pacing hook: the scopes this run calls, and a mark to measure its pace from.
  const paceScopes = new Set(requests.filter((r) => r.provider !== "local").map(paceScope));
  const paceMark = pacer?.mark();
  const livePace = () => pacer?.summaries().filter((x) => paceScopes.has(x.scope) && x.sent > 0) ?? [];
  // A dry run sends nothing and draws no progress bar.
  if (options.dryRun) return dryRunSummary(requests, opts, env, summary, t0);
  const onProgress = opts.onProgress ?? options.onProgress;
  const showProgress = opts.progress ?? options.progress ?? true;
  const bar = makeProgress({
    label,
    total: requests.length,
    unit: "req",
    silent: !showProgress,
    onChange: onProgress ? (s) => onProgress(runProgress(label, s, summary, livePace(), concurrency)) : undefined, // every call, not the log throttle
    // Pacing hook: the progress line shows the pace against the provider's limits.
    suffix: pacer ? () => paceText(livePace(), concurrency) || undefined : undefined,
  });

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
  const budgets = [...(env.engineBudget ? [env.engineBudget] : []), ...(opts.budget ? [new BudgetTracker(opts.budget)] : [])];
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
      if (e instanceof WriteError) env.failWrite(e);
      else safeCall(() => { throw e; });
    }
  };
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= requests.length) return;
      const req = requests[i]!;
      if (summary.stopped || fatalError || fatal.error || env.writeFailure() || signal?.aborted) {
        if (signal?.aborted) summary.stopped ??= "aborted";
        summary.skipped++;
        continue;
      }
      try {
        const r = await env.complete(req, { signal, budgets, fatal, onRetry: () => { summary.retries++; } });
        tallyAnswer(summary, r, env.costOf(req, r.usage));
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
          env.failWrite(e);
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
  bar.done(summaryLine(label, summary, pace, concurrency, budgetMessage));
  if (fatalError) throw fatalError;
  const failed = env.writeFailure();
  if (failed) throw failed;
  return summary;
}

/** A dry run: cached answers are delivered, everything else is skipped; nothing is sent. */
function dryRunSummary(requests: readonly ChatRequest[], opts: RunAllOptions, env: RunAllEnv, summary: RunSummary, t0: number): RunSummary {
  requests.forEach((req, i) => {
    const hit = env.cached(req);
    if (hit) {
      summary.cacheHits++;
      summary.completed++;
      summary.usdSaved += env.costOf(req, hit.usage);
      opts.onResult?.(i, hit);
    } else summary.skipped++;
  });
  summary.stopped = "dry-run";
  summary.wallMs = Date.now() - t0;
  return summary;
}

function safeCall(f: () => void): void {
  // A throwing onResult callback must not lose the answer (it is already cached) nor stop the other workers.
  try {
    f();
  } catch (e) {
    process.stderr.write(`llm: onResult callback threw: ${(e as Error).stack ?? e}\n`);
  }
}
