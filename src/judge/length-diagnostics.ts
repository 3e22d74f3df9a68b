/**
 * Length effects: does the judge reward longer outputs? The win rate in bins of output-length difference. Its own
 * module because it is a diagnostic over item scores and lengths, separate from how the scores are made.
 */
import { npPercentileSorted } from "../core/index.js";
import { winRate } from "./score.js";
import type { ItemVerdicts } from "./types.js";

/** One bin of {@link lengthDiagnostics}. */
export interface LengthDiffBin {
  /** Bin edges on (model chars − reference chars); lo inclusive, hi exclusive (the last bin includes hi). */
  lo: number;
  hi: number;
  n: number;
  winRate: number;
}

/** Options for {@link lengthDiagnostics}. */
export interface LengthDiagnosticsOptions {
  /** Explicit bin edges (ascending). Default: quantile edges giving `bins` bins of similar size. */
  edges?: number[];
  /** Number of quantile bins when `edges` is not given. Default 5. */
  bins?: number;
}

/** The length difference of one item (model output chars − reference output chars), NaN when unknown. */
export function lengthDifference(it: ItemVerdicts): number {
  return it.modelOutputChars === undefined || it.referenceOutputChars === undefined ? NaN : it.modelOutputChars - it.referenceOutputChars;
}

/**
 * Win rate by output-length difference (model − reference, in characters): does the judge reward length?
 * Items without a score or without lengths are left out.
 */
export function lengthDiagnostics(items: readonly ItemVerdicts[], scores: ArrayLike<number>, options: LengthDiagnosticsOptions = {}): LengthDiffBin[] {
  const pts: { d: number; s: number }[] = [];
  items.forEach((it, i) => {
    const d = lengthDifference(it);
    const s = scores[i]!;
    if (!Number.isNaN(d) && !Number.isNaN(s)) pts.push({ d, s });
  });
  if (pts.length === 0) return [];
  let edges = options.edges;
  if (!edges) {
    const sorted = pts.map((p) => p.d).sort((a, b) => a - b);
    const k = Math.max(1, options.bins ?? 5);
    edges = [...new Set(Array.from({ length: k + 1 }, (_, j) => npPercentileSorted(sorted, (100 * j) / k)))];
    if (edges.length === 1) edges = [edges[0]!, edges[0]!];
  }
  const out: LengthDiffBin[] = [];
  for (let j = 0; j < edges.length - 1; j++) {
    const lo = edges[j]!;
    const hi = edges[j + 1]!;
    const last = j === edges.length - 2;
    const inBin = pts.filter((p) => p.d >= lo && (p.d < hi || (last && p.d <= hi)));
    out.push({ lo, hi, n: inBin.length, winRate: inBin.length ? winRate(inBin.map((p) => p.s)) : NaN });
  }
  return out;
}
