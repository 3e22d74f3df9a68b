/**
 * Small statistics for the judge-free analyses (beyond the paper): Kendall's tau-b with ties, Pearson's r, ordinary
 * least squares with R², a seeded sample. Pure functions over number arrays; NaN/null pairs are the caller's to drop.
 */
import { mulberry32, resamplingPValue } from "../core/index.js";

/** Kendall's tau-b of two equally long samples, with ties, and a two-sided permutation p-value. */
export interface KendallTau {
  /** tau-b in [-1, 1]; NaN when fewer than 2 pairs or one side is constant. */
  tau: number;
  /** Pairs used. */
  n: number;
  /** Concordant and discordant pairs (pairs tied on either side count in neither). */
  concordant: number;
  discordant: number;
  /** Two-sided p-value by permutation of y (exact over all permutations for n <= 8, else `permutations` random ones). */
  pValue: number;
}

/** Options for {@link kendallTauB}. */
export interface KendallOptions {
  /** Random permutations for the p-value when n > 8 (default 5000; 0 skips the p-value, which is then NaN). */
  permutations?: number;
  /** Seed of the permutation sample (default 1). */
  seed?: number;
}

function tauCore(x: ArrayLike<number>, y: ArrayLike<number>): { tau: number; c: number; d: number } {
  const n = x.length;
  let c = 0;
  let d = 0;
  let tx = 0; // pairs tied on x only... counted as n0 - n1 below
  let ty = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      pairs++;
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0) tx++;
      if (dy === 0) ty++;
      if (dx !== 0 && dy !== 0) {
        if (dx === dy) c++;
        else d++;
      }
    }
  // tau-b = (C - D) / sqrt((n0 - n1)(n0 - n2)), n1/n2 = pairs tied on x / on y (a pair tied on both is in both).
  const denom = Math.sqrt((pairs - tx) * (pairs - ty));
  return { tau: denom > 0 ? (c - d) / denom : NaN, c, d };
}

/** Kendall's tau-b (ties handled as scipy's `kendalltau(variant="b")`), with a permutation p-value. */
export function kendallTauB(x: ArrayLike<number>, y: ArrayLike<number>, options: KendallOptions = {}): KendallTau {
  if (x.length !== y.length) throw new Error(`kendallTauB: samples differ in length (${x.length} vs ${y.length})`);
  const n = x.length;
  const { tau, c, d } = tauCore(x, y);
  let pValue = NaN;
  const perms = options.permutations ?? 5000;
  if (Number.isFinite(tau) && perms > 0) {
    const obs = Math.abs(tau) - 1e-12;
    const ys = Array.from(y);
    if (n <= 8) {
      let hits = 0;
      let total = 0;
      for (const p of permutations(ys)) {
        total++;
        const t = tauCore(x, p).tau;
        if (Math.abs(t) >= obs) hits++;
      }
      pValue = hits / total;
    } else {
      const rand = mulberry32(options.seed ?? 1);
      let hits = 0;
      for (let k = 0; k < perms; k++) {
        const p = shuffle(ys, rand);
        if (Math.abs(tauCore(x, p).tau) >= obs) hits++;
      }
      pValue = resamplingPValue(hits, perms);
    }
  }
  return { tau, n, concordant: c, discordant: d, pValue };
}

function* permutations<T>(xs: T[]): Generator<T[]> {
  const a = xs.slice();
  const c = new Array(a.length).fill(0);
  yield a.slice();
  let i = 0;
  while (i < a.length) {
    if (c[i] < i) {
      const k = i % 2 === 0 ? 0 : c[i];
      [a[k], a[i]] = [a[i]!, a[k]!];
      yield a.slice();
      c[i]++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
}


function shuffle<T>(xs: readonly T[], rand: () => number): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** `k` distinct indices of `0..n-1`, sorted, drawn with a seeded generator (all of them when k >= n). */
export function seededSampleIndices(n: number, k: number, seed = 1): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}

/** Means and centred sums of squares and products of two equally long samples (both fits below start here). */
function centredMoments(x: ArrayLike<number>, y: ArrayLike<number>): { mx: number; my: number; sxy: number; sxx: number; syy: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return { mx, my, sxy, sxx, syy };
}

/** Pearson's correlation coefficient; NaN when fewer than 2 points or a side is constant. */
export function pearsonCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length < 2 || y.length !== x.length) return NaN;
  const { sxy, sxx, syy } = centredMoments(x, y);
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** An ordinary least squares line y = intercept + slope * x and its R². */
export interface LinearFit {
  n: number;
  slope: number;
  intercept: number;
  /** Share of y's variance the line explains (= r² for one predictor); NaN when undefined. */
  r2: number;
}

/** Fit y = a + b x by least squares. */
export function leastSquaresLine(x: ArrayLike<number>, y: ArrayLike<number>): LinearFit {
  const n = x.length;
  if (n < 2 || y.length !== n) return { n, slope: NaN, intercept: NaN, r2: NaN };
  const { mx, my, sxy, sxx, syy } = centredMoments(x, y);
  const slope = sxx > 0 ? sxy / sxx : NaN;
  const intercept = my - slope * mx;
  const r2 = sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : NaN;
  return { n, slope, intercept, r2 };
}
