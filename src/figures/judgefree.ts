/**
 * Beyond the paper: what can be measured without a judge, from the published model outputs and the four reference
 * models' answers. Output length per model and test set against the paper's win rates (how much of a win rate could
 * length alone explain?), Rouge-L of each model's answers to each reference's, and the rank agreement (Kendall's
 * tau-b) of these judge-free measures with the reported win rates, per test set and reference.
 *
 * Outputs that are not mirrored (e.g. alpaca / iCliniq) are reported as missing cells, never as zeros.
 */
import { loadModelOutputs, loadPaperValues, loadReferenceOutputs } from "../data/index.js";
import { rougeL } from "../text/index.js";
import {
  PAPER_JUDGE,
  PAPER_MODELS,
  PAPER_REFERENCES,
  PAPER_REFERENCE_STYLE,
  PAPER_TEST_SETS,
  paperModel,
  type PaperModel,
  type PaperReference,
  type PaperTestSet,
} from "./paper-spec.js";
import type { FigureItem } from "./export.js";
import { paperChrome, type PaperPlot, type ReportedWinRate } from "./paper.js";
import { meanOfFinite, medianOfFinite } from "../core/index.js";
import { kendallTauB, leastSquaresLine, pearsonCorrelation, seededSampleIndices, type KendallOptions } from "./judgefree-stats.js";

/** Where the judge-free analyses read answers from (the data stage's loaders by default; tests inject their own). */
export interface AnswerSource {
  /** A model's answers (`response`) on a test set, in test-set order; throw when they are not available. */
  modelAnswers(model: string, testSet: PaperTestSet): string[];
  /** A reference model's answers on a test set, in test-set order; throw when not available. */
  referenceAnswers(reference: PaperReference, testSet: PaperTestSet): string[];
}

/**
 * The published answers through the data stage's loaders (`loadModelOutputs`, `loadReferenceOutputs`), each file
 * parsed once per source. Files that are not mirrored throw the loader's message, which the tables show as missing.
 */
export function publishedAnswerSource(): AnswerSource {
  const models = new Map<string, string[] | Error>();
  const refs = new Map<string, string[] | Error>();
  const cached = (map: Map<string, string[] | Error>, key: string, load: () => string[]): string[] => {
    if (!map.has(key)) {
      try {
        map.set(key, load());
      } catch (e) {
        map.set(key, e as Error);
      }
    }
    const v = map.get(key)!;
    if (v instanceof Error) throw v;
    return v;
  };
  return {
    modelAnswers: (model, testSet) => cached(models, `${model}\u0000${testSet}`, () => loadModelOutputs(model, testSet).map((o) => o.response)),
    referenceAnswers: (reference, testSet) => cached(refs, `${reference}\u0000${testSet}`, () => loadReferenceOutputs(reference, testSet).map((o) => o.output)),
  };
}

/** Whitespace-separated words of a text (the length measure; chars are kept too). */
export function answerWordCount(text: string): number {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}

/** Output length of one model (or reference) on one test set. */
export type OutputLengthRow = {
  /** Upstream model folder, or the reference name when `kind` is "reference". */
  model: string;
  kind: "model" | "reference";
  /** The paper's name (`AlpaCare`), and its backbone and size (empty for references). */
  modelName: string;
  backbone: string;
  size: string;
  testSet: PaperTestSet;
  /** Answers read (0 when missing). */
  n: number;
  meanWords: number | null;
  medianWords: number | null;
  meanChars: number | null;
  /** Answers with no words at all (empty after upstream's cleaning). */
  empty: number | null;
  status: "ok" | "missing";
  /** Why the cell is missing (the loader's message). */
  reason?: string;
};

function modelMeta(model: string): Pick<OutputLengthRow, "modelName" | "backbone" | "size"> {
  const p = paperModel(model);
  return p ? { modelName: p.name, backbone: p.backbone, size: p.size } : { modelName: model, backbone: "", size: "" };
}

function lengthRow(model: string, kind: OutputLengthRow["kind"], testSet: PaperTestSet, load: () => string[]): OutputLengthRow {
  const meta = kind === "model" ? modelMeta(model) : { modelName: model, backbone: "", size: "" };
  try {
    const answers = load();
    const words = answers.map(answerWordCount);
    return {
      model,
      kind,
      ...meta,
      testSet,
      n: answers.length,
      meanWords: round(meanOfFinite(words), 1),
      medianWords: medianOfFinite(words),
      meanChars: round(meanOfFinite(answers.map((a) => a.length)), 1),
      empty: words.filter((w) => w === 0).length,
      status: "ok",
    };
  } catch (e) {
    return { model, kind, ...meta, testSet, n: 0, meanWords: null, medianWords: null, meanChars: null, empty: null, status: "missing", reason: (e as Error).message };
  }
}

/** Options for the judge-free tables. */
export interface JudgeFreeOptions {
  /** Upstream model folders (default: every model with published outputs, in figure order). */
  models?: readonly string[];
  testSets?: readonly PaperTestSet[];
  references?: readonly PaperReference[];
}

/** Mean/median output length of every model and every reference on every test set (missing cells marked). */
export function outputLengthTable(source: AnswerSource, options: JudgeFreeOptions = {}): OutputLengthRow[] {
  const models = options.models ?? PAPER_MODELS.map((p) => p.model);
  const testSets = options.testSets ?? PAPER_TEST_SETS;
  const references = options.references ?? PAPER_REFERENCES;
  const rows: OutputLengthRow[] = [];
  for (const testSet of testSets) {
    for (const model of models) rows.push(lengthRow(model, "model", testSet, () => source.modelAnswers(model, testSet)));
    for (const ref of references) rows.push(lengthRow(ref, "reference", testSet, () => source.referenceAnswers(ref, testSet)));
  }
  return rows;
}

/** Options for {@link rougeLToReferences}. */
export interface RougeToReferenceOptions extends JudgeFreeOptions {
  /** Items per (model, test set), drawn with a seeded sample (default 200; `Infinity` = every item). */
  sample?: number;
  /** Sample seed (default 1). The same items are used for every model and reference of a test set. */
  seed?: number;
  /** Called after each (model, test set, reference) cell, for progress. */
  onCell?: (done: number, total: number) => void;
}

/** Mean Rouge-L F of a model's answers against a reference's answers to the same items. */
export type RougeToReferenceRow = {
  model: string;
  modelName: string;
  backbone: string;
  size: string;
  testSet: PaperTestSet;
  reference: PaperReference;
  /** Mean Rouge-L F (0-1) over the sampled items; null when either side is missing. */
  meanRougeL: number | null;
  /** Items scored. */
  n: number;
  /** Items in the test set (the sample's population). */
  total: number;
  status: "ok" | "missing";
  reason?: string;
};

/**
 * Rouge-L (F-measure, rouge_score's tokenizer, no stemmer) of each model's answer to each reference's answer on
 * the same item, averaged per model x test set x reference. Answers are aligned by position (the upstream files
 * follow the test set's order); a length mismatch uses the common prefix and says so in `reason`.
 */
export function rougeLToReferences(source: AnswerSource, options: RougeToReferenceOptions = {}): RougeToReferenceRow[] {
  const models = options.models ?? PAPER_MODELS.map((p) => p.model);
  const testSets = options.testSets ?? PAPER_TEST_SETS;
  const references = options.references ?? PAPER_REFERENCES;
  const sample = options.sample ?? 200;
  const rows: RougeToReferenceRow[] = [];
  const totalCells = models.length * testSets.length * references.length;
  let done = 0;
  for (const testSet of testSets) {
    const refAnswers = new Map<PaperReference, string[] | Error>();
    for (const ref of references) {
      try {
        refAnswers.set(ref, source.referenceAnswers(ref, testSet));
      } catch (e) {
        refAnswers.set(ref, e as Error);
      }
    }
    for (const model of models) {
      const meta = modelMeta(model);
      let answers: string[] | Error;
      try {
        answers = source.modelAnswers(model, testSet);
      } catch (e) {
        answers = e as Error;
      }
      for (const reference of references) {
        const refs = refAnswers.get(reference)!;
        done++;
        if (answers instanceof Error || refs instanceof Error) {
          const reason = (answers instanceof Error ? answers : (refs as Error)).message;
          rows.push({ model, ...meta, testSet, reference, meanRougeL: null, n: 0, total: 0, status: "missing", reason });
          options.onCell?.(done, totalCells);
          continue;
        }
        const modelTexts: string[] = answers;
        const refTexts: string[] = refs;
        const common = Math.min(modelTexts.length, refTexts.length);
        const idx = seededSampleIndices(common, sample, options.seed ?? 1);
        const scores = idx.map((i) => rougeL(refTexts[i]!, modelTexts[i]!));
        rows.push({
          model,
          ...meta,
          testSet,
          reference,
          meanRougeL: round(meanOfFinite(scores), 4),
          n: idx.length,
          total: common,
          status: "ok",
          reason: modelTexts.length !== refTexts.length ? `answers (${modelTexts.length}) and references (${refTexts.length}) differ in count: first ${common} aligned` : undefined,
        });
        options.onCell?.(done, totalCells);
      }
    }
  }
  return rows;
}

/** The paper's win rate of a model folder on a test set against a reference (judge gpt-3.5-turbo), if reported. */
export function reportedWinRateFor(reported: readonly ReportedWinRate[], model: string, testSet: string, reference: string): number | null {
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
  reported: readonly ReportedWinRate[],
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
  const num = (v: number, d: number) => (Number.isFinite(v) ? round(v, d) : null);
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

// ---------------------------------------------------------------------------------------------------------------
// Figures (every title says "beyond the paper").

const TEST_SET_COLORS: Record<PaperTestSet, string> = { iCliniq: "#5B9BD5", "MedInstruct-test": "#ED7D31", AlpacaFarm: "#A5A5A5" };
const BEYOND = "Beyond the paper";

function round(v: number, d: number): number {
  if (!Number.isFinite(v)) return v;
  const f = 10 ** d;
  return Math.round(v * f) / f;
}

function judgeFreeLayout(title: string, subtitle: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    width: 1000,
    height: 520,
    ...paperChrome(`<b>${title}</b>`, subtitle),
    margin: { l: 70, r: 20, t: 96, b: 90 },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.14, yanchor: "top" },
    ...extra,
  };
}

function modelLabel(model: string): string {
  const p = paperModel(model);
  if (!p) return model;
  return `${p.name}${p.backbone === "LLaMA-2" ? "-LLaMA2" : ""} ${p.size}`;
}

/** Mean output length (words) per model, one bar per test set; reference models' lengths as dotted lines; missing marked. */
export function buildOutputLengthFigure(rows: readonly OutputLengthRow[]): PaperPlot {
  const models = [...new Set(rows.filter((r) => r.kind === "model").map((r) => r.model))];
  const testSets = PAPER_TEST_SETS.filter((t) => rows.some((r) => r.testSet === t));
  const labels = models.map(modelLabel);
  const bargap = 0.2;
  const annotations: Record<string, unknown>[] = [];
  const data: Record<string, unknown>[] = testSets.map((testSet, si) => {
    const ys = models.map((m) => rows.find((r) => r.kind === "model" && r.model === m && r.testSet === testSet)?.meanWords ?? null);
    ys.forEach((y, gi) => {
      if (y === null) {
        const w = (1 - bargap) / testSets.length;
        annotations.push({ x: gi - (1 - bargap) / 2 + w * (si + 0.5), y: 0, xref: "x", yref: "y", text: "missing", textangle: -90, showarrow: false, yanchor: "bottom", font: { size: 9, color: "#C00000" } });
      }
    });
    return {
      type: "bar",
      name: testSet,
      x: labels,
      y: ys,
      marker: { color: TEST_SET_COLORS[testSet] },
      text: ys.map((y) => (y === null ? "" : String(Math.round(y)))),
      textposition: "outside",
      textfont: { size: 9 },
      cliponaxis: false,
      hovertemplate: `%{x}<br>${testSet}: %{y:.1f} words (mean)<extra></extra>`,
    };
  });
  testSets.forEach((testSet) => {
    for (const ref of ["gpt-4"] as const) {
      const r = rows.find((x) => x.kind === "reference" && x.model === ref && x.testSet === testSet);
      if (!r || r.meanWords === null) continue;
      data.push({
        type: "scatter",
        mode: "lines",
        name: `${PAPER_REFERENCE_STYLE[ref].label} on ${testSet}`,
        x: [labels[0], labels[labels.length - 1]],
        y: [r.meanWords, r.meanWords],
        line: { color: TEST_SET_COLORS[testSet], dash: "dash", width: 1 },
        hovertemplate: `${PAPER_REFERENCE_STYLE[ref].label} answers on ${testSet}: %{y:.0f} words<extra></extra>`,
      });
    }
  });
  const missing = rows.filter((r) => r.kind === "model" && r.status === "missing").length;
  return {
    data,
    layout: judgeFreeLayout(
      `${BEYOND}: mean answer length per model and test set`,
      `Whitespace words of each published answer (response field), averaged per model and test set. Dashed: the gpt-4 reference's mean on that test set.<br>${missing} model x test set cells are missing (outputs not mirrored) and marked, not drawn as zero.`,
      { barmode: "group", bargap, xaxis: { type: "category", tickangle: -30 }, yaxis: { title: { text: "mean words per answer" }, gridcolor: "#D9D9D9" }, annotations, margin: { l: 70, r: 20, t: 96, b: 130 }, legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.3, yanchor: "top" } },
    ),
  };
}

/**
 * Length vs the paper's win rates: one panel per test set, x = a model's mean answer length relative to the
 * reference's, y = the reported win rate against that reference, a least-squares line per reference, and R² and
 * Kendall's tau-b in the legend.
 */
export function buildLengthVsWinRateFigure(results: readonly MeasureVsWinRate[], measure: "meanWords" | "rougeL" = "meanWords"): PaperPlot {
  const chosen = results.filter((r): r is MeasureVsWinRate & { reference: PaperReference } => r.measure === measure && r.reference !== "all");
  const testSets = PAPER_TEST_SETS.filter((t) => chosen.some((r) => r.testSet === t));
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const xTitle = measure === "meanWords" ? "model's mean words per answer" : "mean Rouge-L F to the reference";
  const layoutAxes: Record<string, unknown> = {};
  const gap = 0.06;
  const w = (1 - gap * (testSets.length - 1)) / testSets.length;
  testSets.forEach((testSet, ti) => {
    const ax = ti === 0 ? "" : String(ti + 1);
    layoutAxes[`xaxis${ax}`] = { domain: [ti * (w + gap), ti * (w + gap) + w], title: { text: xTitle, font: { size: 11 } }, gridcolor: "#EEEEEE", zeroline: false, anchor: `y${ax}` };
    layoutAxes[`yaxis${ax}`] = { title: ti === 0 ? { text: "paper's win rate (%)" } : undefined, gridcolor: "#D9D9D9", range: [0, 105], anchor: `x${ax}` };
    annotations.push({ text: `<b>${testSet}</b>`, xref: "paper", yref: "paper", x: ti * (w + gap) + w / 2, y: 1.0, xanchor: "center", yanchor: "bottom", showarrow: false, font: { size: 13 } });
    for (const res of chosen.filter((r) => r.testSet === testSet)) {
      const style = PAPER_REFERENCE_STYLE[res.reference];
      data.push({
        type: "scatter",
        mode: "markers",
        xaxis: `x${ax}`,
        yaxis: `y${ax}`,
        name: `${style.label}`,
        legendgroup: res.reference,
        showlegend: ti === 0,
        x: res.x,
        y: res.y,
        text: res.models.map(modelLabel),
        marker: { color: style.color, size: 9, line: { color: style.dark, width: 1 } },
        hovertemplate: `%{text}<br>x %{x:.2f}, win rate %{y:.1f}%<extra>${style.label}</extra>`,
      });
      if (Number.isFinite(res.fit.slope) && res.x.length >= 2) {
        const lo = Math.min(...res.x);
        const hi = Math.max(...res.x);
        data.push({
          type: "scatter",
          mode: "lines",
          xaxis: `x${ax}`,
          yaxis: `y${ax}`,
          name: `${style.label} fit`,
          legendgroup: res.reference,
          showlegend: false,
          x: [lo, hi],
          y: [res.fit.intercept + res.fit.slope * lo, res.fit.intercept + res.fit.slope * hi],
          line: { color: style.dark, width: 1.5 },
          hoverinfo: "skip",
        });
      }
    }
    const pooled = results.find((r) => r.measure === "lengthRatio" && r.testSet === testSet);
    const stats = [
      ...chosen.filter((r) => r.testSet === testSet).map((r) => `${PAPER_REFERENCE_STYLE[r.reference].label}: R² ${fmt(r.fit.r2, 2)}, τb ${fmt(r.kendall.tau, 2)} (n ${r.models.length})`),
      ...(measure === "meanWords" && pooled ? [`length ratio to reference, pooled: R² ${fmt(pooled.fit.r2, 2)}, τb ${fmt(pooled.kendall.tau, 2)} (n ${pooled.models.length})`] : []),
    ].join("<br>");
    annotations.push({ text: stats, xref: "paper", yref: "paper", x: ti * (w + gap) + 0.005, y: 0.99, xanchor: "left", yanchor: "top", align: "left", showarrow: false, font: { size: 9, color: "#404040" }, bgcolor: "rgba(255,255,255,0.8)" });
  });
  return {
    data,
    layout: judgeFreeLayout(
      measure === "meanWords" ? `${BEYOND}: could answer length alone explain the win rates?` : `${BEYOND}: Rouge-L to the reference vs the win rates`,
      `Each point is a model; y = the paper's win rate (judge gpt-3.5-turbo) against one reference; x = ${xTitle}. Lines: least squares per reference.<br>R² = share of the win rates' variance the measure alone explains; τb = Kendall's tau-b (ties counted). Models without mirrored outputs are left out.`,
      { ...layoutAxes, annotations, width: 1200, height: 520, margin: { l: 70, r: 20, t: 100, b: 80 } },
    ),
  };
}

function fmt(v: number, d: number): string {
  return Number.isFinite(v) ? v.toFixed(d) : "n/a";
}

/** Mean Rouge-L of each model's answers to each reference's answers, as a heatmap (models x test set · reference). */
export function buildRougeHeatmap(rows: readonly RougeToReferenceRow[]): PaperPlot {
  const models = [...new Set(rows.map((r) => r.model))];
  const columns = PAPER_TEST_SETS.flatMap((t) => PAPER_REFERENCES.filter((ref) => rows.some((r) => r.testSet === t && r.reference === ref)).map((ref) => ({ t, ref })));
  const colLabels = columns.map((c) => `${c.t}<br>${PAPER_REFERENCE_STYLE[c.ref].label}`);
  const z = models.map((m) => columns.map((c) => rows.find((r) => r.model === m && r.testSet === c.t && r.reference === c.ref)?.meanRougeL ?? null));
  const text = z.map((row) => row.map((v) => (v === null ? "missing" : v.toFixed(3))));
  const ns = rows.filter((r) => r.status === "ok").map((r) => r.n);
  return {
    data: [
      {
        type: "heatmap",
        x: colLabels,
        y: models.map(modelLabel),
        z,
        text,
        texttemplate: "%{text}",
        textfont: { size: 10 },
        colorscale: "YlGnBu",
        zmin: 0,
        hoverongaps: true,
        colorbar: { title: { text: "Rouge-L F" } },
        // The hover repeats the cell text: a missing cell reads "missing"/"n/a" as in the table, never NaN.
        hovertemplate: "%{y}<br>%{x}<br>mean Rouge-L %{text}<extra></extra>",
      },
    ],
    layout: judgeFreeLayout(
      `${BEYOND}: Rouge-L of each model's answers to each reference's answers`,
      `Mean Rouge-L F (rouge_score tokenizer, no stemmer) over ${!ns.length ? 0 : Math.min(...ns) === Math.max(...ns) ? Math.min(...ns) : `${Math.min(...ns)}-${Math.max(...ns)}`} items per cell (seeded sample, same items for every model). Blank "missing": outputs not mirrored.`,
      { height: 120 + 34 * models.length, margin: { l: 170, r: 20, t: 96, b: 70 }, yaxis: { autorange: "reversed" }, xaxis: { side: "bottom", tickfont: { size: 10 } } },
    ),
  };
}

/** Kendall's tau-b between each judge-free measure and the reported win rates, per test set and reference. */
export function buildRankAgreementFigure(results: readonly MeasureVsWinRate[]): PaperPlot {
  const measures: MeasureVsWinRate["measure"][] = ["meanWords", "lengthRatio", "rougeL"];
  const measureLabel: Record<string, string> = { meanWords: "mean words", lengthRatio: "length / reference's", rougeL: "Rouge-L to reference" };
  const cols = PAPER_TEST_SETS.flatMap((t) => [...PAPER_REFERENCES, "all" as const].map((ref) => ({ t, ref }))).filter((c) => results.some((r) => r.testSet === c.t && r.reference === c.ref));
  const refLabel = (ref: PaperReference | "all") => (ref === "all" ? "pooled" : PAPER_REFERENCE_STYLE[ref].label);
  const z = measures.map((m) => cols.map((c) => {
    const r = results.find((x) => x.measure === m && x.testSet === c.t && x.reference === c.ref);
    return r && Number.isFinite(r.kendall.tau) ? round(r.kendall.tau, 3) : null;
  }));
  const text = measures.map((m) => cols.map((c) => {
    const r = results.find((x) => x.measure === m && x.testSet === c.t && x.reference === c.ref);
    if (!r || !Number.isFinite(r.kendall.tau)) return "n/a";
    return `${r.kendall.tau.toFixed(2)}<br>p ${r.kendall.pValue < 0.001 ? "<.001" : r.kendall.pValue.toFixed(3)}<br>n ${r.models.length}`;
  }));
  return {
    data: [
      {
        type: "heatmap",
        x: cols.map((c) => `${c.t}<br>${refLabel(c.ref)}`),
        y: measures.map((m) => measureLabel[m]),
        z,
        text,
        texttemplate: "%{text}",
        textfont: { size: 10 },
        colorscale: "RdBu",
        zmin: -1,
        zmax: 1,
        colorbar: { title: { text: "τb" } },
        hovertemplate: "%{y} vs win rate<br>%{x}<br>tau-b %{text}<extra></extra>",
      },
    ],
    layout: judgeFreeLayout(
      `${BEYOND}: rank agreement of judge-free measures with the paper's win rates`,
      "Kendall's tau-b (ties counted) across models between each measure and the reported win rate (judge gpt-3.5-turbo), per test set and reference; p by permutation.",
      { height: 380, margin: { l: 150, r: 20, t: 96, b: 70 }, xaxis: { tickfont: { size: 10 } } },
    ),
  };
}

/** The models whose outputs the judge-free analyses cover by default (every published model, figure order). */
export function judgeFreeModels(): PaperModel[] {
  return [...PAPER_MODELS];
}

/** Options for {@link judgeFreeAnalysis}. */
export interface JudgeFreeAnalysisOptions extends RougeToReferenceOptions {
  /** Where answers come from (default {@link publishedAnswerSource}). */
  source?: AnswerSource;
  /** The paper's values (default `loadPaperValues()`). */
  reported?: readonly ReportedWinRate[];
  /** Permutations for Kendall's p-values (default 5000). */
  permutations?: number;
}

/** Everything the judge-free analyses produce: tables, rank agreement and figures ready for `exportFigures`. */
export interface JudgeFreeAnalysis {
  lengths: OutputLengthRow[];
  rouge: RougeToReferenceRow[];
  agreement: MeasureVsWinRate[];
  agreementTable: RankAgreementRow[];
  items: FigureItem[];
}

/**
 * Run every judge-free analysis (beyond the paper): output lengths, Rouge-L to each reference (seeded sample,
 * default 200 items per test set), their fit and rank agreement with the reported win rates, and the four figures
 * (`06-beyond-*`).
 */
export function judgeFreeAnalysis(options: JudgeFreeAnalysisOptions = {}): JudgeFreeAnalysis {
  const source = options.source ?? publishedAnswerSource();
  const reported = options.reported ?? loadPaperValues();
  const lengths = outputLengthTable(source, options);
  const rouge = rougeLToReferences(source, options);
  const agreement = measuresVsWinRates(lengths, rouge, reported, { testSets: options.testSets, references: options.references, permutations: options.permutations });
  const agreementTable = rankAgreementTable(agreement);
  const sampleNote = `Rouge-L on a seeded sample of ${options.sample ?? 200} items per test set (seed ${options.seed ?? 1})`;
  const prov = { analysis: "beyond the paper (judge-free)", data: "published model outputs and reference answers (data/raw)", winRates: "the paper's reported values (judge gpt-3.5-turbo)" };
  const items: FigureItem[] = [
    { name: "06-beyond-length", figure: buildOutputLengthFigure(lengths), caption: "Beyond the paper: mean answer length (words) per model and test set; missing cells are outputs that are not mirrored.", provenance: prov, width: 1000, height: 520 },
    { name: "06-beyond-length-vs-winrate", figure: buildLengthVsWinRateFigure(agreement, "meanWords"), caption: "Beyond the paper: the paper's win rates against each model's mean answer length, per test set and reference, with R² and Kendall's tau-b.", provenance: prov, width: 1200, height: 520 },
    { name: "06-beyond-rougeL", figure: buildRougeHeatmap(rouge), caption: `Beyond the paper: mean Rouge-L F of each model's answers to each reference's answers. ${sampleNote}.`, provenance: { ...prov, sample: String(options.sample ?? 200) }, width: 1000, height: 120 + 34 * new Set(rouge.map((r) => r.model)).size + 96 },
    { name: "06-beyond-rougeL-vs-winrate", figure: buildLengthVsWinRateFigure(agreement, "rougeL"), caption: "Beyond the paper: the paper's win rates against mean Rouge-L to the reference, per test set and reference.", provenance: prov, width: 1200, height: 520 },
    { name: "06-beyond-rank-agreement", figure: buildRankAgreementFigure(agreement), caption: "Beyond the paper: Kendall's tau-b between judge-free measures and the paper's win rates, per test set and reference (pooled: length ratio over all references).", provenance: prov, width: 1000, height: 380 },
  ];
  return { lengths, rouge, agreement, agreementTable, items };
}
