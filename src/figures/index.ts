// The figures stage's public face: generic Plotly export, inline display and the gallery (platform), plus the
// paper's figures (figures helper: paper*.ts, judgefree*.ts, re-exported below once they exist).
export * from "./plotly.js";
export * from "./browser.js";
export * from "./export.js";
export * from "./show.js";
export * from "./snapshot.js";
export * from "./display.js";
export * from "./gallery.js";
export * from "./png.js";
export * from "./paper-spec.js";
export * from "./paper.js";
export * from "./paper-reproduced.js";
export * from "./paper-figures.js";
export * from "./judgefree-stats.js";
export * from "./judgefree.js";
export * from "./charts.js";
export * from "./histogram-grid.js";
export * from "./kept-curves.js";
export * from "./collector.js";
