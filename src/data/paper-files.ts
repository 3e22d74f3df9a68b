/**
 * The paper's own artefacts: its reported figure values, the judge and instruction prompts, and the published task
 * generation examples. Its own module because these are the reference points a reproduction is compared with, not
 * data a stage computes on.
 */
import { InputError } from "../core/index.js";
import { DATA_FILES } from "./data-files.js";
import { REFERENCE_NAMES, type ReferenceName, type TestSetName } from "./models.js";
import { describe, integerField, parseJsonlRecords, readRawText, stringField } from "./parse.js";

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
