/**
 * Which verdict groups of a run store can be compared with each other, and the comparisons: two judges on the same
 * model, test set and reference (their agreement), and two models under the same test set, reference, judge and
 * judge prompt (a paired bootstrap of their win-rate difference over the items both have).
 */
import { judgeAgreement, type JudgeAgreement } from "./agreement.js";
import {
  itemScoreMap, pairedBootstrap, type PairedDifference, type VerdictScoreOptions, type WinRateBootstrapOptions,
} from "./score.js";
import type { VerdictGroup, VerdictGroupKey } from "./groups.js";

/** The pairs of groups that can be compared, each pair in the groups' order (a before b). */
export interface ComparisonPlan<G extends VerdictGroupKey> {
  /** Same model, test set and reference, different judge: judge agreement. */
  agreement: [G, G][];
  /** Different model, same test set, reference, judge and judge-prompt hash: paired bootstrap. */
  paired: [G, G][];
}

/** Every comparable pair of `groups` (e.g. `groupVerdicts(records)`), in first-seen order. */
export function comparisonPlan<G extends VerdictGroupKey>(groups: readonly G[]): ComparisonPlan<G> {
  const plan: ComparisonPlan<G> = { agreement: [], paired: [] };
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      const a = groups[i]!;
      const b = groups[j]!;
      const sameItems = a.testSet === b.testSet && a.reference === b.reference;
      if (sameItems && a.model === b.model && a.judge !== b.judge) plan.agreement.push([a, b]);
      if (sameItems && a.model !== b.model && a.judge === b.judge && a.templateHash === b.templateHash) plan.paired.push([a, b]);
    }
  }
  return plan;
}

/** One judge-agreement comparison of {@link compareVerdictGroups}. */
export interface GroupAgreement {
  a: VerdictGroup;
  b: VerdictGroup;
  agreement: JudgeAgreement;
}

/** One paired-difference comparison of {@link compareVerdictGroups} (A − B, in win-rate points). */
export interface GroupDifference {
  a: VerdictGroup;
  b: VerdictGroup;
  difference: PairedDifference;
}

/**
 * Run the {@link comparisonPlan}: judge agreement per verdict under `mode`, and the paired bootstrap of item scores
 * under `policy` / `mode` (defaults: the paper's; bootstrap defaults: 2000 resamples, seed 42).
 */
export function compareVerdictGroups(groups: readonly VerdictGroup[], options: VerdictScoreOptions & WinRateBootstrapOptions = {}): { agreement: GroupAgreement[]; paired: GroupDifference[] } {
  const plan = comparisonPlan(groups);
  const score = { policy: options.policy, mode: options.mode };
  return {
    agreement: plan.agreement.map(([a, b]) => ({ a, b, agreement: judgeAgreement(a.records, b.records, { mode: options.mode }) })),
    paired: plan.paired.map(([a, b]) => ({ a, b, difference: pairedBootstrap(itemScoreMap(a.records, score), itemScoreMap(b.records, score), { samples: options.samples, seed: options.seed, level: options.level }) })),
  };
}
