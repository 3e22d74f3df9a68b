/**
 * Position bias: does the judge's verdict depend on which output it read first? Flip, tie and first-position rates
 * over items, and the order-1 x order-2 verdict matrix. Its own module because these diagnostics read the two
 * orders' verdicts side by side and never combine them into a score.
 */
import { scoreToPosition } from "./parse.js";
import type { ItemVerdicts, JudgeOrder, VerdictScore } from "./types.js";

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
