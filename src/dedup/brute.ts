/**
 * The brute-force reference: every pair through the textbook LCS dynamic programme on string tokens, no bounds, no
 * threads. Quadratic in time and exact by construction; the tests hold the fast path to it, and a researcher can
 * use it to check a small sample by hand.
 */
import { lcsLength, rougeLFromLcs, rougeTokenize } from "../text/index.js";
import type { DedupNeighbour } from "./allpairs.js";
import type { DedupItem, DedupOptions, DedupResult } from "./dedup.js";

/** {@link dedup} by brute force (same options, same tie rules, same output). */
export function dedupBruteForce(texts: readonly string[], options: DedupOptions = {}): DedupResult {
  const t0 = performance.now();
  const policy = options.policy ?? "all-pairs";
  const threshold = options.threshold ?? 0.7;
  const stem = options.stem ?? false;
  const pool = options.pool ?? [];
  const P = pool.length;
  const N = texts.length;
  const k = Math.max(0, Math.floor(options.topK ?? 0));
  const toks = [...pool, ...texts].map((t) => rougeTokenize(t, { stem }));
  const sim = (a: number, b: number) => rougeLFromLcs(lcsLength(toks[a]!, toks[b]!), toks[a]!.length, toks[b]!.length);
  const toN = (e: number, similarity: number): DedupNeighbour =>
    e < P ? { source: "pool", index: e, similarity } : { source: "input", index: e - P, similarity };
  let scored = 0;
  const verdict = (i: number, others: number[]): DedupItem => {
    // others are in concatenated order; rank by score desc, then that order
    const scores = others.map((o) => (scored++, { o, s: sim(P + i, o) }));
    const ranked = [...scores].sort((a, b) => b.s - a.s || a.o - b.o);
    const best = ranked[0];
    const item: DedupItem = {
      index: i,
      kept: (best?.s ?? 0) <= threshold,
      maxSimilarity: best?.s ?? 0,
      nearest: best ? toN(best.o, best.s) : null,
    };
    if (k > 0) item.topK = ranked.slice(0, k).map((r) => toN(r.o, r.s));
    return item;
  };
  const items: DedupItem[] = [];
  if (policy === "all-pairs") {
    const everyone = Array.from({ length: P + N }, (_, e) => e);
    for (let i = 0; i < N; i++) items.push(verdict(i, everyone.filter((e) => e !== P + i)));
  } else {
    const index = Array.from({ length: P }, (_, e) => e);
    for (let i = 0; i < N; i++) {
      const it = verdict(i, index);
      items.push(it);
      if (it.kept) index.push(P + i);
    }
  }
  const kept = items.filter((x) => x.kept).length;
  return {
    policy,
    threshold,
    stem,
    items,
    kept,
    dropped: N - kept,
    stats: {
      items: N,
      poolItems: P,
      pairsImplied: policy === "all-pairs" ? (N * (N - 1)) / 2 + N * P : N * P + (N * (N - 1)) / 2,
      pairsScored: scored,
      threads: 1,
      seconds: (performance.now() - t0) / 1000,
    },
  };
}
