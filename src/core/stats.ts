/**
 * Descriptive statistics every stage shares, defined once: the median and mean of the finite values, linear
 * quantiles of a sorted sample, and bootstrap resampling of a mean. NumPy-exact reductions (`npSum`, `nanMean`,
 * `npPercentileSorted`) live beside this in `numpy.ts`; they are the ones a number compared with upstream must use.
 */
import { mulberry32 } from "./random.js";

/** Median of the finite values (the mean of the two middle values for an even count); NaN when there are none. */
export function medianOfFinite(xs: ArrayLike<number>): number {
  const a = Array.from(xs).filter(Number.isFinite).sort((p, q) => p - q);
  if (!a.length) return NaN;
  const h = a.length >> 1;
  return a.length % 2 ? a[h]! : (a[h - 1]! + a[h]!) / 2;
}

/**
 * Mean of the finite values, summed left to right; NaN when there are none. For display statistics (lengths, mean
 * Rouge-L); a mean compared with upstream's `np.nanmean` uses `nanMean` instead, whose summation order is NumPy's.
 */
export function meanOfFinite(xs: ArrayLike<number>): number {
  let s = 0;
  let k = 0;
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i]!;
    if (Number.isFinite(v)) {
      s += v;
      k++;
    }
  }
  return k ? s / k : NaN;
}

/**
 * The value at fractional position `pos` (0 .. n-1) of an ascending array, interpolated linearly between its two
 * neighbours; NaN for an empty array. The one interpolation rule behind every quantile and percentile here.
 */
export function interpolateSorted(sorted: ArrayLike<number>, pos: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Quantile `p` (0 .. 1) of an ascending array, linearly interpolated (NumPy's default "linear" method); NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  return interpolateSorted(sorted, (sorted.length - 1) * p);
}

/** Options for {@link bootstrapMeans}. */
export interface BootstrapMeansOptions {
  /** Resamples. Default 2000. */
  samples?: number;
  /** Seed of the mulberry32 stream that picks the items. Default 42. */
  seed?: number;
}

/**
 * The bootstrap distribution of a mean: `samples` resamples of `values` with replacement (n draws each, item index
 * `floor(rand() * n)` from a seeded mulberry32 stream), each summed left to right and divided by n. Unsorted, in
 * resample order, so callers can count tails before sorting. Empty input gives an empty array.
 */
export function bootstrapMeans(values: ArrayLike<number>, options: BootstrapMeansOptions = {}): Float64Array {
  const B = options.samples ?? 2000;
  const n = values.length;
  if (n === 0) return new Float64Array(0);
  const rand = mulberry32(options.seed ?? 42);
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[Math.floor(rand() * n)]!;
    means[b] = sum / n;
  }
  return means;
}

/**
 * `v` rounded to `digits` decimals (half away from zero for positives, as `Math.round`), for display and tables:
 * `roundTo(49.654, 2)` = 49.65. Non-finite values pass through unchanged. Not NumPy's half-to-even (`npRint`).
 */
export function roundTo(v: number, digits: number): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
