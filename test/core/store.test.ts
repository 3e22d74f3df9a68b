// The run store's append discipline and writer lock (core/jsonl.ts, core/lock.ts): a torn last record at every byte
// offset is cut back, reported, and never ends up in the middle of a file; a second writer is refused naming the
// holder; a lock left by a dead process is taken over with a note; a failed write names the file and the OS error.
import assert from "node:assert/strict";
import { holdLockInChild } from "./hold-lock.js";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { appendJsonl, readJson, readJsonl, readJsonlIfExists, WriteError, type TornTailRepair } from "../../src/core/index.js";
import { acquireDirLock, RunLockedError } from "../../src/core/lock.js";
import { parseJsonl } from "../../src/core/jsonl.js";

const tmp = mkdtempSync(join(tmpdir(), "core-store-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("a torn last record at every byte offset is cut back, reported, and two reruns leave a clean file", () => {
  const file = join(tmp, "every-offset.jsonl");
  const records = [{ id: "a", text: "first" }, { id: "b", text: "second, with ünïcode ✓ and \"quotes\"" }, { id: "c", text: "x".repeat(40) }];
  const full = records.map((r) => JSON.stringify(r) + "\n").join("");
  const lastStart = full.length - Buffer.byteLength(JSON.stringify(records[2]) + "\n") ;
  const bytes = Buffer.from(full, "utf8");
  const lastStartByte = bytes.length - Buffer.byteLength(JSON.stringify(records[2]) + "\n");
  assert.ok(lastStart > 0);
  for (let cut = lastStartByte; cut < bytes.length; cut++) {
    writeFileSync(file, bytes.subarray(0, cut));
    // Readers accept only complete records: the torn one is skipped (a complete one missing its newline is kept).
    const read = readJsonlIfExists<{ id: string }>(file).map((r) => r.id);
    const complete = cut === bytes.length - 1;
    assert.deepEqual(read, complete ? ["a", "b", "c"] : ["a", "b"], `offset ${cut}`);
    // Rerun twice: each appends what it believes is missing.
    for (let rerun = 0; rerun < 2; rerun++) {
      const have = new Set(readJsonlIfExists<{ id: string }>(file).map((r) => r.id));
      const repairs: TornTailRepair[] = [];
      appendJsonl(file, records.filter((r) => !have.has(r.id)).concat([{ id: `rerun${rerun}`, text: "" }]), { onRepair: (r) => repairs.push(r) });
      if (rerun === 0 && cut > lastStartByte && !complete) {
        assert.equal(repairs.length, 1, `offset ${cut}: the cut is reported`);
        assert.equal(repairs[0]!.action, "cut");
        assert.equal(repairs[0]!.bytes, cut - lastStartByte);
        assert.equal(repairs[0]!.file, file);
      } else if (rerun === 0 && complete) assert.equal(repairs[0]?.action, "newline");
      else assert.equal(repairs.length, 0, `offset ${cut} rerun ${rerun}: nothing to repair`);
    }
    // Strict reading of the whole file succeeds: no fragment in the middle, every record exactly once.
    const ids = parseJsonl<{ id: string }>(readFileSync(file, "utf8"), file).map((r) => r.id);
    assert.deepEqual(ids, ["a", "b", "c", "rerun0", "rerun1"], `offset ${cut}`);
  }
});

test("a last line that ends in a newline but is not JSON (an isolated fragment) is cut too", () => {
  const file = join(tmp, "isolated.jsonl");
  writeFileSync(file, '{"a":1}\n{"b":\n');
  const repairs: TornTailRepair[] = [];
  appendJsonl(file, [{ c: 3 }], { onRepair: (r) => repairs.push(r) });
  assert.equal(repairs.length, 1);
  assert.deepEqual(readJsonl(file), [{ a: 1 }, { c: 3 }]);
});

test("a UTF-8 BOM is accepted; a missing file and a folder are errors naming the file", () => {
  const file = join(tmp, "bom.jsonl");
  writeFileSync(file, "\ufeff" + '{"a":1}\n');
  assert.deepEqual(readJsonl(file), [{ a: 1 }]);
  writeFileSync(join(tmp, "bom.json"), '\ufeff{"a":1}');
  assert.deepEqual(readJson(join(tmp, "bom.json")), { a: 1 });
  assert.throws(() => readJsonl(join(tmp, "nope.jsonl")), /nope\.jsonl: file not found/);
  mkdirSync(join(tmp, "folder.jsonl"));
  assert.throws(() => readJsonl(join(tmp, "folder.jsonl")), (e: Error) => /folder\.jsonl: could not read: EISDIR/.test(e.message));
});

test("a failed append throws WriteError naming the file and the OS error, in one line", { skip: process.getuid?.() === 0 && "root ignores file permissions" }, () => {
  const file = join(tmp, "ro.jsonl");
  writeFileSync(file, "");
  chmodSync(file, 0o444);
  assert.throws(() => appendJsonl(file, [{ a: 1 }]), (e: Error) => e instanceof WriteError && /ro\.jsonl: could not write: EACCES/.test(e.message) && !e.message.includes("\n"));
});

test("a failed append (the path is a folder) throws WriteError naming the file", () => {
  const file = join(tmp, "is-a-dir.jsonl");
  mkdirSync(file);
  assert.throws(() => appendJsonl(file, [{ a: 1 }]), (e: Error) => e instanceof WriteError && e.message.startsWith(file) && /EISDIR/.test(e.message) && !e.message.includes("\n"));
});

test("one writer per folder: a second process is refused naming the holder; after SIGKILL the lock is taken over with a note", async () => {
  const dir = join(tmp, "runs", "locked");
  const holder = await holdLockInChild(dir);
  try {
    await assert.rejects(acquireDirLock(dir, "locked"), (e: Error) => {
      assert.ok(e instanceof RunLockedError);
      assert.match(e.message, new RegExp(`run "locked" is in use by process ${holder.pid} \\(test holder, since \\d{4}-`));
      return true;
    });
  } finally {
    await holder.kill("SIGKILL");
  }
  assert.ok(existsSync(join(dir, ".lock")), "SIGKILL leaves the lock behind");
  const notes: string[] = [];
  const release = await acquireDirLock(dir, "locked", { onNote: (l) => notes.push(l) });
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, new RegExp(`taking over the lock left by process ${holder.pid} \\(test holder`));
  // Re-entrant within a process: a library call inside a command shares the command's lock.
  const inner = await acquireDirLock(dir, "locked");
  inner();
  assert.ok(existsSync(join(dir, ".lock")), "the outer holder still holds it");
  release();
  assert.equal(readJsonlIfExists(join(dir, "nothing.jsonl")).length, 0);
});

test("a lock released on SIGTERM/exit can be taken at once, without a note", async () => {
  const dir = join(tmp, "runs", "term");
  const holder = await holdLockInChild(dir);
  await holder.kill("SIGTERM");
  const notes: string[] = [];
  const release = await acquireDirLock(dir, "term", { onNote: (l) => notes.push(l) });
  release();
  assert.deepEqual(notes, []);
});

test("truncate -s -N on a store file is repaired the same way", () => {
  const file = join(tmp, "trunc.jsonl");
  appendJsonl(file, [{ i: 1 }, { i: 2 }, { i: 3 }]);
  truncateSync(file, readFileSync(file).length - 4);
  appendJsonl(file, [{ i: 3 }], { onRepair: () => {} });
  assert.deepEqual(readJsonl(file), [{ i: 1 }, { i: 2 }, { i: 3 }]);
});
