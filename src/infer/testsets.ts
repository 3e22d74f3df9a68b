/**
 * Test-set adapters: each test set becomes the (id, instruction, input) items the paper's models answered.
 * iCliniq: the fixed doctor instruction + the patient's text as input; MedInstruct-test and AlpacaFarm: the
 * instruction alone (docs/method.md#8-inference-on-the-test-sets). Checked against the published outputs: all 14 published models' records carry
 * exactly these pairs, and their `raw_output` opens with the Alpaca prompt rendered from them.
 */
import { InputError } from "../core/index.js";
import { ICLINIQ_INSTRUCTION, type TestItem, type TestSetName } from "../data/index.js";
import type { InstructionPair } from "./templates.js";

/** The three free-form test sets, in the paper's order. */
export const INFER_TEST_SETS: readonly TestSetName[] = ["iCliniq", "MedInstruct-test", "AlpacaFarm"];

/** One item as the model under test sees it. */
export interface InferItem extends InstructionPair {
  /** The test item's id (as `loadTestSet` gives it). */
  id: string;
}

/** Is `name` one of the three test sets? */
export function isInferTestSet(name: string): name is TestSetName {
  return (INFER_TEST_SETS as readonly string[]).includes(name);
}

/**
 * Turn a test set's items into the paper's (id, instruction, input) items.
 * - iCliniq: instruction = the data stage's `ICLINIQ_INSTRUCTION`; input = the patient text (the item's `input`). An item whose
 *   own instruction is neither empty nor that text is rejected: it would not be the paper's prompt.
 * - MedInstruct-test, AlpacaFarm: the instruction, input "" (neither set has inputs; a non-empty one is rejected).
 * Empty instructions (or an empty iCliniq input) are rejected too. `source` names the data in error messages.
 */
export function inferItems(testSet: TestSetName, items: readonly TestItem[], source: string = testSet): InferItem[] {
  return items.map((item, index) => {
    const id = String(item.id);
    if (testSet === "iCliniq") {
      if (item.instruction !== "" && item.instruction !== ICLINIQ_INSTRUCTION) {
        throw new InputError({ file: source, index, field: "instruction" }, `iCliniq items are asked with the fixed doctor instruction; got ${JSON.stringify(item.instruction.slice(0, 80))}`);
      }
      if (!item.input) throw new InputError({ file: source, index, field: "input" }, "iCliniq item has no patient text");
      return { id, instruction: ICLINIQ_INSTRUCTION, input: item.input };
    }
    if (!item.instruction) throw new InputError({ file: source, index, field: "instruction" }, "empty instruction");
    if (item.input) throw new InputError({ file: source, index, field: "input" }, `${testSet} items have no input in the paper; got ${JSON.stringify(item.input.slice(0, 80))}`);
    return { id, instruction: item.instruction, input: "" };
  });
}
