/** Core helpers every stage shares: paths, located input errors, JSONL, hashes, progress. */
export * from "./paths.js";
export * from "./errors.js";
export * from "./jsonl.js";
export * from "./hash.js";
export * from "./progress.js";
export * from "./random.js";
export * from "./lock.js";
export * from "./redact.js";
export * from "./figure.js";
export * from "./numpy.js";
export * from "./stats.js";
export * from "./html.js";
export * from "./text.js";
