/**
 * Turning a teacher's completion into tasks. Two modes:
 *
 * - `faithful`: upstream's `post_process_gpt3_response`, quirks included: "{k+1}. Type: " is prepended, the text is
 *   split on "###", whitespace is collapsed, then `str.strip("{i+k+2}\.\s+")` removes a *character set* (digits,
 *   '\', '.', 's', '+') from both ends (so "...symptoms." loses its final ".s"), and the field names Type, Topic,
 *   View, Difficulty, Instruction, Input are searched for, in that order, as plain substrings. A field name inside
 *   the text (an instruction "Input the ...") shifts the fields; a task that runs into the next one without "###"
 *   ends up inside the previous task's input (7 of the 12 upstream examples); a fragment missing any field raises a
 *   KeyError upstream and is silently skipped (here: rejected with reason `missing-fields`).
 * - `robust`: labels only count at the start of a line (or, on a single-line fragment, as `Label:`), case-insensitive;
 *   tasks are split on "###" and on a numbered "N. Type:" wherever the model dropped the "###"; numbering drift is
 *   ignored; missing taxonomy fields are tolerated (noted as repairs), a missing instruction is rejected, and the last
 *   task of a completion cut at max_tokens is rejected as `truncated`.
 */
import { pyCollapseWhitespace, pyStrip, pyStripChars } from "./prompt.js";

/** Which parser. */
export type ParseMode = "faithful" | "robust";

/** A task read from a completion. Fields are strings, as upstream writes them. */
export interface ParsedTask {
  type: string;
  topic: string;
  view: string;
  difficulty: string;
  instruction: string;
  input: string;
  /** 0-based index of the fragment this task came from (after splitting). */
  fragment: number;
  /** The task number the model wrote, when the robust parser saw one. */
  number?: number;
  /** Robust mode: what was fixed up (`input-missing`, `type-missing`, `noinput-normalised`, `number-drift`...). */
  repairs?: string[];
}

/** Why a fragment was not turned into a task. */
export type RejectReason =
  | "missing-fields" // faithful: fewer than the six field names found in order (upstream KeyError)
  | "missing-instruction" // robust: no Instruction field
  | "empty-instruction" // robust: Instruction present but empty
  | "truncated" // robust: last fragment of a completion cut at max_tokens, or one missing its Input
  | "not-a-task"; // robust: text without any field label (chatter such as "Sure! Here are more tasks:")

/** A fragment that was not turned into a task, kept for auditing. */
export interface RejectedFragment {
  fragment: number;
  reason: RejectReason;
  /** Which fields were missing, or other detail. */
  detail?: string;
  text: string;
}

/** The outcome of parsing one completion. */
export interface ParseResult {
  tasks: ParsedTask[];
  rejects: RejectedFragment[];
}

/** Options for {@link parseTaskCompletion}. */
export interface ParseOptions {
  /** Which parser. Default `faithful`. */
  mode?: ParseMode;
  /** The number of the first task the completion continues (k+1 for k in-context tasks; 4 in the paper). */
  firstNumber: number;
  /** Why the completion ended; `length` lets the robust parser reject a cut-off last task. */
  finishReason?: string;
}

/** The six fields, in the order the prompt asks for them. */
export const TASK_FIELDS = ["Type", "Topic", "View", "Difficulty", "Instruction", "Input"] as const;

/** Parse a completion with the chosen mode. */
export function parseTaskCompletion(completion: string | null | undefined, options: ParseOptions): ParseResult {
  return (options.mode ?? "faithful") === "robust"
    ? parseTasksRobust(completion, options.firstNumber, options.finishReason)
    : parseTasksFaithful(completion, options.firstNumber);
}

/** Upstream's parser, reproduced (see the module comment). `firstNumber` is upstream's `seed_number` (k+1). */
export function parseTasksFaithful(completion: string | null | undefined, firstNumber: number): ParseResult {
  const out: ParseResult = { tasks: [], rejects: [] };
  if (completion === null || completion === undefined) return out;
  const raw = `${firstNumber}. Type: ` + completion;
  const parts = raw.split("###");
  parts.forEach((part, i) => {
    let inst = pyStrip(pyCollapseWhitespace(part));
    // Upstream: inst.strip(f"{i+seed_number+1}\.\s+") -- a character set, not a pattern.
    inst = pyStripChars(inst, `${i + firstNumber + 1}\\.\\s+`);
    inst = pyStrip(inst);
    inst = pyStripChars(inst, '"');
    if (inst === "") return;
    const values: string[] = [];
    const found: string[] = [];
    let start = 0;
    for (const key of TASK_FIELDS) {
      const idx = inst.indexOf(key, start);
      if (idx !== -1) {
        values.push(pyStrip(inst.slice(start, idx)));
        found.push(key);
        start = idx + key.length;
        // Python skips one code point after the name (the ':'); keep surrogate pairs whole.
        const c = inst.charCodeAt(start);
        start += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      }
    }
    values.push(pyStrip(inst.slice(start)));
    const fields = values.slice(1);
    if (fields.length < TASK_FIELDS.length) {
      const missing = TASK_FIELDS.filter((k) => !found.includes(k));
      out.rejects.push({ fragment: i, reason: "missing-fields", detail: missing.join(","), text: part });
      return;
    }
    // zip(keys, values[1:]): the i-th value found goes to the i-th key, whatever was actually found.
    out.tasks.push({
      type: fields[0]!,
      topic: fields[1]!,
      view: fields[2]!,
      difficulty: fields[3]!,
      instruction: fields[4]!,
      input: fields[5]!,
      fragment: i,
    });
  });
  return out;
}

const LABEL_RE = /^[ \t*_#>-]*(type|topic|view|difficulty|instruction|input)[ \t*_]*:/gim;
const INLINE_LABEL_RE = /(?:^|[\s"'(])(type|topic|view|difficulty|instruction|input)\s*:/gi;
const NUMBERED_TYPE_RE = /(^|\s)(\d{1,3})\s*[.)]\s*(?=type\s*:)/gi;
const NOINPUT_RE = /^(?:<\s*no\s*input\s*>|no\s*input|none|n\/?a|-|)$/i;

/** Split a completion into task fragments: on "###", and before a numbered "N. Type:" that lacks its "###". */
function splitFragments(text: string): { text: string; number?: number }[] {
  const pieces: { text: string; number?: number }[] = [];
  for (const chunk of text.split("###")) {
    const starts: { at: number; number: number; len: number }[] = [];
    NUMBERED_TYPE_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = NUMBERED_TYPE_RE.exec(chunk))) starts.push({ at: m.index + m[1]!.length, number: Number(m[2]), len: m[0].length - m[1]!.length });
    if (starts.length === 0) {
      pieces.push({ text: chunk });
      continue;
    }
    if (starts[0]!.at > 0) pieces.push({ text: chunk.slice(0, starts[0]!.at) });
    starts.forEach((s, j) => {
      const end = j + 1 < starts.length ? starts[j + 1]!.at : chunk.length;
      pieces.push({ text: chunk.slice(s.at + s.len, end), number: s.number });
    });
  }
  return pieces;
}

/** Find label positions in a fragment: line-start labels, or inline `Label:` when the fragment is one line. */
function findLabels(text: string): { label: string; at: number; end: number }[] {
  const hits: { label: string; at: number; end: number }[] = [];
  LABEL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LABEL_RE.exec(text))) hits.push({ label: m[1]!.toLowerCase(), at: m.index, end: m.index + m[0].length });
  const distinct = new Set(hits.map((h) => h.label));
  if (distinct.size >= 3 || text.includes("\n")) return hits;
  // A fragment with its newlines collapsed (as in upstream's stored output): fall back to inline "Label:".
  const inline: { label: string; at: number; end: number }[] = [];
  INLINE_LABEL_RE.lastIndex = 0;
  while ((m = INLINE_LABEL_RE.exec(text))) {
    const at = m.index + (m[0].length - m[0].replace(/^[\s"'(]/, "").length);
    inline.push({ label: m[1]!.toLowerCase(), at, end: m.index + m[0].length });
  }
  return new Set(inline.map((h) => h.label)).size > distinct.size ? inline : hits;
}

function cleanValue(v: string, keepNewlines: boolean): string {
  let s = keepNewlines ? v.replace(/[ \t]+/g, " ").replace(/\n{3,}/g, "\n\n").trim() : pyStrip(pyCollapseWhitespace(v));
  s = s.replace(/^\*+|\*+$/g, "").trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"') && !s.slice(1, -1).includes('"')) s = s.slice(1, -1).trim();
  return s;
}

/**
 * The robust parser (see the module comment). `firstNumber` is the number the completion continues; the first
 * fragment gets a "Type:" label prepended because the prompt ended with "{firstNumber}. Type:".
 */
export function parseTasksRobust(completion: string | null | undefined, firstNumber: number, finishReason?: string): ParseResult {
  const out: ParseResult = { tasks: [], rejects: [] };
  if (completion === null || completion === undefined) return out;
  const fragments = splitFragments(`${firstNumber}. Type: ${completion}`);
  // A task that follows another without "###" or a number ("Input: x\nType: y"): split where a Type label follows an Input.
  const units: { text: string; number?: number }[] = [];
  for (const f of fragments) {
    const labels = findLabels(f.text);
    let cut = 0;
    let sawInput = false;
    let first = true;
    for (const l of labels) {
      if (l.label === "input") sawInput = true;
      else if (l.label === "type" && sawInput) {
        units.push({ text: f.text.slice(cut, l.at), number: first ? f.number : undefined });
        first = false;
        cut = l.at;
        sawInput = false;
      }
    }
    units.push({ text: f.text.slice(cut), number: first ? f.number : undefined });
  }
  const lastContent = (() => {
    for (let i = units.length - 1; i >= 0; i--) if (units[i]!.text.trim() !== "") return i;
    return -1;
  })();
  let expected = firstNumber;
  units.forEach((u, i) => {
    if (u.text.trim() === "") return;
    const labels = findLabels(u.text);
    if (labels.length === 0) {
      out.rejects.push({ fragment: i, reason: "not-a-task", text: u.text });
      return;
    }
    const fields: Record<string, string> = {};
    labels.forEach((l, j) => {
      if (fields[l.label] !== undefined) return; // first occurrence wins
      const end = j + 1 < labels.length ? labels[j + 1]!.at : u.text.length;
      // "4. Type: Type: Open Q&A": a model that repeats the label the prompt already wrote
      fields[l.label] = u.text.slice(l.end, end).replace(new RegExp(`^[ \\t*_]*${l.label}[ \\t*_]*:`, "i"), "");
    });
    const repairs: string[] = [];
    if (fields.instruction === undefined) {
      out.rejects.push({ fragment: i, reason: i === lastContent && fields.input === undefined ? "truncated" : "missing-instruction", text: u.text });
      return;
    }
    const instruction = cleanValue(fields.instruction, false);
    if (instruction === "") {
      out.rejects.push({ fragment: i, reason: "empty-instruction", text: u.text });
      return;
    }
    if (i === lastContent && (finishReason === "length" || fields.input === undefined)) {
      out.rejects.push({ fragment: i, reason: "truncated", detail: finishReason === "length" ? "finish_reason=length" : "no Input field", text: u.text });
      return;
    }
    let input = fields.input === undefined ? "" : cleanValue(fields.input, true);
    if (fields.input === undefined) repairs.push("input-missing");
    if (NOINPUT_RE.test(input)) {
      if (input !== "<noinput>") repairs.push("noinput-normalised");
      input = "<noinput>";
    }
    for (const k of ["type", "topic", "view", "difficulty"]) if (fields[k] === undefined) repairs.push(`${k}-missing`);
    let difficulty = cleanValue(fields.difficulty ?? "", false);
    const dm = /^(?:level\s*)?([1-5])(?:\s*(?:\/|out of)\s*5)?\b/i.exec(difficulty);
    if (dm && dm[1] !== difficulty) {
      difficulty = dm[1]!;
      repairs.push("difficulty-normalised");
    }
    if (u.number !== undefined && u.number !== expected) repairs.push("number-drift");
    expected = (u.number ?? expected) + 1;
    const task: ParsedTask = {
      type: cleanValue(fields.type ?? "", false),
      topic: cleanValue(fields.topic ?? "", false),
      view: cleanValue(fields.view ?? "", false),
      difficulty,
      instruction,
      input,
      fragment: i,
    };
    if (u.number !== undefined) task.number = u.number;
    if (repairs.length) task.repairs = repairs;
    out.tasks.push(task);
  });
  return out;
}

/** Count rejects per reason (for the notebook and the progress line). */
export function countRejectReasons(rejects: readonly { reason: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rejects) counts[r.reason] = (counts[r.reason] ?? 0) + 1;
  return counts;
}

/**
 * The completion text upstream's parser read to store one record of `Output_path_for_task_generation.jsonl` (up to
 * whitespace, which the parser collapses): the fields after "1. Type:" in order, the closing quote of a quoted input
 * restored (the parser's `strip('"')` removed it). `parseTasksFaithful(upstreamExampleCompletion(r), 1)` gives the
 * stored record back exactly; the robust parser splits the 7 records whose input swallowed the next task.
 */
export function upstreamExampleCompletion(r: { type: string; topic: string; view: string; difficulty: string | number; instruction: string; input: string }): string {
  const input = r.input.startsWith('"') && !r.input.endsWith('"') ? r.input + '"' : r.input;
  return ` ${r.type}\nTopic: ${r.topic}\nView: ${r.view}\nDifficulty: ${r.difficulty}\nInstruction: ${r.instruction}\nInput: ${input}`;
}
