/** The loop every thread runs for the all-pairs search (main thread or worker); plain data in, shared arrays out. */
import type { PackedCorpus } from "./corpus.js";
import { Searcher, TopK } from "./search.js";

/** Everything a thread needs; all arrays are on SharedArrayBuffers when workers are used. */
export interface AllPairsShared {
  corpus: PackedCorpus;
  memberOff: Int32Array;
  members: Int32Array;
  /** Units to search. */
  todo: Int32Array;
  /** [0]: next position in `todo` to hand out. */
  counter: Int32Array;
  /** Max mode: shared lower bounds (floor(F·2^30)) per unit. */
  lb: Int32Array;
  /** Max mode results per unit: best score (-1 = none above 0) and its key. */
  bestScore: Float64Array;
  bestKey: Int32Array;
  /** Neighbours per item wanted (1 = max mode). */
  k: number;
  chunk: number;
}

/** Messages a thread reports: progress, and top-k lists (k > 1). */
export type KernelMessage =
  | { type: "progress"; done: number }
  | { type: "topk"; units: number[]; scores: number[][]; keys: number[][] };

/** Search units from the shared counter until none are left; returns the number of pairs scored. */
export function runChunks(s: AllPairsShared, report: (m: KernelMessage) => void): number {
  const searcher = new Searcher(s.corpus, { memberOff: s.memberOff, members: s.members });
  const maxMode = s.k === 1;
  const top = new TopK(maxMode ? 1 : s.k + 1);
  const n = s.todo.length;
  for (;;) {
    const start = Atomics.add(s.counter, 0, s.chunk);
    if (start >= n) break;
    const end = Math.min(n, start + s.chunk);
    const units: number[] = [];
    const scores: number[][] = [];
    const keys: number[][] = [];
    for (let i = start; i < end; i++) {
      const u = s.todo[i]!;
      searcher.searchUnit(u, top, maxMode ? s.lb : null);
      if (maxMode) {
        s.bestScore[u] = top.size > 0 ? top.scores[0]! : -1;
        s.bestKey[u] = top.size > 0 ? top.keys[0]! : -1;
      } else {
        units.push(u);
        scores.push(Array.from(top.scores.subarray(0, top.size)));
        keys.push(Array.from(top.keys.subarray(0, top.size)));
      }
    }
    if (!maxMode) report({ type: "topk", units, scores, keys });
    report({ type: "progress", done: end - start });
  }
  return searcher.scored;
}
