/**
 * The exact nearest-neighbour search under Rouge-L, shared by the main thread and the worker threads.
 *
 * For a unit u (m tokens) it returns the exact top-k other units by rouge_score's F (ties: smaller key first).
 * Work is saved only where a pair provably cannot enter the top-k (cannot beat or tie its k-th score):
 *  - length bound: LCS <= min(m, n), so F <= 2·min(m,n)/(m+n);
 *  - overlap bound: LCS <= |multiset intersection|, so F <= 2·overlap/(m+n);
 *  - prefix rule on the inverted index: u's tokens are visited rarest first; once k token occurrences are done,
 *    a unit not met yet shares at most m-k tokens with u, so F <= 2(m-k)/(2m-k): when that is below the current
 *    k-th score, no new candidate can matter and the scan stops;
 *  - positional (prefix) filter, as in PPJoin: a unit first met at u's token t shares at most min(m-k, r) tokens,
 *    r being how many of its own tokens remain from t on; posting lists are sorted by r, so the reachable range is
 *    two binary searches. Common tokens sit at the end of most units (small r) and are skipped wholesale.
 * Bounds are rational (2x/(m+n)) while scores are rouge_score's float 2PR/(P+R); the two differ by a few ulps, so a
 * pair is pruned only when its bound is below the threshold by more than EPS = 1e-9. Ties with the current k-th
 * score are always scored, which keeps the smallest-index tie-break exact.
 *
 * In max mode (k = 1) a shared lower bound per unit (any score already seen for it, from any thread) starts the
 * threshold above 0. It is a score the unit really has with someone, so the true maximum is >= it and every unit
 * reaching the maximum still gets scored.
 *
 * Why this file is long (~390 lines): `Searcher` is one hot loop whose bounds, index walk and tie rule must be read
 * together to see that the search is exact; its helpers are already small exported functions below it.
 */
import { rougeLFromLcs } from "../text/index.js";
import type { PackedCorpus } from "./corpus.js";

/** Margin between rational bounds and float scores. */
export const EPS = 1e-9;
/** Lower bounds are shared as integers floor(F · 2^30) (Atomics work on integer arrays); always <= the score. */
export const LB_SCALE = 2 ** 30;

/** The k best (score, key) pairs, sorted by score descending then key ascending. */
export class TopK {
  readonly k: number;
  readonly scores: Float64Array;
  readonly keys: Int32Array;
  size = 0;
  constructor(k: number) {
    this.k = k;
    this.scores = new Float64Array(k);
    this.keys = new Int32Array(k);
  }
  reset(): void {
    this.size = 0;
  }
  /** Offer a pair; returns false when it does not enter (then no larger key with the same score will either). */
  push(score: number, key: number): boolean {
    const { scores, keys, k } = this;
    let pos: number;
    if (this.size === k) {
      const ls = scores[k - 1]!;
      if (!(score > ls || (score === ls && key < keys[k - 1]!))) return false;
      pos = k - 1;
    } else pos = this.size++;
    while (pos > 0 && (score > scores[pos - 1]! || (score === scores[pos - 1]! && key < keys[pos - 1]!))) {
      scores[pos] = scores[pos - 1]!;
      keys[pos] = keys[pos - 1]!;
      pos--;
    }
    scores[pos] = score;
    keys[pos] = key;
    return true;
  }
  /** The score a newcomer must reach (tie allowed) to matter; 0 while not full. */
  threshold(): number {
    return this.size < this.k ? 0 : this.scores[this.k - 1]!;
  }
}

/** Per-thread scratch space for searches over one corpus. */
export class Searcher {
  c: PackedCorpus;
  private seen: Int32Array;
  private stamp = 0;
  // match masks of the unit being searched: one word per token when m <= 32, else `words` per local slot
  private pm: Int32Array;
  private slot: Int32Array;
  private pmMulti = new Int32Array(0);
  private vMulti = new Int32Array(0);
  /** Pairs whose LCS was computed. */
  scored = 0;

  /** Input indices per unit (needed for top-k > 1, where every member of a unit is a separate neighbour). */
  private readonly memberOff: Int32Array | null;
  private readonly members: Int32Array | null;

  constructor(c: PackedCorpus, members?: { memberOff: Int32Array; members: Int32Array }) {
    this.c = c;
    this.seen = new Int32Array(c.units);
    this.memberOff = members?.memberOff ?? null;
    this.members = members?.members ?? null;
    this.pm = new Int32Array(c.vocabSize);
    this.slot = new Int32Array(c.vocabSize).fill(-1);
  }

  private words = 1;
  private m = 0;

  /** Build u's match masks (Hyyrö's PM table) over the token alphabet. */
  prepare(seqStart: number, seqEnd: number): void {
    const { seq } = this.c;
    const m = seqEnd - seqStart;
    this.m = m;
    if (m <= 32) {
      this.words = 1;
      for (let i = 0; i < m; i++) this.pm[seq[seqStart + i]!]! |= 1 << i;
      return;
    }
    const words = (m + 31) >>> 5;
    this.words = words;
    let slots = 0;
    for (let i = 0; i < m; i++) {
      const t = seq[seqStart + i]!;
      if (this.slot[t] === -1) this.slot[t] = slots++;
    }
    if (this.pmMulti.length < slots * words) this.pmMulti = new Int32Array(slots * words * 2);
    this.pmMulti.fill(0, 0, slots * words);
    for (let i = 0; i < m; i++) {
      const s = this.slot[seq[seqStart + i]!]!;
      this.pmMulti[s * words + (i >>> 5)]! |= 1 << (i & 31);
    }
    if (this.vMulti.length < words) this.vMulti = new Int32Array(words * 2);
  }

  /** Undo {@link prepare}. */
  clear(seqStart: number, seqEnd: number): void {
    const { seq } = this.c;
    for (let i = seqStart; i < seqEnd; i++) {
      this.pm[seq[i]!] = 0;
      this.slot[seq[i]!] = -1;
    }
  }

  /** LCS length of the prepared unit and the token range [vs, ve) (bit-parallel, Hyyrö 2004). */
  lcs(vs: number, ve: number): number {
    const { seq } = this.c;
    const pm = this.pm;
    const m = this.m;
    if (this.words === 1) {
      let v = -1;
      for (let j = vs; j < ve; j++) {
        const mask = pm[seq[j]!]!;
        if (mask !== 0) {
          const x = v & mask;
          v = ((v >>> 0) + (x >>> 0)) | (v & ~mask);
        }
      }
      const live = m === 32 ? ~v : ~v & ((1 << m) - 1);
      return popcount32(live);
    }
    const words = this.words;
    const V = this.vMulti;
    V.fill(-1, 0, words);
    const pmm = this.pmMulti;
    const slot = this.slot;
    for (let j = vs; j < ve; j++) {
      const s = slot[seq[j]!]!;
      if (s < 0) continue;
      const base = s * words;
      let carry = 0;
      for (let w = 0; w < words; w++) {
        const vw = V[w]!;
        const mask = pmm[base + w]!;
        const x = vw & mask;
        const sum = (vw >>> 0) + (x >>> 0) + carry;
        carry = sum > 0xffffffff ? 1 : 0;
        V[w] = sum | (vw & ~mask);
      }
    }
    let zeros = 0;
    for (let w = 0; w < words; w++) {
      const bits = w === words - 1 && (m & 31) !== 0 ? m & 31 : 32;
      zeros += popcount32(bits === 32 ? ~V[w]! : ~V[w]! & ((1 << bits) - 1));
    }
    return zeros;
  }

  /** Switch to a grown version of the corpus (same data, more units or tokens): scratch arrays grow to fit. */
  setCorpus(c: PackedCorpus): void {
    this.c = c;
    if (this.seen.length < c.units) {
      const s = new Int32Array(c.units);
      s.set(this.seen);
      this.seen = s;
    }
    if (this.pm.length < c.vocabSize) {
      const pm = new Int32Array(c.vocabSize);
      pm.set(this.pm);
      this.pm = pm;
      const slot = new Int32Array(c.vocabSize).fill(-1);
      slot.set(this.slot);
      this.slot = slot;
    }
  }

  /**
   * Exact top-k of the token range [s0, s1) (text order in `seq`, sorted in `bag`) among the entries of growable
   * posting lists (the incremental policy's index: pool plus kept items). Keys are entry ids. Every visited entry is
   * marked seen, so an entry first met at u's token k shares none of u's first k tokens. Returns pairs scored.
   */
  searchPostings(s0: number, s1: number, postings: readonly (readonly number[])[], top: TopK): number {
    const { seqOff, bag } = this.c;
    const m = s1 - s0;
    top.reset();
    if (m === 0) return 0;
    this.prepare(s0, s1);
    const stamp = this.nextStamp();
    let scored = 0;
    let thr = 0;
    let done = 0;
    let j = s0;
    while (j < s1) {
      const t = bag[j]!;
      let mult = 1;
      while (j + mult < s1 && bag[j + mult] === t) mult++;
      let tt = thr - EPS;
      if (done > 0 && tt > 0 && (2 * (m - done)) / (2 * m - done) < tt) break;
      const list = postings[t];
      if (list !== undefined)
        for (let q = 0; q < list.length; q++) {
          const v = list[q]!;
          if (!this.markSeen(v, stamp)) continue;
          const vs = seqOff[v]!;
          const ve = seqOff[v + 1]!;
          const n = ve - vs;
          tt = thr - EPS;
          if (tt > 0) {
            if ((2 * Math.min(m, n)) / (m + n) < tt) continue;
            if ((2 * Math.min(m - done, n)) / (m + n) < tt) continue;
            if (overlapBelow(bag, s0, s1, vs, ve, (tt * (m + n)) / 2)) continue;
          }
          const f = rougeLFromLcs(this.lcs(vs, ve), m, n);
          scored++;
          top.push(f, v);
          thr = top.threshold();
        }
      done += mult;
      j += mult;
    }
    this.clear(s0, s1);
    this.scored += scored;
    return scored;
  }

  /** Mark unit v seen in the search with `stamp`; false when it already was. */
  markSeen(v: number, stamp: number): boolean {
    if (this.seen[v] === stamp) return false;
    this.seen[v] = stamp;
    return true;
  }

  /** A fresh stamp for the `seen` marks of one search. */
  nextStamp(): number {
    if (++this.stamp === 0x7fffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  /**
   * Exact top-k of unit u among the other units of the static inverted index (all-pairs). `lb` (max mode only):
   * shared lower bounds, read for u and raised for every unit scored. With k > 1 (and members given) the entries
   * are input indices, u's own members included (score 1), so pass k + 1 and drop the item itself.
   */
  searchUnit(u: number, top: TopK, lb: Int32Array | null): void {
    const c = this.c;
    const { seqOff, bag, post, postOff, postR, key } = c;
    const seen = this.seen;
    const s0 = seqOff[u]!;
    const s1 = seqOff[u + 1]!;
    const m = s1 - s0;
    top.reset();
    if (m === 0) return;
    const expand = top.k > 1 && this.members !== null;
    const memberOff = this.memberOff!;
    const members = this.members!;
    // top-k mode: u's own identical copies (score 1) go in too; the caller drops the item itself
    if (expand) for (let q = memberOff[u]!; q < memberOff[u + 1]!; q++) top.push(1, members[q]!);
    this.prepare(s0, s1);
    const stamp = this.nextStamp();
    seen[u] = stamp;
    let thr = lb !== null ? Atomics.load(lb, u) / LB_SCALE : 0;
    let k = 0;
    let j = s0;
    while (j < s1) {
      const t = bag[j]!;
      let mult = 1;
      while (j + mult < s1 && bag[j + mult] === t) mult++;
      let t0 = thr - EPS;
      if (k > 0 && t0 > 0 && (2 * (m - k)) / (2 * m - k) < t0) break;
      // A unit first met at this token shares none of u's first k tokens (m - k are left), and r of its own
      // tokens remain from here: overlap <= min(c, r) and n >= r. So only r in [t0·m/(2-t0), max(left, 2·left/t0 - m)]
      // can reach t0; the list is sorted by r, so that range is found by binary search.
      const left = m - k;
      let p = postOff[t]!;
      let pEnd = postOff[t + 1]!;
      if (t0 > 0) {
        const rmin = Math.floor((t0 * m) / (2 - t0)) - 1;
        const rmax = Math.max(left, Math.ceil((2 * left) / t0 - m)) + 1;
        p = lowerBound(postR, p, pEnd, rmin);
        pEnd = lowerBound(postR, p, pEnd, rmax + 1);
      }
      for (; p < pEnd; p++) {
        const v = post[p]!;
        if (seen[v] === stamp) continue;
        seen[v] = stamp;
        const vs = seqOff[v]!;
        const ve = seqOff[v + 1]!;
        const n = ve - vs;
        t0 = thr - EPS;
        if (t0 > 0) {
          // Pruning v here is final: if t is v's first token shared with u, the bounds are exact upper bounds;
          // if not, v was already out of range at that first shared token, under a threshold no higher than now.
          const r = postR[p]!;
          let cap = left < r ? left : r;
          if (n < cap) cap = n;
          if ((2 * cap) / (m + n) < t0) continue;
          if ((2 * (m < n ? m : n)) / (m + n) < t0) continue;
          if (overlapBelow(bag, s0, s1, vs, ve, (t0 * (m + n)) / 2)) continue;
        }
        const l = this.lcs(vs, ve);
        this.scored++;
        const f = rougeLFromLcs(l, m, n);
        if (expand) {
          for (let q = memberOff[v]!; q < memberOff[v + 1]!; q++) if (!top.push(f, members[q]!)) break;
        } else top.push(f, key[v]!);
        if (lb !== null) {
          raiseLowerBound(lb, v, f);
          if (f > thr) thr = f;
        } else {
          const th = top.threshold();
          if (th > thr) thr = th;
        }
      }
      k += mult;
      j += mult;
    }
    this.clear(s0, s1);
  }
}

/** First position in [lo, hi) whose value is >= x (arr sorted ascending there). */
function lowerBound(arr: Int32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Multiset-overlap bound: true when the sorted bags [a, a1) and [b, b1) share fewer than `need` tokens, i.e.
 * F <= 2·overlap/(m+n) is below the threshold. Stops as soon as the answer is known.
 */
export function overlapBelow(bag: Int32Array, a: number, a1: number, b: number, b1: number, need: number): boolean {
  let ov = 0;
  while (a < a1 && b < b1) {
    if (ov + Math.min(a1 - a, b1 - b) < need) return true;
    if (ov >= need) return false;
    const x = bag[a]!;
    const y = bag[b]!;
    if (x === y) {
      ov++;
      a++;
      b++;
    } else if (x < y) a++;
    else b++;
  }
  return ov < need;
}

/** Raise a shared lower bound to floor(f · 2^30) (compare-and-swap loop; lost races only make it lower). */
export function raiseLowerBound(lb: Int32Array, v: number, f: number): void {
  const q = Math.floor(f * LB_SCALE);
  let cur = Atomics.load(lb, v);
  while (q > cur) {
    const prev = Atomics.compareExchange(lb, v, cur, q);
    if (prev === cur) break;
    cur = prev;
  }
}

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
