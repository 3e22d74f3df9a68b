/**
 * Small figure builders shared by the notebooks (data statistics of the seed set and of generated tasks): bars of
 * counts, overlaid histograms and share-by-level comparisons, in plotly's qualitative palette (the sunbursts, which
 * share it, are `sunburst.ts`). Pure functions from plain counts to a {@link PlotlyFigure}.
 */
import { medianOfFinite } from "../core/index.js";
import type { PlotlyFigure } from "../core/index.js";
import type { LabelCount } from "../data/index.js";

/** Plotly's "Plotly" qualitative palette, the one the paper's sunbursts use. */
export const PLOTLY_QUALITATIVE: readonly string[] = [
  "#636EFA", "#EF553B", "#00CC96", "#AB63FA", "#FFA15A", "#19D3F3", "#FF6692", "#B6E880", "#FF97FF", "#FECB52",
];

/** Options for {@link countBarChart}. */
export interface BarChartOptions {
  title?: string;
  /** Axis title of the category axis. */
  categoryTitle?: string;
  /** Axis title of the count axis. Default "count". */
  valueTitle?: string;
  /** Horizontal bars (long labels read better). Default: horizontal when more than 8 bars. */
  horizontal?: boolean;
  /** Bar colour. Default the first palette colour. */
  color?: string;
  /** Print the count on each bar. Default true. */
  textOnBars?: boolean;
  /** Figure height in px. Default grows with the number of horizontal bars. */
  height?: number;
}

/** Bars of counts in the given order (largest first reads best: pass `countLabels(...)` output). */
export function countBarChart(counts: readonly LabelCount[], options: BarChartOptions = {}): PlotlyFigure {
  const horizontal = options.horizontal ?? counts.length > 8;
  const labels = counts.map((c) => c.label);
  const values = counts.map((c) => c.count);
  const trace = horizontal
    ? { type: "bar", orientation: "h", y: [...labels].reverse(), x: [...values].reverse() }
    : { type: "bar", x: labels, y: values };
  const valueAxis = { title: { text: options.valueTitle ?? "count" }, rangemode: "tozero", gridcolor: "#e5e5e5" };
  const categoryAxis = { title: { text: options.categoryTitle ?? "" }, automargin: true, type: "category" };
  const height = options.height ?? (horizontal ? Math.max(360, 120 + counts.length * 22) : 460);
  return {
    data: [
      {
        ...trace,
        marker: { color: options.color ?? PLOTLY_QUALITATIVE[0] },
        text: (options.textOnBars ?? true) ? (horizontal ? [...values].reverse() : values).map(String) : undefined,
        textposition: "outside",
        cliponaxis: false,
        hovertemplate: horizontal ? "%{y}: %{x}<extra></extra>" : "%{x}: %{y}<extra></extra>",
      },
    ],
    layout: {
      title: { text: options.title ?? "" },
      height,
      xaxis: horizontal ? valueAxis : { ...categoryAxis, tickangle: labels.some((l) => l.length > 10) ? -35 : 0 },
      yaxis: horizontal ? categoryAxis : valueAxis,
      margin: { l: 60, r: 40, t: 70, b: 60 },
      bargap: 0.25,
    },
  };
}

/** One named series of numbers for {@link histogramChart}. */
export interface HistogramSeries {
  name: string;
  values: readonly number[];
}

/** Options for {@link histogramChart}. */
export interface HistogramOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Bin width (same for all series, so they compare). Default: about 30 bins over the range. */
  binSize?: number;
  /** "count" (default) or "percent" (each series scaled to 100%, for sets of different sizes). */
  histnorm?: "count" | "percent";
  height?: number;
}

/** Overlaid histograms with shared bins, with each series' median in the legend. */
export function histogramChart(series: readonly HistogramSeries[], options: HistogramOptions = {}): PlotlyFigure {
  const all = series.flatMap((s) => [...s.values]);
  const min = all.length ? Math.min(...all) : 0;
  const max = all.length ? Math.max(...all) : 1;
  const size = options.binSize ?? Math.max(1, niceStep((max - min) / 30));
  const start = Math.floor(min / size) * size;
  return {
    data: series.map((s, i) => ({
      type: "histogram",
      name: `${s.name} (n=${s.values.length}, median ${medianOfFinite(s.values)})`,
      x: [...s.values],
      xbins: { start, end: max + size, size },
      histnorm: options.histnorm === "percent" ? "percent" : "",
      marker: { color: PLOTLY_QUALITATIVE[i % PLOTLY_QUALITATIVE.length], line: { color: "#ffffff", width: 0.5 } },
      opacity: series.length > 1 ? 0.65 : 0.9,
    })),
    layout: {
      title: { text: options.title ?? "" },
      barmode: "overlay",
      height: options.height ?? 420,
      xaxis: { title: { text: options.xTitle ?? "" }, rangemode: "tozero" },
      yaxis: { title: { text: options.yTitle ?? (options.histnorm === "percent" ? "% of items" : "count") }, gridcolor: "#e5e5e5" },
      showlegend: true,
      legend: { orientation: "h", yanchor: "bottom", y: 1.0, xanchor: "right", x: 1 },
      margin: { l: 60, r: 30, t: 90, b: 60 },
    },
  };
}

/** One set's counts per level (e.g. difficulty 1-5) for {@link levelShareChart}. */
export interface LevelSeries {
  name: string;
  counts: readonly LabelCount[];
}

/**
 * Grouped bars of each set's share per level (percent of that set, so sets of different sizes compare), with the
 * counts on hover and the set sizes in the legend.
 */
export function levelShareChart(
  series: readonly LevelSeries[],
  options: { title?: string; levelTitle?: string; levels?: readonly string[]; height?: number } = {},
): PlotlyFigure {
  const levels = options.levels ?? [...new Set(series.flatMap((s) => s.counts.map((c) => c.label)))].sort();
  return {
    data: series.map((s, i) => {
      const total = s.counts.reduce((a, c) => a + c.count, 0);
      const count = (l: string) => s.counts.find((c) => c.label === l)?.count ?? 0;
      const pct = levels.map((l) => (total ? (100 * count(l)) / total : 0));
      return {
        type: "bar",
        name: `${s.name} (n=${total})`,
        x: [...levels],
        y: pct,
        customdata: levels.map(count),
        text: pct.map((p) => `${p.toFixed(0)}%`),
        textposition: "outside",
        cliponaxis: false,
        marker: { color: PLOTLY_QUALITATIVE[i % PLOTLY_QUALITATIVE.length] },
        hovertemplate: `${s.name}, level %{x}: %{y:.1f}% (%{customdata} items)<extra></extra>`,
      };
    }),
    layout: {
      title: { text: options.title ?? "" },
      barmode: "group",
      height: options.height ?? 420,
      xaxis: { title: { text: options.levelTitle ?? "" }, type: "category" },
      yaxis: { title: { text: "% of the set" }, rangemode: "tozero", gridcolor: "#e5e5e5" },
      legend: { orientation: "h", yanchor: "bottom", y: 1.0, xanchor: "right", x: 1 },
      margin: { l: 60, r: 30, t: 90, b: 60 },
    },
  };
}

/** 1, 2, 5, 10, 20, 50... at or above `x`. */
function niceStep(x: number): number {
  if (x <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}
