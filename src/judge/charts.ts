/**
 * Plotly figures (plain `{data, layout}` data) for judging results: the order-1 x order-2 verdict matrix, win rates
 * with their bootstrap intervals, and win rate against output-length difference. Shown with `displayFigure` or
 * collected with `figureCollector` (figures stage); built here, beside the results they draw, so notebook 05 holds
 * no figure code of its own.
 */
import type { LaidOutFigure } from "../core/index.js";
import type { LengthDiffBin } from "./length-diagnostics.js";
import type { VerdictLabel } from "./position-bias.js";

const LABELS: VerdictLabel[] = ["model", "tie", "reference", "unparsed"];

/** Heatmap of items by (referenceFirst verdict, referenceLast verdict); the diagonal = order-consistent verdicts. */
export function verdictMatrixFigure(matrix: Record<VerdictLabel, Record<VerdictLabel, number>>, options: { title?: string; model?: string } = {}): LaidOutFigure {
  const name = (l: VerdictLabel) => (l === "model" ? `${options.model ?? "model"} wins` : l === "reference" ? "reference wins" : l);
  const z = LABELS.map((r) => LABELS.map((c) => matrix[r][c]));
  const annotations = LABELS.flatMap((r, i) => LABELS.map((c, j) => ({ x: name(c), y: name(r), text: String(z[i]![j]), showarrow: false, font: { size: 14 } })));
  return {
    data: [{ type: "heatmap", x: LABELS.map(name), y: LABELS.map(name), z, zmin: 0, colorscale: [[0, "#f7fbff"], [1, "#2171b5"]], showscale: false, hovertemplate: "reference first: %{y}<br>reference last: %{x}<br>items: %{z}<extra></extra>" }],
    layout: {
      title: { text: options.title ?? "Verdicts in both orders (items)" },
      xaxis: { title: { text: "reference last (model is Output (a))" }, side: "bottom" },
      yaxis: { title: { text: "reference first (reference is Output (a))" }, autorange: "reversed" },
      annotations,
      height: 420,
      margin: { l: 170, b: 90 },
    },
  };
}

/** One row of {@link winRateIntervalFigure}. */
export interface WinRateIntervalRow {
  label: string;
  winRate: number;
  ci95: [number, number];
  n: number;
}

/** Win rates with 95% bootstrap intervals, one row per label; rows without a number say so instead of vanishing. */
export function winRateIntervalFigure(rows: readonly WinRateIntervalRow[], options: { title?: string } = {}): LaidOutFigure {
  const ok = rows.filter((r) => !Number.isNaN(r.winRate));
  const missing = rows.filter((r) => Number.isNaN(r.winRate));
  return {
    data: [
      {
        type: "scatter",
        mode: "markers",
        name: "win rate",
        x: ok.map((r) => r.winRate),
        y: ok.map((r) => r.label),
        error_x: { type: "data", symmetric: false, array: ok.map((r) => r.ci95[1] - r.winRate), arrayminus: ok.map((r) => r.winRate - r.ci95[0]) },
        text: ok.map((r) => `n = ${r.n}`),
        hovertemplate: "%{y}: %{x:.1f}% (%{text})<extra></extra>",
        marker: { size: 10 },
      },
      {
        type: "scatter",
        mode: "text",
        name: "no score",
        x: missing.map(() => 50),
        y: missing.map((r) => r.label),
        text: missing.map(() => "no parsed verdicts (n = 0)"),
        textfont: { color: "#a33" },
        hoverinfo: "skip",
        showlegend: false,
      },
    ],
    layout: {
      title: { text: options.title ?? "Win rate with 95% bootstrap interval" },
      xaxis: { title: { text: "win rate (%)" }, range: [0, 100], zeroline: false },
      yaxis: { automargin: true, categoryorder: "array", categoryarray: rows.map((r) => r.label).reverse() },
      shapes: [{ type: "line", x0: 50, x1: 50, yref: "paper", y0: 0, y1: 1, line: { dash: "dot", color: "#999" } }],
      height: Math.max(260, 70 * rows.length + 120),
      showlegend: false,
    },
  };
}

/**
 * Histogram of the output-length difference (model − reference, characters) over all items, with the judged win
 * rate per length bin on a second axis (where any item of the bin was judged).
 */
export function lengthDiagnosticsFigure(differences: readonly number[], bins: readonly LengthDiffBin[], options: { title?: string } = {}): LaidOutFigure {
  const judged = bins.filter((b) => b.n > 0);
  return {
    data: [
      { type: "histogram", name: "items", x: [...differences], nbinsx: 40, marker: { color: "#9ecae1" }, hovertemplate: "%{x}: %{y} items<extra></extra>" },
      {
        type: "scatter",
        mode: "lines+markers",
        name: "win rate of judged items",
        x: judged.map((b) => (b.lo + b.hi) / 2),
        y: judged.map((b) => b.winRate),
        text: judged.map((b) => `[${Math.round(b.lo)}, ${Math.round(b.hi)}], n = ${b.n}`),
        hovertemplate: "%{text}: %{y:.1f}%<extra></extra>",
        yaxis: "y2",
        marker: { size: 9, color: "#d62728" },
        line: { color: "#d62728" },
      },
    ],
    layout: {
      title: { text: options.title ?? "Output length difference (model − reference) and win rate" },
      xaxis: { title: { text: "characters: model output − reference output" } },
      yaxis: { title: { text: "items" } },
      yaxis2: { title: { text: "win rate (%)" }, overlaying: "y", side: "right", range: [0, 100], tickvals: [0, 25, 50, 75, 100], showgrid: false, automargin: true },
      legend: { orientation: "h", y: -0.25 },
      margin: { r: 90 },
      height: 440,
    },
  };
}
