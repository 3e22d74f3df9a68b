import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dedupBruteForce } from "../../src/dedup/index.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "alpacare-dedup-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), "dedup", ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lines = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const texts = [
  "What are the symptoms of Diabetes ?",
  "What are the symptoms of Asthma ?",
  "How to diagnose Diabetes ?",
  "What are the symptoms of Diabetes ?",
  "Summarize the patient's history in two sentences.",
];

test("dedup CLI: JSONL in, one line per record in order, same verdicts as brute force, summary on stderr", () => {
  const input = join(dir, "in.jsonl");
  writeFileSync(input, texts.map((t, i) => JSON.stringify({ id: i, task: { instruction: t } })).join("\n") + "\n\n");
  const out = join(dir, "out.jsonl");
  const r = cli("--input", input, "--field", "task.instruction", "--out", out, "--top-k", "2", "--quiet");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /dedup: 5 items, kept 2, dropped 3 \(all-pairs, threshold 0\.7\)/);
  const got = lines(out);
  const want = dedupBruteForce(texts, { topK: 2 }).items;
  assert.equal(got.length, 5);
  got.forEach((g, i) => {
    assert.equal(g.index, i);
    assert.equal(g.kept, want[i]!.kept);
    assert.equal(g.maxSimilarity, want[i]!.maxSimilarity);
    assert.equal(g.nearest, want[i]!.nearest!.index);
    assert.deepEqual(
      g.topK,
      want[i]!.topK!.map((n) => ({ index: n.index, similarity: n.similarity })),
    );
  });
  assert.deepEqual(got[0], { index: 0, kept: false, maxSimilarity: 1, nearest: 3, topK: got[0]!.topK });
});

test("dedup CLI: JSON array input, incremental policy with a pool", () => {
  const input = join(dir, "in.json");
  writeFileSync(input, JSON.stringify(texts.map((t) => ({ instruction: t }))));
  const pool = join(dir, "pool.json");
  writeFileSync(pool, JSON.stringify([{ text: "How to diagnose Diabetes ?" }]));
  const out = join(dir, "inc.jsonl");
  const r = cli("--input", input, "--field", "instruction", "--pool", pool, "--pool-field", "text", "--policy", "incremental", "--out", out);
  assert.equal(r.code, 0, r.stderr);
  const got = lines(out);
  assert.deepEqual(got.map((g) => g.kept), [true, false, false, false, true]);
  assert.deepEqual(got[2], { index: 2, kept: false, maxSimilarity: 1, nearest: null, nearestPool: 0 });
});

test("dedup CLI: bad input is an error naming the file, line or record, and field", () => {
  const out = join(dir, "x.jsonl");
  const notJson = join(dir, "bad1.jsonl");
  writeFileSync(notJson, '{"q": "fine"}\n{"q": oops}\n');
  let r = cli("--input", notJson, "--field", "q", "--out", out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad1\.jsonl:2: not valid JSON/);
  const missing = join(dir, "bad2.jsonl");
  writeFileSync(missing, '{"q": "fine"}\n\n{"other": "x"}\n');
  r = cli("--input", missing, "--field", "q", "--out", out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad2\.jsonl:3, field "q": missing field/);
  const wrongType = join(dir, "bad3.json");
  writeFileSync(wrongType, JSON.stringify([{ q: "fine" }, { q: null }]));
  r = cli("--input", wrongType, "--field", "q", "--out", out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad3\.json \[record 1\], field "q": expected a string, got null/);
  r = cli("--input", wrongType, "--field", "q");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--out FILE is required/);
  r = cli("--input", wrongType, "--field", "q", "--out", out, "--policy", "greedy");
  assert.equal(r.code, 2);
});
