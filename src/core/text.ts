/**
 * Plain-text helpers for what notebooks and the CLI print: the whitespace word count (the length measure of the
 * seed, generated and published texts), clipping long text (at its end for a table cell, or in its middle), and
 * numbers that read "n/a" when they are NaN (a win rate with no scored item) instead of "NaN".
 */

/** Whitespace-separated words: the number of runs of non-whitespace characters (0 for blank text). */
export function wordCount(text: string): number {
  const t = text.trim();
  return t === "" ? 0 : t.split(/\s+/).length;
}

/** Options for {@link clipText}. */
export interface ClipTextOptions {
  /** After clipping, show every run of whitespace (newlines, tabs) as one space. Default false. */
  oneLine?: boolean;
}

/**
 * `text` cut to at most `maxChars` characters (UTF-16 units), the last one an ellipsis "…" when it was cut; `maxChars`
 * defaults to 160. The length is measured on the text as given, before `oneLine` folds its whitespace.
 */
export function clipText(text: string, maxChars = 160, options: ClipTextOptions = {}): string {
  const clipped = text.length > maxChars ? text.slice(0, maxChars - 1) + "…" : text;
  return options.oneLine ? clipped.replace(/\s+/g, " ") : clipped;
}

/** Options for {@link clipMiddle}. */
export interface ClipMiddleOptions {
  /** Characters kept from the start. Default half of `maxChars` (rounded down). */
  head?: number;
  /** Characters kept from the end. Default half of `maxChars` (rounded down). */
  tail?: number;
}

/**
 * `text` with its middle cut out when it is longer than `maxChars` (UTF-16 units): the first `head` and last `tail`
 * characters joined by " […] ", so both the start and the end of a long prompt or answer stay visible.
 */
export function clipMiddle(text: string, maxChars: number, options: ClipMiddleOptions = {}): string {
  if (text.length <= maxChars) return text;
  const head = options.head ?? Math.floor(maxChars / 2);
  const tail = options.tail ?? Math.floor(maxChars / 2);
  return text.slice(0, head) + " […] " + (tail > 0 ? text.slice(-tail) : "");
}

/**
 * `x` with `digits` decimals (default 3), or "n/a" when there is no finite value: NaN (nothing scored), ±Infinity
 * (a statistic of a constant sample) or null (how JSON rows hold an undefined value).
 */
export function formatNumber(x: number | null | undefined, digits = 3): string {
  return typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "n/a";
}

/** A value already in percent (a win rate of 0-100) as "61.3%" with `digits` decimals (default 1), or "n/a" when NaN. */
export function formatPercent(x: number, digits = 1): string {
  return Number.isNaN(x) ? "n/a" : `${x.toFixed(digits)}%`;
}

/**
 * An interval as "lo–hi" with `digits` decimals (default 1) joined by `separator` (default an en dash), or "n/a" when
 * its lower end is NaN (no scored items).
 */
export function formatInterval(interval: readonly [number, number], digits = 1, separator = "–"): string {
  return Number.isNaN(interval[0]) ? "n/a" : `${interval[0].toFixed(digits)}${separator}${interval[1].toFixed(digits)}`;
}
