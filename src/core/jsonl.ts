/**
 * JSON Lines in and out, with one append discipline for every file the run store and the LLM cache write:
 *
 * - A record is written with a single append of `JSON + "\n"` (a batch of records: one append of their lines).
 * - Before appending, a torn tail is repaired: text after the last newline that is not a complete JSON record (a
 *   write a crash interrupted), or a last line that is not valid JSON, is cut back to the last complete record, and
 *   the cut is reported (file, bytes, what it held). A tail that is a complete record missing only its newline gets
 *   the newline. So a fragment never ends up in the middle of a file, and a run never gets stuck on one.
 * - Readers of run-store files ({@link readJsonlIfExists}) accept only complete records: a torn tail is skipped
 *   (the next writer cuts it), any other bad line is an error naming the file and line.
 *
 * The repair must only run while the caller holds the file's writer lock (`core/lock.ts`): another writer's append
 * in progress looks exactly like a torn tail.
 */
import { appendFileSync, closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { InputError, WriteError, fsErrorText } from "./errors.js";

/** Options for {@link readJsonl}. */
export interface ReadJsonlOptions {
  /**
   * What to do with a last line that is not valid JSON and has no trailing newline (a write torn by a crash):
   * `"error"` (default) fails like any bad line; `"skip"` drops it and reports it through `onTornTail`.
   */
  tornTail?: "error" | "skip";
  /** Called with the torn text when `tornTail` is `"skip"` and a torn tail was dropped. */
  onTornTail?: (text: string, line: number) => void;
}

/** Text with a leading UTF-8 byte-order mark removed (editors on Windows add one; JSON.parse refuses it). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Read a text file, naming the file in any OS error (EISDIR, EACCES, ...) and dropping a UTF-8 BOM. */
export function readTextFile(file: string): string {
  if (!existsSync(file)) throw new InputError({ file }, "file not found");
  try {
    return stripBom(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError({ file }, `could not read: ${fsErrorText(e)}`);
  }
}

/** Parse JSONL text; blank lines and a leading BOM are ignored. Errors name `file` and the 1-based line. */
export function parseJsonl<T = unknown>(text: string, file: string, options: ReadJsonlOptions = {}): T[] {
  const out: T[] = [];
  const lines = stripBom(text).split("\n");
  const endsWithNewline = text.endsWith("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, "");
    if (raw.trim() === "") continue;
    try {
      out.push(JSON.parse(raw) as T);
    } catch (e) {
      const isLast = i === lines.length - 1 || (i === lines.length - 2 && lines[lines.length - 1] === "");
      const torn = isLast && !endsWithNewline;
      if (torn && options.tornTail === "skip") {
        options.onTornTail?.(raw, i + 1);
        continue;
      }
      throw new InputError({ file, line: i + 1 }, `not valid JSON${torn ? " (a torn last line: was a write interrupted?)" : ""}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Read a JSONL file; a missing file is an error naming it. */
export function readJsonl<T = unknown>(file: string, options: ReadJsonlOptions = {}): T[] {
  return parseJsonl<T>(readTextFile(file), file, options);
}

/** Read a JSONL file if it exists (torn tail skipped), else `[]`: the resume path of every run store. */
export function readJsonlIfExists<T = unknown>(file: string, onTornTail?: (text: string, line: number) => void): T[] {
  if (!existsSync(file)) return [];
  return parseJsonl<T>(readTextFile(file), file, { tornTail: "skip", onTornTail });
}

/** Read a JSON file (any value); a parse error names the file. */
export function readJson<T = unknown>(file: string): T {
  const text = readTextFile(file);
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new InputError({ file }, `not valid JSON: ${(e as Error).message}`);
  }
}

/** What {@link repairTornTail} did to a file. */
export interface TornTailRepair {
  file: string;
  /** `cut`: the torn bytes were removed; `newline`: a complete record only lacked its final newline. */
  action: "cut" | "newline";
  /** Bytes removed (0 for `newline`). */
  bytes: number;
  /** The start of what the torn tail held (at most 120 characters), to see which record is redone. */
  held: string;
}

/** One line describing a repair, for stderr. */
export function formatTornTailRepair(r: TornTailRepair): string {
  return r.action === "cut"
    ? `note: ${r.file}: cut a torn last record (${r.bytes} bytes, an interrupted write; what it stood for is redone): ${JSON.stringify(r.held)}`
    : `note: ${r.file}: the last record lacked its final newline (an interrupted write); added it`;
}

/** Options for {@link appendJsonl} and {@link repairTornTail}. */
export interface AppendJsonlOptions {
  /** Called when a torn tail was repaired before the append. Default: one note line on stderr. */
  onRepair?: (repair: TornTailRepair) => void;
}

const defaultOnRepair = (r: TornTailRepair) => process.stderr.write(formatTornTailRepair(r) + "\n");

function isCompleteRecord(text: string): boolean {
  const t = text.replace(/\r$/, "");
  if (t.trim() === "") return true;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/** The bytes of `fd` in [start, end). */
function readRange(fd: number, start: number, end: number): Buffer {
  const buf = Buffer.alloc(end - start);
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, start + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Offset just after the last newline strictly before `end` (0 if none), reading backwards in chunks. */
function lineStartBefore(fd: number, end: number): number {
  const CHUNK = 65536;
  let pos = end;
  while (pos > 0) {
    const start = Math.max(0, pos - CHUNK);
    const buf = readRange(fd, start, pos);
    const nl = buf.lastIndexOf(0x0a);
    if (nl >= 0) return start + nl + 1;
    pos = start;
  }
  return 0;
}

/** What is wrong with the tail of an open JSONL file (nothing: undefined), without changing it. */
function findTornTail(fd: number, file: string): (TornTailRepair & { start: number; size: number }) | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  const last = readRange(fd, size - 1, size)[0];
  if (last !== 0x0a) {
    const start = lineStartBefore(fd, size);
    const tail = readRange(fd, start, size).toString("utf8");
    if (isCompleteRecord(tail)) return { file, action: "newline", bytes: 0, held: tail.slice(0, 120), start, size };
    return { file, action: "cut", bytes: size - start, held: tail.slice(0, 120), start, size };
  }
  // Ends in a newline: the last line must still be a record (a torn fragment isolated by an older writer is not).
  const start = lineStartBefore(fd, size - 1);
  const line = readRange(fd, start, size - 1).toString("utf8");
  if (isCompleteRecord(line)) return undefined;
  return { file, action: "cut", bytes: size - start, held: line.slice(0, 120), start, size };
}

function applyRepair(fd: number, t: { action: "cut" | "newline"; start: number; size: number }): void {
  if (t.action === "newline") writeSync(fd, "\n", t.size);
  else ftruncateSync(fd, t.start);
}

/**
 * Repair a torn tail of an open JSONL file descriptor, opened for reading and writing (see the module comment).
 * Returns what was done, or undefined when the file already ends in a complete record. Only under the file's
 * writer lock.
 */
export function repairTornTailFd(fd: number, file: string): TornTailRepair | undefined {
  const t = findTornTail(fd, file);
  if (!t) return undefined;
  applyRepair(fd, t);
  return { file: t.file, action: t.action, bytes: t.bytes, held: t.held };
}

/**
 * Repair a torn tail of `file` (see {@link repairTornTailFd}); a missing file needs no repair. The file is opened
 * for writing only when there is something to repair, so a read-only file in good shape is fine.
 */
export function repairTornTail(file: string, options: AppendJsonlOptions = {}): TornTailRepair | undefined {
  if (!existsSync(file)) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    let t = findTornTail(fd, file);
    if (!t) return undefined;
    closeSync(fd);
    fd = undefined;
    fd = openSync(file, "r+");
    t = findTornTail(fd, file);
    if (!t) return undefined;
    applyRepair(fd, t);
    const r: TornTailRepair = { file: t.file, action: t.action, bytes: t.bytes, held: t.held };
    (options.onRepair ?? defaultOnRepair)(r);
    return r;
  } catch (e) {
    throw e instanceof WriteError ? e : new WriteError(file, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Append records as complete lines, in one append, after repairing a torn tail. A failed write throws
 * {@link WriteError} naming the file and the OS error: never silent.
 */
export function appendJsonl(file: string, records: readonly unknown[], options: AppendJsonlOptions = {}): void {
  if (records.length === 0) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (e) {
    throw new WriteError(dirname(file), e);
  }
  repairTornTail(file, options);
  try {
    appendFileSync(file, records.map((r) => JSON.stringify(r) + "\n").join(""));
  } catch (e) {
    throw new WriteError(file, e);
  }
}

/** Write a whole file atomically (temp file + rename): readers never see half a file. A failure throws {@link WriteError}. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new WriteError(file, e);
  }
}

/** Write records as JSONL atomically. */
export function writeJsonl(file: string, records: readonly unknown[]): void {
  writeFileAtomic(file, records.map((r) => JSON.stringify(r)).join("\n") + (records.length ? "\n" : ""));
}
