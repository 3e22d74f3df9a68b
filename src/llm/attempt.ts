/**
 * One request's way to the provider and back: reserve it against the budgets, take a concurrency slot, then per
 * attempt the rate limits, the pacer's admission, a timeout, the call itself, and on a retryable error a backoff and
 * another attempt. Its own module because this loop is the engine's most intricate part (every exit must settle the
 * budget, the pacer's ticket, the timer and the abort listener) and reads best with everything it touches named in
 * one explicit {@link AttemptEnv} rather than captured from the engine's closure.
 */
import { WriteError } from "../core/index.js";
import type { BudgetTracker } from "./budget.js";
import type { LlmCache } from "./cache.js";
import type { EngineStats } from "./engine-types.js";
import { isFatal, LlmAbortError, LlmBudgetError, LlmRetryableError } from "./errors.js";
import type { CallEstimate } from "./estimate.js";
import { backoffMs, sleep, type Semaphore, type TokenBucket } from "./limits.js";
import { paceScope, type Pacer, type PaceTicket } from "./pacer-gate.js";
import { anySignal, raceAbort } from "./signals.js";
import type { ChatRequest, ChatResult, Provider, ProviderName, TokenUsage } from "./types.js";

/** What one call of a run carries: its abort signal, the budgets it counts against, and the run's shared stop. */
export interface CallContext {
  signal?: AbortSignal;
  budgets: BudgetTracker[];
  onRetry?: () => void;
  /** Set by the first call of a run whose key was rejected: the run's other calls stop instead of retrying. */
  fatal?: { error?: Error };
}

/**
 * The engine's parts an attempt uses, passed explicitly: limits, pacer, providers, retry settings, accounting, the
 * cache, and the engine-wide write failure (read before sending, set when the cache cannot be written).
 */
export interface AttemptEnv {
  /** Bounds the calls in flight. */
  slots: Semaphore;
  /** Requests-per-minute cap, when set. */
  rpm?: TokenBucket;
  /** Tokens-per-minute cap, when set. */
  tpm?: TokenBucket;
  /** Header-based pacing, unless turned off. */
  pacer?: Pacer;
  /** The provider that answers a request's `provider`. */
  provider(name: ProviderName): Promise<Provider>;
  /** The engine-wide abort signal. */
  signal?: AbortSignal;
  /** Per-attempt timeout (default 600 s for local models, 120 s otherwise). */
  timeoutMs?: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** A request's upper-bound cost, reserved against the budgets. */
  estimate(req: ChatRequest): CallEstimate;
  /** What a call's usage cost at list price. */
  costOf(req: ChatRequest, usage: TokenUsage): number;
  /** The engine's running totals, updated in place. */
  totals: EngineStats;
  /** The cache answers are written to, if any. */
  cache(): LlmCache | undefined;
  /** The first failed write, after which nothing is sent. */
  writeFailure(): WriteError | undefined;
  /** Record a failed write (the first one wins). */
  failWrite(e: WriteError): void;
}

/**
 * Send one (already adapted, not cached) request: reserve the budgets, then attempt until an answer, a fatal or
 * non-retryable error, or `maxRetries` retries. The answer is written to the cache and returned.
 */
export async function sendWithRetries(req: ChatRequest, key: string, ctx: CallContext, env: AttemptEnv): Promise<ChatResult> {
  if (ctx.fatal?.error) throw ctx.fatal.error;
  const failed = env.writeFailure();
  if (failed) throw failed;
  const signal = anySignal([ctx.signal, env.signal]);
  if (signal?.aborted) throw new LlmAbortError();
  const est = env.estimate(req);
  const reserved: BudgetTracker[] = [];
  for (const b of ctx.budgets) {
    const why = b.reserve(est.usd, est.tokens);
    if (why) {
      for (const r of reserved) r.settle(est.usd, est.tokens, 0, 0);
      throw new LlmBudgetError(`not sent: ${why}`);
    }
    reserved.push(b);
  }
  let spentUsd = 0;
  let spentTokens = 0;
  try {
    await env.slots.acquire(signal);
    try {
      const p = await env.provider(req.provider);
      const timeoutMs = env.timeoutMs ?? (req.provider === "local" ? 600_000 : 120_000);
      for (let attempt = 0; ; attempt++) {
        if (env.rpm) await env.rpm.take(1, signal);
        if (env.tpm) await env.tpm.take(est.tokens, signal);
        // Pacing hook: wait for the pacer's admission (local models have no rate limits to pace by).
        const ticket: PaceTicket | undefined = env.pacer && req.provider !== "local" ? await env.pacer.acquire(paceScope(req), est.usage, signal, attempt > 0) : undefined;
        let paced = false;
        const attemptCtl = new AbortController();
        const where = `${req.provider}${req.baseURL ? ` at ${req.baseURL}` : ""}`;
        const timer = setTimeout(() => attemptCtl.abort(new LlmRetryableError(`${where}: timed out after ${timeoutMs} ms`)), timeoutMs);
        const onAbort = () => attemptCtl.abort(new LlmAbortError());
        signal?.addEventListener("abort", onAbort, { once: true });
        try {
          const { rateLimit, ...r } = await raceAbort(p.complete(req, attemptCtl.signal), attemptCtl.signal);
          // Pacing hook: the answer's headers, usage and latency teach the pacer.
          if (ticket) env.pacer!.settle(ticket, { kind: "ok", snapshot: rateLimit, usage: r.usage, latencyMs: r.latencyMs });
          paced = true;
          const result: ChatResult = { ...r, cached: false, key };
          spentUsd = env.costOf(req, r.usage);
          spentTokens = r.usage.inputTokens + r.usage.outputTokens;
          env.totals.calls++;
          env.totals.tokens.inputTokens += r.usage.inputTokens;
          env.totals.tokens.outputTokens += r.usage.outputTokens;
          env.totals.usd += spentUsd;
          // A cache that cannot be written stops the run before the next call (no answer is paid for and lost
          // again and again); this answer is still returned, so the caller's run store keeps it.
          try {
            env.cache()?.put({ k: key, p: req.provider, m: req.model, tag: req.tag, text: r.text, finish: r.finishReason, usage: r.usage, ms: r.latencyMs, mv: r.modelVersion, at: new Date().toISOString() });
          } catch (e) {
            env.failWrite(e instanceof WriteError ? e : new WriteError(env.cache()?.file ?? "LLM cache", e));
          }
          return result;
        } catch (e0) {
          let e = e0 as Error;
          if (signal?.aborted) throw new LlmAbortError();
          // Our own timeout aborted the attempt: whatever the provider threw, it is a timeout.
          if (attemptCtl.signal.aborted && attemptCtl.signal.reason instanceof LlmRetryableError) e = attemptCtl.signal.reason;
          if (e instanceof LlmAbortError && !signal?.aborted) e = new LlmRetryableError(`${where}: call aborted (timeout after ${timeoutMs} ms)`);
          // Pacing hook: a 429 pauses the scope for the wait it states; the retry then queues at the pacer.
          const rateLimited = e instanceof LlmRetryableError && e.status === 429;
          if (ticket && !paced) {
            const snapshot = e instanceof LlmRetryableError ? (e.rateLimit ?? (e.retryAfterMs !== undefined ? { at: Date.now(), retryAfterMs: e.retryAfterMs } : undefined)) : undefined;
            env.pacer!.settle(ticket, { kind: rateLimited ? "rateLimited" : "failed", snapshot });
          }
          paced = true;
          if (isFatal(e)) {
            if (ctx.fatal) ctx.fatal.error ??= e;
            throw e;
          }
          if (ctx.fatal?.error) throw ctx.fatal.error;
          if (!(e instanceof LlmRetryableError) || attempt >= env.maxRetries) throw e;
          env.totals.retries++;
          ctx.onRetry?.();
          // Paced 429s wait at the pacer (one shared pause, then one by one), not on a backoff of their own.
          if (!(ticket && rateLimited)) await sleep(backoffMs(attempt, env.retryBaseMs, env.retryMaxMs, e.retryAfterMs), signal);
        } finally {
          if (ticket && !paced) env.pacer!.settle(ticket, { kind: "failed" });
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        }
      }
    } finally {
      env.slots.release();
    }
  } finally {
    for (const b of reserved) b.settle(est.usd, est.tokens, spentUsd, spentTokens);
  }
}
