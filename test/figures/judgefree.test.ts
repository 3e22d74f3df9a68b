// Judge-free analyses (beyond the paper): Kendall's tau-b with ties pinned to scipy, least squares, and the length /
// Rouge-L tables on an injected answer source (a missing output is a missing cell, never a zero), then the real data.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadPaperValues } from "../../src/data/index.js";
import { kendallTauB, leastSquaresLine, measuresVsWinRates, outputLengthTable, pearsonCorrelation, rankAgreementTable, type AnswerSource } from "../../src/figures/index.js";
import { wordCount } from "../../src/core/index.js";
import { buildLengthVsWinRateFigure, buildOutputLengthFigure, buildRankAgreementFigure, buildRougeHeatmap } from "../../src/figures/judgefree-charts.js";
import { publishedAnswerSource } from "../../src/figures/judgefree-answers.js";
import { rougeLToReferences } from "../../src/figures/judgefree-rouge.js";
import { seededSampleIndices } from "../../src/figures/judgefree-stats.js";

describe("statistics", () => {
  test("Kendall's tau-b with ties equals scipy.stats.kendalltau", () => {
    // scipy's documented example: kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) -> -0.47140452079103173
    const k = kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]);
    assert.ok(Math.abs(k.tau - -0.47140452079103173) < 1e-12, String(k.tau));
    assert.equal(k.n, 5);
    assert.ok(k.pValue > 0 && k.pValue <= 1);
    // No ties: tau-b = tau-a = (C - D) / (n choose 2).
    const t = kendallTauB([1, 2, 3, 4, 5], [3, 4, 1, 5, 2]);
    assert.equal(t.concordant, 5);
    assert.equal(t.discordant, 5);
    assert.equal(t.tau, 0);
    assert.equal(kendallTauB([1, 2, 3, 4], [1, 2, 3, 4]).tau, 1);
    assert.equal(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1]).tau, -1);
    // Exact permutation p for n = 4, perfect agreement: 2 of 24 orderings reach |tau| = 1.
    assert.ok(Math.abs(kendallTauB([1, 2, 3, 4], [1, 2, 3, 4]).pValue - 2 / 24) < 1e-12);
    assert.ok(Number.isNaN(kendallTauB([1, 1, 1], [1, 2, 3]).tau));
  });

  test("least squares and Pearson", () => {
    const f = leastSquaresLine([1, 2, 3, 4], [3, 5, 7, 9]);
    assert.ok(Math.abs(f.slope - 2) < 1e-12 && Math.abs(f.intercept - 1) < 1e-12 && Math.abs(f.r2 - 1) < 1e-12);
    const r = pearsonCorrelation([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]);
    assert.ok(Math.abs(r - 0.8) < 1e-12);
    assert.ok(Math.abs(leastSquaresLine([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]).r2 - 0.64) < 1e-12);
  });

  test("seeded samples are reproducible and distinct", () => {
    const a = seededSampleIndices(1000, 50, 7);
    assert.deepEqual(a, seededSampleIndices(1000, 50, 7));
    assert.equal(new Set(a).size, 50);
    assert.deepEqual(seededSampleIndices(5, 10), [0, 1, 2, 3, 4]);
  });
});

describe("judge-free tables on an injected source", () => {
  const source: AnswerSource = {
    modelAnswers(model, testSet) {
      if (model === "alpaca" && testSet === "iCliniq") throw new Error("alpaca/iCliniq is not mirrored");
      const long = model === "AlpaCare-7b";
      return ["a b c", long ? "take two tablets every day with water" : "rest", ""];
    },
    referenceAnswers() {
      return ["a b c", "take two tablets daily with water", "see a doctor"];
    },
  };
  const opts = { models: ["alpaca", "AlpaCare-7b"], testSets: ["iCliniq", "MedInstruct-test"] as const, references: ["gpt-4"] as const };

  test("lengths: words per answer, empty answers counted, missing outputs marked", () => {
    const rows = outputLengthTable(source, { ...opts, testSets: [...opts.testSets], references: [...opts.references] });
    const miss = rows.find((r) => r.model === "alpaca" && r.testSet === "iCliniq")!;
    assert.equal(miss.status, "missing");
    assert.equal(miss.meanWords, null);
    assert.match(miss.reason!, /not mirrored/);
    const ac = rows.find((r) => r.model === "AlpaCare-7b" && r.testSet === "iCliniq")!;
    assert.equal(ac.meanWords, round1((3 + 7 + 0) / 3));
    assert.equal(ac.empty, 1);
    const ref = rows.find((r) => r.kind === "reference" && r.testSet === "iCliniq")!;
    assert.equal(ref.meanWords, round1((3 + 6 + 3) / 3));
    assert.equal(wordCount("  one\ttwo\nthree "), 3);
  });

  test("Rouge-L to references: aligned by item, missing side -> null", () => {
    const rows = rougeLToReferences(source, { ...opts, testSets: [...opts.testSets], references: [...opts.references], sample: Infinity });
    assert.equal(rows.find((r) => r.model === "alpaca" && r.testSet === "iCliniq")!.meanRougeL, null);
    const ac = rows.find((r) => r.model === "AlpaCare-7b" && r.testSet === "iCliniq")!;
    // item 0 identical (1), item 1: LCS "take two tablets with water" = 5 of 7 and 6 -> F = 2*(5/7)(5/6)/((5/7)+(5/6)), item 2 empty (0)
    const p = 5 / 7;
    const r = 5 / 6;
    assert.ok(Math.abs(ac.meanRougeL! - Math.round(((1 + (2 * p * r) / (p + r) + 0) / 3) * 1e4) / 1e4) < 1e-12);
    assert.equal(ac.n, 3);
  });

  test("figures draw missing cells as marks, not zeros", () => {
    const rows = outputLengthTable(source, { ...opts, testSets: [...opts.testSets], references: [...opts.references] });
    const fig = buildOutputLengthFigure(rows);
    const icliniq = fig.data.find((t) => t.name === "iCliniq")!;
    assert.equal((icliniq.y as (number | null)[])[0], null);
    assert.ok((fig.layout.annotations as { text: string }[]).some((a) => a.text === "missing"));
    assert.match(String((fig.layout.title as { text: string }).text), /Beyond the paper/);
  });
});

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

describe("judge-free analyses on the published outputs", () => {
  test("length and Rouge-L against the paper's win rates, per test set and reference", () => {
    const source = publishedAnswerSource();
    const lengths = outputLengthTable(source);
    // The five outputs that are not mirrored are missing, the other 14 x 3 - 5 are read.
    const missing = lengths.filter((r) => r.kind === "model" && r.status === "missing").map((r) => `${r.model}/${r.testSet}`).sort();
    assert.deepEqual(missing, ["ChatDoctor_weights/iCliniq", "alpaca-7b-llama-2/iCliniq", "alpaca/iCliniq", "baize-h-7b/AlpacaFarm", "medalpaca-7b/iCliniq"]);
    assert.equal(lengths.filter((r) => r.kind === "model" && r.status === "ok").length, 14 * 3 - 5);
    const rouge = rougeLToReferences(source, { sample: 20, testSets: ["MedInstruct-test"] });
    assert.equal(rouge.filter((r) => r.status === "ok").length, 14 * 4);
    const results = measuresVsWinRates(lengths, rouge, loadPaperValues(), { permutations: 200, testSets: ["MedInstruct-test"] });
    // MedInstruct-test: 12 models have reported win rates and outputs.
    const words = results.find((r) => r.measure === "meanWords" && r.reference === "gpt-4")!;
    assert.equal(words.models.length, 12);
    assert.ok(words.fit.r2 >= 0 && words.fit.r2 <= 1);
    assert.ok(words.kendall.tau >= -1 && words.kendall.tau <= 1);
    const pooled = results.find((r) => r.measure === "lengthRatio" && r.reference === "all")!;
    assert.equal(pooled.models.length, 48);
    const table = rankAgreementTable(results);
    assert.equal(table.length, 1 + 2 * 4);
    for (const fig of [buildLengthVsWinRateFigure(results), buildRougeHeatmap(rouge), buildRankAgreementFigure(results)]) {
      assert.match(String((fig.layout.title as { text: string }).text), /Beyond the paper/);
    }
  });
});
