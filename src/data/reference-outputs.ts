/**
 * The reference outputs the judge compares against (gpt-4, gpt-3.5-turbo, text-davinci-003, claude-2), each record
 * checked against its test item. Its own module because the upstream reference files differ in shape per reference
 * (claude-2's prompt/response, AlpacaEval's folders) and where a reference must be substituted is decided here.
 */
import { InputError } from "../core/index.js";
import { ICLINIQ_INSTRUCTION } from "./data-files.js";
import { mismatch } from "./record-checks.js";
import { REFERENCE_NAMES, type ReferenceName, type TestSetName } from "./models.js";
import { describe, parseJsonArrayRecords, parseJsonlRecords, readRawText, sameText, stringField, type LocatedRecord } from "./parse.js";
import { loadTestSet, type TestItem } from "./test-sets.js";

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
