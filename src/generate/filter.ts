/**
 * Near-duplicate filtering of generated tasks (docs/method.md#5-near-duplicate-filtering), either policy:
 * - inline (self-instruct's incremental policy) while generating: a task is compared with the seed instructions
 *   and the instructions kept so far, and kept when its highest Rouge-L is <= the threshold;
 * - post-hoc (the paper's): after generation, over all generated instructions; see {@link filterGeneratedTasks}.
 * Similarity is the text stage's exact `rouge_score` Rouge-L (no stemmer).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readJsonlIfExists, withRunLock, writeFileAtomic, writeJsonl } from "../core/index.js";
import { dedup, RougeLIndex } from "../dedup/index.js";
import { type InlineDeduper } from "./tasks.js";
import { readGeneratedTasks, taskRunFiles, uniqueTasksById, type GeneratedTask } from "./task-store.js";

/**
 * An {@link InlineDeduper} over the seed instructions plus every kept instruction. It is the dedup stage's exact
 * growable index ({@link RougeLIndex}): bounds skip only pairs that cannot matter, so verdicts equal a full scan,
 * at a fraction of the LCS computations (the paper's scale makes a plain scan take hours).
 */
export function makeRougeInlineDeduper(seedInstructions: readonly string[], threshold: number): InlineDeduper {
  const index = new RougeLIndex();
  const texts: string[] = [];
  for (const text of seedInstructions) {
    index.add(text);
    texts.push(text);
  }
  return {
    check(instruction: string) {
      const r = index.query(instruction);
      return { duplicate: r.maxSimilarity > threshold, score: r.maxSimilarity, nearest: r.nearest === null || r.maxSimilarity === 0 ? undefined : texts[r.nearest] };
    },
    add(instruction: string) {
      index.add(instruction);
      texts.push(instruction);
    },
  };
}

/** Options for {@link filterGeneratedTasks}. */
export interface FilterTasksOptions {
  /** `all-pairs` (the paper's post-hoc filter, default) or `incremental` (self-instruct's, in commit order). */
  policy?: "all-pairs" | "incremental";
  /** Default 0.7 (drop when the maximum Rouge-L is strictly above it). */
  threshold?: number;
  /** Also compare with these instructions (never dropped themselves); upstream's filter.py uses none, self-instruct the seeds. */
  pool?: readonly string[];
  onProgress?: (done: number, total: number) => void;
}

/** The verdict of the post-hoc filter for one task, as stored in `filter.jsonl`. */
export interface TaskFilterVerdict {
  id: string;
  kept: boolean;
  maxSimilarity: number;
  /** The task id (or `seed:<i>` for a pool item) reaching the maximum. */
  nearest: string | null;
}

/** The summary of a post-hoc filter, stored in `filter-summary.json`. */
export interface TaskFilterSummary {
  run: string;
  policy: "all-pairs" | "incremental";
  threshold: number;
  poolSize: number;
  tasks: number;
  kept: number;
  dropped: number;
  seconds: number;
  at: string;
}

/**
 * The paper's step after generation: filter the run's `tasks.jsonl` by Rouge-L of the instructions with the dedup
 * engine, write `filter.jsonl` (a verdict per task), `filtered.jsonl` (the kept tasks, what responses and the export
 * use) and `filter-summary.json`. Re-running replaces them (the filter is a pure function of the tasks).
 */
export async function filterGeneratedTasks(run: string, options: FilterTasksOptions = {}): Promise<TaskFilterSummary> {
  return withRunLock(run, "filter", () => filterLocked(run, options));
}

async function filterLocked(run: string, options: FilterTasksOptions): Promise<TaskFilterSummary> {
  const files = taskRunFiles(run);
  const tasks = readGeneratedTasks(run);
  const policy = options.policy ?? "all-pairs";
  const threshold = options.threshold ?? 0.7;
  const pool = options.pool ?? [];
  const t0 = Date.now();
  const res = await dedup(tasks.map((t) => t.instruction), { policy, threshold, pool, onProgress: options.onProgress });
  const verdicts: TaskFilterVerdict[] = res.items.map((it, i) => ({
    id: tasks[i]!.id,
    kept: it.kept,
    maxSimilarity: it.maxSimilarity,
    nearest: it.nearest === null ? null : it.nearest.source === "pool" ? `seed:${it.nearest.index}` : tasks[it.nearest.index]!.id,
  }));
  writeJsonl(join(files.dir, "filter.jsonl"), verdicts);
  writeJsonl(join(files.dir, "filtered.jsonl"), tasks.filter((_, i) => res.items[i]!.kept));
  const summary: TaskFilterSummary = {
    run,
    policy,
    threshold,
    poolSize: pool.length,
    tasks: tasks.length,
    kept: res.kept,
    dropped: res.dropped,
    seconds: (Date.now() - t0) / 1000,
    at: new Date().toISOString(),
  };
  writeFileAtomic(join(files.dir, "filter-summary.json"), JSON.stringify(summary, null, 2) + "\n");
  return summary;
}

/** The tasks a later stage should use: `filtered.jsonl` when the run was filtered, else `tasks.jsonl`. */
export function readKeptTasks(run: string): { tasks: GeneratedTask[]; filtered: boolean } {
  const files = taskRunFiles(run);
  const filteredFile = join(files.dir, "filtered.jsonl");
  if (existsSync(filteredFile)) return { tasks: uniqueTasksById(readJsonlIfExists<GeneratedTask>(filteredFile)), filtered: true };
  return { tasks: readGeneratedTasks(run), filtered: false };
}
