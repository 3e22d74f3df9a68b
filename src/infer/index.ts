/**
 * Infer stage: the models under test answer the three test sets in the paper's format (Alpaca prompt, greedy,
 * up to 2048 new tokens), responses are extracted from raw outputs as upstream did, published outputs and new runs
 * are catalogued together, and the outputs are analysed without a judge (lengths, empty / truncated / degenerate).
 */
export {
  type AnalysableOutput, analyseResponse, type DegenerateThresholds, distribution, type Distribution,
  type OutputSummary, repetitionStats, type RepetitionStats, type ResponseAnalysis, summariseOutputs,
} from "./analysis.js";
export {
  type AnyModelOutput, loadAnyModelOutputs, type LoadOutputsOptions, modelOutputCatalogue,
  type ModelOutputCatalogueEntry, type ModelOutputCatalogueOptions,
} from "./catalogue.js";
export {
  extractionAgreement, type ExtractionAgreement, type ExtractionRule, extractResponse, promptPrefixAgreement,
  type PromptPrefixAgreement, type RawAndResponse,
} from "./extract.js";
export { inferLengthFigure, inferRateFigure } from "./figures.js";
export { INFER_DEFAULT_MAX_TOKENS, inferRequest } from "./infer-request.js";
export {
  type InferModelRef, type InferOutputRecord, type InferPlan, inferRun, type InferRunOptions, type InferRunSummary,
  type InferSettings, planInferRun,
} from "./runner.js";
export {
  ALPACA_PROMPT_NO_INPUT, ALPACA_PROMPT_WITH_INPUT, type InferTemplate, type InstructionPair, promptMessages,
  type PromptMessagesOptions, renderAlpacaPrompt,
} from "./templates.js";
export { INFER_TEST_SETS, type InferItem, inferItems, isInferTestSet } from "./testsets.js";
export { type SideBySideColumn, sideBySideHtml, type SideBySideOptions } from "./viewers.js";
