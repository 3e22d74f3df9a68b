/**
 * Deviations from the paper, kept beside the numbers that rest on them: every stage's config snapshot gets the
 * `substitutions` (a different model than the paper's) and `adaptations` (parameters dropped, renamed or limits
 * changed for the model) of its runs, merged across resumed runs so none is lost.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../core/index.js";
import type { Adaptation } from "./params.js";
import { describeSubstitution, type Substitution } from "./substitute.js";

/** What a config snapshot records of the deviations. */
export interface Deviations {
  substitutions: Substitution[];
  adaptations: Adaptation[];
}

const idOf = (x: object) => JSON.stringify(x, Object.keys(x).filter((k) => k !== "count").sort());

/**
 * What makes two adaptations the same change: model, parameter, action and values; per-item reductions (a local
 * context) differ only in their numbers, so they are one change (kept with the smallest limit).
 */
export function adaptationKey(a: Adaptation): string {
  return `${a.model}|${a.parameter}|${a.action}${a.action === "reduced" ? "" : `|${JSON.stringify(a.from)}|${JSON.stringify(a.to)}`}`;
}

/** Merge lists, one entry per distinct record (adaptation counts add up). */
export function mergeDeviations(a: Partial<Deviations>, b: Partial<Deviations>): Deviations {
  const subs = new Map<string, Substitution>();
  for (const s of [...(a.substitutions ?? []), ...(b.substitutions ?? [])]) subs.set(idOf(s), s);
  const adapts = new Map<string, Adaptation>();
  for (const x of [...(a.adaptations ?? []), ...(b.adaptations ?? [])]) {
    const id = adaptationKey(x);
    const seen = adapts.get(id);
    if (!seen) adapts.set(id, { ...x });
    else {
      seen.count = (seen.count ?? 1) + (x.count ?? 1);
      if (x.action === "reduced" && typeof x.to === "number" && typeof seen.to === "number" && x.to < seen.to) seen.to = x.to;
    }
  }
  return { substitutions: [...subs.values()], adaptations: [...adapts.values()] };
}

/**
 * Add deviations to a JSON config snapshot (created when missing only if there is something to record). A no-op when
 * both lists are empty and the file has none.
 */
export function recordDeviations(configFile: string, deviations: Partial<Deviations>): void {
  if (!deviations.substitutions?.length && !deviations.adaptations?.length) return;
  const prev = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, "utf8")) as Record<string, unknown> & Partial<Deviations>) : {};
  const merged = mergeDeviations(prev, deviations);
  writeFileAtomic(configFile, JSON.stringify({ ...prev, substitutions: merged.substitutions, adaptations: merged.adaptations }, null, 2) + "\n");
}

/** The deviations a config snapshot records (empty lists when none or no file). */
export function readDeviations(configFile: string): Deviations {
  if (!existsSync(configFile)) return { substitutions: [], adaptations: [] };
  try {
    const c = JSON.parse(readFileSync(configFile, "utf8")) as Partial<Deviations>;
    return { substitutions: c.substitutions ?? [], adaptations: c.adaptations ?? [] };
  } catch {
    return { substitutions: [], adaptations: [] };
  }
}

/** A model as messages and captions name it: a local GGUF path by its file name (never this machine's folders). */
export function displayModel(model: string): string {
  return /\.gguf$/i.test(model) ? model.split(/[\\/]/).pop()! : model;
}

/** "gpt-6-luna: temperature 0 dropped", one short line per adaptation (captions, summaries). */
export function describeAdaptation(a: Adaptation): string {
  const what =
    a.action === "dropped" ? `${a.parameter} ${JSON.stringify(a.from)} dropped`
    : a.action === "renamed" ? `${a.parameter} sent as ${String(a.to)}`
    : a.action === "set" ? `${a.parameter} set to ${JSON.stringify(a.to)}`
    : `${a.parameter} ${a.action} from ${JSON.stringify(a.from)} to ${JSON.stringify(a.to)}`;
  return `${displayModel(a.model)}: ${what}`;
}

/** One line per deviation, for summaries, captions and the paper-vs-reproduced table. */
export function describeDeviations(d: Deviations): string[] {
  return [...d.substitutions.map(describeSubstitution), ...d.adaptations.map(describeAdaptation)];
}
