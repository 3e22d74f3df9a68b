/**
 * NumPy's float64 reductions, reproduced so a win rate matches upstream's `np.nanmean` to the last bit.
 * `np.add.reduce` over a contiguous float64 array starts from the identity 0.0 and adds NumPy's pairwise sum of
 * all elements (`pairwise_sum_DOUBLE`): fewer than 8 elements -> a plain loop; up to 128 (PW_BLOCKSIZE) -> eight
 * interleaved accumulators combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the leftover tail one by one;
 * larger -> split at n/2 rounded down to a multiple of 8 and recurse. Differs from a left-to-right loop in the last
 * bits for general floats (AlpaCare's scores are multiples of 0.25, where every order is exact, but imported
 * continuous preferences are not).
 */
import { interpolateSorted } from "./stats.js";

/** NumPy's pairwise sum of `a[start .. start+n)`. */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [a[start]!, a[start + 1]!, a[start + 2]!, a[start + 3]!, a[start + 4]!, a[start + 5]!, a[start + 6]!, a[start + 7]!];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let k = 0; k < 8; k++) r[k]! += a[start + i + k]!;
    }
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** `np.sum` of a float64 vector: 0.0 + pairwise sum. */
export function npSum(a: ArrayLike<number>): number {
  return 0 + pairwiseSum(a);
}

/** `np.mean` of a float64 vector (NaN for an empty one, as NumPy with its warning). */
export function npMean(a: ArrayLike<number>): number {
  return a.length === 0 ? NaN : npSum(a) / a.length;
}

/**
 * `np.nanmean`: NaNs replaced by 0, summed with NumPy's pairwise sum, divided by the count of non-NaN values
 * (NaN when there are none, where NumPy warns "Mean of empty slice").
 */
export function nanMean(a: ArrayLike<number>): number {
  const filled = new Float64Array(a.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (Number.isNaN(v)) continue;
    filled[i] = v;
    count++;
  }
  return count === 0 ? NaN : npSum(filled) / count;
}

/** Sample standard deviation (ddof = 1, as pandas' `sem`), NaN below two values. */
export function npSampleStd(a: ArrayLike<number>): number {
  const n = a.length;
  if (n < 2) return NaN;
  const m = npSum(a) / n;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = (a[i]! - m) ** 2;
  return Math.sqrt(npSum(d) / (n - 1));
}

/** `np.rint` (what `np.round` / pandas' `round()` do at 0 decimals): round half to even, keeping the sign of zero. */
export function npRint(x: number): number {
  if (!Number.isFinite(x)) return x;
  // Math.round rounds halves up; NumPy rounds them to the even neighbour.
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x);
}

/** `np.percentile` with linear interpolation, on a sorted array; q in [0, 100]. The position is computed as
 * `((n - 1) * q) / 100`, NumPy's order of operations, so bootstrap interval ends match upstream bit for bit. */
export function npPercentileSorted(sorted: ArrayLike<number>, q: number): number {
  return interpolateSorted(sorted, ((sorted.length - 1) * q) / 100);
}
