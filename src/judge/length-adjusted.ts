/**
 * The length-adjusted win rate (beyond the paper) and the small Newton solver that fits it. Its own module because
 * it is a fitted model, not arithmetic over verdicts: the solver (an L2-penalised two-parameter logistic fit on soft
 * labels, sklearn's objective) is written inline so the number does not depend on a numerics library, and reads
 * best on its own.
 */
import { npSampleStd } from "../core/index.js";
import { lengthDifference } from "./length-diagnostics.js";
import { winRate } from "./score.js";
import type { ItemVerdicts } from "./types.js";

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
