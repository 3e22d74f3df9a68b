/**
 * The figure primitive every stage builds: a Plotly figure as plain data, `{ data, layout }`. Defined once here, on
 * the ground floor, so the infer and judge stages (which sit below `figures/`) build figures without restating the
 * type; the figures stage shows and exports them.
 */

/** One Plotly trace (`{type: "bar", x, y, ...}`); kept open because Plotly's attribute set is huge. */
export type PlotlyTrace = { type?: string; name?: string; [attribute: string]: unknown };

/** A Plotly figure as data: traces, layout and optional config, exactly what `Plotly.newPlot` takes. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** A figure whose builder always sets a layout (the stages' chart builders do). */
export interface LaidOutFigure extends PlotlyFigure {
  layout: Record<string, unknown>;
}
