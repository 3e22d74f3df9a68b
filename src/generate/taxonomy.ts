/**
 * Taxonomy statistics of a task set (generated, seed, or MedInstruct-52k): counts of views, types and topics after
 * the label normalisation of notebook 01 (`normaliseTaskLabels`), top-N coverage (the paper: the top-20 views cover
 * 55% and the top-20 types 97% of its generated set), and the difficulty distribution. The sunbursts that show them are
 * built in src/figures (`sunburstChart`).
 */
import { countLabels, normaliseTaskLabels, topLabels, type LabelCount, type TaskLabelMergeRow, type TaskLabelOptions } from "../data/index.js";

/** A task with taxonomy fields (difficulty optional: MedInstruct-52k has none). */
export interface TaxonomyTask {
  topic: string;
  view: string;
  type: string;
  difficulty?: string | number;
}

/** Statistics of one field. */
export interface FieldStats {
  /** Distinct labels after normalisation. */
  distinct: number;
  /** Distinct spellings before normalisation. */
  distinctRaw: number;
  /** All labels, largest first. */
  counts: LabelCount[];
  /** The top N, the rest as "Other". */
  top: LabelCount[];
  /** Share of tasks covered by the top N (0..1). */
  topCoverage: number;
}

/** Taxonomy statistics of a task set. */
export interface TaxonomyStats {
  tasks: number;
  topN: number;
  view: FieldStats;
  type: FieldStats;
  topic: FieldStats;
  /** Difficulty 1..5 (other values as written), largest first. */
  difficulty: LabelCount[];
  /** The label merges that were applied. */
  mapping: TaskLabelMergeRow[];
}

/** Compute {@link TaxonomyStats} (`top` default 20, labels normalised unless `labels.enabled` is false). */
export function taxonomyStats(tasks: readonly TaxonomyTask[], options: { top?: number; labels?: TaskLabelOptions } = {}): TaxonomyStats {
  const topN = options.top ?? 20;
  const safe = tasks.map((t) => ({ topic: t.topic ?? "", view: t.view ?? "", type: t.type ?? "" }));
  const { tasks: norm, mapping } = normaliseTaskLabels(safe, options.labels);
  const field = (f: "view" | "type" | "topic"): FieldStats => {
    const counts = countLabels(norm.map((t) => t[f] || "(none)"));
    const head = counts.slice(0, topN).reduce((s, c) => s + c.count, 0);
    return {
      distinct: counts.length,
      distinctRaw: new Set(safe.map((t) => t[f])).size,
      counts,
      top: topLabels(counts, topN),
      topCoverage: tasks.length ? head / tasks.length : 0,
    };
  };
  return {
    tasks: tasks.length,
    topN,
    view: field("view"),
    type: field("type"),
    topic: field("topic"),
    difficulty: countLabels(tasks.filter((t) => t.difficulty !== undefined && t.difficulty !== "").map((t) => String(t.difficulty))).sort((a, b) => a.label.localeCompare(b.label)),
    mapping,
  };
}
