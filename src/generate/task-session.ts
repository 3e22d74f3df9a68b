/**
 * A task-generation run opened for work: its recipe checked against the store, the store read back, and every answer
 * that was stored but not committed when the last process died committed at the frontier (only counted, when
 * estimating). Both the generation loop (tasks.ts) and the estimate (task-estimate.ts) start from here, so they
 * count the same kept tasks and the same next request.
 */
import { progress as makeProgress, type Progress } from "../core/index.js";
import { maxNewTasksPerRequest } from "./prompt.js";
import { taskRunConfig, type TaskRunConfig } from "./task-config.js";
import { tasksFromCompletion } from "./task-step.js";
import { commitTaskRequest, pinTaskRunConfig, readTaskRunBack, taskRunFiles, type CompletionRecord, type GeneratedTask, type TaskRunConfigPin, type TaskRunFiles } from "./task-store.js";
import type { GenerateTasksOptions, InlineDeduper, TaskGenerationProgress } from "./tasks.js";

/** An opened run: the recipe, the store's state, the counters, and the commit of answers at the frontier. */
export interface TaskRunSession {
  run: string;
  files: TaskRunFiles;
  config: TaskRunConfig;
  /** Most new tasks one request can yield. */
  perRequest: number;
  /** Writes `config.json` with the first stored answer. */
  pin: TaskRunConfigPin;
  /** Answered requests by index. */
  completions: Map<number, CompletionRecord>;
  /** The committed tasks, in request order (the pool machine tasks are sampled from). */
  kept: GeneratedTask[];
  /** The run's counters, updated by {@link TaskRunSession.commitFrontier}. */
  counts: TaskGenerationProgress;
  /** The progress line (silent when quiet or estimating). */
  prog: Progress;
  /** The first request not committed. */
  frontier(): number;
  /** The first request after every answered one: where new requests start. */
  nextNew(): number;
  /** Commit every answered request at the frontier, in request order, then report progress. */
  commitFrontier(): void;
}

/**
 * Open a run (see the module comment). `estimating` opens it read-only: the progress line is silent, and answers
 * stored but not committed are counted as a resume would commit them but not written (an estimate takes no lock, so
 * it must not write: the run that holds the lock commits them).
 */
export function openTaskRun(options: GenerateTasksOptions, estimating: boolean): TaskRunSession {
  const run = options.run ?? "default";
  if (!Number.isInteger(options.target) || options.target < 0) throw new RangeError(`target must be a non-negative integer, got ${options.target}`);
  const files = taskRunFiles(run);
  const config = taskRunConfig(options);
  const firstNumber = config.params.seedsPerPrompt + 1;
  const perRequest = maxNewTasksPerRequest(config.params);

  // The config pins a run only once it holds answers (see pinTaskRunConfig).
  const pin = pinTaskRunConfig(files, run, config, estimating);
  if (config.dedup === "inline" && !options.makeInlineDeduper) throw new Error("dedup \"inline\" needs makeInlineDeduper");

  // Resume: read the store back.
  const { completions, taskIds, kept, rejectIds, committed, ...stored } = readTaskRunBack(files);
  const counts: TaskGenerationProgress = {
    requestsDone: 0, requestsFailed: 0, kept: kept.length, rejected: stored.rejected, duplicates: stored.duplicates, rejectReasons: stored.rejectReasons, target: options.target,
  };
  // The committed prefix must be contiguous; anything after a gap is re-derived.
  let frontier = stored.frontier;

  const deduper: InlineDeduper | undefined = config.dedup === "inline" ? options.makeInlineDeduper!(options.seeds.map((s) => s.instruction), config.threshold) : undefined;
  if (deduper) for (const t of kept) deduper.add(t.instruction);

  const prog = makeProgress({ label: `generate-tasks ${run}`, total: options.target, unit: "tasks", silent: options.quiet || estimating });
  prog.tick(counts.kept);
  const report = () => options.onProgress?.({ ...counts, rejectReasons: { ...counts.rejectReasons } });

  // The step makes the tasks, the store writes them.
  const commitFrontier = () => {
    while (completions.has(frontier)) {
      const request = frontier;
      const step = tasksFromCompletion(request, completions.get(request)!, { config, firstNumber, deduper, storedTaskIds: taskIds, storedRejectIds: rejectIds });
      for (const reason of step.reasons) counts.rejectReasons[reason] = (counts.rejectReasons[reason] ?? 0) + 1;
      kept.push(...step.kept);
      for (const t of step.newTasks) taskIds.add(t.id);
      if (!estimating) commitTaskRequest(files, step.newTasks, step.newRejects, step.marker);
      for (const r of step.newRejects) rejectIds.add(r.id);
      committed.add(request);
      const { kept: nKept, rejected: nRej, duplicates: nDup } = step.marker;
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

  return {
    run, files, config, perRequest, pin, completions, kept, counts, prog, commitFrontier,
    frontier: () => frontier,
    nextNew: () => Math.max(frontier, completions.size ? Math.max(...completions.keys()) + 1 : 0),
  };
}
