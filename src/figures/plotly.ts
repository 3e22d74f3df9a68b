/**
 * Figures are plain Plotly data, `{ data, layout }`: built by pure functions in the library, shown inline in
 * notebooks (`displayFigure`, or `figureCollector` when the notebook also exports them), exported to PNG/SVG/HTML
 * through headless Chromium (`exportFigures`). This module holds the Plotly bundle and the workbench's layout: the
 * bundle comes from `plotly.js-dist-min` in node_modules, never from a CDN, so everything works offline.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import type { PlotlyFigure } from "../core/index.js";

/** Absolute path of the Plotly bundle (`plotly.js-dist-min/plotly.min.js`). */
export function plotlyBundlePath(): string {
  return createRequire(import.meta.url).resolve("plotly.js-dist-min");
}

let bundleCache: string | undefined;

/** The Plotly bundle's source text (read once per process; ~4.8 MB). */
export function plotlyBundleSource(): string {
  bundleCache ??= readFileSync(plotlyBundlePath(), "utf8");
  return bundleCache;
}

/** The bundle's version (`Plotly.version`), for provenance. */
export function plotlyVersion(): string {
  const pkg = createRequire(import.meta.url)("plotly.js-dist-min/package.json") as { version: string };
  return pkg.version;
}

/** Default look for every workbench figure: Liberation Sans (metric-compatible with Arial, packaged on Debian), white. */
export const workbenchLayout: Record<string, unknown> = {
  font: { family: "Liberation Sans, Arial, Helvetica, sans-serif", size: 13, color: "#222" },
  paper_bgcolor: "#ffffff",
  plot_bgcolor: "#ffffff",
  colorway: ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"],
  margin: { l: 60, r: 30, t: 60, b: 60 },
};

/** The figure with {@link workbenchLayout} under its own layout (the figure's settings win, one level deep). */
export function withWorkbenchLayout(figure: PlotlyFigure): PlotlyFigure {
  const layout: Record<string, unknown> = { ...workbenchLayout };
  for (const [k, v] of Object.entries(figure.layout ?? {})) {
    const base = layout[k];
    layout[k] = isPlainObject(base) && isPlainObject(v) ? { ...base, ...v } : v;
  }
  return { ...figure, layout };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
