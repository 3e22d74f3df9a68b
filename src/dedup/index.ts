/** Dedup: exact Rouge-L near-duplicate filtering (the paper's all-pairs policy and self-instruct's incremental one). */
export {
  dedup,
  dedupAllPairs,
  dedupIncremental,
  keptCurve,
  poolSimilarity,
  type PoolSimilarity,
  type PoolSimilarityOptions,
  type DedupPolicy,
  type DedupOptions,
  type DedupItem,
  type DedupResult,
  type KeptPoint,
} from "./dedup.js";
export { nearestNeighbours, type DedupNeighbour, type NearestNeighbourOptions, type NearestNeighbours } from "./allpairs.js";
export { dedupBruteForce } from "./brute.js";
export { readDedupTexts } from "./input.js";
export { RougeLIndex, type RougeLIndexOptions, type RougeLQueryResult } from "./stream.js";
