/**
 * Rouge-L as rouge_score computes it (`rouge_scorer._score_lcs` + `scoring.fmeasure`), bit for bit:
 * P = lcs / len(prediction), R = lcs / len(target), F = 2 * P * R / (P + R) evaluated left to right in IEEE double,
 * 0 when either side has no tokens (or P + R == 0).
 *
 * The order matters: the algebraically equal 2·lcs/(m+n) rounds differently (LCS 7 of 9 and 11 tokens gives
 * 0.7000000000000001 > 0.7, while 14/20 gives 0.7), and pairs at the 0.7 threshold flip.
 *
 * Swapping target and prediction swaps P and R but cannot change F's bits: 2*P is exact (a power-of-two scaling), so
 * (2P)·R and (2R)·P are both the correctly rounded value of the same real product, and P + R is commutative. So
 * self-instruct's `scorer.score(new, existing)` (target = new instruction) and AlpaCare's
 * `_score_lcs(new_tokens, existing_tokens)` give the same F either way round; the tests check this on real pairs.
 */
import { rougeTokenize, type RougeTokenizeOptions } from "./tokenize.js";

/** Precision, recall and F-measure of one Rouge-L comparison (rouge_score's `Score`). */
export interface RougeLScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

/** rouge_score's `scoring.fmeasure(precision, recall)`. */
export function rougeFMeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** Rouge-L F-measure from an LCS length and the two token counts (in rouge_score's exact float order). */
export function rougeLFromLcs(lcs: number, targetLength: number, predictionLength: number): number {
  if (targetLength === 0 || predictionLength === 0) return 0;
  const precision = lcs / predictionLength;
  const recall = lcs / targetLength;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/**
 * Length of the longest common subsequence by the textbook O(m·n) dynamic programme (rouge_score's `_lcs_table`),
 * two rows of memory. The reference the fast paths are tested against.
 */
export function lcsLength<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return 0;
  let prev = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  for (let i = 1; i <= m; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= n; j++) {
      if (ai === b[j - 1]) cur[j] = prev[j - 1]! + 1;
      else cur[j] = prev[j]! >= cur[j - 1]! ? prev[j]! : cur[j - 1]!;
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[n]!;
}

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * LCS length of two integer sequences by the bit-parallel algorithm of Allison & Dix / Hyyrö (2004):
 * O(⌈m/32⌉·n) word operations. Tokens must be integers (intern strings first); `a` gets the bit vector.
 */
export function lcsLengthBitParallel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return 0;
  const words = (m + 31) >>> 5;
  // Match masks per distinct token of `a`.
  const masks = new Map<number, Int32Array>();
  for (let i = 0; i < m; i++) {
    let pm = masks.get(a[i]!);
    if (!pm) masks.set(a[i]!, (pm = new Int32Array(words)));
    pm[i >>> 5]! |= 1 << (i & 31);
  }
  const v = new Int32Array(words).fill(-1);
  for (let j = 0; j < n; j++) {
    const pm = masks.get(b[j]!);
    if (!pm) continue; // U = 0: V unchanged
    let carry = 0;
    for (let w = 0; w < words; w++) {
      const vw = v[w]!;
      const u = vw & pm[w]!;
      const sum = (vw >>> 0) + (u >>> 0) + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      v[w] = sum | (vw & ~pm[w]!);
    }
  }
  let zeros = 0;
  for (let w = 0; w < words; w++) {
    const bits = w === words - 1 && (m & 31) !== 0 ? (m & 31) : 32;
    const mask = bits === 32 ? -1 : (1 << bits) - 1;
    zeros += popcount32(~v[w]! & mask);
  }
  return zeros;
}

/** Rouge-L precision/recall/F of two token lists; `target` and `prediction` as in rouge_score's `score(target, prediction)`. */
export function rougeLTokens<T>(target: ArrayLike<T>, prediction: ArrayLike<T>): RougeLScore {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: rougeFMeasure(precision, recall) };
}

/** Options for {@link rougeL} / {@link rougeLScore}. */
export type RougeLOptions = RougeTokenizeOptions;

/**
 * Rouge-L precision, recall and F of `prediction` against `target`, exactly as
 * `RougeScorer(["rougeL"], use_stemmer).score(target, prediction)["rougeL"]`.
 */
export function rougeLScore(target: string, prediction: string, options: RougeLOptions = {}): RougeLScore {
  return rougeLTokens(rougeTokenize(target, options), rougeTokenize(prediction, options));
}

/** Rouge-L F-measure of two texts (symmetric), as rouge_score computes it. The paper's near-duplicate similarity. */
export function rougeL(a: string, b: string, options: RougeLOptions = {}): number {
  return rougeLScore(a, b, options).fmeasure;
}
