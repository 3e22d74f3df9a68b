import { test } from "node:test";
import assert from "node:assert/strict";
import { parseVerdictAlpacare, parseVerdictRobust, readVerdictRobust, reparseVerdicts, unparsedVerdicts, positionToScore, scoreToPosition } from "../../src/judge/parse.js";
import type { VerdictRecord } from "../../src/judge/types.js";

// Upstream names: the model by its folder name, the reference by its model id.
const refFirst = { model1: "text-davinci-003", model2: "AlpaCare-7b", model: "AlpaCare-7b", reference: "text-davinci-003" };
const refLast = { model1: "AlpaCare-7b", model2: "text-davinci-003", model: "AlpaCare-7b", reference: "text-davinci-003" };

test("alpacare parser: the clean answers gpt-3.5-turbo gives", () => {
  assert.equal(parseVerdictAlpacare("Output (a)", refFirst), 0);
  assert.equal(parseVerdictAlpacare("Output (b)", refFirst), 1);
  assert.equal(parseVerdictAlpacare("Output (a)", refLast), 1);
  assert.equal(parseVerdictAlpacare("Output (b)", refLast), 0);
  assert.equal(parseVerdictAlpacare("Tie", refFirst), 0.5);
  assert.equal(parseVerdictAlpacare("  Output (b).\n", refFirst), 1, "whitespace and punctuation are stripped");
  assert.equal(parseVerdictAlpacare('"Output (b)"', refFirst), 1);
  assert.equal(parseVerdictAlpacare("**Output (a)**", refLast), 1);
});

test("alpacare parser: what upstream turns into NaN (and what it reads as a tie)", () => {
  // An explanation after the verdict breaks the exact match.
  assert.equal(parseVerdictAlpacare("Output (a)\n\nOutput (a) provides a more comprehensive answer.", refFirst), null);
  assert.equal(parseVerdictAlpacare("Output (b) is better.", refFirst), null);
  // Case and spacing matter: "Output(a)" and "output (a)" are not replaced.
  assert.equal(parseVerdictAlpacare("Output(a)", refFirst), null);
  assert.equal(parseVerdictAlpacare("output (b)", refFirst), null);
  // "Tie" is a case-sensitive substring test after stripping.
  assert.equal(parseVerdictAlpacare("tie", refFirst), null);
  assert.equal(parseVerdictAlpacare("It's a Tie.", refFirst), 0.5);
  assert.equal(parseVerdictAlpacare("Output (a) and Output (b) are equally good: Tie", refFirst), 0.5);
  assert.equal(parseVerdictAlpacare("Neither. They are Tied in quality", refFirst), 0.5);
  assert.equal(parseVerdictAlpacare("", refFirst), null);
  // Writing the model's name is as good as writing its position.
  assert.equal(parseVerdictAlpacare("AlpaCare-7b", refFirst), 1);
  assert.equal(parseVerdictAlpacare("text-davinci-003", refLast), 0);
});

test("alpacare parser: names are stripped to [a-zA-Z0-9] before comparing", () => {
  const n = { model1: "PMC_LLaMA_13B", model2: "gpt-4", model: "PMC_LLaMA_13B", reference: "gpt-4" };
  assert.equal(parseVerdictAlpacare("Output (a)", n), 1);
  assert.equal(parseVerdictAlpacare("Output (b)", n), 0);
  // Same stripped names: upstream tests the reference first, so everything is a loss.
  const same = { model1: "gpt-4", model2: "gpt4", model: "gpt4", reference: "gpt-4" };
  assert.equal(parseVerdictAlpacare("Output (b)", same), 0);
});

test("robust parser: real-shaped judge texts", () => {
  const cases: [string, "a" | "b" | "tie" | null][] = [
    ["Output (a)", "a"],
    ["Output (B)", "b"],
    ["output(b)", "b"],
    ["**Output (a)**", "a"],
    ["(b)", "b"],
    ["B", "b"],
    ["tie", "tie"],
    ["It's a tie.", "tie"],
    ["Answer: Output (b)", "b"],
    ["Output (a)\n\nOutput (a) provides a more comprehensive and accurate answer than Output (b).", "a"],
    ["Output (b) is better because it explains the dosage.", "b"],
    ["I would choose Output (b).", "b"],
    ["The better choice is Output (b), although Output (a) is also reasonable.", "b"],
    ["Output (a) and Output (b) are equally good, so it's a Tie.", "tie"],
    ["Output (a) and Output (b) are both accurate, but Output (b) is more detailed.", "b"],
    ["Both outputs are of equal quality.", "tie"],
    ["Once upon a time there was a little girl named Lily.", null],
    ["", null],
  ];
  for (const [text, want] of cases) assert.equal(readVerdictRobust(text).verdict, want, JSON.stringify(text));
  assert.equal(parseVerdictRobust("Output (a) is better", "referenceFirst"), 0);
  assert.equal(parseVerdictRobust("Output (a) is better", "referenceLast"), 1);
  assert.equal(parseVerdictRobust("Tie", "referenceLast"), 0.5);
});

test("position <-> score round trip", () => {
  for (const order of ["referenceFirst", "referenceLast"] as const) {
    for (const v of ["a", "b", "tie", null] as const) assert.equal(scoreToPosition(positionToScore(v, order), order), v);
  }
});

test("reparseVerdicts recomputes both modes from the stored raw text; unparsed are listed", () => {
  const rec: VerdictRecord = {
    schema: "alpacare-verdict/1", itemId: "7", index: 7, model: "AlpaCare-7b", reference: "text-davinci-003", testSet: "iCliniq",
    order: "referenceFirst", model1: "text-davinci-003", model2: "AlpaCare-7b", judge: { provider: "openai", model: "gpt-3.5-turbo" },
    template: { name: "chatgpt", hash: "x" }, raw: "Output (b) is better.", verdict: { alpacare: 1, robust: 1 }, timestamp: "",
  };
  const [r] = reparseVerdicts([rec]);
  assert.deepEqual(r!.verdict, { alpacare: null, robust: 1 });
  assert.deepEqual(unparsedVerdicts([r!], "alpacare"), [{ itemId: "7", order: "referenceFirst", raw: "Output (b) is better." }]);
  assert.deepEqual(unparsedVerdicts([r!], "robust"), []);
});
