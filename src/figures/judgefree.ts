/**
 * Beyond the paper, all at once: what can be measured without a judge, from the published model outputs and the
 * four reference models' answers (output length, Rouge-L to each reference, and their rank agreement with the paper's
 * reported win rates), run together and turned into the `06-beyond-*` figures. Each analysis has its own file
 * (`judgefree-lengths.ts`, `judgefree-rouge.ts`, `judgefree-agreement.ts`, `judgefree-charts.ts`); this one wires them.
 *
 * Outputs that are not mirrored (e.g. alpaca / iCliniq) are reported as missing cells, never as zeros.
 */
import { loadPaperValues, type PaperValue } from "../data/index.js";
import type { FigureItem } from "./export.js";
import { measuresVsWinRates, rankAgreementTable, type MeasureVsWinRate, type RankAgreementRow } from "./judgefree-agreement.js";
import { publishedAnswerSource, type AnswerSource } from "./judgefree-answers.js";
import { buildLengthVsWinRateFigure, buildOutputLengthFigure, buildRankAgreementFigure, buildRougeHeatmap } from "./judgefree-charts.js";
import { outputLengthTable, type OutputLengthRow } from "./judgefree-lengths.js";
import { rougeLToReferences, type RougeToReferenceOptions, type RougeToReferenceRow } from "./judgefree-rouge.js";
import { PAPER_MODELS, type PaperModel } from "./paper-spec.js";

/** The models whose outputs the judge-free analyses cover by default (every published model, figure order). */
export function judgeFreeModels(): PaperModel[] {
  return [...PAPER_MODELS];
}

/** Options for {@link judgeFreeAnalysis}. */
export interface JudgeFreeAnalysisOptions extends RougeToReferenceOptions {
  /** Where answers come from (default {@link publishedAnswerSource}). */
  source?: AnswerSource;
  /** The paper's values (default `loadPaperValues()`). */
  reported?: readonly PaperValue[];
  /** Permutations for Kendall's p-values (default 5000). */
  permutations?: number;
}

/** Everything the judge-free analyses produce: tables, rank agreement and figures ready for `exportFigures`. */
export interface JudgeFreeAnalysis {
  lengths: OutputLengthRow[];
  rouge: RougeToReferenceRow[];
  agreement: MeasureVsWinRate[];
  agreementTable: RankAgreementRow[];
  items: FigureItem[];
}

/**
 * Run every judge-free analysis (beyond the paper): output lengths, Rouge-L to each reference (seeded sample,
 * default 200 items per test set), their fit and rank agreement with the reported win rates, and the four figures
 * (`06-beyond-*`).
 */
export function judgeFreeAnalysis(options: JudgeFreeAnalysisOptions = {}): JudgeFreeAnalysis {
  const source = options.source ?? publishedAnswerSource();
  const reported = options.reported ?? loadPaperValues();
  const lengths = outputLengthTable(source, options);
  const rouge = rougeLToReferences(source, options);
  const agreement = measuresVsWinRates(lengths, rouge, reported, { testSets: options.testSets, references: options.references, permutations: options.permutations });
  const agreementTable = rankAgreementTable(agreement);
  const sampleNote = `Rouge-L on a seeded sample of ${options.sample ?? 200} items per test set (seed ${options.seed ?? 1})`;
  const prov = { analysis: "beyond the paper (judge-free)", data: "published model outputs and reference answers (data/raw)", winRates: "the paper's reported values (judge gpt-3.5-turbo)" };
  const items: FigureItem[] = [
    { name: "06-beyond-length", figure: buildOutputLengthFigure(lengths), caption: "Beyond the paper: mean answer length (words) per model and test set; missing cells are outputs that are not mirrored.", provenance: prov, width: 1000, height: 520 },
    { name: "06-beyond-length-vs-winrate", figure: buildLengthVsWinRateFigure(agreement, "meanWords"), caption: "Beyond the paper: the paper's win rates against each model's mean answer length, per test set and reference, with R² and Kendall's tau-b.", provenance: prov, width: 1200, height: 520 },
    { name: "06-beyond-rougeL", figure: buildRougeHeatmap(rouge), caption: `Beyond the paper: mean Rouge-L F of each model's answers to each reference's answers. ${sampleNote}.`, provenance: { ...prov, sample: String(options.sample ?? 200) }, width: 1000, height: 120 + 34 * new Set(rouge.map((r) => r.model)).size + 96 },
    { name: "06-beyond-rougeL-vs-winrate", figure: buildLengthVsWinRateFigure(agreement, "rougeL"), caption: "Beyond the paper: the paper's win rates against mean Rouge-L to the reference, per test set and reference.", provenance: prov, width: 1200, height: 520 },
    { name: "06-beyond-rank-agreement", figure: buildRankAgreementFigure(agreement), caption: "Beyond the paper: Kendall's tau-b between judge-free measures and the paper's win rates, per test set and reference (pooled: length ratio over all references).", provenance: prov, width: 1000, height: 380 },
  ];
  return { lengths, rouge, agreement, agreementTable, items };
}
