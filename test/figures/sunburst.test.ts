// Sunbursts of taxonomy statistics: the generate stage returns the counts, src/figures draws them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadSeedTasks } from "../../src/data/index.js";
import { taxonomyStats } from "../../src/generate/index.js";
import { sunburstChart } from "../../src/figures/index.js";

test("sunburstChart of the seed set's top views: a centre plus one sector per label, the centre holding every task", () => {
  const s = taxonomyStats(loadSeedTasks());
  const fig = sunburstChart(s.view.top.map((c) => ({ path: ["Views", c.label], count: c.count })), { title: "Views", sort: false });
  const trace = fig.data[0] as { labels: string[]; parents: string[]; values: number[] };
  assert.equal(trace.labels.length, s.view.top.length + 1);
  assert.deepEqual(trace.labels, ["Views", ...s.view.top.map((c) => c.label)]);
  assert.equal(trace.parents.filter((p) => p === "").length, 1);
  assert.equal(trace.values[0], s.tasks);
});
