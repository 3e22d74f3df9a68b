/**
 * A notebook's figures, shown as they are made and exported together at the end (one Chromium for the batch):
 * `const figures = figureCollector({ provenance: { notebook: "03-dedup-statistics", ... } })`, then
 * `await figures.show(name, figure, caption)` per figure and `await figures.exportAll({ onProgress })` once.
 */
import { displayFigure, type DisplayFigureOptions } from "./display.js";
import { exportFigures, type ExportedFigure, type FigureExportOptions, type FigureItem } from "./export.js";
import type { PlotlyFigure } from "../core/index.js";

/** Key/value provenance of a figure (data files, run, model, settings...): the record form of `FigureItem.provenance`. */
export type ProvenanceFields = Exclude<NonNullable<FigureItem["provenance"]>, string>;

/** Options for {@link figureCollector}. */
export interface FigureCollectorOptions {
  /** Provenance every figure carries (its own extra provenance is added after, and wins on a shared key). Default {}. */
  provenance?: ProvenanceFields;
  /** How {@link FigureCollector.show} displays a figure: {@link displayFigure}'s options. Default {} (chart + static PNG). */
  display?: DisplayFigureOptions;
}

/** What {@link figureCollector} returns. */
export interface FigureCollector {
  /** The figures collected so far, in the order they were shown. */
  readonly items: readonly FigureItem[];
  /** Collect a figure for the export and display it in the notebook (outside a kernel: a one-line text). */
  show(name: string, figure: PlotlyFigure, caption?: string, provenance?: ProvenanceFields): Promise<void>;
  /** Export every collected figure with {@link exportFigures} (its options and defaults) and return what was written. */
  exportAll(options?: FigureExportOptions): Promise<ExportedFigure[]>;
}

/** Collect a notebook's figures with shared provenance (see the file comment). */
export function figureCollector(options: FigureCollectorOptions = {}): FigureCollector {
  const items: FigureItem[] = [];
  return {
    items,
    async show(name, figure, caption, provenance = {}) {
      items.push({ name, figure, caption, provenance: { ...options.provenance, ...provenance } });
      await displayFigure(figure, options.display);
    },
    exportAll(exportOptions = {}) {
      return exportFigures(items, exportOptions);
    },
  };
}
