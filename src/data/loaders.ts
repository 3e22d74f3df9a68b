/**
 * Typed loaders for the acquired upstream files (`data/raw/`, filled by `alpacare data`). Each file is parsed once
 * into typed records; malformed input throws `InputError` naming the file, the line or index, and the field. Every
 * loader has a pure `parse*` twin taking the text and a file name, for tests and for files from elsewhere.
 *
 * This file gathers the loaders, one section of upstream files per module: the shared paths and counts
 * (data-files.ts), seed tasks (seed-tasks.ts), test sets (test-sets.ts), reference outputs (reference-outputs.ts),
 * published model outputs (model-outputs.ts), the paper's values, prompts and examples (paper-files.ts) and the
 * instruction pools from other sources (pool-sources.ts). Their shared record checks (record-checks.ts) stay internal.
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
export * from "./data-files.js";
export * from "./seed-tasks.js";
export * from "./test-sets.js";
export * from "./reference-outputs.js";
export * from "./model-outputs.js";
export * from "./paper-files.js";
export * from "./pool-sources.js";
