/**
 * Judge stage: dual-sided LLM judging as AlpaCare ran it (prompts, both orders, the upstream parser and averaging,
 * bit for bit), a robust parser, the statistics the paper left out (bootstrap interval, standard error, paired
 * differences, position bias, length effects, judge agreement), the run store, and the AlpaCare / AlpacaEval file
 * formats.
 */
export * from "./types.js";
export * from "./templates.js";
export * from "./parse.js";
export * from "./score.js";
export * from "./position-bias.js";
export * from "./length-diagnostics.js";
export * from "./length-adjusted.js";
export * from "./agreement.js";
export * from "./store.js";
export * from "./formats.js";
export * from "./run.js";
export * from "./charts.js";
export * from "./comparisons.js";
