/**
 * The step from one answered request to its tasks and rejects: parse the answer, drop inline duplicates, and give
 * every fragment its deterministic id (`r{request}-f{fragment}`) and provenance. Its own module because it is the
 * one place where a teacher's text becomes data, and it touches no file: the loop commits what it returns.
 */
import { parseTaskCompletion } from "./parse.js";
import type { TaskRunConfig } from "./task-config.js";
import type { CompletionRecord, GeneratedTask, RejectedTaskRecord, TaskCommitRecord } from "./task-store.js";
import type { InlineDeduper } from "./tasks.js";

/** What {@link tasksFromCompletion} reads besides the answer. */
export interface TaskStepContext {
  /** The run's recipe (parser, teacher, hash). */
  config: TaskRunConfig;
  /** The number the first new task of a list carries (seeds per prompt + 1). */
  firstNumber: number;
  /**
   * The inline filter, when the run uses one. Stateful on purpose: a kept instruction is added to it, so a later
   * fragment of the same request (and every later request) is compared with it.
   */
  deduper?: InlineDeduper;
  /** Task ids already stored: such a task is kept but not written again. */
  storedTaskIds: ReadonlySet<string>;
  /** Reject ids already stored: such a reject is counted but not written again. */
  storedRejectIds: ReadonlySet<string>;
}

/** One request's outcome: every kept task (in fragment order), what is new to the store, and its commit marker. */
export interface TaskStep {
  /** The kept tasks of the request, stored before or not. */
  kept: GeneratedTask[];
  /** The kept tasks not yet in `tasks.jsonl`. */
  newTasks: GeneratedTask[];
  /** The rejects not yet in `rejects.jsonl`. */
  newRejects: RejectedTaskRecord[];
  /** The reason of every reject (parser reasons first, then `duplicate`s), in order: the counters add them up. */
  reasons: string[];
  /** The line for `requests.jsonl`. */
  marker: TaskCommitRecord;
}

/** Turn the answer of request `request` into tasks and rejects (see {@link TaskStep}). */
export function tasksFromCompletion(request: number, c: CompletionRecord, ctx: TaskStepContext): TaskStep {
  const { config, deduper } = ctx;
  const parsed = parseTaskCompletion(c.text, { mode: config.parse, firstNumber: ctx.firstNumber, finishReason: c.finishReason });
  const kept: GeneratedTask[] = [];
  const newTasks: GeneratedTask[] = [];
  const newRejects: RejectedTaskRecord[] = [];
  const reasons: string[] = [];
  let nRej = 0;
  let nDup = 0;
  for (const r of parsed.rejects) {
    nRej++;
    reasons.push(r.reason);
    const rec: RejectedTaskRecord = { id: `r${request}-f${r.fragment}`, request, fragment: r.fragment, reason: r.reason, text: r.text };
    if (r.detail) rec.detail = r.detail;
    if (!ctx.storedRejectIds.has(rec.id)) newRejects.push(rec);
  }
  for (const t of parsed.tasks) {
    const id = `r${request}-f${t.fragment}`;
    if (deduper) {
      const v = deduper.check(t.instruction);
      if (v.duplicate) {
        nDup++;
        reasons.push("duplicate");
        const rec: RejectedTaskRecord = { id, request, fragment: t.fragment, reason: "duplicate", text: t.instruction, score: v.score };
        if (v.nearest !== undefined) rec.nearest = v.nearest;
        if (!ctx.storedRejectIds.has(id)) newRejects.push(rec);
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
    kept.push(task);
    if (!ctx.storedTaskIds.has(id)) newTasks.push(task);
  }
  return { kept, newTasks, newRejects, reasons, marker: { request, kept: kept.length, rejected: nRej, duplicates: nDup } };
}
