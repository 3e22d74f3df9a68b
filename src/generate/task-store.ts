/**
 * The run store of task generation, `data/runs/<run>/` (see tasks.ts for what each file holds): its record shapes,
 * its paths and readers, and the three things the loop does with it: pin the configuration, read the store back
 * on resume (only what is backed by a commit marker), and commit one request (tasks, rejects, then the marker).
 * Its own module because resuming correctly (torn writes cut back, each task exactly once) is a question about the
 * files alone, separate from how answers become tasks and from how requests are sent.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { appendJsonl, readJson, readJsonlIfExists, runDir, writeFileAtomic } from "../core/index.js";
import type { ProviderName } from "../llm/index.js";
import type { ParsedTask, ParseMode, RejectReason } from "./parse.js";
import type { PromptTaskRef } from "./plan.js";
import type { TaskRunConfig } from "./task-config.js";

/** One kept task as stored in `tasks.jsonl`: a parsed task (without the number the model wrote) and where it came from. */
export interface GeneratedTask extends Omit<ParsedTask, "number"> {
  id: string;
  request: number;
  /** The in-context tasks of the request (seed indices / machine task ids). */
  promptTasks: PromptTaskRef[];
  teacher: { provider: ProviderName; model: string; modelVersion?: string };
  finishReason: string;
  parse: ParseMode;
  configHash: string;
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
export function configDifferences(prev: object, next: object): string[] {
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

/** The paths {@link taskRunFiles} returns. */
export type TaskRunFiles = ReturnType<typeof taskRunFiles>;

/** The config pin of a run: written with the first stored answer, never before (see {@link pinTaskRunConfig}). */
export interface TaskRunConfigPin {
  /** Write `config.json` once (no-op after the first time, and in a dry run). */
  write(): void;
  /** True once the run's configuration is on disk (written now, or pinned by an earlier run with answers). */
  readonly written: boolean;
}

/**
 * Check a rerun against the stored configuration and return the pin. The config pins a run only once it holds
 * answers: a config left by a fully failed attempt is replaced; a different one with answers is refused, naming the
 * fields that differ.
 */
export function pinTaskRunConfig(files: TaskRunFiles, run: string, config: TaskRunConfig, dryRun: boolean | undefined): TaskRunConfigPin {
  const hasAnswers = readJsonlIfExists<CompletionRecord>(files.completions).length > 0;
  let configWritten = false;
  const pin: TaskRunConfigPin = {
    write() {
      if (configWritten || dryRun) return;
      writeFileAtomic(files.config, JSON.stringify({ ...config, createdAt: new Date().toISOString() }, null, 2) + "\n");
      configWritten = true;
    },
    get written() {
      return configWritten;
    },
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
  return pin;
}

/** What {@link readTaskRunBack} finds: the answered requests, and the committed prefix with its counts. */
export interface TaskRunState {
  /** Answered requests by index (the first record of each). */
  completions: Map<number, CompletionRecord>;
  /** Every task id stored (committed or not): a re-commit never writes one twice. */
  taskIds: Set<string>;
  /** The committed tasks, in request order. */
  kept: GeneratedTask[];
  /** Every reject id stored. */
  rejectIds: Set<string>;
  /** Requests whose commit marker is backed by the stored tasks and rejects. */
  committed: Set<number>;
  /** Parser rejects, duplicates and reasons of the committed requests. */
  rejected: number;
  duplicates: number;
  rejectReasons: Record<string, number>;
  /** The first request not committed: the committed prefix must be contiguous; anything after a gap is re-derived. */
  frontier: number;
}

/** Read a run's store back for resuming (notes about torn writes go to stderr). */
export function readTaskRunBack(files: TaskRunFiles): TaskRunState {
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
  let rejected = 0;
  let duplicates = 0;
  const rejectReasons: Record<string, number> = {};
  for (const r of storedRejects) {
    if (!committed.has(r.request)) continue;
    if (r.reason === "duplicate") duplicates++;
    else rejected++;
    rejectReasons[r.reason] = (rejectReasons[r.reason] ?? 0) + 1;
  }
  let frontier = 0;
  while (committed.has(frontier)) frontier++;
  return { completions, taskIds, kept, rejectIds, committed, rejected, duplicates, rejectReasons, frontier };
}

/**
 * Commit one request: its new tasks, then its new rejects, then the marker that says the request is done. In that
 * order, so a marker is only ever written after what it vouches for (a crash in between re-commits the request).
 */
export function commitTaskRequest(files: TaskRunFiles, newTasks: readonly GeneratedTask[], newRejects: readonly RejectedTaskRecord[], marker: TaskCommitRecord): void {
  appendJsonl(files.tasks, newTasks);
  appendJsonl(files.rejects, newRejects);
  appendJsonl(files.requests, [marker]);
}
