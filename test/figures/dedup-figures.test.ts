// Notebook 03's figures as library builders: the pre-binned histogram grid (with its binning) and the kept curves.
import { test } from "node:test";
import assert from "node:assert/strict";
import { histogramGridFigure, keptCurvesFigure } from "../../src/figures/index.js";
import { binUnitInterval, PANEL_COLORS } from "../../src/figures/histogram-grid.js";
import { keptCurve } from "../../src/dedup/index.js";

test("binUnitInterval: 50 bins of 0.02, the last holds 1.0; out-of-range values clamp, NaN is not counted", () => {
  const counts = binUnitInterval([0, 0.0199, 0.02, 0.5, 0.7, 0.98, 0.999, 1, -0.1, 1.5, NaN]);
  assert.equal(counts.length, 50);
  assert.equal(counts[0], 3); // 0, 0.0199 and -0.1
  assert.equal(counts[1], 1); // 0.02
  assert.equal(counts[25], 1); // 0.5
  assert.equal(counts[35], 1); // 0.7: floor(0.7 * 50) = 35
  assert.equal(counts[49], 4); // 0.98, 0.999, 1 and 1.5
  assert.equal(counts.reduce((s, c) => s + c, 0), 10);
  assert.deepEqual(binUnitInterval([0.1, 0.6, 1], 4), [1, 0, 1, 1]);
  assert.deepEqual(binUnitInterval([], 3), [0, 0, 0]);
});

test("histogramGridFigure: one bar panel per sample, threshold line and note per panel, axes titled at the edges", () => {
  const panels = ["p1", "p2", "p3", "p4"].map((name, i) => ({ name, values: Float64Array.from({ length: 10 * (i + 1) }, (_, k) => k / (10 * (i + 1))) }));
  const fig = histogramGridFigure(panels, { title: "T", xTitle: "max Rouge-L", threshold: 0.7 });
  const layout = fig.layout as Record<string, any>;
  assert.equal(fig.data.length, 4);
  assert.deepEqual(layout.grid, { rows: 2, columns: 3, pattern: "independent", roworder: "top to bottom", ygap: 0.45, xgap: 0.12 });
  assert.equal(layout.height, 660);
  const first = fig.data[0] as Record<string, any>;
  assert.equal(first.x.length, 50);
  assert.equal(first.x[0], 0.01);
  assert.equal(first.width, 0.02);
  assert.equal(first.marker.color, PANEL_COLORS[0]);
  assert.equal(first.marker.color, "#636efa");
  assert.ok(Math.abs(first.y.reduce((s: number, y: number) => s + y, 0) - 100) < 1e-9, "percentages of the panel's items");
  assert.deepEqual([(fig.data[3] as any).xaxis, (fig.data[3] as any).yaxis], ["x4", "y4"]);
  assert.deepEqual(layout.xaxis.range, [0, 1.02]);
  // x titles on the last `columns` panels, y titles on the first column
  assert.deepEqual([layout.xaxis.title.text, layout.xaxis2.title.text, layout.xaxis4.title.text], ["", "max Rouge-L", "max Rouge-L"]);
  assert.deepEqual([layout.yaxis.title.text, layout.yaxis2.title.text, layout.yaxis4.title.text], ["% of items", "", "% of items"]);
  assert.equal(layout.shapes.length, 4);
  assert.equal(layout.shapes[1].x0, 0.7);
  assert.equal(layout.shapes[1].xref, "x2");
  // p1: 10 values k/10, those above 0.7 are 0.8 and 0.9
  assert.equal(layout.annotations[0].text, "<b>p1</b> (n=10): 20.0% > 0.7");
  const one = histogramGridFigure([{ name: "a<b", values: [] }], { bins: 10, columns: 3 });
  assert.equal((one.layout as any).grid.columns, 1);
  assert.deepEqual((one.data[0] as any).y, new Array(10).fill(0));
  assert.equal((one.layout as any).annotations[0].text, "<b>a&lt;b</b> (n=0): 0.0% > 0.7");
});

test("keptCurvesFigure: a solid all-pairs line and a dotted incremental line per pool, in percent of the pool", () => {
  const maxima = [0.1, 0.5, 0.75, 0.9];
  const fig = keptCurvesFigure(
    [{ name: "pool", items: 4, allPairs: keptCurve(maxima), incremental: [{ threshold: 0.7, kept: 3, dropped: 1 }] }],
    { threshold: 0.7 },
  );
  assert.equal(fig.data.length, 2);
  const [all, inc] = fig.data as Record<string, any>[];
  assert.equal(all!.name, "pool all-pairs");
  assert.equal(all!.x.length, 101);
  assert.equal(all!.y[70], 50); // two of four maxima <= 0.7
  assert.equal(all!.y[100], 100);
  assert.deepEqual([inc!.name, inc!.mode, inc!.line.dash, inc!.x, inc!.y], ["pool incremental", "lines+markers", "dot", [0.7], [75]]);
  assert.equal(all!.line.color, inc!.line.color);
  assert.equal((fig.layout as any).shapes[0].x0, 0.7);
});
