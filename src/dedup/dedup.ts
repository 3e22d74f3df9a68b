/**
 * Near-duplicate filtering by Rouge-L, both policies, exact:
 *  - `all-pairs` (the paper's / AlpaCare's `filter.py`): an item is dropped when its Rouge-L to ANY other item
 *    (or pool item) is > threshold. Both members of a near-duplicate pair go, and exact duplicates too.
 *  - `incremental` (self-instruct / Alpaca): walk the items in order, compare each with the pool (seed tasks) plus
 *    the items kept so far, keep it when its maximum is <= threshold.
 * Every item gets its exact maximum similarity and the item reaching it (ties: the smallest index, pool items
 * first, i.e. the first in self-instruct's `seed_instructions + machine_instructions` order), and optionally its
 * top-k (self-instruct's audit trail of the 10 most similar).
 */
import { internTexts, type PackedCorpus } from "./corpus.js";
import { Searcher, TopK } from "./search.js";
import { nearestNeighbours, type DedupNeighbour, type NearestNeighbourOptions } from "./allpairs.js";

/** Which filtering rule: the paper's post-hoc all-pairs filter, or self-instruct's incremental one. */
export type DedupPolicy = "all-pairs" | "incremental";

/** Options for {@link dedup}. */
export interface DedupOptions extends NearestNeighbourOptions {
  /** Default `"all-pairs"` (the paper's). */
  policy?: DedupPolicy;
  /** Drop when the maximum Rouge-L is strictly greater than this. Default 0.7 (the paper's). */
  threshold?: number;
}

/** The verdict for one input item. */
export interface DedupItem {
  index: number;
  kept: boolean;
  /** Exact maximum Rouge-L F (all-pairs: to any other item or pool item; incremental: to the pool + items kept before it). */
  maxSimilarity: number;
  /** The item reaching the maximum (smallest index on ties, pool first); null when there was nothing to compare. */
  nearest: DedupNeighbour | null;
  /** The k most similar, when asked for. */
  topK?: DedupNeighbour[];
}

/** The result of a dedup run. */
export interface DedupResult {
  policy: DedupPolicy;
  threshold: number;
  stem: boolean;
  items: DedupItem[];
  kept: number;
  dropped: number;
  stats: {
    items: number;
    poolItems: number;
    pairsImplied: number;
    pairsScored: number;
    threads: number;
    seconds: number;
  };
}

/** Filter `texts` by Rouge-L with the chosen policy (default: the paper's all-pairs at 0.7). */
export async function dedup(texts: readonly string[], options: DedupOptions = {}): Promise<DedupResult> {
  return (options.policy ?? "all-pairs") === "incremental" ? dedupIncremental(texts, options) : dedupAllPairs(texts, options);
}

/** The paper's all-pairs policy: drop every item whose Rouge-L to any other item (or pool item) is > threshold. */
export async function dedupAllPairs(texts: readonly string[], options: DedupOptions = {}): Promise<DedupResult> {
  const threshold = options.threshold ?? 0.7;
  const nn = await nearestNeighbours(texts, options);
  const items: DedupItem[] = [];
  let kept = 0;
  for (let i = 0; i < texts.length; i++) {
    const ok = nn.maxSimilarity[i]! <= threshold;
    if (ok) kept++;
    const item: DedupItem = { index: i, kept: ok, maxSimilarity: nn.maxSimilarity[i]!, nearest: nn.nearest[i]! };
    if (nn.topK) item.topK = nn.topK[i]!;
    items.push(item);
  }
  const { items: n, poolItems, pairsImplied, pairsScored, threads, seconds } = nn.stats;
  return {
    policy: "all-pairs",
    threshold,
    stem: options.stem ?? false,
    items,
    kept,
    dropped: texts.length - kept,
    stats: { items: n, poolItems, pairsImplied, pairsScored, threads, seconds },
  };
}

/**
 * Self-instruct's incremental policy: item i is compared with the pool plus the items kept before it, and kept
 * when its maximum is <= threshold. Sequential by nature (each verdict changes what later items see), so it runs
 * on one thread, with the same exact bounded search over an index that grows as items are kept.
 */
export function dedupIncremental(texts: readonly string[], options: DedupOptions = {}): DedupResult {
  const t0 = performance.now();
  const threshold = options.threshold ?? 0.7;
  const pool = options.pool ?? [];
  const P = pool.length;
  const N = texts.length;
  const k = Math.max(0, Math.floor(options.topK ?? 0));
  const { ids, vocabSize } = internTexts(P > 0 ? [...pool, ...texts] : (texts as string[]), options.stem ?? false);
  const total = P + N;
  // one entry per text (no merging: identical items are separate entries of the growing index)
  const seqOff = new Int32Array(total + 1);
  for (let e = 0; e < total; e++) seqOff[e + 1] = seqOff[e]! + ids[e]!.length;
  const seq = new Int32Array(seqOff[total]!);
  const bag = new Int32Array(seqOff[total]!);
  for (let e = 0; e < total; e++) {
    seq.set(ids[e]!, seqOff[e]!);
    bag.set(Int32Array.from(ids[e]!).sort(), seqOff[e]!);
  }
  const corpus: PackedCorpus = {
    units: total,
    vocabSize,
    seqOff,
    seq,
    bag,
    key: Int32Array.from({ length: total }, (_, i) => i),
    postOff: new Int32Array(vocabSize + 1),
    post: new Int32Array(0),
    postR: new Int32Array(0),
  };
  const postings: number[][] = Array.from({ length: vocabSize }, () => []);
  const indexed: number[] = []; // entries in the index, in concatenated order (pool, then kept items)
  const addEntry = (e: number) => {
    indexed.push(e);
    for (let j = seqOff[e]!; j < seqOff[e + 1]!; j++) if (j === seqOff[e]! || bag[j - 1] !== bag[j]) postings[bag[j]!]!.push(e);
  };
  for (let p = 0; p < P; p++) addEntry(p);

  const searcher = new Searcher(corpus);
  const top = new TopK(Math.max(1, k));
  const toNeighbour = (e: number, similarity: number): DedupNeighbour =>
    e < P ? { source: "pool", index: e, similarity } : { source: "input", index: e - P, similarity };
  const items: DedupItem[] = [];
  let kept = 0;
  let scored = 0;
  for (let i = 0; i < N; i++) {
    const e = P + i;
    const s0 = seqOff[e]!;
    const s1 = seqOff[e + 1]!;
    scored += searcher.searchPostings(s0, s1, postings, top);
    let best = 0;
    let nearest: DedupNeighbour | null = null;
    if (top.size > 0 && top.scores[0]! > 0) {
      best = top.scores[0]!;
      nearest = toNeighbour(top.keys[0]!, best);
    } else if (indexed.length > 0) nearest = toNeighbour(indexed[0]!, 0);
    const ok = best <= threshold;
    const item: DedupItem = { index: i, kept: ok, maxSimilarity: best, nearest };
    if (k > 0) {
      const list: DedupNeighbour[] = [];
      const taken = new Set<number>();
      for (let q = 0; q < top.size; q++) {
        list.push(toNeighbour(top.keys[q]!, top.scores[q]!));
        taken.add(top.keys[q]!);
      }
      for (let q = 0; q < indexed.length && list.length < k; q++) if (!taken.has(indexed[q]!)) list.push(toNeighbour(indexed[q]!, 0));
      item.topK = list;
    }
    items.push(item);
    if (ok) {
      kept++;
      addEntry(e);
    }
    if ((i & 255) === 255 || i === N - 1) options.onProgress?.(i + 1, N);
  }
  return {
    policy: "incremental",
    threshold,
    stem: options.stem ?? false,
    items,
    kept,
    dropped: N - kept,
    stats: {
      items: N,
      poolItems: P,
      pairsImplied: N * P + (N * (N - 1)) / 2,
      pairsScored: scored,
      threads: 1,
      seconds: (performance.now() - t0) / 1000,
    },
  };
}

/** Options for {@link poolSimilarity}. */
export interface PoolSimilarityOptions {
  stem?: boolean;
  topK?: number;
}

/** How close each text comes to a reference pool. */
export interface PoolSimilarity {
  /** Exact max Rouge-L of each text to any pool text. */
  maxSimilarity: Float64Array;
  /** The pool text reaching it (smallest pool index on ties); null when the pool is empty. */
  nearest: (DedupNeighbour | null)[];
  topK?: DedupNeighbour[][];
}

/**
 * Cross-set overlap: each text against the pool only (the texts are not compared with each other), e.g. how close
 * each MedInstruct-test instruction comes to a seed task: the contamination question.
 */
export function poolSimilarity(texts: readonly string[], pool: readonly string[], options: PoolSimilarityOptions = {}): PoolSimilarity {
  // The incremental walk with a threshold nothing can meet keeps no item, so the index stays exactly the pool.
  const r = dedupIncremental(texts, { pool, threshold: -Infinity, stem: options.stem, topK: options.topK });
  return {
    maxSimilarity: Float64Array.from(r.items, (x) => x.maxSimilarity),
    nearest: r.items.map((x) => x.nearest),
    topK: options.topK ? r.items.map((x) => x.topK!) : undefined,
  };
}

/** One point of the kept-versus-threshold curve. */
export interface KeptPoint {
  threshold: number;
  kept: number;
  dropped: number;
}

/**
 * The all-pairs kept-versus-threshold curve from exact maxima: at threshold τ an item is kept iff its maximum is
 * <= τ, so one pass gives every threshold. Default thresholds: 0, 0.01, ..., 1.
 */
export function keptCurve(maxSimilarity: ArrayLike<number>, thresholds?: readonly number[]): KeptPoint[] {
  const sorted = Float64Array.from(maxSimilarity).sort();
  const ts = thresholds ?? Array.from({ length: 101 }, (_, i) => i / 100);
  return ts.map((threshold) => {
    // count of maxima <= threshold
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= threshold) lo = mid + 1;
      else hi = mid;
    }
    return { threshold, kept: lo, dropped: sorted.length - lo };
  });
}

/** Options for {@link incrementalKeptCurve}. */
export interface IncrementalKeptCurveOptions {
  /** Porter stemming (rouge_score's use_stemmer). Default false. */
  stem?: boolean;
  /** The pool the walk starts from (self-instruct: the seed tasks). Default none. */
  pool?: readonly string[];
}

/**
 * The incremental policy's kept-versus-threshold points: one {@link dedupIncremental} walk per threshold (unlike the
 * all-pairs curve, which {@link keptCurve} reads off one pass).
 */
export function incrementalKeptCurve(texts: readonly string[], thresholds: readonly number[], options: IncrementalKeptCurveOptions = {}): KeptPoint[] {
  return thresholds.map((threshold) => {
    const r = dedupIncremental(texts, { threshold, stem: options.stem, pool: options.pool });
    return { threshold, kept: r.kept, dropped: r.dropped };
  });
}
