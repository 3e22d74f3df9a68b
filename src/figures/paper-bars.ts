/**
 * Reading a result figure's bars back out of its traces: the inverse of the chart builders, so checks compare what
 * is drawn (not what was meant to be drawn) with the CSV.
 */
import type { LaidOutFigure } from "../core/index.js";
import type { BarKey } from "./paper-compare.js";

/** A figure's bars read back out of its traces: what the re-plot check compares with the CSV. */
export interface PlottedBar {
  kind: string;
  series: string;
  group: string;
  value: number | null;
  key: BarKey;
}

/**
 * Read every bar's value back out of a figure's data traces (the inverse of the builders, for checks). The paper's
 * charts keep each bar's {@link BarKey} in `customdata`; a bar trace without one (not a paper chart's) is not read.
 */
export function plottedBars(figure: LaidOutFigure): PlottedBar[] {
  const out: PlottedBar[] = [];
  for (const trace of figure.data) {
    const keys = trace.customdata as BarKey[] | undefined;
    if (trace.type !== "bar" || !keys) continue;
    const meta = (trace.meta ?? {}) as { kind?: string; series?: string };
    const xs = trace.x as string[];
    const ys = trace.y as (number | null)[];
    xs.forEach((x, i) => out.push({ kind: meta.kind ?? "", series: meta.series ?? String(trace.name), group: x, value: ys[i] ?? null, key: keys[i]! }));
  }
  return out;
}
