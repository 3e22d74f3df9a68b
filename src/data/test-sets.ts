/**
 * The three test sets (MedInstruct-test, iCliniq, AlpacaFarm) as typed items with the ids everything else lines up
 * by. Its own module because each test set is read from a different upstream file shape, and the reference and model
 * output loaders check their records against these items.
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
import { InputError } from "../core/index.js";
import { DATA_FILES, EXPECTED_COUNTS, ICLINIQ_INSTRUCTION } from "./data-files.js";
import { REFERENCE_NAMES, type ReferenceName, type TestSetName } from "./models.js";
import { describe, idField, integerField, parseJsonArrayRecords, parseJsonlRecords, readRawText, sameText, stringField } from "./parse.js";
import { expectCount } from "./record-checks.js";

/** One test item: the paper's (instruction, input) pair. */
export interface TestItem {
  /** Aligns reference and model outputs (see this module's header). */
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
