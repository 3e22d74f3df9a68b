/**
 * Reproduced win rates for the paper's figures, from the verdicts in a run store (`data/runs/<run>/verdicts/`,
 * written by `alpacare judge` or dropped in by a researcher), scored by the judge stage: win rate and bootstrap 95%
 * interval per model x test set x reference x judge x policy. Each verdict group is assigned to a judge slot of the
 * paper: the main judge (gpt-3.5-turbo) or the ablation judge (claude-2, Figure 5).
 */
import { displayModel } from "../llm/index.js";
import { groupVerdicts, judgeDeviations, loadVerdicts, slotDeviations, summariseVerdicts, type VerdictParseMode, type ScoringPolicy, type VerdictRecord } from "../judge/index.js";
import { PAPER_ABLATION_JUDGE, PAPER_JUDGE, PAPER_TEST_SET_SIZES, type PaperTestSet } from "./paper-spec.js";
import type { ReproducedWinRate } from "./paper-compare.js";

/** Options for {@link reproducedWinRates} / {@link loadReproducedWinRates}. */
export interface ReproducedOptions {
  /** Run whose verdicts to read (default `default`). */
  run?: string;
  /** Scoring policy (default `alpacare`, the paper's). */
  policy?: ScoringPolicy;
  /** Verdict parse mode (default `alpacare`, upstream's rule). */
  mode?: VerdictParseMode;
  /**
   * Judge model (id or reported version) whose verdicts fill the paper's main-judge bars. Default: every judge
   * except claude-* (so a run with the embedded local judge fills them, labelled with that judge's name).
   */
  judge?: string;
  /** Judge model whose verdicts fill Figure 5's claude-2 bars. Default: judges whose id starts with `claude`. */
  ablationJudge?: string;
  /** Bootstrap resamples and seed for the 95% intervals (the judge stage's defaults when unset). */
  resamples?: number;
  seed?: number;
  /** Recorded adaptations per judge model (from the run's config snapshots; `loadReproducedWinRates` reads them). */
  adaptations?: Map<string, string[]>;
}

/** Which paper judge slot a verdict's judge fills, or undefined when it fills none under the options. */
export function judgeSlot(record: Pick<VerdictRecord, "judge">, options: Pick<ReproducedOptions, "judge" | "ablationJudge"> = {}): string | undefined {
  const ids = [record.judge.model, record.judge.modelVersion].filter((x): x is string => !!x);
  if (options.ablationJudge !== undefined) {
    if (ids.includes(options.ablationJudge)) return PAPER_ABLATION_JUDGE;
  } else if (ids.some((id) => /^claude/i.test(id) || /(^|[/:])claude/i.test(id))) {
    return options.judge !== undefined && ids.includes(options.judge) ? PAPER_JUDGE : PAPER_ABLATION_JUDGE;
  }
  if (options.judge !== undefined) return ids.includes(options.judge) ? PAPER_JUDGE : undefined;
  return PAPER_JUDGE;
}

function judgeLabel(records: readonly VerdictRecord[]): string {
  const r = records[0]!;
  const versions = [...new Set(records.map((x) => x.judge.modelVersion).filter((v): v is string => !!v))];
  // A GGUF path says nothing beyond its file name; long ids are cut from the left.
  const id = displayModel(r.judge.model);
  const model = id.length > 48 ? `…${id.slice(-46)}` : id;
  return `${r.judge.provider}:${model}${versions.length ? ` (${versions.join(", ")})` : ""}`;
}

/**
 * Score verdict records into reproduced win rates, one per (model, test set, reference, judge slot). When several
 * verdict groups (judges or templates) fill the same slot, the one resting on the most items wins.
 */
export function reproducedWinRates(records: readonly VerdictRecord[], options: ReproducedOptions = {}): ReproducedWinRate[] {
  const policy = options.policy ?? "alpacare";
  const mode = options.mode ?? "alpacare";
  const best = new Map<string, ReproducedWinRate>();
  for (const g of groupVerdicts(records)) {
    const slot = judgeSlot(g.records[0]!, options);
    if (!slot) continue;
    const s = summariseVerdicts(g.records, { policy, mode, ...(options.resamples ? { samples: options.resamples } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
    const total = PAPER_TEST_SET_SIZES[g.testSet as PaperTestSet];
    const rep: ReproducedWinRate = {
      model: g.model,
      testSet: g.testSet,
      reference: g.reference,
      judge: slot,
      judgeModel: judgeLabel(g.records),
      promptHash: g.templateHash,
      policy,
      parseMode: mode,
      winRate: s.winRate,
      ci95: s.n > 0 ? s.ci95 : undefined,
      n: s.n,
      unparsed: s.unparsed,
      total,
      run: options.run ?? "default",
    };
    // A judge other than the paper's fills the slot: say so, beside every number resting on it.
    const deviations = slotDeviations(g.records[0]!.judge.model, slot, options.adaptations);
    if (deviations.length) rep.deviations = deviations;
    const key = [g.model, g.testSet, g.reference, slot].join("\u0000");
    const prev = best.get(key);
    if (!prev || rep.n > prev.n) best.set(key, rep);
  }
  return [...best.values()];
}

/** Read a run's verdicts and score them (see {@link reproducedWinRates}); a run with no verdicts gives `[]`. */
export function loadReproducedWinRates(options: ReproducedOptions = {}): ReproducedWinRate[] {
  return reproducedWinRates(loadVerdicts(options.run ?? "default"), { adaptations: judgeDeviations(options.run ?? "default"), ...options });
}
