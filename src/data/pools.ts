/**
 * Instruction pools for the Rouge-L near-duplicate analysis (notebook 03): each pool is a list of texts with ids,
 * drawn from one acquired source.
 */
import { loadAlpacaFarmInstructions, loadChatDoctor5k, loadMedInstruct52k, loadMedQuadQuestions, loadSelfInstructSeeds, loadUserOrientedInstructions } from "./pool-sources.js";
import { loadSeedTasks } from "./seed-tasks.js";
import { loadTestSet } from "./test-sets.js";

/** The instruction pools available. `MedInstruct-52k` is optional (only after `alpacare data --optional`). */
export type InstructionPoolName =
  | "seed-tasks"
  | "MedInstruct-test"
  | "AlpacaFarm"
  | "iCliniq"
  | "MedQuAD"
  | "self-instruct-seeds"
  | "self-instruct-user-oriented"
  | "ChatDoctor-5k"
  | "MedInstruct-52k";

/** Every pool name, small to large. */
export const INSTRUCTION_POOL_NAMES: readonly InstructionPoolName[] = [
  "seed-tasks",
  "self-instruct-seeds",
  "MedInstruct-test",
  "self-instruct-user-oriented",
  "AlpacaFarm",
  "iCliniq",
  "ChatDoctor-5k",
  "MedQuAD",
  "MedInstruct-52k",
];

/** One text of a pool. */
export interface PoolItem {
  /** Unique within the pool: the source's id, or the position. */
  id: string;
  text: string;
}

/** What each pool's text is (shown in the dedup notebook). */
export const INSTRUCTION_POOL_TEXT: Readonly<Record<InstructionPoolName, string>> = {
  "seed-tasks": "the 167 seed tasks' instructions",
  "self-instruct-seeds": "the 175 Self-Instruct seed instructions",
  "MedInstruct-test": "the 216 MedInstruct-test instructions",
  "self-instruct-user-oriented": "the 252 Self-Instruct user-oriented instructions",
  AlpacaFarm: "the 805 AlpacaFarm (AlpacaEval) instructions",
  iCliniq: "the 1,000 iCliniq patient questions (the input; the instruction is fixed)",
  "ChatDoctor-5k": "the 5,452 GenMedGPT-5k patient texts (the input; the instruction is fixed)",
  MedQuAD: "the 47,441 MedQuAD consumer-health questions (44,603 distinct)",
  "MedInstruct-52k": "the 52k MedInstruct training instructions (optional download)",
};

/** Load a pool as `{id, text}` items, in source order. */
export function loadInstructionPool(name: InstructionPoolName): PoolItem[] {
  switch (name) {
    case "seed-tasks":
      return loadSeedTasks().map((t) => ({ id: t.id, text: t.instruction }));
    case "self-instruct-seeds":
      return loadSelfInstructSeeds().map((t) => ({ id: t.id, text: t.instruction }));
    case "self-instruct-user-oriented":
      return loadUserOrientedInstructions().map((t) => ({ id: t.id, text: t.instruction }));
    case "MedInstruct-test":
      return loadTestSet("MedInstruct-test").map((t) => ({ id: t.id, text: t.instruction }));
    case "AlpacaFarm":
      return loadAlpacaFarmInstructions().map((t) => ({ id: t.id, text: t.instruction }));
    case "iCliniq":
      return loadTestSet("iCliniq").map((t) => ({ id: t.id, text: t.input }));
    case "ChatDoctor-5k":
      return loadChatDoctor5k().map((t, i) => ({ id: String(i), text: t.input }));
    case "MedQuAD":
      // (collection, qid) repeats 34 times upstream, so the position keeps ids unique.
      return loadMedQuadQuestions().map((q, i) => ({ id: `${i}:${q.collection}/${q.qid}`, text: q.question }));
    case "MedInstruct-52k":
      return loadMedInstruct52k().map((t, i) => ({ id: String(i), text: t.instruction }));
    default:
      throw new Error(`unknown instruction pool ${JSON.stringify(name)}: use one of ${INSTRUCTION_POOL_NAMES.join(", ")}`);
  }
}
