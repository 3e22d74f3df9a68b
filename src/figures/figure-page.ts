/**
 * One exported figure as an interactive HTML page: the chart (responsive, offline), its caption and its provenance
 * below it. The provenance block is the gallery's too, so a figure's page and its gallery entry say the same thing.
 */
import { escapeHtml, scriptJson } from "../core/index.js";
import type { FigureItem, FigureItemProvenance } from "./export.js";
import { plotlyBundleSource } from "./plotly.js";
import { figureTitle, responsiveLayout } from "./show.js";

/** An interactive page for one figure, with caption and provenance below it. */
export function figureStandaloneHtml(item: FigureItem, options: { inlineBundle?: boolean } = {}): string {
  // Plotly titles carry rich-text tags (`<b>`): the tab title shows the plain words.
  const title = escapeHtml(figureTitle(item.figure) === "figure" ? item.name : figureTitle(item.figure));
  const script = options.inlineBundle
    ? `<script>${plotlyBundleSource().replace(/<\/script/gi, "<\\/script")}</script>`
    : `<script src="plotly.min.js"></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(item.name)}: ${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
${script}
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 1.5rem auto; max-width: 1200px; color: #222; }
#figure { width: 100%; height: ${item.height ?? 560}px; }
.table-scroll { overflow-x: auto; }
.caption { margin: 0.8rem 0; line-height: 1.4; }
.provenance { font-size: 0.85rem; color: #555; }
.provenance code { background: #f4f4f4; padding: 0 0.2rem; }
</style>
</head>
<body>
<div id="figure"></div>
${item.caption ? `<p class="caption">${escapeHtml(item.caption)}</p>` : ""}
${figureProvenanceHtml(item.provenance)}
<script>
// The page is responsive (no fixed width: the chart fills the window); PNG/SVG keep the fixed export size.
Plotly.newPlot("figure", ${scriptJson(item.figure.data)}, ${scriptJson(responsiveLayout(item.figure.layout, item.height ?? 560))}, Object.assign({ responsive: true }, ${scriptJson(item.figure.config ?? {})}));
</script>
</body>
</html>
`;
}

/** Provenance as a small HTML block (`key: value` items, or a sentence). */
export function figureProvenanceHtml(p: FigureItemProvenance | undefined): string {
  if (p === undefined) return "";
  if (typeof p === "string") return `<p class="provenance">Provenance: ${escapeHtml(p)}</p>`;
  const rows = Object.entries(p)
    .filter(([, v]) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `<li>${escapeHtml(k)}: <code>${escapeHtml(Array.isArray(v) ? v.join("; ") : String(v))}</code></li>`);
  return rows.length ? `<ul class="provenance">${rows.join("")}</ul>` : "";
}
