/** Core helpers every stage shares: paths, located input errors, JSONL, hashes, progress. */
export { InputError, type InputLocation, WriteError } from "./errors.js";
export { type LaidOutFigure, type PlotlyFigure, type PlotlyTrace } from "./figure.js";
export { canonicalJson, sha256, shortHash } from "./hash.js";
export { escapeHtml, escapePlotlyText, scriptJson, tableHtml, type TableHtmlOptions, type TableLike } from "./html.js";
export {
  appendJsonl, type AppendJsonlOptions, formatTornTailRepair, readJson, readJsonl, readJsonlIfExists,
  type ReadJsonlOptions, readTextFile, repairTornTailFd, type TornTailRepair, writeFileAtomic, writeJsonl,
} from "./jsonl.js";
export { acquireRunLock, type ReleaseLock, type RunLockOptions, withFileLockSync, withRunLock } from "./lock.js";
export { nanMean, npPercentileSorted, npRint, npSampleStd, npSum } from "./numpy.js";
export { cacheDir, dataDir, figuresDir, mirrorDir, modelsDir, projectRoot, rawDir, runDir } from "./paths.js";
export {
  formatDuration, formatProgress, progress, type Progress, type ProgressOptions, type ProgressState,
} from "./progress.js";
export { mulberry32, resamplingPValue } from "./random.js";
export { redactSecret } from "./redact.js";
export {
  bootstrapMeans, type BootstrapMeansOptions, meanOfFinite, medianOfFinite, quantileSorted, roundTo,
} from "./stats.js";
export { clipMiddle, type ClipMiddleOptions, clipText, type ClipTextOptions, formatInterval, formatNumber, formatPercent, wordCount } from "./text.js";
