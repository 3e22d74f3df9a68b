/**
 * Agreement between two judges on the same verdicts: percent agreement and Cohen's kappa, per verdict or per item.
 * Its own module because it compares two judges' records with each other rather than scoring one judge's.
 */
import { verdictLabel } from "./position-bias.js";
import { itemScoreMap, type VerdictScoreOptions } from "./score.js";
import type { VerdictRecord } from "./types.js";

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
