/**
 * The verdict store: `data/runs/<run>/verdicts/<model>__<testSet>__<reference>__<judge>__<template>.jsonl`, one
 * JSON line per (item, order), appended as answers arrive (a crash loses at most the calls in flight), read back to
 * resume, to score, and by the figures. Researchers may drop their own verdict files (this shape, or converted from
 * upstream/AlpacaEval files with `formats.ts`) into the same folder.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { InputError, readTextFile, runDir } from "../core/index.js";
import type { JudgeOrder, VerdictRecord } from "./types.js";

/** `data/runs/<run>/verdicts/`. */
export function verdictsDir(run = "default"): string {
  return join(runDir(run), "verdicts");
}

/** A file-name-safe form of a name (a GGUF path becomes its base name without `.gguf`). */
export function verdictSafeName(name: string): string {
  const base = /[\\/]/.test(name) && /\.gguf$/i.test(name) ? basename(name).replace(/\.gguf$/i, "") : name;
  return base.replace(/[^A-Za-z0-9._-]+/g, "_");
}

/** What identifies one verdict file. */
export interface VerdictFileKey {
  model: string;
  testSet: string;
  reference: string;
  /** The judge's model id (e.g. `gpt-3.5-turbo`). */
  judge: string;
  /** The template name (`chatgpt`, `anthropic`, a file name). */
  template: string;
}

/** The verdict file of one (model, test set, reference, judge, template) in a run. */
export function verdictFilePath(run: string, key: VerdictFileKey): string {
  const parts = [key.model, key.testSet, key.reference, key.judge, key.template].map(verdictSafeName);
  return join(verdictsDir(run), parts.join("__") + ".jsonl");
}

const ORDERS = new Set<JudgeOrder>(["referenceFirst", "referenceLast"]);

function check(cond: boolean, file: string, line: number, field: string, reason: string): void {
  if (!cond) throw new InputError({ file, line, field }, reason);
}

/** Validate one parsed line as a verdict record (throws InputError naming file, line and field). */
export function validateVerdictRecord(r: unknown, file: string, line: number): VerdictRecord {
  check(!!r && typeof r === "object" && !Array.isArray(r), file, line, "(record)", "expected a JSON object");
  const o = r as Record<string, unknown>;
  for (const f of ["itemId", "model", "reference", "testSet", "model1", "model2", "raw"]) {
    check(typeof o[f] === "string", file, line, f, `expected a string, got ${JSON.stringify(o[f])}`);
  }
  check(typeof o.index === "number" && Number.isInteger(o.index), file, line, "index", `expected an integer, got ${JSON.stringify(o.index)}`);
  check(ORDERS.has(o.order as JudgeOrder), file, line, "order", `expected "referenceFirst" or "referenceLast", got ${JSON.stringify(o.order)}`);
  const v = o.verdict as Record<string, unknown> | undefined;
  check(!!v && typeof v === "object", file, line, "verdict", "expected an object {alpacare, robust}");
  for (const m of ["alpacare", "robust"]) {
    const x = v![m];
    check(x === null || x === 0 || x === 0.5 || x === 1, file, line, `verdict.${m}`, `expected 0, 0.5, 1 or null, got ${JSON.stringify(x)}`);
  }
  const j = o.judge as Record<string, unknown> | undefined;
  check(!!j && typeof j.model === "string", file, line, "judge.model", "expected a string");
  const t = o.template as Record<string, unknown> | undefined;
  check(!!t && typeof t.hash === "string", file, line, "template.hash", "expected a string");
  return o as unknown as VerdictRecord;
}

/**
 * Read one verdict file (missing file = no records: the resume path; a file named by a user is checked by the
 * caller). A leading BOM is dropped. A torn last line (a crash mid-write) is skipped; any other bad
 * line is an InputError naming the file, line and field.
 */
export function readVerdictFile(file: string): VerdictRecord[] {
  if (!existsSync(file)) return [];
  const text = readTextFile(file);
  const lines = text.split("\n");
  const out: VerdictRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, "");
    if (raw.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === "");
      if (isLast && !text.endsWith("\n")) continue; // torn tail: the write that a crash interrupted
      // A torn fragment followed by later appends sits alone on its line (appendJsonl isolates it): skip it too,
      // but only when it does not parse as JSON at all and looks like the start of a record.
      if (raw.startsWith("{") && !raw.endsWith("}")) continue;
      throw new InputError({ file, line: i + 1 }, `not valid JSON: ${(e as Error).message}`);
    }
    out.push(validateVerdictRecord(parsed, file, i + 1));
  }
  return out;
}

/** Filter for {@link loadVerdicts}; every given field must match. `judge` matches the judge's model id. */
export interface VerdictFilter {
  model?: string | string[];
  testSet?: string | string[];
  reference?: string | string[];
  judge?: string | string[];
  /** Template name or hash. */
  template?: string | string[];
}

function matches(want: string | string[] | undefined, ...have: (string | undefined)[]): boolean {
  if (want === undefined) return true;
  const w = Array.isArray(want) ? want : [want];
  return have.some((h) => h !== undefined && w.includes(h));
}

/** Does a record pass a filter? */
export function matchesVerdictFilter(r: VerdictRecord, f: VerdictFilter = {}): boolean {
  return matches(f.model, r.model) && matches(f.testSet, r.testSet) && matches(f.reference, r.reference)
    && matches(f.judge, r.judge.model, r.judge.modelVersion) && matches(f.template, r.template.name, r.template.hash);
}

/** Every verdict file of a run (sorted paths). */
export function verdictFiles(run = "default"): string[] {
  const dir = verdictsDir(run);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort().map((f) => join(dir, f));
}

/** All verdict records of a run that pass `filter` (from every file in its verdicts folder). */
export function loadVerdicts(run = "default", filter: VerdictFilter = {}): VerdictRecord[] {
  return verdictFiles(run).flatMap((f) => readVerdictFile(f).filter((r) => matchesVerdictFilter(r, filter)));
}
