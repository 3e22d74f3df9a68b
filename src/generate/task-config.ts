/**
 * The recipe of a task-generation run: the configuration snapshot that pins a run (`config.json`, hashed), its
 * reading of "List of N", and the chat request for one planned request. Its own module because the recipe is what
 * makes two runs the same dataset: the run store checks it, the loop and the estimate build requests from it.
 */
import { shortHash } from "../core/index.js";
import type { ChatRequest } from "../llm/index.js";
import type { ParseMode } from "./parse.js";
import type { PlannedTaskRequest } from "./plan.js";
import { listSize, resolveTaskPromptParams, taskStopSequences, type TaskPromptParams } from "./prompt.js";
// Type-only (erased at run time): the options and policy types belong to the loop's public surface.
import type { GenerateTasksOptions, GenerationDedupPolicy, TeacherModel } from "./tasks.js";

/** The configuration snapshot of a task-generation run. */
export interface TaskRunConfig {
  kind: "generate-tasks";
  params: TaskPromptParams;
  listSize: number;
  listCountLabel: string;
  stop: string[];
  seed: number;
  teacher: TeacherModel;
  parse: ParseMode;
  dedup: GenerationDedupPolicy;
  threshold: number;
  roundSize: number;
  requirementsHash: string;
  seedsHash: string;
  configHash: string;
  createdAt?: string;
}

/** Words for a run's reading of "List of N". */
export function listCountLabel(p: Pick<TaskPromptParams, "tasksPerRequest" | "seedsPerPrompt" | "listCount">): string {
  const n = listSize(p);
  return p.listCount === "includes-seeds"
    ? `"List of ${n} tasks" counts the ${p.seedsPerPrompt} in-context tasks (upstream code): up to ${n - p.seedsPerPrompt} new tasks per request`
    : `"List of ${n} tasks" = ${p.seedsPerPrompt} in-context + ${p.tasksPerRequest} new (the paper's text): up to ${p.tasksPerRequest} new tasks per request`;
}

/** The configuration of a run (without timestamps), and its hash. */
export function taskRunConfig(o: Pick<GenerateTasksOptions, "params" | "seed" | "teacher" | "parse" | "dedup" | "threshold" | "roundSize" | "requirements" | "seeds">): TaskRunConfig {
  const params = resolveTaskPromptParams(o.params);
  const n = listSize(params);
  const base = {
    kind: "generate-tasks" as const,
    params,
    listSize: n,
    listCountLabel: listCountLabel(params),
    stop: taskStopSequences(n),
    seed: o.seed ?? 42,
    teacher: { provider: o.teacher.provider, model: o.teacher.model, ...(o.teacher.baseURL ? { baseURL: o.teacher.baseURL } : {}) },
    parse: o.parse ?? "faithful",
    dedup: o.dedup ?? "post-hoc",
    threshold: o.threshold ?? 0.7,
    roundSize: params.machineTasksPerPrompt > 0 ? (o.roundSize ?? 5) : 0,
    requirementsHash: shortHash(o.requirements),
    seedsHash: shortHash(o.seeds.map((s) => [s.type, s.topic, s.view, String(s.difficulty), s.instruction, s.input])),
  };
  // baseURL is where, not what: leave it out of the hash so a test server and a proxy give the same run.
  const { baseURL: _b, ...teacherForHash } = base.teacher as TeacherModel;
  return { ...base, configHash: shortHash({ ...base, teacher: teacherForHash }) };
}

/** The chat request for one planned task-generation request. */
export function taskChatRequest(config: TaskRunConfig, planned: Pick<PlannedTaskRequest, "index" | "prompt">): ChatRequest {
  const p = config.params;
  const req: ChatRequest = {
    provider: config.teacher.provider,
    model: config.teacher.model,
    messages: [
      { role: "system", content: p.systemPrompt },
      { role: "user", content: planned.prompt },
    ],
    temperature: p.temperature,
    topP: p.topP,
    maxTokens: p.maxTokens,
    stop: config.stop,
    // Two requests can draw the same seeds in the same order (about 4-5 such pairs among the paper's 6.5k
    // requests): the tag keeps them apart in the cache, so each gets its own sample as upstream's would.
    tag: `generate-tasks:${config.configHash}:${planned.index}`,
  };
  // A penalty of 0 is the APIs' default: leave it out (equivalent, and local models accept no penalty field at all).
  if (p.presencePenalty !== 0) req.presencePenalty = p.presencePenalty;
  if (p.frequencyPenalty !== 0) req.frequencyPenalty = p.frequencyPenalty;
  if (config.teacher.baseURL) req.baseURL = config.teacher.baseURL;
  return req;
}
