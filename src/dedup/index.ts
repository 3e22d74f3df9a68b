/** Dedup: exact Rouge-L near-duplicate filtering (the paper's all-pairs policy and self-instruct's incremental one). */
export {
  dedup,
  dedupAllPairs,
  dedupIncremental,
  keptCurve,
  incrementalKeptCurve,
  poolSimilarity,
  type PoolSimilarity,
  type PoolSimilarityOptions,
  type DedupPolicy,
  type DedupOptions,
  type DedupItem,
  type DedupResult,
  type KeptPoint,
  type IncrementalKeptCurveOptions,
} from "./dedup.js";
export {
  nearestNeighbours, type DedupNeighbour, type NearestNeighbourOptions, type NearestNeighbours,
} from "./allpairs.js";
export { dedupBruteForce } from "./brute.js";
export { readDedupTexts } from "./input.js";
export { RougeLIndex, type RougeLIndexOptions, type RougeLQueryResult } from "./stream.js";
export {
  pairsNearThreshold, floatOrderFlips, fmeasureOtherOrder, itemMaxima, type ItemMaxima, type ThresholdPair,
  type PairsNearThresholdOptions, type FloatOrderFlipsOptions,
} from "./near-threshold.js";
