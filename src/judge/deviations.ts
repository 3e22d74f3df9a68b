/**
 * What a run's verdicts deviate from the paper by: the adaptations recorded in the verdict files' config snapshots
 * (per judge model), and the substitution of a judge for the paper's judge slot. Score and figures print both beside
 * the numbers that rest on those verdicts.
 */
import { describeAdaptation, describeSubstitution, displayModel, readDeviations } from "../llm/index.js";
import { verdictFiles } from "./store.js";

/**
 * The deviations from the paper recorded in a run's verdict config snapshots, as one line each per judge model
 * ("gpt-6-luna: top_p 1 dropped"): what every figure and score resting on those verdicts repeats.
 */
export function judgeDeviations(run = "default"): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of verdictFiles(run)) {
    const d = readDeviations(f.replace(/\.jsonl$/, ".config.json"));
    for (const a of d.adaptations) {
      const lines = out.get(a.model) ?? [];
      const line = describeAdaptation(a);
      if (!lines.includes(line)) lines.push(line);
      out.set(a.model, lines);
    }
  }
  return out;
}

/**
 * What a judge's verdicts deviate from the paper by, when they fill the paper judge slot `slot` (`gpt-3.5-turbo` or
 * `claude-2`): a different judge model is a substitution ("judge gpt-6-luna for gpt-3.5-turbo (shut down
 * 2026-10-23)"), followed by that model's recorded adaptations (from {@link judgeDeviations}). Score and figures share it.
 */
export function slotDeviations(judgeModel: string, slot: string, adaptations: ReadonlyMap<string, string[]> = new Map()): string[] {
  const ablation = /claude/i.test(slot);
  return [
    ...(judgeModel !== slot
      ? [describeSubstitution({ role: ablation ? "ablation judge" : "judge", paper: slot, used: displayModel(judgeModel), provider: ablation ? "anthropic" : "openai", reason: "", source: "" })]
      : []),
    ...(adaptations.get(judgeModel) ?? []),
  ];
}
