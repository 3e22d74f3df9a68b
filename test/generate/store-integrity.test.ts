// Task generation's run store under torn writes (issue 12): every file the run writes (tasks, rejects, requests,
// completions) cut at points of its last record, then rerun twice: no run stuck on a fragment, no task lost (a
// task whose request was marked done is committed again from the stored answer), nothing paid twice.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseJsonl } from "../../src/core/jsonl.js";
import { createEngine } from "../../src/llm/index.js";
import { loadInstructionPrompt, loadSeedTasks } from "../../src/data/index.js";
import { generateTasks, taskRunFiles, type GenerateTasksOptions } from "../../src/generate/index.js";
import { useTeacherServer } from "./helpers.js";

const suite = useTeacherServer();
const haveData = existsSync(join(process.cwd(), "data", "raw"));

function options(run: string): GenerateTasksOptions {
  return {
    run,
    target: 20,
    teacher: { provider: "openai", model: "gpt-4", baseURL: suite.server.openaiBaseURL },
    engine: createEngine({ cacheDir: join(suite.tmp.dir, "cache"), retryBaseMs: 5, concurrency: 2, progress: false }),
    seeds: loadSeedTasks(),
    requirements: loadInstructionPrompt(),
    quiet: true,
    waveSize: 2,
  };
}

async function generate(run: string) {
  const o = options(run);
  try {
    return await generateTasks(o);
  } finally {
    await o.engine.close();
  }
}

const ids = (file: string) => parseJsonl<{ id?: string; request: number }>(readFileSync(file, "utf8"), file).map((r) => r.id ?? `request ${r.request}`);

test("every run-store file of generate-tasks torn in its last record: two reruns, no stuck run, no task lost, nothing paid twice", { skip: !haveData && "data/raw not acquired" }, async () => {
  const first = await generate("torn");
  assert.ok(first.complete);
  const files = taskRunFiles("torn");
  // (The fake teacher's answers all parse, so there may be no rejects file.)
  const kinds = Object.fromEntries(Object.entries({ tasks: files.tasks, rejects: files.rejects, requests: files.requests, completions: files.completions }).filter(([, f]) => existsSync(f)));
  assert.ok(kinds.tasks && kinds.requests && kinds.completions);
  const saved = Object.fromEntries(Object.entries(kinds).map(([k, f]) => [k, readFileSync(f)]));
  const keptIds = new Set(ids(files.tasks));
  assert.ok(keptIds.size >= 20);
  const sent = suite.server.requests.length;
  const notes: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (notes.push(String(s)), true)) as typeof process.stderr.write;
  try {
    for (const [kind, file] of Object.entries(kinds)) {
      const whole = saved[kind]!;
      const lastStart = whole.lastIndexOf(0x0a, whole.length - 2) + 1;
      const offsets = new Set<number>([lastStart, lastStart + 1, whole.length - 2, whole.length - 1]);
      for (let o = lastStart + 1; o < whole.length; o += 53) offsets.add(o);
      for (const cut of [...offsets].sort((a, b) => a - b)) {
        for (const [k, f] of Object.entries(kinds)) writeFileSync(f, saved[k]!);
        writeFileSync(file, whole.subarray(0, cut));
        for (let rerun = 0; rerun < 2; rerun++) {
          const s = await generate("torn");
          assert.ok(s.complete, `${kind} cut at ${cut}, rerun ${rerun}`);
          assert.equal(s.kept, first.kept, `${kind} cut at ${cut}, rerun ${rerun}: kept ${s.kept}, not ${first.kept}`);
          // Every file reads strictly (no fragment in the middle) and the kept tasks are all there, once each.
          for (const f of Object.values(kinds)) ids(f);
          const now = ids(files.tasks);
          assert.equal(now.length, new Set(now).size, `${kind} cut at ${cut}: a task stored twice`);
          assert.deepEqual(new Set(now), keptIds, `${kind} cut at ${cut}: tasks lost or added`);
        }
      }
    }
  } finally {
    process.stderr.write = write;
  }
  assert.equal(suite.server.requests.length, sent, "redone requests came from the LLM cache");
  assert.ok(notes.some((n) => /tasks\.jsonl: cut a torn last record/.test(n)), "the cut is reported");
  assert.ok(notes.some((n) => /marked done but its tasks or rejects are not all stored/.test(n)), "the re-commit is reported");
});

test("every writer of a task run refuses a run another process holds, before sending anything", { skip: !haveData && "data/raw not acquired" }, async () => {
  const { holdLockInChild } = await import("../core/hold-lock.js");
  const { runDir } = await import("../../src/core/index.js");
  const { filterGeneratedTasks, generateResponses } = await import("../../src/generate/index.js");
  await generate("held");
  const holder = await holdLockInChild(runDir("held"));
  const sent = suite.server.requests.length;
  try {
    const refused = (e: Error) => /run "held" is in use by process \d+ \(test holder/.test(e.message);
    await assert.rejects(generateTasks({ ...options("held"), target: 40 }), refused);
    const engine = createEngine({ cacheDir: join(suite.tmp.dir, "cache"), progress: false });
    await assert.rejects(generateResponses({ run: "held", responder: { provider: "openai", model: "gpt-3.5-turbo", baseURL: suite.server.openaiBaseURL }, engine, quiet: true }), refused);
    await engine.close();
    await assert.rejects(filterGeneratedTasks("held"), refused);
  } finally {
    await holder.kill("SIGKILL");
  }
  assert.equal(suite.server.requests.length, sent, "no request sent by a refused writer");
});
