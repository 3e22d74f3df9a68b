/**
 * The estimate of task generation (the CLI's --dry-run): what the remaining work of a run would cost, sending nothing.
 * Its own module because the estimate plans requests on a stream of its own (seed-only prompts) and must never touch
 * the run's planner; it takes no lock and writes nothing to the run.
 */
import type { Engine } from "../llm/index.js";
import { TaskRequestPlanner } from "./plan.js";
import type { PromptTask } from "./prompt.js";
import { taskChatRequest, type TaskRunConfig } from "./task-config.js";
import { openTaskRun } from "./task-session.js";
import type { GenerateTasksOptions, TaskGenerationEstimate } from "./tasks.js";

/**
 * Options for {@link estimateTasks}: the same as {@link generateTasks} takes, so the estimate is of exactly the run
 * those options would make (progress, abort and request caps play no part). Give it an engine created with
 * `dryRun: true` (and `cache: false` to count every request as paid) so nothing can be sent.
 */
export type EstimateTasksOptions = GenerateTasksOptions;

/** The estimate of a run: where it stands, and the requests and cost still needed to reach its target. */
export interface TaskRunEstimate extends TaskGenerationEstimate {
  run: string;
  /** The run's folder. */
  dir: string;
  configHash: string;
  /** The reading of "List of N" the estimate used, in words. */
  listCountLabel: string;
  /** Tasks kept so far (the estimate is for the rest). */
  kept: number;
}

/**
 * What reaching `options.target` would still cost: the run is read back as {@link generateTasks} would resume it
 * (answers stored but not committed count as kept, as a resume would commit them, but nothing is written), then the
 * remaining requests are priced.
 */
export function estimateTasks(options: EstimateTasksOptions): TaskRunEstimate {
  const session = openTaskRun(options, true);
  const { config, counts } = session;
  const estimate = estimateTaskGeneration({
    config, seeds: options.seeds, requirements: options.requirements, engine: options.engine, remaining: Math.max(0, options.target - counts.kept),
    perRequest: session.perRequest, start: session.nextNew(),
  });
  return { run: session.run, dir: session.files.dir, configHash: config.configHash, listCountLabel: config.listCountLabel, kept: counts.kept, ...estimate };
}

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
