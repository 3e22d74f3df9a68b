/**
 * Reading the texts to deduplicate from a file: a JSON array of records or JSONL (one record per line), taking one
 * string field (a dot path, e.g. `task.instruction`). Bad input is an InputError naming the file, the line (JSONL)
 * or record index (JSON array) and the field.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { InputError, readTextFile } from "../core/index.js";

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}

function pick(record: unknown, path: string[]): unknown {
  let v: unknown = record;
  for (const p of path) {
    if (v === null || typeof v !== "object" || Array.isArray(v) || !(p in (v as object))) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** Read field `field` (dot path) of every record of a JSON-array or JSONL file, in file order. */
export function readDedupTexts(file: string, field: string): string[] {
  if (!existsSync(file)) throw new InputError({ file }, "file not found");
  if (statSync(file).isDirectory()) throw new InputError({ file }, "is a folder, not a JSON or JSONL file");
  const text = readTextFile(file); // a leading UTF-8 BOM is dropped, OS errors name the file
  const path = field.split(".");
  const take = (record: unknown, loc: { line?: number; index?: number }): string => {
    if (record === null || typeof record !== "object" || Array.isArray(record))
      throw new InputError({ file, ...loc }, `expected a JSON object, got ${describe(record)}`);
    const v = pick(record, path);
    if (v === undefined) throw new InputError({ file, ...loc, field }, "missing field");
    if (typeof v !== "string") throw new InputError({ file, ...loc, field }, `expected a string, got ${describe(v)}`);
    return v;
  };
  if (text.trimStart().startsWith("[")) {
    let arr: unknown;
    try {
      arr = JSON.parse(text);
    } catch (e) {
      throw new InputError({ file }, `not valid JSON: ${(e as Error).message}`);
    }
    return (arr as unknown[]).map((r, index) => take(r, { index }));
  }
  const out: string[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, "");
    if (raw.trim() === "") continue;
    let rec: unknown;
    try {
      rec = JSON.parse(raw);
    } catch (e) {
      throw new InputError({ file, line: i + 1 }, `not valid JSON: ${(e as Error).message}`);
    }
    out.push(take(rec, { line: i + 1 }));
  }
  return out;
}
