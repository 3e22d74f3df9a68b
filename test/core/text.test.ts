import { test } from "node:test";
import assert from "node:assert/strict";
import { clipMiddle, clipText, formatInterval, formatNumber, formatPercent, wordCount } from "../../src/core/index.js";

test("wordCount counts runs of non-whitespace; blank text has none", () => {
  assert.equal(wordCount(""), 0);
  assert.equal(wordCount(" \n\t "), 0);
  assert.equal(wordCount("What are the symptoms of Glaucoma ?"), 7);
  assert.equal(wordCount("  one two\nthree\t four  "), 4);
  assert.equal(wordCount("β-blockers\u00a0and\u2003ACE inhibitors"), 4); // Unicode spaces separate words too
});

test("clipText: at most maxChars, the last an ellipsis; oneLine folds whitespace after measuring", () => {
  assert.equal(clipText("short", 10), "short");
  assert.equal(clipText("exactly10!", 10), "exactly10!");
  assert.equal(clipText("eleven chars", 10), "eleven ch…");
  assert.equal(clipText("eleven chars", 10).length, 10);
  assert.equal(clipText("x".repeat(200)), "x".repeat(159) + "…");
  assert.equal(clipText("a\n\n b\tc", 160, { oneLine: true }), "a b c");
  assert.equal(clipText("ab\n\ncdefgh", 6, { oneLine: true }), "ab c…"); // 6 characters of the text as given
});

test("formatNumber / formatPercent / formatInterval read n/a for NaN", () => {
  assert.equal(formatNumber(0.123456), "0.123");
  assert.equal(formatNumber(2, 2), "2.00");
  assert.equal(formatNumber(NaN), "n/a");
  assert.equal(formatNumber(Infinity), "n/a");
  assert.equal(formatNumber(-Infinity, 1), "n/a");
  assert.equal(formatNumber(null), "n/a");
  assert.equal(formatPercent(61.25), "61.3%");
  assert.equal(formatPercent(50, 0), "50%");
  assert.equal(formatPercent(NaN), "n/a");
  assert.equal(formatInterval([40.04, 61.96]), "40.0–62.0");
  assert.equal(formatInterval([-3, 4.5], 1, " – "), "-3.0 – 4.5");
  assert.equal(formatInterval([NaN, NaN]), "n/a");
});

test("clipMiddle: text over maxChars keeps its head and tail around \" […] \"; shorter text is unchanged", () => {
  const s = "a".repeat(10) + "b".repeat(10);
  assert.equal(clipMiddle(s, 20), s);
  assert.equal(clipMiddle(s, 10), "aaaaa […] bbbbb");
  assert.equal(clipMiddle(s, 11), "aaaaa […] bbbbb"); // halves round down
  assert.equal(clipMiddle(s, 15, { head: 12, tail: 3 }), "aaaaaaaaaabb […] bbb");
  assert.equal(clipMiddle(s, 15, { head: 4, tail: 0 }), "aaaa […] ");
  // notebook 05's `s.length > n ? s.slice(0, n / 2) + " […] " + s.slice(-n / 2) : s`, for n = 600
  const cut = (t: string, n = 600) => (t.length > n ? t.slice(0, n / 2) + " […] " + t.slice(-n / 2) : t);
  for (const len of [0, 599, 600, 601, 1500]) {
    const t = Array.from({ length: len }, (_, i) => String.fromCharCode(33 + (i % 90))).join("");
    assert.equal(clipMiddle(t, 600), cut(t));
  }
});
