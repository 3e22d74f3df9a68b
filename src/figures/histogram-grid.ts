/**
 * A grid of histograms of scores in [0, 1] (Rouge-L maxima per pool, per test set), one panel per named sample, each
 * with a dashed threshold line and a note of n and the share above the threshold. The values are binned here, not
 * by Plotly, so an exported figure stays small for 47k items.
 */
import { escapePlotlyText } from "../core/index.js";
import { PLOTLY_QUALITATIVE } from "./charts.js";
import type { PlotlyFigure } from "../core/index.js";

/** Plotly's qualitative palette as plotly.py spells it (lowercase): panel i takes colour i modulo its length. */
export const PANEL_COLORS: readonly string[] = PLOTLY_QUALITATIVE.map((c) => c.toLowerCase());

/**
 * Counts per bin of [0, 1] cut into `bins` equal bins (default 50, i.e. 0.02 wide): bin b holds b/bins <= x <
 * (b+1)/bins, and the last bin also holds 1.0. Values below 0 go to the first bin, above 1 to the last; NaN is not
 * counted.
 */
export function binUnitInterval(values: ArrayLike<number>, bins = 50): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) continue;
    counts[Math.max(0, Math.min(bins - 1, Math.floor(x * bins)))]!++;
  }
  return counts;
}

/** One panel of {@link histogramGridFigure}: a name and its values in [0, 1]. */
export interface HistogramPanel {
  name: string;
  values: ArrayLike<number>;
}

/** Options for {@link histogramGridFigure}. */
export interface HistogramGridOptions {
  /** Figure title. Default "". */
  title?: string;
  /** X-axis title of the bottom row. Default "". */
  xTitle?: string;
  /** Y-axis title of the left column. Default "% of items". */
  yTitle?: string;
  /** Where the dashed line goes; the note gives the share strictly above it. Default 0.7 (the paper's Rouge-L cut). */
  threshold?: number;
  /** Bins of [0, 1]. Default 50 (0.02 wide). */
  bins?: number;
  /** Panels per row (fewer when there are fewer panels). Default 3. */
  columns?: number;
  /** Height of one row of panels in px (the figure adds 100 for title and axes). Default 280. */
  rowHeight?: number;
  /** Bar colours, panel i taking colour i modulo the length. Default {@link PANEL_COLORS}. */
  colors?: readonly string[];
}

/**
 * One histogram panel per sample, in rows of `columns`: bars give the percentage of the panel's items per bin, a
 * dashed line marks the threshold, and the note above each panel reads "<b>name</b> (n=…): x% > threshold".
 */
export function histogramGridFigure(panels: readonly HistogramPanel[], options: HistogramGridOptions = {}): PlotlyFigure {
  const threshold = options.threshold ?? 0.7;
  const bins = options.bins ?? 50;
  const colors = options.colors ?? PANEL_COLORS;
  const cols = Math.min(options.columns ?? 3, panels.length);
  const rows = Math.ceil(panels.length / cols);
  const data: Record<string, unknown>[] = [];
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? "" },
    grid: { rows, columns: cols, pattern: "independent", roworder: "top to bottom", ygap: 0.45, xgap: 0.12 },
    height: (options.rowHeight ?? 280) * rows + 100,
    showlegend: false,
    bargap: 0.02,
    margin: { l: 60, r: 20, t: 100, b: 60 },
  };
  panels.forEach(({ name, values }, i) => {
    const ax = i === 0 ? "" : String(i + 1);
    const n = values.length;
    let over = 0;
    for (let k = 0; k < n; k++) if (values[k]! > threshold) over++;
    const counts = binUnitInterval(values, bins);
    data.push({
      type: "bar",
      x: counts.map((_, b) => (b + 0.5) / bins),
      y: counts.map((c) => (100 * c) / Math.max(1, n)),
      width: 1 / bins,
      marker: { color: colors[i % colors.length] },
      xaxis: `x${ax}`,
      yaxis: `y${ax}`,
      name,
      hovertemplate: "%{x:.2f}: %{y:.1f}%<extra></extra>",
    });
    layout[`xaxis${ax}`] = { range: [0, 1 + 1 / bins], title: { text: i >= panels.length - cols ? (options.xTitle ?? "") : "" } };
    layout[`yaxis${ax}`] = { title: { text: i % cols === 0 ? (options.yTitle ?? "% of items") : "" }, gridcolor: "#e5e5e5" };
    shapes.push({ type: "line", xref: `x${ax}`, yref: `y${ax} domain`, x0: threshold, x1: threshold, y0: 0, y1: 1, line: { color: "#444", dash: "dash", width: 1 } });
    annotations.push({
      xref: `x${ax} domain`,
      yref: `y${ax} domain`,
      x: 0,
      y: 1.02,
      xanchor: "left",
      yanchor: "bottom",
      showarrow: false,
      align: "left",
      text: `<b>${escapePlotlyText(name)}</b> (n=${n}): ${((100 * over) / Math.max(1, n)).toFixed(1)}% > ${threshold}`,
      font: { size: 11 },
    });
  });
  layout.shapes = shapes;
  layout.annotations = annotations;
  return { data, layout } as PlotlyFigure;
}
