/**
 * Output length of every model and every reference on every test set (beyond the paper): how long the answers the
 * judge compared were, in words and characters. A length can explain part of a win rate without any judge.
 */
import { meanOfFinite, medianOfFinite, roundTo, wordCount } from "../core/index.js";
import type { AnswerSource } from "./judgefree-answers.js";
import { PAPER_MODELS, PAPER_REFERENCES, PAPER_TEST_SETS, modelNameColumns, type PaperModelColumns, type PaperReference, type PaperTestSet } from "./paper-spec.js";

/** Output length of one model (or reference) on one test set. */
export type OutputLengthRow = PaperModelColumns & {
  /** "reference": `model` and `modelName` are the reference's name, `backbone` and `size` empty. */
  kind: "model" | "reference";
  testSet: PaperTestSet;
  /** Answers read (0 when missing). */
  n: number;
  meanWords: number | null;
  medianWords: number | null;
  meanChars: number | null;
  /** Answers with no words at all (empty after upstream's cleaning). */
  empty: number | null;
  status: "ok" | "missing";
  /** Why the cell is missing (the loader's message). */
  reason?: string;
};

/** One row of the length table; a source that throws (outputs not mirrored) gives a "missing" row with its reason. */
function lengthRow(model: string, kind: OutputLengthRow["kind"], testSet: PaperTestSet, load: () => string[]): OutputLengthRow {
  const meta = kind === "model" ? modelNameColumns(model) : { modelName: model, backbone: "", size: "" };
  try {
    const answers = load();
    const words = answers.map(wordCount);
    return {
      model,
      kind,
      ...meta,
      testSet,
      n: answers.length,
      meanWords: roundTo(meanOfFinite(words), 1),
      medianWords: medianOfFinite(words),
      meanChars: roundTo(meanOfFinite(answers.map((a) => a.length)), 1),
      empty: words.filter((w) => w === 0).length,
      status: "ok",
    };
  } catch (e) {
    return { model, kind, ...meta, testSet, n: 0, meanWords: null, medianWords: null, meanChars: null, empty: null, status: "missing", reason: (e as Error).message };
  }
}

/** Options for the judge-free tables. */
export interface JudgeFreeOptions {
  /** Upstream model folders (default: every model with published outputs, in figure order). */
  models?: readonly string[];
  testSets?: readonly PaperTestSet[];
  references?: readonly PaperReference[];
}

/** Mean/median output length of every model and every reference on every test set (missing cells marked). */
export function outputLengthTable(source: AnswerSource, options: JudgeFreeOptions = {}): OutputLengthRow[] {
  const models = options.models ?? PAPER_MODELS.map((p) => p.model);
  const testSets = options.testSets ?? PAPER_TEST_SETS;
  const references = options.references ?? PAPER_REFERENCES;
  const rows: OutputLengthRow[] = [];
  for (const testSet of testSets) {
    for (const model of models) rows.push(lengthRow(model, "model", testSet, () => source.modelAnswers(model, testSet)));
    for (const ref of references) rows.push(lengthRow(ref, "reference", testSet, () => source.referenceAnswers(ref, testSet)));
  }
  return rows;
}
