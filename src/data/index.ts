/**
 * Data stage: the sources manifest (`data/sources.json`), acquisition into `data/raw/` (`alpacare data`), typed
 * loaders for every upstream file, the published-model catalogue and the instruction pools.
 */
export {
  acquireData, type AcquiredFile, type AcquireOptions, type AcquireResult, type AcquireStatus,
} from "./acquire.js";
export { dataCatalogue, type DataCatalogueEntry, type DataCatalogueOptions } from "./catalogue.js";
export { DATA_FILES, ICLINIQ_INSTRUCTION } from "./data-files.js";
export {
  countLabels, type LabelCount, type LabelledTask, type LabelMergeRow, type LabelNormaliser,
  type LabelNormaliserOptions, normaliseTaskLabels, TASK_TYPE_SYNONYMS, type TaskLabelMergeRow, type TaskLabelOptions,
  topLabels,
} from "./labels.js";
export { loadModelOutputs, type ModelOutput } from "./model-outputs.js";
export {
  isReferenceName, isTestSetName, MODEL_OUTPUT_FOLDERS, type ModelFamily, type PublishedModel, publishedModels,
  REFERENCE_NAMES, type ReferenceName, TEST_SET_NAMES, type TestSetName,
} from "./models.js";
export {
  loadInstructionPrompt, loadJudgePrompt, loadPaperValues, loadTaskGenerationExamples, type PaperValue,
  type TaskGenerationExample,
} from "./paper-files.js";
export { DataNotAcquiredError } from "./parse.js";
export {
  type AlpacaFarmInstruction, type AlpacaRecord, loadAlpacaFarmInstructions, loadChatDoctor5k, loadMedInstruct52k,
  loadMedQuadQuestions, loadSelfInstructSeeds, loadUserOrientedInstructions, type MedQuadQuestion,
  type SelfInstructTask,
} from "./pool-sources.js";
export {
  INSTRUCTION_POOL_NAMES, INSTRUCTION_POOL_TEXT, type InstructionPoolName, loadInstructionPool, type PoolItem,
} from "./pools.js";
export {
  loadReferenceOutputs, loadReferenceSet, type ReferenceOutput, type ReferenceSet, referenceSubstitutionNote,
} from "./reference-outputs.js";
export { loadSeedTasks, type SeedTask } from "./seed-tasks.js";
export { type DataSource, findSource, loadSources } from "./sources.js";
export { loadMedInstructTest, loadTestSet, type MedInstructTestItem, type TestItem } from "./test-sets.js";
export {
  extractVerbNouns, VERB_NOUN_RULE, type VerbNounBranch, verbNounHierarchy, type VerbNounPair, type VerbNounResult,
  type VerbNounSummary,
} from "./verbnoun.js";
