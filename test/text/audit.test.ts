// Audit: adversarial tests of rouge_score's tokenizer, NLTK's Porter stemmer as rouge_score calls it, and Rouge-L,
// against values CPython 3.11 + NLTK 3.8 computed with rouge_score's rules (fixtures/audit-python.py regenerates
// fixtures/audit-python.json). Floats are compared bit for bit (Object.is).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { lcsLength, rougeFMeasure, rougeL, rougeLFromLcs, rougeLScore, rougeLTokens, rougeTokenize } from "../../src/text/index.js";

const FIX = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
const g = JSON.parse(readFileSync(join(FIX, "audit-python.json"), "utf8")) as {
  tokenize: [string, string[], string[]][];
  stem: [string, string[]][];
  rouge: [string, string, string, string, string][];
};

test("audit: tokenizer equals CPython (str.lower + [^a-z0-9]+ + \\s+ split) on 414 adversarial strings, stemmed and not", () => {
  assert.equal(g.tokenize.length, 414);
  for (const [text, plain, stemmed] of g.tokenize) {
    assert.deepEqual(rougeTokenize(text), plain, JSON.stringify(text));
    assert.deepEqual(rougeTokenize(text, { stem: true }), stemmed, JSON.stringify(text));
  }
});

test("audit: lowercase corner cases are Python's str.lower(), not the JS engine's", () => {
  // U+0130 -> "i" + U+0307 (the dot ends the token); U+212A KELVIN -> ASCII "k"; U+212B ANGSTROM -> "å" (dropped)
  assert.deepEqual(rougeTokenize("\u0130stanbul a\u0130b \u212aelvin \u212b5"), ["i", "stanbul", "ai", "b", "kelvin", "5"]);
  // U+1E9E -> "ß", final sigma, dotless i, long s, fullwidth and circled letters/digits, Arabic-Indic digits: all dropped
  assert.deepEqual(rougeTokenize("STRA\u1e9eE \u03a3\u039f\u03a3 \u0131d \u017fx \uff21\uff42 \u2460 \u0663"), ["stra", "e", "d", "x"]);
  // lone surrogates and astral characters separate tokens
  assert.deepEqual(rougeTokenize("a\ud800b\udfffc\u{1d400}d"), ["a", "b", "c", "d"]);
  // no Unicode whitespace or U+FEFF survives as part of a token
  assert.deepEqual(rougeTokenize("x\ufeffy\u00a0z\u2028w\x1cv"), ["x", "y", "z", "w", "v"]);
});

test("audit: stemming (len > 3 only, then the ^[a-z0-9]+$ check) equals NLTK 3.8 on 2182 suffix-built words", () => {
  assert.equal(g.stem.length, 2182);
  for (const [word, want] of g.stem) assert.deepEqual(rougeTokenize(word, { stem: true }), want, word);
  // length 3 is never stemmed, length 4 is
  assert.deepEqual(rougeTokenize("ies sky skies dying", { stem: true }), ["ies", "sky", "sky", "die"]);
});

test("audit: Rouge-L precision, recall and F equal CPython's floats bit for bit on 600 long-LCS pairs", () => {
  assert.equal(g.rouge.length, 600);
  for (const [a, b, p, r, f] of g.rouge) {
    const s = rougeLScore(a, b);
    assert.ok(Object.is(s.precision, Number(p)) && Object.is(s.recall, Number(r)) && Object.is(s.fmeasure, Number(f)), `${a} | ${b}: ${JSON.stringify(s)} vs ${p} ${r} ${f}`);
    assert.ok(Object.is(rougeL(b, a), Number(f)), "F is symmetric");
  }
});

test("audit: zero cases: empty sides, no overlap, and fmeasure(0, 0)", () => {
  assert.equal(rougeFMeasure(0, 0), 0);
  assert.deepEqual(rougeLTokens([], ["a"]), { precision: 0, recall: 0, fmeasure: 0 });
  assert.deepEqual(rougeLScore("\u4e2d\u6587", "text"), { precision: 0, recall: 0, fmeasure: 0 });
  assert.deepEqual(rougeLScore("a b", "c d"), { precision: 0, recall: 0, fmeasure: 0 });
  assert.equal(rougeLFromLcs(0, 3, 4), 0);
  assert.equal(rougeLFromLcs(5, 0, 4), 0);
  assert.equal(lcsLength([], ["x"]), 0);
  // the threshold flip docs/method.md#4-rouge-l names: LCS 7 of 9 and 11 tokens
  assert.equal(rougeLFromLcs(7, 9, 11), 0.7000000000000001);
  assert.equal(rougeLFromLcs(14, 20, 20), 0.7);
});
