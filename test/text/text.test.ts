import { mulberry32 } from "../../src/core/index.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  lcsLength,
  lcsLengthBitParallel,
  porterStem,
  rougeFMeasure,
  rougeL,
  rougeLFromLcs,
  rougeLScore,
  rougeTokenize,
} from "../../src/text/index.js";

const FIX = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

/** Parse Python's float.hex() output exactly. */
function fromPyHex(s: string): number {
  const m = /^(-)?0x([01])\.([0-9a-f]+)p([+-]\d+)$/.exec(s);
  if (!m) throw new Error(`bad hex float ${s}`);
  const frac = m[3]!.padEnd(13, "0");
  const mant = parseInt(frac, 16) / 2 ** 52; // exact: 52-bit integer scaled by a power of two
  const v = (Number(m[2]) + mant) * 2 ** Number(m[4]);
  return m[1] ? -v : v;
}


test("Porter stemmer matches NLTK's PorterStemmer() (NLTK_EXTENSIONS) on every fixture word", () => {
  const lines = readFileSync(join(FIX, "porter-nltk.tsv"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
  assert.ok(lines.length > 5000, `fixture has ${lines.length} words`);
  const bad: string[] = [];
  for (const line of lines) {
    const [word, stem] = line.split("\t") as [string, string];
    const got = porterStem(word);
    if (got !== stem) bad.push(`${word}: nltk=${stem} ours=${got}`);
  }
  assert.deepEqual(bad, []);
});

test("Porter stemmer: NLTK_EXTENSIONS branches that differ from Martin Porter's version", () => {
  const cases: Record<string, string> = {
    dies: "die", // 4-letter -ies
    died: "die",
    spied: "spi",
    skies: "sky", // irregular pool
    dying: "die",
    news: "news",
    enjoy: "enjoy", // y after vowel
    happy: "happi",
    generalli: "gener", // alli -> al, then step 2 again
    archaeology: "archaeolog", // logi keeps its l
    is: "is", // <= 2 characters untouched
  };
  for (const [w, s] of Object.entries(cases)) assert.equal(porterStem(w), s, w);
});

test("tokenizer matches CPython str.lower() + rouge_score's regexes on unicode edge cases", () => {
  const cases = JSON.parse(readFileSync(join(FIX, "tokenize-python.json"), "utf8")) as { text: string; tokens: string[]; stemmed: string[] }[];
  assert.ok(cases.length >= 30);
  for (const c of cases) {
    assert.deepEqual(rougeTokenize(c.text), c.tokens, JSON.stringify(c.text));
    assert.deepEqual(rougeTokenize(c.text, { stem: true }), c.stemmed, `stemmed ${JSON.stringify(c.text)}`);
  }
});

test("tokenizer: the characters whose Python lowercase is ASCII, and what JS toLowerCase would get wrong", () => {
  assert.deepEqual(rougeTokenize("\u212Aelvin"), ["kelvin"]); // KELVIN SIGN -> k
  assert.deepEqual(rougeTokenize("\u0130stanbul"), ["i", "stanbul"]); // İ -> i + U+0307 (a separator)
  assert.deepEqual(rougeTokenize("β-blockers"), ["blockers"]);
  assert.deepEqual(rougeTokenize("café naïve"), ["caf", "na", "ve"]);
  assert.deepEqual(rougeTokenize("e\u0301"), ["e"]); // combining acute is a separator
  assert.deepEqual(rougeTokenize("中文😀"), []);
  assert.deepEqual(rougeTokenize("ＡＢＣ"), []); // full-width letters lowercase to full-width, not ASCII
  assert.deepEqual(rougeTokenize("  What is (are)  Diabetes ?  "), ["what", "is", "are", "diabetes"]);
  assert.deepEqual(rougeTokenize(""), []);
  assert.deepEqual(rougeTokenize("COVID-19 x86_64"), ["covid", "19", "x86", "64"]);
  // Stemming applies only to tokens longer than 3 characters.
  assert.deepEqual(rougeTokenize("dies ties running", { stem: true }), ["die", "tie", "run"]); // 4-letter -ies -> -ie (NLTK)
  assert.deepEqual(rougeTokenize("flies fly", { stem: true }), ["fli", "fly"]);
});

test("Rouge-L equals CPython's float result bit for bit on real pairs (both argument orders, with and without stemming)", () => {
  const lines = readFileSync(join(FIX, "rouge-python.jsonl"), "utf8").trim().split("\n");
  assert.ok(lines.length > 1000);
  let nonzero = 0;
  for (const line of lines) {
    const r = JSON.parse(line) as { target: string; prediction: string; f: string; fStem: string };
    const want = fromPyHex(r.f);
    const wantStem = fromPyHex(r.fStem);
    if (want > 0) nonzero++;
    assert.ok(Object.is(rougeL(r.target, r.prediction), want), `${r.target} | ${r.prediction}: ${rougeL(r.target, r.prediction)} vs ${want}`);
    assert.ok(Object.is(rougeL(r.prediction, r.target), want), "F is symmetric bitwise");
    assert.ok(Object.is(rougeL(r.target, r.prediction, { stem: true }), wantStem), `stemmed ${r.target} | ${r.prediction}`);
  }
  assert.ok(nonzero > 900);
});

test("the F-measure's float order: 7 of 9 and 11 tokens is above 0.7, 14 of 20 is exactly 0.7", () => {
  assert.equal(rougeL("a b c d e f g x y", "a b c d e f g z w v u"), 0.7000000000000001);
  assert.equal(rougeLFromLcs(7, 9, 11), 0.7000000000000001);
  assert.equal((2 * 7) / (9 + 11), 0.7); // the algebraically equal form rounds differently
  assert.equal(rougeLFromLcs(14, 20, 20), 0.7);
  assert.equal(rougeL("", "anything"), 0);
  assert.equal(rougeL("β", "anything"), 0); // no tokens after tokenization
  assert.equal(rougeL("same text", "Same, TEXT!"), 1);
  assert.equal(rougeFMeasure(0, 0), 0);
  const s = rougeLScore("a b c d", "a c");
  assert.deepEqual(s, { precision: 1, recall: 0.5, fmeasure: rougeFMeasure(1, 0.5) });
});

test("F(P,R) is bitwise symmetric over every LCS/length combination up to 120 tokens", () => {
  for (let m = 1; m <= 120; m++)
    for (let n = 1; n <= 120; n++)
      for (let l = 0; l <= Math.min(m, n); l++) {
        const a = rougeLFromLcs(l, m, n);
        const b = rougeLFromLcs(l, n, m);
        if (!Object.is(a, b)) assert.fail(`asymmetric at l=${l} m=${m} n=${n}`);
      }
});

test("bit-parallel LCS equals the DP on thousands of random integer sequences (one and many words)", () => {
  const r = mulberry32(7);
  for (let trial = 0; trial < 6000; trial++) {
    const m = Math.floor(r() * (trial % 3 === 0 ? 150 : 40));
    const n = Math.floor(r() * (trial % 5 === 0 ? 150 : 40));
    const alpha = 1 + Math.floor(r() * (trial % 2 ? 4 : 30));
    const a = Array.from({ length: m }, () => Math.floor(r() * alpha));
    const b = Array.from({ length: n }, () => Math.floor(r() * alpha));
    const want = lcsLength(a, b);
    assert.equal(lcsLengthBitParallel(a, b), want, `m=${m} n=${n}`);
    assert.equal(lcsLengthBitParallel(b, a), want);
  }
  // word boundaries exactly
  for (const m of [31, 32, 33, 63, 64, 65, 96, 97]) {
    const a = Array.from({ length: m }, (_, i) => i % 3);
    const b = Array.from({ length: m + 5 }, (_, i) => (i * 7) % 3);
    assert.equal(lcsLengthBitParallel(a, b), lcsLength(a, b), `m=${m}`);
  }
});

test("the DP on string tokens agrees with a reference full-table LCS on real text", () => {
  const lines = readFileSync(join(FIX, "rouge-python.jsonl"), "utf8").trim().split("\n").slice(0, 300);
  for (const line of lines) {
    const r = JSON.parse(line) as { target: string; prediction: string };
    const a = rougeTokenize(r.target);
    const b = rougeTokenize(r.prediction);
    // full table, as rouge_score's _lcs_table
    const t: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
    assert.equal(lcsLength(a, b), t[a.length]![b.length]!);
  }
});
