/**
 * Where the loaders read from and what they expect: the mirror paths of the upstream files, their fixed record
 * counts, and the fixed iCliniq instruction. Its own module because every loader section shares these constants.
 *
 * The loaders. The acquired upstream files (`data/raw/`, filled by `alpacare data`) are each parsed once into typed
 * records; malformed input throws `InputError` naming the file, the line or index, and the field. Every loader has a
 * pure `parse*` twin taking the text and a file name, for tests and for files from elsewhere. One section of upstream
 * files per module: the shared paths and counts (this one), seed tasks (seed-tasks.ts), test sets (test-sets.ts, which
 * also describes the ids and what the upstream files agree on), reference outputs (reference-outputs.ts), published
 * model outputs (model-outputs.ts), the paper's values, prompts and examples (paper-files.ts) and the instruction
 * pools from other sources (pool-sources.ts). Their shared record checks (record-checks.ts) stay internal.
 */
import type { TestSetName } from "./models.js";

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
