/**
 * Responses (docs/method.md#6-responses): one call per kept task, with upstream's encodings.
 * - OpenAI chat (`gpt_output_generation_encode_prompt`): `instruction + "\n\n"`, then `input + "\n"` unless the
 *   input is empty, contains "<noinput>", or contains "NA" -- a substring test upstream, so an input mentioning
 *   "DNA", "RNA" or "NaCl"... is silently dropped (`noInputRule: "upstream"`, the default; `"strict"` only drops an
 *   input that IS "NA"). An instruction equal to "NA" gives an empty prompt: upstream sends it anyway; here it is
 *   skipped and counted. System prompt: upstream's requirements for answers (the `gpt_generation` task);
 *   gpt-3.5-turbo, temperature 1.0, top_p 1.0, presence_penalty 1.5, frequency_penalty 0, max_tokens 300.
 * - Anthropic (`anthropic_output_generation_encode_prompt`): `"Human: " + instruction + "\n\n"` then
 *   `input + "\n\n"` unless the input is empty, contains "<noinput>" or equals "NA", then `"Assistant:"`; a raw
 *   completion prompt, temperature 0, max_tokens 600, no system prompt.
 */
import { join } from "node:path";
import { appendJsonl, readJsonlIfExists, runDir, shortHash, withRunLock, progress as makeProgress } from "../core/index.js";
import { runBatch, type ChatRequest, type ChatResult, type CostEstimate, type Engine } from "../llm/index.js";
import { readKeptTasks } from "./filter.js";
import type { TeacherModel } from "./tasks.js";

/** Upstream's system prompt for answering generated tasks (`output_generation_chat_completion.py`, task `gpt_generation`). */
export const RESPONSE_SYSTEM_PROMPT =
  "You are a medical expert tasked with answering various medical questions. You MUST generate your response based on the requirements.\n\n" +
  "Here are the requirements:" +
  "1. For multiple-choice, calculation, and classification problems, you can generate intermediate thinking steps if necessary; otherwise, provide the final answer directly.\n" +
  "2. All the intermediate thinking steps must be generated before final answer.\n" +
  '3. For multiple-choice questions, you MUST generate the answer choice in the following format: "The answer is (your choice)." For example:\n' +
  '"Choose the correct answer. Where in your body will you find the tibia bone?A) Arm B) Foot C) Skull D) Leg\n\n' +
  'The tibia bone is one of the two bones in the lower leg, the other being the fibula. The answer is D) Leg."\n' +
  "4. For other types of questions, except multiple-choice, do not use the format mentioned in point 3.";

/** Which encoding: `openai` (chat, system prompt) or `anthropic` ("Human: ... Assistant:" raw prompt). */
export type ResponseVariant = "openai" | "anthropic";

/** How an input is recognised as "no input" (see the module comment). */
export type NoInputRule = "upstream" | "strict";

/** The user prompt of a response request ("" when upstream would send an empty prompt: instruction "NA"). */
export function encodeResponsePrompt(task: { instruction: string; input: string }, variant: ResponseVariant = "openai", rule: NoInputRule = "upstream"): string {
  const { instruction, input } = task;
  if (instruction === "NA") return "";
  if (variant === "anthropic") {
    const none = input === "" || input.includes("<noinput>") || input === "NA";
    return `Human: ${instruction}\n\n` + (none ? "" : `${input}\n\n`) + "Assistant:";
  }
  const none = input === "" || input.includes("<noinput>") || (rule === "upstream" ? input.includes("NA") : input === "NA");
  return `${instruction}\n\n` + (none ? "" : `${input}\n`);
}

/** True when upstream's substring rule drops an input that the strict rule would keep (e.g. "...DNA..."). */
export function inputDroppedByNaRule(input: string): boolean {
  return input !== "NA" && input !== "" && !input.includes("<noinput>") && input.includes("NA");
}

/** Decoding of responses; defaults per variant are upstream's. */
export interface ResponseParams {
  temperature: number;
  topP?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  maxTokens: number;
  systemPrompt?: string;
}

/** Upstream's response decoding per variant. */
export function defaultResponseParams(variant: ResponseVariant): ResponseParams {
  return variant === "anthropic"
    ? { temperature: 0, maxTokens: 600 }
    : { temperature: 1.0, topP: 1.0, presencePenalty: 1.5, frequencyPenalty: 0, maxTokens: 300, systemPrompt: RESPONSE_SYSTEM_PROMPT };
}

/** The chat request answering one task. */
export function responseChatRequest(model: TeacherModel, prompt: string, variant: ResponseVariant, params: ResponseParams, tag: string): ChatRequest {
  const req: ChatRequest = {
    provider: model.provider,
    model: model.model,
    messages: variant === "openai" && params.systemPrompt !== undefined
      ? [{ role: "system", content: params.systemPrompt }, { role: "user", content: prompt }]
      : [{ role: "user", content: prompt }],
    temperature: params.temperature,
    maxTokens: params.maxTokens,
    tag,
  };
  if (variant === "anthropic") req.rawPrompt = true;
  if (params.topP !== undefined) req.topP = params.topP;
  if (params.presencePenalty !== undefined) req.presencePenalty = params.presencePenalty;
  if (params.frequencyPenalty !== undefined) req.frequencyPenalty = params.frequencyPenalty;
  if (model.baseURL) req.baseURL = model.baseURL;
  return req;
}

/** One answered task, as stored in `responses.jsonl`. */
export interface TaskResponse {
  id: string;
  instruction: string;
  input: string;
  output: string;
  responder: { provider: string; model: string; modelVersion?: string };
  variant: ResponseVariant;
  finishReason: string;
  usage: { inputTokens: number; outputTokens: number };
  paramsHash: string;
}

/** Options for {@link generateResponses}. */
export interface GenerateResponsesOptions {
  /** The task-generation run whose kept tasks are answered (`filtered.jsonl` if filtered, else `tasks.jsonl`). */
  run?: string;
  /** The answering model (the paper: gpt-3.5-turbo). */
  responder: TeacherModel;
  engine: Engine;
  /** Default: `anthropic` for provider anthropic, else `openai`. */
  variant?: ResponseVariant;
  params?: Partial<ResponseParams>;
  noInputRule?: NoInputRule;
  /** Answer at most this many tasks (in order). */
  limit?: number;
  /** Use the provider's batch API (half price, hours). */
  batch?: boolean;
  /** Batch poll interval, ms (default the engine's batch default). */
  pollIntervalMs?: number;
  signal?: AbortSignal;
  quiet?: boolean;
}

/** The outcome of {@link generateResponses}. */
export interface ResponseSummary {
  run: string;
  tasks: number;
  answered: number;
  answeredBefore: number;
  failed: number;
  /** The first few distinct errors of failed calls (after the engine's retries), so a failure says why. */
  errors: string[];
  /** Why the engine stopped early (budget, aborted), when it did. */
  stopped?: string;
  skippedEmptyPrompt: number;
  /** Tasks whose input upstream's "NA" substring rule dropped from the prompt. */
  inputsDroppedByNaRule: number;
  calls: number;
  cacheHits: number;
  usd: number;
  usedFilteredTasks: boolean;
  /** Dry run (engine created with `dryRun`): the estimate of what would be sent. */
  estimate?: CostEstimate;
}

/** The responses file of a run. */
export function responsesFile(run: string): string {
  return join(runDir(run), "responses.jsonl");
}

/**
 * Answer every kept task of a run once, appending to `responses.jsonl` as answers arrive; a rerun answers only
 * what is missing. With `batch`, requests go through the provider's batch API (persisted, resumable).
 */
export async function generateResponses(options: GenerateResponsesOptions): Promise<ResponseSummary> {
  // One writer per run: what is already answered is read under the lock (a second process is refused at once).
  // A dry run (an estimate) writes nothing and takes no lock.
  if (options.engine.options.dryRun) return generateResponsesLocked(options);
  return withRunLock(options.run ?? "default", "generate-responses", () => generateResponsesLocked(options));
}

async function generateResponsesLocked(options: GenerateResponsesOptions): Promise<ResponseSummary> {
  const run = options.run ?? "default";
  const variant = options.variant ?? (options.responder.provider === "anthropic" ? "anthropic" : "openai");
  const params: ResponseParams = { ...defaultResponseParams(variant), ...stripUndefined(options.params ?? {}) };
  const rule = options.noInputRule ?? "upstream";
  const paramsHash = shortHash({ variant, params, rule, provider: options.responder.provider, model: options.responder.model });
  const { tasks: all, filtered } = readKeptTasks(run);
  const tasks = options.limit !== undefined ? all.slice(0, options.limit) : all;
  const file = responsesFile(run);
  const done = new Set(readJsonlIfExists<TaskResponse>(file).filter((r) => r.paramsHash === paramsHash).map((r) => r.id));
  const summary: ResponseSummary = {
    run, tasks: tasks.length, answered: 0, answeredBefore: 0, failed: 0, errors: [], skippedEmptyPrompt: 0, inputsDroppedByNaRule: 0,
    calls: 0, cacheHits: 0, usd: 0, usedFilteredTasks: filtered,
  };
  const todo: { id: string; instruction: string; input: string; req: ChatRequest }[] = [];
  for (const t of tasks) {
    if (variant === "openai" && rule === "upstream" && inputDroppedByNaRule(t.input)) summary.inputsDroppedByNaRule++;
    if (done.has(t.id)) {
      summary.answeredBefore++;
      continue;
    }
    const prompt = encodeResponsePrompt(t, variant, rule);
    if (prompt === "") {
      summary.skippedEmptyPrompt++;
      continue;
    }
    todo.push({ id: t.id, instruction: t.instruction, input: t.input, req: responseChatRequest(options.responder, prompt, variant, params, `respond:${paramsHash}`) });
  }
  const prog = makeProgress({ label: `generate-responses ${run}`, total: todo.length, unit: "answers", silent: options.quiet });
  // A dry run delivers the answers the cache already holds; they are counted (cacheHits), never written: an estimate
  // holds no lock, so it must not touch the run store.
  const dryRun = options.engine.options.dryRun === true;
  const onResult = (i: number, r: ChatResult | Error) => {
    prog.tick();
    if (dryRun && !(r instanceof Error)) return;
    if (r instanceof Error) {
      summary.failed++;
      if (summary.errors.length < 5 && !summary.errors.includes(r.message)) summary.errors.push(r.message);
      return;
    }
    const t = todo[i]!;
    const rec: TaskResponse = {
      id: t.id,
      instruction: t.instruction,
      input: t.input,
      output: r.text,
      responder: { provider: options.responder.provider, model: options.responder.model, ...(r.modelVersion ? { modelVersion: r.modelVersion } : {}) },
      variant,
      finishReason: r.finishReason,
      usage: r.usage,
      paramsHash,
    };
    appendJsonl(file, [rec]);
    summary.answered++;
  };
  const requests = todo.map((t) => t.req);
  const res = options.batch
    ? await runBatch(options.engine, requests, { run, label: "responses", onResult, signal: options.signal, pollIntervalMs: options.pollIntervalMs, progress: !options.quiet })
    : await options.engine.runAll(requests, { label: `generate-responses ${run}`, onResult, signal: options.signal, progress: false });
  prog.done();
  summary.calls = res.calls;
  summary.cacheHits = res.cacheHits;
  summary.usd = res.usd;
  if (res.stopped && res.stopped !== "dry-run") summary.stopped = res.stopped;
  if (res.estimate && res.stopped === "dry-run") summary.estimate = res.estimate;
  return summary;
}

/** Read a run's responses. */
export function readTaskResponses(run: string): TaskResponse[] {
  return readJsonlIfExists<TaskResponse>(responsesFile(run));
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
