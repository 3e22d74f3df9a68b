/**
 * From verdicts to numbers: the paper's dual-sided win rate exactly, with the uncertainty the paper left out
 * (bootstrap interval, standard error, paired differences), and the summary `alpacare score` prints. The other
 * statistics live beside it, one idea each: position bias and the verdict matrix (position-bias.ts), length effects
 * (length-diagnostics.ts), the length-adjusted win rate and its Newton solver (length-adjusted.ts), and agreement
 * between judges (agreement.ts).
 *
 * Paper/upstream (`alpacare` policy): item score = mean of the two orders' scores, NaN if either is NaN;
 * win rate = 100 x np.nanmean(item scores). So win+tie = 0.75 and win+loss = 0.5.
 * FastChat (`fastchat` policy): an item counts as the shared verdict when both orders agree, and as a tie when they
 * disagree; unparsed still excludes the item.
 */
import { bootstrapMeans, nanMean, npPercentileSorted, npSampleStd, npSum, resamplingPValue } from "../core/index.js";
import { positionBias } from "./position-bias.js";
import type { ItemVerdicts, JudgeOrder, VerdictParseMode, ScoringPolicy, VerdictRecord, VerdictScore } from "./types.js";

/** Options shared by the scoring functions. */
export interface VerdictScoreOptions {
  /** Which stored parse to use. Default `alpacare` (the paper's). */
  mode?: VerdictParseMode;
  /** How the two orders combine. Default `alpacare` (the paper's). */
  policy?: ScoringPolicy;
}

/** Records beyond the first for one (item, order): see {@link duplicateVerdicts}. */
export interface DuplicateVerdict {
  itemId: string;
  order: JudgeOrder;
  /** Records for this (item, order), the scored first one included. */
  records: number;
  /** True when a later record's verdict (under the mode) differs from the scored first one. */
  disagrees: boolean;
}

/**
 * The (item, order) pairs with more than one record (two writers on one run in older versions, or files merged by
 * hand). The documented rule: the FIRST record written is scored (what a resumed run treats as done), the others are
 * ignored; this list says how many and whether they disagree, so the rule is never applied silently.
 */
export function duplicateVerdicts(records: readonly VerdictRecord[], mode: VerdictParseMode = "alpacare"): DuplicateVerdict[] {
  const seen = new Map<string, { first: VerdictRecord; dup?: DuplicateVerdict }>();
  const out: DuplicateVerdict[] = [];
  for (const r of records) {
    const k = `${r.itemId}\u0000${r.order}`;
    const s = seen.get(k);
    if (!s) {
      seen.set(k, { first: r });
      continue;
    }
    if (!s.dup) out.push((s.dup = { itemId: r.itemId, order: r.order, records: 1, disagrees: false }));
    s.dup.records++;
    if (r.verdict[mode] !== s.first.verdict[mode]) s.dup.disagrees = true;
  }
  return out;
}

/**
 * Group records into items (both orders side by side), sorted by test-set index as upstream's files are. A second
 * record for the same (item, order) is ignored: the first written wins, as a resumed run never rewrites (reported
 * by {@link duplicateVerdicts} and counted in {@link WinRateSummary}).
 */
export function itemVerdicts(records: readonly VerdictRecord[], mode: VerdictParseMode = "alpacare"): ItemVerdicts[] {
  const byId = new Map<string, ItemVerdicts>();
  const group = (r: VerdictRecord) => [r.model, r.testSet, r.reference, r.judge.model, r.template.hash].join(" / ");
  const first = records[0] ? group(records[0]) : "";
  for (const r of records) {
    // Items are keyed by id alone, so mixing groups would silently pair one model's verdicts with another's.
    if (group(r) !== first) throw new Error(`verdicts of several groups mixed (${first} and ${group(r)}): score each group (groupVerdicts / winRateTable)`);
    let it = byId.get(r.itemId);
    if (!it) {
      it = { itemId: r.itemId, index: r.index, referenceFirst: undefined, referenceLast: undefined };
      byId.set(r.itemId, it);
    }
    if (it[r.order] === undefined) it[r.order] = r.verdict[mode];
    if (r.modelOutputChars !== undefined) it.modelOutputChars = r.modelOutputChars;
    if (r.referenceOutputChars !== undefined) it.referenceOutputChars = r.referenceOutputChars;
  }
  return [...byId.values()].sort((a, b) => a.index - b.index || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
}

/** One item's score under a policy: a number in [0, 1], or NaN when an order is unparsed or missing. */
export function itemScore(policy: ScoringPolicy, referenceFirst: VerdictScore | undefined, referenceLast: VerdictScore | undefined): number {
  if (referenceFirst == null || referenceLast == null) return NaN;
  if (policy === "alpacare") return (referenceFirst + referenceLast) / 2;
  return referenceFirst === referenceLast ? referenceFirst : 0.5;
}

/** Per-item dual-sided scores (NaN = excluded), in item order. */
export function dualSidedScores(records: readonly VerdictRecord[], options: VerdictScoreOptions = {}): { items: ItemVerdicts[]; scores: number[] } {
  const items = itemVerdicts(records, options.mode ?? "alpacare");
  const policy = options.policy ?? "alpacare";
  return { items, scores: items.map((it) => itemScore(policy, it.referenceFirst, it.referenceLast)) };
}

/** Win rate in percent: 100 x NumPy's nanmean of the item scores (NaN when no item has a score). */
export function winRate(scores: ArrayLike<number>): number {
  return nanMean(scores) * 100;
}

/** Standard error of the win rate in percent: sample std (ddof 1) / sqrt(n) over scored items, x 100. */
export function winRateStandardError(scores: ArrayLike<number>): number {
  const s = finite(scores);
  return s.length < 2 ? NaN : (npSampleStd(s) / Math.sqrt(s.length)) * 100;
}

function finite(a: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!)) out.push(a[i]!);
  return out;
}

/** Options for the bootstraps. */
export interface WinRateBootstrapOptions {
  /** Resamples. Default 2000. */
  samples?: number;
  /** PRNG seed. Default 42 (upstream seeds its `random` with 42). */
  seed?: number;
  /** Interval level. Default 0.95. */
  level?: number;
}

/** A bootstrap result: the point estimate and the percentile interval, in percent. */
export interface BootstrapInterval {
  estimate: number;
  ci: [number, number];
  samples: number;
  seed: number;
}

/**
 * Percentile bootstrap interval of the win rate over items: items (each carrying both of its orders) are resampled
 * with replacement; items without a score are left out first, as the win rate leaves them out.
 */
export function bootstrapWinRate(scores: ArrayLike<number>, options: WinRateBootstrapOptions = {}): BootstrapInterval {
  const s = finite(scores);
  const B = options.samples ?? 2000;
  const seed = options.seed ?? 42;
  const level = options.level ?? 0.95;
  if (s.length === 0) return { estimate: NaN, ci: [NaN, NaN], samples: B, seed };
  const stats = bootstrapMeans(s, { samples: B, seed }).map((m) => m * 100);
  stats.sort();
  const alpha = (1 - level) / 2;
  return { estimate: winRate(s), ci: [npPercentileSorted(stats, alpha * 100), npPercentileSorted(stats, (1 - alpha) * 100)], samples: B, seed };
}

/** Result of {@link pairedBootstrap}: difference A − B in win-rate points over the items both have scored. */
export interface PairedDifference extends BootstrapInterval {
  /** Items scored for both. */
  n: number;
  /** Two-sided bootstrap p-value for "no difference": 2 x the smaller tail beyond 0, floored at 1/(B+1) and capped at 1 (core's `resamplingPValue`, as Kendall's tau). */
  pValue: number;
}

/**
 * Paired bootstrap of the difference between two models' win rates on the same items (same reference and judge):
 * the same resampled item ids feed both means, so item difficulty cancels out.
 */
export function pairedBootstrap(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>, options: WinRateBootstrapOptions = {}): PairedDifference {
  const ids = [...a.keys()].filter((id) => b.has(id) && !Number.isNaN(a.get(id)!) && !Number.isNaN(b.get(id)!));
  const B = options.samples ?? 2000;
  const seed = options.seed ?? 42;
  const level = options.level ?? 0.95;
  const n = ids.length;
  if (n === 0) return { estimate: NaN, ci: [NaN, NaN], samples: B, seed, n, pValue: NaN };
  const d = ids.map((id) => a.get(id)! - b.get(id)!);
  const estimate = (npSum(d) / n) * 100;
  const stats = bootstrapMeans(d, { samples: B, seed }).map((m) => m * 100);
  let le = 0;
  let ge = 0;
  for (const v of stats) {
    if (v <= 0) le++;
    if (v >= 0) ge++;
  }
  stats.sort();
  const alpha = (1 - level) / 2;
  return {
    estimate,
    ci: [npPercentileSorted(stats, alpha * 100), npPercentileSorted(stats, (1 - alpha) * 100)],
    samples: B,
    seed,
    n,
    pValue: resamplingPValue(2 * Math.min(le, ge), B),
  };
}

/** A map itemId -> item score (for {@link pairedBootstrap}). */
export function itemScoreMap(records: readonly VerdictRecord[], options: VerdictScoreOptions = {}): Map<string, number> {
  const { items, scores } = dualSidedScores(records, options);
  return new Map(items.map((it, i) => [it.itemId, scores[i]!]));
}

/** Everything `alpacare score` prints for one (model, reference, test set, judge) group. */
export interface WinRateSummary {
  policy: ScoringPolicy;
  mode: VerdictParseMode;
  /** Win rate in percent (the paper's number under the `alpacare` policy). */
  winRate: number;
  /** Items with a score (the win rate's denominator). */
  n: number;
  /** Items seen (with at least one order). */
  items: number;
  /** Verdicts (item, order) whose text did not parse under `mode`. */
  unparsed: number;
  /** Items excluded because an order is unparsed or missing. */
  excludedItems: number;
  /** Items with an order not judged yet. */
  missingOrders: number;
  /** Bootstrap 95% interval of the win rate (percent). */
  ci95: [number, number];
  /** Standard error of the win rate (percent). */
  standardError: number;
  flipRate: number;
  tieRate: number;
  firstPositionWinShare: number;
  /** Records for an (item, order) already seen: ignored (the first written is scored). */
  duplicates: number;
  /** Of those (item, order) pairs, how many have a later record that disagrees with the scored one. */
  conflictingDuplicates: number;
  /** Items by outcome: score 1 / 0.5 / 0 / anything else in between (alpacare's 0.25 and 0.75). */
  wins: number;
  ties: number;
  losses: number;
  partial: number;
}

/** Summary statistics of one group of verdict records (see {@link WinRateSummary}). */
export function summariseVerdicts(records: readonly VerdictRecord[], options: VerdictScoreOptions & WinRateBootstrapOptions = {}): WinRateSummary {
  const mode = options.mode ?? "alpacare";
  const policy = options.policy ?? "alpacare";
  const { items, scores } = dualSidedScores(records, { mode, policy });
  const bias = positionBias(items);
  const scored = finite(scores);
  const dups = duplicateVerdicts(records, mode);
  let unparsed = 0;
  let missingOrders = 0;
  for (const it of items) {
    for (const o of ["referenceFirst", "referenceLast"] as JudgeOrder[]) {
      if (it[o] === undefined) missingOrders++;
      else if (it[o] === null) unparsed++;
    }
  }
  return {
    policy,
    mode,
    winRate: winRate(scores),
    n: scored.length,
    items: items.length,
    unparsed,
    excludedItems: items.length - scored.length,
    missingOrders,
    duplicates: dups.reduce((a, d) => a + d.records - 1, 0),
    conflictingDuplicates: dups.filter((d) => d.disagrees).length,
    ci95: bootstrapWinRate(scores, options).ci,
    standardError: winRateStandardError(scores),
    flipRate: bias.flipRate,
    tieRate: bias.tieRate,
    firstPositionWinShare: bias.firstPositionWinShare,
    wins: scored.filter((s) => s === 1).length,
    ties: scored.filter((s) => s === 0.5).length,
    losses: scored.filter((s) => s === 0).length,
    partial: scored.filter((s) => s !== 1 && s !== 0.5 && s !== 0).length,
  };
}

