/**
 * What data is available: every test set, reference set and published model output, with its source (mirror,
 * download, missing), whether it is acquired, and its record count (loaded and validated when acquired).
 */
import { existsSync } from "node:fs";
import { mirrorDir } from "../core/index.js";
import { DATA_FILES } from "./data-files.js";
import { loadModelOutputs } from "./model-outputs.js";
import { loadInstructionPrompt, loadJudgePrompt, loadPaperValues, loadTaskGenerationExamples } from "./paper-files.js";
import { loadChatDoctor5k, loadMedInstruct52k, loadMedQuadQuestions, loadSelfInstructSeeds, loadUserOrientedInstructions } from "./pool-sources.js";
import { loadReferenceSet, referenceSourcePath } from "./reference-outputs.js";
import { loadSeedTasks } from "./seed-tasks.js";
import { loadTestSet } from "./test-sets.js";
import { modelOutputSource, publishedModels, REFERENCE_NAMES, TEST_SET_NAMES, type TestSetName } from "./models.js";
import { loadSources, rawPath, type DataSource } from "./sources.js";
import { join } from "node:path";

/** One row of the data catalogue. */
export interface DataCatalogueEntry {
  kind: "test set" | "reference" | "model outputs" | "other";
  /** Test set name, reference model, model folder, or the dataset's name (kind "other"). */
  name: string;
  /** Absent for kind "other". */
  testSet?: TestSetName;
  /** The file under data/raw (mirrorPath). */
  file: string;
  /**
   * Where it comes from: `mirror` (the mirror holds it), `download` (optional, not in the mirror: `alpacare data
   * --optional`), `missing` (neither in a mirror nor downloadable).
   */
  source: "mirror" | "download" | "missing";
  /** Present (and verified when acquired by `alpacare data`) in data/raw. */
  acquired: boolean;
  /** Records, when acquired and valid. */
  count?: number;
  /** The validation error, when acquired but invalid. */
  error?: string;
  /** E.g. the AlpacaFarm reference substitution. */
  note?: string;
}

/** Options for {@link dataCatalogue}. */
export interface DataCatalogueOptions {
  /** Load each acquired file to count and validate its records. Default true (about a second). */
  count?: boolean;
}

function sourceKind(s: DataSource | undefined, mirror: string | undefined): DataCatalogueEntry["source"] {
  if (!s) return "missing";
  if (mirror && existsSync(join(mirror, s.mirrorPath))) return "mirror";
  if (s.url) return "download";
  return "missing";
}

/** The catalogue of test sets, references and published model outputs. */
export function dataCatalogue(options: DataCatalogueOptions = {}): DataCatalogueEntry[] {
  const sources = loadSources();
  const mirror = mirrorDir();
  const count = options.count ?? true;
  const rows: DataCatalogueEntry[] = [];
  const add = (row: Omit<DataCatalogueEntry, "source" | "acquired">, load: () => { n: number; note?: string }) => {
    const s = sources.find((x) => x.mirrorPath === row.file);
    const acquired = existsSync(rawPath(row.file));
    const entry: DataCatalogueEntry = { ...row, source: sourceKind(s, mirror), acquired };
    if (acquired && count) {
      try {
        const r = load();
        entry.count = r.n;
        if (r.note) entry.note = r.note;
      } catch (e) {
        entry.error = e instanceof Error ? e.message : String(e);
      }
    }
    rows.push(entry);
  };
  const testFiles: Record<TestSetName, string> = {
    iCliniq: DATA_FILES.iCliniqTestSet,
    "MedInstruct-test": DATA_FILES.medInstructTest,
    AlpacaFarm: DATA_FILES.alpacaFarmTestSet,
  };
  for (const t of TEST_SET_NAMES) add({ kind: "test set", name: t, testSet: t, file: testFiles[t] }, () => ({ n: loadTestSet(t).length }));
  for (const t of TEST_SET_NAMES) {
    for (const ref of REFERENCE_NAMES) {
      add({ kind: "reference", name: ref, testSet: t, file: referenceSourcePath(ref, t) }, () => {
        const set = loadReferenceSet(ref, t);
        return { n: set.outputs.length, note: set.substitution ? `AlpacaEval ${set.generator} (substitute)` : undefined };
      });
    }
  }
  for (const m of publishedModels(sources)) {
    for (const t of m.testSets) {
      const s = modelOutputSource(m.model, t, sources)!;
      add({ kind: "model outputs", name: m.model, testSet: t, file: s.mirrorPath, note: m.label }, () => ({ n: loadModelOutputs(m.model, t, sources).length, note: m.label }));
    }
  }
  const other: [string, string, () => number][] = [
    ["seed tasks", DATA_FILES.seedTasks, () => loadSeedTasks().length],
    ["paper figure values", DATA_FILES.paperValues, () => loadPaperValues().length],
    ["judge prompt (chatgpt)", DATA_FILES.judgePromptChatGpt, () => loadJudgePrompt("chatgpt").split("\n").length],
    ["judge prompt (anthropic)", DATA_FILES.judgePromptAnthropic, () => loadJudgePrompt("anthropic").split("\n").length],
    ["task-generation prompt", DATA_FILES.instructionPrompt, () => loadInstructionPrompt().split("\n").length],
    ["task-generation examples", DATA_FILES.taskGenerationExamples, () => loadTaskGenerationExamples().length],
    ["MedInstruct-52k", DATA_FILES.medInstruct52k, () => loadMedInstruct52k().length],
    ["MedQuAD questions", DATA_FILES.medQuadQuestions, () => loadMedQuadQuestions().length],
    ["Self-Instruct seeds", DATA_FILES.selfInstructSeeds, () => loadSelfInstructSeeds().length],
    ["Self-Instruct user-oriented", DATA_FILES.userOrientedInstructions, () => loadUserOrientedInstructions().length],
    ["ChatDoctor GenMedGPT-5k", DATA_FILES.chatDoctor5k, () => loadChatDoctor5k().length],
    ["stories260K.gguf (offline test model)", DATA_FILES.stories260K, () => 1],
  ];
  for (const [name, file, n] of other) {
    const note = file.endsWith(".txt") ? "lines" : file.endsWith(".gguf") ? "a test model, not an instruction follower" : undefined;
    add({ kind: "other", name, file }, () => ({ n: n(), note }));
  }
  return rows;
}
