// The judge's run store under hostile but fair use (issue 12): torn verdict files are repaired for good, a second
// writer on the same run is refused before it sends anything, a failed write (verdict file or LLM cache) stops the
// run with one line naming the file and discards no paid answer.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { rawDir, WriteError } from "../../src/core/index.js";
import { parseJsonl } from "../../src/core/jsonl.js";
import { LlmCache } from "../../src/llm/index.js";
import { judgeRun, readVerdictFile, type JudgeRunOptions } from "../../src/judge/index.js";
import { startFakeServer, type FakeServer } from "../fake-server/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const realRaw = rawDir();
const haveData = existsSync(join(realRaw, "alpacare", "data", "MedInstruct-test.jsonl"));
const skip = !haveData && "data/raw not acquired";
let tmp: string;
let server: FakeServer;
const savedEnv = { ...process.env };
/** Answers the server gave, per body hash. */
const answered = new Map<string, number>();

const MODEL = "AlpaCare-7b";
const REF = "gpt-4";
const TEST_SET = "MedInstruct-test";
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "judge-store-"));
  chmodSync(tmp, 0o755);
  if (haveData) symlinkSync(realRaw, join(tmp, "raw"));
  process.env.ALPACARE_DATA_DIR = tmp;
  process.env.ALPACARE_CACHE_DIR = join(tmp, "cache");
  process.env.OPENAI_API_KEY = "test-key";
  server = await startFakeServer({
    latencyMs: 5,
    respond: (r) => {
      answered.set(r.hash, (answered.get(r.hash) ?? 0) + 1);
      return r.prompt.length % 2 ? "Output (a)" : "Output (b)";
    },
  });
});

after(async () => {
  await server?.close();
  process.env = savedEnv;
  rmSync(tmp, { recursive: true, force: true });
});

const opts = (run: string, limit: number): JudgeRunOptions => ({
  modelName: MODEL, testSet: TEST_SET, reference: REF, run, limit,
  judge: { provider: "openai", model: "gpt-3.5-turbo", baseURL: server.openaiBaseURL },
  engineOptions: { concurrency: 2, progress: false, retryBaseMs: 10, retryMaxMs: 50, maxRetries: 1 },
});

const pairsOf = (file: string) => parseJsonl<{ itemId: string; order: string }>(readFileSync(file, "utf8"), file).map((r) => `${r.itemId}/${r.order}`);

test("a verdict file torn at any point of its last record: two reruns repair it, each pair once, nothing paid twice", { skip }, async () => {
  const first = await judgeRun(opts("torn", 3));
  assert.equal(first.judged, 6);
  const file = first.file;
  const whole = readFileSync(file);
  const lastStart = whole.lastIndexOf(0x0a, whole.length - 2) + 1;
  const sent = server.requests.length;
  // Every 37th byte of the last record, plus its edges (one byte in, just before and at its newline).
  const offsets = new Set<number>([lastStart + 1, whole.length - 2, whole.length - 1]);
  for (let o = lastStart + 1; o < whole.length; o += 37) offsets.add(o);
  for (const cut of [...offsets].sort((a, b) => a - b)) {
    writeFileSync(file, whole.subarray(0, cut));
    for (let rerun = 0; rerun < 2; rerun++) {
      const res = await judgeRun(opts("torn", 3));
      assert.deepEqual(res.failures, [], `offset ${cut}`);
      const pairs = pairsOf(file);
      assert.equal(pairs.length, 6, `offset ${cut}, rerun ${rerun}: ${pairs.length} records`);
      assert.equal(new Set(pairs).size, 6, `offset ${cut}: no pair twice`);
    }
  }
  assert.equal(server.requests.length, sent, "the redone pair came from the LLM cache: nothing was paid twice");
});

test("two `alpacare judge` on one run: the second is refused at once naming the holder; every pair judged and paid once", { skip }, async () => {
  answered.clear();
  const args = [
    "--import", "tsx", join(root, "src", "cli", "main.ts"), "judge", "--model-name", MODEL, "--test-set", TEST_SET, "--reference", REF,
    "--limit", "10", "--run", "two", "--judge-provider", "openai", "--judge-model", "gpt-3.5-turbo",
    "--judge-base-url", server.openaiBaseURL, "--judge-concurrency", "2", "--quiet",
  ];
  const env = { ...process.env, ALPACARE_CACHE_DIR: join(tmp, "cache-two") };
  const file = join(tmp, "runs", "two", "verdicts", `${MODEL}__${TEST_SET}__${REF}__gpt-3.5-turbo__chatgpt.jsonl`);
  // Slow answers while the second starts (it takes a second or two to load): the first still holds the run then.
  server.setLatency(1500);
  const firstChild = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const firstExit = new Promise<number | null>((r) => firstChild.on("exit", (c) => r(c)));
  const deadline = Date.now() + 90_000;
  while (!(existsSync(file) && readFileSync(file, "utf8").includes("\n"))) {
    if (Date.now() > deadline) assert.fail("the first judge wrote nothing in 90 s");
    await new Promise((r) => setTimeout(r, 10));
  }
  const second = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  second.stderr.on("data", (d) => (err += d));
  const code = await new Promise<number | null>((r) => second.on("exit", (c) => r(c)));
  assert.equal(code, 1);
  assert.match(err, new RegExp(`^alpacare judge: run "two" is in use by process ${firstChild.pid} \\(judge ${MODEL} vs ${REF} \\(${TEST_SET}\\), since \\d{4}-`));
  assert.equal(err.trim().split("\n").length, 1, `one line: ${err}`);
  server.setLatency(5);
  assert.equal(await firstExit, 0);
  assert.equal(existsSync(join(tmp, "runs", "two", ".lock")), false, "the lock is released when the command exits");
  assert.equal(new Set(pairsOf(file)).size, 20);
  assert.equal(pairsOf(file).length, 20, "no verdict twice");
  assert.equal(answered.size, 20);
  assert.ok([...answered.values()].every((n) => n === 1), "no request paid twice");
});

test("the LLM cache cannot be written (disk full): the run stops before the next call, the answers already paid are stored", { skip }, async () => {
  const cacheDir = join(tmp, "cache-full");
  mkdirSync(cacheDir);
  symlinkSync("/dev/full", join(cacheDir, "llm-calls.jsonl"));
  const before = server.requests.length;
  const o = opts("full", 5);
  o.engineOptions = { ...o.engineOptions, cacheDir };
  await assert.rejects(judgeRun(o), (e: Error) => {
    assert.ok(e instanceof WriteError, String(e));
    assert.match(e.message, /llm-calls\.jsonl: could not write: ENOSPC/);
    return true;
  });
  const paid = server.requests.length - before;
  assert.ok(paid >= 1 && paid <= 2, `at most the calls in flight (concurrency 2) were sent: ${paid}`);
  const file = join(tmp, "runs", "full", "verdicts", `${MODEL}__${TEST_SET}__${REF}__gpt-3.5-turbo__chatgpt.jsonl`);
  assert.equal(readVerdictFile(file).length, paid, "every paid answer is in the run store");
});

test("`alpacare judge` with a verdict file it cannot write: exit 1, one line naming the file, every paid answer cached", { skip }, async () => {
  // Root ignores file permissions: the CLI runs as `nobody` then (a real non-root user), else as this user.
  const run = "readonly";
  const runPath = join(tmp, "runs", run);
  const verdicts = join(runPath, "verdicts");
  mkdirSync(verdicts, { recursive: true });
  const file = join(verdicts, `${MODEL}__${TEST_SET}__${REF}__gpt-3.5-turbo__chatgpt.jsonl`);
  writeFileSync(file, "");
  const cacheDir = join(tmp, "cache-ro");
  mkdirSync(cacheDir);
  if (isRoot) {
    chownSync(join(tmp, "runs"), NOBODY, NOBODY);
    chownSync(runPath, NOBODY, NOBODY);
    chownSync(verdicts, NOBODY, NOBODY);
    chownSync(cacheDir, NOBODY, NOBODY);
  }
  chmodSync(file, 0o444);
  const args = [
    "--import", "tsx", join(root, "src", "cli", "main.ts"), "judge", "--model-name", MODEL, "--test-set", TEST_SET, "--reference", REF,
    "--limit", "5", "--run", run, "--judge-provider", "openai", "--judge-model", "gpt-3.5-turbo",
    "--judge-base-url", server.openaiBaseURL, "--judge-concurrency", "2", "--quiet",
  ];
  const before = server.requests.length;
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ALPACARE_CACHE_DIR: cacheDir, HOME: tmp }, stdio: ["ignore", "pipe", "pipe"], ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}) });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
  assert.equal(code, 1, err);
  assert.match(err, /^alpacare judge: \S+chatgpt\.jsonl: could not write: EACCES: permission denied\n$/);
  const paid = server.requests.length - before;
  assert.ok(paid >= 1 && paid <= 2, `no call after the failed write but those in flight: ${paid}`);
  const cache = new LlmCache(cacheDir);
  assert.equal(cache.size, paid, "every paid answer is in the cache: a rerun pays nothing for it");
  cache.close();
});

test("a torn verdict file read by score/figures readers: the torn tail is skipped, not an error", { skip }, async () => {
  const res = await judgeRun(opts("reader", 2));
  const whole = readFileSync(res.file);
  truncateSync(res.file, whole.length - 10);
  assert.equal(readVerdictFile(res.file).length, 3);
});
