/**
 * Label normalisation for the seed set's (and generated tasks') free-text `topic`, `view` and `type` fields, used by
 * notebook 01 and the generate stage. It works on plain strings and imports nothing from the rest of src/data.
 *
 * Clinicians typed these labels by hand, so one label appears in several spellings: "Medical student" /
 * "Medical Student" / "Medical Students", "USMLE style Q&A" / "USMLE Style Q&A" / "USMLE-style Q&A",
 * "Summarization" / "Summarizations". The rule is deliberately narrow and fully shown (the normaliser's `mapping` lists
 * every merge), so a count never silently absorbs a different label:
 *   two labels are the same when they agree after (1) case folding, (2) hyphens, slashes and runs of spaces read as
 *   one space, (3) typographic apostrophes read as ', and (4) each word reduced to its singular (`pluralToSingular`).
 * Labels that differ in words ("Student" vs "Medical Student", "Multi-hop" vs "Multiple-hop") stay apart unless the
 * caller passes `synonyms`. Each merged group is shown under its most frequent spelling (ties: first seen).
 */

/** Irregular or ambiguous plurals the suffix rules would get wrong. */
const IRREGULAR_SINGULAR: Readonly<Record<string, string>> = {
  diagnoses: "diagnosis",
  prognoses: "prognosis",
  analyses: "analysis",
  metastases: "metastasis",
  theses: "thesis",
  hypotheses: "hypothesis",
  criteria: "criterion",
  phenomena: "phenomenon",
  children: "child",
  women: "woman",
  men: "man",
  people: "person",
  feet: "foot",
  teeth: "tooth",
  data: "data",
};

/** Endings of words in "s" that are not plurals: "illness", "virus", "diagnosis", "genetics", "nervous". */
const NOT_PLURAL = /(ss|us|is|ics|ous|xis)$/;

/** Singular words (mostly diseases and acronyms) that end in "s" and match no rule above. */
const SINGULAR_IN_S: ReadonlySet<string> = new Set([
  "diabetes", "herpes", "rabies", "measles", "mumps", "scabies", "rickets", "shingles", "series", "species", "news",
  "pancreas", "biceps", "triceps", "forceps", "aids", "ards", "sars", "mers", "copd's", "bias", "gas", "atlas", "alias",
  "its", "has", "was", "this", "yes", "always", "perhaps",
]);

/** One word to its singular by English suffix rules (`studies`->`study`, `rewrites`->`rewrite`); lower-case input. */
export function pluralToSingular(word: string): string {
  if (IRREGULAR_SINGULAR[word]) return IRREGULAR_SINGULAR[word]!;
  if (word.length <= 3 || !word.endsWith("s") || NOT_PLURAL.test(word) || SINGULAR_IN_S.has(word)) return word;
  if (/[^aeiou]ies$/.test(word)) return word.slice(0, -3) + "y";
  if (/(ch|sh|x|z|ss)es$/.test(word)) return word.slice(0, -2);
  return word.slice(0, -1);
}

/** The comparison key of a label (see the module comment): `"USMLE-style Q&As"` -> `"usmle style q&a"`. */
export function labelKey(label: string): string {
  return label
    .normalize("NFKC")
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .toLowerCase()
    .replace(/[-_/]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .split(" ")
    .map(pluralToSingular)
    .join(" ");
}

/** Options for {@link labelNormaliser}. */
export interface LabelNormaliserOptions {
  /** Extra merges the rule does not make, spelled as they appear: `{ "Multi-hop reasoning": "Multiple-hop Reasoning" }`. */
  synonyms?: Readonly<Record<string, string>>;
  /** Turn normalisation off (labels pass through unchanged; the mapping is empty). Default true. */
  enabled?: boolean;
}

/** One merge: the spelling `from` (seen `count` times) is counted as `to`. */
export interface LabelMergeRow {
  from: string;
  to: string;
  count: number;
}

/** Normalises the labels it was built from; `mapping` shows every spelling that changed. */
export interface LabelNormaliser {
  /** The canonical spelling of `label` (unknown labels: by the same rule, else unchanged). */
  normalise(label: string): string;
  /** Every spelling that is counted under another one, largest groups first. */
  mapping: LabelMergeRow[];
}

/**
 * Build a normaliser from all spellings seen (e.g. every seed task's `view`). Each group of spellings with the same
 * {@link labelKey} (after `synonyms`) is shown under its most frequent spelling.
 */
export function labelNormaliser(labels: readonly string[], options: LabelNormaliserOptions = {}): LabelNormaliser {
  if (options.enabled === false) return { normalise: (l) => l, mapping: [] };
  const synonyms = new Map(Object.entries(options.synonyms ?? {}).map(([from, to]) => [labelKey(from), labelKey(to)]));
  const keyOf = (label: string) => {
    const k = labelKey(label);
    return synonyms.get(k) ?? k;
  };
  const spellingCounts = new Map<string, Map<string, number>>(); // key -> spelling -> count (insertion = first seen)
  for (const label of labels) {
    const k = keyOf(label);
    const m = spellingCounts.get(k) ?? new Map<string, number>();
    m.set(label, (m.get(label) ?? 0) + 1);
    spellingCounts.set(k, m);
  }
  const canonical = new Map<string, string>();
  const mapping: (LabelMergeRow & { group: number })[] = [];
  for (const [k, spellings] of spellingCounts) {
    let best = "";
    let bestCount = -1;
    for (const [s, c] of spellings) if (c > bestCount) [best, bestCount] = [s, c];
    canonical.set(k, best);
    const group = [...spellings.values()].reduce((a, b) => a + b, 0);
    for (const [s, c] of spellings) if (s !== best) mapping.push({ from: s, to: best, count: c, group });
  }
  mapping.sort((a, b) => b.group - a.group || a.to.localeCompare(b.to) || b.count - a.count || a.from.localeCompare(b.from));
  return {
    normalise: (label) => canonical.get(keyOf(label)) ?? label,
    mapping: mapping.map(({ from, to, count }) => ({ from, to, count })),
  };
}

/**
 * Opt-in merges of task types that differ in words, not spelling (the seed set has one of each). Not applied unless
 * passed as `synonyms`, because they are judgement calls; notebook 01 shows them in its mapping table when used.
 */
export const TASK_TYPE_SYNONYMS: Readonly<Record<string, string>> = {
  "Multi-hop reasoning": "Multiple-hop Reasoning",
  "Classification Task": "Classification",
  "Rewrite Task": "Rewrite",
  Rewriting: "Rewrite",
  "Open-ended Q&A": "Open Q&A",
};

/** A record with the free-text label fields of a task. */
export interface LabelledTask {
  topic: string;
  view: string;
  type: string;
}

/** Options for {@link normaliseTaskLabels}: the normaliser's, plus synonyms for one field only. */
export interface TaskLabelOptions extends LabelNormaliserOptions {
  /** E.g. `{ type: TASK_TYPE_SYNONYMS }`. */
  fieldSynonyms?: Partial<Record<"topic" | "view" | "type", Readonly<Record<string, string>>>>;
}

/** One merge within a field. */
export interface TaskLabelMergeRow extends LabelMergeRow {
  field: "topic" | "view" | "type";
}

/**
 * Normalise `topic`, `view` and `type` of every task (each field with its own normaliser built from these tasks);
 * returns the normalised copies and the full mapping, field by field.
 */
export function normaliseTaskLabels<T extends LabelledTask>(
  tasks: readonly T[],
  options: TaskLabelOptions = {},
): { tasks: T[]; mapping: TaskLabelMergeRow[]; normalisers: Record<"topic" | "view" | "type", LabelNormaliser> } {
  const fields = ["topic", "view", "type"] as const;
  const normalisers = Object.fromEntries(
    fields.map((f) => [
      f,
      labelNormaliser(
        tasks.map((t) => t[f]),
        { enabled: options.enabled, synonyms: { ...(options.synonyms ?? {}), ...(options.fieldSynonyms?.[f] ?? {}) } },
      ),
    ]),
  ) as Record<"topic" | "view" | "type", LabelNormaliser>;
  return {
    tasks: tasks.map((t) => ({ ...t, topic: normalisers.topic.normalise(t.topic), view: normalisers.view.normalise(t.view), type: normalisers.type.normalise(t.type) })),
    mapping: fields.flatMap((field) => normalisers[field].mapping.map((r) => ({ field, ...r }))),
    normalisers,
  };
}

/** A value and how often it occurs. */
export interface LabelCount {
  label: string;
  count: number;
}

/** Count values, largest first (ties alphabetical): `countLabels(tasks.map(t => t.view))`. */
export function countLabels(values: readonly (string | number)[]): LabelCount[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(String(v), (m.get(String(v)) ?? 0) + 1);
  return [...m].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

/** The `n` most frequent labels, the rest summed into one `otherLabel` row (omitted when empty). */
export function topLabels(counts: readonly LabelCount[], n: number, otherLabel = "Other"): LabelCount[] {
  const sorted = [...counts].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  const head = sorted.slice(0, n);
  const rest = sorted.slice(n).reduce((s, c) => s + c.count, 0);
  return rest > 0 ? [...head, { label: otherLabel, count: rest }] : head;
}
