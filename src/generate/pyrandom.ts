/**
 * CPython's `random` module, bit for bit, for the draws upstream's task generation makes: the Mersenne Twister
 * (MT19937) seeded the way `random.seed(int)` seeds it, `getrandbits`, `_randbelow` (rejection sampling on
 * `getrandbits(n.bit_length())`), `sample` (with its pool-vs-set algorithm choice) and `shuffle`.
 *
 * Why reproduce CPython rather than use any seeded PRNG: upstream calls `random.seed(42)` and then
 * `random.sample(seed_tasks, 3)` + `random.shuffle(...)` per request, so with the same generator the workbench's
 * request 0 shows the very seed tasks upstream's request 0 showed, and the golden test can pin that prompt.
 * Checked against CPython 3.11 (`test/generate/pyrandom.test.ts` holds values printed by CPython).
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** The state of a {@link PyRandom}: 624 words and the position, as CPython's `getstate()` holds them. */
export interface PyRandomState {
  mt: number[];
  index: number;
}

/** A CPython-compatible `random.Random`. */
export class PyRandom {
  private mt = new Uint32Array(N);
  private index = N + 1;

  /** `random.Random(seed)`: a non-negative or negative integer (CPython uses its absolute value). */
  constructor(seed: number | bigint = 0) {
    this.seed(seed);
  }

  /** `random.seed(n)` for an integer `n`: `init_by_array` over the 32-bit words of `abs(n)`, least significant first. */
  seed(seed: number | bigint): void {
    let n = typeof seed === "bigint" ? seed : BigInt(Math.trunc(seed));
    if (typeof seed === "number" && !Number.isInteger(seed)) throw new Error(`PyRandom.seed: ${seed} is not an integer`);
    if (n < 0n) n = -n;
    const key: number[] = [];
    if (n === 0n) key.push(0);
    while (n > 0n) {
      key.push(Number(n & 0xffffffffn));
      n >>= 32n;
    }
    this.initByArray(key);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.index = N;
  }

  /** One 32-bit output of MT19937 (`genrand_uint32`). */
  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
      mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y = (y ^ ((y << 7) & 0x9d2c5680)) >>> 0;
    y = (y ^ ((y << 15) & 0xefc60000)) >>> 0;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random.random()`: a float in [0, 1) from 53 random bits. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `random.getrandbits(k)` for 0 <= k <= 32 (all the workbench needs: populations below 2^32). */
  getrandbits(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 32) throw new Error(`PyRandom.getrandbits: k=${k} outside 0..32`);
    if (k === 0) return 0;
    return this.nextUint32() >>> (32 - k);
  }

  /** `random._randbelow(n)` (the getrandbits variant): uniform in [0, n), rejection-sampled on `n.bit_length()` bits. */
  randbelow(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`PyRandom.randbelow: n=${n} must be a positive integer`);
    const k = bitLength(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `random.randrange(n)` / `random.randint(0, n-1)` for a positive n. */
  randrange(n: number): number {
    return this.randbelow(n);
  }

  /**
   * `random.sample(population, k)`: k distinct items in selection order. Like CPython it keeps a pool (and swaps the
   * last item into each chosen slot) when the population is small relative to k, and otherwise rejection-samples
   * indices against a set; the two consume the stream differently, so the choice must match too.
   */
  sample<T>(population: readonly T[], k: number): T[] {
    const n = population.length;
    if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`PyRandom.sample: sample larger than population or is negative (k=${k}, n=${n})`);
    const result: T[] = new Array(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = population.slice();
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j]!;
        pool[j] = pool[n - i - 1]!;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = population[j]!;
      }
    }
    return result;
  }

  /** `random.shuffle(x)` in place (Fisher-Yates from the end, `_randbelow(i + 1)`). */
  shuffle<T>(x: T[]): T[] {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i]!;
      x[i] = x[j]!;
      x[j] = t;
    }
    return x;
  }

  /** A copy of the generator's state (to checkpoint a stream). */
  getState(): PyRandomState {
    return { mt: Array.from(this.mt), index: this.index };
  }

  /** Restore a state from {@link getState}. */
  setState(state: PyRandomState): void {
    if (state.mt.length !== N) throw new Error(`PyRandom.setState: expected ${N} words, got ${state.mt.length}`);
    this.mt = Uint32Array.from(state.mt);
    this.index = state.index;
  }
}

/** Python's `int.bit_length()` for a non-negative safe integer (exact, unlike log2 near powers of two). */
function bitLength(n: number): number {
  return n === 0 ? 0 : n.toString(2).length;
}
