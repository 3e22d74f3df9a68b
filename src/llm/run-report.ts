/**
 * What a run of many requests reports: its summary (counted as answers arrive), the live progress a notebook or
 * terminal shows, and the one line it ends with. Pure functions over the plain {@link RunSummary}; the loop that
 * fills it is run-all.ts.
 */
import { formatProgress, type ProgressState } from "../core/index.js";
import type { EngineProgress } from "./engine-types.js";
import { formatPace, type PaceSummary } from "./pace-summary.js";
import type { ChatResult, RunSummary } from "./types.js";

/** A run's summary before anything was answered. */
export function emptySummary(requests: number): RunSummary {
  return {
    requests, completed: 0, calls: 0, cacheHits: 0, failures: 0, skipped: 0, retries: 0,
    tokens: { inputTokens: 0, outputTokens: 0 }, usd: 0, usdSaved: 0, wallMs: 0,
  };
}

/** Count one answer: a cache hit saves its cost, a call spends its tokens and dollars (`usd` is its list price). */
export function tallyAnswer(summary: RunSummary, r: ChatResult, usd: number): void {
  summary.completed++;
  if (r.cached) {
    summary.cacheHits++;
    summary.usdSaved += usd;
  } else {
    summary.calls++;
    summary.tokens.inputTokens += r.usage.inputTokens;
    summary.tokens.outputTokens += r.usage.outputTokens;
    summary.usd += usd;
  }
}

/**
 * The pace worth a place on the progress line: only what the provider reported (or a 429), since self-hosted servers
 * send no limits. Scopes are named only when there are several.
 */
export function paceText(ps: PaceSummary[], concurrency: number): string {
  const shown = ps.filter((p) => p.binding !== undefined || p.rateLimited > 0);
  return shown.map((p) => (shown.length > 1 ? `${p.scope}: ` : "") + formatPace(p, concurrency)).join("; ");
}

/** The live progress of a run, as `onProgress` receives it: counts, cost, rate, and the pace against the limits. */
export function runProgress(label: string, s: ProgressState, summary: RunSummary, pace: PaceSummary[], concurrency: number): EngineProgress {
  const p: EngineProgress = {
    label, done: s.done, total: summary.requests, calls: summary.calls, cacheHits: summary.cacheHits, failures: summary.failures,
    retries: summary.retries, tokens: summary.tokens.inputTokens + summary.tokens.outputTokens, usd: summary.usd, elapsedMs: s.elapsedMs,
    ratePerSec: s.ratePerSec, etaSec: s.etaSec, line: "",
  };
  if (pace.length) {
    p.paceDetail = pace;
    p.pace = paceText(pace, concurrency) || undefined;
  }
  p.line = `${formatProgress(s, "req")} $${summary.usd.toFixed(4)}${p.pace ? `, ${p.pace}` : ""}`;
  return p;
}

/** The line a run ends with: counts, tokens, dollars, pace, and why it stopped (a budget says which). */
export function summaryLine(label: string, summary: RunSummary, pace: PaceSummary[], concurrency: number, budgetMessage: string | undefined): string {
  const tail = [
    `${summary.calls} calls`, `${summary.cacheHits} cached`, `${summary.failures} failed`,
    summary.skipped ? `${summary.skipped} skipped` : "", summary.retries ? `${summary.retries} retries` : "",
    `${summary.tokens.inputTokens + summary.tokens.outputTokens} tokens`, `$${summary.usd.toFixed(4)}`,
    paceText(pace, concurrency),
    summary.stopped === "budget" ? `stopped: ${budgetMessage}` : summary.stopped ? `stopped: ${summary.stopped}` : "",
  ].filter(Boolean).join(", ");
  return `${label}: ${tail}`;
}
