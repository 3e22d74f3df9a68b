/**
 * Paper vs reproduced for one figure panel: every reported bar (outlined, hatched) beside the value reproduced from
 * verdicts (solid, with its bootstrap 95% interval). A cell with no verdicts is marked "no verdicts", never drawn as
 * zero; a legend entry with none at all says so in red under the title.
 */
import { escapePlotlyText, type LaidOutFigure } from "../core/index.js";
import { barKeyOf, type PaperComparisonRow } from "./paper-compare.js";
import { PAPER_FONT, PAPER_LABEL_COLOR, barCentre, formatPaperValue, missingBarMark, paperBarLayout, winRateAxisMax, type PaperPlotOptions } from "./paper-chrome.js";
import { provenanceSubtitleLines, reproducedProvenance } from "./paper-provenance.js";
import type { PaperFigureSpec } from "./paper-spec.js";

/** Options for {@link buildComparisonFigure}. */
export interface ComparisonPlotOptions extends PaperPlotOptions {
  /** Scoring policy the reproduced values used (printed in the label). Default "alpacare". */
  policy?: string;
  /** Run name (printed when the rows carry none). */
  run?: string;
}

/**
 * Paper vs reproduced for one figure panel: per legend entry, the paper's bar (outlined, hatched, value on top)
 * beside the reproduced bar (solid, bootstrap 95% interval as an error bar, value on top). Cells with no verdicts
 * carry a "no verdicts" mark at the axis and no bar; bars the paper never published carry "not published".
 */
export function buildComparisonFigure(spec: PaperFigureSpec, rows: readonly PaperComparisonRow[], options: ComparisonPlotOptions = {}): LaidOutFigure {
  const bargap = 0.18;
  const nTraces = spec.series.length * 2;
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const values: number[] = [];
  spec.series.forEach((series, si) => {
    const rs = spec.groups.map((g) => rows.find((r) => r.group === g && r.series === series.name)!);
    const paperY = rs.map((r) => r.paper);
    const repY = rs.map((r) => (r.reproduced && Number.isFinite(r.reproduced.winRate) ? r.reproduced.winRate : null));
    rs.forEach((r, gi) => {
      if (r.paper === null) annotations.push(missingBarMark(barCentre(gi, 2 * si, nTraces, bargap), "not published", series.dark));
      else values.push(r.paper);
      const rep = r.reproduced;
      if (!rep) annotations.push(missingBarMark(barCentre(gi, 2 * si + 1, nTraces, bargap), "no verdicts", "#C00000"));
      else if (!Number.isFinite(rep.winRate)) annotations.push(missingBarMark(barCentre(gi, 2 * si + 1, nTraces, bargap), "all unparsed", "#C00000"));
      else {
        values.push(rep.ci95 ? rep.ci95[1] : rep.winRate);
        // The value sits above the interval's whisker, where it cannot collide with it.
        annotations.push({
          x: barCentre(gi, 2 * si + 1, nTraces, bargap),
          y: rep.ci95 && Number.isFinite(rep.ci95[1]) ? Math.max(rep.ci95[1], rep.winRate) : rep.winRate,
          xref: "x",
          yref: "y",
          text: `<b>${rep.winRate.toFixed(1)}</b>`,
          showarrow: false,
          yanchor: "bottom",
          xanchor: "center",
          yshift: 1,
          font: { size: 9, color: PAPER_LABEL_COLOR, family: PAPER_FONT },
        });
      }
    });
    const key = rs.map(barKeyOf);
    data.push({
      type: "bar",
      name: `${series.name} · paper`,
      legendgroup: series.name,
      x: spec.groups,
      y: paperY,
      text: paperY.map((y) => (y === null ? "" : formatPaperValue(y))),
      textposition: "outside",
      cliponaxis: false,
      textfont: { size: 9, color: "#7F7F7F", family: PAPER_FONT },
      marker: { color: "rgba(255,255,255,0)", line: { color: series.dark, width: 1.5 }, pattern: { shape: "/", fgcolor: series.color, size: 6, solidity: 0.35 } },
      customdata: key,
      hovertemplate: `%{x}<br>${escapePlotlyText(series.name)}: %{y}% (paper)<extra></extra>`,
      meta: { kind: "paper", series: series.name },
    });
    data.push({
      type: "bar",
      name: `${series.name} · reproduced`,
      legendgroup: series.name,
      x: spec.groups,
      y: repY,
      text: repY.map((y) => (y === null ? "" : y.toFixed(1))),
      textposition: "none",
      marker: { color: series.color, line: { color: series.dark, width: 0.5 } },
      error_y: {
        type: "data",
        symmetric: false,
        array: rs.map((r) => (r.reproduced?.ci95 && Number.isFinite(r.reproduced.winRate) ? Math.max(0, r.reproduced.ci95[1] - r.reproduced.winRate) : null)),
        arrayminus: rs.map((r) => (r.reproduced?.ci95 && Number.isFinite(r.reproduced.winRate) ? Math.max(0, r.reproduced.winRate - r.reproduced.ci95[0]) : null)),
        color: series.dark,
        thickness: 1.2,
        width: 2,
      },
      customdata: rs.map((r, i) => ({
        ...key[i],
        n: r.reproduced?.n ?? null,
        ci95: r.reproduced?.ci95 ?? null,
        judgeModel: r.reproduced?.judgeModel ?? null,
        promptHash: r.reproduced?.promptHash ?? null,
        unparsed: r.reproduced?.unparsed ?? null,
      })),
      hovertemplate: `%{x}<br>${escapePlotlyText(series.name)}: %{y:.1f}% reproduced<br>n = %{customdata.n}, 95%% CI %{customdata.ci95}<br>judge %{customdata.judgeModel}<extra></extra>`,
      meta: { kind: "reproduced", series: series.name },
    });
  });
  // A legend entry with no verdicts at all (Figure 5's claude-2 judge until it has run) says so in words too.
  const empty = spec.series.filter((series) => !rows.some((r) => r.series === series.name && r.reproduced));
  const alert = !empty.length
    ? undefined
    : empty.length === spec.series.length
      ? `No verdicts yet in run ${escapePlotlyText(options.run ?? "default")} for any bar of this figure: run alpacare judge to fill them`
      : `No verdicts yet for ${empty.map((e) => escapePlotlyText(e.name)).join(", ")}: run alpacare judge to fill these bars`;
  const prov = reproducedProvenance(spec, rows, options.policy ?? "alpacare", options.run);
  const title = `${spec.title}: paper (hatched) vs reproduced (solid, 95% CI)`;
  const layout = paperBarLayout(spec, title, provenanceSubtitleLines(prov), winRateAxisMax(values), options, bargap, alert);
  layout.bargroupgap = 0.02;
  layout.annotations = annotations;
  return { data, layout };
}
