/**
 * The dry run of task generation: what the remaining work would cost, sending nothing. Its own module because the
 * estimate plans requests on a stream of its own (seed-only prompts) and must never touch the run's planner or
 * store.
 */
import type { Engine } from "../llm/index.js";
import { TaskRequestPlanner } from "./plan.js";
import type { PromptTask } from "./prompt.js";
import { taskChatRequest, type TaskRunConfig } from "./task-config.js";
import type { TaskGenerationEstimate } from "./tasks.js";

/** What {@link estimateTaskGeneration} needs: the recipe, the seeds and requirements, the engine to price with. */
export interface TaskEstimateInputs {
  config: TaskRunConfig;
  seeds: readonly PromptTask[];
  requirements: string;
  engine: Engine;
  /** Tasks still wanted (target minus kept). */
  remaining: number;
  /** Most new tasks one request can yield. */
  perRequest: number;
  /** The first request not yet answered: the estimate starts there. */
  start: number;
}

/**
 * The cost of the requests still needed at the most tasks per request. Machine tasks are unknown before they exist,
 * so the prompts are the seed-only ones (same shape and length); the engine counts cached ones as free.
 */
export function estimateTaskGeneration(i: TaskEstimateInputs): TaskGenerationEstimate {
  const n = Math.ceil(i.remaining / i.perRequest);
  const reqs = [];
  const estPlanner = new TaskRequestPlanner(i.seeds, i.requirements, { ...i.config.params, machineTasksPerPrompt: 0 }, i.config.seed);
  for (let k = 0; k < i.start + n; k++) {
    const p = estPlanner.next();
    if (k >= i.start) reqs.push(taskChatRequest(i.config, p));
  }
  return { requests: n, newTasksPerRequest: i.perRequest, cost: i.engine.estimate(reqs) };
}
