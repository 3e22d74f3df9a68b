/**
 * The paper-vs-reproduced table drawn as a Plotly table figure, exported beside the charts: a "—" for every missing
 * cell, and each compared row tinted by whether the paper's value lies inside the reproduced interval.
 */
import { escapePlotlyText, type LaidOutFigure } from "../core/index.js";
import { PAPER_FONT, formatPaperValue } from "./paper-chrome.js";
import type { DifferenceTableRow } from "./paper-differences.js";

/** The difference table as a Plotly table figure (missing cells shown as "—"), for export beside the charts. */
export function buildDifferenceTableFigure(rows: readonly DifferenceTableRow[], title = "Paper vs reproduced: differences per bar"): LaidOutFigure {
  const show = (v: number | null, d = 1) => (v === null ? "—" : v.toFixed(d));
  const header = ["figure", "test set", "model", "reference", "judge", "paper %", "reproduced %", "95% CI", "diff (pp)", "n", "status"];
  const columns = [
    rows.map((r) => r.figure),
    rows.map((r) => r.testSet),
    rows.map((r) => r.modelName + (r.model !== r.modelName ? ` (${r.model})` : "")),
    rows.map((r) => r.reference),
    rows.map((r) => r.judge),
    rows.map((r) => (r.paper === null ? "—" : formatPaperValue(r.paper))),
    rows.map((r) => show(r.reproduced)),
    rows.map((r) => (r.ciLow === null || r.ciHigh === null ? "—" : `${r.ciLow.toFixed(1)}–${r.ciHigh.toFixed(1)}`)),
    rows.map((r) => (r.difference === null ? "—" : (r.difference > 0 ? "+" : "") + r.difference.toFixed(1))),
    rows.map((r) => (r.n === null ? "—" : String(r.n))),
    rows.map((r) => r.status),
  ];
  const fill = rows.map((r) => (r.status === "compared" ? (r.paperInsideCi ? "#E2F0D9" : "#FBE5D6") : "#F2F2F2"));
  return {
    data: [
      {
        type: "table",
        columnwidth: [40, 90, 150, 90, 80, 55, 70, 80, 55, 45, 85],
        header: { values: header.map((h) => `<b>${h}</b>`), fill: { color: "#D9D9D9" }, align: "left", font: { family: PAPER_FONT, size: 11 } },
        cells: { values: columns, fill: { color: [fill] }, align: "left", font: { family: PAPER_FONT, size: 10 }, height: 20 },
      },
    ],
    layout: {
      title: { text: `<b>${escapePlotlyText(title)}</b>`, x: 0.01, xanchor: "left", font: { family: PAPER_FONT, size: 14 } },
      width: 1000,
      height: Math.min(3600, 120 + 21 * Math.max(1, rows.length)),
      margin: { l: 10, r: 10, t: 50, b: 10 },
      font: { family: PAPER_FONT },
    },
  };
}
