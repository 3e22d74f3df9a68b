/**
 * Inline figures for notebooks: `tslab.display.html(showFigure(fig))`. The Plotly bundle (~4.8 MB) goes into the
 * notebook once: the first `showFigure` call of a kernel session includes it (or call `plotlyBundleHtml()` in an
 * early cell yourself); later figures are a light `<div>` plus a few lines of script. Works in Jupyter and in
 * nbconvert's HTML render, offline.
 */
import { scriptJson } from "./html.js";
import { plotlyBundleSource, withWorkbenchLayout, type PlotlyFigure } from "./plotly.js";

let bundleIncluded = false;

/** A `<script>` with the whole Plotly bundle; display it once per notebook before the figures. */
export function plotlyBundleHtml(): string {
  bundleIncluded = true;
  return `<script type="text/javascript">${plotlyBundleSource().replace(/<\/script/gi, "<\\/script")}</script>`;
}

/** Options for {@link showFigure}. */
export interface ShowFigureOptions {
  /** Height in pixels of the inline plot. Default: the layout's height, else 460. */
  height?: number;
  /**
   * Include the Plotly bundle in this output: `"auto"` (default) includes it on the first call of the kernel session
   * only; `true` always; `false` never (you displayed `plotlyBundleHtml()` yourself).
   */
  includeBundle?: boolean | "auto";
  /** Apply the workbench's default look under the figure's layout. Default true. */
  workbenchStyle?: boolean;
}

let counter = 0;

/** HTML showing `figure` as an interactive Plotly chart, for `tslab.display.html(...)`. */
export function showFigure(figure: PlotlyFigure, options: ShowFigureOptions = {}): string {
  const fig = options.workbenchStyle === false ? figure : withWorkbenchLayout(figure);
  const include = options.includeBundle ?? "auto";
  const bundle = include === true || (include === "auto" && !bundleIncluded) ? plotlyBundleHtml() : "";
  const id = `alpacare-plot-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  const height = options.height ?? (typeof fig.layout?.height === "number" ? fig.layout.height : 460);
  // The figure waits for Plotly (a page may run this before the bundle's script has been evaluated) and says so
  // plainly if the bundle never arrives instead of leaving an empty box.
  return `${bundle}<div id="${id}" style="width:100%;min-height:${height}px"></div>
<script type="text/javascript">
(function () {
  var fig = ${scriptJson({ data: fig.data, layout: fig.layout ?? {}, config: fig.config ?? {} })};
  var tries = 0;
  function draw() {
    var el = document.getElementById(${JSON.stringify(id)});
    if (!el) return;
    if (window.Plotly) { window.Plotly.newPlot(el, fig.data, fig.layout, Object.assign({ responsive: true }, fig.config)); return; }
    if (++tries < 100) { setTimeout(draw, 100); return; }
    el.textContent = "Plotly is not loaded: display plotlyBundleHtml() in an earlier cell, or call showFigure(fig, { includeBundle: true }).";
  }
  draw();
})();
</script>`;
}

/** Forget that the bundle was included (e.g. after clearing all outputs), so the next `showFigure` includes it again. */
export function resetPlotlyBundle(): void {
  bundleIncluded = false;
}
