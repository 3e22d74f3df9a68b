/**
 * Provenance of a result figure, in words: where its values come from (the paper's reported values, or the verdicts
 * of a run), which judge, prompt and policy they rest on, how many items, and any deviation from the paper. The same
 * record is printed under the title, in the caption and in the export sidecar, so the three never disagree.
 */
import type { PaperPlotOptions } from "./paper-chrome.js";
import type { PaperComparisonRow, ReproducedWinRate } from "./paper-compare.js";
import { PAPER_TEST_SET_SIZES, type BarCell, type PaperFigureSpec } from "./paper-spec.js";

/** Provenance printed under a figure's title and in its caption. */
export interface FigureProvenance {
  /** Where the values come from: the paper's reported values, or verdicts of a run. */
  source: string;
  /** Judge name(s) and model version(s). */
  judge: string;
  /** Prompt template hash(es). */
  prompt: string;
  /** Scoring policy. */
  policy: string;
  /** The number of items the bars rest on. */
  items: string;
  /** Extra notes (e.g. the AlpacaFarm reference substitution). */
  notes: string[];
}

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** The paper's item counts as "805 items per bar" or a range, when a figure spans test sets of different sizes. */
function itemsText(ns: number[]): string {
  if (ns.length === 0) return "0 items";
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  return lo === hi ? `${lo.toLocaleString("en-US")} items per bar` : `${lo.toLocaleString("en-US")}-${hi.toLocaleString("en-US")} items per bar`;
}

/** Notes that apply to a figure's cells (AlpacaFarm references are AlpacaEval's outputs). */
function cellNotes(cells: readonly BarCell[]): string[] {
  const notes: string[] = [];
  if (cells.some((c) => c.testSet === "AlpacaFarm"))
    notes.push("AlpacaFarm references: AlpacaEval's outputs of the same models (AlpaCare did not publish its own)");
  return notes;
}

/** Provenance of a figure drawn from the paper's reported values alone. */
export function paperProvenance(spec: PaperFigureSpec, options: PaperPlotOptions = {}): FigureProvenance {
  const testSets = uniq(spec.cells.map((c) => c.testSet));
  const judges = uniq(spec.cells.map((c) => c.judge));
  return {
    source: "the paper's reported values (read off its figures: paper/figure-values.csv), not reproduced",
    judge: `${judges.join(", ")} as reported (version not stated in the paper)`,
    prompt: `alpaca_eval_chat_gpt.txt${options.paperPromptHash ? ` (${options.paperPromptHash})` : ""}`,
    policy: "alpacare (dual-sided, mean of both orders)",
    items: itemsText(testSets.map((t) => PAPER_TEST_SET_SIZES[t])) + (testSets.includes("MedInstruct-test") ? " (MedInstruct-test: 216 released, the paper says 217)" : ""),
    notes: [],
  };
}

/** The scored items behind the reproduced bars, "of" the test sets' sizes, and the unparsed verdicts that were left out. */
function reproducedItemsText(reps: readonly ReproducedWinRate[]): string {
  const ns = reps.map((r) => r.n);
  const totals = uniq(reps.map((r) => r.total).filter((t): t is number => t !== undefined));
  const unparsed = reps.reduce((a, r) => a + (r.unparsed ?? 0), 0);
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  const range = lo === hi ? lo.toLocaleString("en-US") : `${lo.toLocaleString("en-US")}-${hi.toLocaleString("en-US")}`;
  const of = totals.length ? ` of ${totals.map((t) => t.toLocaleString("en-US")).join("/")}` : "";
  return `${range} scored items per bar${of}` + (unparsed ? ` · ${unparsed} unparsed verdicts` : "");
}

/** Provenance of a comparison figure: the judges, prompts, policy and item counts its reproduced bars rest on. */
export function reproducedProvenance(spec: PaperFigureSpec, rows: readonly PaperComparisonRow[], policy: string, run?: string): FigureProvenance {
  const reps = rows.map((r) => r.reproduced).filter((r): r is ReproducedWinRate => r !== null);
  const filled = reps.length;
  const judges = uniq(reps.map((r) => `${r.judge} slot: ${r.judgeModel}`));
  const prompts = uniq(reps.map((r) => r.promptHash));
  const runs = uniq(reps.map((r) => r.run).filter((x): x is string => !!x));
  return {
    source: `verdicts of run ${runs.length ? runs.join(", ") : (run ?? "default")}: ${filled} of ${rows.length} bars have verdicts`,
    judge: judges.length ? judges.join("; ") : "no verdicts yet",
    prompt: prompts.length ? prompts.join(", ") : "n/a",
    policy,
    items: filled ? reproducedItemsText(reps) : "0 items",
    notes: [...cellNotes(spec.cells), ...uniq(reps.flatMap((r) => r.deviations ?? [])).map((d) => `deviation from the paper: ${d}`)],
  };
}

/** The provenance as one line (caption text). */
export function provenanceLine(p: FigureProvenance): string {
  return [`values: ${p.source}`, `judge: ${p.judge}`, `prompt: ${p.prompt}`, `policy: ${p.policy}`, `n: ${p.items}`, ...p.notes].join(" · ");
}

/** The provenance as the plain-text lines of a figure's subtitle (the chrome escapes and joins them). */
export function provenanceSubtitleLines(p: FigureProvenance): string[] {
  return [`Values: ${p.source}`, `Judge: ${p.judge} · prompt ${p.prompt}`, `Policy: ${p.policy} · ${p.items}`, ...p.notes];
}

/** The provenance as the key/value record an exported figure's sidecar carries (notes "; "-joined, left out when none). */
export function provenanceRecord(p: FigureProvenance): Record<string, string> {
  return { values: p.source, judge: p.judge, prompt: p.prompt, policy: p.policy, items: p.items, ...(p.notes.length ? { notes: p.notes.join("; ") } : {}) };
}
