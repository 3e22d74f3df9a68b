/**
 * A judging run: every (item, order) of a model's outputs against a reference, through the LLM engine (cache,
 * retries, budget, progress), each verdict appended to the run store as soon as it arrives. Resumable: what the
 * verdict file already holds for this judge and template is skipped, so a crash or Ctrl-C costs at most the calls
 * in flight (and those are usually in the LLM cache already). The notebook and `alpacare judge` both call
 * {@link judgeRun}. This module is the run itself; its parts live beside it: planning (run-plan.ts), the config
 * snapshot (run-config.ts) and reading judged texts back (verdict-texts.ts).
 */
import { existsSync } from "node:fs";
import { appendJsonl, withRunLock } from "../core/index.js";
import type { ReferenceName, TestSetName } from "../data/index.js";
import {
  chooseModel, createEngine, describeAdaptation, describeSubstitution, readDeviations, recordDeviations, runBatch,
  type Adaptation, type BatchOptions, type ChatResult, type CostEstimate, type Engine, type EngineOptions, type RunSummary, type Substitution,
} from "../llm/index.js";
import { unparsedVerdicts, type UnparsedVerdict } from "./parse.js";
import { writeConfigSnapshot } from "./run-config.js";
import { planJudgeRun, verdictRecordFor, type JudgePlan } from "./run-plan.js";
import { summariseVerdicts, type WinRateSummary } from "./score.js";
import { readVerdictFile } from "./store.js";
import type { JudgeModelConfig, JudgeTemplate } from "./templates.js";
import type { JudgeOrder, VerdictParseMode, ScoringPolicy, VerdictRecord } from "./types.js";

/** Options for {@link judgeRun} / {@link planJudgeRun}. */
export interface JudgeRunOptions {
  /** The model under test: a published upstream folder name (`AlpaCare-7b`) or the `--model-name` of an infer run. */
  modelName: string;
  testSet: TestSetName;
  reference: ReferenceName;
  /** The run whose store receives the verdicts. Default "default". */
  run?: string;
  /**
   * The infer run holding the model's outputs. Default: the published outputs when `modelName` is a published
   * model, else the run `run`.
   */
  outputsRun?: string;
  /** The judge model. Required (the CLI and notebook resolve defaults: the paper's judge with a key, else local). */
  judge: JudgeModelConfig;
  /** `chatgpt`, `anthropic`, or a template file. Default: `anthropic` for an Anthropic judge, else `chatgpt`. */
  template?: string | JudgeTemplate;
  /** Parse mode the summary uses (both are stored). Default `alpacare`. */
  parse?: VerdictParseMode;
  /** Scoring policy of the summary. Default `alpacare`. */
  policy?: ScoringPolicy;
  /** Judge only the first N items (test-set order) that have a model output. */
  limit?: number;
  /** Orders to judge. Default both. */
  orders?: JudgeOrder[];
  /** An engine to use (not closed here). Default: a new one from `engineOptions`, closed at the end. */
  engine?: Engine;
  engineOptions?: EngineOptions;
  /**
   * Send through the provider's batch API (OpenAI Batch / Anthropic Message Batches: half price, results within
   * hours) instead of synchronous calls; `true` or batch options (poll interval, max wait, submit only). Batches are
   * persisted under `data/runs/<run>/batches/`, so a rerun resumes polling instead of paying again.
   */
  batch?: boolean | Omit<BatchOptions, "onResult" | "run" | "signal">;
  /** Estimate only: nothing is sent or written; the result carries `estimate`. */
  dryRun?: boolean;
  /** Keep the filled prompt in each record (upstream's `prompt` field; larger files). Default false. */
  storePrompts?: boolean;
  /** Called with each new verdict record as it is written. */
  onVerdict?: (record: VerdictRecord) => void;
  /** Cancels the run cleanly (what is written stays written). */
  signal?: AbortSignal;
  /**
   * When the judge model is not served (the paper's gpt-3.5-turbo and claude-2 are shut down), judge with the first
   * served substitute from the model registry instead of failing; the substitution is recorded in the config
   * snapshot and the result. Default false.
   */
  allowSubstitute?: boolean;
}

/** The outcome of {@link judgeRun}. */
export interface JudgeRunResult extends Omit<JudgePlan, "tasks"> {
  /** Verdicts written by this call. */
  judged: number;
  /** Calls that failed after retries (not written: a rerun retries them). */
  failures: { itemId: string; order: JudgeOrder; message: string }[];
  /** Pending calls not made (budget reached, aborted, dry run). */
  skipped: number;
  /** The engine's summary (absent for a dry run). */
  llm?: RunSummary;
  /** The estimate of the pending calls (always for a dry run). */
  estimate?: CostEstimate;
  /** Summary statistics of everything in the file for this judge and template (after the run). */
  summary: WinRateSummary;
  /** Unparsed verdicts (under `parse`) in the file after the run: counted, listed, never dropped silently. */
  unparsed: UnparsedVerdict[];
  /** The judge actually used (after any substitution). */
  judge: JudgeModelConfig;
  /** Deviations from the paper this file's verdicts rest on (all runs into it): substitutions and adaptations. */
  substitutions: Substitution[];
  adaptations: Adaptation[];
  /** One line per deviation, e.g. "judge gpt-6-luna for gpt-3.5-turbo (shut down 2026-10-23)". */
  deviations: string[];
}

/** Summary and unparsed list of what the file holds for this judge and template. */
function fileSummary(plan: JudgePlan, options: JudgeRunOptions): { summary: WinRateSummary; unparsed: UnparsedVerdict[] } {
  const recs = readVerdictFile(plan.file).filter((r) => r.template.hash === plan.template.hash && r.judge.model === options.judge.model);
  const mode = options.parse ?? "alpacare";
  return { summary: summariseVerdicts(recs, { mode, policy: options.policy ?? "alpacare" }), unparsed: unparsedVerdicts(recs, mode) };
}

/**
 * Run the judge over a model's outputs (see the module comment). Returns counts, failures, the engine summary and
 * the file's summary statistics after the run.
 */
export async function judgeRun(options: JudgeRunOptions): Promise<JudgeRunResult> {
  // One writer per run: the plan (what is already judged) is read under the lock, so a second process can neither
  // judge the same pairs again nor pay for them twice. A dry run writes nothing and takes no lock.
  if (options.dryRun) return judgeRunLocked(options);
  return withRunLock(options.run ?? "default", `judge ${options.modelName} vs ${options.reference} (${options.testSet})`, () => judgeRunLocked(options));
}

async function judgeRunLocked(runOptions: JudgeRunOptions): Promise<JudgeRunResult> {
  const ownEngine = !runOptions.engine;
  const engine = runOptions.engine ?? createEngine({ ...runOptions.engineOptions });
  try {
    // The judge the endpoint serves (before anything is planned: the verdict file is named after it), or its
    // substitute when allowed; a dry run decides from the registry alone.
    const role = runOptions.judge.provider === "anthropic" ? "ablation-judge" : "judge";
    const choice = await chooseModel(engine, runOptions.judge, { role, allowSubstitute: runOptions.allowSubstitute, offline: runOptions.dryRun });
    const options: JudgeRunOptions = { ...runOptions, judge: { ...runOptions.judge, model: choice.model } };
    const plan = planJudgeRun(options);
    const { tasks, ...rest } = plan;
    const deviationsNow = () => {
      const d = readDeviations(plan.configFile);
      const substitutions = [...d.substitutions];
      if (choice.substitution && !substitutions.some((s) => s.used === choice.substitution!.used && s.paper === choice.substitution!.paper)) substitutions.push(choice.substitution);
      const adaptations = [...d.adaptations];
      for (const a of engine.adaptations().filter((x) => x.model === choice.model)) if (!adaptations.some((b) => b.parameter === a.parameter && b.action === a.action && b.model === a.model)) adaptations.push(a);
      return { judge: options.judge, substitutions, adaptations, deviations: [...substitutions.map(describeSubstitution), ...adaptations.map(describeAdaptation)] };
    };
    if (options.dryRun) {
      const estimate = engine.estimate(tasks.map((t) => t.request));
      return { ...rest, judged: 0, failures: [], skipped: tasks.length, estimate, ...fileSummary(plan, options), ...deviationsNow() };
    }
    const failures: JudgeRunResult["failures"] = [];
    let judged = 0;
    let llm: RunSummary | undefined;
    if (tasks.length > 0) {
      const label = `judge ${options.modelName} vs ${options.reference} (${options.testSet})`;
      const onResult = (i: number, result: ChatResult | Error) => {
        const task = tasks[i]!;
        if (result instanceof Error) {
          failures.push({ itemId: task.itemId, order: task.order, message: result.message });
          return;
        }
        const rec = verdictRecordFor(task, result, options, plan.template);
        // The config snapshot is written with the first verdict, so a fully failed attempt leaves no trace.
        if (judged === 0) {
          writeConfigSnapshot(plan, options);
          if (choice.substitution) recordDeviations(plan.configFile, { substitutions: [choice.substitution] });
        }
        appendJsonl(plan.file, [rec]);
        judged++;
        options.onVerdict?.(rec);
      };
      const requests = tasks.map((t) => t.request);
      llm = options.batch
        ? await runBatch(engine, requests, { ...(typeof options.batch === "object" ? options.batch : {}), run: options.run ?? "default", label: "judge-batch", onResult, signal: options.signal })
        : await engine.runAll(requests, { label, signal: options.signal, onResult });
    }
    if (existsSync(plan.configFile)) recordDeviations(plan.configFile, { adaptations: engine.adaptations().filter((a) => a.model === choice.model) });
    return { ...rest, judged, failures, skipped: llm?.skipped ?? 0, llm, estimate: llm?.estimate, ...fileSummary(plan, options), ...deviationsNow() };
  } finally {
    if (ownEngine) await engine.close();
  }
}
