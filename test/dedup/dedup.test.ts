import { mulberry32 } from "../../src/core/index.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { rawDir } from "../../src/core/index.js";
import { dedup, dedupBruteForce, keptCurve, nearestNeighbours, type DedupOptions } from "../../src/dedup/index.js";

const RAW = rawDir();
const haveData = existsSync(join(RAW, "medquad", "medquad_questions.jsonl"));
const skip = haveData ? false : "data/raw not acquired (run `alpacare data`)";

function readJsonl(rel: string): Record<string, unknown>[] {
  return readFileSync(join(RAW, rel), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
const medquad = () => readJsonl("medquad/medquad_questions.jsonl").map((r) => r.question as string);
const seedTasks = () =>
  (JSON.parse(readFileSync(join(RAW, "alpacare", "data", "med_seed.json"), "utf8")) as { instruction: string }[]).map((r) => r.instruction);
const medInstructTest = () => readJsonl("alpacare/data/MedInstruct-test.jsonl").map((r) => r.instruction as string);
const iCliniq = () => readJsonl("alpacare/data/reference_outputs/gpt-4/iCliniq_output.jsonl").map((r) => r.input as string);

/** Compare fast and brute-force results item by item (JSON equality: identical floats, indices and order). */
async function assertSameAsBruteForce(texts: string[], options: DedupOptions, label: string): Promise<void> {
  const fast = await dedup(texts, options);
  const slow = dedupBruteForce(texts, options);
  assert.equal(fast.items.length, texts.length);
  let diffs = 0;
  let first = "";
  for (let i = 0; i < texts.length; i++) {
    const a = JSON.stringify(fast.items[i]);
    const b = JSON.stringify(slow.items[i]);
    if (a !== b) {
      if (!first) first = `item ${i}:\n fast ${a}\n brute ${b}`;
      diffs++;
    }
  }
  assert.equal(diffs, 0, `${label}: ${diffs} items differ; first ${first}`);
  assert.equal(fast.kept, slow.kept);
  assert.ok(fast.stats.pairsScored <= slow.stats.pairsScored);
}

/** Every 20th MedQuAD question from an offset: many templates, many near-duplicates. */
function medquadSample(n: number, offset = 0, stride = 20): string[] {
  const all = medquad();
  const out: string[] = [];
  for (let i = offset; out.length < n && i < all.length; i += stride) out.push(all[i]!);
  return out;
}

test("all-pairs equals brute force on the seed tasks and MedInstruct-test (with top-5)", { skip }, async () => {
  await assertSameAsBruteForce(seedTasks(), { topK: 5 }, "seed tasks");
  await assertSameAsBruteForce(medInstructTest(), {}, "MedInstruct-test");
  await assertSameAsBruteForce(medInstructTest(), { pool: seedTasks(), topK: 3 }, "MedInstruct-test vs seed pool");
});

test("all-pairs equals brute force on 2,000 MedQuAD questions (contiguous: templated near-duplicates)", { skip }, async () => {
  const texts = medquad().slice(3000, 5000);
  await assertSameAsBruteForce(texts, {}, "MedQuAD contiguous");
  await assertSameAsBruteForce(texts.slice(0, 800), { topK: 10 }, "MedQuAD top-10");
  await assertSameAsBruteForce(texts.slice(0, 800), { stem: true }, "MedQuAD stemmed");
});

test("all-pairs through worker threads equals brute force and the single-thread run", { skip }, async () => {
  const texts = medquadSample(2500, 7);
  const one = await nearestNeighbours(texts, { threads: 1 });
  const two = await nearestNeighbours(texts, { threads: 2 });
  assert.equal(two.stats.threads, 2);
  assert.deepEqual(Array.from(two.maxSimilarity), Array.from(one.maxSimilarity));
  assert.deepEqual(two.nearest, one.nearest);
  await assertSameAsBruteForce(texts, { threads: 2 }, "MedQuAD strided, 2 threads");
  await assertSameAsBruteForce(texts.slice(0, 600), { threads: 2, topK: 4, pool: seedTasks() }, "2 threads, top-4, pool");
});

test("incremental equals brute force (self-instruct order: seed pool first, then kept items)", { skip }, async () => {
  const texts = medquad().slice(10000, 11500);
  await assertSameAsBruteForce(texts, { policy: "incremental" }, "incremental, no pool");
  await assertSameAsBruteForce(texts, { policy: "incremental", pool: seedTasks(), topK: 10 }, "incremental, seed pool, top-10");
  await assertSameAsBruteForce(medInstructTest(), { policy: "incremental", pool: seedTasks(), threshold: 0.3 }, "incremental 0.3");
  await assertSameAsBruteForce(texts.slice(0, 500), { policy: "incremental", stem: true, threshold: 0.5 }, "incremental stemmed");
});

test("long texts (multi-word bit-parallel LCS) equal brute force: iCliniq patient questions", { skip }, async () => {
  const texts = iCliniq().slice(0, 120);
  assert.ok(texts.some((t) => t.split(/\s+/).length > 100));
  await assertSameAsBruteForce(texts, { topK: 2 }, "iCliniq all-pairs");
  await assertSameAsBruteForce(texts, { policy: "incremental", threshold: 0.2 }, "iCliniq incremental");
});


test("random texts over tiny vocabularies (ties everywhere, duplicates, empties, long ones) equal brute force", async () => {
  const r = mulberry32(42);
  for (let round = 0; round < 8; round++) {
    const vocab = Array.from({ length: 2 + round * 2 }, (_, i) => `w${i}`);
    const texts = Array.from({ length: 150 }, () => {
      const len = r() < 0.08 ? 0 : Math.floor(r() * (r() < 0.1 ? 90 : 12));
      return Array.from({ length: len }, () => vocab[Math.floor(r() * vocab.length)]).join(r() < 0.5 ? " " : ", ");
    });
    texts.push(texts[3]!, "", "!!!", texts[10]!);
    await assertSameAsBruteForce(texts, { topK: 3 }, `random round ${round}`);
    await assertSameAsBruteForce(texts, { policy: "incremental", topK: 2, threshold: 0.5 }, `random incremental ${round}`);
    await assertSameAsBruteForce(texts.slice(0, 40), { pool: texts.slice(100, 120), threshold: 0.6 }, `random with pool ${round}`);
  }
});

test("edge cases: nothing to compare, empty texts, exact duplicates, the 0.7 float boundary", async () => {
  let r = await dedup([]);
  assert.deepEqual([r.kept, r.dropped, r.items], [0, 0, []]);
  r = await dedup(["only one"]);
  assert.deepEqual(r.items, [{ index: 0, kept: true, maxSimilarity: 0, nearest: null }]);
  r = await dedup(["", "β γ", "a b"]); // no tokens: similarity 0 with everything; nearest = smallest other index
  assert.deepEqual(
    r.items.map((x) => [x.maxSimilarity, x.nearest?.index]),
    [
      [0, 1],
      [0, 0],
      [0, 0],
    ],
  );
  r = await dedup(["Same text!", "same TEXT", "other"]); // exact duplicates: both dropped under all-pairs
  assert.deepEqual(r.items.map((x) => [x.kept, x.maxSimilarity, x.nearest?.index]), [
    [false, 1, 1],
    [false, 1, 0],
    [true, 0, 0],
  ]);
  // LCS 7 of 9 and 11 tokens: 2PR/(P+R) = 0.7000000000000001 > 0.7, so both are dropped at 0.7 ...
  r = await dedup(["a b c d e f g x y", "a b c d e f g z w v u"]);
  assert.deepEqual(r.items.map((x) => [x.kept, x.maxSimilarity]), [
    [false, 0.7000000000000001],
    [false, 0.7000000000000001],
  ]);
  // ... while LCS 14 of 20 and 20 gives exactly 0.7: kept (the test is strictly greater)
  const base = Array.from({ length: 14 }, (_, i) => `t${i}`);
  r = await dedup([[...base, "a1", "a2", "a3", "a4", "a5", "a6"].join(" "), [...base, "b1", "b2", "b3", "b4", "b5", "b6"].join(" ")]);
  assert.deepEqual(r.items.map((x) => [x.kept, x.maxSimilarity]), [
    [true, 0.7],
    [true, 0.7],
  ]);
  // incremental keeps the first of a duplicate pair and drops the second
  const inc = await dedup(["Same text!", "same TEXT", "other"], { policy: "incremental" });
  assert.deepEqual(inc.items.map((x) => [x.kept, x.maxSimilarity, x.nearest?.index]), [
    [true, 0, undefined],
    [false, 1, 0],
    [true, 0, 0],
  ]);
});

test("keptCurve counts items whose exact maximum is <= each threshold", () => {
  const maxima = [0, 0.2, 0.7, 0.7000000000000001, 1, 0.5];
  const curve = keptCurve(maxima, [0, 0.5, 0.7, 1]);
  assert.deepEqual(curve, [
    { threshold: 0, kept: 1, dropped: 5 },
    { threshold: 0.5, kept: 3, dropped: 3 },
    { threshold: 0.7, kept: 4, dropped: 2 },
    { threshold: 1, kept: 6, dropped: 0 },
  ]);
  assert.equal(keptCurve(maxima).length, 101);
});

test("poolSimilarity compares each text with the pool only (not with each other), exactly", { skip }, async () => {
  const seeds = seedTasks();
  const texts = medInstructTest();
  const got = (await import("../../src/dedup/index.js")).poolSimilarity(texts, seeds, { topK: 3 });
  const tokens = await import("../../src/text/index.js");
  for (let i = 0; i < texts.length; i += 7) {
    let best = 0;
    let arg = 0;
    seeds.forEach((s, j) => {
      const f = tokens.rougeL(texts[i]!, s);
      if (f > best) {
        best = f;
        arg = j;
      }
    });
    assert.equal(got.maxSimilarity[i], best);
    assert.deepEqual(got.nearest[i], { source: "pool", index: arg, similarity: best });
    assert.equal(got.topK![i]!.length, 3);
    assert.ok(got.topK![i]!.every((n) => n.source === "pool"));
  }
  // two identical texts do not see each other
  const dup = (await import("../../src/dedup/index.js")).poolSimilarity(["x y z", "x y z"], ["a b"]);
  assert.deepEqual(Array.from(dup.maxSimilarity), [0, 0]);
});

test("from the compiled dist (as notebooks load it), worker threads give the same maxima", { skip: skip || !existsSync(join(process.cwd(), "dist", "dedup", "index.js")) ? "needs data/raw and a build (npm run build)" : false }, async () => {
  const { spawnSync } = await import("node:child_process");
  const script = `
    const { nearestNeighbours } = await import(${JSON.stringify(new URL("../../dist/dedup/index.js", import.meta.url).href)});
    const fs = await import("node:fs");
    const texts = fs.readFileSync(${JSON.stringify(join(RAW, "medquad", "medquad_questions.jsonl"))}, "utf8").trim().split("\\n").slice(0, 3000).map((l) => JSON.parse(l).question);
    const r = await nearestNeighbours(texts, { threads: 2 });
    process.stdout.write(JSON.stringify({ threads: r.stats.threads, max: Array.from(r.maxSimilarity), nearest: r.nearest.map((n) => n && n.index) }));
  `;
  const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const tmp = mkdtempSync(join(tmpdir(), "alpacare-dist-"));
  const file = join(tmp, "run.mjs");
  writeFileSync(file, script);
  const out = spawnSync(process.execPath, [file], { encoding: "utf8" });
  rmSync(tmp, { recursive: true, force: true });
  assert.equal(out.status, 0, out.stderr);
  const got = JSON.parse(out.stdout) as { threads: number; max: number[]; nearest: (number | null)[] };
  assert.equal(got.threads, 2);
  const want = await nearestNeighbours(medquad().slice(0, 3000), { threads: 1 });
  assert.deepEqual(got.max, Array.from(want.maxSimilarity));
  assert.deepEqual(got.nearest, want.nearest.map((n) => n && n.index));
});

test("RougeLIndex (streaming, for inline filtering) equals the incremental policy and brute-force queries", { skip }, async () => {
  const { RougeLIndex } = await import("../../src/dedup/index.js");
  const { rougeL } = await import("../../src/text/index.js");
  const seeds = seedTasks();
  const texts = medquad().slice(20000, 21200);
  const index = new RougeLIndex();
  for (const s of seeds) index.add(s);
  const verdicts = texts.map((t) => index.addIfNovel(t, 0.7));
  const batch = await dedup(texts, { policy: "incremental", pool: seeds });
  verdicts.forEach((v, i) => {
    const b = batch.items[i]!;
    assert.equal(v.kept, b.kept, `item ${i}`);
    assert.equal(v.maxSimilarity, b.maxSimilarity);
    const want = b.nearest === null ? null : b.nearest.source === "pool" ? b.nearest.index : seeds.length + [...batch.items.slice(0, b.nearest.index + 1)].filter((x) => x.kept).length - 1;
    assert.equal(v.nearest, want, `nearest of item ${i}`);
  });
  // top-k queries against brute force over the final index contents
  const contents = [...seeds, ...texts.filter((_, i) => verdicts[i]!.kept)];
  assert.equal(index.size, contents.length);
  for (const q of [texts[5]!, "What are the symptoms of Diabetes ?", "", "zzzz unseen words"]) {
    const got = index.query(q, 4);
    const want = contents.map((c, e) => ({ index: e, similarity: rougeL(q, c) })).sort((a, b) => b.similarity - a.similarity || a.index - b.index).slice(0, 4);
    assert.deepEqual(got.topK, want, q);
    assert.equal(got.maxSimilarity, want[0]!.similarity);
  }
  assert.deepEqual(new RougeLIndex().query("anything"), { maxSimilarity: 0, nearest: null, topK: [] });
});
