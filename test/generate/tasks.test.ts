// The generation loop against the loopback fake OpenAI server: faults, abort + resume, determinism, dry run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createEngine } from "../../src/llm/index.js";
import { loadInstructionPrompt, loadSeedTasks } from "../../src/data/index.js";
import { estimateTasks, generateTasks, makeRougeInlineDeduper, readGeneratedTasks, readRejectedTasks, taskRunFiles, type GenerateTasksOptions } from "../../src/generate/index.js";
import { lines, useTeacherServer } from "./helpers.js";

const suite = useTeacherServer();


function options(run: string, cache: string, extra: Partial<GenerateTasksOptions> = {}): GenerateTasksOptions {
  return {
    run,
    target: 60,
    teacher: { provider: "openai", model: "gpt-4", baseURL: suite.server.openaiBaseURL },
    engine: createEngine({ cacheDir: join(suite.tmp.dir, cache), retryBaseMs: 5, concurrency: 4, progress: false }),
    seeds: loadSeedTasks(),
    requirements: loadInstructionPrompt(),
    quiet: true,
    waveSize: 4,
    ...extra,
  };
}

test("generates past the target through 429/500 faults, with provenance", async () => {
  const o = options("a", "cache-a");
  const s = await generateTasks(o);
  await o.engine.close();
  assert.ok(s.complete);
  assert.ok(s.kept >= 60, `kept ${s.kept}`);
  const tasks = readGeneratedTasks("a");
  assert.equal(tasks.length, s.kept);
  assert.equal(new Set(tasks.map((t) => t.id)).size, tasks.length);
  const t = tasks[0]!;
  assert.equal(t.request, 0);
  assert.deepEqual(t.promptTasks, [{ source: "seed", id: 163 }, { source: "seed", id: 28 }, { source: "seed", id: 6 }]);
  assert.equal(t.teacher.model, "gpt-4");
  assert.equal(t.teacher.modelVersion, "gpt-4-fake");
  assert.equal(t.configHash, s.configHash);
  // tasks are committed in request order
  for (let i = 1; i < tasks.length; i++) assert.ok(tasks[i]!.request >= tasks[i - 1]!.request);
  for (const [, n] of suite.server.answered) assert.equal(n, 1);
  assert.ok(suite.server.requests.length > suite.server.answered.size, "faults were injected and retried");
});

test("abort mid-run, resume: the same tasks as an uninterrupted run, nothing sent twice", async () => {
  const ctl = new AbortController();
  let seen = 0;
  const o1 = options("b", "cache-b", { signal: ctl.signal, onProgress: (p) => { seen = p.requestsDone; if (seen >= 3) ctl.abort(); } });
  const s1 = await generateTasks(o1);
  await o1.engine.close();
  assert.equal(s1.complete, false);
  const before = lines(taskRunFiles("b").tasks).length;
  assert.ok(before < 60);
  const o2 = options("b", "cache-b");
  const s2 = await generateTasks(o2);
  await o2.engine.close();
  assert.ok(s2.complete);
  // same answers (the teacher is deterministic per prompt) => byte-identical task files
  assert.deepEqual(lines(taskRunFiles("b").tasks), lines(taskRunFiles("a").tasks));
  // a different configuration in the same run folder is refused
  await assert.rejects(generateTasks(options("b", "cache-b", { seed: 1 })), /different configuration \(.*config\.json\): seed: 42 -> 1/);
});

test("robust parser + inline dedup, and a dry run estimate", async () => {
  const o = options("c", "cache-c", { parse: "robust", dedup: "inline", makeInlineDeduper: makeRougeInlineDeduper, target: 30 });
  const s = await generateTasks(o);
  await o.engine.close();
  assert.ok(s.complete);
  const rejects = readRejectedTasks("c");
  assert.equal(rejects.length, s.rejected + s.duplicates);
  const d = options("c", "cache-c", { parse: "robust", dedup: "inline", makeInlineDeduper: makeRougeInlineDeduper, target: 30 + 900 });
  const est = estimateTasks(d);
  await d.engine.close();
  assert.equal(est.requests, 100);
  assert.equal(est.cost.calls, 100);
});

test("an estimate writes nothing: answers stored but not committed are counted, and left for the run to commit", async () => {
  const o = options("e", "cache-e", { target: 30 });
  assert.ok((await generateTasks(o)).complete);
  await o.engine.close();
  const files = taskRunFiles("e");
  const committedTasks = lines(files.tasks);
  // As if the process died after storing its answers but before committing any of them.
  for (const f of [files.tasks, files.rejects, files.requests]) rmSync(f, { force: true });
  const snapshot = () => readdirSync(files.dir).sort().map((n) => `${n}:${readFileSync(join(files.dir, n), "utf8").length}`);
  const before = snapshot();
  const d = options("e", "cache-e", { target: 30 + 900 });
  const est = estimateTasks(d);
  await d.engine.close();
  assert.equal(est.kept, committedTasks.length);
  assert.deepEqual(snapshot(), before, "the estimate wrote to the run store");
  // The resume commits them, byte for byte as before, without asking the teacher again.
  const o2 = options("e", "cache-e", { target: 30 });
  assert.ok((await generateTasks(o2)).complete);
  await o2.engine.close();
  assert.deepEqual(lines(files.tasks), committedTasks);
});

test("machine tasks in the prompt (K=1): rounds, deterministic pool, resume gives the same tasks", async () => {
  const extra = { params: { machineTasksPerPrompt: 1 }, roundSize: 3, target: 45 } as const;
  const oa = options("m-a", "cache-ma", extra);
  const sa = await generateTasks(oa);
  await oa.engine.close();
  assert.ok(sa.complete);
  const ta = readGeneratedTasks("m-a");
  // round 0 has no pool yet: 3 seeds; later rounds show one machine task from an earlier round
  assert.ok(ta.filter((t) => t.request < 3).every((t) => t.promptTasks.every((r) => r.source === "seed")));
  const later = ta.filter((t) => t.request >= 3);
  assert.ok(later.length > 0);
  for (const t of later) {
    const m = t.promptTasks.filter((r) => r.source === "machine");
    assert.equal(m.length, 1);
    const src = ta.find((x) => x.id === m[0]!.id)!;
    assert.ok(src.request < Math.floor(t.request / 3) * 3, "sampled from an earlier round only");
  }
  const ctl = new AbortController();
  const ob = options("m-b", "cache-mb", { ...extra, signal: ctl.signal, onProgress: (p) => { if (p.requestsDone >= 4) ctl.abort(); } });
  const sb = await generateTasks(ob);
  await ob.engine.close();
  assert.equal(sb.complete, false);
  const ob2 = options("m-b", "cache-mb", extra);
  await generateTasks(ob2);
  await ob2.engine.close();
  assert.deepEqual(lines(taskRunFiles("m-b").tasks), lines(taskRunFiles("m-a").tasks));
});
