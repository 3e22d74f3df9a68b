import assert from "node:assert/strict";
import { test } from "node:test";
import {
  analyseResponse, distribution, repetitionStats, sideBySideHtml, summariseOutputs,
} from "../../src/infer/index.js";
import { approxTokens, endsMidSentence, isDegenerate } from "../../src/infer/analysis.js";
import { compactRuns, compactRunsHtml } from "../../src/infer/viewers.js";
import { wordCount } from "../../src/core/index.js";

test("word and token counts", () => {
  assert.equal(wordCount(""), 0);
  assert.equal(wordCount("  one two\nthree\t four  "), 4);
  assert.equal(approxTokens("abcdefgh"), 2);
  assert.equal(approxTokens("abcdefghi"), 3);
  assert.equal(approxTokens(""), 0);
});

test("endsMidSentence: punctuation, list items and cut-off text", () => {
  assert.equal(endsMidSentence("It is fine."), false);
  assert.equal(endsMidSentence("Is it fine?"), false);
  assert.equal(endsMidSentence('He said "yes."'), false);
  assert.equal(endsMidSentence("Options:\n1. Rest\n2. Fluids"), false, "a short list item may end without a period");
  assert.equal(endsMidSentence("| a | b |"), false);
  assert.equal(endsMidSentence(""), false);
  assert.equal(endsMidSentence("In the meantime, it's important to continue using contraception consistently and"), true);
  assert.equal(endsMidSentence("Hydrate well,"), true);
  assert.equal(endsMidSentence("1. Take " + "the medicine every day with food and water so that the stomach is not upset by the"), true, "a long list item cut off is still cut off");
});

test("repetition: the MedAlpaca case (one sentence over and over) is degenerate", () => {
  const medalpaca = ", and chills and chills\nThe, and chills and chills\nI'm not sure, but I'm not sure\n" + "I'm not sure if I'm not sure\n".repeat(30);
  const s = repetitionStats(medalpaca);
  assert.equal(s.repeatedSentence, "i m not sure if i m not sure");
  assert.ok(s.maxSentenceRepeats >= 30);
  assert.ok(isDegenerate(s));
  const digits = " 1,0,1" + "0".repeat(600);
  assert.ok(isDegenerate(repetitionStats(digits)), "a run of zeros has no sentences or 4-grams but compresses to nothing");
  const normal = "Based on your symptoms, it is possible that you have a viral infection. Rest and drink plenty of fluids. If the fever persists for more than three days, see a doctor, who may order blood tests to rule out malaria or dengue.";
  assert.equal(isDegenerate(repetitionStats(normal)), false);
  assert.equal(repetitionStats(normal).maxSentenceRepeats, 1);
});

test("analyseResponse: truncated uses the recorded finish reason when there is one", () => {
  assert.equal(analyseResponse(1, "Complete sentence.", "length").truncated, true);
  assert.equal(analyseResponse(1, "cut off in the", "stop").truncated, false);
  assert.equal(analyseResponse(1, "cut off in the").truncated, true);
  assert.equal(analyseResponse(1, "   ").empty, true);
});

test("distribution and summaries", () => {
  const d = distribution([4, 1, 3, 2]);
  assert.equal(d.n, 4);
  assert.equal(d.mean, 2.5);
  assert.equal(d.median, 2.5);
  assert.equal(d.min, 1);
  assert.equal(d.max, 4);
  assert.ok(Number.isNaN(distribution([]).mean));
  // non-finite values are left out of every field, n included
  assert.deepEqual(distribution([4, NaN, 1, Infinity, 3, -Infinity, 2]), d);
  const none = distribution([NaN, Infinity]);
  assert.equal(none.n, 0);
  assert.ok(Number.isNaN(none.mean) && Number.isNaN(none.median) && Number.isNaN(none.min) && Number.isNaN(none.max));
  const { summary, rows } = summariseOutputs("m", "iCliniq", [
    { id: 0, response: "" },
    { id: 1, response: "Fine answer here." },
    { id: 2, response: "I'm not sure if I'm not sure. ".repeat(5) },
    { id: 3, response: "stopped at the", finishReason: "length" },
  ]);
  assert.equal(rows.length, 4);
  assert.equal(summary.emptyRate, 0.25);
  assert.equal(summary.degenerateRate, 0.25);
  assert.equal(summary.truncatedRate, 0.25);
});

test("sideBySideHtml escapes text and marks missing outputs", () => {
  const html = sideBySideHtml(
    [{ id: "7", instruction: "Is <b> safe?", input: "" }],
    [
      { name: "A & B", outputs: [{ id: 7, response: "Yes <script>." }] },
      { name: "C", outputs: [] },
    ],
  );
  assert.match(html, /Is &lt;b&gt; safe\?/);
  assert.match(html, /Yes &lt;script&gt;\./);
  assert.match(html, /A &amp; B/);
  assert.match(html, /\(no output\)/);
  assert.doesNotMatch(html, /<script>/);
});
test("compactRuns: a degenerate run of newlines becomes one marker; ordinary text and short runs stay", () => {
  const text = `Answer:${"\n".repeat(761)}end ${"=".repeat(30)} ok\n\nbye`;
  const segs = compactRuns(text);
  assert.deepEqual(segs, [{ text: "Answer:" }, { char: "\n", count: 761 }, { text: "end " }, { char: "=", count: 30 }, { text: " ok\n\nbye" }]);
  const html = compactRunsHtml(`<b>${"\n".repeat(300)}`);
  assert.match(html, /^&lt;b&gt;<span[^>]*>⟨300 × newline⟩<\/span>\n$/);
  const table = sideBySideHtml([{ id: 1, instruction: "Q" }], [{ name: "m", outputs: [{ id: 1, response: "\n".repeat(500) }] }]);
  assert.match(table, /⟨500 × newline⟩/);
  assert.ok(table.split("\n").length < 20, "the blank run is not rendered line by line");
});
