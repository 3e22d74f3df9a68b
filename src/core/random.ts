/** Seeded randomness for statistics (bootstrap draws, samples, permutations): the same seed gives the same numbers. */

/**
 * mulberry32: a small, fast 32-bit seeded PRNG returning uniforms in [0, 1). Good enough for resampling; not for
 * anything that must match Python's `random` (the generate stage has a CPython-exact `PyRandom` for that).
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A p-value from resampling (bootstrap or permutations): `hits` of `samples` resamples were at least as extreme as
 * the observation. Floored at 1 / (samples + 1) (the observation counts as one of the resamples, Davison & Hinkley
 * 1997), so a finite number of resamples never claims p = 0; capped at 1. Every resampled p in the workbench uses it.
 */
export function resamplingPValue(hits: number, samples: number): number {
  return Math.min(1, (hits + 1) / (samples + 1));
}
