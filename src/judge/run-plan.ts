/**
 * Planning a judging run: which (item, order) pairs a model's outputs and the reference give, minus what the verdict
 * file already holds for this judge and template, each with its filled prompt and request; and the record written for
 * one answered pair. Pure over the loaded data and the verdict file: nothing is sent or written here.
 */
import { loadReferenceSet, loadTestSet, publishedModels, type TestSetName } from "../data/index.js";
import { loadAnyModelOutputs } from "../infer/index.js";
import type { ChatRequest, ChatResult } from "../llm/index.js";
import { parseVerdictAllModes } from "./parse.js";
import { readVerdictFile, verdictFilePath } from "./store.js";
import {
  buildJudgePrompt, buildJudgeRequest, judgedInstruction, loadJudgeTemplate, type JudgeModelConfig, type JudgePair, type JudgeTemplate,
} from "./templates.js";
import { JUDGE_ORDERS, type JudgeOrder, type VerdictRecord } from "./types.js";
import type { JudgeRunOptions } from "./run.js";

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

/**
 * The infer run a model's outputs are read from: `outputsRun` when given, none for a model the paper published on
 * this test set (its outputs ship with the data), else the judging run itself.
 */
export function outputsRunFor(model: string, testSet: TestSetName, run: string, outputsRun: string | undefined): string | undefined {
  const isPublished = publishedModels().some((p) => p.model === model && p.testSets.includes(testSet));
  return outputsRun ?? (isPublished ? undefined : run);
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
  const outputsRun = outputsRunFor(options.modelName, options.testSet, run, options.outputsRun);
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

