/**
 * A judging run: every (item, order) of a model's outputs against a reference, through the LLM engine (cache,
 * retries, budget, progress), each verdict appended to the run store as soon as it arrives. Resumable: what the
 * verdict file already holds for this judge and template is skipped, so a crash or Ctrl-C costs at most the calls
 * in flight (and those are usually in the LLM cache already). The notebook and `alpacare judge` both call
 * {@link judgeRun}.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { appendJsonl, readJson, writeFileAtomic } from "../core/index.js";
import { loadReferenceSet, loadTestSet, publishedModels, type ReferenceName, type TestSetName } from "../data/index.js";
import { loadAnyModelOutputs } from "../infer/index.js";
import {
  chooseModel, createEngine, describeAdaptation, describeSubstitution, readDeviations, recordDeviations, runBatch,
  type Adaptation, type BatchOptions, type ChatRequest, type ChatResult, type CostEstimate, type Engine, type EngineOptions, type RunSummary, type Substitution,
} from "../llm/index.js";
import { parseVerdictAllModes, unparsedVerdicts, type UnparsedVerdict } from "./parse.js";
import { summarizeVerdicts, type WinRateSummary } from "./score.js";
import { readVerdictFile, verdictFilePath } from "./store.js";
import {
  buildJudgePrompt, buildJudgeRequest, judgedInstruction, loadJudgeTemplate, type JudgeModelConfig, type JudgePair, type JudgeTemplate,
} from "./templates.js";
import { JUDGE_ORDERS, type JudgeOrder, type VerdictParseMode, type ScoringPolicy, type VerdictRecord } from "./types.js";

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

/** One pending judge call. */
export interface JudgeTask {
  itemId: string;
  index: number;
  order: JudgeOrder;
  model1: string;
  model2: string;
  prompt: string;
  request: ChatRequest;
  modelOutputChars: number;
  referenceOutputChars: number;
}

/** What a run would do: its template, file, and the calls still to make. */
export interface JudgePlan {
  template: JudgeTemplate;
  file: string;
  configFile: string;
  /** Items considered (after `limit`). */
  items: number;
  /** All (item, order) pairs of the run. */
  planned: number;
  /** Pairs the verdict file already holds for this judge and template. */
  done: number;
  /** The calls to make. */
  tasks: JudgeTask[];
  /** Set when the reference outputs are a substitute (AlpacaFarm: AlpacaEval's outputs of the same model). */
  referenceSubstitution?: string;
  /** Where the model outputs came from. */
  outputsSource: string;
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

/** Characters as Python counts them (code points), so length statistics match upstream/AlpacaEval. */
export function judgeCharCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function resolveTemplate(t: JudgeRunOptions["template"], judge: JudgeModelConfig): JudgeTemplate {
  if (t && typeof t === "object") return t;
  return loadJudgeTemplate(t ?? (judge.provider === "anthropic" ? "anthropic" : "chatgpt"));
}

/** Build the plan: load the data, fill both orders' prompts, and subtract what the verdict file already holds. */
export function planJudgeRun(options: JudgeRunOptions): JudgePlan {
  const run = options.run ?? "default";
  const template = resolveTemplate(options.template, options.judge);
  const items = loadTestSet(options.testSet);
  const refSet = loadReferenceSet(options.reference, options.testSet);
  const refById = new Map(refSet.outputs.map((r) => [r.id, r]));
  // A published model's outputs by default; any other name is looked up in this run's infer outputs.
  const isPublished = publishedModels().some((p) => p.model === options.modelName && p.testSets.includes(options.testSet));
  const outputsRun = options.outputsRun ?? (isPublished ? undefined : run);
  const outputs = loadAnyModelOutputs(options.modelName, options.testSet, outputsRun, { allowPartial: true });
  const outById = new Map(outputs.map((o) => [String(o.id), o]));
  const judgeName = options.judge.model;
  const file = verdictFilePath(run, { model: options.modelName, testSet: options.testSet, reference: options.reference, judge: judgeName, template: template.name });
  const existing = readVerdictFile(file).filter((r) => r.template.hash === template.hash && r.judge.model === judgeName);
  const done = new Set(existing.map((r) => `${r.itemId}\u0000${r.order}`));
  const orders = options.orders ?? [...JUDGE_ORDERS];
  const tasks: JudgeTask[] = [];
  let considered = 0;
  let planned = 0;
  let already = 0;
  items.forEach((item, index) => {
    const out = outById.get(item.id);
    if (!out) return;
    if (options.limit !== undefined && considered >= options.limit) return;
    const ref = refById.get(item.id);
    if (!ref) return;
    considered++;
    // Upstream: iCliniq's instruction comes from the model output file (instruction + "\n\n" + input), the others'
    // from the reference file; the loaders have checked both equal the test item's.
    const pair: JudgePair = {
      instruction: judgedInstruction(options.testSet, item),
      modelName: options.modelName,
      modelOutput: out.response,
      referenceName: options.reference,
      referenceOutput: ref.output,
    };
    for (const order of orders) {
      planned++;
      if (done.has(`${item.id}\u0000${order}`)) {
        already++;
        continue;
      }
      const p = buildJudgePrompt(template, pair, order);
      tasks.push({
        itemId: item.id, index, order, model1: p.model1, model2: p.model2, prompt: p.prompt,
        request: buildJudgeRequest(template, p, options.judge),
        modelOutputChars: judgeCharCount(out.response), referenceOutputChars: judgeCharCount(ref.output),
      });
    }
  });
  const published = outputsRun === undefined;
  return {
    template, file, configFile: file.replace(/\.jsonl$/, ".config.json"), items: considered, planned, done: already, tasks,
    referenceSubstitution: refSet.substitution,
    outputsSource: published ? `published ${options.modelName}/${options.testSet}` : `run ${outputsRun}`,
  };
}

/** The record written for one answered task. */
export function verdictRecordFor(task: JudgeTask, result: ChatResult, options: Pick<JudgeRunOptions, "modelName" | "testSet" | "reference" | "judge" | "storePrompts">, template: JudgeTemplate): VerdictRecord {
  const rec: VerdictRecord = {
    schema: "alpacare-verdict/1",
    itemId: task.itemId,
    index: task.index,
    model: options.modelName,
    reference: options.reference,
    testSet: options.testSet,
    order: task.order,
    model1: task.model1,
    model2: task.model2,
    judge: { provider: options.judge.provider, model: options.judge.model, ...(result.modelVersion ? { modelVersion: result.modelVersion } : {}) },
    template: { name: template.name, hash: template.hash },
    raw: result.text,
    verdict: parseVerdictAllModes(result.text, { model1: task.model1, model2: task.model2, model: options.modelName, reference: options.reference }, task.order),
    modelOutputChars: task.modelOutputChars,
    referenceOutputChars: task.referenceOutputChars,
    cacheKey: result.key,
    cached: result.cached,
    finishReason: result.finishReason,
    usage: result.usage,
    timestamp: new Date().toISOString(),
  };
  if (options.storePrompts) rec.prompt = task.prompt;
  return rec;
}

function writeConfigSnapshot(plan: JudgePlan, options: JudgeRunOptions): void {
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

/** Summary and unparsed list of what the file holds for this judge and template. */
function fileSummary(plan: JudgePlan, options: JudgeRunOptions): { summary: WinRateSummary; unparsed: UnparsedVerdict[] } {
  const recs = readVerdictFile(plan.file).filter((r) => r.template.hash === plan.template.hash && r.judge.model === options.judge.model);
  const mode = options.parse ?? "alpacare";
  return { summary: summarizeVerdicts(recs, { mode, policy: options.policy ?? "alpacare" }), unparsed: unparsedVerdicts(recs, mode) };
}

/**
 * Run the judge over a model's outputs (see the module comment). Returns counts, failures, the engine summary and
 * the file's summary statistics after the run.
 */
export async function judgeRun(runOptions: JudgeRunOptions): Promise<JudgeRunResult> {
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
    writeConfigSnapshot(plan, options);
    if (choice.substitution) recordDeviations(plan.configFile, { substitutions: [choice.substitution] });
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
        appendJsonl(plan.file, [rec]);
        judged++;
        options.onVerdict?.(rec);
      };
      const requests = tasks.map((t) => t.request);
      llm = options.batch
        ? await runBatch(engine, requests, { ...(typeof options.batch === "object" ? options.batch : {}), run: options.run ?? "default", label: "judge-batch", onResult, signal: options.signal })
        : await engine.runAll(requests, { label, signal: options.signal, onResult });
    }
    recordDeviations(plan.configFile, { adaptations: engine.adaptations().filter((a) => a.model === choice.model) });
    return { ...rest, judged, failures, skipped: llm?.skipped ?? 0, llm, estimate: llm?.estimate, ...fileSummary(plan, options), ...deviationsNow() };
  } finally {
    if (ownEngine) await engine.close();
  }
}

/** The stored template text of a run's verdict file (from its config snapshot), to show what the judge saw. */
export function readJudgeConfig(verdictFile: string): Record<string, unknown> | undefined {
  const f = verdictFile.replace(/\.jsonl$/, ".config.json");
  return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>) : undefined;
}

/** The texts of one judged comparison: what AlpacaEval's annotations and upstream's `prompt` field carry. */
export interface VerdictTexts {
  instruction: string;
  modelOutput: string;
  referenceOutput: string;
}

/**
 * Look up the judged texts (instruction as the judge saw it, model output, reference output) of a group's items,
 * by item id, from the data and run store (`outputsRun` as in {@link JudgeRunOptions}). Returns undefined when the
 * group's model, test set or reference cannot be loaded here (e.g. imported upstream files).
 */
export function verdictTexts(group: { model: string; testSet: string; reference: string }, options: { run?: string; outputsRun?: string } = {}): ((itemId: string) => VerdictTexts | undefined) | undefined {
  try {
    const testSet = group.testSet as TestSetName;
    const items = new Map(loadTestSet(testSet).map((it) => [it.id, it]));
    const refs = new Map(loadReferenceSet(group.reference as ReferenceName, testSet).outputs.map((r) => [r.id, r.output]));
    const isPublished = publishedModels().some((p) => p.model === group.model && p.testSets.includes(testSet));
    const outs = new Map(loadAnyModelOutputs(group.model, testSet, options.outputsRun ?? (isPublished ? undefined : options.run ?? "default"), { allowPartial: true }).map((o) => [String(o.id), o.response]));
    return (id) => {
      const it = items.get(id);
      const m = outs.get(id);
      const r = refs.get(id);
      return it && m !== undefined && r !== undefined ? { instruction: judgedInstruction(testSet, it), modelOutput: m, referenceOutput: r } : undefined;
    };
  } catch {
    return undefined;
  }
}
