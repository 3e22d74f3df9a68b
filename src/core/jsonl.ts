/**
 * JSON Lines in and out. Reading names the file and line of any bad record; appending is crash-safe: each record is
 * one `appendFileSync` of a complete line, so a process killed mid-write leaves at most one torn last line, which
 * `readJsonl(..., { tornTail: "skip" })` detects and skips instead of failing.
 */
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { InputError } from "./errors.js";

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

/** Parse JSONL text; blank lines are ignored. Errors name `file` and the 1-based line. */
export function parseJsonl<T = unknown>(text: string, file: string, options: ReadJsonlOptions = {}): T[] {
  const out: T[] = [];
  const lines = text.split("\n");
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
  if (!existsSync(file)) throw new InputError({ file }, "file not found");
  return parseJsonl<T>(readFileSync(file, "utf8"), file, options);
}

/** Read a JSONL file if it exists (torn tail skipped), else `[]`: the resume path of every run store. */
export function readJsonlIfExists<T = unknown>(file: string, onTornTail?: (text: string, line: number) => void): T[] {
  if (!existsSync(file)) return [];
  return parseJsonl<T>(readFileSync(file, "utf8"), file, { tornTail: "skip", onTornTail });
}

/** Read a JSON file (any value); a parse error names the file. */
export function readJson<T = unknown>(file: string): T {
  if (!existsSync(file)) throw new InputError({ file }, "file not found");
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (e) {
    throw new InputError({ file }, `not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Append records as complete lines. If the file ends in a torn line (no trailing newline) a newline is written
 * first, so the torn fragment stays isolated on its own line and the new records stay readable.
 */
export function appendJsonl(file: string, records: readonly unknown[]): void {
  if (records.length === 0) return;
  mkdirSync(dirname(file), { recursive: true });
  let prefix = "";
  if (existsSync(file)) {
    const buf = readTail(file);
    if (buf.length > 0 && buf[buf.length - 1] !== 0x0a) prefix = "\n";
  }
  appendFileSync(file, prefix + records.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

function readTail(file: string): Buffer {
  // Only the last byte matters; reading the whole file would make appends O(n^2) on big run stores.
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return Buffer.alloc(0);
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b;
  } finally {
    closeSync(fd);
  }
}

/** Write a whole file atomically (temp file + rename): readers never see half a file. */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** Write records as JSONL atomically. */
export function writeJsonl(file: string, records: readonly unknown[]): void {
  writeFileAtomic(file, records.map((r) => JSON.stringify(r)).join("\n") + (records.length ? "\n" : ""));
}
