import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  alpacaEvalWinRate, alpacareComparisonFileName, parseAlpacareComparisonFileName, readAlpacaEvalAnnotations,
  readAlpacareComparisonFiles, toAlpacaEvalAnnotations, writeAlpacaEvalAnnotations, writeAlpacareComparisonFiles,
} from "../../src/judge/formats.js";
import { summariseVerdicts } from "../../src/judge/score.js";
import { InputError } from "../../src/core/errors.js";

const tmp = () => mkdtempSync(join(tmpdir(), "judge-formats-"));

test("AlpacaEval win rate: 100 x (wins + draws/2) / non-null; 0 and 1.5 are draws; continuous = 100 x mean(p - 1)", () => {
  const w = alpacaEvalWinRate([2, 2, 1, 1.5, 0, null, 2, 1]);
  assert.equal(w.nTotal, 7);
  assert.equal(w.nMissing, 1);
  assert.equal(w.nWins, 3);
  assert.equal(w.nWinsBase, 2);
  assert.equal(w.nDraws, 2);
  // AlpacaEval computes mean(p - 1) * 100 (in that order).
  assert.equal(w.winRate, ((3 + 0.5 * 2) / 7) * 100);
  assert.ok(Math.abs(w.winRate - (100 * (3 + 0.5 * 2)) / 7) < 1e-12);
  const c = alpacaEvalWinRate([1.2, 1.9, 1.5, 1.75]);
  assert.equal(c.winRate, (((1.2 - 1) + (1.9 - 1) + (1.5 - 1) + (1.75 - 1)) / 4) * 100);
  assert.ok(Math.abs(c.winRate - 58.75) < 1e-12);
  // Values outside [1, 2] are not preferences and are dropped, as AlpacaEval does.
  assert.equal(alpacaEvalWinRate([2, 3, -1]).nTotal, 1);
  assert.ok(Number.isNaN(alpacaEvalWinRate([]).winRate));
});

test("AlpaCare comparison files: upstream names, read with the upstream parser, written back identically", () => {
  assert.equal(alpacareComparisonFileName("AlpaCare-7b", "gpt-3.5-turbo", "referenceFirst"), "AlpaCare-7b_gpt-3.5-turbo_reference_first.jsonl");
  assert.deepEqual(parseAlpacareComparisonFileName("/x/PMC_LLaMA_13B_claude-2_reference_last.jsonl"), { model: "PMC_LLaMA_13B", judge: "claude-2", order: "referenceLast" });
  const dir = tmp();
  const first = join(dir, "AlpaCare-7b_gpt-3.5-turbo_reference_first.jsonl");
  const last = join(dir, "AlpaCare-7b_gpt-3.5-turbo_reference_last.jsonl");
  const row = (m1: string, m2: string, response: string) => JSON.stringify({ model_1: m1, model_2: m2, prompt: "P", response });
  writeFileSync(first, [row("gpt-4", "AlpaCare-7b", "Output (b)"), row("gpt-4", "AlpaCare-7b", "Tie"), row("gpt-4", "AlpaCare-7b", "Output (b) is better")].join("\n") + "\n");
  writeFileSync(last, [row("AlpaCare-7b", "gpt-4", "Output (a)"), row("AlpaCare-7b", "gpt-4", "Output (a)"), row("AlpaCare-7b", "gpt-4", "Output (b)")].join("\n") + "\n");
  const recs = readAlpacareComparisonFiles({ referenceFirst: first, referenceLast: last });
  assert.equal(recs.length, 6);
  assert.equal(recs[0]!.model, "AlpaCare-7b");
  assert.equal(recs[0]!.reference, "gpt-4");
  assert.equal(recs[0]!.judge.model, "gpt-3.5-turbo");
  const s = summariseVerdicts(recs);
  // item0 win+win = 1, item1 tie+win = 0.75, item2 NaN (unparsed) -> nanmean 0.875
  assert.equal(s.winRate, 87.5);
  assert.equal(s.unparsed, 1);
  // robust reads "Output (b) is better" (model, reference first) -> item2 = win+loss = 0.5
  assert.equal(summariseVerdicts(recs, { mode: "robust" }).winRate, ((1 + 0.75 + 0.5) / 3) * 100);
  const out = tmp();
  const paths = writeAlpacareComparisonFiles(recs, out);
  assert.equal(readAlpacareComparisonFiles(paths).map((r) => r.raw).join("|"), recs.map((r) => r.raw).join("|"));
  // Bad input names file, line and field.
  const bad = join(dir, "bad_gpt-3.5-turbo_reference_first.jsonl");
  writeFileSync(bad, row("gpt-4", "m", "Tie") + "\n" + JSON.stringify({ model_1: "gpt-4", model_2: "m", prompt: "", response: null }) + "\n");
  assert.throws(() => readAlpacareComparisonFiles({ referenceFirst: bad }), (e: unknown) => e instanceof InputError && /:2, field "response"/.test(e.message));
});

test("AlpacaEval annotations: item-level export reproduces our win rate under AlpacaEval's formula", () => {
  const dir = tmp();
  const first = join(dir, "M_gpt-3.5-turbo_reference_first.jsonl");
  const last = join(dir, "M_gpt-3.5-turbo_reference_last.jsonl");
  const resp = [["Output (b)", "Output (a)"], ["Tie", "Output (a)"], ["Output (a)", "Output (b)"], ["Tie", "Tie"], ["???", "Output (a)"]];
  writeFileSync(first, resp.map(([r]) => JSON.stringify({ model_1: "ref", model_2: "M", prompt: "", response: r })).join("\n") + "\n");
  writeFileSync(last, resp.map(([, r]) => JSON.stringify({ model_1: "M", model_2: "ref", prompt: "", response: r })).join("\n") + "\n");
  const recs = readAlpacareComparisonFiles({ referenceFirst: first, referenceLast: last });
  const ours = summariseVerdicts(recs).winRate;
  const ann = toAlpacaEvalAnnotations(recs);
  assert.equal(ann.length, 5);
  assert.equal(ann[0]!.generator_1, "ref");
  assert.equal(ann[0]!.generator_2, "M");
  assert.deepEqual(ann.map((a) => a.preference), [2, 1.75, 1, 1.5, null]);
  const file = join(dir, "annotations.json");
  writeAlpacaEvalAnnotations(file, ann);
  const back = readAlpacaEvalAnnotations(file);
  assert.equal(alpacaEvalWinRate(back.map((a) => a.preference)).winRate, ours);
  const perVerdict = toAlpacaEvalAnnotations(recs, { level: "verdict" });
  assert.equal(perVerdict.length, 10);
  writeFileSync(file, JSON.stringify([{ preference: "2" }]));
  assert.throws(() => readAlpacaEvalAnnotations(file), /\[record 0\], field "preference"/);
});
