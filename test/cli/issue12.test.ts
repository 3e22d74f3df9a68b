// The smaller defects of issue 12, through the real CLI entry point (main) and the library: missing input files
// are errors, --out may not overwrite --input, a BOM is accepted, out-of-range AlpacaEval preferences and a bad
// ALPACARE_PRICES are named, duplicate verdicts are reported, key redaction covers parts of a key, resampled
// p-values are floored, and the length-adjusted win rate says what it is not.
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { redactSecret } from "../../src/core/index.js";
import { pairedBootstrap, type VerdictRecord } from "../../src/judge/index.js";
import { priceTable } from "../../src/llm/index.js";
import { redactKeys } from "../../src/llm/errors.js";

const tmp = mkdtempSync(join(tmpdir(), "issue12-"));
const mainTs = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The CLI in a child process (the test runner reports on this process's stdout, so it cannot be captured here). */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = spawnSync(process.execPath, ["--import", "tsx", mainTs, ...args], { encoding: "utf8", env: { ...process.env, ALPACARE_DATA_DIR: tmp } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function verdict(itemId: string, index: number, order: "referenceFirst" | "referenceLast", v: 0 | 0.5 | 1 | null, chars = 100): VerdictRecord {
  return {
    schema: "alpacare-verdict/1", itemId, index, model: "m", reference: "gpt-4", testSet: "MedInstruct-test", order,
    model1: order === "referenceFirst" ? "gpt-4" : "m", model2: order === "referenceFirst" ? "m" : "gpt-4",
    judge: { provider: "openai", model: "gpt-3.5-turbo" }, template: { name: "chatgpt", hash: "abc" }, raw: "Output (a)",
    verdict: { alpacare: v, robust: v }, modelOutputChars: chars, referenceOutputChars: 100,
  } as VerdictRecord;
}

test("score: a missing or empty verdict file is an error naming it", async () => {
  const missing = join(tmp, "nope.jsonl");
  const r = await cli(["score", missing]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `alpacare score: ${missing}: file not found\n`);
  writeFileSync(join(tmp, "empty.jsonl"), "");
  const e = await cli(["score", join(tmp, "empty.jsonl")]);
  assert.equal(e.code, 1);
  assert.match(e.stderr, /empty\.jsonl: no verdict records in the file/);
});

test("score: duplicate (item, order) records are reported and the first written is scored", async () => {
  const file = join(tmp, "dups.jsonl");
  const recs = [verdict("1", 0, "referenceFirst", 1), verdict("1", 0, "referenceLast", 1), verdict("2", 1, "referenceFirst", 0), verdict("2", 1, "referenceLast", 0),
    verdict("1", 0, "referenceFirst", 0), verdict("2", 1, "referenceLast", 0)];
  writeFileSync(file, "\ufeff" + recs.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const r = await cli(["score", file, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const row = JSON.parse(r.stdout);
  assert.equal(row.winRate, 50, "the first records are scored whatever the line order after them");
  assert.equal(row.duplicates, 2);
  assert.equal(row.conflictingDuplicates, 1);
  const text = await cli(["score", file]);
  assert.match(text.stdout, /note: 2 duplicate verdict record\(s\) .* ignored \(the first written is scored\); 1 of those pairs disagree/);
});

test("score --length-adjusted prints the statistic under its honest name", async () => {
  const file = join(tmp, "lengths.jsonl");
  const recs = [];
  for (let i = 0; i < 20; i++) {
    const v = i % 3 === 0 ? 0 : 1;
    recs.push(verdict(String(i), i, "referenceFirst", v, 50 + 10 * i), verdict(String(i), i, "referenceLast", v, 50 + 10 * i));
  }
  writeFileSync(file, recs.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const r = await cli(["score", file, "--length-controlled"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /lengthAdjustedWinRate \d+\.\d\d% {2}\(beyond the paper: length-adjusted win rate, without the instruction term .*not comparable to AlpacaEval 2's LC win rate\)/);
});

test("score --format alpaca-eval: a preference outside 1-2 (or 0) is an error naming the file, record and field", async () => {
  const file = join(tmp, "annotations.json");
  writeFileSync(file, JSON.stringify([1, 2, 1.5, 5].map((p) => ({ generator_1: "base", generator_2: "m", preference: p }))));
  const r = await cli(["score", "--format", "alpaca-eval", file]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `alpacare score: ${file} [record 3], field "preference": expected 1 to 2 (or 0 for a draw, null if missing), got 5\n`);
});

test("dedup: --out equal to --input is refused and the input is left alone; a BOM-prefixed JSON input is read", async () => {
  const input = join(tmp, "tasks.json");
  const content = "\ufeff" + JSON.stringify([{ instruction: "Explain how insulin works." }, { instruction: "Explain how insulin works!" }]);
  writeFileSync(input, content);
  const r = await cli(["dedup", "--input", input, "--field", "instruction", "--out", join(tmp, ".", "tasks.json"), "--quiet"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--out .*tasks\.json is the --input file: it would be overwritten/);
  assert.equal(readFileSync(input, "utf8"), content);
  const ok = await cli(["dedup", "--input", input, "--field", "instruction", "--out", join(tmp, "verdicts.jsonl"), "--quiet"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /2 items, kept 0, dropped 2/, "the paper's all-pairs policy drops both members of a near-duplicate pair");
});

test("a bad ALPACARE_PRICES names the variable (and the file)", () => {
  const saved = process.env.ALPACARE_PRICES;
  try {
    process.env.ALPACARE_PRICES = "{not json";
    assert.throws(() => priceTable(), /^InputError: ALPACARE_PRICES \(inline JSON\): not valid JSON/);
    const f = join(tmp, "prices.json");
    writeFileSync(f, "{oops");
    process.env.ALPACARE_PRICES = f;
    assert.throws(() => priceTable(), (e: Error) => e.message.startsWith(`${f} (from ALPACARE_PRICES): not valid JSON`));
  } finally {
    if (saved === undefined) delete process.env.ALPACARE_PRICES;
    else process.env.ALPACARE_PRICES = saved;
  }
});

test("key redaction covers any 8+ character part of a key, not only the whole key", () => {
  const key = "zq7XK2mP9vL4tR8wB1nC6yH3";
  assert.equal(redactSecret(`whole ${key} end`, key), "whole [redacted] end");
  assert.equal(redactSecret("truncated zq7XK2mP9v... and tail tR8wB1nC6yH3.", key), "truncated [redacted]... and tail [redacted].");
  assert.equal(redactSecret("short zq7XK2m stays", key), "short zq7XK2m stays", "7 characters are not enough to be a part of the key");
  const saved = process.env.OPENAI_API_KEY;
  try {
    process.env.OPENAI_API_KEY = key;
    assert.equal(redactKeys("Incorrect API key provided: zq7XK2mP****************H3"), "Incorrect API key provided: [redacted]****************H3");
  } finally {
    if (saved === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved;
  }
});

test("a paired-bootstrap p-value is floored at 1/(B+1), as Kendall's permutation p is: never 0", () => {
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  for (let i = 0; i < 30; i++) {
    a.set(String(i), 1);
    b.set(String(i), 0);
  }
  const d = pairedBootstrap(a, b, { samples: 999 });
  assert.equal(d.pValue, 1 / 1000);
});
