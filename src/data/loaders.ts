/**
 * Typed loaders for the acquired upstream files (`data/raw/`, filled by `alpacare data`). Each file is parsed once
 * into typed records; malformed input throws `InputError` naming the file, the line or index, and the field. Every
 * loader has a pure `parse*` twin taking the text and a file name, for tests and for files from elsewhere.
 *
 * Ids: every test item, reference output and model output carries the id of its test-set item, so the three line up
 * by `id` as well as by position. iCliniq ids are "0".."999" (position), AlpacaFarm "0".."804" (position, the
 * alpaca_eval order), MedInstruct-test the file's own `id` field ("0".."216" with 143 absent upstream: 216 items).
 * Published model outputs number MedInstruct-test 0..215 by position; their own id is kept as `sourceId`.
 *
 * What the upstream files agree on (checked on the real files by test/data/loaders.test.ts and by every load, which
 * aligns each record with its test item):
 * - iCliniq: the 1,000 patient texts are identical, in the same order, in all four reference files and in all
 *   mirrored model outputs. The gpt-* and text-davinci-003 reference files leave `instruction` empty; claude-2's
 *   file has only `prompt` = "Human: <fixed instruction>\n\n<patient text>\n\nAssistant:" (record 0 has a single
 *   "\n" before "Assistant:") and `response`; model outputs carry the fixed instruction. So the test set is the
 *   fixed instruction + the patient text, ids "0".."999".
 * - MedInstruct-test: the four answer columns of MedInstruct-test.jsonl equal `reference_outputs/<ref>/medsi_output.jsonl`
 *   record for record. Output folders: `medsi/` for AlpaCare-13b(-llama-2) and alpaca-13b(-llama-2), `medinstruct/`
 *   for the 7B models and medalpaca-13b / PMC_LLaMA_13B.
 * - AlpacaFarm: every mirrored model output and the four AlpacaEval reference files hold the same 805 instructions
 *   in the same order (AlpacaEval's gpt35_turbo_instruct has 804 and is not used). ChatDoctor_weights' and
 *   medalpaca-7b's files also carry alpaca_eval's `dataset`/`output`/`generator` fields, which are ignored.
 */
import { existsSync } from "node:fs";
import { InputError } from "../core/errors.js";
import { MODEL_OUTPUT_FOLDERS, modelOutputSource, REFERENCE_NAMES, describeModelFolder, type ReferenceName, type TestSetName } from "./models.js";
import {
  booleanField,
  DataNotAcquiredError,
  describe,
  idField,
  integerField,
  optionalStringField,
  parseJsonArrayRecords,
  parseJsonlRecords,
  readRawText,
  sameText,
  stringField,
  type LocatedRecord,
  displayPath,
} from "./parse.js";
import { loadSources, rawPath, type DataSource } from "./sources.js";

/** The fixed iCliniq instruction (docs/method.md#8-inference-on-the-test-sets); the patient's text is the input. */
export const ICLINIQ_INSTRUCTION = "If you are a doctor, please answer the medical questions based on the patient's description.";

/** Mirror paths of the files the loaders read (relative to `data/raw/`). */
export const DATA_FILES = {
  seedTasks: "alpacare/data/med_seed.json",
  medInstructTest: "alpacare/data/MedInstruct-test.jsonl",
  medInstruct52k: "alpacare/data/MedInstruct-52k.json",
  /** The iCliniq test set is read from the gpt-4 reference file (every reference and model output file holds the same 1,000 inputs). */
  iCliniqTestSet: "alpacare/data/reference_outputs/gpt-4/iCliniq_output.jsonl",
  /** AlpacaEval's 805 instructions, in its order: the text-davinci-003 outputs file is the eval set itself. */
  alpacaFarmTestSet: "alpaca_eval/results/text_davinci_003/model_outputs.json",
  paperValues: "paper/figure-values.csv",
  judgePromptChatGpt: "alpacare/prompt/alpaca_eval_chat_gpt.txt",
  judgePromptAnthropic: "alpacare/prompt/alpaca_eval_anthropic.txt",
  instructionPrompt: "alpacare/prompt/instrcution_prompt.txt",
  taskGenerationExamples: "alpacare/task_output_generation/data/gpt4_generations/Output_path_for_task_generation.jsonl",
  medQuadQuestions: "medquad/medquad_questions.jsonl",
  selfInstructSeeds: "self_instruct/data/seed_tasks.jsonl",
  userOrientedInstructions: "self_instruct/human_eval/user_oriented_instructions.jsonl",
  chatDoctor5k: "chatdoctor/chatdoctor5k.json",
  stories260K: "models/stories260K.gguf",
} as const;

/** Expected record counts of the fixed upstream files (checked by the loaders). */
export const EXPECTED_COUNTS: Readonly<Record<TestSetName | "seedTasks", number>> = {
  seedTasks: 167,
  "MedInstruct-test": 216,
  iCliniq: 1000,
  AlpacaFarm: 805,
};

// ---------------------------------------------------------------------------------------------------------------
// Seed tasks

/** One of the 167 clinician-written seed tasks (`med_seed.json`), fields as upstream; `difficulty` parsed to 1-5. */
export interface SeedTask {
  /** Position in the file, "0".."166" (upstream has no id; generation provenance refers to seeds by it). */
  id: string;
  topic: string;
  view: string;
  type: string;
  instruction: string;
  /** `<noinput>` when there is none, as upstream. */
  input: string;
  /** 1 (basic fact) .. 5 (complex real situation); upstream writes it as a string. */
  difficulty: number;
}

/** Parse `med_seed.json` text. */
export function parseSeedTasks(text: string, file: string): SeedTask[] {
  return parseJsonArrayRecords(text, file).map((r) => ({
    id: String(r.position),
    topic: stringField(r, "topic"),
    view: stringField(r, "view"),
    type: stringField(r, "type"),
    instruction: stringField(r, "instruction"),
    input: stringField(r, "input"),
    difficulty: integerField(r, "difficulty", 1, 5),
  }));
}

/** The 167 seed tasks. */
export function loadSeedTasks(): SeedTask[] {
  const { text, file } = readRawText(DATA_FILES.seedTasks);
  return expectCount(parseSeedTasks(text, file), EXPECTED_COUNTS.seedTasks, file);
}

// ---------------------------------------------------------------------------------------------------------------
// Test sets

/** One test item: the paper's (instruction, input) pair. */
export interface TestItem {
  /** Aligns reference and model outputs (see the module comment). */
  id: string;
  instruction: string;
  /** "" when the item has no input (MedInstruct-test, AlpacaFarm). */
  input: string;
  /** MedInstruct-test only: 1-5. */
  difficulty?: number;
  /** AlpacaFarm only: the AlpacaEval subset (selfinstruct, oasst, koala, helpful_base, vicuna). */
  dataset?: string;
}

/** A MedInstruct-test item with its four reference answers (the file's answer columns). */
export interface MedInstructTestItem extends TestItem {
  difficulty: number;
  /** The columns `text-davinci-003-answer`, `gpt-3.5-turbo-answer`, `gpt-4-answer`, `claude-2`. */
  references: Record<ReferenceName, string>;
}

const MEDINSTRUCT_COLUMNS: Record<ReferenceName, string> = {
  "text-davinci-003": "text-davinci-003-answer",
  "gpt-3.5-turbo": "gpt-3.5-turbo-answer",
  "gpt-4": "gpt-4-answer",
  "claude-2": "claude-2",
};

/** Parse `MedInstruct-test.jsonl` text (ids must be unique). */
export function parseMedInstructTest(text: string, file: string): MedInstructTestItem[] {
  const seen = new Set<string>();
  return parseJsonlRecords(text, file).map((r) => {
    const id = idField(r);
    if (seen.has(id)) throw new InputError({ ...r.at, field: "id" }, `duplicate id ${id}`);
    seen.add(id);
    const references = {} as Record<ReferenceName, string>;
    for (const ref of REFERENCE_NAMES) references[ref] = stringField(r, MEDINSTRUCT_COLUMNS[ref]);
    return { id, instruction: stringField(r, "instruction"), input: "", difficulty: integerField(r, "difficulty", 1, 5), references };
  });
}

/** MedInstruct-test (216 items) with the four reference answer columns. */
export function loadMedInstructTest(): MedInstructTestItem[] {
  const { text, file } = readRawText(DATA_FILES.medInstructTest);
  return expectCount(parseMedInstructTest(text, file), EXPECTED_COUNTS["MedInstruct-test"], file);
}

/**
 * Parse the iCliniq test set out of a reference-output file in the gpt shape (`instruction` "" or the fixed
 * prompt, `input` the patient text). Items get the fixed instruction and ids "0".."999".
 */
export function parseICliniqTestSet(text: string, file: string): TestItem[] {
  return parseJsonlRecords(text, file).map((r) => {
    const instruction = stringField(r, "instruction");
    if (instruction !== "" && !sameText(instruction, ICLINIQ_INSTRUCTION)) {
      throw new InputError({ ...r.at, field: "instruction" }, `expected "" or the fixed iCliniq instruction, got ${describe(instruction)}`);
    }
    return { id: String(r.position), instruction: ICLINIQ_INSTRUCTION, input: stringField(r, "input") };
  });
}

/** Parse the AlpacaFarm (AlpacaEval) eval set from an alpaca_eval `model_outputs.json`; ids "0".."804". */
export function parseAlpacaFarmTestSet(text: string, file: string): TestItem[] {
  return parseJsonArrayRecords(text, file).map((r) => ({
    id: String(r.position),
    instruction: stringField(r, "instruction"),
    input: "",
    dataset: stringField(r, "dataset"),
  }));
}

/**
 * A test set's items in upstream order: iCliniq (1000; instruction = the fixed doctor prompt, input = the patient's
 * text), MedInstruct-test (216; input ""), AlpacaFarm (805; input "").
 */
export function loadTestSet(name: TestSetName): TestItem[] {
  switch (name) {
    case "iCliniq": {
      const { text, file } = readRawText(DATA_FILES.iCliniqTestSet);
      return expectCount(parseICliniqTestSet(text, file), EXPECTED_COUNTS.iCliniq, file);
    }
    case "MedInstruct-test":
      return loadMedInstructTest().map(({ references: _r, ...item }) => item);
    case "AlpacaFarm": {
      const { text, file } = readRawText(DATA_FILES.alpacaFarmTestSet);
      return expectCount(parseAlpacaFarmTestSet(text, file), EXPECTED_COUNTS.AlpacaFarm, file);
    }
    default:
      throw new Error(`unknown test set ${JSON.stringify(name)}: use iCliniq, MedInstruct-test or AlpacaFarm`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reference outputs

/** One reference answer, aligned with `loadTestSet(testSet)` by id and position. */
export interface ReferenceOutput {
  id: string;
  /** The test item's instruction (for iCliniq the fixed prompt, although upstream gpt files leave it empty). */
  instruction: string;
  input: string;
  /** The reference model's answer, verbatim (leading spaces/newlines as upstream). */
  output: string;
}

/** A reference set with how it was obtained: every number that rests on a substitution must say so. */
export interface ReferenceSet {
  reference: ReferenceName;
  testSet: TestSetName;
  /** The acquired file read (`mirrorPath`). */
  source: string;
  /** The name the upstream file gives the generator (e.g. `gpt4`, `gpt-3.5-turbo-0301`). */
  generator: string;
  /** Set when the outputs are not AlpaCare's own but the closest public substitute (AlpacaFarm: AlpacaEval's). */
  substitution?: string;
  outputs: ReferenceOutput[];
}

/** AlpacaEval result folder used for each reference on AlpacaFarm (docs/method.md#9-dual-sided-judging). */
export const ALPACA_EVAL_REFERENCE_FOLDERS: Readonly<Record<ReferenceName, string>> = {
  "text-davinci-003": "text_davinci_003",
  "gpt-3.5-turbo": "gpt-3.5-turbo-0301",
  "gpt-4": "gpt4",
  "claude-2": "claude-2",
};

/** The file a reference set is read from. */
export function referenceSourcePath(ref: ReferenceName, testSet: TestSetName): string {
  if (!REFERENCE_NAMES.includes(ref)) throw new Error(`unknown reference ${JSON.stringify(ref)}: use ${REFERENCE_NAMES.join(", ")}`);
  if (testSet === "AlpacaFarm") return `alpaca_eval/results/${ALPACA_EVAL_REFERENCE_FOLDERS[ref]}/model_outputs.json`;
  if (testSet === "iCliniq") return `alpacare/data/reference_outputs/${ref}/iCliniq_output.jsonl`;
  if (testSet === "MedInstruct-test") return `alpacare/data/reference_outputs/${ref}/medsi_output.jsonl`;
  throw new Error(`unknown test set ${JSON.stringify(testSet)}`);
}

const CLAUDE_PROMPT_HEAD = `Human: ${ICLINIQ_INSTRUCTION}\n\n`;

/** The patient text inside a claude-2 iCliniq prompt `Human: <instruction>\n\n<input>\n\nAssistant:` (one record has a single \n). */
function claudePromptInput(r: LocatedRecord): string {
  const prompt = stringField(r, "prompt");
  const m = /\n{1,2}Assistant:\s*$/.exec(prompt);
  if (!prompt.startsWith(CLAUDE_PROMPT_HEAD) || !m) {
    throw new InputError({ ...r.at, field: "prompt" }, `expected "Human: ${ICLINIQ_INSTRUCTION.slice(0, 30)}…\\n\\n<patient text>\\n\\nAssistant:", got ${describe(prompt)}`);
  }
  return prompt.slice(CLAUDE_PROMPT_HEAD.length, m.index);
}

/**
 * Parse a reference-output file in any of its upstream shapes and align it with the test set:
 * AlpaCare's JSONL `{instruction, input, output}` (gpt-*, text-davinci-003), `{instruction, input, response}`
 * (claude-2 on MedInstruct-test), `{prompt, response}` (claude-2 on iCliniq), and alpaca_eval's JSON array
 * `{instruction, output, generator, dataset}` (AlpacaFarm). The count and every item's instruction (and iCliniq
 * input) must match `testItems`, else an `InputError` names the record and field.
 */
export function parseReferenceOutputs(text: string, file: string, testSet: TestSetName, testItems: readonly TestItem[]): ReferenceOutput[] {
  const records = testSet === "AlpacaFarm" ? parseJsonArrayRecords(text, file) : parseJsonlRecords(text, file);
  if (records.length !== testItems.length) {
    throw new InputError({ file }, `${records.length} reference outputs, but the ${testSet} test set has ${testItems.length} items (count mismatch)`);
  }
  return records.map((r, i) => {
    const item = testItems[i]!;
    const output = "prompt" in r.value || ("response" in r.value && !("output" in r.value)) ? stringField(r, "response") : stringField(r, "output");
    if (testSet === "iCliniq") {
      const input = "prompt" in r.value ? claudePromptInput(r) : stringField(r, "input");
      if (!sameText(input, item.input)) throw mismatch(r, "input", testSet, item);
    } else {
      const instruction = stringField(r, "instruction");
      if (!sameText(instruction, item.instruction)) throw mismatch(r, "instruction", testSet, item);
    }
    return { id: item.id, instruction: item.instruction, input: item.input, output };
  });
}

function mismatch(r: LocatedRecord, field: string, testSet: TestSetName, item: TestItem): InputError {
  const got = r.value[field] ?? (field === "input" ? "(from prompt)" : undefined);
  return new InputError({ ...r.at, field }, `does not match ${testSet} item ${item.id} (record ${r.position}): got ${describe(got)}, expected ${describe((item as unknown as Record<string, unknown>)[field])}`);
}

/**
 * The note every number resting on a substituted reference set must carry, or undefined for AlpaCare's own
 * references: AlpaCare did not publish its AlpacaFarm references, AlpacaEval's outputs of the same models stand in.
 */
export function referenceSubstitutionNote(ref: ReferenceName, testSet: TestSetName): string | undefined {
  if (testSet !== "AlpacaFarm") return undefined;
  const folder = ALPACA_EVAL_REFERENCE_FOLDERS[ref];
  if (folder === undefined) return undefined;
  return (
    `AlpaCare did not publish its AlpacaFarm references; these are AlpacaEval's ${folder} outputs on the same 805 instructions` +
    (ref === "gpt-4" ? " (gpt4 = gpt-4-0314)" : ref === "gpt-3.5-turbo" ? " (gpt-3.5-turbo-0301, AlpacaEval 1's ChatGPT)" : "")
  );
}

/** A reference set with its provenance (see {@link ReferenceSet}); AlpacaFarm uses AlpacaEval's outputs. */
export function loadReferenceSet(ref: ReferenceName, testSet: TestSetName): ReferenceSet {
  const source = referenceSourcePath(ref, testSet);
  const { text, file } = readRawText(source);
  const outputs = parseReferenceOutputs(text, file, testSet, loadTestSet(testSet));
  if (testSet === "AlpacaFarm") {
    const folder = ALPACA_EVAL_REFERENCE_FOLDERS[ref];
    return {
      reference: ref,
      testSet,
      source,
      generator: folder,
      substitution: referenceSubstitutionNote(ref, testSet),
      outputs,
    };
  }
  return { reference: ref, testSet, source, generator: ref, outputs };
}

/** Reference answers of one reference model on one test set, aligned with `loadTestSet(testSet)`. */
export function loadReferenceOutputs(ref: ReferenceName, testSet: TestSetName): ReferenceOutput[] {
  return loadReferenceSet(ref, testSet).outputs;
}

// ---------------------------------------------------------------------------------------------------------------
// Published model outputs

/** One published model output (AlpaCare's shape), aligned with the test set. */
export interface ModelOutput {
  /** The test item's id. */
  id: string;
  instruction: string;
  /** iCliniq only: the patient text. */
  input?: string;
  /** The raw decoder text. */
  raw_output: string;
  /** The cleaned answer (what is judged). */
  response: string;
  /** The id the upstream file gives the record (its position); absent for outputs made by this workbench. */
  sourceId?: string;
}

/**
 * Parse a published `seed_0.json` and align it with the test set: same count, and each record's instruction (and
 * iCliniq input) equal to the test item's; ids are taken from the test set.
 */
export function parseModelOutputs(text: string, file: string, testSet: TestSetName, testItems: readonly TestItem[]): ModelOutput[] {
  const records = parseJsonArrayRecords(text, file);
  if (records.length !== testItems.length) {
    throw new InputError({ file }, `${records.length} model outputs, but the ${testSet} test set has ${testItems.length} items (count mismatch)`);
  }
  return records.map((r, i) => {
    const item = testItems[i]!;
    const sourceId = idField(r);
    const instruction = stringField(r, "instruction");
    if (!sameText(instruction, item.instruction)) throw mismatch(r, "instruction", testSet, item);
    const input = optionalStringField(r, "input");
    if (testSet === "iCliniq") {
      if (input === undefined) throw new InputError({ ...r.at, field: "input" }, "expected a string (the patient text), got nothing (field missing)");
      if (!sameText(input, item.input)) throw mismatch(r, "input", testSet, item);
    }
    const out: ModelOutput = { id: item.id, instruction, raw_output: stringField(r, "raw_output"), response: stringField(r, "response"), sourceId };
    if (input !== undefined) out.input = input;
    return out;
  });
}

/**
 * Published outputs of `model` (the upstream folder name, e.g. `AlpaCare-7b`, `medalpaca-13b`) on a test set.
 * Throws when upstream has none, or (naming the command that fetches it) when the file is not acquired.
 */
export function loadModelOutputs(model: string, testSet: TestSetName, sources: DataSource[] = loadSources()): ModelOutput[] {
  const source = modelOutputSource(model, testSet, sources);
  if (!source) {
    const known = describeModelFolder(model) !== undefined && sources.some((s) => s.mirrorPath.startsWith(`alpacare/data/model_ouputs/${model}/`));
    // An InputError, so the CLI prints the message rather than a stack trace.
    throw new InputError(
      { file: `alpacare/data/model_ouputs/${model}/{${MODEL_OUTPUT_FOLDERS[testSet].join(",")}}/seed_0.json` },
      known
        ? `${model} has no published outputs on ${testSet} upstream`
        : `unknown model ${JSON.stringify(model)}: use an upstream folder name (publishedModels(), \`alpacare catalogue\`)`,
    );
  }
  const { text, file } = readRawText(source.mirrorPath, sources); // first: a missing outputs file is the error to report
  return parseModelOutputs(text, file, testSet, loadTestSet(testSet));
}

// ---------------------------------------------------------------------------------------------------------------
// Paper values, prompts, examples

/** One row of `paper/figure-values.csv`: a win rate (percent) the paper reports (judge gpt-3.5-turbo). */
export interface PaperValue {
  /** `2a`, `2b`, `3`, `4`, `6`. */
  figure: string;
  test_set: TestSetName;
  backbone: "LLaMA" | "LLaMA-2";
  size: "7B" | "13B";
  /** The paper's legend name (Alpaca, ChatDoctor, MedAlpaca, PMC-LLaMA, Baize-Healthcare, AlpaCare). */
  model: string;
  judge: string;
  reference: ReferenceName;
  win_rate_pct: number;
}

const PAPER_COLUMNS = ["figure", "test_set", "backbone", "size", "model", "judge", "reference", "win_rate_pct"] as const;

/** Parse `figure-values.csv` (plain comma-separated, header row, no quoting). */
export function parsePaperValues(text: string, file: string): PaperValue[] {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const header = lines[0]?.split(",") ?? [];
  if (PAPER_COLUMNS.some((c, i) => header[i] !== c)) throw new InputError({ file, line: 1 }, `expected the header ${PAPER_COLUMNS.join(",")}, got ${describe(lines[0])}`);
  const out: PaperValue[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    const cells = lines[i]!.split(",");
    const at = { file, line: i + 1 };
    if (cells.length !== PAPER_COLUMNS.length) throw new InputError(at, `expected ${PAPER_COLUMNS.length} columns, got ${cells.length}`);
    const row = Object.fromEntries(PAPER_COLUMNS.map((c, j) => [c, cells[j]!.trim()])) as Record<(typeof PAPER_COLUMNS)[number], string>;
    if (!["iCliniq", "MedInstruct-test", "AlpacaFarm"].includes(row.test_set)) throw new InputError({ ...at, field: "test_set" }, `unknown test set ${describe(row.test_set)}`);
    if (!(REFERENCE_NAMES as readonly string[]).includes(row.reference)) throw new InputError({ ...at, field: "reference" }, `unknown reference ${describe(row.reference)}`);
    if (row.backbone !== "LLaMA" && row.backbone !== "LLaMA-2") throw new InputError({ ...at, field: "backbone" }, `expected LLaMA or LLaMA-2, got ${describe(row.backbone)}`);
    if (row.size !== "7B" && row.size !== "13B") throw new InputError({ ...at, field: "size" }, `expected 7B or 13B, got ${describe(row.size)}`);
    const pct = Number(row.win_rate_pct);
    if (row.win_rate_pct === "" || !Number.isFinite(pct) || pct < 0 || pct > 100) throw new InputError({ ...at, field: "win_rate_pct" }, `expected a percentage, got ${describe(row.win_rate_pct)}`);
    out.push({ ...row, test_set: row.test_set as TestSetName, backbone: row.backbone, size: row.size, reference: row.reference as ReferenceName, win_rate_pct: pct });
  }
  return out;
}

/** The win rates the paper reports in Figures 2, 3, 4 and 6 (144 rows). */
export function loadPaperValues(): PaperValue[] {
  const { text, file } = readRawText(DATA_FILES.paperValues);
  return parsePaperValues(text, file);
}

/** The judge prompt template, verbatim: `chatgpt` (`alpaca_eval_chat_gpt.txt`) or `anthropic` (`alpaca_eval_anthropic.txt`). */
export function loadJudgePrompt(kind: "chatgpt" | "anthropic"): string {
  if (kind !== "chatgpt" && kind !== "anthropic") throw new Error(`unknown judge prompt ${JSON.stringify(kind)}: use "chatgpt" or "anthropic"`);
  return readRawText(kind === "chatgpt" ? DATA_FILES.judgePromptChatGpt : DATA_FILES.judgePromptAnthropic).text;
}

/** The task-generation requirements text (`instrcution_prompt.txt`, upstream spelling), verbatim. */
export function loadInstructionPrompt(): string {
  return readRawText(DATA_FILES.instructionPrompt).text;
}

/** One record of upstream's example generation output (fields raw, as the upstream parser wrote them). */
export interface TaskGenerationExample {
  instruction: string;
  input: string;
  type: string;
  topic: string;
  view: string;
  /** As written by the generator: usually "1".."5", but generated text may hold anything. */
  difficulty: string;
  request_idx: number;
}

/** Parse `Output_path_for_task_generation.jsonl`. */
export function parseTaskGenerationExamples(text: string, file: string): TaskGenerationExample[] {
  return parseJsonlRecords(text, file).map((r) => ({
    instruction: stringField(r, "instruction"),
    input: stringField(r, "input"),
    type: stringField(r, "type"),
    topic: stringField(r, "topic"),
    view: stringField(r, "view"),
    difficulty: typeof r.value.difficulty === "number" ? String(r.value.difficulty) : stringField(r, "difficulty"),
    request_idx: integerField(r, "request_idx", 0),
  }));
}

/** The 12 example records of upstream's task-generation output (shows the parser's typical failure). */
export function loadTaskGenerationExamples(): TaskGenerationExample[] {
  const { text, file } = readRawText(DATA_FILES.taskGenerationExamples);
  return parseTaskGenerationExamples(text, file);
}

// ---------------------------------------------------------------------------------------------------------------
// Instruction pools from other sources

/** A MedQuAD consumer-health question (derived by the mirror from the XML; answers dropped). */
export interface MedQuadQuestion {
  qid: string;
  collection: string;
  source: string;
  focus: string;
  qtype: string;
  question: string;
  has_answer: boolean;
}

/** Parse `medquad_questions.jsonl`. */
export function parseMedQuadQuestions(text: string, file: string): MedQuadQuestion[] {
  return parseJsonlRecords(text, file).map((r) => ({
    qid: stringField(r, "qid"),
    collection: stringField(r, "collection"),
    source: stringField(r, "source"),
    focus: stringField(r, "focus"),
    qtype: stringField(r, "qtype"),
    question: stringField(r, "question"),
    has_answer: booleanField(r, "has_answer"),
  }));
}

/** The 47,441 MedQuAD questions. */
export function loadMedQuadQuestions(): MedQuadQuestion[] {
  const { text, file } = readRawText(DATA_FILES.medQuadQuestions);
  return parseMedQuadQuestions(text, file);
}

/** A Self-Instruct seed task or user-oriented instruction. */
export interface SelfInstructTask {
  id: string;
  /** `name` for seed tasks, `motivation_app` for user-oriented instructions. */
  name: string;
  instruction: string;
  instances: { input: string; output: string }[];
  /** Seed tasks only. */
  is_classification?: boolean;
}

/** Parse Self-Instruct's `seed_tasks.jsonl` or `user_oriented_instructions.jsonl`. */
export function parseSelfInstructTasks(text: string, file: string): SelfInstructTask[] {
  return parseJsonlRecords(text, file).map((r) => {
    const instances = r.value.instances;
    if (!Array.isArray(instances)) throw new InputError({ ...r.at, field: "instances" }, `expected an array, got ${describe(instances)}`);
    const task: SelfInstructTask = {
      id: stringField(r, "id"),
      name: "name" in r.value ? stringField(r, "name") : stringField(r, "motivation_app"),
      instruction: stringField(r, "instruction"),
      instances: instances.map((x, j) => {
        const inst = { value: x as Record<string, unknown>, at: r.at, position: r.position };
        if (!x || typeof x !== "object") throw new InputError({ ...r.at, field: `instances.${j}` }, `expected an object, got ${describe(x)}`);
        const field = (f: string) => {
          const v = inst.value[f];
          if (typeof v !== "string") throw new InputError({ ...r.at, field: `instances.${j}.${f}` }, `expected a string, got ${describe(v)}`);
          return v;
        };
        return { input: field("input"), output: field("output") };
      }),
    };
    if ("is_classification" in r.value) task.is_classification = booleanField(r, "is_classification");
    return task;
  });
}

/** The 175 Self-Instruct seed tasks. */
export function loadSelfInstructSeeds(): SelfInstructTask[] {
  const { text, file } = readRawText(DATA_FILES.selfInstructSeeds);
  return parseSelfInstructTasks(text, file);
}

/** The 252 Self-Instruct user-oriented instructions (AlpacaEval's `selfinstruct` subset). */
export function loadUserOrientedInstructions(): SelfInstructTask[] {
  const { text, file } = readRawText(DATA_FILES.userOrientedInstructions);
  return parseSelfInstructTasks(text, file);
}

/** An AlpacaFarm / AlpacaEval instruction with its subset. */
export interface AlpacaFarmInstruction {
  id: string;
  instruction: string;
  dataset: string;
}

/** The 805 AlpacaFarm (AlpacaEval) instructions with their subset. */
export function loadAlpacaFarmInstructions(): AlpacaFarmInstruction[] {
  return loadTestSet("AlpacaFarm").map((t) => ({ id: t.id, instruction: t.instruction, dataset: t.dataset! }));
}

/** An Alpaca-format record `{instruction, input, output}`. */
export interface AlpacaRecord {
  instruction: string;
  input: string;
  output: string;
}

/** Parse a JSON array of Alpaca-format records (ChatDoctor-5k, MedInstruct-52k); a missing `input` reads as "". */
export function parseAlpacaRecords(text: string, file: string): AlpacaRecord[] {
  return parseJsonArrayRecords(text, file).map((r) => ({
    instruction: stringField(r, "instruction"),
    input: optionalStringField(r, "input") ?? "",
    output: stringField(r, "output"),
  }));
}

/** ChatDoctor's GenMedGPT-5k (5,452 patient-doctor exchanges; academic use only). */
export function loadChatDoctor5k(): AlpacaRecord[] {
  const { text, file } = readRawText(DATA_FILES.chatDoctor5k);
  return parseAlpacaRecords(text, file);
}

/** MedInstruct-52k, the paper's training set: optional (not mirrored); `alpacare data --optional --only MedInstruct-52k` downloads it. */
export function loadMedInstruct52k(): AlpacaRecord[] {
  const { text, file } = readRawText(DATA_FILES.medInstruct52k);
  return parseAlpacaRecords(text, file);
}

/** The path of the offline test model `stories260K.gguf` in data/raw, or a {@link DataNotAcquiredError}. */
export function stories260KPath(): string {
  // Only existence is checked: the GGUF is binary and node-llama-cpp reads (and validates) it itself.
  const path = rawPath(DATA_FILES.stories260K);
  if (!existsSync(path)) throw new DataNotAcquiredError(displayPath(path), DATA_FILES.stories260K, false);
  return path;
}

function expectCount<T>(records: T[], expected: number, file: string): T[] {
  if (records.length !== expected) throw new InputError({ file }, `expected ${expected} records, got ${records.length} (count mismatch: a truncated or different file?)`);
  return records;
}
