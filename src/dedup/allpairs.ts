/**
 * Exact nearest neighbours of every item under Rouge-L, across worker threads: for each input item, its maximum
 * Rouge-L to any other item (and to the optional pool), the index of the item reaching it (smallest index on ties),
 * and optionally its top-k.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { packCorpus, internTexts } from "./corpus.js";
import { runChunks, type AllPairsShared, type KernelMessage } from "./allpairs-kernel.js";

/** One neighbour: an input item or a pool item, and its Rouge-L F. */
export interface DedupNeighbour {
  source: "input" | "pool";
  index: number;
  similarity: number;
}

/** Options for {@link nearestNeighbours}. */
export interface NearestNeighbourOptions {
  /** Porter-stem tokens longer than 3 characters (rouge_score `use_stemmer=True`). Default false (the paper). */
  stem?: boolean;
  /** Extra texts every item is compared with (e.g. the seed tasks); they are never dropped themselves. */
  pool?: readonly string[];
  /** Also return the k most similar items per item (self-instruct keeps 10). Default 0. */
  topK?: number;
  /** Threads; default: all cores (`os.availableParallelism()`) from 2,000 input items up, else 1. */
  threads?: number;
  /** Called as units are searched (`done` of `total`). */
  onProgress?: (done: number, total: number) => void;
}

/** Exact neighbours of every input item. */
export interface NearestNeighbours {
  /** Max Rouge-L F of each input item to any other input item or pool item (0 when nothing shares a token). */
  maxSimilarity: Float64Array;
  /** For each item, where its maximum is reached: the smallest index reaching it, pool items first; null when
   * there is nothing to compare with. */
  nearest: (DedupNeighbour | null)[];
  /** Top-k neighbours per item (score descending, then pool before input, then index ascending); when `topK` > 0. */
  topK?: DedupNeighbour[][];
  stats: {
    items: number;
    poolItems: number;
    /** Distinct token sequences (identical ones are merged: their similarity is 1). */
    units: number;
    /** Pairs a brute-force all-pairs run compares: n(n-1)/2 + n·pool. */
    pairsImplied: number;
    /** Pairs whose LCS was actually computed. */
    pairsScored: number;
    threads: number;
    /** Wall seconds in all; of which tokenizing, interning and indexing. */
    seconds: number;
    prepareSeconds: number;
  };
}

/**
 * How to start a worker. From dist it is plain `worker.js`. From source (tsx) it is `worker.ts`, and Node 20 does
 * not apply the parent's `--import tsx` loader hooks to a worker's entry module, so a tiny eval'd bootstrap
 * registers tsx's ESM hooks inside the worker first, then imports `worker.ts`.
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./worker.js", import.meta.url), { workerData });
  const api = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./worker.ts", import.meta.url).href;
  const code =
    `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })` +
    `.catch((e) => { console.error(e); process.exit(1); });`;
  return new Worker(code, { eval: true, workerData });
}

function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(8, n * 8)));
}
function sharedI32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4)));
}

/**
 * Exact Rouge-L nearest neighbours of every text (all pairs), optionally also against a pool. The result is the
 * same as comparing every pair with rouge_score, whatever the thread count.
 */
export async function nearestNeighbours(texts: readonly string[], options: NearestNeighbourOptions = {}): Promise<NearestNeighbours> {
  const t0 = performance.now();
  const pool = options.pool ?? [];
  const P = pool.length;
  const N = texts.length;
  const total = P + N;
  const k = Math.max(0, Math.floor(options.topK ?? 0));
  const all = P > 0 ? [...pool, ...texts] : (texts as string[]);
  const { ids, vocabSize } = internTexts(all, options.stem ?? false);

  const threads = Math.max(1, Math.min(options.threads ?? (N >= 2000 ? availableParallelism() : 1), 64));
  // Typed arrays go on SharedArrayBuffers when worker threads will read them (no copies).
  const c = packCorpus(ids, vocabSize, threads > 1);
  // Units worth searching: non-empty, holding an input item, and (in max mode) not already settled at 1 by an
  // identical copy.
  const todoList: number[] = [];
  for (let u = 0; u < c.units; u++) {
    const m = c.seqOff[u + 1]! - c.seqOff[u]!;
    if (m === 0) continue;
    const size = c.memberOff[u + 1]! - c.memberOff[u]!;
    const hasInput = c.members[c.memberOff[u + 1]! - 1]! >= P;
    if (!hasInput) continue;
    if (k <= 1 && size > 1) continue;
    todoList.push(u);
  }
  const shared: AllPairsShared = {
    corpus: {
      units: c.units,
      vocabSize: c.vocabSize,
      seqOff: c.seqOff,
      seq: c.seq,
      bag: c.bag,
      key: c.key,
      postOff: c.postOff,
      post: c.post,
      postR: c.postR,
    },
    memberOff: threads > 1 ? toShared(c.memberOff) : c.memberOff,
    members: threads > 1 ? toShared(c.members) : c.members,
    todo: threads > 1 ? toShared(Int32Array.from(todoList)) : Int32Array.from(todoList),
    counter: sharedI32(1),
    lb: sharedI32(c.units),
    bestScore: sharedF64(c.units),
    bestKey: sharedI32(c.units),
    k: Math.max(1, k),
    chunk: 64,
  };
  const unitTop = new Map<number, { scores: number[]; keys: number[] }>();
  let done = 0;
  const onMessage = (msg: KernelMessage) => {
    if (msg.type === "progress") {
      done += msg.done;
      options.onProgress?.(done, todoList.length);
    } else {
      msg.units.forEach((u, i) => unitTop.set(u, { scores: msg.scores[i]!, keys: msg.keys[i]! }));
    }
  };

  const tSearch = performance.now();
  let scored = 0;
  if (threads === 1) {
    scored = runChunks(shared, onMessage);
  } else {
    const runs = Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = startWorker(shared);
          let result = 0;
          w.on("message", (msg: KernelMessage | { type: "done"; scored: number }) => {
            if (msg.type === "done") result = msg.scored;
            else onMessage(msg);
          });
          w.on("error", reject);
          w.on("exit", (code) => (code === 0 ? resolve(result) : reject(new Error(`dedup worker exited with code ${code}`))));
        }),
    );
    scored = (await Promise.all(runs)).reduce((a, b) => a + b, 0);
  }

  // Map units back to items.
  const toNeighbour = (ci: number, similarity: number): DedupNeighbour =>
    ci < P ? { source: "pool", index: ci, similarity } : { source: "input", index: ci - P, similarity };
  const smallestOther = (ci: number): number | null => (total <= 1 ? null : ci === 0 ? 1 : 0);
  const maxSimilarity = new Float64Array(N);
  const nearest: (DedupNeighbour | null)[] = new Array(N);
  const topK: DedupNeighbour[][] | undefined = k > 0 ? new Array(N) : undefined;
  for (let i = 0; i < N; i++) {
    const ci = P + i;
    const u = c.unitOf[ci]!;
    const m = c.seqOff[u + 1]! - c.seqOff[u]!;
    const mo0 = c.memberOff[u]!;
    const mo1 = c.memberOff[u + 1]!;
    let best = 0;
    let bestIdx: number | null = null;
    if (m > 0 && mo1 - mo0 > 1) {
      best = 1;
      bestIdx = c.members[mo0] === ci ? c.members[mo0 + 1]! : c.members[mo0]!;
    } else if (m > 0 && k <= 1 && shared.bestScore[u]! > 0) {
      best = shared.bestScore[u]!;
      bestIdx = shared.bestKey[u]!;
    } else if (m > 0 && k > 1) {
      const t = unitTop.get(u);
      if (t && t.scores.length > 0 && t.scores[0]! > 0) {
        // entries include ci itself (score 1 only if it has a copy; singletons never list themselves)
        for (let q = 0; q < t.keys.length; q++)
          if (t.keys[q] !== ci) {
            best = t.scores[q]!;
            bestIdx = t.keys[q]!;
            break;
          }
      }
    }
    if (bestIdx === null) {
      best = 0;
      bestIdx = smallestOther(ci);
    }
    maxSimilarity[i] = best;
    nearest[i] = bestIdx === null ? null : toNeighbour(bestIdx, best);
    if (topK) {
      const list: DedupNeighbour[] = [];
      const taken = new Set<number>([ci]);
      const t = m > 0 ? unitTop.get(u) : undefined;
      if (t)
        for (let q = 0; q < t.keys.length && list.length < k; q++) {
          if (t.keys[q] === ci) continue;
          list.push(toNeighbour(t.keys[q]!, t.scores[q]!));
          taken.add(t.keys[q]!);
        }
      // fewer than k items share a token: the rest score 0; smallest indices first
      for (let j = 0; j < total && list.length < k; j++) if (!taken.has(j)) list.push(toNeighbour(j, 0));
      topK[i] = list;
    }
  }
  return {
    maxSimilarity,
    nearest,
    topK,
    stats: {
      items: N,
      poolItems: P,
      units: c.units,
      pairsImplied: (N * (N - 1)) / 2 + N * P,
      pairsScored: scored,
      threads,
      seconds: (performance.now() - t0) / 1000,
      prepareSeconds: (tSearch - t0) / 1000,
    },
  };
}

function toShared(a: Int32Array): Int32Array {
  const s = sharedI32(a.length);
  s.set(a);
  return s;
}
