/**
 * The paper's chart redrawn from its reported values alone (the re-plot check): styled like the original, so a
 * reader can lay it beside the paper's figure and see the same bars. No reproduced value appears here.
 */
import { escapePlotlyText } from "../core/index.js";
import type { LaidOutFigure } from "../core/index.js";
import type { PaperValue } from "../data/index.js";
import { cellKey, reportedValueFor } from "./paper-compare.js";
import { PAPER_FONT, PAPER_LABEL_COLOR, barCentre, formatPaperValue, missingBarMark, paperBarLayout, winRateAxisMax, type PaperPlotOptions } from "./paper-chrome.js";
import { paperProvenance, provenanceSubtitleLines } from "./paper-provenance.js";
import type { BarCell, PaperFigureSpec, SeriesStyle } from "./paper-spec.js";

/** A legend entry's bars, one per x category. */
function cellsOf(spec: PaperFigureSpec, series: SeriesStyle): BarCell[] {
  // Ordered by group, so trace points line up with spec.groups.
  return spec.groups.map((g) => spec.cells.find((c) => c.group === g && c.series === series.name)!).filter(Boolean);
}

/**
 * The paper's chart redrawn from its reported values alone: grouped bars per model, one per reference model, the
 * value printed on each bar as in the paper, legend below. Bars the paper did not publish are marked "not
 * published" (never drawn as zero). The title says the values are the paper's, not reproduced.
 */
export function buildPaperFigure(spec: PaperFigureSpec, reported: readonly PaperValue[], options: PaperPlotOptions = {}): LaidOutFigure {
  const bargap = 0.22;
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const values: number[] = [];
  spec.series.forEach((series, si) => {
    const cells = cellsOf(spec, series);
    const ys = cells.map((c) => reportedValueFor(c, reported));
    ys.forEach((y, gi) => {
      if (y === null) annotations.push(missingBarMark(barCentre(gi, si, spec.series.length, bargap), "not published", series.dark));
      else values.push(y);
    });
    data.push({
      type: "bar",
      name: series.name,
      x: cells.map((c) => c.group),
      y: ys,
      text: ys.map((y) => (y === null ? "" : `<b>${formatPaperValue(y)}</b>`)),
      textposition: "outside",
      cliponaxis: false,
      textfont: { size: 11, color: PAPER_LABEL_COLOR, family: PAPER_FONT },
      marker: { color: series.color, line: { width: 0 } },
      customdata: cells.map((c) => cellKey(c)),
      hovertemplate: `%{x}<br>${escapePlotlyText(series.name)}: %{y}% (paper)<extra></extra>`,
      meta: { kind: "paper", series: series.name },
    });
  });
  const prov = paperProvenance(spec, options);
  const title = `${spec.title}: the paper's reported values (not reproduced)`;
  const layout = paperBarLayout(spec, title, provenanceSubtitleLines(prov), winRateAxisMax(values), options, bargap);
  layout.annotations = annotations;
  return { data, layout };
}
