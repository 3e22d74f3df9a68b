// The threshold analyses of notebook 03, on constructed token sequences: pairs just above / below the threshold, and
// the items whose verdict flips when Rouge-L F is computed as 2·LCS/(m+n) instead of rouge_score's 2PR/(P+R).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  dedupIncremental,
  floatOrderFlips,
  fmeasureOtherOrder,
  incrementalKeptCurve,
  itemMaxima,
  nearestNeighbours,
  pairsNearThreshold,
} from "../../src/dedup/index.js";
import { rougeLFromLcs } from "../../src/text/index.js";

const words = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(" ");
// LCS 7 of 9 and 11 tokens: rouge_score's F is 0.7000000000000001 (> 0.7, dropped), 14/20 is exactly 0.7 (kept).
const nine = `${words("w", 7)} x1 x2`;
const eleven = `${words("w", 7)} y1 y2 y3 y4`;
// LCS 6 of 9 and 11 tokens: 0.6 both ways, no flip at 0.7 or at 0.6.
const nineB = `${words("v", 6)} p1 p2 p3`;
const elevenB = `${words("v", 6)} q1 q2 q3 q4 q5`;
const unrelated = "completely different words here";

test("the two float orders of Rouge-L F disagree at the threshold for LCS 7 of 9 and 11 tokens", () => {
  assert.equal(rougeLFromLcs(7, 9, 11), 0.7000000000000001);
  assert.equal(fmeasureOtherOrder(7, 9, 11), 0.7);
  assert.equal(fmeasureOtherOrder(7, 8, 12), 0.7);
  assert.ok(rougeLFromLcs(7, 8, 12) > 0.7);
  assert.equal(fmeasureOtherOrder(0, 0, 0), 0);
});

test("floatOrderFlips finds exactly the pairs on the other side of the threshold", async () => {
  const texts = [nine, eleven, nineB, elevenB, unrelated];
  const nn = await nearestNeighbours(texts, { threads: 1 });
  assert.equal(nn.maxSimilarity[0], 0.7000000000000001);
  assert.equal(nn.maxSimilarity[2], rougeLFromLcs(6, 9, 11));
  const flips = floatOrderFlips(texts, nn, { threshold: 0.7 });
  assert.deepEqual(
    flips.map((f) => [f.item, f.nearest, f.lcs, f.itemTokens, f.nearestTokens, f.similarity, f.fmeasureOtherOrder]),
    [
      [0, 1, 7, 9, 11, 0.7000000000000001, 0.7],
      [1, 0, 7, 11, 9, 0.7000000000000001, 0.7],
    ],
  );
  assert.deepEqual(floatOrderFlips(texts, nn, { threshold: 0.6 }), []);
  assert.deepEqual(floatOrderFlips(texts, nn, { threshold: 0.8 }), []);
  // The same from an incremental run: item 1's nearest is item 0 (kept before it); item 0 had nothing to compare.
  const inc = dedupIncremental(texts, { threshold: 0.7 });
  assert.deepEqual(floatOrderFlips(texts, inc).map((f) => f.item), [1]);
  // Pool neighbours are not pairs of the pool itself: not checked.
  const againstPool = dedupIncremental([eleven], { threshold: 0.7, pool: [nine] });
  assert.equal(againstPool.items[0]!.nearest!.source, "pool");
  assert.deepEqual(floatOrderFlips([eleven], againstPool), []);
});

test("pairsNearThreshold: each side within the window, closest first, every pair once", () => {
  const maxima = {
    maxSimilarity: Float64Array.from([0.72, 0.72, 0.69, 0.7, 0.74, 0.9, 0.66, 0.71]),
    nearest: [
      { source: "input" as const, index: 1, similarity: 0.72 },
      { source: "input" as const, index: 0, similarity: 0.72 }, // the same pair as item 0: listed once
      { source: "input" as const, index: 3, similarity: 0.69 },
      { source: "input" as const, index: 4, similarity: 0.7 },
      { source: "input" as const, index: 3, similarity: 0.74 },
      { source: "input" as const, index: 0, similarity: 0.9 }, // outside the window
      { source: "input" as const, index: 2, similarity: 0.66 },
      { source: "pool" as const, index: 0, similarity: 0.71 }, // a pool neighbour: skipped
    ],
  };
  const texts = ["a b c", "a b d", "e f", "e f g", "e f g h", "a", "e", "x"];
  const { above, below } = pairsNearThreshold(texts, maxima, { threshold: 0.7, window: 0.05 });
  assert.deepEqual(above.map((p) => [p.item, p.nearest]), [[0, 1], [4, 3]]);
  // 0.7 itself is "at or below" and closest, but item 3's pair (3, 4) was listed above; then 2 (0.69), then 6 (0.66).
  assert.deepEqual(below.map((p) => [p.item, p.nearest]), [[2, 3], [6, 2]]);
  const p = above[0]!;
  assert.deepEqual([p.lcs, p.itemTokens, p.nearestTokens, p.fmeasureOtherOrder], [2, 3, 3, 2 / 3]);
  assert.equal(pairsNearThreshold(texts, maxima, { perSide: 1 }).above.length, 1);
});

test("itemMaxima reads a dedup run's items; incrementalKeptCurve runs the walk once per threshold", () => {
  const texts = [nine, eleven, nineB, elevenB, unrelated];
  const r = dedupIncremental(texts, { threshold: 0.7 });
  const m = itemMaxima(r);
  assert.deepEqual(Array.from(m.maxSimilarity), r.items.map((x) => x.maxSimilarity));
  const curve = incrementalKeptCurve(texts, [0.5, 0.7, 0.8]);
  assert.deepEqual(curve, [0.5, 0.7, 0.8].map((t) => {
    const x = dedupIncremental(texts, { threshold: t });
    return { threshold: t, kept: x.kept, dropped: x.dropped };
  }));
  assert.deepEqual(curve.map((c) => c.kept), [3, 4, 5]);
});
