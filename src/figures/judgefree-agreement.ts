/**
 * How far the judge-free measures (answer length, length relative to the reference, Rouge-L to the reference) agree
 * with the paper's reported win rates, across models, per test set and reference: a least-squares fit with R²,
 * Pearson's r and Kendall's tau-b with a permutation p-value, and the same as flat table rows.
 */
import { roundTo } from "../core/index.js";
import type { OutputLengthRow } from "./judgefree-lengths.js";
import type { RougeToReferenceRow } from "./judgefree-rouge.js";
import { kendallTauB, leastSquaresLine, pearsonCorrelation, type KendallOptions } from "./judgefree-stats.js";
import type { PaperValue } from "../data/index.js";
import { PAPER_JUDGE, PAPER_MODELS, PAPER_REFERENCES, PAPER_TEST_SETS, paperModel, type PaperReference, type PaperTestSet } from "./paper-spec.js";

/** The paper's win rate of a model folder on a test set against a reference (judge gpt-3.5-turbo), if reported. */
export function reportedWinRateFor(reported: readonly PaperValue[], model: string, testSet: string, reference: string): number | null {
  const p = paperModel(model);
  if (!p) return null;
  const row = reported.find(
    (r) => r.test_set === testSet && r.reference === reference && r.model === p.name && r.backbone === p.backbone && r.size === p.size && r.judge === PAPER_JUDGE,
  );
  return row ? row.win_rate_pct : null;
}

/** A judge-free measure against the paper's win rates, for one test set and reference, across models. */
export interface MeasureVsWinRate {
  measure: "meanWords" | "lengthRatio" | "rougeL";
  testSet: PaperTestSet;
  /** The reference the win rates are against; `all` = pooled over references (the length-ratio measure). */
  reference: PaperReference | "all";
  /** Models with both the measure and a reported win rate. */
  models: string[];
  x: number[];
  y: number[];
  /** Models left out, with why (missing outputs, no reported value). */
  missing: { model: string; reason: string }[];
  /** Least-squares fit of win rate on the measure; `r2` = the share of the win rates' variance it explains. */
  fit: { slope: number; intercept: number; r2: number };
  pearson: number;
  kendall: { tau: number; pValue: number; n: number };
}

/** Options for {@link measuresVsWinRates}. */
export interface MeasuresVsWinRatesOptions extends KendallOptions {
  /** Models to compare (default: every model with reported win rates). */
  models?: readonly string[];
  testSets?: readonly PaperTestSet[];
  references?: readonly PaperReference[];
}

/**
 * For every test set and reference: each judge-free measure (mean words, length ratio to the reference's answers,
 * mean Rouge-L to the reference) against the paper's reported win rates, across models: least-squares R², Pearson's
 * r and Kendall's tau-b (with ties) with a permutation p-value.
 */
export function measuresVsWinRates(
  lengths: readonly OutputLengthRow[],
  rouge: readonly RougeToReferenceRow[],
  reported: readonly PaperValue[],
  options: MeasuresVsWinRatesOptions = {},
): MeasureVsWinRate[] {
  const models = options.models ?? PAPER_MODELS.filter((p) => reported.some((r) => r.model === p.name && r.backbone === p.backbone && r.size === p.size)).map((p) => p.model);
  const out: MeasureVsWinRate[] = [];
  const modelWords = (model: string, testSet: PaperTestSet) => lengths.find((l) => l.kind === "model" && l.model === model && l.testSet === testSet)?.meanWords ?? null;
  const refWords = (ref: PaperReference, testSet: PaperTestSet) => lengths.find((l) => l.kind === "reference" && l.model === ref && l.testSet === testSet)?.meanWords ?? null;
  const finish = (measure: MeasureVsWinRate["measure"], testSet: PaperTestSet, reference: PaperReference | "all", used: string[], xs: number[], ys: number[], missing: { model: string; reason: string }[]) => {
    const fit = leastSquaresLine(xs, ys);
    const k = kendallTauB(xs, ys, options);
    out.push({ measure, testSet, reference, models: used, x: xs, y: ys, missing, fit: { slope: fit.slope, intercept: fit.intercept, r2: fit.r2 }, pearson: pearsonCorrelation(xs, ys), kendall: { tau: k.tau, pValue: k.pValue, n: k.n } });
  };
  for (const testSet of options.testSets ?? PAPER_TEST_SETS) {
    // Pooled over references: a model's length relative to the reference's answers vs its win rate against it.
    const pooled = { xs: [] as number[], ys: [] as number[], used: [] as string[], missing: [] as { model: string; reason: string }[] };
    for (const reference of options.references ?? PAPER_REFERENCES) {
      for (const model of models) {
        const y = reportedWinRateFor(reported, model, testSet, reference);
        const w = modelWords(model, testSet);
        const r = refWords(reference, testSet);
        if (y === null) pooled.missing.push({ model: `${model} vs ${reference}`, reason: "no reported win rate" });
        else if (w === null || !r) pooled.missing.push({ model: `${model} vs ${reference}`, reason: "no outputs or no reference answers" });
        else {
          pooled.xs.push(w / r);
          pooled.ys.push(y);
          pooled.used.push(`${model} vs ${reference}`);
        }
      }
    }
    finish("lengthRatio", testSet, "all", pooled.used, pooled.xs, pooled.ys, pooled.missing);
    for (const reference of options.references ?? PAPER_REFERENCES) {
      const measures: [MeasureVsWinRate["measure"], (model: string) => number | null, string][] = [
        ["meanWords", (model) => modelWords(model, testSet), "no outputs"],
        ["rougeL", (model) => rouge.find((r) => r.model === model && r.testSet === testSet && r.reference === reference)?.meanRougeL ?? null, "no Rouge-L (outputs missing)"],
      ];
      for (const [measure, value, why] of measures) {
        const xs: number[] = [];
        const ys: number[] = [];
        const used: string[] = [];
        const missing: { model: string; reason: string }[] = [];
        for (const model of models) {
          const y = reportedWinRateFor(reported, model, testSet, reference);
          const x = value(model);
          if (y === null) missing.push({ model, reason: "no reported win rate" });
          else if (x === null || !Number.isFinite(x)) missing.push({ model, reason: why });
          else {
            xs.push(x);
            ys.push(y);
            used.push(model);
          }
        }
        finish(measure, testSet, reference, used, xs, ys, missing);
      }
    }
  }
  return out;
}

/** A flat row of the rank-agreement table. */
export type RankAgreementRow = {
  testSet: string;
  reference: string;
  measure: string;
  n: number;
  kendallTau: number | null;
  pValue: number | null;
  pearson: number | null;
  r2: number | null;
  missing: string;
};

/** {@link measuresVsWinRates} as flat rows (NaN shown as null) for tables. */
export function rankAgreementTable(results: readonly MeasureVsWinRate[]): RankAgreementRow[] {
  const num = (v: number, d: number) => (Number.isFinite(v) ? roundTo(v, d) : null);
  return results.map((r) => ({
    testSet: r.testSet,
    reference: r.reference,
    measure: r.measure,
    n: r.models.length,
    kendallTau: num(r.kendall.tau, 3),
    pValue: num(r.kendall.pValue, 4),
    pearson: num(r.pearson, 3),
    r2: num(r.fit.r2, 3),
    missing: r.missing.map((m) => `${m.model} (${m.reason})`).join("; "),
  }));
}
