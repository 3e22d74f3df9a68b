/**
 * Reading judged comparisons back: the texts the judge saw for each item of a verdict group (instruction, model
 * output, reference output), from the data and the run store.
 */
import { loadReferenceSet, loadTestSet, type ReferenceName, type TestSetName } from "../data/index.js";
import { loadAnyModelOutputs } from "../infer/index.js";
import { outputsRunFor } from "./run-plan.js";
import { judgedInstruction } from "./templates.js";

/** The texts of one judged comparison: what AlpacaEval's annotations and upstream's `prompt` field carry. */
export interface VerdictTexts {
  instruction: string;
  modelOutput: string;
  referenceOutput: string;
}

/**
 * Look up the judged texts (instruction as the judge saw it, model output, reference output) of a group's items,
 * by item id, from the data and run store (`outputsRun` as in {@link JudgeRunOptions}). Returns undefined when the
 * group's model, test set or reference cannot be loaded here (e.g. imported upstream files).
 */
export function verdictTexts(group: { model: string; testSet: string; reference: string }, options: { run?: string; outputsRun?: string } = {}): ((itemId: string) => VerdictTexts | undefined) | undefined {
  try {
    const testSet = group.testSet as TestSetName;
    const items = new Map(loadTestSet(testSet).map((it) => [it.id, it]));
    const refs = new Map(loadReferenceSet(group.reference as ReferenceName, testSet).outputs.map((r) => [r.id, r.output]));
    const outs = new Map(loadAnyModelOutputs(group.model, testSet, outputsRunFor(group.model, testSet, options.run ?? "default", options.outputsRun), { allowPartial: true }).map((o) => [String(o.id), o.response]));
    return (id) => {
      const it = items.get(id);
      const m = outs.get(id);
      const r = refs.get(id);
      return it && m !== undefined && r !== undefined ? { instruction: judgedInstruction(testSet, it), modelOutput: m, referenceOutput: r } : undefined;
    };
  } catch {
    return undefined;
  }
}
