/** A live progress display for notebooks: pass `tslab.newDisplay()` (a display that overwrites one output). */
import type { EngineProgress } from "./engine.js";

/** The part of tslab's `Display` this uses. */
export interface NotebookDisplay {
  html(s: string): void;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * An `onProgress` callback that redraws a small HTML progress bar in `display` at most every `intervalMs`
 * (default 500) and always on completion: `createEngine({ onProgress: notebookProgress(tslab.newDisplay()) })`.
 */
export function notebookProgress(display: NotebookDisplay, intervalMs = 500): (p: EngineProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.done < p.total && now - last < intervalMs) return;
    last = now;
    const pct = p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0;
    const eta = p.etaSec !== undefined && Number.isFinite(p.etaSec) && p.done < p.total ? ` · ETA ${Math.ceil(p.etaSec)}s` : "";
    display.html(
      `<div style="font-family:monospace">${esc(p.label)} ${p.done}/${p.total} · ${p.calls} calls · ${p.cacheHits} cached · ` +
        `${p.failures} failed${p.retries ? ` · ${p.retries} retries` : ""} · ${p.tokens} tokens · $${p.usd.toFixed(4)}${eta}` +
        // The pace against the provider's limits, when it reports them: "tokens/min 228k of 240k (95%), 429s 0".
        (p.pace ? `<div>${esc(p.pace)}</div>` : "") +
        `<div style="background:#eee;width:320px;height:8px"><div style="background:#4a7;height:8px;width:${pct.toFixed(1)}%"></div></div></div>`,
    );
  };
}
