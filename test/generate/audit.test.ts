// Audit: adversarial golden tests of the task-generation prompt, the faithful parser, the response prompts and the
// CPython random port against values CPython 3.11 computed under upstream AlpaCare's rules
// (fixtures/audit-golden.py, fixtures/pyrandom-ops.py regenerate the JSON). The cases target where Python and
// JavaScript disagree: Python's `\s` / `str.strip()` whitespace (\x1c-\x1f, \x85, \xa0, \u1680, \u2000-\u200a,
// \u2028, \u2029, \u202f, \u205f, \u3000) versus JavaScript's (which adds \ufeff and lacks \x1c-\x1f and \x85),
// `str.strip(chars)` as a character set, code-point indexing around astral characters, universal newlines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  encodeTaskPrompt, filterGeneratedTasks, taskRunFiles, encodeResponsePrompt, inputDroppedByNaRule,
  parseTasksFaithful, renderPromptTask, RESPONSE_SYSTEM_PROMPT, taskStopSequences, type PromptTask,
} from "../../src/generate/index.js";
import { pyCollapseWhitespace, pyStrip, pyStripChars } from "../../src/generate/prompt.js";
import { PyRandom } from "../../src/generate/pyrandom.js";
import { PY_WHITESPACE } from "../../src/generate/prompt.js";

const FIX = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

interface Golden {
  cases: {
    prompts: { requirements: string; tasks: PromptTask[]; n: number }[];
    parses: { completion: string | null; first: number }[];
    responses: [string, string][];
  };
  expected: {
    prompts: string[];
    parses: { tasks: Record<string, string | number>[]; rejects: number[] }[];
    responses: [string, string][];
  };
}
const golden = JSON.parse(readFileSync(join(FIX, "audit-golden.json"), "utf8")) as Golden;

// The code points for which CPython 3.11's str.isspace() is true (= re `\s` on str = what strip()/split() remove),
// as CPython printed them by scanning all of Unicode.
const PY_ISSPACE = [
  0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
  0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
];

test("audit: Python's whitespace set, exactly, over every BMP code point (JS \\s differs)", () => {
  const re = new RegExp(`^[${PY_WHITESPACE}]$`);
  const got: number[] = [];
  for (let c = 0; c <= 0xffff; c++) if (re.test(String.fromCharCode(c))) got.push(c);
  assert.deepEqual(got, PY_ISSPACE);
  // The differences that matter: JS \s has U+FEFF and lacks U+001C-U+001F and U+0085; Python is the reverse.
  assert.equal(pyCollapseWhitespace("a\ufeffb\x1cc\x85d\u180ee\u200bf"), "a\ufeffb c d\u180ee\u200bf");
  assert.equal(pyStrip("\ufeff x \x1f"), "\ufeff x");
  assert.equal(pyStrip("\x1c\x1d\x1e\x1f\x85\xa0\u3000x\u2028\u2029"), "x");
  // astral code points are never whitespace and survive a strip(chars) whole
  assert.equal(pyStripChars("😀s.😀", "s.😀"), "");
  assert.equal(pyStripChars("😀x😀", "😀"), "x");
});

test("audit: task prompts equal CPython's task_encode_prompt on adversarial instructions, fields and requirements", () => {
  const { prompts } = golden.cases;
  assert.equal(prompts.length, golden.expected.prompts.length);
  prompts.forEach((c, i) => {
    assert.equal(encodeTaskPrompt(c.requirements, c.tasks, c.n), golden.expected.prompts[i], `prompt case ${i}`);
  });
  // spot checks that would catch a JS-whitespace or a trim() port
  const p = golden.expected.prompts;
  assert.ok(p[0]!.startsWith("Rules:\n1. A\n2. B\n\n\nList of 12 tasks:\n###\n1. Type: "), "CRLF and lone CR become LF");
  assert.ok(p[0]!.includes("Instruction: Explain multiple sclerosis\n"), "NBSP and U+2028 collapse");
  assert.ok(p[0]!.includes("Instruction: Colon then NBSP\n"), "strip before rstrip(':')");
  assert.ok(p[1]!.startsWith("\ufeffBOM first line\u2028not a newline\x85nor this\n"), "only \\r and \\r\\n are newlines");
  assert.ok(p[1]!.includes("Instruction: Spaced colons: \n"), "rstrip(':') leaves the space before the last colon");
  assert.ok(p[1]!.includes("Instruction: Colon after BOM:\ufeff\n"), "U+FEFF is not whitespace in Python");
  assert.ok(p[1]!.includes("Input: \n"), "an empty input is printed empty");
  assert.ok(p[2]!.includes("Instruction: Info sep collapsed\n"), "U+001C..U+001F collapse");
  assert.ok(p[3]!.endsWith("###\n11. Type:"));
  assert.equal(p[4], "R\n\n\n\nList of 1 tasks:\n###\n1. Type:");
  assert.ok(p[5]!.includes("Difficulty: 2\n") && p[5]!.includes("Difficulty: 4.5\n"), "numeric difficulty as str()");
});

test("audit: renderPromptTask instruction cleaning, character by character", () => {
  const t = (instruction: string) => renderPromptTask({ type: "T", topic: "P", view: "V", difficulty: "1", instruction, input: "<noinput>" }, 7);
  const line = (s: string) => /Instruction: (.*)\nInput:/s.exec(t(s))![1];
  assert.equal(line(":"), "");
  assert.equal(line("  :  "), "");
  assert.equal(line("a::"), "a");
  assert.equal(line("a: :"), "a: ");
  assert.equal(line("a:\ufeff"), "a:\ufeff");
  assert.equal(line("\ufeffa"), "\ufeffa");
  assert.equal(line("a\u200b:"), "a\u200b");
  assert.equal(line("x\r\n\t\x0b\x0cy:"), "x y");
  assert.ok(t("x").startsWith("###\n7. Type: T\nTopic: P\nView: V\nDifficulty: 1\nInstruction: x\nInput: <noinput>\n"));
  assert.deepEqual(taskStopSequences(12), ["###\n13", "13.", "13 ."]);
});

test("audit: the faithful parser equals CPython's post_process_gpt3_response (+ the KeyError skip) on adversarial completions", () => {
  const { parses } = golden.cases;
  assert.equal(parses.length, golden.expected.parses.length);
  parses.forEach((c, i) => {
    const r = parseTasksFaithful(c.completion, c.first);
    const got = {
      tasks: r.tasks.map((t) => ({ type: t.type, topic: t.topic, view: t.view, difficulty: t.difficulty, instruction: t.instruction, input: t.input, fragment: t.fragment })),
      rejects: r.rejects.map((x) => x.fragment),
    };
    assert.deepEqual(got, golden.expected.parses[i], `parse case ${i}: ${JSON.stringify(c.completion)?.slice(0, 80)}`);
    for (const x of r.rejects) assert.equal(x.reason, "missing-fields");
  });
  const e = golden.expected.parses;
  // U+FEFF / U+200B / U+180E are kept, U+00A0 / U+2028 / U+001C / U+0085 act as spaces
  assert.equal(e[1]!.tasks[0]!.topic, "Neuro");
  assert.equal(e[2]!.tasks[0]!.type, "Open\ufeffQ&A");
  // an astral character after a field name is skipped whole (Python skips one code point)
  assert.equal(e[4]!.tasks[0]!.topic, "B");
  // strip(chars) happens before strip('"'): the digits inside the quotes survive
  assert.equal(e[12]!.tasks[1]!.input, "x 12");
  assert.equal(e[12]!.tasks[0]!.input, "11 tablets 1\\s+");
  // a completion of "" still yields fragment 0 ("4. Type:"), a KeyError upstream
  assert.deepEqual(e[8], { tasks: [], rejects: [0] });
  assert.deepEqual(e[9], { tasks: [], rejects: [] });
});

test("audit: response prompts equal CPython's gpt_/anthropic_output_generation_encode_prompt", () => {
  const { responses } = golden.cases;
  responses.forEach(([instruction, input], i) => {
    const [gpt, anthropic] = golden.expected.responses[i]!;
    assert.equal(encodeResponsePrompt({ instruction, input }, "openai", "upstream"), gpt, `openai case ${i}`);
    assert.equal(encodeResponsePrompt({ instruction, input }, "anthropic"), anthropic, `anthropic case ${i}`);
  });
  // "NA" is a substring test for OpenAI, an equality test for Anthropic; case-sensitive; "<noinput>" a substring test
  assert.equal(encodeResponsePrompt({ instruction: "Q", input: "DNA" }), "Q\n\n");
  assert.equal(encodeResponsePrompt({ instruction: "Q", input: "DNA" }, "anthropic"), "Human: Q\n\nDNA\n\nAssistant:");
  assert.equal(encodeResponsePrompt({ instruction: "Q", input: "na" }), "Q\n\nna\n");
  assert.equal(encodeResponsePrompt({ instruction: "Q", input: "DNA" }, "openai", "strict"), "Q\n\nDNA\n");
  assert.equal(inputDroppedByNaRule(" NA"), true);
  assert.equal(inputDroppedByNaRule("NA"), false);
  // upstream's system prompt literal (backslash-newline continuations: no newline after "requirements:")
  assert.equal(createHash("sha256").update(RESPONSE_SYSTEM_PROMPT).digest("hex"), "60a204b6aa0684907322686bf04a85502d7c136e7fe1b50f15b7802a33a46917");
  assert.equal(RESPONSE_SYSTEM_PROMPT.length, 864);
});

test("audit: PyRandom equals CPython's random.Random on a mixed call sequence for 8 seeds (negative, 0, >2^64)", () => {
  const g = JSON.parse(readFileSync(join(FIX, "pyrandom-ops.json"), "utf8")) as { ops: (string | number)[][]; runs: { seed: string; outs: unknown[] }[] };
  assert.equal(g.runs.length, 8);
  for (const run of g.runs) {
    const r = new PyRandom(BigInt(run.seed));
    g.ops.forEach((op, i) => {
      const range = (n: number) => Array.from({ length: n }, (_, j) => j);
      let got: unknown;
      if (op[0] === "sample") got = r.sample(range(op[1] as number), op[2] as number);
      else if (op[0] === "shuffle") got = r.shuffle(range(op[1] as number));
      else if (op[0] === "random") got = r.random();
      else if (op[0] === "getrandbits") got = r.getrandbits(op[1] as number);
      else got = r.randrange(op[1] as number);
      const want = op[0] === "random" ? Number(run.outs[i] as string) : run.outs[i];
      assert.deepEqual(got, want, `seed ${run.seed}, call ${i} ${JSON.stringify(op)}`);
    });
  }
});

test("audit: the post-hoc filter keeps exactly what upstream's filter.py keeps (260 instructions, maxima bit for bit)", async () => {
  const g = JSON.parse(readFileSync(join(FIX, "filter-golden.json"), "utf8")) as { insts: string[]; kept: number[]; max: string[] };
  const saved = process.env.ALPACARE_DATA_DIR;
  const dir = mkdtempSync(join(tmpdir(), "alpacare-audit-"));
  process.env.ALPACARE_DATA_DIR = dir;
  try {
    const files = taskRunFiles("audit");
    mkdirSync(files.dir, { recursive: true });
    writeFileSync(files.tasks, g.insts.map((instruction, i) => JSON.stringify({ id: `t${i}`, instruction, input: "" }) + "\n").join(""));
    const summary = await filterGeneratedTasks("audit", { threshold: 0.7 });
    assert.equal(summary.kept, g.kept.length);
    const verdicts = readFileSync(join(files.dir, "filter.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { id: string; kept: boolean; maxSimilarity: number });
    assert.deepEqual(verdicts.flatMap((v, i) => (v.kept ? [i] : [])), g.kept);
    verdicts.forEach((v, i) => assert.ok(Object.is(v.maxSimilarity, Number(g.max[i])), `item ${i}: ${v.maxSimilarity} vs ${g.max[i]}`));
    const filtered = readFileSync(join(files.dir, "filtered.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
    assert.deepEqual(filtered, g.kept.map((i) => `t${i}`));
    // the fixture exercises both sides of the rule: exact duplicates, token-less instructions (kept), near-duplicates
    assert.ok(g.insts.filter((s) => s === "\u4e2d\u6587").length >= 2 && g.kept.some((i) => g.insts[i] === "\u4e2d\u6587"));
    assert.ok(g.max.some((m) => Number(m) === 1) && g.max.some((m) => Number(m) > 0.7 && Number(m) < 1));
  } finally {
    if (saved === undefined) delete process.env.ALPACARE_DATA_DIR;
    else process.env.ALPACARE_DATA_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
