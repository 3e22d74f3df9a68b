/**
 * Reading a result figure's bars back out of its traces: the inverse of the chart builders, so checks compare what
 * is drawn (not what was meant to be drawn) with the CSV.
 */
import type { PaperPlot } from "./paper-chrome.js";

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
