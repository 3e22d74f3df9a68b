/**
 * Near-duplicate filtering of generated tasks (PAPER.md section 3), either policy:
 * - inline (self-instruct's incremental policy) while generating: a task is compared with the seed instructions
 *   and the instructions kept so far, and kept when its highest Rouge-L is <= the threshold;
 * - post-hoc (the paper's): after generation, over all generated instructions; see {@link filterGeneratedTasks}.
 * Similarity is the text stage's exact `rouge_score` Rouge-L (no stemmer).
 */
import { lcsLength, rougeFMeasure, rougeTokenize } from "../text/index.js";
import type { InlineDeduper } from "./tasks.js";

function fmeasure(target: readonly number[] | Int32Array, prediction: readonly number[] | Int32Array, lcs: number): number {
  if (target.length === 0 || prediction.length === 0) return 0;
  return rougeFMeasure(lcs / prediction.length, lcs / target.length);
}

/**
 * An {@link InlineDeduper} over the seed instructions plus every kept instruction, with an upper bound to skip
 * hopeless pairs: LCS <= min(m, n), so F <= 2 min/(m+n); pairs that cannot exceed the threshold are not aligned.
 */
export function makeRougeInlineDeduper(seedInstructions: readonly string[], threshold: number): InlineDeduper {
  const vocab = new Map<string, number>();
  const encode = (s: string) => Int32Array.from(rougeTokenize(s), (t) => {
    let id = vocab.get(t);
    if (id === undefined) vocab.set(t, (id = vocab.size));
    return id;
  });
  const pool: { tokens: Int32Array; text: string }[] = seedInstructions.map((text) => ({ tokens: encode(text), text }));
  return {
    check(instruction: string) {
      const cand = encode(instruction);
      let best = 0;
      let nearest: string | undefined;
      for (const p of pool) {
        const m = cand.length;
        const n = p.tokens.length;
        if (m === 0 || n === 0) continue;
        const bound = (2 * Math.min(m, n)) / (m + n);
        if (bound <= best && bound <= threshold) continue;
        const f = fmeasure(p.tokens, cand, lcsLength(p.tokens, cand));
        if (f > best) {
          best = f;
          nearest = p.text;
        }
      }
      return { duplicate: best > threshold, score: best, nearest };
    },
    add(instruction: string) {
      pool.push({ tokens: encode(instruction), text: instruction });
    },
  };
}
