// A judging run against the loopback fake OpenAI server (test/fake-server): scripted verdicts per item and order,
// faults (429, 500, malformed bodies), and the `alpacare judge` CLI killed with SIGKILL mid-run and resumed: every
// (item, order) ends up judged exactly once in the verdict file, and a finished run sends nothing more.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { rawDir } from "../../src/core/index.js";
import { loadModelOutputs, loadReferenceOutputs, loadTestSet } from "../../src/data/index.js";
import { inferOutputFile } from "../../src/infer/catalogue.js";
import { createEngine } from "../../src/llm/index.js";
import {
  buildJudgePrompt, judgeRun, loadJudgeTemplate, loadVerdicts, readVerdictFile, summariseVerdicts, JUDGE_SYSTEM_PROMPT,
  type JudgeRunOptions,
} from "../../src/judge/index.js";
import { startFakeServer, type FakeAnswer, type FakeRequest, type FakeServer } from "../fake-server/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const realRaw = rawDir();
const haveData = existsSync(join(realRaw, "alpacare", "data", "MedInstruct-test.jsonl"));
let tmp: string;
let server: FakeServer;
const savedEnv = { ...process.env };
/** Successful (non-fault) answers per request body hash. */
const answered = new Map<string, number>();
let faultsOn = true;

const MODEL = "AlpaCare-7b";
const REF = "gpt-4";
const TEST_SET = "MedInstruct-test";

/**
 * The scripted judge. It finds the item by its model output and which position holds the model, then answers by
 * item number: 0 model wins both orders, 1 reference wins both, 2 always "Output (a)" (position bias),
 * 3 a tie in one order and an explained answer (unparsed upstream) in the other.
 */
function makeResponder(modelOutputs: string[]): (r: FakeRequest) => FakeAnswer {
  return (r) => {
    const m = /## Instruction:\n[\s\S]*## Instruction:\n[\s\S]*?\n\n## Output \(a\):\n([\s\S]*?)\n\n## Output \(b\):\n/.exec(r.prompt);
    const a = m?.[1] ?? "";
    const item = modelOutputs.findIndex((o) => o === a);
    const modelIsA = item >= 0;
    const i = modelIsA ? item : modelOutputs.findIndex((o) => r.prompt.includes(`## Output (b):\n${o}\n\n## Which`));
    if (faultsOn) {
      // Faults on the first attempt of some requests: the engine retries them.
      if (i === 1 && r.attempt === 1) return { fault: "429", retryAfterMs: 20 };
      if (i === 4 && r.attempt === 1) return { fault: "500" };
      if (i === 6 && r.attempt === 1) return { fault: "malformed" };
    }
    answered.set(r.hash, (answered.get(r.hash) ?? 0) + 1);
    const modelPos = modelIsA ? "Output (a)" : "Output (b)";
    const refPos = modelIsA ? "Output (b)" : "Output (a)";
    switch (i % 4) {
      case 0: return modelPos;
      case 1: return refPos;
      case 2: return "Output (a)";
      default: return modelIsA ? "Tie" : `${modelPos} is better because it is more detailed.`;
    }
  };
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "judge-run-"));
  if (haveData) symlinkSync(realRaw, join(tmp, "raw"));
  process.env.ALPACARE_DATA_DIR = tmp;
  process.env.ALPACARE_CACHE_DIR = join(tmp, "cache");
  process.env.OPENAI_API_KEY = "test-key";
  const outputs = haveData ? loadModelOutputs(MODEL, TEST_SET).map((o) => o.response) : [];
  server = await startFakeServer({ respond: makeResponder(outputs), latencyMs: 40 });
});

after(async () => {
  await server?.close();
  process.env = savedEnv;
  rmSync(tmp, { recursive: true, force: true });
});

test("the judge prompt is upstream's: template + \\n, system prompt, both orders, temperature 0, max_tokens 100", { skip: !haveData && "data/raw not acquired" }, () => {
  const t = loadJudgeTemplate("chatgpt");
  assert.ok(t.text.endsWith("## Which is the better choice, Output (a) or Output (b), or is it a Tie?\n"));
  const ref = loadReferenceOutputs(REF, TEST_SET)[0]!;
  const out = loadModelOutputs(MODEL, TEST_SET)[0]!;
  const pair = { instruction: ref.instruction, modelName: MODEL, modelOutput: out.response, referenceName: REF, referenceOutput: ref.output };
  const first = buildJudgePrompt(t, pair, "referenceFirst");
  const last = buildJudgePrompt(t, pair, "referenceLast");
  assert.equal(first.model1, REF);
  assert.equal(last.model1, MODEL);
  assert.ok(first.prompt.includes(`## Output (a):\n${ref.output}\n\n## Output (b):\n${out.response}\n\n## Which`));
  assert.ok(last.prompt.includes(`## Output (a):\n${out.response}\n\n## Output (b):\n${ref.output}\n\n## Which`));
  assert.ok(first.prompt.includes(`## Instruction:\n${ref.instruction}\n\n## Output (a)`));
  assert.equal(JUDGE_SYSTEM_PROMPT.startsWith("You are a helpful instruction-following assistant"), true);
  const a = loadJudgeTemplate("anthropic");
  assert.equal(a.form, "human-assistant");
  assert.ok(a.text.endsWith("\n\nAssistant:\n"));
});

test("judgeRun through the fake server: scripted verdicts, faults retried, resumable, scores as scripted", { skip: !haveData && "data/raw not acquired" }, async () => {
  const opts: JudgeRunOptions = {
    modelName: MODEL, testSet: TEST_SET, reference: REF, run: "inproc", limit: 8,
    judge: { provider: "openai", model: "gpt-3.5-turbo", baseURL: server.openaiBaseURL },
    engineOptions: { concurrency: 3, progress: false, retryBaseMs: 10, retryMaxMs: 50, maxRetries: 3 },
  };
  const before = server.requests.length;
  answered.clear();
  const res = await judgeRun(opts);
  assert.equal(res.planned, 16);
  assert.equal(res.judged, 16);
  assert.deepEqual(res.failures, []);
  const sent = server.requests.slice(before);
  assert.equal(sent.length, 16 + 2 * 3, "16 answers plus one faulted first attempt for each order of items 1, 4, 6");
  const body = sent[0]!.body;
  assert.equal(body.temperature, 0);
  assert.equal(body.max_tokens ?? body.max_completion_tokens, 100);
  assert.equal(body.messages[0].content, JUDGE_SYSTEM_PROMPT);
  const recs = readVerdictFile(res.file);
  assert.equal(recs.length, 16);
  assert.equal(new Set(recs.map((r) => `${r.itemId}/${r.order}`)).size, 16);
  assert.equal(answered.size, 16, "16 distinct requests answered");
  assert.ok([...answered.values()].every((c) => c === 1), "each answered exactly once");
  // Items 0,4: win+win = 1; 1,5: loss+loss = 0; 2,6: (a) twice = loss (ref first) + win (ref last) = 0.5;
  // 3,7: Tie (model a, ref last) + unparsed explanation (ref first) -> NaN upstream.
  const s = summariseVerdicts(recs);
  assert.equal(s.n, 6);
  assert.equal(s.unparsed, 2);
  assert.equal(s.winRate, ((1 + 0 + 0.5 + 1 + 0 + 0.5) / 6) * 100);
  assert.equal(s.flipRate, 2 / 6);
  const robust = summariseVerdicts(recs, { mode: "robust" });
  assert.equal(robust.n, 8);
  assert.equal(robust.winRate, ((1 + 0 + 0.5 + 0.75) * 2 / 8) * 100);
  assert.equal(res.unparsed.length, 2);
  // Resume: nothing left to do, nothing sent.
  const n = server.requests.length;
  const again = await judgeRun(opts);
  assert.equal(again.done, 16);
  assert.equal(again.judged, 0);
  assert.equal(server.requests.length, n);
  assert.equal(loadVerdicts("inproc", { model: MODEL, reference: REF, judge: "gpt-3.5-turbo" }).length, 16);
  assert.ok(existsSync(res.configFile));
  const config = JSON.parse(readFileSync(res.configFile, "utf8"));
  assert.equal(config.template.hash, res.template.hash);
  assert.equal(JSON.stringify(config).includes("test-key"), false, "no key in the config snapshot");
});

test("a model run with `alpacare infer` is judged from the run's outputs, under its own name", { skip: !haveData && "data/raw not acquired" }, async () => {
  const items = loadTestSet(TEST_SET).slice(0, 2);
  const file = inferOutputFile("inferred", "my-model", TEST_SET);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, items.map((it) => JSON.stringify({ id: it.id, instruction: it.instruction, input: it.input, raw_output: "x", response: `my answer to ${it.id}` })).join("\n") + "\n");
  const res = await judgeRun({
    modelName: "my-model", testSet: TEST_SET, reference: REF, run: "inferred",
    judge: { provider: "openai", model: "gpt-3.5-turbo", baseURL: server.openaiBaseURL },
    engineOptions: { progress: false, retryBaseMs: 10, maxRetries: 3 },
  });
  assert.equal(res.items, 2, "only the items the run answered");
  assert.equal(res.judged, 4);
  assert.equal(res.outputsSource, "run inferred");
  const recs = readVerdictFile(res.file);
  assert.deepEqual(recs.filter((r) => r.order === "referenceLast").map((r) => r.model1), ["my-model", "my-model"]);
  assert.ok(res.file.endsWith(`my-model__${TEST_SET}__${REF}__gpt-3.5-turbo__chatgpt.jsonl`));
});

test("judgeRun through the batch API (OpenAI Batch on the fake server): verdicts written from the batch results", { skip: !haveData && "data/raw not acquired" }, async () => {
  faultsOn = false;
  const batchesBefore = server.batchItems.length;
  const requestsBefore = server.requests.length;
  const res = await judgeRun({
    modelName: MODEL, testSet: TEST_SET, reference: "text-davinci-003", run: "batched", limit: 3,
    judge: { provider: "openai", model: "gpt-3.5-turbo", baseURL: server.openaiBaseURL },
    engineOptions: { progress: false }, batch: { pollIntervalMs: 20, progress: false },
  });
  faultsOn = true;
  assert.equal(res.judged, 6);
  assert.deepEqual(res.failures, []);
  assert.equal(server.batchItems.length - batchesBefore, 6, "all six calls went through the batch");
  assert.equal(server.requests.length, requestsBefore, "no synchronous calls");
  assert.equal(readVerdictFile(res.file).length, 6);
  // Scripted: items 0 (win, win), 1 (loss, loss), 2 ((a) twice = 0.5).
  assert.equal(res.summary.winRate, 50);
});

test("alpacare judge killed with SIGKILL mid-run resumes: every (item, order) judged exactly once", { skip: !haveData && "data/raw not acquired" }, async () => {
  faultsOn = true;
  const args = [
    "--import", "tsx", join(root, "src", "cli", "main.ts"), "judge", "--model-name", MODEL, "--test-set", TEST_SET, "--reference", REF,
    "--limit", "12", "--run", "killed", "--judge-provider", "openai", "--judge-model", "gpt-3.5-turbo",
    "--judge-base-url", server.openaiBaseURL, "--judge-concurrency", "2", "--judge-max-retries", "3", "--quiet",
  ];
  const file = join(tmp, "runs", "killed", "verdicts", `${MODEL}__${TEST_SET}__${REF}__gpt-3.5-turbo__chatgpt.jsonl`);
  server.setLatency(150);
  answered.clear();
  // A fresh LLM cache: the in-process test above answered some of the same requests.
  const env = { ...process.env, ALPACARE_CACHE_DIR: join(tmp, "cache-cli") };
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const n = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
    if (n >= 5) break;
    if (Date.now() > deadline) assert.fail(`child wrote ${n} verdicts in 90 s; stderr: ${stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill("SIGKILL");
  await exited;
  const partial = readVerdictFile(file);
  assert.ok(partial.length >= 5 && partial.length < 24, `killed mid-run (${partial.length} written)`);

  server.setLatency(5);
  const resumed = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err2 = "";
  resumed.stdout.on("data", (d) => (out += d));
  resumed.stderr.on("data", (d) => (err2 += d));
  const code = await new Promise<number | null>((resolve) => resumed.on("exit", (c) => resolve(c)));
  assert.equal(code, 0, `resumed run failed: ${err2}\n${out}`);
  const recs = readVerdictFile(file);
  assert.equal(recs.length, 24, "12 items x 2 orders");
  assert.equal(new Set(recs.map((r) => `${r.itemId}/${r.order}`)).size, 24, "no (item, order) twice");
  // Each distinct request got one answer, except the few in flight at the kill (their answers were lost).
  const twice = [...answered.values()].filter((c) => c > 1).length;
  assert.equal([...answered.values()].filter((c) => c > 2).length, 0);
  assert.ok(twice <= 2, `at most the 2 in-flight calls are asked twice (got ${twice})`);
  assert.equal(answered.size, 24);
  assert.match(out, /24 pairs|pairs 24/);

  // A third run has nothing to do and sends nothing.
  const n = server.requests.length;
  const third = spawn(process.execPath, [...args, "--json"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let json = "";
  third.stdout.on("data", (d) => (json += d));
  assert.equal(await new Promise<number | null>((resolve) => third.on("exit", (c) => resolve(c))), 0);
  assert.equal(server.requests.length, n);
  const result = JSON.parse(json);
  assert.equal(result.done, 24);
  assert.equal(result.judged, 0);
  assert.equal(result.summary.unparsed, 3 * 1);
});
