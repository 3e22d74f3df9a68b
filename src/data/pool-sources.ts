/**
 * Instruction pools from other sources (MedQuAD, self-instruct, user-oriented, AlpacaFarm, MedInstruct-52k,
 * ChatDoctor): the texts the near-duplicate analysis compares with. Its own module because none of them is used by
 * the paper's pipeline itself; they are context for the dedup statistics.
 * The path of the mirrored test model (`stories260KPath`) is here too, another acquired file outside the pipeline.
 */
import { existsSync } from "node:fs";
import { InputError } from "../core/index.js";
import { DATA_FILES } from "./data-files.js";
import { booleanField, DataNotAcquiredError, describe, optionalStringField, parseJsonArrayRecords, parseJsonlRecords, readRawText, stringField, displayPath } from "./parse.js";
import { rawPath } from "./sources.js";
import { loadTestSet } from "./test-sets.js";

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
