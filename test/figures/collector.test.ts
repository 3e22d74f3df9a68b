// figureCollector outside a tslab kernel: show() collects the figure with the shared provenance and prints its
// one-line text form (displayFigure's fallback); exportAll() writes the batch in order, sidecars included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { figureCollector } from "../../src/figures/index.js";
import { type PlotlyFigure } from "../../src/core/index.js";

const bar = (title: string): PlotlyFigure => ({ data: [{ type: "bar", x: ["a", "b"], y: [1, 2] }], layout: { title: { text: title } } });

test("show collects with shared + own provenance and displays as text outside a kernel; exportAll writes the batch", async () => {
  const figures = figureCollector({ provenance: { notebook: "99-test", threshold: 0.7 }, display: { staticImage: false } });
  const printed: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (printed.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    await figures.show("99-first", bar("First"), "The first figure.");
    await figures.show("99-second", bar("Second"), "The second figure.", { threshold: 0.8, pool: "MedQuAD" });
  } finally {
    process.stdout.write = write;
  }
  assert.deepEqual(printed, ["<Figure: First>\n", "<Figure: Second>\n"]);
  assert.deepEqual(figures.items.map((i) => [i.name, i.caption, i.provenance]), [
    ["99-first", "The first figure.", { notebook: "99-test", threshold: 0.7 }],
    ["99-second", "The second figure.", { notebook: "99-test", threshold: 0.8, pool: "MedQuAD" }],
  ]);

  const dir = mkdtempSync(join(tmpdir(), "alpacare-collector-"));
  try {
    const progress: [number, number][] = [];
    const written = await figures.exportAll({ dir, formats: ["html"], onProgress: (d, t) => progress.push([d, t]) });
    assert.deepEqual(written.map((w) => w.name), ["99-first", "99-second"]);
    assert.deepEqual(progress, [[0, 2], [1, 2], [2, 2]]);
    const sidecar = JSON.parse(readFileSync(join(dir, "99-second.json"), "utf8"));
    assert.equal(sidecar.caption, "The second figure.");
    assert.deepEqual(sidecar.provenance, { notebook: "99-test", threshold: 0.8, pool: "MedQuAD" });
    assert.equal(sidecar.order, 1);
    assert.match(readFileSync(written[0]!.html!, "utf8"), /<title>99-first: First<\/title>/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
