/**
 * Which in-context tasks request i shows, drawn from one CPython-compatible random stream (seeded 42 by default),
 * in upstream's order per request: `random.sample(machine_pool, min(K, len(pool)))`, then
 * `random.sample(seed_tasks, k - len(machine))`, then `random.shuffle` of the concatenation.
 *
 * Request i's prompt therefore depends only on (seed, i) when K = 0 (the paper's setting): the planner replays
 * the stream from request 0, which costs microseconds per request, so a resumed run sends exactly the prompts the
 * first run would have sent. When machine tasks are mixed in (K > 0) the pool must be deterministic too: requests
 * go in rounds of `roundSize` (upstream's `request_batch_size`, 5), and round r samples from the tasks kept from
 * rounds before r, in request order. Upstream instead re-seeds on restart (a resumed upstream run repeats the
 * seed draws of its first requests) and lets the pool grow with whatever finished first.
 */
import { PyRandom } from "./pyrandom.js";
import { encodeTaskPrompt, listSize, type PromptTask, type TaskPromptParams } from "./prompt.js";

/** Where an in-context task came from: a seed (its 0-based index in the seed file) or a kept machine task (its id). */
export type PromptTaskRef = { source: "seed"; id: number } | { source: "machine"; id: string };

/** A machine-generated task that can be shown in a prompt. */
export interface MachinePromptTask extends PromptTask {
  id: string;
}

/** One planned request. */
export interface PlannedTaskRequest {
  /** 0-based request index: the position in the random stream. */
  index: number;
  /** The in-context tasks, in prompt order. */
  promptTasks: PromptTaskRef[];
  /** The user message. */
  prompt: string;
}

/** Replays the random stream request by request. */
export class TaskRequestPlanner {
  private readonly rng: PyRandom;
  private nextIndex = 0;
  private readonly listN: number;

  constructor(
    private readonly seeds: readonly PromptTask[],
    private readonly requirements: string,
    private readonly params: Pick<TaskPromptParams, "tasksPerRequest" | "seedsPerPrompt" | "machineTasksPerPrompt" | "listCount">,
    rngSeed = 42,
  ) {
    if (params.seedsPerPrompt > seeds.length) throw new RangeError(`seedsPerPrompt (${params.seedsPerPrompt}) exceeds the ${seeds.length} seed tasks`);
    this.rng = new PyRandom(rngSeed);
    this.listN = listSize(params);
  }

  /** The index the next call to {@link next} plans. */
  get index(): number {
    return this.nextIndex;
  }

  /** Plan the next request. `machinePool` is the pool request `index` may sample from (ignored when K = 0). */
  next(machinePool: readonly MachinePromptTask[] = []): PlannedTaskRequest {
    const k = this.params.machineTasksPerPrompt;
    const chosen: { ref: PromptTaskRef; task: PromptTask }[] = [];
    const machine = this.rng.sample(machinePool, Math.min(k, machinePool.length));
    for (const t of machine) chosen.push({ ref: { source: "machine", id: t.id }, task: t });
    const seedIdx = this.rng.sample(
      this.seeds.map((_, i) => i),
      this.params.seedsPerPrompt - machine.length,
    );
    for (const i of seedIdx) chosen.push({ ref: { source: "seed", id: i }, task: this.seeds[i]! });
    this.rng.shuffle(chosen);
    const index = this.nextIndex++;
    return { index, promptTasks: chosen.map((c) => c.ref), prompt: encodeTaskPrompt(this.requirements, chosen.map((c) => c.task), this.listN) };
  }
}

/** Convenience: the first `n` planned requests for K = 0 (no machine pool). */
export function planTaskRequests(
  seeds: readonly PromptTask[],
  requirements: string,
  params: Pick<TaskPromptParams, "tasksPerRequest" | "seedsPerPrompt" | "machineTasksPerPrompt" | "listCount">,
  n: number,
  rngSeed = 42,
): PlannedTaskRequest[] {
  const planner = new TaskRequestPlanner(seeds, requirements, params, rngSeed);
  return Array.from({ length: n }, () => planner.next());
}
