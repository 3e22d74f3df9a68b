/**
 * The paper-vs-reproduced join: every bar of a figure spec with the value the paper reports for it beside the value
 * reproduced from verdicts, and the summary of their differences. A bar with no value on either side stays null,
 * never zero. Plain records in, plain records out; drawing them is the chart builders' job.
 */
import { roundTo } from "../core/index.js";
import type { PaperValue } from "../data/index.js";
import type { BarCell, PaperFigureSpec, PaperModelColumns, PaperReference, PaperTestSet } from "./paper-spec.js";

/** A win rate reproduced from verdicts in the run store (one model x test set x reference x judge x policy). */
export interface ReproducedWinRate {
  /** Upstream model folder (`AlpaCare-7b`). */
  model: string;
  testSet: string;
  reference: string;
  /** The judge slot the verdicts fill: the paper's judge name (`gpt-3.5-turbo` or `claude-2`). */
  judge: string;
  /** The model that actually judged, with the version the provider reported when it did. */
  judgeModel: string;
  /** `shortHash` of the judge prompt template(s) used. */
  promptHash: string;
  /** Scoring policy (`alpacare` = the paper's, `fastchat`). */
  policy: string;
  /** Parse mode of the verdicts (`alpacare` = upstream's rule). */
  parseMode?: string;
  /** Win rate in percent; NaN when no item could be scored. */
  winRate: number;
  /** Bootstrap 95% interval, percent. */
  ci95?: [number, number];
  /** Items the win rate rests on (both orders parsed, under the policy). */
  n: number;
  /** Verdicts (item, order) that did not parse under the parse mode. */
  unparsed?: number;
  /** Items in the test set (for "n of N"). */
  total?: number;
  /** The run the verdicts come from. */
  run?: string;
  /** Verdict files read. */
  files?: string[];
  /** Deviations from the paper the value rests on ("judge gpt-6-luna for gpt-3.5-turbo (shut down 2026-10-23)"). */
  deviations?: string[];
}

/** Which bar a value belongs to, as plain data: the traces keep it in `customdata` so values can be read back. */
export interface BarKey extends PaperModelColumns {
  testSet: PaperTestSet;
  reference: PaperReference;
  /** The judge slot (`gpt-3.5-turbo` or `claude-2`). */
  judge: string;
}

/** The key of a spec's bar. */
export function cellKey(cell: BarCell): BarKey {
  return {
    model: cell.model.model,
    modelName: cell.model.name,
    backbone: cell.model.backbone,
    size: cell.model.size,
    testSet: cell.testSet,
    reference: cell.reference,
    judge: cell.judge,
  };
}

/** Just the bar key of a comparison row (its values left out), in {@link cellKey}'s field order. */
export function barKeyOf(row: BarKey): BarKey {
  const { model, modelName, backbone, size, testSet, reference, judge } = row;
  return { model, modelName, backbone, size, testSet, reference, judge };
}

/** One bar's paper value beside its reproduced value: a row of the paper-vs-reproduced table. */
export interface PaperComparisonRow extends BarKey {
  /** Figure panel id (`2a`). */
  figure: string;
  group: string;
  series: string;
  /** The reported value, or null when the paper did not publish one. */
  paper: number | null;
  /** The reproduced value, or null when there are no verdicts for this cell. */
  reproduced: ReproducedWinRate | null;
  /** reproduced - paper, percentage points; null unless both exist and the reproduction is a number. */
  difference: number | null;
  /** Whether the paper's value lies inside the reproduced 95% interval (null when either is missing). */
  paperInsideCi: boolean | null;
}

/** The reported row of a bar (first match), matched on test set, backbone, size, model name, judge and reference. */
export function reportedRowFor(key: BarKey, reported: readonly PaperValue[]): PaperValue | undefined {
  return reported.find(
    (r) =>
      r.test_set === key.testSet &&
      r.backbone === key.backbone &&
      r.size === key.size &&
      r.model === key.modelName &&
      r.judge === key.judge &&
      r.reference === key.reference,
  );
}

/** The reported value for one bar ({@link reportedRowFor}), null when the paper reports none. */
export function reportedValueFor(cell: BarCell, reported: readonly PaperValue[]): number | null {
  const row = reportedRowFor(cellKey(cell), reported);
  return row ? row.win_rate_pct : null;
}

/** The reproduced value for one bar: same model folder, test set, reference and judge slot (first match). */
export function reproducedValueFor(cell: BarCell, reproduced: readonly ReproducedWinRate[]): ReproducedWinRate | null {
  return reproduced.find((r) => r.model === cell.model.model && r.testSet === cell.testSet && r.reference === cell.reference && r.judge === cell.judge) ?? null;
}

/** Join a figure's bars with the paper's values and the reproduced ones (never turning a missing cell into zero). */
export function comparePaperCells(spec: PaperFigureSpec, reported: readonly PaperValue[], reproduced: readonly ReproducedWinRate[]): PaperComparisonRow[] {
  return spec.cells.map((cell) => {
    const paper = reportedValueFor(cell, reported);
    const rep = reproducedValueFor(cell, reproduced);
    const repValue = rep && Number.isFinite(rep.winRate) ? rep.winRate : null;
    const difference = paper !== null && repValue !== null ? roundTo(repValue - paper, 2) : null;
    const paperInsideCi = paper !== null && repValue !== null && rep?.ci95 ? paper >= rep.ci95[0] && paper <= rep.ci95[1] : null;
    return {
      figure: spec.id,
      group: cell.group,
      series: cell.series,
      ...cellKey(cell),
      paper,
      reproduced: rep,
      difference,
      paperInsideCi,
    };
  });
}

/** Summary of the paper-vs-reproduced differences over a set of rows (only cells with both values count). */
export interface DifferenceSummary {
  bars: number;
  reported: number;
  reproduced: number;
  compared: number;
  meanAbsDifference: number | null;
  meanDifference: number | null;
  paperInsideCi: number;
}

/** Count and average the differences of a paper-vs-reproduced table. */
export function summariseDifferences(rows: readonly PaperComparisonRow[]): DifferenceSummary {
  // Plain means, not core's meanOfFinite: a NaN difference (only from a non-finite reported value, which
  // loadPaperValues rejects) must show as NaN here, not be skipped.
  const diffs = rows.map((r) => r.difference).filter((d): d is number => d !== null);
  return {
    bars: rows.length,
    reported: rows.filter((r) => r.paper !== null).length,
    reproduced: rows.filter((r) => r.reproduced !== null).length,
    compared: diffs.length,
    meanAbsDifference: diffs.length ? roundTo(diffs.reduce((a, d) => a + Math.abs(d), 0) / diffs.length, 2) : null,
    meanDifference: diffs.length ? roundTo(diffs.reduce((a, d) => a + d, 0) / diffs.length, 2) : null,
    paperInsideCi: rows.filter((r) => r.paperInsideCi === true).length,
  };
}
