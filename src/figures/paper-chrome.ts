/**
 * The look every result figure shares with the paper's charts: its font and greys, the title block with the
 * provenance subtitle, the grouped-bar layout and axes, bar positions under Plotly's geometry, the mark a missing bar
 * gets instead of a zero, and values printed as the paper prints them. The chart builders spread these; none of them
 * knows what a bar means.
 */
import { escapePlotlyText, roundTo, type LaidOutFigure } from "../core/index.js";
import type { PaperFigureSpec } from "./paper-spec.js";

/** Options shared by the figure builders. */
export interface PaperPlotOptions {
  /** Figure width and height in px (default 1000 x 520, the paper's aspect). */
  width?: number;
  height?: number;
  /** Hash of the paper's judge prompt (`alpaca_eval_chat_gpt.txt`), when known, for the paper figure's label. */
  paperPromptHash?: string;
}

/** The paper's chart font (Liberation Sans is metric-compatible with Arial and packaged on Debian). */
export const PAPER_FONT = "Liberation Sans, Arial, Helvetica, sans-serif";
/** Dark grey of axis labels and values printed on bars. */
export const PAPER_LABEL_COLOR = "#404040";
const GRID = "#D9D9D9";

/** Format a paper value as printed in the paper (no trailing zeros: 49.65, 35, 0.2). */
export function formatPaperValue(v: number): string {
  return String(roundTo(v, 2));
}

/** Bar centre of series `i` of `n` in category `g` under Plotly's grouped-bar geometry. */
export function barCentre(g: number, i: number, n: number, bargap: number): number {
  const groupWidth = 1 - bargap;
  return g - groupWidth / 2 + (groupWidth / n) * (i + 0.5);
}

/**
 * The look every result figure shares with the paper's charts: Liberation Sans, white background, a bold title at
 * the top left with a grey subtitle under it (provenance lines). Spread into a Plotly layout.
 */
export function paperChrome(titleHtml: string, subtitleHtml: string): Record<string, unknown> {
  return {
    font: { family: PAPER_FONT, size: 12, color: PAPER_LABEL_COLOR },
    paper_bgcolor: "#FFFFFF",
    plot_bgcolor: "#FFFFFF",
    title: {
      text: titleHtml,
      x: 0.01,
      xanchor: "left",
      xref: "container",
      y: 1,
      yref: "container",
      yanchor: "top",
      pad: { t: 12 },
      font: { size: 15, family: PAPER_FONT, color: "#000000" },
      subtitle: { text: subtitleHtml, font: { size: 11, family: PAPER_FONT, color: "#595959" } },
    },
  };
}

/**
 * The layout of a grouped-bar result figure: the chrome with `title` and the plain-text `subtitleLines` (escaped
 * here; an `alert` in red above them is HTML already), the spec's groups on x, win rate on y up to `yMax`, legend
 * below. The top margin grows with the subtitle so the lines never overlap the bars.
 */
export function paperBarLayout(
  spec: PaperFigureSpec,
  title: string,
  subtitleLines: readonly string[],
  yMax: number,
  options: PaperPlotOptions,
  bargap: number,
  alert?: string,
): Record<string, unknown> {
  const subtitle = [...(alert ? [`<span style="color:#C00000"><b>${alert}</b></span>`] : []), ...subtitleLines.map((l) => escapePlotlyText(l))].join("<br>");
  const lineCount = subtitleLines.length + (alert ? 1 : 0);
  return {
    width: options.width ?? 1000,
    height: options.height ?? 520,
    ...paperChrome(`<b>${escapePlotlyText(title)}</b>`, subtitle),
    margin: { l: 60, r: 20, t: 52 + 14 * lineCount, b: 70 },
    barmode: "group",
    bargap,
    bargroupgap: 0.04,
    xaxis: {
      type: "category",
      categoryorder: "array",
      categoryarray: spec.groups,
      tickfont: { size: 12, family: PAPER_FONT, color: PAPER_LABEL_COLOR },
      showline: true,
      linecolor: "#BFBFBF",
      ticks: "",
    },
    yaxis: {
      title: { text: "win rate (%)", font: { size: 12 } },
      range: [0, yMax],
      ticksuffix: "",
      showgrid: true,
      gridcolor: GRID,
      zeroline: true,
      zerolinecolor: "#BFBFBF",
      tickfont: { size: 11, color: "#595959" },
    },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.1, yanchor: "top", font: { size: 11 } },
    uniformtext: { minsize: 8, mode: "show" },
  };
}

/** A y range that fits every bar plus its label, rounded up to the next 10 (the paper's axes stop at 60 or 70). */
export function winRateAxisMax(values: number[]): number {
  const max = Math.max(0, ...values.filter(Number.isFinite));
  return Math.max(10, Math.ceil((max + 1) / 10) * 10);
}

/**
 * The mark standing where a bar is missing ("not published", "no verdicts"): vertical text on a white box at the
 * axis, so a missing value can never be read as a zero-height bar.
 */
export function missingBarMark(x: number, text: string, color: string): Record<string, unknown> {
  return {
    x,
    y: 0,
    xref: "x",
    yref: "y",
    text,
    textangle: -90,
    showarrow: false,
    yanchor: "bottom",
    xanchor: "center",
    font: { size: 9, color },
    bgcolor: "rgba(255,255,255,0.85)",
    bordercolor: color,
    borderwidth: 1,
    borderpad: 1,
  };
}
