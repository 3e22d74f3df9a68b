/**
 * The figures stage's public face: generic Plotly export, inline display and the gallery, the chart builders the
 * notebooks use, the paper's Figures 2-6 (paper vs reproduced) and the judge-free analyses.
 */
export {
  type BarChartOptions, type ChartCount, countBarChart, histogramChart, type HistogramOptions, type HistogramSeries,
  type LevelSeries, levelShareChart, PLOTLY_QUALITATIVE, sunburstChart, type SunburstOptions, type SunburstPath,
  type VerbNounBranchInput, verbNounSunburstChart,
} from "./charts.js";
export { displayFigure, type DisplayFigureOptions, inNotebook } from "./display.js";
export {
  type ExportedFigure, exportFigures, type FigureExportOptions, type FigureFormat, type FigureItem,
  type FigureItemProvenance, figureStandaloneHtml,
} from "./export.js";
export { type FigureIndexOptions, writeFigureIndex } from "./gallery.js";
export {
  type KendallOptions, type KendallTau, kendallTauB, leastSquaresLine, type LinearFit, pearsonCorrelation,
} from "./judgefree-stats.js";
export {
  type AnswerSource, judgeFreeAnalysis, type JudgeFreeAnalysis, type JudgeFreeAnalysisOptions, type JudgeFreeOptions,
  measuresVsWinRates, type MeasuresVsWinRatesOptions, type MeasureVsWinRate, type OutputLengthRow, outputLengthTable,
  type RankAgreementRow, rankAgreementTable, type RougeToReferenceOptions, type RougeToReferenceRow,
} from "./judgefree.js";
export { paperFigures, type PaperFigureSet, type PaperFiguresOptions } from "./paper-figures.js";
export { loadReproducedWinRates, type ReproducedOptions } from "./paper-reproduced.js";
export {
  type BarCell, PAPER_ABLATION_JUDGE, PAPER_JUDGE, PAPER_MODELS, PAPER_REFERENCES, PAPER_TEST_SETS,
  type PaperFigureSpec, type PaperFigureSpecOptions, paperFigureSpecs, type PaperModel, type PaperReference,
  type PaperTestSet, type SeriesStyle,
} from "./paper-spec.js";
export {
  buildPaperFigure, comparePaperCells, type DifferenceSummary, differenceTable, differenceTableCsv,
  type DifferenceTableRow, type PaperComparisonRow, type PaperPlot, type PaperPlotOptions, type PlottedBar,
  plottedBars, type ReportedWinRate, type ReproducedWinRate, summarizeDifferences,
} from "./paper.js";
export { withWorkbenchLayout } from "./plotly.js";
export { showFigure, type ShowFigureOptions } from "./show.js";
export { type FigureSnapshotOptions } from "./snapshot.js";
