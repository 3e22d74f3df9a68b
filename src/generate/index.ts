/**
 * Generate stage: the medical self-instruct pipeline of the paper (docs/method.md, sections 2-6): the task-generation
 * prompt (CPython-exact seeded sampling), both parsers, the resumable generation loop, near-duplicate filtering,
 * responses, and the dataset export.
 */
export { exportDataset, type ExportOptions, type ExportRecord, type ExportSummary } from "./export.js";
export {
  filterGeneratedTasks, type FilterTasksOptions, makeRougeInlineDeduper, readKeptTasks, type TaskFilterSummary,
} from "./filter.js";
export {
  countRejectReasons, type ParsedTask, type ParseMode, type ParseOptions, type ParseResult, parseTaskCompletion,
  parseTasksFaithful, parseTasksRobust, type RejectedFragment, type RejectReason, TASK_FIELDS,
  upstreamExampleCompletion,
} from "./parse.js";
export {
  type MachinePromptTask, type PlannedTaskRequest, planTaskRequests, type PromptTaskRef, TaskRequestPlanner,
} from "./plan.js";
export {
  DEFAULT_TASK_PROMPT_PARAMS, encodeTaskPrompt, type ListCountReading, listSize, maxNewTasksPerRequest,
  type PromptTask, renderPromptTask, resolveTaskPromptParams, TASK_GENERATION_SYSTEM_PROMPT, type TaskPromptParams,
  taskStopSequences,
} from "./prompt.js";
export { PyRandom, type PyRandomState } from "./pyrandom.js";
export {
  defaultResponseParams, encodeResponsePrompt, generateResponses, type GenerateResponsesOptions, inputDroppedByNaRule,
  type NoInputRule, readTaskResponses, RESPONSE_SYSTEM_PROMPT, responseChatRequest, type ResponseParams,
  responsesFile, type ResponseSummary, type ResponseVariant, type TaskResponse,
} from "./responses.js";
export { listCountLabel, taskChatRequest, taskRunConfig, type TaskRunConfig } from "./task-config.js";
export { estimateTasks, type EstimateTasksOptions, type TaskRunEstimate } from "./task-estimate.js";
export {
  type CompletionRecord, type GeneratedTask, readGeneratedTasks, readRejectedTasks, readTaskCompletions,
  type RejectedTaskRecord, taskRunFiles, uniqueTasksById,
} from "./task-store.js";
export {
  generateTasks, type GenerateTasksOptions, type GenerationDedupPolicy, type InlineDeduper,
  type TaskGenerationEstimate, type TaskGenerationProgress, type TaskGenerationSummary, type TeacherModel,
} from "./tasks.js";
export { type FieldStats, taxonomyStats, type TaxonomyStats, type TaxonomyTask } from "./taxonomy.js";
