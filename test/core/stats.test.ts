import { test } from "node:test";
import assert from "node:assert/strict";
import { bootstrapMeans, escapeHtml, escapePlotlyText, meanOfFinite, medianOfFinite, npPercentileSorted, quantileSorted, roundTo, tableHtml } from "../../src/core/index.js";
import { interpolateSorted } from "../../src/core/stats.js";

test("medianOfFinite: middle value, mean of the two middle ones for an even count, NaN when none is finite", () => {
  assert.equal(medianOfFinite([3, 1, 2]), 2);
  assert.equal(medianOfFinite([4, 1, 3, 2]), 2.5); // not the upper median (3)
  assert.equal(medianOfFinite([NaN, 5, Infinity, 1]), 3);
  assert.ok(Number.isNaN(medianOfFinite([])));
  assert.ok(Number.isNaN(medianOfFinite([NaN])));
});

test("meanOfFinite sums left to right over the finite values", () => {
  assert.equal(meanOfFinite([1, 2, NaN, 3]), 2);
  assert.equal(meanOfFinite([0.1, 0.2, 0.3]), (0.1 + 0.2 + 0.3) / 3);
  assert.ok(Number.isNaN(meanOfFinite([NaN, -Infinity])));
});

test("quantileSorted and npPercentileSorted share one interpolation rule", () => {
  const v = [1, 2, 4, 8, 16];
  assert.equal(quantileSorted(v, 0), 1);
  assert.equal(quantileSorted(v, 1), 16);
  assert.equal(quantileSorted(v, 0.5), 4);
  assert.equal(quantileSorted(v, 0.625), 6); // position 2.5: halfway between 4 and 8
  for (const q of [0, 25, 50, 62.5, 100]) assert.equal(npPercentileSorted(v, q), interpolateSorted(v, ((v.length - 1) * q) / 100));
  assert.ok(Number.isNaN(quantileSorted([], 0.5)));
  assert.ok(Number.isNaN(npPercentileSorted([], 50)));
});

test("bootstrapMeans: seeded, n draws per resample, empty input gives no resamples", () => {
  const a = bootstrapMeans([0, 1, 0.5, 1], { samples: 50, seed: 7 });
  const b = bootstrapMeans([0, 1, 0.5, 1], { samples: 50, seed: 7 });
  assert.deepEqual(a, b);
  assert.equal(a.length, 50);
  for (const m of a) assert.ok(m >= 0 && m <= 1 && Number.isInteger(m * 8));
  assert.notDeepEqual(bootstrapMeans([0, 1, 0.5, 1], { samples: 50, seed: 8 }), a);
  assert.equal(bootstrapMeans([], { samples: 10 }).length, 0);
  assert.equal(bootstrapMeans([2]).length, 2000);
});

test("escapeHtml escapes quotes for HTML; escapePlotlyText leaves them for Plotly's pseudo-HTML", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  assert.equal(escapePlotlyText(`"gpt-4" <b> & co`), `"gpt-4" &lt;b&gt; &amp; co`);
});

test("tableHtml is defined on the ground floor and escapes every cell", () => {
  const html = tableHtml([{ a: "<x>", b: 1.234 }], { caption: "c&d", digits: 1 });
  assert.match(html, /&lt;x&gt;/);
  assert.match(html, /1\.2</);
  assert.match(html, /c&amp;d/);
});

test("roundTo rounds to a number of decimals and passes non-finite values through", () => {
  assert.equal(roundTo(49.654, 2), 49.65);
  assert.equal(roundTo(35, 2), 35);
  assert.equal(roundTo(0.25, 1), 0.3); // Math.round: half up, not NumPy's half to even
  assert.equal(roundTo(-1.26, 1), -1.3);
  assert.equal(roundTo(123.456, 0), 123);
  assert.ok(Number.isNaN(roundTo(NaN, 2)));
  assert.equal(roundTo(Infinity, 2), Infinity);
  assert.equal(roundTo(-Infinity, 3), -Infinity);
});
