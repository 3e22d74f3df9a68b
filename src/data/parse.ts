/**
 * Validation at the edge: parse upstream JSON / JSONL text into records and read typed fields out of them, failing
 * with an `InputError` that names the file, the line (JSONL) or index (JSON array) and the field.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { InputError, type InputLocation, stripBom } from "../core/index.js";
import { rawPath, findSource, loadSources, type DataSource } from "./sources.js";

/** A record of an upstream file with where it came from. */
export interface LocatedRecord {
  value: Record<string, unknown>;
  /** Where the record is: `{file, line}` for JSONL, `{file, index}` for a JSON array. */
  at: InputLocation;
  /** 0-based position among the records. */
  position: number;
}

/** Parse JSONL text into objects with their 1-based line numbers; blank lines are skipped. */
export function parseJsonlRecords(text: string, file: string): LocatedRecord[] {
  const out: LocatedRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, "");
    if (raw.trim() === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      throw new InputError({ file, line: i + 1 }, `not valid JSON: ${(e as Error).message}`);
    }
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new InputError({ file, line: i + 1 }, `expected a JSON object, got ${describe(v)}`);
    out.push({ value: v as Record<string, unknown>, at: { file, line: i + 1 }, position: out.length });
  }
  return out;
}

/** Parse a JSON array of objects, each located by its 0-based index. */
export function parseJsonArrayRecords(text: string, file: string): LocatedRecord[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError({ file }, `not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(doc)) throw new InputError({ file }, `expected a JSON array, got ${describe(doc)}`);
  return doc.map((v, index) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new InputError({ file, index }, `expected a JSON object, got ${describe(v)}`);
    return { value: v as Record<string, unknown>, at: { file, index }, position: index };
  });
}

/** A short description of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `a string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  if (typeof v === "object") return "an object";
  if (v === undefined) return "nothing (field missing)";
  return `${typeof v} ${String(v)}`;
}

/** A required string field. */
export function stringField(r: LocatedRecord, field: string): string {
  const v = r.value[field];
  if (typeof v !== "string") throw new InputError({ ...r.at, field }, `expected a string, got ${describe(v)}`);
  return v;
}

/** An optional string field (absent → undefined; present but not a string → error). */
export function optionalStringField(r: LocatedRecord, field: string): string | undefined {
  return r.value[field] === undefined ? undefined : stringField(r, field);
}

/** A required boolean field. */
export function booleanField(r: LocatedRecord, field: string): boolean {
  const v = r.value[field];
  if (typeof v !== "boolean") throw new InputError({ ...r.at, field }, `expected true or false, got ${describe(v)}`);
  return v;
}

/** An integer given as a number or a numeric string (upstream writes difficulties as "3"), optionally in [min, max]. */
export function integerField(r: LocatedRecord, field: string, min?: number, max?: number): number {
  const v = r.value[field];
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw new InputError({ ...r.at, field }, `expected an integer, got ${describe(v)}`);
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) throw new InputError({ ...r.at, field }, `expected an integer from ${min} to ${max}, got ${n}`);
  return n;
}

/** An id given as a number or string, returned as a string. */
export function idField(r: LocatedRecord, field = "id"): string {
  const v = r.value[field];
  if (typeof v === "number" && Number.isInteger(v)) return String(v);
  if (typeof v === "string" && v !== "") return v;
  throw new InputError({ ...r.at, field }, `expected an integer or non-empty string id, got ${describe(v)}`);
}

/** Path for messages: relative to the working directory when it is inside it, so errors stay short. */
export function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/**
 * A data file that has not been acquired. The message says how to get it: `alpacare data`, or for the optional
 * (unmirrored, large) files `alpacare data --optional --only <path>`.
 */
export class DataNotAcquiredError extends InputError {
  readonly mirrorPath: string;
  readonly optional: boolean;
  constructor(file: string, mirrorPath: string, optional: boolean, mirrorOnly = false) {
    super(
      { file },
      optional
        ? `not acquired: this file is optional and large (not in the mirror); \`alpacare data --optional --only ${mirrorPath}\` downloads it`
        : mirrorOnly
          ? "not acquired: this file is only available from a data mirror (it has no upstream URL); run `alpacare data --mirror DIR` (or set ALPACARE_DATA_MIRROR)"
          : "not acquired yet: run `alpacare data` (copies it from the mirror or downloads it, verified by SHA-1)",
    );
    this.name = "DataNotAcquiredError";
    this.mirrorPath = mirrorPath;
    this.optional = optional;
  }
}

/**
 * Read an acquired file (`data/raw/<mirrorPath>`) as text, or throw {@link DataNotAcquiredError}. Returns the text
 * and the path to name in messages.
 */
export function readRawText(mirrorPath: string, sources?: DataSource[]): { text: string; file: string } {
  const path = rawPath(mirrorPath);
  const file = displayPath(path);
  if (!existsSync(path)) {
    const source = findSource(mirrorPath, sources ?? loadSources());
    throw new DataNotAcquiredError(file, mirrorPath, Boolean(source?.optional), source !== undefined && !source.url);
  }
  return { text: stripBom(readFileSync(path, "utf8")), file };
}

/** Collapse whitespace: alignment checks between files compare texts this way (upstream re-serialised some). */
export function sameText(a: string, b: string): boolean {
  return a === b || a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();
}
