/**
 * The 167 clinician-written seed tasks (`med_seed.json`): their record type, parser and loader. Its own module
 * because the seeds feed generation and analysis, never evaluation.
 */
import { DATA_FILES, EXPECTED_COUNTS } from "./data-files.js";
import { integerField, parseJsonArrayRecords, readRawText, stringField } from "./parse.js";
import { expectCount } from "./record-checks.js";

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
