/**
 * The pacer at work: one {@link PaceState} per (provider, endpoint, model), a FIFO queue of waiting attempts per
 * scope, and one timer per scope that wakes the head of the queue when its wait is over. The decisions are the pure
 * functions of pace-state.ts, pace-admit.ts, pace-settle.ts and pace-summary.ts (the model is described in
 * pace-state.ts); this module only adds the clock, the queue and cancellation.
 */
import { LlmAbortError } from "./errors.js";
import { admissionWait, paceAdmit } from "./pace-admit.js";
import { newPaceState, paceCost, type PacerOptions, type PaceState } from "./pace-state.js";
import { paceSettle, type PaceOutcome } from "./pace-settle.js";
import { paceSummary, type PaceSummary } from "./pace-summary.js";

/** An admitted attempt: give it back to {@link Pacer.settle} exactly once. */
export interface PaceTicket {
  scope: string;
  id: number;
  /** Our estimate before correction (the pacer compares it with the usage the provider reports). */
  estimate: { inputTokens: number; outputTokens: number };
}

interface Waiter {
  estimate: { inputTokens: number; outputTokens: number };
  resolve: (t: PaceTicket) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Scope {
  state: PaceState;
  queue: Waiter[];
  timer?: NodeJS.Timeout;
}

/** The scope key: providers scope limits per model, and a different endpoint is a different account. */
export function paceScope(req: { provider: string; model: string; baseURL?: string }): string {
  return `${req.provider} ${req.model}${req.baseURL ? ` at ${req.baseURL.replace(/\/+$/, "")}` : ""}`;
}

/** Admission control for an engine: `acquire` before each attempt, `settle` after it. */
export class Pacer {
  private readonly scopes = new Map<string, Scope>();
  constructor(readonly options: PacerOptions, private readonly now: () => number = Date.now) {}

  private scope(key: string): Scope {
    let s = this.scopes.get(key);
    if (!s) {
      s = { state: newPaceState(), queue: [] };
      this.scopes.set(key, s);
    }
    return s;
  }

  /**
   * Wait until an attempt of this estimated size may go, then admit it. `retry` puts the attempt at the head of the
   * queue: it has waited longest already.
   */
  acquire(scope: string, estimate: { inputTokens: number; outputTokens: number }, signal?: AbortSignal, retry = false): Promise<PaceTicket> {
    if (signal?.aborted) return Promise.reject(new LlmAbortError());
    const s = this.scope(scope);
    return new Promise<PaceTicket>((resolve, reject) => {
      const w: Waiter = { estimate, resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = s.queue.indexOf(w);
          if (i >= 0) s.queue.splice(i, 1);
          reject(new LlmAbortError());
          this.pump(scope);
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      if (retry) s.queue.unshift(w);
      else s.queue.push(w);
      this.pump(scope);
    });
  }

  /** Record how an admitted attempt ended, and let the next one go if it may. */
  settle(ticket: PaceTicket, outcome: Omit<PaceOutcome, "estimate">): void {
    const s = this.scope(ticket.scope);
    paceSettle(s.state, ticket.id, { ...outcome, estimate: ticket.estimate }, this.now(), this.options);
    this.pump(ticket.scope);
  }

  /** The pace of every scope: over the last minute, or against `since` (see {@link Pacer.mark}). */
  summaries(since?: PaceMark): PaceSummary[] {
    const now = this.now();
    const out: PaceSummary[] = [];
    for (const [key, s] of this.scopes) {
      const m = since?.scopes.get(key);
      out.push(since ? paceSummary(s.state, key, now, this.options, m ?? zeroTotals(), now - since.at) : paceSummary(s.state, key, now, this.options));
    }
    return out;
  }

  /** A mark to measure a run's pace from (its totals per scope and the time). */
  mark(): PaceMark {
    const scopes = new Map<string, PaceState["totals"]>();
    for (const [key, s] of this.scopes) scopes.set(key, structuredClone(s.state.totals));
    return { at: this.now(), scopes };
  }

  private pump(key: string): void {
    const s = this.scopes.get(key);
    if (!s) return;
    if (s.timer) {
      clearTimeout(s.timer);
      s.timer = undefined;
    }
    for (;;) {
      const w = s.queue[0];
      if (!w) return;
      const cost = paceCost(s.state, w.estimate);
      const now = this.now();
      const d = admissionWait(s.state, cost, now, this.options);
      if (d.waitMs === Infinity) return; // an answer will pump again
      if (d.waitMs > 0) {
        s.timer = setTimeout(() => {
          s.timer = undefined;
          this.pump(key);
        }, d.waitMs);
        return;
      }
      s.queue.shift();
      if (w.onAbort) w.signal?.removeEventListener("abort", w.onAbort);
      const id = paceAdmit(s.state, cost, now, this.options);
      w.resolve({ scope: key, id, estimate: w.estimate });
    }
  }
}

/** Totals per scope at a point in time (from {@link Pacer.mark}). */
export interface PaceMark {
  at: number;
  scopes: Map<string, PaceState["totals"]>;
}

function zeroTotals(): PaceState["totals"] {
  return { admitted: 0, rateLimited: 0, accepted: { requests: 0, tokens: 0, inputTokens: 0, outputTokens: 0 }, maxInFlight: 0 };
}
