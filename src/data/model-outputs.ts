/**
 * The published outputs of the paper's models on each test set, each record aligned with its test item. Its own
 * module because model output files come in per-folder shapes (`medsi/`, `medinstruct/`, AlpacaEval JSON).
 */
import { InputError } from "../core/index.js";
import { MODEL_OUTPUT_FOLDERS, modelOutputSource, describeModelFolder, type TestSetName } from "./models.js";
import { idField, optionalStringField, parseJsonArrayRecords, readRawText, sameText, stringField } from "./parse.js";
import { mismatch } from "./record-checks.js";
import { loadSources, type DataSource } from "./sources.js";
import { loadTestSet, type TestItem } from "./test-sets.js";

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
