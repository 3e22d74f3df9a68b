/**
 * What happens at the Rouge-L threshold: the (item, nearest neighbour) pairs just above and just below it, and the
 * items whose verdict depends on the float order of the F-measure. rouge_score computes F = 2PR/(P+R); the
 * algebraically equal 2·LCS/(m+n) rounds differently (LCS 7 of 9 and 11 tokens: 0.7000000000000001 against exactly
 * 0.7), so a filter written the second way keeps pairs the paper's filter drops (docs/method.md §4-5).
 */
import { lcsLength, rougeTokenize } from "../text/index.js";
import type { DedupNeighbour } from "./allpairs.js";
import type { DedupResult } from "./dedup.js";

/** Each item's maximum Rouge-L and the item reaching it: `nearestNeighbours(...)` and `poolSimilarity(...)` have this shape. */
export interface ItemMaxima {
  maxSimilarity: ArrayLike<number>;
  nearest: readonly (DedupNeighbour | null)[];
}

/** The maxima of a dedup run (all-pairs or incremental) or of `nearestNeighbours`, in one shape. */
export function itemMaxima(result: ItemMaxima | DedupResult): ItemMaxima {
  if ("items" in result) return { maxSimilarity: Float64Array.from(result.items, (x) => x.maxSimilarity), nearest: result.items.map((x) => x.nearest) };
  return result;
}

/** F = 2·LCS/(m+n): rouge_score's Rouge-L F-measure in the other float order (0 when both sides are empty). */
export function fmeasureOtherOrder(lcs: number, m: number, n: number): number {
  return m + n > 0 ? (2 * lcs) / (m + n) : 0;
}

/** One item and its nearest neighbour, with the numbers behind their Rouge-L. */
export interface ThresholdPair {
  /** Index of the item. */
  item: number;
  /** Index of its nearest neighbour (another input item). */
  nearest: number;
  /** The item's maximum Rouge-L F, as the filter saw it (rouge_score's float order). */
  similarity: number;
  /** LCS length of the two token sequences. */
  lcs: number;
  /** Tokens of the item and of its neighbour (rouge_score's tokenizer). */
  itemTokens: number;
  nearestTokens: number;
  /** The same F computed as 2·LCS/(m+n) ({@link fmeasureOtherOrder}). */
  fmeasureOtherOrder: number;
}

function thresholdPair(texts: readonly string[], item: number, nearest: number, similarity: number, stem: boolean): ThresholdPair {
  const a = rougeTokenize(texts[item]!, { stem });
  const b = rougeTokenize(texts[nearest]!, { stem });
  const lcs = lcsLength(a, b);
  return { item, nearest, similarity, lcs, itemTokens: a.length, nearestTokens: b.length, fmeasureOtherOrder: fmeasureOtherOrder(lcs, a.length, b.length) };
}

/** Options for {@link pairsNearThreshold}. */
export interface PairsNearThresholdOptions {
  /** Default 0.7 (the paper's). */
  threshold?: number;
  /** How far from the threshold a pair may lie. Default 0.05. */
  window?: number;
  /** At most this many pairs per side. Default 6. */
  perSide?: number;
  /** Tokenize with Porter stemming, as the maxima were computed. Default false. */
  stem?: boolean;
}

/**
 * Pairs (item, its nearest other item) whose maximum lies just above the threshold (in (t, t + window]: dropped) and
 * at or just below it (in (t - window, t]: kept unless something else is closer), closest to the threshold first
 * (then by item index). A pair appears once, on the first side that lists it; items whose nearest is a pool item
 * are skipped.
 */
export function pairsNearThreshold(texts: readonly string[], maxima: ItemMaxima | DedupResult, options: PairsNearThresholdOptions = {}): { above: ThresholdPair[]; below: ThresholdPair[] } {
  const { maxSimilarity: sims, nearest } = itemMaxima(maxima);
  const threshold = options.threshold ?? 0.7;
  const window = options.window ?? 0.05;
  const perSide = options.perSide ?? 6;
  const stem = options.stem ?? false;
  const seen = new Set<string>();
  const pick = (lo: number, hi: number): ThresholdPair[] => {
    const idx: number[] = [];
    for (let i = 0; i < sims.length; i++) if (sims[i]! > lo && sims[i]! <= hi && nearest[i]?.source === "input") idx.push(i);
    idx.sort((a, b) => Math.abs(sims[a]! - threshold) - Math.abs(sims[b]! - threshold) || a - b);
    const out: ThresholdPair[] = [];
    for (const i of idx) {
      if (out.length >= perSide) break;
      const j = nearest[i]!.index;
      const key = `${Math.min(i, j)}-${Math.max(i, j)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(thresholdPair(texts, i, j, sims[i]!, stem));
    }
    return out;
  };
  const above = pick(threshold, threshold + window);
  const below = pick(threshold - window, threshold);
  return { above, below };
}

/** Options for {@link floatOrderFlips}. */
export interface FloatOrderFlipsOptions {
  /** Default 0.7 (the paper's). */
  threshold?: number;
  /** Tokenize with Porter stemming, as the maxima were computed. Default false. */
  stem?: boolean;
}

/**
 * The items whose nearest pair lands on the other side of the threshold when F is computed as 2·LCS/(m+n) instead
 * of rouge_score's 2PR/(P+R): those a filter written the algebraic way would judge differently. Items whose nearest
 * is a pool item (or none) are not checked.
 */
export function floatOrderFlips(texts: readonly string[], maxima: ItemMaxima | DedupResult, options: FloatOrderFlipsOptions = {}): ThresholdPair[] {
  const { maxSimilarity: sims, nearest } = itemMaxima(maxima);
  const threshold = options.threshold ?? 0.7;
  const stem = options.stem ?? false;
  const flips: ThresholdPair[] = [];
  for (let i = 0; i < sims.length; i++) {
    const nb = nearest[i];
    if (!nb || nb.source !== "input") continue;
    const pair = thresholdPair(texts, i, nb.index, sims[i]!, stem);
    if (pair.similarity > threshold !== pair.fmeasureOtherOrder > threshold) flips.push(pair);
  }
  return flips;
}
