/**
 * Figures stage: everything that turns Plotly data into something seen or saved. The paper's Figures 2-6 and 10
 * (reported beside reproduced), the judge-free analyses beyond the paper, the data-statistics charts and sunbursts,
 * and the machinery to show them in a notebook and export them as PNG, SVG and HTML through headless Chromium.
 *
 * In a notebook: use `figureCollector` when the notebook's figures are also exported (it shows each figure as it is
 * made and exports them all, with their provenance, at the end), `displayFigure` to just show one. `showFigure` only
 * builds the HTML of a figure (what `displayFigure` shows); a notebook does not need to call it.
 */
export {
  type BarChartOptions, countBarChart, histogramChart, type HistogramOptions, type HistogramSeries, type LevelSeries,
  levelShareChart, PLOTLY_QUALITATIVE,
} from "./charts.js";
export {
  figureCollector, type FigureCollector, type FigureCollectorOptions, type ProvenanceFields,
} from "./collector.js";
export { displayFigure, type DisplayFigureOptions, inNotebook } from "./display.js";
export {
  type ExportedFigure, exportFigures, type FigureExportOptions, type FigureFormat, type FigureItem,
  type FigureItemProvenance,
} from "./export.js";
export { figureStandaloneHtml } from "./figure-page.js";
export { type FigureIndexOptions, writeFigureIndex } from "./gallery.js";
export { histogramGridFigure, type HistogramGridOptions, type HistogramPanel } from "./histogram-grid.js";
export {
  measuresVsWinRates, type MeasuresVsWinRatesOptions, type MeasureVsWinRate, type RankAgreementRow,
  rankAgreementTable,
} from "./judgefree-agreement.js";
export { type AnswerSource } from "./judgefree-answers.js";
export { type JudgeFreeOptions, type OutputLengthRow, outputLengthTable } from "./judgefree-lengths.js";
export { type RougeToReferenceOptions, type RougeToReferenceRow } from "./judgefree-rouge.js";
export {
  type KendallOptions, type KendallTau, kendallTauB, leastSquaresLine, type LinearFit, pearsonCorrelation,
} from "./judgefree-stats.js";
export { judgeFreeAnalysis, type JudgeFreeAnalysis, type JudgeFreeAnalysisOptions } from "./judgefree.js";
export { keptCurvesFigure, type KeptCurvesFigureOptions, type PoolKeptCurves } from "./kept-curves.js";
export {
  type BarKey, comparePaperCells, type DifferenceSummary, type PaperComparisonRow, type ReproducedWinRate,
  summariseDifferences,
} from "./paper-compare.js";
export { differenceTable, differenceTableCsv, type DifferenceTableRow } from "./paper-differences.js";
export { paperFigures, type PaperFigureSet, type PaperFiguresOptions } from "./paper-figures.js";
export { replotCheck, type ReplotCheck } from "./paper-replot.js";
export { loadReproducedWinRates, type ReproducedOptions } from "./paper-reproduced.js";
export {
  type BarCell, PAPER_ABLATION_JUDGE, PAPER_JUDGE, PAPER_MODELS, PAPER_REFERENCES, PAPER_TEST_SETS,
  type PaperFigureSpec, type PaperFigureSpecOptions, type PaperModel, type PaperModelColumns, type PaperReference,
  type PaperTestSet, type SeriesStyle,
} from "./paper-spec.js";
export { withWorkbenchLayout } from "./plotly.js";
export { showFigure, type ShowFigureOptions } from "./show.js";
export { type FigureSnapshotOptions } from "./snapshot.js";
export { sunburstChart, type SunburstOptions, type SunburstPath, verbNounSunburstChart } from "./sunburst.js";
