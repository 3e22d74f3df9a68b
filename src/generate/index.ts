/**
 * Generate stage: the medical self-instruct pipeline of the paper (docs/method.md, sections 2-6): the task-generation
 * prompt (CPython-exact seeded sampling), both parsers, the resumable generation loop, near-duplicate filtering,
 * responses, and the dataset export.
 */
export { PyRandom, type PyRandomState } from "./pyrandom.js";
export {
  TASK_GENERATION_SYSTEM_PROMPT,
  DEFAULT_TASK_PROMPT_PARAMS,
  resolveTaskPromptParams,
  listSize,
  maxNewTasksPerRequest,
  taskStopSequences,
  renderPromptTask,
  encodeTaskPrompt,
  pyCollapseWhitespace,
  pyStrip,
  pyStripChars,
  type PromptTask,
  type ListCountReading,
  type TaskPromptParams,
} from "./prompt.js";
export {
  parseTaskCompletion,
  parseTasksFaithful,
  parseTasksRobust,
  countRejectReasons,
  upstreamExampleCompletion,
  TASK_FIELDS,
  type ParseMode,
  type ParsedTask,
  type RejectReason,
  type RejectedFragment,
  type ParseResult,
  type ParseOptions,
} from "./parse.js";
export {
  TaskRequestPlanner, planTaskRequests, type PromptTaskRef, type MachinePromptTask, type PlannedTaskRequest,
} from "./plan.js";
export {
  generateTasks, type TeacherModel, type GenerationDedupPolicy, type InlineDeduper, type GenerateTasksOptions,
  type TaskGenerationProgress, type TaskGenerationSummary, type TaskGenerationEstimate,
} from "./tasks.js";
export { estimateTasks, type EstimateTasksOptions, type TaskRunEstimate } from "./task-estimate.js";
export { taskRunConfig, taskChatRequest, listCountLabel, type TaskRunConfig } from "./task-config.js";
export {
  taskRunFiles, readGeneratedTasks, uniqueTasksById, readRejectedTasks, readTaskCompletions, type GeneratedTask,
  type RejectedTaskRecord, type CompletionRecord,
} from "./task-store.js";
export { makeRougeInlineDeduper } from "./filter.js";
export {
  filterGeneratedTasks, readKeptTasks, type FilterTasksOptions, type TaskFilterVerdict, type TaskFilterSummary,
} from "./filter.js";
export {
  RESPONSE_SYSTEM_PROMPT,
  encodeResponsePrompt,
  inputDroppedByNaRule,
  defaultResponseParams,
  responseChatRequest,
  generateResponses,
  readTaskResponses,
  responsesFile,
  type ResponseVariant,
  type NoInputRule,
  type ResponseParams,
  type TaskResponse,
  type GenerateResponsesOptions,
  type ResponseSummary,
} from "./responses.js";
export {
  taxonomyStats, type TaxonomyTask, type FieldStats, type TaxonomyStats,
} from "./taxonomy.js";
export { exportDataset, type ExportOptions, type ExportRecord, type ExportSummary } from "./export.js";
