/**
 * Verdicts in and out of the two projects' formats, so numbers can be compared with both:
 * - AlpaCare's comparison files (`<model>_<judge>_reference_first.jsonl` / `_reference_last.jsonl`, one JSON line
 *   per item in test-set order: `model_1`, `model_2`, `prompt`, `response`), which upstream `evaulation.py` scores;
 * - AlpacaEval's `annotations.json` (a JSON array; `generator_1` = the baseline, `generator_2` = the model,
 *   `preference` 1 = baseline wins, 2 = model wins, 0 or 1.5 = draw, null = missing; continuous values in [1, 2]).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError, readJson, readJsonl, writeFileAtomic, writeJsonl } from "../core/index.js";
import { npRint, npSum, npSampleStd } from "../core/index.js";
import { parseVerdictAllModes } from "./parse.js";
import { dualSidedScores, type VerdictScoreOptions } from "./score.js";
import type { JudgeOrder, VerdictRecord } from "./types.js";

/** One line of an AlpaCare comparison file. */
export interface AlpacareComparisonRecord {
  model_1: string;
  model_2: string;
  prompt: string;
  response: string;
}

/** The upstream file name of one order: `<model>_<judge>_reference_first.jsonl` / `_reference_last.jsonl`. */
export function alpacareComparisonFileName(model: string, judge: string, order: JudgeOrder): string {
  return `${model}_${judge}_reference_${order === "referenceFirst" ? "first" : "last"}.jsonl`;
}

/** Model, judge and order from an upstream comparison file name (undefined if it does not follow the pattern). */
export function parseAlpacareComparisonFileName(file: string): { model: string; judge: string; order: JudgeOrder } | undefined {
  const m = /^(.*)_(gpt-3\.5-turbo|claude-2|[^_]+)_reference_(first|last)\.jsonl$/.exec(basename(file));
  if (!m) return undefined;
  return { model: m[1]!, judge: m[2]!, order: m[3] === "first" ? "referenceFirst" : "referenceLast" };
}

/**
 * Pair upstream comparison files by name (`X_reference_first.jsonl` with `X_reference_last.jsonl`). Throws
 * InputError for a file not named that way.
 */
export function pairAlpacareComparisonFiles(files: readonly string[]): { referenceFirst?: string; referenceLast?: string }[] {
  const pairs = new Map<string, { referenceFirst?: string; referenceLast?: string }>();
  for (const file of files) {
    const p = parseAlpacareComparisonFileName(file);
    if (!p) throw new InputError({ file }, "not named <model>_<judge>_reference_first.jsonl / _reference_last.jsonl");
    const key = file.replace(/_reference_(first|last)\.jsonl$/, "");
    pairs.set(key, { ...pairs.get(key), [p.order]: file });
  }
  return [...pairs.values()];
}

/** Options for {@link readAlpacareComparisonFiles}. */
export interface ReadAlpacareComparisonOptions {
  /** The model's name as upstream's `--compared_model` (default: from the file name, else the records). */
  model?: string;
  /** The reference's name as upstream's `--refer_model` (default: `model_1` of the reference-first file). */
  reference?: string;
  /** The judge (default: from the file name). */
  judge?: string;
  /** Test set label stored in the records. Default "unknown". */
  testSet?: string;
}

/**
 * Read an upstream pair of comparison files into verdict records (both parse modes computed from `response`).
 * Items are aligned by line, as upstream's `pairwise_mean` aligns them; item ids are the 0-based line indexes.
 * Either file may be missing from the pair (its order is then simply absent).
 */
export function readAlpacareComparisonFiles(files: { referenceFirst?: string; referenceLast?: string }, options: ReadAlpacareComparisonOptions = {}): VerdictRecord[] {
  const out: VerdictRecord[] = [];
  const loaded: Partial<Record<JudgeOrder, { file: string; rows: AlpacareComparisonRecord[] }>> = {};
  for (const order of ["referenceFirst", "referenceLast"] as JudgeOrder[]) {
    const file = files[order];
    if (!file) continue;
    const rows = readJsonl<AlpacareComparisonRecord>(file);
    rows.forEach((r, i) => {
      for (const f of ["model_1", "model_2", "response"] as const) {
        if (typeof r[f] !== "string") throw new InputError({ file, line: i + 1, field: f }, `expected a string, got ${JSON.stringify(r[f])}`);
      }
    });
    loaded[order] = { file, rows };
  }
  const first = loaded.referenceFirst?.rows[0];
  const last = loaded.referenceLast?.rows[0];
  const anyFile = files.referenceFirst ?? files.referenceLast ?? "";
  const fromName = parseAlpacareComparisonFileName(anyFile);
  const reference = options.reference ?? first?.model_1 ?? last?.model_2 ?? "reference";
  const model = options.model ?? fromName?.model ?? first?.model_2 ?? last?.model_1 ?? "model";
  const judge = options.judge ?? fromName?.judge ?? "unknown";
  for (const order of ["referenceFirst", "referenceLast"] as JudgeOrder[]) {
    const l = loaded[order];
    if (!l) continue;
    l.rows.forEach((r, i) => {
      out.push({
        schema: "alpacare-verdict/1",
        itemId: String(i),
        index: i,
        model,
        reference,
        testSet: options.testSet ?? "unknown",
        order,
        model1: r.model_1,
        model2: r.model_2,
        judge: { provider: judge === "claude-2" ? "anthropic" : "openai", model: judge },
        template: { name: judge === "claude-2" ? "anthropic" : "chatgpt", hash: "upstream" },
        raw: r.response,
        verdict: parseVerdictAllModes(r.response, { model1: r.model_1, model2: r.model_2, model, reference }, order),
        prompt: r.prompt,
        timestamp: new Date(0).toISOString(),
      });
    });
  }
  return out;
}

/**
 * Write verdict records (one model, one reference, one judge) as an upstream pair of comparison files into `dir`,
 * lines in item order. The `prompt` field is the stored prompt, else `promptFor(record)`, else "".
 * Returns the two paths.
 */
export function writeAlpacareComparisonFiles(records: readonly VerdictRecord[], dir: string, options: { judge?: string; promptFor?: (r: VerdictRecord) => string } = {}): Record<JudgeOrder, string> {
  if (records.length === 0) throw new Error("writeAlpacareComparisonFiles: no records");
  const model = records[0]!.model;
  const judge = options.judge ?? records[0]!.judge.model;
  const paths = {} as Record<JudgeOrder, string>;
  for (const order of ["referenceFirst", "referenceLast"] as JudgeOrder[]) {
    const rows = records.filter((r) => r.order === order).sort((a, b) => a.index - b.index);
    const path = join(dir, alpacareComparisonFileName(model, judge, order));
    writeJsonl(path, rows.map((r) => ({ model_1: r.model1, model_2: r.model2, prompt: r.prompt ?? options.promptFor?.(r) ?? "", response: r.raw })));
    paths[order] = path;
  }
  return paths;
}

/** One AlpacaEval annotation (the fields this workbench reads and writes; others are kept when reading). */
export interface AlpacaEvalAnnotation {
  instruction: string;
  output_1: string;
  generator_1: string;
  output_2: string;
  generator_2: string;
  annotator?: string;
  /** 1 = generator_1 (baseline) wins, 2 = generator_2 (model) wins, 0 or 1.5 = draw, null = missing. */
  preference: number | null;
  raw_completion?: unknown;
  [key: string]: unknown;
}

/** Read an AlpacaEval `annotations.json` (a JSON array), checking each record's `preference`. */
export function readAlpacaEvalAnnotations(file: string): AlpacaEvalAnnotation[] {
  const data = readJson<unknown>(file);
  if (!Array.isArray(data)) throw new InputError({ file }, "expected a JSON array of annotations");
  data.forEach((a, i) => {
    if (!a || typeof a !== "object") throw new InputError({ file, index: i }, "expected an object");
    const p = (a as AlpacaEvalAnnotation).preference;
    if (p !== null && p !== undefined && typeof p !== "number") throw new InputError({ file, index: i, field: "preference" }, `expected a number or null, got ${JSON.stringify(p)}`);
    // AlpacaEval's scale: 1 (baseline wins) to 2 (model wins), 0 = draw. Anything else (a 1-5 Likert score, a
    // typo) would be silently "unparsed" in the win rate: refuse it, naming where.
    if (typeof p === "number" && !Number.isNaN(p) && p !== 0 && !(p >= 1 && p <= 2)) throw new InputError({ file, index: i, field: "preference" }, `expected 1 to 2 (or 0 for a draw, null if missing), got ${p}`);
  });
  return data as AlpacaEvalAnnotation[];
}

/** AlpacaEval's head-to-head numbers for generator_2 (the model) against generator_1 (the baseline). */
export interface AlpacaEvalWinRate {
  /** 100 x mean(preference − 1) over valid preferences (0 read as 1.5) = 100 x (wins + draws/2) / n for discrete ones. */
  winRate: number;
  /** 100 x sem (ddof 1), as AlpacaEval's `standard_error`. */
  standardError: number;
  nWins: number;
  nWinsBase: number;
  nDraws: number;
  /** Valid preferences (in [1, 2] after 0 -> 1.5); null/NaN and out-of-range values are left out. */
  nTotal: number;
  /** Left out: null, NaN or outside [1, 2]. */
  nMissing: number;
  /**
   * AlpacaEval's `discrete_win_rate` (its `ZeroOneScoringRule`): each preference rounded first (1.5 -> draw, then
   * NumPy's round-half-to-even, so 1.25 -> base win, 1.75 -> model win), then the same mean x 100. Equals `winRate`
   * for discrete preferences; differs for continuous ones (e.g. AlpaCare's item-level 1.25 / 1.75).
   */
  discreteWinRate: number;
}

/** AlpacaEval's discrete win rate of preferences (see {@link AlpacaEvalWinRate.discreteWinRate}). */
export function alpacaEvalDiscreteWinRate(preferences: ReadonlyArray<number | null | undefined>): number {
  const v: number[] = [];
  for (const p of preferences) {
    if (p === null || p === undefined || Number.isNaN(p)) continue;
    const r = npRint(p === 1.5 ? 0 : p);
    const q = r === 0 ? 1.5 : r;
    if (q >= 1 && q <= 2) v.push(q - 1);
  }
  return v.length ? (npSum(v) / v.length) * 100 : NaN;
}

/**
 * AlpacaEval's win rate (`metrics.get_winrate`, absolute scoring rule): draws (0 or 1.5) counted, 0 -> 1.5, values
 * outside [1, 2] and null dropped, then p − 1 averaged (NumPy summation order) x 100; wins are p − 1 > 0.5.
 */
export function alpacaEvalWinRate(preferences: ReadonlyArray<number | null | undefined>): AlpacaEvalWinRate {
  let nDraws = 0;
  const v: number[] = [];
  for (const p of preferences) {
    if (p === null || p === undefined || Number.isNaN(p)) continue;
    if (p === 0 || p === 1.5) nDraws++;
    const q = p === 0 ? 1.5 : p;
    if (q >= 1 && q <= 2) v.push(q - 1);
  }
  const n = v.length;
  return {
    winRate: n ? (npSum(v) / n) * 100 : NaN,
    standardError: n > 1 ? (npSampleStd(v) / Math.sqrt(n)) * 100 : NaN,
    nWins: v.filter((x) => x > 0.5).length,
    nWinsBase: v.filter((x) => x < 0.5).length,
    nDraws,
    nTotal: n,
    nMissing: preferences.length - n,
    discreteWinRate: alpacaEvalDiscreteWinRate(preferences),
  };
}

/**
 * Verdicts -> AlpacaEval annotations. `level: "item"` (default): one annotation per item whose preference is
 * 1 + the item's dual-sided score (continuous, e.g. 1.75 for win+tie; null when unscored), so AlpacaEval's win
 * rate of the file equals this workbench's. `level: "verdict"`: one annotation per (item, order) with a discrete
 * preference (1, 2, 1.5, or null). `texts` supplies instruction and outputs by item id when known.
 */
export function toAlpacaEvalAnnotations(
  records: readonly VerdictRecord[],
  options: VerdictScoreOptions & { level?: "item" | "verdict"; texts?: (itemId: string) => { instruction: string; modelOutput: string; referenceOutput: string } | undefined } = {},
): AlpacaEvalAnnotation[] {
  if (records.length === 0) return [];
  const r0 = records[0]!;
  const annotator = `alpacare_${r0.judge.model}_${r0.template.name}`;
  const base = (itemId: string) => {
    const t = options.texts?.(itemId);
    return { instruction: t?.instruction ?? "", output_1: t?.referenceOutput ?? "", generator_1: r0.reference, output_2: t?.modelOutput ?? "", generator_2: r0.model, annotator };
  };
  if ((options.level ?? "item") === "verdict") {
    const mode = options.mode ?? "alpacare";
    return [...records].sort((a, b) => a.index - b.index).map((r) => {
      const s = r.verdict[mode];
      return { ...base(r.itemId), preference: s === null ? null : 1 + s, order: r.order, raw_completion: r.raw, index: r.index };
    });
  }
  const { items, scores } = dualSidedScores(records, options);
  return items.map((it, i) => ({ ...base(it.itemId), preference: Number.isNaN(scores[i]!) ? null : 1 + scores[i]!, index: it.index }));
}

/** Write annotations as AlpacaEval does (a pretty-printed JSON array). */
export function writeAlpacaEvalAnnotations(file: string, annotations: readonly AlpacaEvalAnnotation[]): void {
  writeFileAtomic(file, JSON.stringify(annotations, null, 2) + "\n");
}
