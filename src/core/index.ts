/**
 * Core: the ground floor every stage shares. Paths of the workbench's folders, located input and write errors, JSONL
 * and atomic writes, hashes, progress lines, run and file locks, secret redaction; and the primitives a number or a
 * figure is built from: the Plotly figure type, HTML escaping and tables, statistics (medians, quantiles, bootstrap),
 * numpy-exact reductions, a seeded random generator, and text helpers (word counts, clipping, number formats).
 */
export { fsErrorText, InputError, type InputLocation, WriteError } from "./errors.js";
export { type LaidOutFigure, type PlotlyFigure, type PlotlyTrace } from "./figure.js";
export { canonicalJson, gitBlobSha1, sha256, shortHash } from "./hash.js";
export { escapeHtml, escapePlotlyText, scriptJson, tableHtml, type TableHtmlOptions, type TableLike } from "./html.js";
export {
  appendJsonl, type AppendJsonlOptions, formatTornTailRepair, readJson, readJsonl, readJsonlIfExists,
  type ReadJsonlOptions, readTextFile, repairTornTailFd, stripBom, type TornTailRepair, writeFileAtomic, writeJsonl,
} from "./jsonl.js";
export {
  acquireRunLock, type LockHolder, type ReleaseLock, RunLockedError, type RunLockOptions, withFileLockSync,
  withRunLock,
} from "./lock.js";
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
export {
  clipMiddle, type ClipMiddleOptions, clipText, type ClipTextOptions, formatInterval, formatNumber, formatPercent,
  wordCount,
} from "./text.js";
