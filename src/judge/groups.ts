/**
 * Verdicts grouped per (model, test set, reference, judge model, template), and the win-rate table: one summary per
 * group, what a figure plots and `alpacare score` prints.
 */
import { summariseVerdicts, type WinRateBootstrapOptions, type VerdictScoreOptions, type WinRateSummary } from "./score.js";
import type { VerdictRecord } from "./types.js";

/** What identifies a group of verdicts: one (model, test set, reference, judge model, template). */
export interface VerdictGroupKey {
  model: string;
  testSet: string;
  reference: string;
  /** The judge model that answered. */
  judge: string;
  /** The template's name and its content hash. */
  template: string;
  templateHash: string;
}

/** One group of verdicts: its key and its records. */
export interface VerdictGroup extends VerdictGroupKey {
  records: VerdictRecord[];
}

/** Split records into (model, test set, reference, judge, template) groups, in first-seen order. */
export function groupVerdicts(records: readonly VerdictRecord[]): VerdictGroup[] {
  const groups = new Map<string, VerdictGroup>();
  for (const r of records) {
    const k = [r.model, r.testSet, r.reference, r.judge.model, r.template.hash].join("\u0000");
    let g = groups.get(k);
    if (!g) {
      g = { model: r.model, testSet: r.testSet, reference: r.reference, judge: r.judge.model, template: r.template.name, templateHash: r.template.hash, records: [] };
      groups.set(k, g);
    }
    g.records.push(r);
  }
  return [...groups.values()];
}

/** One row of {@link winRateTable}: the group's key and its summary. */
export interface WinRateRow extends VerdictGroupKey, WinRateSummary {}

/**
 * Win rate, 95% bootstrap interval, standard error, unparsed count and position-bias rates per
 * (model, test set, reference, judge, template): what a figure plots. `policy` / `mode` default to the paper's.
 */
export function winRateTable(records: readonly VerdictRecord[], options: VerdictScoreOptions & WinRateBootstrapOptions = {}): WinRateRow[] {
  return groupVerdicts(records).map((g) => ({
    model: g.model, testSet: g.testSet, reference: g.reference, judge: g.judge, template: g.template, templateHash: g.templateHash,
    ...summariseVerdicts(g.records, options),
  }));
}
