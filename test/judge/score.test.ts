import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { npSum, nanMean } from "../../src/core/numpy.js";
import { bootstrapWinRate, dualSidedScores, itemScore, pairedBootstrap, summariseVerdicts, winRate, itemScoreMap } from "../../src/judge/score.js";
import { positionBias, verdictMatrix } from "../../src/judge/position-bias.js";
import { lengthDiagnostics } from "../../src/judge/length-diagnostics.js";
import { lengthAdjustedWinRate } from "../../src/judge/length-adjusted.js";
import { cohenKappa, judgeAgreement } from "../../src/judge/agreement.js";
import { readVerdictFile } from "../../src/judge/store.js";
import type { JudgeOrder, VerdictRecord, VerdictScore } from "../../src/judge/types.js";

function rec(itemId: string, order: JudgeOrder, v: VerdictScore, extra: Partial<VerdictRecord> = {}): VerdictRecord {
  const [model1, model2] = order === "referenceFirst" ? ["gpt-4", "AlpaCare-7b"] : ["AlpaCare-7b", "gpt-4"];
  return {
    schema: "alpacare-verdict/1", itemId, index: Number(itemId), model: "AlpaCare-7b", reference: "gpt-4", testSet: "MedInstruct-test",
    order, model1, model2, judge: { provider: "openai", model: "gpt-3.5-turbo" }, template: { name: "chatgpt", hash: "h" },
    raw: "", verdict: { alpacare: v, robust: v }, timestamp: "", ...extra,
  };
}

/** Items as [referenceFirst, referenceLast] verdicts. */
function build(pairs: [VerdictScore, VerdictScore][]): VerdictRecord[] {
  return pairs.flatMap(([a, b], i) => [rec(String(i), "referenceFirst", a), rec(String(i), "referenceLast", b)]);
}

test("NumPy summation order: pairwise sums pinned to numpy 2.4 values (a plain loop differs)", () => {
  const P = [0.001, 0.01, 0.1, 1, 10, 100, 1000];
  const arr = (n: number) => Array.from({ length: n }, (_, i) => (((i * 7919) % 1000) / 997) * P[i % 7]!);
  // Expected values computed with numpy.sum / numpy.nanmean on the same arrays.
  const expected: [number, number, number][] = [
    [7, 582.8585656970913, 104.63590571715145],
    [8, 582.859, 87.19666048144434],
    [9, 582.8625305917753, 74.74049906863448],
    [100, 8373.794849548647, 81.12160193079238],
    [129, 10522.523152457372, 75.25258097593752],
    [257, 20380.468994984956, 81.75697271326173],
    [1000, 79922.73340922767, 81.602018140672],
  ];
  for (const [n, sum, nm] of expected) {
    const a = arr(n);
    assert.equal(npSum(a), sum, `sum n=${n}`);
    assert.equal(nanMean(a.map((x, i) => (i % 5 === 0 ? NaN : x))), nm, `nanmean n=${n}`);
  }
  const seq = arr(257).reduce((s, x) => s + x, 0);
  assert.notEqual(seq, 20380.468994984956, "the left-to-right sum is different: order matters");
  assert.ok(Number.isNaN(nanMean([NaN, NaN])));
  assert.ok(Number.isNaN(nanMean([])));
});

test("alpacare policy: mean of the two orders, NaN if either is unparsed; win+tie = 0.75, win+loss = 0.5", () => {
  assert.equal(itemScore("alpacare", 1, 0.5), 0.75);
  assert.equal(itemScore("alpacare", 1, 0), 0.5);
  assert.equal(itemScore("alpacare", 1, 1), 1);
  assert.ok(Number.isNaN(itemScore("alpacare", 1, null)));
  assert.ok(Number.isNaN(itemScore("alpacare", undefined, 1)));
  // FastChat: disagreement is a tie; agreement keeps the verdict.
  assert.equal(itemScore("fastchat", 1, 0.5), 0.5);
  assert.equal(itemScore("fastchat", 1, 0), 0.5);
  assert.equal(itemScore("fastchat", 1, 1), 1);
  assert.equal(itemScore("fastchat", 0, 0), 0);
  assert.ok(Number.isNaN(itemScore("fastchat", null, 0)));
});

test("win rate on a hand-built verdict file: NaN items dropped, counted, and listed", () => {
  const dir = mkdtempSync(join(tmpdir(), "judge-score-"));
  const file = join(dir, "v.jsonl");
  // items: win+win, win+tie, tie+tie, loss+loss, win+unparsed, unparsed+unparsed
  const recs = build([[1, 1], [1, 0.5], [0.5, 0.5], [0, 0], [1, null], [null, null]]);
  writeFileSync(file, recs.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const read = readVerdictFile(file);
  const { scores } = dualSidedScores(read);
  assert.deepEqual(scores.slice(0, 4), [1, 0.75, 0.5, 0]);
  assert.ok(Number.isNaN(scores[4]!) && Number.isNaN(scores[5]!));
  assert.equal(winRate(scores), ((1 + 0.75 + 0.5 + 0) / 4) * 100);
  const s = summariseVerdicts(read);
  assert.equal(s.winRate, 56.25);
  assert.equal(s.n, 4);
  assert.equal(s.items, 6);
  assert.equal(s.unparsed, 3);
  assert.equal(s.excludedItems, 2);
  assert.equal(s.wins, 1);
  assert.equal(s.ties, 1);
  assert.equal(s.losses, 1);
  assert.equal(s.partial, 1);
  // 8 parsed verdicts, 3 of them ties.
  assert.equal(s.tieRate, 3 / 9);
  const f = summariseVerdicts(read, { policy: "fastchat" });
  assert.equal(f.winRate, ((1 + 0.5 + 0.5 + 0) / 4) * 100);
});

test("mixing groups is refused instead of pairing one model's verdicts with another's", () => {
  const a = build([[1, 1]]);
  const b = build([[0, 0]]).map((r) => ({ ...r, model: "other" }));
  assert.throws(() => summariseVerdicts([...a, ...b]), /several groups/);
});

test("empty input and all-unparsed input give NaN, not a crash", () => {
  const e = summariseVerdicts([]);
  assert.ok(Number.isNaN(e.winRate));
  assert.equal(e.n, 0);
  assert.ok(Number.isNaN(e.ci95[0]) && Number.isNaN(e.standardError) && Number.isNaN(e.flipRate));
  const u = summariseVerdicts(build([[null, null], [null, 1]]));
  assert.ok(Number.isNaN(u.winRate));
  assert.equal(u.unparsed, 3);
});

test("position bias: flips, same-position picks, first-position share, ties", () => {
  // item0: model wins both (no flip); item1: judge picks (a) both times -> ref, model (flip, same position);
  // item2: tie + model (flip); item3: loss both.
  const items = dualSidedScores(build([[1, 1], [0, 1], [0.5, 1], [0, 0]])).items;
  const b = positionBias(items);
  assert.equal(b.pairs, 4);
  assert.equal(b.flipRate, 0.5);
  assert.equal(b.samePositionRate, 0.25);
  assert.equal(b.tieRate, 1 / 8);
  // positions: item0 b,a; item1 a,a; item2 tie,a; item3 a,b -> 5 of 7 decisive picks are (a)
  assert.equal(b.firstPositionWinShare, 5 / 7);
  const m = verdictMatrix(items);
  assert.equal(m.model.model, 1);
  assert.equal(m.reference.model, 1);
  assert.equal(m.tie.model, 1);
  assert.equal(m.reference.reference, 1);
});

test("bootstrap: deterministic per seed, brackets the estimate; paired bootstrap of a model against itself is 0", () => {
  const scores = Array.from({ length: 200 }, (_, i) => [1, 0.75, 0.5, 0.25, 0][i % 5]!);
  const a = bootstrapWinRate(scores, { seed: 1 });
  const b = bootstrapWinRate(scores, { seed: 1 });
  assert.deepEqual(a, b);
  assert.equal(a.estimate, 50);
  assert.ok(a.ci[0] < 50 && a.ci[1] > 50 && a.ci[1] - a.ci[0] < 15);
  assert.notDeepEqual(bootstrapWinRate(scores, { seed: 2 }).ci, a.ci);
  const recs = build(scores.map((s) => [s >= 0.5 ? 1 : 0, s > 0.5 ? 1 : 0] as [VerdictScore, VerdictScore]));
  const m = itemScoreMap(recs);
  const same = pairedBootstrap(m, m);
  assert.equal(same.estimate, 0);
  assert.deepEqual(same.ci, [0, 0]);
  const better = new Map([...m].map(([k, v]) => [k, Math.min(1, v + 0.25)]));
  const d = pairedBootstrap(better, m);
  assert.ok(d.estimate > 0 && d.ci[0] > 0 && d.pValue < 0.05);
});

test("length diagnostics and the length-controlled win rate (beyond the paper)", () => {
  // Longer model outputs win: the raw win rate is inflated by length; at zero difference it is about even.
  const recs: VerdictRecord[] = [];
  for (let i = 0; i < 200; i++) {
    const d = (i % 20) * 50 - 475; // -475 .. 475
    const win: VerdictScore = d > 0 ? 1 : d < 0 ? 0 : 0.5;
    const v: VerdictScore = i % 4 === 0 ? 0.5 : win;
    const extra = { modelOutputChars: 1000 + d + 2000, referenceOutputChars: 3000, index: i };
    recs.push(rec(String(i), "referenceFirst", v, extra), rec(String(i), "referenceLast", v, extra));
  }
  const { items, scores } = dualSidedScores(recs);
  const bins = lengthDiagnostics(items, scores, { bins: 4 });
  assert.equal(bins.length, 4);
  assert.equal(bins.reduce((s, b) => s + b.n, 0), 200);
  assert.ok(bins[0]!.winRate < 30 && bins[3]!.winRate > 70);
  const lc = lengthAdjustedWinRate(items, scores);
  assert.ok(Math.abs(lc.lengthAdjustedWinRate - 50) < 5, String(lc.lengthAdjustedWinRate));
  assert.ok(lc.lengthSlope > 1);
  assert.match(lc.note, /beyond the paper/);
  // Skew the data toward long winners: raw win rate rises, the length-controlled one stays near the middle.
  const skew = recs.filter((r) => (r.modelOutputChars ?? 0) - (r.referenceOutputChars ?? 0) > -300);
  const s2 = dualSidedScores(skew);
  const lc2 = lengthAdjustedWinRate(s2.items, s2.scores);
  assert.ok(lc2.winRate > 60);
  assert.ok(lc2.lengthAdjustedWinRate < lc2.winRate);
});

test("judge agreement: percent agreement and Cohen's kappa", () => {
  // Textbook example: 50 pairs, po = 0.7, pe = 0.5 -> kappa 0.4.
  const pairs: [string, string][] = [
    ...Array<[string, string]>(20).fill(["y", "y"]), ...Array<[string, string]>(5).fill(["y", "n"]),
    ...Array<[string, string]>(10).fill(["n", "y"]), ...Array<[string, string]>(15).fill(["n", "n"]),
  ];
  const k = cohenKappa(pairs);
  assert.equal(k.percentAgreement, 0.7);
  assert.ok(Math.abs(k.kappa - 0.4) < 1e-12);
  const a = build([[1, 1], [0, 0], [0.5, 1], [1, null]]);
  const b = build([[1, 1], [0, 1], [0.5, 1], [1, 1]]);
  const ag = judgeAgreement(a, b);
  assert.equal(ag.n, 7);
  assert.equal(ag.excluded, 1);
  assert.equal(ag.percentAgreement, 6 / 7);
  assert.ok(Number.isNaN(cohenKappa([["x", "x"]]).kappa));
});
