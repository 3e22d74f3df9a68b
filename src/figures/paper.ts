/**
 * The paper's result figures as Plotly data. Two kinds of figure per panel:
 * - `buildPaperFigure`: the paper's chart redrawn from its reported values alone (the re-plot check), styled like
 *   the original (grouped bars per model, one bar per reference model, value labels, legend below);
 * - `buildComparisonFigure`: every reported bar (outlined, hatched) beside the value reproduced from verdicts (solid,
 *   with its bootstrap 95% interval); a cell with no verdicts is marked "no verdicts", never drawn as zero.
 * Both are pure functions of plain records; loading the verdicts is `paper-reproduced.ts`'s job.
 */
import { escapePlotlyText } from "../core/index.js";
import type { PaperValue } from "../data/index.js";
import type { PlotlyFigure } from "./plotly.js";
import {
  PAPER_TEST_SET_SIZES,
  type BarCell,
  type PaperFigureSpec,
  type PaperReference,
  type PaperTestSet,
  type SeriesStyle,
} from "./paper-spec.js";

/** A Plotly figure as plain data (what `exportFigures` and `showFigure` take), with its layout always set. */
export interface PaperPlot extends PlotlyFigure {
  layout: Record<string, unknown>;
}

/** One value the paper reports: a row of `paper/figure-values.csv` as `loadPaperValues()` gives it. */
export type ReportedWinRate = PaperValue;

/** A win rate reproduced from verdicts in the run store (one model x test set x reference x judge x policy). */
export interface ReproducedWinRate {
  /** Upstream model folder (`AlpaCare-7b`). */
  model: string;
  testSet: string;
  reference: string;
  /** The judge slot the verdicts fill: the paper's judge name (`gpt-3.5-turbo` or `claude-2`). */
  judge: string;
  /** The model that actually judged, with the version the provider reported when it did. */
  judgeModel: string;
  /** `shortHash` of the judge prompt template(s) used. */
  promptHash: string;
  /** Scoring policy (`alpacare` = the paper's, `fastchat`). */
  policy: string;
  /** Parse mode of the verdicts (`alpacare` = upstream's rule). */
  parseMode?: string;
  /** Win rate in percent; NaN when no item could be scored. */
  winRate: number;
  /** Bootstrap 95% interval, percent. */
  ci95?: [number, number];
  /** Items the win rate rests on (both orders parsed, under the policy). */
  n: number;
  /** Verdicts (item, order) that did not parse under the parse mode. */
  unparsed?: number;
  /** Items in the test set (for "n of N"). */
  total?: number;
  /** The run the verdicts come from. */
  run?: string;
  /** Verdict files read. */
  files?: string[];
  /** Deviations from the paper the value rests on ("judge gpt-6-luna for gpt-3.5-turbo (shut down 2026-10-23)"). */
  deviations?: string[];
}

/** One bar's paper value beside its reproduced value: a row of the paper-vs-reproduced table. */
export interface PaperComparisonRow {
  /** Figure panel id (`2a`). */
  figure: string;
  group: string;
  series: string;
  /** Upstream model folder. */
  model: string;
  /** The paper's model name. */
  modelName: string;
  backbone: string;
  size: string;
  testSet: PaperTestSet;
  reference: PaperReference;
  judge: string;
  /** The reported value, or null when the paper did not publish one. */
  paper: number | null;
  /** The reproduced value, or null when there are no verdicts for this cell. */
  reproduced: ReproducedWinRate | null;
  /** reproduced - paper, percentage points; null unless both exist and the reproduction is a number. */
  difference: number | null;
  /** Whether the paper's value lies inside the reproduced 95% interval (null when either is missing). */
  paperInsideCi: boolean | null;
}

/** The reported value for one bar, matched on test set, backbone, size, model name, judge and reference. */
export function reportedValueFor(cell: BarCell, reported: readonly ReportedWinRate[]): number | null {
  const row = reported.find(
    (r) =>
      r.test_set === cell.testSet &&
      r.backbone === cell.model.backbone &&
      r.size === cell.model.size &&
      r.model === cell.model.name &&
      r.judge === cell.judge &&
      r.reference === cell.reference,
  );
  return row ? row.win_rate_pct : null;
}

/** The reproduced value for one bar: same model folder, test set, reference and judge slot (first match). */
export function reproducedValueFor(cell: BarCell, reproduced: readonly ReproducedWinRate[]): ReproducedWinRate | null {
  return reproduced.find((r) => r.model === cell.model.model && r.testSet === cell.testSet && r.reference === cell.reference && r.judge === cell.judge) ?? null;
}

/** Join a figure's bars with the paper's values and the reproduced ones (never turning a missing cell into zero). */
export function comparePaperCells(spec: PaperFigureSpec, reported: readonly ReportedWinRate[], reproduced: readonly ReproducedWinRate[]): PaperComparisonRow[] {
  return spec.cells.map((cell) => {
    const paper = reportedValueFor(cell, reported);
    const rep = reproducedValueFor(cell, reproduced);
    const repValue = rep && Number.isFinite(rep.winRate) ? rep.winRate : null;
    const difference = paper !== null && repValue !== null ? round(repValue - paper, 2) : null;
    const paperInsideCi = paper !== null && repValue !== null && rep?.ci95 ? paper >= rep.ci95[0] && paper <= rep.ci95[1] : null;
    return {
      figure: spec.id,
      group: cell.group,
      series: cell.series,
      model: cell.model.model,
      modelName: cell.model.name,
      backbone: cell.model.backbone,
      size: cell.model.size,
      testSet: cell.testSet,
      reference: cell.reference,
      judge: cell.judge,
      paper,
      reproduced: rep,
      difference,
      paperInsideCi,
    };
  });
}

/** Provenance printed under a figure's title and in its caption. */
export interface FigureProvenance {
  /** Where the values come from: the paper's reported values, or verdicts of a run. */
  source: string;
  /** Judge name(s) and model version(s). */
  judge: string;
  /** Prompt template hash(es). */
  prompt: string;
  /** Scoring policy. */
  policy: string;
  /** The number of items the bars rest on. */
  items: string;
  /** Extra notes (e.g. the AlpacaFarm reference substitution). */
  notes: string[];
}

/** Options shared by the figure builders. */
export interface PaperPlotOptions {
  /** Figure width and height in px (default 1000 x 520, the paper's aspect). */
  width?: number;
  height?: number;
  /** Hash of the paper's judge prompt (`alpaca_eval_chat_gpt.txt`), when known, for the paper figure's label. */
  paperPromptHash?: string;
}

const FONT = "Liberation Sans, Arial, Helvetica, sans-serif";
const LABEL_COLOR = "#404040";
const GRID = "#D9D9D9";

/** Format a paper value as printed in the paper (no trailing zeros: 49.65, 35, 0.2). */
function fmtPaper(v: number): string {
  return String(round(v, 2));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function itemsText(ns: number[]): string {
  if (ns.length === 0) return "0 items";
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  return lo === hi ? `${lo.toLocaleString("en-US")} items per bar` : `${lo.toLocaleString("en-US")}-${hi.toLocaleString("en-US")} items per bar`;
}

/** Notes that apply to a figure's cells (AlpacaFarm references are AlpacaEval's outputs). */
function cellNotes(cells: readonly BarCell[]): string[] {
  const notes: string[] = [];
  if (cells.some((c) => c.testSet === "AlpacaFarm"))
    notes.push("AlpacaFarm references: AlpacaEval's outputs of the same models (AlpaCare did not publish its own)");
  return notes;
}

/** Provenance of a figure drawn from the paper's reported values alone. */
export function paperProvenance(spec: PaperFigureSpec, options: PaperPlotOptions = {}): FigureProvenance {
  const testSets = uniq(spec.cells.map((c) => c.testSet));
  const judges = uniq(spec.cells.map((c) => c.judge));
  return {
    source: "the paper's reported values (read off its figures: paper/figure-values.csv), not reproduced",
    judge: `${judges.join(", ")} as reported (version not stated in the paper)`,
    prompt: `alpaca_eval_chat_gpt.txt${options.paperPromptHash ? ` (${options.paperPromptHash})` : ""}`,
    policy: "alpacare (dual-sided, mean of both orders)",
    items: itemsText(testSets.map((t) => PAPER_TEST_SET_SIZES[t])) + (testSets.includes("MedInstruct-test") ? " (MedInstruct-test: 216 released, the paper says 217)" : ""),
    notes: [],
  };
}

function reproducedItemsText(reps: readonly ReproducedWinRate[]): string {
  const ns = reps.map((r) => r.n);
  const totals = uniq(reps.map((r) => r.total).filter((t): t is number => t !== undefined));
  const unparsed = reps.reduce((a, r) => a + (r.unparsed ?? 0), 0);
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  const range = lo === hi ? lo.toLocaleString("en-US") : `${lo.toLocaleString("en-US")}-${hi.toLocaleString("en-US")}`;
  const of = totals.length ? ` of ${totals.map((t) => t.toLocaleString("en-US")).join("/")}` : "";
  return `${range} scored items per bar${of}` + (unparsed ? ` · ${unparsed} unparsed verdicts` : "");
}

/** Provenance of a comparison figure: the judges, prompts, policy and item counts its reproduced bars rest on. */
export function reproducedProvenance(spec: PaperFigureSpec, rows: readonly PaperComparisonRow[], policy: string, run?: string): FigureProvenance {
  const reps = rows.map((r) => r.reproduced).filter((r): r is ReproducedWinRate => r !== null);
  const filled = reps.length;
  const judges = uniq(reps.map((r) => `${r.judge} slot: ${r.judgeModel}`));
  const prompts = uniq(reps.map((r) => r.promptHash));
  const runs = uniq(reps.map((r) => r.run).filter((x): x is string => !!x));
  return {
    source: `verdicts of run ${runs.length ? runs.join(", ") : (run ?? "default")}: ${filled} of ${rows.length} bars have verdicts`,
    judge: judges.length ? judges.join("; ") : "no verdicts yet",
    prompt: prompts.length ? prompts.join(", ") : "n/a",
    policy,
    items: filled ? reproducedItemsText(reps) : "0 items",
    notes: [...cellNotes(spec.cells), ...uniq(reps.flatMap((r) => r.deviations ?? [])).map((d) => `deviation from the paper: ${d}`)],
  };
}

/** The provenance as one line (caption text). */
export function provenanceLine(p: FigureProvenance): string {
  return [`values: ${p.source}`, `judge: ${p.judge}`, `prompt: ${p.prompt}`, `policy: ${p.policy}`, `n: ${p.items}`, ...p.notes].join(" · ");
}

function subtitleParts(p: FigureProvenance): string[] {
  return [`Values: ${p.source}`, `Judge: ${p.judge} · prompt ${p.prompt}`, `Policy: ${p.policy} · ${p.items}`, ...p.notes];
}

/** Bar centre of series `i` of `n` in category `g` under Plotly's grouped-bar geometry. */
function barCentre(g: number, i: number, n: number, bargap: number): number {
  const groupWidth = 1 - bargap;
  return g - groupWidth / 2 + (groupWidth / n) * (i + 0.5);
}

/**
 * The look every result figure shares with the paper's charts: Liberation Sans, white background, a bold title at
 * the top left with a grey subtitle under it (provenance lines). Spread into a Plotly layout.
 */
export function paperChrome(titleHtml: string, subtitleHtml: string): Record<string, unknown> {
  return {
    font: { family: FONT, size: 12, color: LABEL_COLOR },
    paper_bgcolor: "#FFFFFF",
    plot_bgcolor: "#FFFFFF",
    title: {
      text: titleHtml,
      x: 0.01,
      xanchor: "left",
      xref: "container",
      y: 1,
      yref: "container",
      yanchor: "top",
      pad: { t: 12 },
      font: { size: 15, family: FONT, color: "#000000" },
      subtitle: { text: subtitleHtml, font: { size: 11, family: FONT, color: "#595959" } },
    },
  };
}

function baseLayout(spec: PaperFigureSpec, title: string, prov: FigureProvenance, yMax: number, options: PaperPlotOptions, bargap: number, alert?: string): Record<string, unknown> {
  const parts = subtitleParts(prov);
  const subtitle = [...(alert ? [`<span style="color:#C00000"><b>${alert}</b></span>`] : []), ...parts.map((l) => escapePlotlyText(l))].join("<br>");
  const subtitleLines = parts.length + (alert ? 1 : 0);
  return {
    width: options.width ?? 1000,
    height: options.height ?? 520,
    ...paperChrome(`<b>${escapePlotlyText(title)}</b>`, subtitle),
    margin: { l: 60, r: 20, t: 52 + 14 * subtitleLines, b: 70 },
    barmode: "group",
    bargap,
    bargroupgap: 0.04,
    xaxis: {
      type: "category",
      categoryorder: "array",
      categoryarray: spec.groups,
      tickfont: { size: 12, family: FONT, color: LABEL_COLOR },
      showline: true,
      linecolor: "#BFBFBF",
      ticks: "",
    },
    yaxis: {
      title: { text: "win rate (%)", font: { size: 12 } },
      range: [0, yMax],
      ticksuffix: "",
      showgrid: true,
      gridcolor: GRID,
      zeroline: true,
      zerolinecolor: "#BFBFBF",
      tickfont: { size: 11, color: "#595959" },
    },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.1, yanchor: "top", font: { size: 11 } },
    uniformtext: { minsize: 8, mode: "show" },
  };
}

/** A y range that fits every bar plus its label, rounded up to the next 10 (the paper's axes stop at 60 or 70). */
function yMaxFor(values: number[]): number {
  const max = Math.max(0, ...values.filter(Number.isFinite));
  return Math.max(10, Math.ceil((max + 1) / 10) * 10);
}

function cellsOf(spec: PaperFigureSpec, series: SeriesStyle): BarCell[] {
  // Ordered by group, so trace points line up with spec.groups.
  return spec.groups.map((g) => spec.cells.find((c) => c.group === g && c.series === series.name)!).filter(Boolean);
}

/** Plain-data key of a bar, kept in the trace's customdata so the values can be read back out of the figure. */
function cellKey(cell: BarCell): Record<string, string> {
  return {
    model: cell.model.model,
    modelName: cell.model.name,
    backbone: cell.model.backbone,
    size: cell.model.size,
    testSet: cell.testSet,
    reference: cell.reference,
    judge: cell.judge,
  };
}

/**
 * The paper's chart redrawn from its reported values alone: grouped bars per model, one per reference model, the
 * value printed on each bar as in the paper, legend below. Bars the paper did not publish are marked "not
 * published" (never drawn as zero). The title says the values are the paper's, not reproduced.
 */
export function buildPaperFigure(spec: PaperFigureSpec, reported: readonly ReportedWinRate[], options: PaperPlotOptions = {}): PaperPlot {
  const bargap = 0.22;
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const values: number[] = [];
  spec.series.forEach((series, si) => {
    const cells = cellsOf(spec, series);
    const ys = cells.map((c) => reportedValueFor(c, reported));
    ys.forEach((y, gi) => {
      if (y === null) annotations.push(missingMark(barCentre(gi, si, spec.series.length, bargap), "not published", series.dark));
      else values.push(y);
    });
    data.push({
      type: "bar",
      name: series.name,
      x: cells.map((c) => c.group),
      y: ys,
      text: ys.map((y) => (y === null ? "" : `<b>${fmtPaper(y)}</b>`)),
      textposition: "outside",
      cliponaxis: false,
      textfont: { size: 11, color: LABEL_COLOR, family: FONT },
      marker: { color: series.color, line: { width: 0 } },
      customdata: cells.map((c) => cellKey(c)),
      hovertemplate: `%{x}<br>${escapePlotlyText(series.name)}: %{y}% (paper)<extra></extra>`,
      meta: { kind: "paper", series: series.name },
    });
  });
  const prov = paperProvenance(spec, options);
  const title = `${spec.title}: the paper's reported values (not reproduced)`;
  const layout = baseLayout(spec, title, prov, yMaxFor(values), options, bargap);
  layout.annotations = annotations;
  return { data, layout };
}

function missingMark(x: number, text: string, color: string): Record<string, unknown> {
  return {
    x,
    y: 0,
    xref: "x",
    yref: "y",
    text,
    textangle: -90,
    showarrow: false,
    yanchor: "bottom",
    xanchor: "center",
    font: { size: 9, color },
    bgcolor: "rgba(255,255,255,0.85)",
    bordercolor: color,
    borderwidth: 1,
    borderpad: 1,
  };
}

/** Options for {@link buildComparisonFigure}. */
export interface ComparisonPlotOptions extends PaperPlotOptions {
  /** Scoring policy the reproduced values used (printed in the label). Default "alpacare". */
  policy?: string;
  /** Run name (printed when the rows carry none). */
  run?: string;
}

/**
 * Paper vs reproduced for one figure panel: per legend entry, the paper's bar (outlined, hatched, value on top)
 * beside the reproduced bar (solid, bootstrap 95% interval as an error bar, value on top). Cells with no verdicts
 * carry a "no verdicts" mark at the axis and no bar; bars the paper never published carry "not published".
 */
export function buildComparisonFigure(spec: PaperFigureSpec, rows: readonly PaperComparisonRow[], options: ComparisonPlotOptions = {}): PaperPlot {
  const bargap = 0.18;
  const nTraces = spec.series.length * 2;
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const values: number[] = [];
  spec.series.forEach((series, si) => {
    const rs = spec.groups.map((g) => rows.find((r) => r.group === g && r.series === series.name)!);
    const paperY = rs.map((r) => r.paper);
    const repY = rs.map((r) => (r.reproduced && Number.isFinite(r.reproduced.winRate) ? r.reproduced.winRate : null));
    rs.forEach((r, gi) => {
      if (r.paper === null) annotations.push(missingMark(barCentre(gi, 2 * si, nTraces, bargap), "not published", series.dark));
      else values.push(r.paper);
      const rep = r.reproduced;
      if (!rep) annotations.push(missingMark(barCentre(gi, 2 * si + 1, nTraces, bargap), "no verdicts", "#C00000"));
      else if (!Number.isFinite(rep.winRate)) annotations.push(missingMark(barCentre(gi, 2 * si + 1, nTraces, bargap), "all unparsed", "#C00000"));
      else {
        values.push(rep.ci95 ? rep.ci95[1] : rep.winRate);
        // The value sits above the interval's whisker, where it cannot collide with it.
        annotations.push({
          x: barCentre(gi, 2 * si + 1, nTraces, bargap),
          y: rep.ci95 && Number.isFinite(rep.ci95[1]) ? Math.max(rep.ci95[1], rep.winRate) : rep.winRate,
          xref: "x",
          yref: "y",
          text: `<b>${rep.winRate.toFixed(1)}</b>`,
          showarrow: false,
          yanchor: "bottom",
          xanchor: "center",
          yshift: 1,
          font: { size: 9, color: LABEL_COLOR, family: FONT },
        });
      }
    });
    const key = rs.map((r) => ({ model: r.model, modelName: r.modelName, backbone: r.backbone, size: r.size, testSet: r.testSet, reference: r.reference, judge: r.judge }));
    data.push({
      type: "bar",
      name: `${series.name} · paper`,
      legendgroup: series.name,
      x: spec.groups,
      y: paperY,
      text: paperY.map((y) => (y === null ? "" : fmtPaper(y))),
      textposition: "outside",
      cliponaxis: false,
      textfont: { size: 9, color: "#7F7F7F", family: FONT },
      marker: { color: "rgba(255,255,255,0)", line: { color: series.dark, width: 1.5 }, pattern: { shape: "/", fgcolor: series.color, size: 6, solidity: 0.35 } },
      customdata: key,
      hovertemplate: `%{x}<br>${escapePlotlyText(series.name)}: %{y}% (paper)<extra></extra>`,
      meta: { kind: "paper", series: series.name },
    });
    data.push({
      type: "bar",
      name: `${series.name} · reproduced`,
      legendgroup: series.name,
      x: spec.groups,
      y: repY,
      text: repY.map((y) => (y === null ? "" : y.toFixed(1))),
      textposition: "none",
      marker: { color: series.color, line: { color: series.dark, width: 0.5 } },
      error_y: {
        type: "data",
        symmetric: false,
        array: rs.map((r) => (r.reproduced?.ci95 && Number.isFinite(r.reproduced.winRate) ? Math.max(0, r.reproduced.ci95[1] - r.reproduced.winRate) : null)),
        arrayminus: rs.map((r) => (r.reproduced?.ci95 && Number.isFinite(r.reproduced.winRate) ? Math.max(0, r.reproduced.winRate - r.reproduced.ci95[0]) : null)),
        color: series.dark,
        thickness: 1.2,
        width: 2,
      },
      customdata: rs.map((r, i) => ({
        ...key[i],
        n: r.reproduced?.n ?? null,
        ci95: r.reproduced?.ci95 ?? null,
        judgeModel: r.reproduced?.judgeModel ?? null,
        promptHash: r.reproduced?.promptHash ?? null,
        unparsed: r.reproduced?.unparsed ?? null,
      })),
      hovertemplate: `%{x}<br>${escapePlotlyText(series.name)}: %{y:.1f}% reproduced<br>n = %{customdata.n}, 95%% CI %{customdata.ci95}<br>judge %{customdata.judgeModel}<extra></extra>`,
      meta: { kind: "reproduced", series: series.name },
    });
  });
  // A legend entry with no verdicts at all (Figure 5's claude-2 judge until it has run) says so in words too.
  const empty = spec.series.filter((series) => !rows.some((r) => r.series === series.name && r.reproduced));
  const alert = !empty.length
    ? undefined
    : empty.length === spec.series.length
      ? `No verdicts yet in run ${escapePlotlyText(options.run ?? "default")} for any bar of this figure: run alpacare judge to fill them`
      : `No verdicts yet for ${empty.map((e) => escapePlotlyText(e.name)).join(", ")}: run alpacare judge to fill these bars`;
  const prov = reproducedProvenance(spec, rows, options.policy ?? "alpacare", options.run);
  const title = `${spec.title}: paper (hatched) vs reproduced (solid, 95% CI)`;
  const layout = baseLayout(spec, title, prov, yMaxFor(values), options, bargap, alert);
  layout.bargroupgap = 0.02;
  layout.annotations = annotations;
  return { data, layout };
}

/** A figure's bars read back out of its traces: what the re-plot check compares with the CSV. */
export interface PlottedBar {
  kind: string;
  series: string;
  group: string;
  value: number | null;
  key: Record<string, unknown>;
}

/** Read every bar's value back out of a figure's data traces (the inverse of the builders, for checks). */
export function plottedBars(figure: PaperPlot): PlottedBar[] {
  const out: PlottedBar[] = [];
  for (const trace of figure.data) {
    if (trace.type !== "bar") continue;
    const meta = (trace.meta ?? {}) as { kind?: string; series?: string };
    const xs = trace.x as string[];
    const ys = trace.y as (number | null)[];
    const keys = (trace.customdata ?? []) as Record<string, unknown>[];
    xs.forEach((x, i) => out.push({ kind: meta.kind ?? "", series: meta.series ?? String(trace.name), group: x, value: ys[i] ?? null, key: keys[i] ?? {} }));
  }
  return out;
}

/** Summary of the paper-vs-reproduced differences over a set of rows (only cells with both values count). */
export interface DifferenceSummary {
  bars: number;
  reported: number;
  reproduced: number;
  compared: number;
  meanAbsDifference: number | null;
  meanDifference: number | null;
  paperInsideCi: number;
}

/** Count and average the differences of a paper-vs-reproduced table. */
export function summarizeDifferences(rows: readonly PaperComparisonRow[]): DifferenceSummary {
  const diffs = rows.map((r) => r.difference).filter((d): d is number => d !== null);
  return {
    bars: rows.length,
    reported: rows.filter((r) => r.paper !== null).length,
    reproduced: rows.filter((r) => r.reproduced !== null).length,
    compared: diffs.length,
    meanAbsDifference: diffs.length ? round(diffs.reduce((a, d) => a + Math.abs(d), 0) / diffs.length, 2) : null,
    meanDifference: diffs.length ? round(diffs.reduce((a, d) => a + d, 0) / diffs.length, 2) : null,
    paperInsideCi: rows.filter((r) => r.paperInsideCi === true).length,
  };
}

/** A flat record of a comparison row for tables (CSV, danfojs): missing values stay empty, never 0. */
export type DifferenceTableRow = {
  figure: string;
  testSet: string;
  model: string;
  modelName: string;
  reference: string;
  judge: string;
  paper: number | null;
  reproduced: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  difference: number | null;
  paperInsideCi: boolean | null;
  n: number | null;
  unparsed: number | null;
  judgeModel: string | null;
  promptHash: string | null;
  policy: string | null;
  status: "compared" | "no verdicts" | "not published" | "all unparsed";
  /** Deviations from the paper the reproduced value rests on, "; "-joined (substitute judge, adapted parameters). */
  deviations: string | null;
};

/** The paper-vs-reproduced table: one flat row per bar. */
export function differenceTable(rows: readonly PaperComparisonRow[]): DifferenceTableRow[] {
  return rows.map((r) => {
    const rep = r.reproduced;
    const value = rep && Number.isFinite(rep.winRate) ? round(rep.winRate, 2) : null;
    const status: DifferenceTableRow["status"] = !rep ? "no verdicts" : value === null ? "all unparsed" : r.paper === null ? "not published" : "compared";
    return {
      figure: r.figure,
      testSet: r.testSet,
      model: r.model,
      modelName: r.modelName,
      reference: r.reference,
      judge: r.judge,
      paper: r.paper,
      reproduced: value,
      ciLow: rep?.ci95 ? round(rep.ci95[0], 2) : null,
      ciHigh: rep?.ci95 ? round(rep.ci95[1], 2) : null,
      difference: r.difference,
      paperInsideCi: r.paperInsideCi,
      n: rep ? rep.n : null,
      unparsed: rep?.unparsed ?? null,
      judgeModel: rep?.judgeModel ?? null,
      promptHash: rep?.promptHash ?? null,
      policy: rep?.policy ?? null,
      status,
      deviations: rep?.deviations?.length ? rep.deviations.join("; ") : null,
    };
  });
}

/** The difference table as CSV text (empty cells for missing values). */
export function differenceTableCsv(rows: readonly DifferenceTableRow[]): string {
  const cols: (keyof DifferenceTableRow)[] = [
    "figure", "testSet", "model", "modelName", "reference", "judge", "paper", "reproduced", "ciLow", "ciHigh", "difference",
    "paperInsideCi", "n", "unparsed", "judgeModel", "promptHash", "policy", "status", "deviations",
  ];
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

/** The difference table as a Plotly table figure (missing cells shown as "—"), for export beside the charts. */
export function buildDifferenceTableFigure(rows: readonly DifferenceTableRow[], title = "Paper vs reproduced: differences per bar"): PaperPlot {
  const show = (v: number | null, d = 1) => (v === null ? "—" : v.toFixed(d));
  const header = ["figure", "test set", "model", "reference", "judge", "paper %", "reproduced %", "95% CI", "diff (pp)", "n", "status"];
  const columns = [
    rows.map((r) => r.figure),
    rows.map((r) => r.testSet),
    rows.map((r) => r.modelName + (r.model !== r.modelName ? ` (${r.model})` : "")),
    rows.map((r) => r.reference),
    rows.map((r) => r.judge),
    rows.map((r) => (r.paper === null ? "—" : fmtPaper(r.paper))),
    rows.map((r) => show(r.reproduced)),
    rows.map((r) => (r.ciLow === null || r.ciHigh === null ? "—" : `${r.ciLow.toFixed(1)}–${r.ciHigh.toFixed(1)}`)),
    rows.map((r) => (r.difference === null ? "—" : (r.difference > 0 ? "+" : "") + r.difference.toFixed(1))),
    rows.map((r) => (r.n === null ? "—" : String(r.n))),
    rows.map((r) => r.status),
  ];
  const fill = rows.map((r) => (r.status === "compared" ? (r.paperInsideCi ? "#E2F0D9" : "#FBE5D6") : "#F2F2F2"));
  return {
    data: [
      {
        type: "table",
        columnwidth: [40, 90, 150, 90, 80, 55, 70, 80, 55, 45, 85],
        header: { values: header.map((h) => `<b>${h}</b>`), fill: { color: "#D9D9D9" }, align: "left", font: { family: FONT, size: 11 } },
        cells: { values: columns, fill: { color: [fill] }, align: "left", font: { family: FONT, size: 10 }, height: 20 },
      },
    ],
    layout: {
      title: { text: `<b>${escapePlotlyText(title)}</b>`, x: 0.01, xanchor: "left", font: { family: FONT, size: 14 } },
      width: 1000,
      height: Math.min(3600, 120 + 21 * Math.max(1, rows.length)),
      margin: { l: 10, r: 10, t: 50, b: 10 },
      font: { family: FONT },
    },
  };
}
