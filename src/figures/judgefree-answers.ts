/**
 * Where the judge-free analyses (beyond the paper) read answers from: the published model outputs and the reference
 * models' answers, through the data stage's loaders, or any other source a test injects. A file that is not mirrored
 * throws, and the tables turn that into a missing cell, never a zero.
 */
import { loadModelOutputs, loadReferenceOutputs } from "../data/index.js";
import type { PaperReference, PaperTestSet } from "./paper-spec.js";

/** Where the judge-free analyses read answers from (the data stage's loaders by default; tests inject their own). */
export interface AnswerSource {
  /** A model's answers (`response`) on a test set, in test-set order; throw when they are not available. */
  modelAnswers(model: string, testSet: PaperTestSet): string[];
  /** A reference model's answers on a test set, in test-set order; throw when not available. */
  referenceAnswers(reference: PaperReference, testSet: PaperTestSet): string[];
}

/**
 * The published answers through the data stage's loaders (`loadModelOutputs`, `loadReferenceOutputs`), each file
 * parsed once per source. Files that are not mirrored throw the loader's message, which the tables show as missing.
 */
export function publishedAnswerSource(): AnswerSource {
  const models = new Map<string, string[] | Error>();
  const refs = new Map<string, string[] | Error>();
  const cached = (map: Map<string, string[] | Error>, key: string, load: () => string[]): string[] => {
    if (!map.has(key)) {
      try {
        map.set(key, load());
      } catch (e) {
        map.set(key, e as Error);
      }
    }
    const v = map.get(key)!;
    if (v instanceof Error) throw v;
    return v;
  };
  return {
    modelAnswers: (model, testSet) => cached(models, `${model}\u0000${testSet}`, () => loadModelOutputs(model, testSet).map((o) => o.response)),
    referenceAnswers: (reference, testSet) => cached(refs, `${reference}\u0000${testSet}`, () => loadReferenceOutputs(reference, testSet).map((o) => o.output)),
  };
}
