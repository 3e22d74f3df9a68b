/**
 * The paper-vs-reproduced table as flat rows, one per bar, and as CSV (`figures/paper-vs-reproduced.csv`): what a
 * researcher sorts and filters. A missing value stays an empty cell with a status saying why, never a 0.
 */
import { roundTo } from "../core/index.js";
import type { PaperComparisonRow } from "./paper-compare.js";

/** A flat record of a comparison row for tables (CSV, danfojs): missing values stay empty, never 0. */
export type DifferenceTableRow = {
  figure: string;
  testSet: string;
  model: string;
  modelName: string;
  reference: string;
  judge: string;
  paper: number | null;
  reproduced: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  difference: number | null;
  paperInsideCi: boolean | null;
  n: number | null;
  unparsed: number | null;
  judgeModel: string | null;
  promptHash: string | null;
  policy: string | null;
  status: "compared" | "no verdicts" | "not published" | "all unparsed";
  /** Deviations from the paper the reproduced value rests on, "; "-joined (substitute judge, adapted parameters). */
  deviations: string | null;
};

/** The paper-vs-reproduced table: one flat row per bar. */
export function differenceTable(rows: readonly PaperComparisonRow[]): DifferenceTableRow[] {
  return rows.map((r) => {
    const rep = r.reproduced;
    const value = rep && Number.isFinite(rep.winRate) ? roundTo(rep.winRate, 2) : null;
    const status: DifferenceTableRow["status"] = !rep ? "no verdicts" : value === null ? "all unparsed" : r.paper === null ? "not published" : "compared";
    return {
      figure: r.figure,
      testSet: r.testSet,
      model: r.model,
      modelName: r.modelName,
      reference: r.reference,
      judge: r.judge,
      paper: r.paper,
      reproduced: value,
      ciLow: rep?.ci95 ? roundTo(rep.ci95[0], 2) : null,
      ciHigh: rep?.ci95 ? roundTo(rep.ci95[1], 2) : null,
      difference: r.difference,
      paperInsideCi: r.paperInsideCi,
      n: rep ? rep.n : null,
      unparsed: rep?.unparsed ?? null,
      judgeModel: rep?.judgeModel ?? null,
      promptHash: rep?.promptHash ?? null,
      policy: rep?.policy ?? null,
      status,
      deviations: rep?.deviations?.length ? rep.deviations.join("; ") : null,
    };
  });
}

/** The difference table as CSV text (empty cells for missing values). */
export function differenceTableCsv(rows: readonly DifferenceTableRow[]): string {
  const cols: (keyof DifferenceTableRow)[] = [
    "figure", "testSet", "model", "modelName", "reference", "judge", "paper", "reproduced", "ciLow", "ciHigh", "difference",
    "paperInsideCi", "n", "unparsed", "judgeModel", "promptHash", "policy", "status", "deviations",
  ];
  const cell = (v: unknown) => {
    if (v === null || v === undefined) return "";
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}
