/**
 * The task-generation loop: plan requests from the seeded stream, send them through the engine in parallel, store
 * every answer the moment it arrives, and commit tasks in request order so the result is the same however the
 * answers interleave, crash or no crash.
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
import { appendJsonl, readJson, readJsonlIfExists, runDir, shortHash, withRunLock, writeFileAtomic, progress as makeProgress, type Progress } from "../core/index.js";
import type { ChatRequest, ChatResult, CostEstimate, ProviderName } from "../llm/index.js";
import type { Engine } from "../llm/index.js";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseTaskCompletion, type ParseMode, type RejectReason } from "./parse.js";
import { TaskRequestPlanner, type MachinePromptTask, type PlannedTaskRequest, type PromptTaskRef } from "./plan.js";
import { listSize, maxNewTasksPerRequest, resolveTaskPromptParams, taskStopSequences, type PromptTask, type TaskPromptParams } from "./prompt.js";

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
  /** Only estimate: plan the requests, ask the engine for the cost, send nothing. */
  dryRun?: boolean;
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
  /** Dry run: the estimate. */
  estimate?: TaskGenerationEstimate;
}

/** A dry run's numbers. */
export interface TaskGenerationEstimate {
  requests: number;
  newTasksPerRequest: number;
  cost: CostEstimate;
}

/** One kept task as stored in `tasks.jsonl`. */
export interface GeneratedTask {
  id: string;
  request: number;
  fragment: number;
  type: string;
  topic: string;
  view: string;
  difficulty: string;
  instruction: string;
  input: string;
  /** The in-context tasks of the request (seed indices / machine task ids). */
  promptTasks: PromptTaskRef[];
  teacher: { provider: ProviderName; model: string; modelVersion?: string };
  finishReason: string;
  parse: ParseMode;
  configHash: string;
  repairs?: string[];
}

/** One rejected fragment as stored in `rejects.jsonl`. */
export interface RejectedTaskRecord {
  id: string;
  request: number;
  fragment: number;
  reason: RejectReason | "duplicate";
  detail?: string;
  text: string;
  /** For `duplicate`: the score and the most similar instruction. */
  score?: number;
  nearest?: string;
}

/** One answered request as stored in `completions.jsonl`. */
export interface CompletionRecord {
  request: number;
  promptTasks: PromptTaskRef[];
  text: string;
  finishReason: string;
  usage: { inputTokens: number; outputTokens: number };
  modelVersion?: string;
  cached: boolean;
  at: string;
}

/** One line of `requests.jsonl`: request `request` is done, with this many tasks kept, rejected and duplicate. */
export interface TaskCommitRecord {
  request: number;
  kept: number;
  rejected: number;
  duplicates: number;
}

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

/** File paths of a task-generation run. */
export function taskRunFiles(run: string) {
  const dir = runDir(run);
  return {
    dir,
    config: join(dir, "config.json"),
    completions: join(dir, "completions.jsonl"),
    tasks: join(dir, "tasks.jsonl"),
    rejects: join(dir, "rejects.jsonl"),
    requests: join(dir, "requests.jsonl"),
    summary: join(dir, "summary.json"),
  };
}

/**
 * Read a run's kept tasks (`tasks.jsonl`), each id once: a store written by two processes at once (possible before
 * runs were locked) can hold a task twice; the first record is kept, as resuming does.
 */
export function readGeneratedTasks(run: string): GeneratedTask[] {
  return uniqueTasksById(readJsonlIfExists<GeneratedTask>(taskRunFiles(run).tasks));
}

/** Tasks with the first record of each id (see {@link readGeneratedTasks}). */
export function uniqueTasksById<T extends { id: string }>(tasks: readonly T[]): T[] {
  const seen = new Set<string>();
  return tasks.filter((t) => !seen.has(t.id) && (seen.add(t.id), true));
}

/** Read a run's rejected fragments (`rejects.jsonl`). */
export function readRejectedTasks(run: string): RejectedTaskRecord[] {
  return readJsonlIfExists<RejectedTaskRecord>(taskRunFiles(run).rejects);
}

/** Read a run's raw completions (`completions.jsonl`), one per answered request. */
export function readTaskCompletions(run: string): CompletionRecord[] {
  return readJsonlIfExists<CompletionRecord>(taskRunFiles(run).completions);
}

/**
 * The requests whose commit record is backed by the stored tasks and rejects. A commit record says "request R
 * kept k tasks and rejected j": when fewer are stored (a torn `tasks.jsonl` or `rejects.jsonl` was cut back), R and
 * every later request are committed again from their stored answers (the LLM cache answers any that are gone), so
 * no task is lost. Task ids are unique, so records already stored are not written twice.
 */
export function committedRequests(commits: readonly TaskCommitRecord[], tasks: readonly GeneratedTask[], rejects: readonly RejectedTaskRecord[], onNote?: (line: string) => void): Set<number> {
  const count = (recs: readonly { id: string; request: number }[]) => {
    const ids = new Map<number, Set<string>>();
    for (const r of recs) {
      let s = ids.get(r.request);
      if (!s) ids.set(r.request, (s = new Set()));
      s.add(r.id);
    }
    return (request: number) => ids.get(request)?.size ?? 0;
  };
  const nTasks = count(tasks);
  const nRejects = count(rejects);
  let firstBad = Infinity;
  for (const c of commits) {
    if (nTasks(c.request) < c.kept || nRejects(c.request) < c.rejected + c.duplicates) firstBad = Math.min(firstBad, c.request);
  }
  const out = new Set<number>();
  for (const c of commits) if (c.request < firstBad) out.add(c.request);
  if (firstBad !== Infinity) onNote?.(`request ${firstBad} is marked done but its tasks or rejects are not all stored (a torn write was cut); committing it and later requests again from their stored answers`);
  return out;
}

/** The fields (dot paths) whose values differ between a stored run config and a new one, as `path: old -> new`. */
function configDifferences(prev: object, next: object): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (path === "configHash" || path === "createdAt") return;
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
  };
  walk(prev, next, "");
  return out.length ? out : ["(configuration hash differs)"];
}

/**
 * Generate tasks until `target` are kept (see the module comment for the store). Resumable: call again with the
 * same run and options and it continues where it stopped, on the same random stream.
 */
export async function generateTasks(options: GenerateTasksOptions): Promise<TaskGenerationSummary> {
  // One writer per run: the store is read back under the lock, so a second process is refused before it sends.
  // A dry run writes nothing and takes no lock.
  if (options.dryRun) return generateTasksLocked(options);
  return withRunLock(options.run ?? "default", "generate-tasks", () => generateTasksLocked(options));
}

async function generateTasksLocked(options: GenerateTasksOptions): Promise<TaskGenerationSummary> {
  const run = options.run ?? "default";
  if (!Number.isInteger(options.target) || options.target < 0) throw new RangeError(`target must be a non-negative integer, got ${options.target}`);
  const files = taskRunFiles(run);
  const config = taskRunConfig(options);
  const params = config.params;
  const K = params.machineTasksPerPrompt;
  const firstNumber = params.seedsPerPrompt + 1;
  const perRequest = maxNewTasksPerRequest(params);

  // The config pins a run only once it holds answers: a config left by a fully failed attempt is replaced.
  const hasAnswers = readJsonlIfExists<CompletionRecord>(files.completions).length > 0;
  let configWritten = false;
  const writeConfig = () => {
    if (configWritten || options.dryRun) return;
    writeFileAtomic(files.config, JSON.stringify({ ...config, createdAt: new Date().toISOString() }, null, 2) + "\n");
    configWritten = true;
  };
  if (existsSync(files.config) && hasAnswers) {
    const prev = readJson<TaskRunConfig>(files.config);
    configWritten = true;
    if (prev.configHash !== config.configHash)
      throw new Error(
        `run "${run}" was started with a different configuration (${files.config}): ${configDifferences(prev, config).join("; ")}. ` +
          "Use the same options to resume it, or another --run name for a new dataset (mixing the two would make one dataset from two recipes).",
      );
  }
  if (config.dedup === "inline" && !options.makeInlineDeduper) throw new Error("dedup \"inline\" needs makeInlineDeduper");

  // --- Resume: read the store back.
  const completions = new Map<number, CompletionRecord>();
  for (const c of readJsonlIfExists<CompletionRecord>(files.completions)) if (!completions.has(c.request)) completions.set(c.request, c);
  const taskIds = new Set<string>();
  const kept: GeneratedTask[] = [];
  const storedTasks = readJsonlIfExists<GeneratedTask>(files.tasks);
  const storedRejects = readJsonlIfExists<RejectedTaskRecord>(files.rejects);
  const committed = committedRequests(readJsonlIfExists<TaskCommitRecord>(files.requests), storedTasks, storedRejects, (line) => process.stderr.write(`note: ${files.requests}: ${line}\n`));
  for (const t of storedTasks) {
    if (taskIds.has(t.id)) continue;
    taskIds.add(t.id);
    if (committed.has(t.request)) kept.push(t);
  }
  const rejectIds = new Set<string>(storedRejects.map((r) => r.id));
  const counts: TaskGenerationProgress = { requestsDone: 0, requestsFailed: 0, kept: 0, rejected: 0, duplicates: 0, rejectReasons: {}, target: options.target };
  for (const r of storedRejects) {
    if (!committed.has(r.request)) continue;
    if (r.reason === "duplicate") counts.duplicates++;
    else counts.rejected++;
    counts.rejectReasons[r.reason] = (counts.rejectReasons[r.reason] ?? 0) + 1;
  }
  counts.kept = kept.length;
  // The committed prefix must be contiguous; anything after a gap is re-derived.
  let frontier = 0;
  while (committed.has(frontier)) frontier++;

  const deduper = config.dedup === "inline" ? options.makeInlineDeduper!(options.seeds.map((s) => s.instruction), config.threshold) : undefined;
  if (deduper) for (const t of kept) deduper.add(t.instruction);

  let callsThisRun = 0;
  let cacheHits = 0;
  let usd = 0;
  const errors: string[] = [];
  let stoppedWhy: string | undefined;

  // --- The planner replays the stream up to what is needed.
  const planner = new TaskRequestPlanner(options.seeds, options.requirements, params, config.seed);
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
        if (frontier < roundStart) throw new Error(`internal: request ${i} planned before round start ${roundStart} was committed`);
        pool = poolBefore(roundStart);
      }
      planned.set(i, planner.next(pool));
    }
  };

  const prog: Progress = makeProgress({ label: `generate-tasks ${run}`, total: options.target, unit: "tasks", silent: options.quiet || options.dryRun });
  prog.tick(counts.kept);
  const report = () => options.onProgress?.({ ...counts, rejectReasons: { ...counts.rejectReasons } });

  const commitFrontier = () => {
    while (completions.has(frontier)) {
      const c = completions.get(frontier)!;
      const request = frontier;
      const parsed = parseTaskCompletion(c.text, { mode: config.parse, firstNumber, finishReason: c.finishReason });
      const newTasks: GeneratedTask[] = [];
      const newRejects: RejectedTaskRecord[] = [];
      let nKept = 0;
      let nRej = 0;
      let nDup = 0;
      for (const r of parsed.rejects) {
        nRej++;
        counts.rejectReasons[r.reason] = (counts.rejectReasons[r.reason] ?? 0) + 1;
        const rec: RejectedTaskRecord = { id: `r${request}-f${r.fragment}`, request, fragment: r.fragment, reason: r.reason, text: r.text };
        if (r.detail) rec.detail = r.detail;
        if (!rejectIds.has(rec.id)) newRejects.push(rec);
      }
      for (const t of parsed.tasks) {
        const id = `r${request}-f${t.fragment}`;
        if (deduper) {
          const v = deduper.check(t.instruction);
          if (v.duplicate) {
            nDup++;
            counts.rejectReasons.duplicate = (counts.rejectReasons.duplicate ?? 0) + 1;
            const rec: RejectedTaskRecord = { id, request, fragment: t.fragment, reason: "duplicate", text: t.instruction, score: v.score };
            if (v.nearest !== undefined) rec.nearest = v.nearest;
            if (!rejectIds.has(id)) newRejects.push(rec);
            continue;
          }
          deduper.add(t.instruction);
        }
        const task: GeneratedTask = {
          id,
          request,
          fragment: t.fragment,
          type: t.type,
          topic: t.topic,
          view: t.view,
          difficulty: t.difficulty,
          instruction: t.instruction,
          input: t.input,
          promptTasks: c.promptTasks,
          // where the teacher was reached (baseURL) stays in config.json: it is not a property of the task
          teacher: { provider: config.teacher.provider, model: config.teacher.model, ...(c.modelVersion ? { modelVersion: c.modelVersion } : {}) },
          finishReason: c.finishReason,
          parse: config.parse,
          configHash: config.configHash,
        };
        if (t.repairs) task.repairs = t.repairs;
        nKept++;
        kept.push(task);
        if (!taskIds.has(id)) {
          taskIds.add(id);
          newTasks.push(task);
        }
      }
      appendJsonl(files.tasks, newTasks);
      appendJsonl(files.rejects, newRejects);
      for (const r of newRejects) rejectIds.add(r.id);
      appendJsonl(files.requests, [{ request, kept: nKept, rejected: nRej, duplicates: nDup } satisfies TaskCommitRecord]);
      committed.add(request);
      counts.kept += nKept;
      counts.rejected += nRej;
      counts.duplicates += nDup;
      prog.tick(nKept, { rejected: nRej, duplicates: nDup });
      frontier++;
    }
    report();
  };

  // Completions that were stored but not committed when the last process died.
  commitFrontier();

  // --- Dry run: the estimate for the remaining work.
  if (options.dryRun) {
    const remaining = Math.max(0, options.target - counts.kept);
    const n = Math.ceil(remaining / perRequest);
    const start = Math.max(frontier, completions.size ? Math.max(...completions.keys()) + 1 : 0);
    const reqs: ChatRequest[] = [];
    // Machine tasks are unknown before they exist: estimate with the seed-only prompts (same shape and length).
    const estPlanner = new TaskRequestPlanner(options.seeds, options.requirements, { ...params, machineTasksPerPrompt: 0 }, config.seed);
    for (let i = 0; i < start + n; i++) {
      const p = estPlanner.next();
      if (i >= start) reqs.push(taskChatRequest(config, p));
    }
    const cost = options.engine.estimate(reqs);
    return summary(false, { requests: n, newTasksPerRequest: perRequest, cost });
  }

  // --- Generate.
  const failed = new Set<number>();
  let sentThisCall = 0;
  const estimateTotal = Math.ceil(Math.max(0, options.target - counts.kept) / perRequest);
  const maxRequests = options.maxRequests ?? estimateTotal * 4 + 10;
  const waveSize = Math.max(1, options.waveSize ?? 64);
  let nextNew = Math.max(frontier, completions.size ? Math.max(...completions.keys()) + 1 : 0);

  while (counts.kept < options.target && !options.signal?.aborted) {
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
        writeConfig();
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
  const s = summary(counts.kept >= options.target, undefined);
  if (configWritten) writeFileAtomic(files.summary, JSON.stringify(s, null, 2) + "\n");
  return s;

  function summary(complete: boolean, estimate: TaskGenerationEstimate | undefined): TaskGenerationSummary {
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
    if (estimate) out.estimate = estimate;
    return out;
  }
}
