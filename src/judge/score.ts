/**
 * From verdicts to numbers: the paper's dual-sided win rate exactly, and the statistics the paper left out
 * (bootstrap interval, standard error, paired differences, position bias, length effects, judge agreement).
 *
 * Paper/upstream (`alpacare` policy): item score = mean of the two orders' scores, NaN if either is NaN;
 * win rate = 100 x np.nanmean(item scores). So win+tie = 0.75 and win+loss = 0.5.
 * FastChat (`fastchat` policy): an item counts as the shared verdict when both orders agree, and as a tie when they
 * disagree; unparsed still excludes the item.
 */
import { mulberry32, resamplingPValue } from "../core/index.js";
import { nanMean, npSum, npSampleStd } from "./numpy.js";
import { scoreToPosition } from "./parse.js";
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


/** `np.percentile` with linear interpolation, on a sorted array; q in [0, 100]. */
export function npPercentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = ((n - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
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
  const rand = mulberry32(seed);
  const stats = new Float64Array(B);
  const n = s.length;
  for (let b = 0; b < B; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += s[Math.floor(rand() * n)]!;
    stats[b] = (sum / n) * 100;
  }
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
  const rand = mulberry32(seed);
  const stats = new Float64Array(B);
  let le = 0;
  let ge = 0;
  for (let k = 0; k < B; k++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += d[Math.floor(rand() * n)]!;
    const v = (sum / n) * 100;
    stats[k] = v;
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

/** Position-bias diagnostics. Rates are fractions in [0, 1] (NaN with no data). */
export interface PositionBias {
  /** Items with both orders parsed. */
  pairs: number;
  /** Share of those items whose model-perspective verdict changes with the order. */
  flipRate: number;
  /** Share of those items where the judge picked the same position (both (a) or both (b)): pure position bias. */
  samePositionRate: number;
  /** Among parsed non-tie verdicts, the share choosing Output (a). 0.5 = no first-position preference. */
  firstPositionWinShare: number;
  /** Among parsed verdicts, the share of ties. */
  tieRate: number;
  /** Parsed verdicts (all orders). */
  parsed: number;
}

/** Position-bias diagnostics from items (see {@link PositionBias}). */
export function positionBias(items: readonly ItemVerdicts[]): PositionBias {
  let pairs = 0;
  let flips = 0;
  let same = 0;
  let parsed = 0;
  let ties = 0;
  let firstWins = 0;
  let decisive = 0;
  for (const it of items) {
    for (const order of ["referenceFirst", "referenceLast"] as JudgeOrder[]) {
      const pos = scoreToPosition(it[order] ?? null, order);
      if (pos === null) continue;
      parsed++;
      if (pos === "tie") ties++;
      else {
        decisive++;
        if (pos === "a") firstWins++;
      }
    }
    if (it.referenceFirst != null && it.referenceLast != null) {
      pairs++;
      if (it.referenceFirst !== it.referenceLast) flips++;
      const p1 = scoreToPosition(it.referenceFirst, "referenceFirst");
      const p2 = scoreToPosition(it.referenceLast, "referenceLast");
      if (p1 === p2 && p1 !== "tie") same++;
    }
  }
  const div = (a: number, b: number) => (b === 0 ? NaN : a / b);
  return { pairs, flipRate: div(flips, pairs), samePositionRate: div(same, pairs), firstPositionWinShare: div(firstWins, decisive), tieRate: div(ties, parsed), parsed };
}

/** Labels of the verdict matrix, model's point of view. */
export type VerdictLabel = "model" | "tie" | "reference" | "unparsed";

/** Label of one score (`undefined`, i.e. not judged yet, counts as unparsed here). */
export function verdictLabel(score: VerdictScore | undefined): VerdictLabel {
  return score == null ? "unparsed" : score === 1 ? "model" : score === 0 ? "reference" : "tie";
}

/** The order-1 x order-2 table: `matrix[referenceFirst label][referenceLast label]` = item count. */
export function verdictMatrix(items: readonly ItemVerdicts[]): Record<VerdictLabel, Record<VerdictLabel, number>> {
  const labels: VerdictLabel[] = ["model", "tie", "reference", "unparsed"];
  const m = Object.fromEntries(labels.map((r) => [r, Object.fromEntries(labels.map((c) => [c, 0]))])) as Record<VerdictLabel, Record<VerdictLabel, number>>;
  for (const it of items) m[verdictLabel(it.referenceFirst)][verdictLabel(it.referenceLast)]++;
  return m;
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
export function summarizeVerdicts(records: readonly VerdictRecord[], options: VerdictScoreOptions & WinRateBootstrapOptions = {}): WinRateSummary {
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

/** One bin of {@link lengthDiagnostics}. */
export interface LengthDiffBin {
  /** Bin edges on (model chars − reference chars); lo inclusive, hi exclusive (the last bin includes hi). */
  lo: number;
  hi: number;
  n: number;
  winRate: number;
}

/** Options for {@link lengthDiagnostics}. */
export interface LengthDiagnosticsOptions {
  /** Explicit bin edges (ascending). Default: quantile edges giving `bins` bins of similar size. */
  edges?: number[];
  /** Number of quantile bins when `edges` is not given. Default 5. */
  bins?: number;
}

/** The length difference of one item (model output chars − reference output chars), NaN when unknown. */
export function lengthDifference(it: ItemVerdicts): number {
  return it.modelOutputChars === undefined || it.referenceOutputChars === undefined ? NaN : it.modelOutputChars - it.referenceOutputChars;
}

/**
 * Win rate by output-length difference (model − reference, in characters): does the judge reward length?
 * Items without a score or without lengths are left out.
 */
export function lengthDiagnostics(items: readonly ItemVerdicts[], scores: ArrayLike<number>, options: LengthDiagnosticsOptions = {}): LengthDiffBin[] {
  const pts: { d: number; s: number }[] = [];
  items.forEach((it, i) => {
    const d = lengthDifference(it);
    const s = scores[i]!;
    if (!Number.isNaN(d) && !Number.isNaN(s)) pts.push({ d, s });
  });
  if (pts.length === 0) return [];
  let edges = options.edges;
  if (!edges) {
    const sorted = pts.map((p) => p.d).sort((a, b) => a - b);
    const k = Math.max(1, options.bins ?? 5);
    edges = [...new Set(Array.from({ length: k + 1 }, (_, j) => npPercentileSorted(sorted, (100 * j) / k)))];
    if (edges.length === 1) edges = [edges[0]!, edges[0]!];
  }
  const out: LengthDiffBin[] = [];
  for (let j = 0; j < edges.length - 1; j++) {
    const lo = edges[j]!;
    const hi = edges[j + 1]!;
    const last = j === edges.length - 2;
    const inBin = pts.filter((p) => p.d >= lo && (p.d < hi || (last && p.d <= hi)));
    out.push({ lo, hi, n: inBin.length, winRate: inBin.length ? winRate(inBin.map((p) => p.s)) : NaN });
  }
  return out;
}

/** Result of {@link lengthAdjustedWinRate}. */
export interface LengthAdjustedWinRate {
  /** The GLM's predicted win rate at zero length difference, percent. NOT AlpacaEval 2's LC win rate (see the note). */
  lengthAdjustedWinRate: number;
  /** The raw win rate of the same items, percent. */
  winRate: number;
  /** Fitted coefficients: logit p = intercept + lengthSlope * tanh(delta / sd(delta)). */
  intercept: number;
  lengthSlope: number;
  n: number;
  /** Always set: this statistic is not in the AlpaCare paper. */
  note: string;
}

/** What {@link lengthAdjustedWinRate} is and is not, attached to every result and printed wherever it is shown. */
export const LENGTH_ADJUSTED_NOTE =
  "beyond the paper: length-adjusted win rate, without the instruction term (logistic GLM of the preference on tanh of the standardized length difference, predicted at zero difference); not comparable to AlpacaEval 2's LC win rate";

/**
 * Length-adjusted win rate (BEYOND THE PAPER): a logistic model of the item's preference (its score in [0, 1], used
 * as a soft label) on tanh(standardized length difference), with an intercept, fitted by Newton's method with a weak
 * L2 penalty (sklearn's C = 100 objective); the win rate is the prediction at zero length difference,
 * 100 x sigmoid(intercept).
 *
 * It is NOT AlpacaEval 2's length-controlled win rate: that GLM also has an instruction-difficulty term (fitted
 * across many models) and regularisation towards gamed baselines. Without them it answers a different question (on
 * AlpacaEval's own annotations of gpt-3.5-turbo-0301 it gives 31.4 where AlpacaEval 2 reports 18.1), hence the name.
 */
export function lengthAdjustedWinRate(items: readonly ItemVerdicts[], scores: ArrayLike<number>, options: { C?: number } = {}): LengthAdjustedWinRate {
  const C = options.C ?? 100;
  const note = LENGTH_ADJUSTED_NOTE;
  const d: number[] = [];
  const y: number[] = [];
  items.forEach((it, i) => {
    const diff = lengthDifference(it);
    if (!Number.isNaN(diff) && !Number.isNaN(scores[i]!)) {
      d.push(diff);
      y.push(scores[i]!);
    }
  });
  const n = d.length;
  if (n === 0) return { lengthAdjustedWinRate: NaN, winRate: NaN, intercept: NaN, lengthSlope: NaN, n, note };
  const sd = npSampleStd(d);
  const x = d.map((v) => (sd > 0 && Number.isFinite(sd) ? Math.tanh(v / sd) : 0));
  let b0 = 0;
  let b1 = 0;
  for (let iter = 0; iter < 100; iter++) {
    let g0 = b0 / C;
    let g1 = b1 / C;
    let h00 = 1 / C;
    let h01 = 0;
    let h11 = 1 / C;
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-(b0 + b1 * x[i]!)));
      const r = p - y[i]!;
      g0 += r;
      g1 += r * x[i]!;
      const w = p * (1 - p);
      h00 += w;
      h01 += w * x[i]!;
      h11 += w * x[i]! * x[i]!;
    }
    const det = h00 * h11 - h01 * h01;
    const s0 = (h11 * g0 - h01 * g1) / det;
    const s1 = (h00 * g1 - h01 * g0) / det;
    b0 -= s0;
    b1 -= s1;
    if (Math.abs(s0) + Math.abs(s1) < 1e-12) break;
  }
  return { lengthAdjustedWinRate: 100 / (1 + Math.exp(-b0)), winRate: winRate(y), intercept: b0, lengthSlope: b1, n, note };
}

/** Agreement between two judges on the same verdicts. */
export interface JudgeAgreement {
  /** Verdicts (or items) both judges parsed. */
  n: number;
  /** Share of those where both agree (model / tie / reference). */
  percentAgreement: number;
  /** Cohen's kappa over the three labels. */
  kappa: number;
  /** Pairs present for both judges but unparsed by at least one. */
  excluded: number;
}

/**
 * Agreement between two judges. `level: "verdict"` (default) compares each (item, order) verdict;
 * `"item"` compares items' policy scores labelled win (> 0.5) / tie (= 0.5) / loss (< 0.5).
 */
export function judgeAgreement(a: readonly VerdictRecord[], b: readonly VerdictRecord[], options: VerdictScoreOptions & { level?: "verdict" | "item" } = {}): JudgeAgreement {
  const mode = options.mode ?? "alpacare";
  const pairs: [string, string][] = [];
  let excluded = 0;
  if ((options.level ?? "verdict") === "verdict") {
    const mb = new Map(b.map((r) => [`${r.itemId}\u0000${r.order}`, r.verdict[mode]]));
    const seen = new Set<string>();
    for (const r of a) {
      const k = `${r.itemId}\u0000${r.order}`;
      if (seen.has(k) || !mb.has(k)) continue;
      seen.add(k);
      const va = r.verdict[mode];
      const vb = mb.get(k)!;
      if (va === null || vb === null) excluded++;
      else pairs.push([verdictLabel(va), verdictLabel(vb)]);
    }
  } else {
    const sa = itemScoreMap(a, options);
    const sb = itemScoreMap(b, options);
    const lab = (s: number) => (s > 0.5 ? "win" : s < 0.5 ? "loss" : "tie");
    for (const [id, s] of sa) {
      if (!sb.has(id)) continue;
      const t = sb.get(id)!;
      if (Number.isNaN(s) || Number.isNaN(t)) excluded++;
      else pairs.push([lab(s), lab(t)]);
    }
  }
  return { ...cohenKappa(pairs), excluded };
}

/** Percent agreement and Cohen's kappa of paired labels. */
export function cohenKappa(pairs: readonly [string, string][]): { n: number; percentAgreement: number; kappa: number } {
  const n = pairs.length;
  if (n === 0) return { n, percentAgreement: NaN, kappa: NaN };
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  let agree = 0;
  for (const [x, y] of pairs) {
    if (x === y) agree++;
    ca.set(x, (ca.get(x) ?? 0) + 1);
    cb.set(y, (cb.get(y) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [k, v] of ca) pe += (v / n) * ((cb.get(k) ?? 0) / n);
  // Both judges used one single label: kappa is 0/0 (NaN, as sklearn's cohen_kappa_score).
  const kappa = pe === 1 ? NaN : (po - pe) / (1 - pe);
  return { n, percentAgreement: po, kappa };
}
