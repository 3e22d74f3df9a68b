/**
 * The 14 models whose outputs AlpaCare published (`data/model_ouputs/<folder>/`, upstream spelling), with the
 * paper's names, backbone and size, and which test sets each has upstream and in the mirror.
 */
import { loadSources, type DataSource } from "./sources.js";

/** The three free-form test sets of the paper. */
export type TestSetName = "iCliniq" | "MedInstruct-test" | "AlpacaFarm";

/** The four reference models of the paper. */
export type ReferenceName = "text-davinci-003" | "gpt-3.5-turbo" | "gpt-4" | "claude-2";

/** Every test set, in the paper's order. */
export const TEST_SET_NAMES: readonly TestSetName[] = ["iCliniq", "MedInstruct-test", "AlpacaFarm"];

/** Every reference model, in the paper's bar order. */
export const REFERENCE_NAMES: readonly ReferenceName[] = ["text-davinci-003", "gpt-3.5-turbo", "gpt-4", "claude-2"];

/** True when `s` is a test set name. */
export function isTestSetName(s: string): s is TestSetName {
  return (TEST_SET_NAMES as readonly string[]).includes(s);
}

/** True when `s` is a reference model name. */
export function isReferenceName(s: string): s is ReferenceName {
  return (REFERENCE_NAMES as readonly string[]).includes(s);
}

/** Model families as the paper's legends name them. */
export type ModelFamily = "Alpaca" | "ChatDoctor" | "MedAlpaca" | "PMC-LLaMA" | "Baize-Healthcare" | "AlpaCare";

/** A model with published outputs. */
export interface PublishedModel {
  /** The upstream folder name under `model_ouputs/`, e.g. `AlpaCare-7b`, `PMC_LLaMA_13B`: what loaders take. */
  model: string;
  /** The paper's legend name (the same for both backbones and sizes): Alpaca, ChatDoctor, MedAlpaca, ... */
  displayName: ModelFamily;
  /** Same as `displayName`: the model family. */
  family: ModelFamily;
  /** LLaMA or LLaMA-2 (folders ending in `-llama-2`). */
  backbone: "LLaMA" | "LLaMA-2";
  size: "7B" | "13B";
  /** A unique human label, e.g. "AlpaCare 13B (LLaMA-2)". */
  label: string;
  /** Test sets with published outputs upstream. */
  testSets: TestSetName[];
  /** Of those, the ones the mirror holds (the others are optional downloads). */
  mirroredTestSets: TestSetName[];
}

/** Upstream output folder per test set. MedInstruct-test is `medsi` for some models and `medinstruct` for others. */
export const MODEL_OUTPUT_FOLDERS: Readonly<Record<TestSetName, readonly string[]>> = {
  iCliniq: ["iCliniq"],
  "MedInstruct-test": ["medsi", "medinstruct"],
  AlpacaFarm: ["alpaca_eval"],
};

const MODELS_PREFIX = "alpacare/data/model_ouputs/";

const FAMILY_BY_PREFIX: [RegExp, ModelFamily][] = [
  [/^alpacare/i, "AlpaCare"],
  [/^alpaca/i, "Alpaca"],
  [/^chatdoctor/i, "ChatDoctor"],
  [/^medalpaca/i, "MedAlpaca"],
  [/^pmc_llama/i, "PMC-LLaMA"],
  [/^baize-h/i, "Baize-Healthcare"],
];

/** Family, backbone and size from an upstream folder name (`alpaca` and `ChatDoctor_weights` are 7B LLaMA). */
export function describeModelFolder(model: string): Pick<PublishedModel, "family" | "backbone" | "size"> | undefined {
  const family = FAMILY_BY_PREFIX.find(([re]) => re.test(model))?.[1];
  if (!family) return undefined;
  const backbone = /-llama-2$/i.test(model) ? "LLaMA-2" : "LLaMA";
  const size = /13b/i.test(model) ? "13B" : "7B";
  return { family, backbone, size };
}

/** The `mirrorPath` of a model's outputs on a test set, if upstream has them. */
export function modelOutputSource(model: string, testSet: TestSetName, sources: DataSource[] = loadSources()): DataSource | undefined {
  for (const folder of MODEL_OUTPUT_FOLDERS[testSet]) {
    const s = sources.find((x) => x.mirrorPath === `${MODELS_PREFIX}${model}/${folder}/seed_0.json`);
    if (s) return s;
  }
  return undefined;
}

/** Every model with published outputs (the 14 upstream folders), sorted by backbone, size and the paper's order. */
export function publishedModels(sources: DataSource[] = loadSources()): PublishedModel[] {
  const folders = new Set<string>();
  for (const s of sources) if (s.mirrorPath.startsWith(MODELS_PREFIX)) folders.add(s.mirrorPath.slice(MODELS_PREFIX.length).split("/")[0]!);
  const order: ModelFamily[] = ["Alpaca", "ChatDoctor", "MedAlpaca", "PMC-LLaMA", "Baize-Healthcare", "AlpaCare"];
  const out: PublishedModel[] = [];
  for (const model of folders) {
    const d = describeModelFolder(model);
    if (!d) continue;
    const testSets: TestSetName[] = [];
    const mirroredTestSets: TestSetName[] = [];
    for (const t of TEST_SET_NAMES) {
      const s = modelOutputSource(model, t, sources);
      if (!s) continue;
      testSets.push(t);
      if (!s.optional) mirroredTestSets.push(t);
    }
    out.push({ model, displayName: d.family, ...d, label: `${d.family} ${d.size} (${d.backbone})`, testSets, mirroredTestSets });
  }
  return out.sort(
    (a, b) => a.backbone.localeCompare(b.backbone) || a.size.localeCompare(b.size, undefined, { numeric: true }) || order.indexOf(a.family) - order.indexOf(b.family),
  );
}

/** The upstream folder of a paper legend entry (e.g. "PMC-LLaMA", "LLaMA", "13B" → `PMC_LLaMA_13B`), if any. */
export function modelFolderFor(displayName: string, backbone: string, size: string, sources: DataSource[] = loadSources()): string | undefined {
  return publishedModels(sources).find((m) => m.displayName === displayName && m.backbone === backbone && m.size === size)?.model;
}
