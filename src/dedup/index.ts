/** Dedup: exact Rouge-L near-duplicate filtering (the paper's all-pairs policy and self-instruct's incremental one). */
export {
  type DedupNeighbour, type NearestNeighbourOptions, nearestNeighbours, type NearestNeighbours,
} from "./allpairs.js";
export { dedupBruteForce } from "./brute.js";
export { type PackedCorpus } from "./corpus.js";
export {
  dedup, dedupAllPairs, dedupIncremental, type DedupItem, type DedupOptions, type DedupPolicy, type DedupResult,
  incrementalKeptCurve, type IncrementalKeptCurveOptions, keptCurve, type KeptPoint, poolSimilarity,
  type PoolSimilarity, type PoolSimilarityOptions,
} from "./dedup.js";
export { readDedupTexts } from "./input.js";
export {
  floatOrderFlips, type FloatOrderFlipsOptions, fmeasureOtherOrder, itemMaxima, type ItemMaxima, pairsNearThreshold,
  type PairsNearThresholdOptions, type ThresholdPair,
} from "./near-threshold.js";
export { RougeLIndex, type RougeLIndexOptions, type RougeLQueryResult } from "./stream.js";
