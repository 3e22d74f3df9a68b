
export {
  type BarChartOptions, countBarChart, histogramChart, type HistogramOptions, type HistogramSeries,
  type LevelSeries, levelShareChart, PLOTLY_QUALITATIVE,
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
export { type PlottedBar, plottedBars } from "./paper-bars.js";
export { buildPaperFigure } from "./paper-chart.js";
export { type PaperPlotOptions } from "./paper-chrome.js";
export {
  type BarKey, comparePaperCells, type DifferenceSummary, type PaperComparisonRow, type ReproducedWinRate, summariseDifferences,
} from "./paper-compare.js";
export { differenceTable, differenceTableCsv, type DifferenceTableRow } from "./paper-differences.js";
export { paperFigures, type PaperFigureSet, type PaperFiguresOptions } from "./paper-figures.js";
export { type ReplotCheck, replotCheck } from "./paper-replot.js";
export { loadReproducedWinRates, type ReproducedOptions } from "./paper-reproduced.js";
export {
  type BarCell, PAPER_ABLATION_JUDGE, PAPER_JUDGE, PAPER_MODELS, PAPER_REFERENCES, PAPER_TEST_SETS,
  type PaperFigureSpec, type PaperFigureSpecOptions, paperFigureSpecs, type PaperModel, type PaperModelColumns,
  type PaperReference, type PaperTestSet, type SeriesStyle,
} from "./paper-spec.js";
export { withWorkbenchLayout } from "./plotly.js";
export { showFigure, type ShowFigureOptions } from "./show.js";
export { type FigureSnapshotOptions } from "./snapshot.js";
export {
  sunburstChart, type SunburstOptions, type SunburstPath, verbNounSunburstChart,
} from "./sunburst.js";
