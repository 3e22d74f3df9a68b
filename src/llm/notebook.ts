/**
 * A live progress display for notebook cells: the same engine progress events that drive the CLI's bar redraw one
 * output in place while the cell runs (`tslab.newDisplay()` overwrites a single display entry).
 */
import { escapeHtml, formatDuration, progress } from "../core/index.js";
import type { EngineProgress } from "./engine-types.js";

/** The part of tslab's `Display` this uses. */
export interface NotebookDisplay {
  html(s: string): void;
}

/** One progress state as a small HTML bar: done/total, rate, ETA, calls, cache hits, failures, tokens, dollars. */
export function progressHtml(p: EngineProgress): string {
  const pct = p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0;
  const finished = p.total > 0 && p.done >= p.total;
  const eta = p.etaSec !== undefined && Number.isFinite(p.etaSec) && !finished ? ` · ETA ${formatDuration(p.etaSec)}` : "";
  const rate = p.done > 0 ? ` · ${p.ratePerSec >= 10 ? p.ratePerSec.toFixed(0) : p.ratePerSec.toFixed(2)}/s` : "";
  const elapsed = ` · ${formatDuration(p.elapsedMs / 1000)}${finished ? " in all" : " elapsed"}`;
  return (
    `<div class="alpacare-progress" style="font-family:monospace;font-size:12px">${escapeHtml(p.label)} ${p.done}/${p.total}${rate}${eta}${elapsed} · ` +
    `${p.calls} calls · ${p.cacheHits} cached · ${p.failures} failed${p.retries ? ` · ${p.retries} retries` : ""} · ${p.tokens} tokens · $${p.usd.toFixed(4)}` +
    // The pace against the provider's limits, when it reports them: "tokens/min 228k of 240k (95%), 429s 0".
    (p.pace ? `<div>${escapeHtml(p.pace)}</div>` : "") +
    `<div style="background:#eee;width:320px;max-width:100%;height:8px"><div style="background:${finished ? "#4a7" : "#49c"};height:8px;width:${pct.toFixed(1)}%"></div></div></div>`
  );
}

/**
 * An `onProgress` callback that redraws a small HTML progress bar in `display`: at once for the first state (the
 * cell shows "0/N" within a second of starting), then at most every `intervalMs` (default 250), and always for a
 * finished call count and the last state. `createEngine({ onProgress: notebookProgress(tslab.newDisplay()) })`.
 */
export function notebookProgress(display: NotebookDisplay, intervalMs = 250): (p: EngineProgress) => void {
  let last = -Infinity;
  let lastDone = -1;
  return (p) => {
    const now = Date.now();
    // A change in the done count is always drawn (one call can take a minute locally); counters in between are throttled.
    if (p.done === lastDone && p.done < p.total && now - last < intervalMs) return;
    last = now;
    lastDone = p.done;
    try {
      display.html(progressHtml(p));
    } catch {
      // tslab refuses displays outside a running cell ("Not ready"): progress is never worth failing the work for
    }
  };
}

/**
 * A `(done, total) => void` callback for long library work that is not LLM calls (dedup's `onProgress`,
 * `exportFigures`' `onProgress`): the same live bar with done/total, rate and ETA, redrawn in `display` at once, on
 * every change of the count at most every `intervalMs` (default 250), and always at the end.
 */
export function notebookCounter(display: NotebookDisplay, label: string, intervalMs = 250): (done: number, total: number) => void {
  let bar: ReturnType<typeof progress> | undefined;
  let total = -1;
  let last = -Infinity;
  let done = 0;
  return (d, t) => {
    if (!bar || t !== total) {
      total = t;
      done = 0;
      bar = progress({ label, total: t, silent: true });
    }
    if (d > done) bar.tick(d - done);
    done = d;
    const now = Date.now();
    if (d < t && now - last < intervalMs) return;
    last = now;
    const st = bar.state();
    try {
      display.html(
        progressHtml({ label, done: d, total: t, calls: 0, cacheHits: 0, failures: 0, retries: 0, tokens: 0, usd: 0, elapsedMs: st.elapsedMs, ratePerSec: st.ratePerSec, etaSec: st.etaSec, line: "" }).replace(
          / · 0 calls · 0 cached · 0 failed · 0 tokens · \$0\.0000/,
          "",
        ),
      );
    } catch {
      // see notebookProgress
    }
  };
}
