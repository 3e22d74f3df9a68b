/**
 * alpacare-workbench: the library behind the notebooks and the `alpacare` CLI. One folder per stage of the paper;
 * everything a notebook cell needs is exported flat from here (`import { rougeL, winRate } from "alpacare-workbench"`).
 */
export * from "./core/index.js";
export * from "./data/index.js";
export * from "./text/index.js";
export * from "./dedup/index.js";
export * from "./llm/index.js";
export * from "./generate/index.js";
export * from "./infer/index.js";
export * from "./judge/index.js";
export * from "./figures/index.js";
