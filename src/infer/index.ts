/**
 * Infer stage: the models under test answer the three test sets in the paper's format (Alpaca prompt, greedy,
 * up to 2048 new tokens), responses are extracted from raw outputs as upstream did, published outputs and new runs
 * are catalogued together, and the outputs are analysed without a judge (lengths, empty / truncated / degenerate).
 */
export * from "./templates.js";
export * from "./testsets.js";
export * from "./extract.js";
export * from "./catalogue.js";
export * from "./runner.js";
export * from "./analysis.js";
export * from "./figures.js";
