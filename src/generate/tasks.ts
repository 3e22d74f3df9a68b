/**
 * The task-generation loop: plan requests from the seeded stream, send them through the engine in parallel, store
 * every answer the moment it arrives, and commit tasks in request order so the result is the same however the
 * answers interleave, crash or no crash. This file holds the loop and its options; the parts it composes live
 * beside it: the recipe (task-config.ts), the run store's read-back and commit (task-store.ts), the pure step from
 * one answer to tasks and rejects (task-step.ts), the run opened for work (task-session.ts), and the estimate
 * (task-estimate.ts: `estimateTasks`).
 *
 * Run store, `data/runs/<run>/`:
 * - `config.json`: everything that shapes the output (parameters, teacher, seed, parser, dedup policy), hashed; a
 *   rerun with a different configuration is refused instead of silently mixing two datasets.
 * - `completions.jsonl`: one line per answered request (raw text, finish reason, usage, in-context task ids),
 *   appended as answers arrive, in any order. The source of truth: an answered request is never sent again.
 * - `tasks.jsonl`: kept tasks with provenance, in request order. `rejects.jsonl`: rejected fragments (parser
 *   reasons, and `duplicate` under the inline policy) with their text. `requests.jsonl`: a commit marker per
 *   request, written after its tasks and rejects. Task and reject ids are deterministic (`r{request}-f{fragment}`), so
 *   re-committing the request that was half-written when the process died skips what is already there: every task
 *   lands exactly once.
 */
import { appendJsonl, withRunLock, writeFileAtomic } from "../core/index.js";
import type { ChatResult, CostEstimate, ProviderName } from "../llm/index.js";
import type { Engine } from "../llm/index.js";
import type { ParseMode } from "./parse.js";
import { TaskRequestPlanner, type MachinePromptTask, type PlannedTaskRequest } from "./plan.js";
import type { PromptTask, TaskPromptParams } from "./prompt.js";
import { taskChatRequest } from "./task-config.js";
import { openTaskRun } from "./task-session.js";
import type { CompletionRecord } from "./task-store.js";

/** The model that writes tasks (or answers them). */
export interface TeacherModel {
  provider: ProviderName;
  model: string;
  /** For `openai-compatible` servers (and tests). */
  baseURL?: string;
}

/** Near-duplicate policy during generation: `post-hoc` keeps everything and filters afterwards (the paper), `inline` filters as tasks arrive (self-instruct), `none` never filters. */
export type GenerationDedupPolicy = "post-hoc" | "inline" | "none";

/** What the inline filter needs: a verdict per instruction, then `add` for the kept ones. */
export interface InlineDeduper {
  /** Max similarity to the pool (seeds + kept); duplicate when above the threshold. */
  check(instruction: string): { duplicate: boolean; score: number; nearest?: string };
  add(instruction: string): void;
}

/** Options for {@link generateTasks}. Defaults are the paper's. */
export interface GenerateTasksOptions {
  /** Run name (folder under `data/runs/`). Default `default`. */
  run?: string;
  /** Stop once this many tasks are kept. */
  target: number;
  /** The teacher (the paper: GPT-4 through OpenAI). */
  teacher: TeacherModel;
  /** The engine to call through (caller owns it and closes it). */
  engine: Engine;
  /** The seed tasks (default: the caller loads `loadSeedTasks()`). */
  seeds: readonly PromptTask[];
  /** The requirements text (`loadInstructionPrompt()`). */
  requirements: string;
  /** Prompt and decoding parameters (defaults {@link DEFAULT_TASK_PROMPT_PARAMS}). */
  params?: Partial<TaskPromptParams>;
  /** Seed of the random stream. Default 42 (upstream's `random.seed(42)`). */
  seed?: number;
  /** Parser. Default `faithful`. */
  parse?: ParseMode;
  /** Default `post-hoc`. */
  dedup?: GenerationDedupPolicy;
  /** Rouge-L threshold for the inline policy (recorded in the config for post-hoc too). Default 0.7. */
  threshold?: number;
  /** Builds the inline filter (seeded with the seed instructions); required when `dedup` is `inline`. */
  makeInlineDeduper?: (seedInstructions: string[], threshold: number) => InlineDeduper;
  /** Requests per round when machine tasks are mixed in (upstream's request_batch_size). Default 5. */
  roundSize?: number;
  /** Most requests per `runAll` wave when K = 0. Default 64. */
  waveSize?: number;
  /** Hard cap on requests for this call (safety against a teacher that yields nothing). Default 4 x the estimate + 10. */
  maxRequests?: number;
  signal?: AbortSignal;
  /** Silence the progress line. */
  quiet?: boolean;
  /** Progress callback (notebooks). */
  onProgress?: (p: TaskGenerationProgress) => void;
}

/** Counters of a generation run. */
export interface TaskGenerationProgress {
  requestsDone: number;
  requestsFailed: number;
  kept: number;
  rejected: number;
  duplicates: number;
  rejectReasons: Record<string, number>;
  target: number;
}

/** The result of {@link generateTasks}. */
export interface TaskGenerationSummary extends TaskGenerationProgress {
  run: string;
  dir: string;
  configHash: string;
  /** The reading of "List of N" this run used, in words. */
  listCountLabel: string;
  /** Requests planned in total (done + failed). */
  requestsPlanned: number;
  /** Requests sent in this call (not answered before, not from the cache). */
  callsThisRun: number;
  cacheHits: number;
  usd: number;
  complete: boolean;
  /** The first few errors of failed requests (after the engine's retries). */
  errors: string[];
  /** Why the engine stopped early (budget, abort), when it did. */
  stopped?: string;
}

/** The numbers of an estimate (see {@link estimateTasks}). */
export interface TaskGenerationEstimate {
  requests: number;
  newTasksPerRequest: number;
  cost: CostEstimate;
}

/**
 * Generate tasks until `target` are kept (see the module comment for the store). Resumable: call again with the
 * same run and options and it continues where it stopped, on the same random stream.
 */
export async function generateTasks(options: GenerateTasksOptions): Promise<TaskGenerationSummary> {
  // One writer per run: the store is read back under the lock, so a second process is refused before it sends.
  return withRunLock(options.run ?? "default", "generate-tasks", () => generateTasksLocked(options));
}

async function generateTasksLocked(options: GenerateTasksOptions): Promise<TaskGenerationSummary> {
  // Resume: the store read back, and answers left uncommitted by a dead process committed.
  const session = openTaskRun(options, false);
  const { run, files, config, perRequest, pin, completions, kept, counts, prog, commitFrontier } = session;
  const K = config.params.machineTasksPerPrompt;

  let callsThisRun = 0;
  let cacheHits = 0;
  let usd = 0;
  const errors: string[] = [];
  let stoppedWhy: string | undefined;

  // --- The planner replays the stream up to what is needed.
  const planner = new TaskRequestPlanner(options.seeds, options.requirements, config.params, config.seed);
  const planned = new Map<number, PlannedTaskRequest>();
  const machinePool = (): MachinePromptTask[] => kept.map((t) => ({ id: t.id, type: t.type, topic: t.topic, view: t.view, difficulty: t.difficulty, instruction: t.instruction, input: t.input }));
  // `kept` is in request order (committed in order), so the pool before a request is a prefix of it; all requests
  // of a round share it, so it is built once per round.
  let poolCache: { before: number; pool: MachinePromptTask[] } | undefined;
  const poolBefore = (request: number): MachinePromptTask[] => {
    if (poolCache?.before !== request) {
      let n = 0;
      while (n < kept.length && kept[n]!.request < request) n++;
      poolCache = { before: request, pool: machinePool().slice(0, n) };
    }
    return poolCache.pool;
  };
  const planUpTo = (end: number) => {
    while (planner.index < end) {
      const i = planner.index;
      let pool: MachinePromptTask[] = [];
      if (K > 0) {
        const roundStart = Math.floor(i / config.roundSize) * config.roundSize;
        if (session.frontier() < roundStart) throw new Error(`internal: request ${i} planned before round start ${roundStart} was committed`);
        pool = poolBefore(roundStart);
      }
      planned.set(i, planner.next(pool));
    }
  };

  // --- Generate.
  const failed = new Set<number>();
  let sentThisCall = 0;
  const estimateTotal = Math.ceil(Math.max(0, options.target - counts.kept) / perRequest);
  const maxRequests = options.maxRequests ?? estimateTotal * 4 + 10;
  const waveSize = Math.max(1, options.waveSize ?? 64);
  let nextNew = session.nextNew();

  while (counts.kept < options.target && !options.signal?.aborted) {
    const frontier = session.frontier();
    // Yield so far (kept per committed request), optimistic at first.
    const yieldPer = frontier > 0 ? Math.max(0.25, counts.kept / frontier) : perRequest;
    const inFlightKept = [...completions.keys()].filter((i) => i >= frontier).length * yieldPer;
    const need = Math.max(1, Math.ceil((options.target - counts.kept - inFlightKept) / yieldPer));
    const wave: number[] = [];
    if (K > 0) {
      // One round at a time (every earlier round committed): the pool a round samples from is then fixed.
      const roundStart = Math.floor(frontier / config.roundSize) * config.roundSize;
      for (let i = roundStart; i < roundStart + config.roundSize; i++) if (!completions.has(i)) wave.push(i);
      nextNew = Math.max(nextNew, roundStart + config.roundSize);
    } else {
      // Gaps below the newest answered request (failed, or in flight when a process died) go first.
      for (let i = frontier; i < nextNew && wave.length < waveSize; i++) if (!completions.has(i)) wave.push(i);
      const want = Math.min(waveSize, wave.length + need);
      while (wave.length < want && sentThisCall + wave.length < maxRequests) wave.push(nextNew++);
    }
    if (wave.length === 0) break;
    planUpTo(Math.max(...wave) + 1);
    const requests = wave.map((i) => taskChatRequest(config, planned.get(i)!));
    let answered = 0;
    const res = await options.engine.runAll(requests, {
      label: `generate-tasks ${run}`,
      signal: options.signal,
      progress: false,
      onResult: (j: number, r: ChatResult | Error) => {
        const i = wave[j]!;
        if (r instanceof Error) {
          failed.add(i);
          if (errors.length < 5) errors.push(`request ${i}: ${r.message}`);
          counts.requestsFailed = failed.size;
          return;
        }
        failed.delete(i);
        answered++;
        const rec: CompletionRecord = {
          request: i,
          promptTasks: planned.get(i)!.promptTasks,
          text: r.text,
          finishReason: r.finishReason,
          usage: r.usage,
          cached: r.cached,
          at: new Date().toISOString(),
        };
        if (r.modelVersion) rec.modelVersion = r.modelVersion;
        pin.write();
        appendJsonl(files.completions, [rec]);
        completions.set(i, rec);
        counts.requestsDone = completions.size;
        counts.requestsFailed = failed.size;
        commitFrontier();
      },
    });
    sentThisCall += wave.length;
    callsThisRun += res.calls;
    cacheHits += res.cacheHits;
    usd += res.usd;
    if (res.stopped) {
      stoppedWhy = res.stopped;
      break;
    }
    if (answered === 0) break; // every request of the wave failed: stop rather than spin
    if (sentThisCall >= maxRequests) break;
  }
  counts.requestsDone = completions.size;
  counts.requestsFailed = [...failed].filter((i) => !completions.has(i)).length;
  prog.done();
  const s = summary(counts.kept >= options.target);
  if (pin.written) writeFileAtomic(files.summary, JSON.stringify(s, null, 2) + "\n");
  return s;

  function summary(complete: boolean): TaskGenerationSummary {
    const out: TaskGenerationSummary = {
      run,
      dir: files.dir,
      configHash: config.configHash,
      listCountLabel: config.listCountLabel,
      ...counts,
      rejectReasons: { ...counts.rejectReasons },
      requestsPlanned: Math.max(planner.index, completions.size),
      callsThisRun,
      cacheHits,
      usd,
      complete,
      errors: [...errors],
    };
    if (stoppedWhy) out.stopped = stoppedWhy;
    return out;
  }
}
