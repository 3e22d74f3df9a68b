/**
 * The inference runner: a model under test answers a test set, in the paper's format. Greedy decoding
 * (temperature 0), at most 2048 new tokens by default, the Alpaca prompt as a raw completion (or the model's chat
 * template), through the LLM engine (local GGUF via node-llama-cpp, or any OpenAI-compatible server such as vLLM).
 *
 * Output: `data/runs/<run>/outputs/<model>/<test-set>.jsonl`, one AlpaCare-shaped record per item (`id`,
 * `instruction`, `input`, `raw_output`, `response`, plus `generation`: finish reason, tokens, latency), appended as
 * each answer arrives, so a killed run loses only the items in flight; rerunning skips the ids already there. The
 * exact settings are stored beside it in `settings.json`; resuming with different settings is refused. Building one
 * item's request and record is infer-request.ts.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import {
  appendJsonl, formatProgress, InputError, progress, projectRoot, readJson, readJsonlIfExists, shortHash,
  withRunLock, writeFileAtomic,
} from "../core/index.js";
import { loadTestSet, type TestSetName } from "../data/index.js";
import {
  createEngine, type ChatRequest, type ChatResult, type Engine, type EngineOptions, type FinishReason,
  type ProviderName,
} from "../llm/index.js";
import { checkModelName, inferOutputFile, inferSettingsFile } from "./catalogue.js";
import type { ExtractionRule } from "./extract.js";
import { ALPACA_PROMPT_NO_INPUT, ALPACA_PROMPT_WITH_INPUT, type InferTemplate } from "./templates.js";
import { inferItems, isInferTestSet, type InferItem } from "./testsets.js";
import { INFER_DEFAULT_MAX_TOKENS, inferRecord, inferRequest } from "./infer-request.js";


/** How the model under test is reached (the request fields that name it). */
export interface InferModelRef {
  provider: ProviderName;
  /** Model id as the provider knows it (a GGUF path for `local`, the served name for vLLM). */
  model: string;
  /** Base URL of an OpenAI-compatible server (`http://host:8000/v1`). */
  baseURL?: string;
}

/** Everything that determines a run's outputs, stored in `settings.json` (identity fields) plus bookkeeping. */
export interface InferSettings {
  modelName: string;
  displayName?: string;
  backbone?: string;
  size?: string;
  testSet: TestSetName;
  provider: ProviderName;
  model: string;
  baseURL?: string;
  template: InferTemplate;
  /** The prompt text(s) used: the two Alpaca templates, or the chat system prompt. */
  promptTemplate: { withInput: string; noInput: string } | { systemPrompt: string | null };
  /** Short hash of `promptTemplate`. */
  promptHash: string;
  /** Decoding: greedy. */
  temperature: 0;
  maxTokens: number;
  stop: string[];
  extraction: ExtractionRule;
  /** Items in the test set. */
  testSetSize: number;
  /** Bookkeeping (not compared on resume). */
  limit?: number;
  createdAt: string;
  updatedAt: string;
}

/** One output record: AlpaCare's shape plus how it was generated. */
export interface InferOutputRecord {
  id: string;
  instruction: string;
  input: string;
  raw_output: string;
  response: string;
  generation: {
    finishReason: FinishReason;
    inputTokens: number;
    outputTokens: number;
    latencyMs: number;
    cached: boolean;
  };
}

/** Options for {@link inferRun}. */
export interface InferRunOptions {
  /** The name outputs are stored under (`outputs/<modelName>/`): letters, digits, '.', '_', '-'. */
  modelName: string;
  testSet: TestSetName;
  /** Where the model is served. */
  target: InferModelRef;
  /** Run name (default `default`). */
  run?: string;
  /** Only the first N items of the test set (default: all). Resuming with a larger N continues. */
  limit?: number;
  /** `alpaca` (default): raw completion with the Alpaca prompt; `chat`: chat messages, the server's template. */
  template?: InferTemplate;
  /** System prompt for the `chat` template (default none). */
  systemPrompt?: string;
  /** Max new tokens (default 2048). */
  maxTokens?: number;
  /** Stop sequences (default none, as upstream: a model that rambles on is stored as it is). */
  stop?: string[];
  /** Extraction rule (default `upstream` for `alpaca`, `verbatim` for `chat`). */
  extraction?: ExtractionRule;
  /** Catalogue labels stored in settings. */
  displayName?: string;
  backbone?: string;
  size?: string;
  /** An engine to use (not closed here); else one is created from `engineOptions` and closed at the end. */
  engine?: Engine;
  engineOptions?: EngineOptions;
  /** The items to answer (default: the test set through `inferItems`); tests pass their own. */
  items?: readonly InferItem[];
  /** Silence progress output. */
  silent?: boolean;
  /** Called after each stored record. */
  onRecord?: (record: InferOutputRecord, done: number, total: number) => void;
}

/** What a run did. */
export interface InferRunSummary {
  file: string;
  settingsFile: string;
  /** Items asked for (after `limit`). */
  items: number;
  /** Already in the file before this run (skipped). */
  resumed: number;
  /** Stored by this run. */
  generated: number;
  failed: number;
  /** Errors of failed items (first 10). */
  errors: string[];
  outputTokens: number;
  wallMs: number;
  /** Output tokens per second of wall time (this run's calls, cache hits included). */
  tokensPerSec: number;
  /** Records whose generation hit `maxTokens`. */
  hitMaxTokens: number;
  /** Items not started because the engine stopped early (budget reached, aborted): rerun to continue. */
  skipped: number;
  /** Why the engine stopped early, when it did. */
  stopped?: "budget" | "aborted" | "dry-run";
}

/** The settings fields a resume must agree on. */
const IDENTITY: (keyof InferSettings)[] = ["modelName", "testSet", "provider", "model", "baseURL", "template", "promptHash", "temperature", "maxTokens", "stop", "extraction"];

/** A run prepared but not started: what {@link inferRun} will send (see {@link planInferRun}). */
export interface InferPlan {
  file: string;
  settingsFile: string;
  settings: InferSettings;
  /** Every test-set item (before `limit`). */
  allItems: InferItem[];
  /** The items asked for (after `limit`). */
  items: InferItem[];
  /** Of those, the ones still to answer, and their requests (same order). */
  todo: InferItem[];
  requests: ChatRequest[];
  /** Items already stored. */
  resumed: number;
}

/**
 * Prepare a run without sending or writing anything: check the options, read the stored outputs (refusing a file
 * whose ids are not this test set's, or settings that differ), and build the requests still to send.
 */
export function planInferRun(options: InferRunOptions): InferPlan {
  const run = options.run ?? "default";
  const modelName = checkModelName(options.modelName);
  const testSet = options.testSet;
  if (!isInferTestSet(testSet)) throw new InputError({ file: "options", field: "testSet" }, `unknown test set ${JSON.stringify(testSet)}`);
  const template = options.template ?? "alpaca";
  const extraction = options.extraction ?? (template === "alpaca" ? "upstream" : "verbatim");
  const maxTokens = options.maxTokens ?? INFER_DEFAULT_MAX_TOKENS;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new InputError({ file: "options", field: "maxTokens" }, `expected a positive integer, got ${maxTokens}`);
  const stop = options.stop ?? [];
  const all = options.items ? [...options.items] : inferItems(testSet, loadTestSet(testSet));
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) throw new InputError({ file: "options", field: "limit" }, `expected a non-negative integer, got ${options.limit}`);
  const items = options.limit !== undefined ? all.slice(0, options.limit) : all;

  const file = inferOutputFile(run, modelName, testSet);
  const settingsFile = inferSettingsFile(run, modelName);
  const rel = (f: string) => relative(projectRoot, f);

  // Settings: the identity of this run's outputs. Resuming under different settings would mix two experiments.
  const promptTemplate = template === "alpaca" ? { withInput: ALPACA_PROMPT_WITH_INPUT, noInput: ALPACA_PROMPT_NO_INPUT } : { systemPrompt: options.systemPrompt ?? null };
  const now = new Date().toISOString();
  const settings: InferSettings = {
    modelName,
    displayName: options.displayName,
    backbone: options.backbone,
    size: options.size,
    testSet,
    provider: options.target.provider,
    model: options.target.model,
    baseURL: options.target.baseURL,
    template,
    promptTemplate,
    promptHash: shortHash(promptTemplate),
    temperature: 0,
    maxTokens,
    stop,
    extraction,
    testSetSize: all.length,
    limit: options.limit,
    createdAt: now,
    updatedAt: now,
  };
  const allSettings = existsSync(settingsFile) ? readJson<Partial<Record<TestSetName, InferSettings>>>(settingsFile) : {};
  // Settings pin a run only once it holds outputs: settings left by a fully failed attempt (older versions wrote them
  // before the first call) are replaced, not enforced.
  const stored = readJsonlIfExists<InferOutputRecord>(file);
  const previous = stored.length > 0 ? allSettings[testSet] : undefined;
  if (previous) {
    const diff = IDENTITY.filter((k) => JSON.stringify(previous[k] ?? null) !== JSON.stringify(settings[k] ?? null));
    if (diff.length) {
      throw new InputError(
        { file: rel(settingsFile), field: `${testSet}.${diff[0]}` },
        `this run's outputs were made with different settings (${diff.map((k) => `${k}: ${JSON.stringify(previous[k])} -> ${JSON.stringify(settings[k])}`).join("; ")}); use another --run or --model-name`,
      );
    }
    settings.createdAt = previous.createdAt;
    settings.displayName ??= previous.displayName;
    settings.backbone ??= previous.backbone;
    settings.size ??= previous.size;
  }

  // Resume: the ids already stored are skipped. A record that is not an item of this test set means the file is
  // not what it claims to be: refuse rather than append to it.
  const itemIds = new Map(all.map((it) => [it.id, it]));
  const done = new Set<string>();
  stored.forEach((r, index) => {
    const id = String(r.id);
    const it = itemIds.get(id);
    if (!it) throw new InputError({ file: rel(file), index, field: "id" }, `id ${JSON.stringify(id)} is not an item of ${testSet}`);
    if (r.instruction !== it.instruction || (r.input ?? "") !== it.input) throw new InputError({ file: rel(file), index, field: "instruction" }, `record ${id} does not match the test item`);
    done.add(id);
  });

  const todo = items.filter((it) => !done.has(it.id));
  const requests = todo.map((it) => inferRequest(it, options.target, { template, systemPrompt: options.systemPrompt, maxTokens, stop }));
  return { file, settingsFile, settings, allItems: all, items, todo, requests, resumed: items.length - todo.length };
}

/** Run a model on a test set (resumable; see the module comment). */
export async function inferRun(options: InferRunOptions): Promise<InferRunSummary> {
  // One writer per run: the stored outputs are read under the lock, so a second process is refused before it sends.
  return withRunLock(options.run ?? "default", `infer ${options.modelName} ${options.testSet}`, () => inferRunLocked(options));
}

async function inferRunLocked(options: InferRunOptions): Promise<InferRunSummary> {
  const plan = planInferRun(options);
  const { file, settingsFile, settings, items, todo, requests, resumed } = plan;
  const { modelName, testSet, extraction } = settings;
  const rel = (f: string) => relative(projectRoot, f);
  // Settings are written just before the first output is stored (so they describe every stored output), not before
  // the first call: a fully failed attempt (wrong --base-url or GGUF path) must not pin them.
  let settingsWritten = false;
  const writeSettings = () => {
    const allSettings = existsSync(settingsFile) ? readJson<Partial<Record<TestSetName, InferSettings>>>(settingsFile) : {};
    allSettings[testSet] = { ...settings, updatedAt: new Date().toISOString() };
    writeFileAtomic(settingsFile, JSON.stringify(allSettings, null, 2) + "\n");
    settingsWritten = true;
  };

  const summary: InferRunSummary = { file: rel(file), settingsFile: rel(settingsFile), items: items.length, resumed, generated: 0, failed: 0, errors: [], outputTokens: 0, wallMs: 0, tokensPerSec: 0, hitMaxTokens: 0, skipped: 0 };
  if (todo.length === 0) return summary;

  const engine = options.engine ?? createEngine(options.engineOptions ?? {});
  const start = Date.now();
  const stream = process.stderr;
  const tty = Boolean(stream.isTTY);
  let finishing = false;
  const line = (s: ReturnType<typeof bar.state>) => `${formatProgress(s, "items")} ${((summary.outputTokens * 1000) / Math.max(1, Date.now() - start)).toFixed(1)} tokens/s`;
  const bar = progress({
    label: `infer ${modelName} ${testSet}`,
    total: todo.length,
    silent: true,
    intervalMs: tty ? 200 : 5000,
    onUpdate: (s) => {
      if (options.silent) return;
      const text = line(s);
      if (!tty && s.done === s.total && !finishing) return; // done() draws the last state: once is enough in a log
      stream.write(tty ? `\r\x1b[K${text}` : `${text}\n`);
    },
  });
  try {
    const result = await engine.runAll(requests, {
      label: `infer ${modelName} ${testSet}`,
      progress: false,
      onResult: (index: number, result: ChatResult | Error) => {
        if (result instanceof Error) {
          summary.failed++;
          if (summary.errors.length < 10) summary.errors.push(`${todo[index]!.id}: ${result.message}`);
          bar.tick(1, { failed: 1 });
          return;
        }
        const record = inferRecord(todo[index]!, requests[index]!, result, extraction);
        if (!settingsWritten) writeSettings();
        appendJsonl(file, [record]);
        summary.generated++;
        summary.outputTokens += record.generation.outputTokens;
        if (record.generation.finishReason === "length") summary.hitMaxTokens++;
        bar.tick(1);
        options.onRecord?.(record, resumed + summary.generated, items.length);
      },
    });
    summary.skipped = result.skipped;
    summary.stopped = result.stopped;
  } finally {
    if (!options.engine) await engine.close();
    summary.wallMs = Date.now() - start;
    summary.tokensPerSec = summary.wallMs > 0 ? (summary.outputTokens * 1000) / summary.wallMs : 0;
    finishing = true;
    bar.done();
    if (!options.silent && tty) stream.write("\n");
  }
  return summary;
}
