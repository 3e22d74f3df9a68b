/**
 * Plotly figures (plain `{data, layout}` objects) for the judge-free analyses; show them with `displayFigure` or
 * `figureCollector` from the figures stage. Kept beside the analyses so the notebook holds no chart logic.
 */
import type { LaidOutFigure } from "../core/index.js";
import { distribution, type OutputSummary, type ResponseAnalysis } from "./analysis.js";

const TEST_SET_COLORS: Record<string, string> = { iCliniq: "#4C78A8", "MedInstruct-test": "#F58518", AlpacaFarm: "#54A24B" };
const TEST_SET_ORDER = ["iCliniq", "MedInstruct-test", "AlpacaFarm"];

/** The test sets present, in the paper's order (unknown names last). */
function orderedTestSets(names: readonly string[]): string[] {
  const rank = (t: string) => (TEST_SET_ORDER.includes(t) ? TEST_SET_ORDER.indexOf(t) : TEST_SET_ORDER.length);
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b));
}

/**
 * A note naming the (model, test set) cells with no outputs (e.g. not mirrored), so an absent bar or box is read as
 * missing, never as zero. Undefined when every model has every test set.
 */
function missingCellsAnnotation(cells: readonly { model: string; testSet: string }[]): Record<string, unknown> | undefined {
  const models = [...new Set(cells.map((c) => c.model))];
  const testSets = orderedTestSets(cells.map((c) => c.testSet));
  const have = new Set(cells.map((c) => `${c.model}\u0000${c.testSet}`));
  const missing = testSets.flatMap((t) => models.filter((m) => !have.has(`${m}\u0000${t}`)).map((m) => `${m} · ${t}`));
  if (missing.length === 0) return undefined;
  return {
    text: `No outputs (missing, not zero): ${missing.join(", ")}`,
    xref: "paper",
    yref: "paper",
    x: 0,
    y: 1.02,
    yanchor: "bottom",
    xanchor: "left",
    showarrow: false,
    font: { size: 11, color: "#b00" },
  };
}

/**
 * Response-length box plots: one box per model, grouped by test set; `measure` words (default) or tokens. Boxes are
 * drawn from precomputed quartiles (whiskers at the 10th and 90th percentiles, a mark at the mean), so the figure
 * stays small whatever the number of responses. The axis is logarithmic; empty answers are drawn at 1.
 */
export function inferLengthFigure(groups: readonly { model: string; testSet: string; rows: readonly ResponseAnalysis[] }[], options: { measure?: "words" | "tokens"; title?: string } = {}): LaidOutFigure {
  const measure = options.measure ?? "words";
  const testSets = orderedTestSets(groups.map((g) => g.testSet));
  const data = testSets.map((t) => {
    const gs = groups.filter((g) => g.testSet === t);
    // The axis is logarithmic: lengths below 1 (empty answers) are drawn at 1.
    const d = gs.map((g) => distribution(g.rows.map((r) => Math.max(1, r[measure]))));
    return {
      type: "box",
      name: t,
      x: gs.map((g) => g.model),
      q1: d.map((x) => x.p25),
      median: d.map((x) => x.median),
      q3: d.map((x) => x.p75),
      lowerfence: d.map((x) => x.p10),
      upperfence: d.map((x) => x.p90),
      mean: d.map((x) => x.mean),
      boxpoints: false,
      marker: { color: TEST_SET_COLORS[t] },
    };
  });
  return {
    data,
    layout: {
      title: { text: options.title ?? `Response length (${measure === "words" ? "words" : "tokens ≈ chars/4"}) per model and test set (box: quartiles; whiskers: 10th-90th percentile)` },
      boxmode: "group",
      yaxis: { title: { text: measure }, type: "log" },
      annotations: [missingCellsAnnotation(groups)].filter(Boolean),
      xaxis: { tickangle: -40, automargin: true },
      legend: { orientation: "h", y: 1.16 },
      margin: { t: 120 },
      width: 1000,
      height: 520,
    },
  };
}

/** Rates per model, grouped by test set: `rate` one of emptyRate, truncatedRate, endsMidSentenceRate, degenerateRate. */
export function inferRateFigure(summaries: readonly OutputSummary[], rate: "emptyRate" | "truncatedRate" | "endsMidSentenceRate" | "degenerateRate", options: { title?: string } = {}): LaidOutFigure {
  const testSets = orderedTestSets(summaries.map((s) => s.testSet));
  const label = { emptyRate: "empty", truncatedRate: "truncated", endsMidSentenceRate: "ends mid-sentence", degenerateRate: "degenerate repetition" }[rate];
  return {
    data: testSets.map((t) => {
      const ss = summaries.filter((s) => s.testSet === t);
      return { type: "bar", name: t, x: ss.map((s) => s.model), y: ss.map((s) => 100 * s[rate]), marker: { color: TEST_SET_COLORS[t] } };
    }),
    layout: {
      title: { text: options.title ?? `Responses flagged "${label}" (%)` },
      barmode: "group",
      yaxis: { title: { text: "% of responses" }, rangemode: "tozero" },
      annotations: [missingCellsAnnotation(summaries)].filter(Boolean),
      xaxis: { tickangle: -40, automargin: true },
      legend: { orientation: "h", y: 1.16 },
      margin: { t: 120 },
      width: 1000,
      height: 480,
    },
  };
}
