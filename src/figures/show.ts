/**
 * Inline figures for notebooks. `await displayFigure(fig)` (see `display.ts`) shows a figure as a rich display with two
 * representations: the interactive Plotly chart (HTML) and a static PNG of it, so a viewer that runs no JavaScript
 * (an untrusted notebook, GitHub, nbviewer) still shows the picture. `showFigure(fig)` is the HTML part alone.
 *
 * The HTML never depends on an earlier cell: it draws with `window.Plotly` when the page has it, and otherwise loads
 * the bundle itself, once per page, from the Jupyter server (`<base>/static/plotly.min.js`, served by `npm run lab`)
 * or from `plotly.min.js` beside an HTML file (nbconvert renders, the gallery). Until Plotly draws, and if it never
 * can, the static picture stays in place with a one-line note.
 */
import { escapeHtml, scriptJson, type PlotlyFigure } from "../core/index.js";
import { plotlyBundleSource, withWorkbenchLayout } from "./plotly.js";

/** A `<script>` with the whole Plotly bundle (~4.8 MB): for a self-contained HTML page; figures do not need it. */
export function plotlyBundleHtml(): string {
  return `<script type="text/javascript">${plotlyBundleSource().replace(/<\/script/gi, "<\\/script")}</script>`;
}

/** Options for {@link showFigure}. */
export interface ShowFigureOptions {
  /** Height in pixels of the inline plot. Default: the layout's height, else 460. */
  height?: number;
  /** Inline the Plotly bundle in this output (4.8 MB). Default false: the output loads Plotly itself when missing. */
  includeBundle?: boolean;
  /** Apply the workbench's default look under the figure's layout. Default true. */
  workbenchStyle?: boolean;
  /** A static picture shown until (and unless) the interactive chart draws: base64 PNG, or SVG text. */
  image?: { png?: string; svg?: string };
  /** A short caption under the figure (plain text). */
  caption?: string;
}

let counter = 0;

/**
 * The layout for an inline, responsive chart: no fixed width (the chart fills its output area and follows window
 * resizes), the figure's height kept. Exports keep the fixed paper-ready size; this is only for screens.
 */
export function responsiveLayout(layout: Record<string, unknown> = {}, height?: number): Record<string, unknown> {
  const { width: _width, ...rest } = layout;
  return { ...rest, autosize: true, ...(height !== undefined ? { height } : {}) };
}

/** HTML showing `figure` as an interactive, responsive Plotly chart (for `tslab.display.html(...)`). */
export function showFigure(figure: PlotlyFigure, options: ShowFigureOptions = {}): string {
  const fig = options.workbenchStyle === false ? figure : withWorkbenchLayout(figure);
  const height = options.height ?? (typeof fig.layout?.height === "number" ? fig.layout.height : 460);
  const id = `alpacare-plot-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  const title = figureTitle(fig);
  const picture = options.image?.png
    ? `<img class="alpacare-static" alt="${escapeHtml(title)}" src="data:image/png;base64,${options.image.png}" style="max-width:100%;height:auto;display:block">`
    : options.image?.svg
      ? `<img class="alpacare-static" alt="${escapeHtml(title)}" src="data:image/svg+xml;base64,${Buffer.from(options.image.svg, "utf8").toString("base64")}" style="max-width:100%;height:auto;display:block">`
      : "";
  const caption = options.caption ? `<p style="font-size:12px;color:#555;margin:4px 0 0">${escapeHtml(options.caption)}</p>` : "";
  const payload = scriptJson({
    data: fig.data,
    layout: responsiveLayout(fig.layout, height),
    config: { responsive: true, ...(fig.config ?? {}) },
  });
  return `${options.includeBundle ? plotlyBundleHtml() : ""}<div class="alpacare-figure" style="width:100%;max-width:100%;overflow:hidden">
<div id="${id}" class="alpacare-plot" style="width:100%;min-height:${picture ? 0 : height}px">${picture}</div>${caption}
</div>
<script type="text/javascript">
(function () {
  var fig = ${payload};
  var id = ${JSON.stringify(id)};
  function draw() {
    var el = document.getElementById(id);
    if (!el) return;
    el.innerHTML = "";
    el.style.height = fig.layout.height + "px";
    window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);
  }
  function unavailable() {
    var el = document.getElementById(id);
    if (!el) return;
    var note = document.createElement("div");
    note.style.cssText = "font-size:12px;color:#a00";
    note.textContent = "Interactive view unavailable (Plotly could not be loaded)" + (el.querySelector("img") ? "; showing the static picture." : ": run \`npm run lab\`, or open the exported figures/ HTML.");
    el.appendChild(note);
  }
  if (window.Plotly) { draw(); return; }
  // Load the bundle once per page; every figure waits on the same promise.
  if (!window.__alpacarePlotly) {
    window.__alpacarePlotly = new Promise(function (resolve, reject) {
      var urls = [];
      var base = document.body ? document.body.getAttribute("data-base-url") : null;
      if (base === null) { try { base = JSON.parse(document.getElementById("jupyter-config-data").textContent).baseUrl; } catch (e) { base = null; } }
      if (base) urls.push(base.replace(/\\/?$/, "/") + "static/plotly.min.js");
      urls.push("plotly.min.js");
      function next(i) {
        if (window.Plotly) { resolve(); return; }
        if (i >= urls.length) { reject(new Error("no Plotly")); return; }
        var s = document.createElement("script");
        s.src = urls[i];
        s.onload = function () { if (window.Plotly) resolve(); else next(i + 1); };
        s.onerror = function () { s.remove(); next(i + 1); };
        document.head.appendChild(s);
      }
      next(0);
    });
  }
  window.__alpacarePlotly.then(draw, function () { window.__alpacarePlotly = undefined; unavailable(); });
})();
</script>`;
}

/** The figure's title as plain text (tags such as `<b>` removed), or "figure". */
export function figureTitle(figure: PlotlyFigure): string {
  const t = figure.layout?.title;
  const text = typeof t === "object" && t !== null ? (t as { text?: unknown }).text : t;
  return typeof text === "string" && text.trim() ? stripTags(text) : "figure";
}

/** Plotly's rich-text title markup (`<b>`, `<br>`, `<sup>`...) as plain text. */
export function stripTags(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/\s+/g, " ")
    .trim();
}
