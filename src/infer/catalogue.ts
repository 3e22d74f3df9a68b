/**
 * One catalogue of model outputs: the 14 models AlpaCare published and the runs made here, listed and loaded alike,
 * so judging and figures need not care where an output came from. Loading checks the outputs against the test set
 * (same ids, same instructions, one record per item): a file that does not match is an `InputError`.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { dataDir, InputError, projectRoot, readJson, readJsonlIfExists, runDir } from "../core/index.js";
import { loadModelOutputs, loadTestSet, publishedModels, type ModelOutput, type TestSetName } from "../data/index.js";
import type { FinishReason } from "../llm/index.js";
import { inferItems, INFER_TEST_SETS, isInferTestSet, type InferItem } from "./testsets.js";
import type { InferSettings, InferOutputRecord } from "./runner.js";

/** One (model, test set) in the catalogue. */
export interface ModelOutputCatalogueEntry {
  /** Published folder name (e.g. `AlpaCare-7b`) or the `--model-name` of a run. */
  model: string;
  displayName: string;
  /** Base model, when known. */
  backbone?: "LLaMA" | "LLaMA-2" | string;
  size?: "7B" | "13B" | string;
  testSet: TestSetName;
  /** Records available (NaN when a published file is listed but not available here). */
  count: number;
  /** Items in the test set. */
  expected: number;
  /** count === expected. */
  complete: boolean;
  source: "published" | "run";
  /** The run's name (source "run"). */
  run?: string;
  /** The file, relative to the project root (runs) or a description (published). */
  file: string;
  /** Why a published file could not be read, when it could not. */
  error?: string;
}

/** The JSONL file a run writes for a model and test set: `data/runs/<run>/outputs/<model>/<test-set>.jsonl`. */
export function inferOutputFile(run: string, model: string, testSet: TestSetName): string {
  return join(runDir(run), "outputs", checkModelName(model), `${testSet}.jsonl`);
}

/**
 * The settings stored beside a run's outputs: `data/runs/<run>/outputs/<model>/settings.json`, one entry per test
 * set (`{ "iCliniq": InferSettings, ... }`).
 */
export function inferSettingsFile(run: string, model: string): string {
  return join(runDir(run), "outputs", checkModelName(model), "settings.json");
}

/** The stored settings of a run's model on a test set, if any. */
export function readInferSettings(run: string, model: string, testSet: TestSetName): InferSettings | undefined {
  const file = inferSettingsFile(run, model);
  if (!existsSync(file)) return undefined;
  return readJson<Partial<Record<TestSetName, InferSettings>>>(file)[testSet];
}

/** Model names become folder names: letters, digits, '.', '_', '-'. */
export function checkModelName(model: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(model) || model === "." || model === "..") {
    throw new InputError({ file: "model name", field: "model" }, `${JSON.stringify(model)}: use letters, digits, '.', '_' or '-'`);
  }
  return model;
}

/** Runs under `data/runs/` that hold model outputs. */
export function inferRuns(): string[] {
  const root = join(dataDir(), "runs");
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, "outputs")))
    .map((d) => d.name)
    .sort();
}

const testSetSizes = new Map<TestSetName, number>();
function testSetSize(testSet: TestSetName): number {
  let n = testSetSizes.get(testSet);
  if (n === undefined) {
    n = loadTestSet(testSet).length;
    testSetSizes.set(testSet, n);
  }
  return n;
}

/** Guess backbone and size from a model name (`...-13b-llama-2` -> LLaMA-2, 13B); undefined when not stated. */
export function guessBackbone(model: string): { backbone?: string; size?: string } {
  const size = /(?:^|[^0-9])(7|13|30|33|65|70)b(?![a-z])/i.exec(model)?.[1];
  return { backbone: /llama-?2/i.test(model) ? "LLaMA-2" : /llama/i.test(model) ? "LLaMA" : undefined, size: size ? `${size}B` : undefined };
}

/** Options for {@link modelOutputCatalogue}. */
export interface ModelOutputCatalogueOptions {
  /** Include the published outputs (default true). */
  published?: boolean;
  /** Count published records by loading them (default true; false lists them with count = expected). */
  countPublished?: boolean;
}

/**
 * Every model output available: the published ones (from `publishedModels()`) and the runs' (`run` given: that
 * run only; else every run under `data/runs/`), one entry per (model, test set).
 */
export function modelOutputCatalogue(run?: string, options: ModelOutputCatalogueOptions = {}): ModelOutputCatalogueEntry[] {
  const out: ModelOutputCatalogueEntry[] = [];
  if (options.published ?? true) {
    for (const p of publishedModels()) {
      for (const testSet of p.testSets) {
        const expected = testSetSize(testSet);
        let count = expected;
        let error: string | undefined;
        if (options.countPublished ?? true) {
          try {
            count = loadModelOutputs(p.model, testSet).length;
          } catch (e) {
            count = NaN;
            error = (e as Error).message;
          }
        }
        out.push({ model: p.model, displayName: p.displayName, backbone: p.backbone, size: p.size, testSet, count, expected, complete: count === expected, source: "published", file: `published: ${p.model}/${testSet}`, error });
      }
    }
  }
  for (const r of run !== undefined ? [run] : inferRuns()) {
    const outputs = join(runDir(r), "outputs");
    if (!existsSync(outputs)) continue;
    for (const model of readdirSync(outputs, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
      for (const testSet of INFER_TEST_SETS) {
        const file = inferOutputFile(r, model, testSet);
        if (!existsSync(file)) continue;
        const records = readJsonlIfExists<InferOutputRecord>(file);
        const ids = new Set(records.map((x) => String(x.id)));
        const settings: Partial<InferSettings> = readInferSettings(r, model, testSet) ?? {};
        const guess = guessBackbone(model);
        const expected = testSetSize(testSet);
        out.push({
          model,
          displayName: settings.displayName ?? model,
          backbone: settings.backbone ?? guess.backbone,
          size: settings.size ?? guess.size,
          testSet,
          count: ids.size,
          expected,
          complete: ids.size === expected,
          source: "run",
          run: r,
          file: relative(projectRoot, file),
        });
      }
    }
  }
  return out;
}

/**
 * A model output from either source: AlpaCare's fields, plus `sourceId` (published: the upstream record's own id)
 * or `finishReason` (runs: why generation stopped, which tells a truncated answer for sure).
 */
export interface AnyModelOutput extends ModelOutput {
  finishReason?: FinishReason;
}

/** Options for {@link loadAnyModelOutputs} and {@link checkOutputsAgainstTestSet}. */
export interface LoadOutputsOptions {
  /** Accept a subset of the test set (a `--limit` run); default false: every item must be there. */
  allowPartial?: boolean;
}

/**
 * Check model outputs against the test set's items and return them in test-set order. Every record's id must be a
 * test item's id, at most once, with the same instruction (and input, for iCliniq); unless `allowPartial`, every
 * item must have a record. Throws `InputError` naming `file`, the record's index and the field.
 */
export function checkOutputsAgainstTestSet<T extends AnyModelOutput>(outputs: readonly T[], items: readonly InferItem[], file: string, options: LoadOutputsOptions = {}): T[] {
  const byId = new Map(items.map((it, i) => [it.id, i]));
  const slots: (T | undefined)[] = new Array(items.length);
  outputs.forEach((o, index) => {
    const id = String(o.id);
    const at = byId.get(id);
    if (at === undefined) throw new InputError({ file, index, field: "id" }, `id ${JSON.stringify(id)} is not an item of the test set`);
    if (slots[at]) throw new InputError({ file, index, field: "id" }, `id ${JSON.stringify(id)} appears twice`);
    const item = items[at]!;
    if (o.instruction !== item.instruction) throw new InputError({ file, index, field: "instruction" }, `does not match test item ${id}'s instruction`);
    if ((o.input ?? "") !== item.input) throw new InputError({ file, index, field: "input" }, `does not match test item ${id}'s input`);
    if (typeof o.response !== "string") throw new InputError({ file, index, field: "response" }, "expected a string");
    slots[at] = o;
  });
  const present = slots.filter((s): s is T => s !== undefined);
  if (!options.allowPartial && present.length !== items.length) {
    const missing = items.filter((_, i) => !slots[i]).map((it) => it.id);
    throw new InputError({ file }, `${present.length} outputs for a test set of ${items.length} items (missing ids ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", ..." : ""})`);
  }
  return present;
}

/**
 * Load a model's outputs on a test set, wherever they come from: `run` given -> that run's file; else the published
 * outputs when `model` is one of them, else the `default` run. Checked against the test set (see
 * {@link checkOutputsAgainstTestSet}) and returned in test-set order.
 */
export function loadAnyModelOutputs(model: string, testSet: TestSetName, run?: string, options: LoadOutputsOptions = {}): AnyModelOutput[] {
  if (!isInferTestSet(testSet)) throw new InputError({ file: "test set", field: "testSet" }, `unknown test set ${JSON.stringify(testSet)} (one of ${INFER_TEST_SETS.join(", ")})`);
  const items = inferItems(testSet, loadTestSet(testSet));
  if (run === undefined && publishedModels().some((p) => p.model === model && p.testSets.includes(testSet))) {
    return checkOutputsAgainstTestSet(loadModelOutputs(model, testSet), items, `published ${model}/${testSet}`, options);
  }
  const file = inferOutputFile(run ?? "default", model, testSet);
  if (!existsSync(file)) throw new InputError({ file: relative(projectRoot, file) }, `no outputs of ${model} on ${testSet} in run ${run ?? "default"} (and ${model} is not a published model)`);
  const records: AnyModelOutput[] = readJsonlIfExists<InferOutputRecord>(file).map((r) => ({ id: String(r.id), instruction: r.instruction, input: r.input, raw_output: r.raw_output, response: r.response, finishReason: r.generation?.finishReason }));
  return checkOutputsAgainstTestSet(records, items, relative(projectRoot, file), options);
}
