/** Concurrency and rate limits: an abortable semaphore, token buckets, abortable sleep, backoff with jitter. */
import { LlmAbortError } from "./errors.js";

/** Sleep `ms`, rejecting with LlmAbortError when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmAbortError());
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(t);
      reject(new LlmAbortError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** A counting semaphore whose waiters can be cancelled. */
export class Semaphore {
  private free: number;
  private readonly waiters: { resolve: () => void; reject: (e: Error) => void; signal?: AbortSignal; onAbort?: () => void }[] = [];
  constructor(readonly size: number) {
    this.free = Math.max(1, Math.floor(size));
  }
  /** Wait for a slot. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new LlmAbortError());
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const w: (typeof this.waiters)[number] = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new LlmAbortError());
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.waiters.push(w);
    });
  }
  /** Give a slot back (to the next waiter, if any). */
  release(): void {
    const w = this.waiters.shift();
    if (w) {
      if (w.onAbort) w.signal?.removeEventListener("abort", w.onAbort);
      w.resolve();
    } else this.free++;
  }
}

/**
 * A token bucket refilled continuously at `perMinute / 60` per second, holding at most one second's worth (so a
 * limit of 600 rpm never bursts 600 calls in the first second, which providers enforce as a 429). A cost larger
 * than the capacity is allowed once the bucket is full and leaves it in debt, so big requests are slowed, not stuck.
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private readonly capacity: number;
  private readonly perMs: number;
  private queue: Promise<void> = Promise.resolve();
  constructor(readonly perMinute: number) {
    this.perMs = perMinute / 60_000;
    this.capacity = Math.max(1, perMinute / 60);
    this.tokens = this.capacity;
  }
  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
  }
  /** Wait until `cost` tokens may be taken (FIFO), then take them. */
  take(cost: number, signal?: AbortSignal): Promise<void> {
    const run = async () => {
      for (;;) {
        this.refill();
        const need = Math.min(cost, this.capacity);
        if (this.tokens >= need) {
          this.tokens -= cost;
          return;
        }
        await sleep(Math.ceil((need - this.tokens) / this.perMs), signal);
      }
    };
    const p = this.queue.then(run);
    // Keep the FIFO chain alive even when one waiter is cancelled.
    this.queue = p.catch(() => undefined);
    return p;
  }
}

/**
 * Delay before retry `attempt` (0-based): the server's `retry-after` when given, honoured in full up to 15 minutes
 * (waiting less only earns another 429), plus a little jitter so a crowd of callers does not return at the same
 * instant; else exponential `baseMs * 2^attempt` with jitter in [50%, 100%], capped at `maxMs`.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(15 * 60_000, retryAfterMs + Math.floor(random() * Math.min(250, baseMs)));
  const exp = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.floor(exp * (0.5 + 0.5 * random()));
}
