/**
 * Rouge-L of each model's answers to each reference model's answers on the same items (beyond the paper): how close
 * a model's wording is to the reference it is judged against, on a seeded sample shared by every model.
 */
import { meanOfFinite, roundTo } from "../core/index.js";
import { rougeL } from "../text/index.js";
import type { AnswerSource } from "./judgefree-answers.js";
import type { JudgeFreeOptions } from "./judgefree-lengths.js";
import { seededSampleIndices } from "./judgefree-stats.js";
import {
  PAPER_MODELS,
  PAPER_REFERENCES,
  PAPER_TEST_SETS,
  modelNameColumns,
  type PaperModelColumns,
  type PaperReference,
  type PaperTestSet,
} from "./paper-spec.js";

/** Options for {@link rougeLToReferences}. */
export interface RougeToReferenceOptions extends JudgeFreeOptions {
  /** Items per (model, test set), drawn with a seeded sample (default 200; `Infinity` = every item). */
  sample?: number;
  /** Sample seed (default 1). The same items are used for every model and reference of a test set. */
  seed?: number;
  /** Called after each (model, test set, reference) cell, for progress. */
  onCell?: (done: number, total: number) => void;
}

/** Mean Rouge-L F of a model's answers against a reference's answers to the same items. */
export type RougeToReferenceRow = PaperModelColumns & {
  testSet: PaperTestSet;
  reference: PaperReference;
  /** Mean Rouge-L F (0-1) over the sampled items; null when either side is missing. */
  meanRougeL: number | null;
  /** Items scored. */
  n: number;
  /** Items in the test set (the sample's population). */
  total: number;
  status: "ok" | "missing";
  reason?: string;
};

/**
 * Rouge-L (F-measure, rouge_score's tokenizer, no stemmer) of each model's answer to each reference's answer on
 * the same item, averaged per model x test set x reference. Answers are aligned by position (the upstream files
 * follow the test set's order); a length mismatch uses the common prefix and says so in `reason`.
 */
export function rougeLToReferences(source: AnswerSource, options: RougeToReferenceOptions = {}): RougeToReferenceRow[] {
  const models = options.models ?? PAPER_MODELS.map((p) => p.model);
  const testSets = options.testSets ?? PAPER_TEST_SETS;
  const references = options.references ?? PAPER_REFERENCES;
  const sample = options.sample ?? 200;
  const rows: RougeToReferenceRow[] = [];
  const totalCells = models.length * testSets.length * references.length;
  let done = 0;
  for (const testSet of testSets) {
    const refAnswers = new Map<PaperReference, string[] | Error>();
    for (const ref of references) {
      try {
        refAnswers.set(ref, source.referenceAnswers(ref, testSet));
      } catch (e) {
        refAnswers.set(ref, e as Error);
      }
    }
    for (const model of models) {
      const meta = modelNameColumns(model);
      let answers: string[] | Error;
      try {
        answers = source.modelAnswers(model, testSet);
      } catch (e) {
        answers = e as Error;
      }
      for (const reference of references) {
        const refs = refAnswers.get(reference)!;
        done++;
        if (answers instanceof Error || refs instanceof Error) {
          const reason = (answers instanceof Error ? answers : (refs as Error)).message;
          rows.push({ model, ...meta, testSet, reference, meanRougeL: null, n: 0, total: 0, status: "missing", reason });
          options.onCell?.(done, totalCells);
          continue;
        }
        const modelTexts: string[] = answers;
        const refTexts: string[] = refs;
        const common = Math.min(modelTexts.length, refTexts.length);
        const idx = seededSampleIndices(common, sample, options.seed ?? 1);
        const scores = idx.map((i) => rougeL(refTexts[i]!, modelTexts[i]!));
        rows.push({
          model,
          ...meta,
          testSet,
          reference,
          meanRougeL: roundTo(meanOfFinite(scores), 4),
          n: idx.length,
          total: common,
          status: "ok",
          reason: modelTexts.length !== refTexts.length ? `answers (${modelTexts.length}) and references (${refTexts.length}) differ in count: first ${common} aligned` : undefined,
        });
        options.onCell?.(done, totalCells);
      }
    }
  }
  return rows;
}
