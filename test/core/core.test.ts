import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendJsonl, canonicalJson, formatProgress, InputError, progress, readJsonlIfExists, runDir } from "../../src/core/index.js";
import { gitBlobSha1 } from "../../src/core/hash.js";
import { parseJsonl } from "../../src/core/jsonl.js";

test("parseJsonl names the file and line of a bad record", () => {
  assert.throws(() => parseJsonl('{"a":1}\n{"a":\n{"a":3}\n', "x.jsonl"), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.match((e as Error).message, /^x\.jsonl:2: not valid JSON/);
    return true;
  });
});

test("a torn last line is skipped on resume, then cut (and reported) by the next append", () => {
  const dir = mkdtempSync(join(tmpdir(), "core-"));
  const file = join(dir, "a.jsonl");
  appendJsonl(file, [{ i: 1 }, { i: 2 }]);
  writeFileSync(file, readFileSync(file, "utf8") + '{"i": 3, "tor', { flag: "w" });
  const torn: string[] = [];
  assert.deepEqual(readJsonlIfExists(file, (t) => torn.push(t)), [{ i: 1 }, { i: 2 }]);
  assert.equal(torn.length, 1);
  const repairs: string[] = [];
  appendJsonl(file, [{ i: 4 }], { onRepair: (r) => repairs.push(`${r.action} ${r.bytes} ${r.held}`) });
  assert.deepEqual(repairs, ['cut 13 {"i": 3, "tor']);
  // The fragment is gone: strict reading of the whole file succeeds.
  assert.deepEqual(parseJsonl(readFileSync(file, "utf8"), file), [{ i: 1 }, { i: 2 }, { i: 4 }]);
});

test("gitBlobSha1 matches git's object id", () => {
  // `printf 'hello\n' | git hash-object --stdin`
  assert.equal(gitBlobSha1(Buffer.from("hello\n")), "ce013625030ba8dba906f756967f9e9ca394464a");
  assert.equal(gitBlobSha1(new Uint8Array()), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
});

test("canonicalJson sorts keys at every depth and drops undefined", () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
});

test("runDir rejects names that could escape data/runs", () => {
  assert.throws(() => runDir("../x"), /run name/);
  assert.match(runDir("my-run_1"), /runs[\\/]my-run_1$/);
});

test("formatProgress shows no ETA past the total", () => {
  const line = formatProgress({ label: "t", done: 12, total: 10, elapsedMs: 1000, ratePerSec: 12, etaSec: undefined, counters: { kept: 3 } });
  assert.doesNotMatch(line, /ETA/);
  assert.match(line, /12\/10 100% 12\.0 items\/s kept=3/);
});
test("progress onChange sees the start (0/N), every tick unthrottled, and the end", async () => {
  const seen: number[] = [];
  const bar = progress({ label: "x", total: 3, silent: true, intervalMs: 60_000, onChange: (s) => seen.push(s.done) });
  await Promise.resolve(); // the first state goes out once the caller's set-up has run
  bar.tick();
  bar.tick();
  bar.tick();
  bar.done();
  assert.deepEqual(seen, [0, 1, 2, 3, 3]);
});
