/**
 * Every paper figure at once, ready for `exportFigures`: for each panel of Figures 2-6 (and the appendix's 10), the
 * paper-vs-reproduced chart (`figure-2a`) and the paper's chart redrawn from its reported values alone
 * (`figure-2a-paper`), plus the table of differences. What the CLI (`alpacare figures`) and notebook 06 call.
 */
import { loadPaperValues, type PaperValue } from "../data/index.js";
import { loadJudgeTemplate } from "../judge/index.js";
import type { FigureItem } from "./export.js";
import {
  comparePaperCells,
  summariseDifferences,
  type DifferenceSummary,
  type PaperComparisonRow,
  type ReproducedWinRate,
} from "./paper-compare.js";
import { buildComparisonFigure } from "./paper-comparison-chart.js";
import { buildPaperFigure } from "./paper-chart.js";
import { differenceTable, type DifferenceTableRow } from "./paper-differences.js";
import { buildDifferenceTableFigure } from "./paper-differences-figure.js";
import { paperProvenance, provenanceRecord, reproducedProvenance } from "./paper-provenance.js";
import { loadReproducedWinRates, type ReproducedOptions } from "./paper-reproduced.js";
import { paperFigureSpecs, type PaperFigureSpec, type PaperFigureSpecOptions } from "./paper-spec.js";

/** The gallery heading (figures/index.html) for the paper's result figures, which carry no `NN-` prefix. */
export const PAPER_FIGURES_GROUP = "Paper figures 2-6 and 10 (notebook 06, alpacare figures)";

/** Options for {@link paperFigures}. */
export interface PaperFiguresOptions extends ReproducedOptions, PaperFigureSpecOptions {
  /** Which figures: `fig2`, `2a`, `fig5`, `6c`, `fig10`... (default: all). */
  only?: readonly string[];
  /** The paper's values (default `loadPaperValues()`). */
  reported?: readonly PaperValue[];
  /** Reproduced win rates (default: scored from the run's verdicts with `loadReproducedWinRates(options)`). */
  reproduced?: readonly ReproducedWinRate[];
  /** Also emit the paper-only re-plots `figure-<id>-paper` (default true). */
  paperOnly?: boolean;
  /** Emit the differences table as a figure `figure-differences` (default true). */
  differencesFigure?: boolean;
}

/** What {@link paperFigures} returns. */
export interface PaperFigureSet {
  specs: PaperFigureSpec[];
  /** Figures ready for `exportFigures` (names, captions, provenance, sizes). */
  items: FigureItem[];
  /** Paper beside reproduced, one row per bar of every selected figure. */
  rows: PaperComparisonRow[];
  /** The same as flat table rows (missing cells null, never 0). */
  table: DifferenceTableRow[];
  summary: DifferenceSummary;
  reproduced: readonly ReproducedWinRate[];
}

/** Does a figure spec match an `--only` selector (`fig2`, `2`, `2a`, `fig2a`)? */
export function matchesFigureSelector(spec: Pick<PaperFigureSpec, "id" | "figure">, selector: string): boolean {
  const s = selector.trim().toLowerCase().replace(/^fig(ure)?[-_ ]?/, "");
  return s === spec.id.toLowerCase() || s === String(spec.figure);
}

/** The paper's judge prompt hash (`chatgpt` template), or undefined when the data is not acquired. */
function paperPromptHash(): string | undefined {
  try {
    return loadJudgeTemplate("chatgpt").hash;
  } catch {
    return undefined;
  }
}

/**
 * Build every selected paper figure: paper vs reproduced (from the run's verdicts), the paper-only re-plot, and the
 * differences table. Pure apart from the defaults' loading; give `reported` and `reproduced` to make it pure.
 */
export function paperFigures(options: PaperFiguresOptions = {}): PaperFigureSet {
  const reported = options.reported ?? loadPaperValues();
  const reproduced = options.reproduced ?? loadReproducedWinRates(options);
  const policy = options.policy ?? "alpacare";
  const promptHash = paperPromptHash();
  let specs = paperFigureSpecs(options);
  if (options.only && options.only.length) specs = specs.filter((s) => options.only!.some((sel) => matchesFigureSelector(s, sel)));
  const items: FigureItem[] = [];
  const rows: PaperComparisonRow[] = [];
  for (const spec of specs) {
    const specRows = comparePaperCells(spec, reported, reproduced);
    rows.push(...specRows);
    const fig = buildComparisonFigure(spec, specRows, { policy, run: options.run, width: 1200, height: 600 });
    const prov = reproducedProvenance(spec, specRows, policy, options.run);
    const sum = summariseDifferences(specRows);
    items.push({
      name: spec.name,
      figure: fig,
      caption:
        `${spec.title}. Hatched: the paper's reported win rate; solid: reproduced from verdicts with its bootstrap 95% interval. ` +
        `${sum.reproduced} of ${sum.bars} bars have verdicts` +
        (sum.compared ? `; mean |reproduced − paper| = ${sum.meanAbsDifference} points over ${sum.compared} bars, paper inside the interval for ${sum.paperInsideCi}.` : "."),
      provenance: { ...provenanceRecord(prov), figure: spec.id },
      width: 1200,
      height: 600,
      group: PAPER_FIGURES_GROUP,
    });
    if ((options.paperOnly ?? true) && spec.published !== "none") {
      const pfig = buildPaperFigure(spec, reported, { paperPromptHash: promptHash });
      items.push({
        name: `${spec.name}-paper`,
        figure: pfig,
        caption: `${spec.title}, redrawn from the paper's reported values alone (paper/figure-values.csv): no reproduction.`,
        provenance: { ...provenanceRecord(paperProvenance(spec, { paperPromptHash: promptHash })), figure: spec.id },
        width: 1000,
        height: 520,
        group: PAPER_FIGURES_GROUP,
      });
    }
  }
  // One row per distinct bar (Figures 4 and 10 repeat bars of 2, 3 and 6), reported or reproduced.
  const seen = new Set<string>();
  const distinct = rows.filter((r) => {
    const k = [r.model, r.testSet, r.reference, r.judge].join("\u0000");
    if (seen.has(k) || (r.paper === null && r.reproduced === null)) return false;
    seen.add(k);
    return true;
  });
  const table = differenceTable(distinct);
  const summary = summariseDifferences(distinct);
  if ((options.differencesFigure ?? true) && table.length) {
    // Bars with verdicts first: what a researcher looks for; the CSV keeps figure order.
    const rank = (r: DifferenceTableRow) => (r.status === "compared" ? 0 : r.status === "no verdicts" ? 2 : 1);
    const ordered = table.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i).map((x) => x.r);
    const fig = buildDifferenceTableFigure(ordered, `Paper vs reproduced: ${summary.compared} of ${summary.reported} reported bars compared (run ${options.run ?? "default"}, policy ${policy})`);
    items.push({
      name: "figure-differences",
      figure: fig,
      caption: "Every reported bar with its reproduced value, 95% interval and difference; '—' = no verdicts (missing, not zero). Green: the paper's value lies inside the reproduced interval.",
      provenance: { source: `run ${options.run ?? "default"}`, policy, bars: String(summary.bars) },
      width: 1000,
      height: (fig.layout.height as number) ?? 800,
      group: PAPER_FIGURES_GROUP,
    });
  }
  return { specs, items, rows, table, summary, reproduced };
}
