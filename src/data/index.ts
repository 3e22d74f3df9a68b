/**
 * Data stage: the sources manifest (`data/sources.json`), acquisition into `data/raw/` (`alpacare data`), typed
 * loaders for every upstream file, the published-model catalogue and the instruction pools.
 */
export * from "./sources.js";
export * from "./acquire.js";
export { DataNotAcquiredError, readRawText } from "./parse.js";
export * from "./models.js";
export * from "./loaders.js";
export * from "./pools.js";
export * from "./catalogue.js";
// Added by the platform helper (notebook 01, generate stage): label normalisation and the verb-noun rule.
export * from "./labels.js";
export * from "./verbnoun.js";
