/**
 * A judging run's config snapshot (`<verdict file>.config.json`): everything that shaped its verdicts (model, test
 * set, reference, judge, template text, parse mode, policy), the runs made into the file, and the deviations from the
 * paper recorded by earlier runs. Written with the first verdict; read back to show what the judge saw.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { readJson, writeFileAtomic } from "../core/index.js";
import type { JudgePlan } from "./run-plan.js";
import type { JudgeRunOptions } from "./run.js";
import { JUDGE_ORDERS } from "./types.js";

/** Write (or update) the snapshot of `plan`; what earlier runs recorded (creation time, runs, deviations) is kept. */
export function writeConfigSnapshot(plan: JudgePlan, options: JudgeRunOptions): void {
  const prev = existsSync(plan.configFile) ? readJson<{ created?: string; runs?: unknown[]; substitutions?: unknown[]; adaptations?: unknown[] }>(plan.configFile) : undefined;
  const now = new Date().toISOString();
  const judge = { ...options.judge };
  const snapshot = {
    kind: "alpacare-judge-config/1",
    created: prev?.created ?? now,
    updated: now,
    model: options.modelName,
    testSet: options.testSet,
    reference: options.reference,
    referenceSubstitution: plan.referenceSubstitution ?? null,
    outputs: plan.outputsSource,
    judge,
    template: { name: plan.template.name, hash: plan.template.hash, form: plan.template.form, system: plan.template.system ?? null, text: plan.template.text },
    parse: options.parse ?? "alpacare",
    policy: options.policy ?? "alpacare",
    limit: options.limit ?? null,
    orders: options.orders ?? [...JUDGE_ORDERS],
    verdictFile: basename(plan.file),
    runs: [...(prev?.runs ?? []), { at: now, planned: plan.planned, alreadyDone: plan.done, toJudge: plan.tasks.length }].slice(-50),
    // Deviations from the paper recorded by earlier runs into this file (see llm/deviations.ts): kept, never reset.
    substitutions: prev?.substitutions ?? [],
    adaptations: prev?.adaptations ?? [],
  };
  writeFileAtomic(plan.configFile, JSON.stringify(snapshot, null, 2) + "\n");
}

/** The stored template text of a run's verdict file (from its config snapshot), to show what the judge saw. */
export function readJudgeConfig(verdictFile: string): Record<string, unknown> | undefined {
  const f = verdictFile.replace(/\.jsonl$/, ".config.json");
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>) : undefined;
}

