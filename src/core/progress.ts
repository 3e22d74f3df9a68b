/**
 * Progress for long work. On a TTY: one line redrawn in place (bar, count, rate, ETA, extra counters). Elsewhere
 * (CI logs, nbconvert): a plain line at most every `intervalMs`, so logs stay readable. Notebooks pass their own
 * `onUpdate` to drive a live display instead.
 */
export interface ProgressOptions {
  /** What is being counted, shown before the bar. */
  label: string;
  /** Total units, when known. */
  total?: number;
  /** Unit name for the rate ("calls", "pairs", "bytes"). Default "items". */
  unit?: string;
  /** Where to draw; default `process.stderr`. */
  stream?: NodeJS.WriteStream;
  /** Minimum time between redraws, ms. Default 200 on a TTY, 5000 otherwise. */
  intervalMs?: number;
  /** Silence all output (tests, `--quiet`). */
  silent?: boolean;
  /** Called on every (throttled) redraw with the current state. */
  onUpdate?: (state: ProgressState) => void;
  /** Extra text appended to each drawn line (e.g. the LLM engine's pace against a provider's rate limits). */
  suffix?: () => string | undefined;
  /**
   * Called unthrottled with the current state: once at the start (a live display shows "0/N" at once), on every
   * tick or count, and at the end. For live displays that advance per item and throttle their own redraws.
   */
  onChange?: (state: ProgressState) => void;
}

/** A snapshot of a progress counter. */
export interface ProgressState {
  label: string;
  done: number;
  total?: number;
  elapsedMs: number;
  ratePerSec: number;
  etaSec?: number;
  counters: Record<string, number>;
}

/** A progress counter: `tick(n)`, `set(name, value)` for extra counters, `done()` to print the last line. */
export interface Progress {
  tick(n?: number, counters?: Record<string, number>): void;
  count(name: string, n?: number): void;
  state(): ProgressState;
  done(message?: string): void;
}

/** Create a progress counter with the given options. */
export function progress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const interval = options.intervalMs ?? (tty ? 200 : 5000);
  const start = Date.now();
  let done = 0;
  let last = 0;
  const counters: Record<string, number> = {};
  const unit = options.unit ?? "items";

  const state = (): ProgressState => {
    const elapsedMs = Date.now() - start;
    const ratePerSec = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    // Past the total (e.g. more tasks kept than the target) there is nothing left to wait for: no ETA.
    const etaSec = options.total !== undefined && ratePerSec > 0 && done < options.total ? (options.total - done) / ratePerSec : undefined;
    return { label: options.label, done, total: options.total, elapsedMs, ratePerSec, etaSec, counters: { ...counters } };
  };

  let lastDrawn = "";
  const draw = (final: boolean) => {
    const s = state();
    options.onUpdate?.(s);
    if (options.silent) return;
    // In a log (no TTY) the final line repeats nothing: skip it when the last periodic line already showed these counts.
    const drawn = `${s.done}:${JSON.stringify(s.counters)}`;
    if (!tty && final && drawn === lastDrawn) return;
    lastDrawn = drawn;
    const extra = options.suffix?.();
    const line = formatProgress(s, unit) + (extra ? `, ${extra}` : "");
    if (tty) stream.write(`\r\x1b[K${line}${final ? "\n" : ""}`);
    else stream.write(line + "\n");
  };

  const maybeDraw = () => {
    const now = Date.now();
    if (now - last >= interval) {
      last = now;
      draw(false);
    }
  };

  const changed = () => {
    if (!options.onChange) return;
    try {
      options.onChange(state());
    } catch {
      // a broken display must not stop the work it reports on
    }
  };
  // The first state goes out once the caller's set-up code has run (it may still be defining what its callback uses).
  queueMicrotask(changed);

  return {
    tick(n = 1, extra) {
      done += n;
      if (extra) for (const [k, v] of Object.entries(extra)) counters[k] = (counters[k] ?? 0) + v;
      changed();
      maybeDraw();
    },
    count(name, n = 1) {
      counters[name] = (counters[name] ?? 0) + n;
      changed();
      maybeDraw();
    },
    state,
    done(message) {
      changed();
      draw(true);
      if (message && !options.silent) stream.write(message + "\n");
    },
  };
}

/** One-line text rendering of a progress state, e.g. `judge [#####.....] 512/1000 51% 12.3 calls/s ETA 40s`. */
export function formatProgress(s: ProgressState, unit = "items"): string {
  const parts = [s.label];
  if (s.total !== undefined && s.total > 0) {
    const frac = Math.min(1, s.done / s.total);
    const width = 24;
    const filled = Math.round(frac * width);
    parts.push(`[${"#".repeat(filled)}${".".repeat(width - filled)}]`, `${s.done}/${s.total}`, `${(frac * 100).toFixed(0)}%`);
  } else {
    parts.push(String(s.done));
  }
  parts.push(`${s.ratePerSec >= 100 ? s.ratePerSec.toFixed(0) : s.ratePerSec.toFixed(1)} ${unit}/s`);
  if (s.etaSec !== undefined && Number.isFinite(s.etaSec)) parts.push(`ETA ${formatDuration(s.etaSec)}`);
  for (const [k, v] of Object.entries(s.counters)) parts.push(`${k}=${v}`);
  return parts.join(" ");
}

/** `75s` -> `1m15s`. */
export function formatDuration(sec: number): string {
  if (sec < 60) return `${sec.toFixed(sec < 10 ? 1 : 0)}s`;
  const m = Math.floor(sec / 60);
  if (m < 60) return `${m}m${Math.round(sec - m * 60)}s`;
  return `${Math.floor(m / 60)}h${m % 60}m`;
}
