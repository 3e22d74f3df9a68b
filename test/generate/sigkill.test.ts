// Done-when of issue #5: against the loopback fake OpenAI server, a generation of >= 500 tasks with injected 429/500
// faults and one SIGKILL of the CLI process mid-run completes with every task exactly once, provenance intact, and
// no request answered twice (the server counts). The child runs with --no-cache, so the run store alone guarantees it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../src/core/index.js";
import { createEngine } from "../../src/llm/index.js";
import { loadInstructionPrompt, loadSeedTasks } from "../../src/data/index.js";
import { generateTasks, taskRunFiles, type CompletionRecord, type GeneratedTask } from "../../src/generate/index.js";
import { fakeTeacherCompletion } from "./fake-teacher.js";
import { faultFor, lines, tempDataDir } from "./helpers.js";
import { startFakeServer, type FakeRequest } from "../fake-server/index.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("500 tasks, 429/500 faults, SIGKILL mid-run, resume: every task once, provenance intact, no request answered twice", { timeout: 180_000 }, async () => {
  const tmp = tempDataDir();
  const savedDataDir = process.env.ALPACARE_DATA_DIR;
  process.env.ALPACARE_DATA_DIR = tmp.dir;
  const savedKey = process.env.OPENAI_API_KEY;
  process.env.OPENAI_API_KEY = "test-key";
  const answered = new Map<string, number>();
  let total = 0;
  let killAt = Infinity;
  let onGate: (() => void) | undefined;
  const normal = async (r: FakeRequest) => {
    await sleep(3);
    const f = faultFor(r);
    if (f === "429") return { fault: "429" as const, retryAfterMs: 5 };
    if (f === "500") return { fault: "500" as const };
    if (total >= killAt) {
      // Past the kill point: answer nothing more, so every answer sent before the kill has reached the client.
      onGate?.();
      return { fault: "hang" as const };
    }
    total++;
    answered.set(r.hash, (answered.get(r.hash) ?? 0) + 1);
    return fakeTeacherCompletion(r.prompt);
  };
  const server = await startFakeServer({ respond: normal });
  const env = { ...process.env, ALPACARE_DATA_DIR: tmp.dir, ALPACARE_CACHE_DIR: join(tmp.dir, "cache"), OPENAI_API_KEY: "test-key" };
  const args = ["--import", "tsx", "src/cli/main.ts", "generate-tasks", "--run", "k", "--target", "500", "--provider", "openai", "--model", "gpt-4",
    "--base-url", server.openaiBaseURL, "--no-cache", "--concurrency", "8", "--wave-size", "16", "--quiet"];
  const runChild = (onSpawn?: (kill: () => void) => void) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("exit", (code, signal) => resolve({ code, signal, out }));
      onSpawn?.(() => child.kill("SIGKILL"));
    });
  try {
    // 1. First process: killed after 20 answers (while others are in flight).
    killAt = 20;
    const first = await runChild((kill) => {
      let armed = false;
      onGate = () => {
        if (armed) return;
        armed = true;
        setTimeout(kill, 400);
      };
    });
    assert.equal(first.signal, "SIGKILL", first.out);
    const files = taskRunFiles("k");
    const doneBefore = lines(files.completions).length;
    assert.ok(doneBefore > 0 && doneBefore <= 20, `completions before resume: ${doneBefore}`);
    assert.ok(lines(files.tasks).length < 500);

    // 2. Resume to the end.
    killAt = Infinity;
    onGate = undefined;
    const second = await runChild();
    assert.equal(second.code, 0, second.out);

    const tasks = lines(files.tasks).map((l) => JSON.parse(l) as GeneratedTask);
    const completions = lines(files.completions).map((l) => JSON.parse(l) as CompletionRecord);
    const config = JSON.parse(readFileSync(files.config, "utf8"));
    assert.ok(tasks.length >= 500, `kept ${tasks.length}`);
    // every task exactly once
    assert.equal(new Set(tasks.map((t) => t.id)).size, tasks.length);
    assert.equal(new Set(tasks.map((t) => `${t.instruction}\u0000${t.input}`)).size, tasks.length);
    // every request answered once, contiguous, and answered by the server exactly once
    const reqs = completions.map((c) => c.request).sort((a, b) => a - b);
    assert.deepEqual(reqs, reqs.map((_, i) => i));
    assert.equal(answered.size, completions.length);
    for (const [hash, n] of answered) assert.equal(n, 1, `body ${hash.slice(0, 8)} answered ${n} times`);
    assert.ok(server.requests.length > completions.length, "faults were injected");
    // provenance
    const byRequest = new Map(completions.map((c) => [c.request, c]));
    for (const t of tasks) {
      assert.equal(t.configHash, config.configHash);
      assert.equal(t.teacher.model, "gpt-4");
      assert.equal(t.promptTasks.length, 3);
      assert.deepEqual(t.promptTasks, byRequest.get(t.request)!.promptTasks);
    }
    // 3. The same run uninterrupted, in-process, against a fresh server: byte-identical tasks.
    const ref = await startFakeServer({ respond: (r) => fakeTeacherCompletion(r.prompt) });
    const engine = createEngine({ cache: false, concurrency: 8, progress: false });
    const s = await generateTasks({
      run: "k-ref", target: 500, teacher: { provider: "openai", model: "gpt-4", baseURL: ref.openaiBaseURL }, engine,
      seeds: loadSeedTasks(), requirements: loadInstructionPrompt(), quiet: true,
    });
    await engine.close();
    await ref.close();
    assert.ok(s.complete);
    assert.deepEqual(lines(taskRunFiles("k-ref").tasks), lines(files.tasks));
  } finally {
    await server.close();
    tmp.cleanup();
    if (savedDataDir === undefined) delete process.env.ALPACARE_DATA_DIR;
    else process.env.ALPACARE_DATA_DIR = savedDataDir;
    if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = savedKey;
  }
});
