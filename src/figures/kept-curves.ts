/**
 * The share of a pool kept versus the Rouge-L threshold under both filtering policies: the paper's all-pairs curve
 * (exact at every threshold from one pass) as a solid line, self-instruct's incremental walk (one run per threshold)
 * as a dotted line with markers, one colour per pool.
 */
import type { KeptPoint } from "../dedup/index.js";
import { PANEL_COLORS } from "./histogram-grid.js";
import type { PlotlyFigure } from "../core/index.js";

/** One pool's two curves for {@link keptCurvesFigure}. */
export interface PoolKeptCurves {
  /** Pool name (the legend reads "<name> all-pairs" and "<name> incremental"). */
  name: string;
  /** Items in the pool: the 100% of both curves. */
  items: number;
  /** The all-pairs curve (`keptCurve(maxSimilarity)`). */
  allPairs: readonly KeptPoint[];
  /** The incremental policy's points (`incrementalKeptCurve(texts, thresholds)`). */
  incremental: readonly KeptPoint[];
}

/** Options for {@link keptCurvesFigure}. */
export interface KeptCurvesFigureOptions {
  /** Where the dashed vertical line goes. Default 0.7 (the paper's). */
  threshold?: number;
  /** Default "Share of items kept versus Rouge-L threshold". */
  title?: string;
  /** Pool colours, pool i taking colour i modulo the length. Default {@link PANEL_COLORS}. */
  colors?: readonly string[];
  /** Figure height in px. Default 520. */
  height?: number;
}

/** Percent kept versus threshold, per pool and policy (see the file comment). */
export function keptCurvesFigure(pools: readonly PoolKeptCurves[], options: KeptCurvesFigureOptions = {}): PlotlyFigure {
  const colors = options.colors ?? PANEL_COLORS;
  const threshold = options.threshold ?? 0.7;
  const data: Record<string, unknown>[] = [];
  pools.forEach((pool, i) => {
    const percent = (points: readonly KeptPoint[]) => points.map((p) => (100 * p.kept) / Math.max(1, pool.items));
    data.push({
      type: "scatter",
      mode: "lines",
      name: `${pool.name} all-pairs`,
      x: pool.allPairs.map((p) => p.threshold),
      y: percent(pool.allPairs),
      line: { color: colors[i % colors.length], width: 2 },
      legendgroup: pool.name,
    });
    data.push({
      type: "scatter",
      mode: "lines+markers",
      name: `${pool.name} incremental`,
      x: pool.incremental.map((p) => p.threshold),
      y: percent(pool.incremental),
      line: { color: colors[i % colors.length], dash: "dot", width: 1.5 },
      legendgroup: pool.name,
    });
  });
  return {
    data,
    layout: {
      title: { text: options.title ?? "Share of items kept versus Rouge-L threshold" },
      xaxis: { title: { text: "threshold (drop when max Rouge-L > threshold)" }, range: [0, 1] },
      yaxis: { title: { text: "% kept" }, range: [0, 102], gridcolor: "#e5e5e5" },
      shapes: [{ type: "line", x0: threshold, x1: threshold, y0: 0, y1: 100, line: { color: "#444", dash: "dash", width: 1 } }],
      height: options.height ?? 520,
      legend: { orientation: "v" },
    },
  } as PlotlyFigure;
}
