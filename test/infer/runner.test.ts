// The runner against a real loopback OpenAI-compatible server (test/fake-server) and the real local model:
// resume after SIGKILL without repeating finished items, settings pinned, mismatched files refused.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { InputError, rawDir, readJsonl } from "../../src/core/index.js";
import { loadTestSet } from "../../src/data/index.js";
import { testModelPath } from "../../src/llm/index.js";
import { inferItems, inferRun, loadAnyModelOutputs, modelOutputCatalogue, renderAlpacaPrompt, type InferOutputRecord, type InferRunOptions } from "../../src/infer/index.js";
import { inferOutputFile, inferSettingsFile } from "../../src/infer/catalogue.js";
import { startFakeServer, type FakeServer } from "../fake-server/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const realRaw = rawDir();
let tmp: string;
let server: FakeServer;
const savedEnv = { ALPACARE_DATA_DIR: process.env.ALPACARE_DATA_DIR, OPENAI_API_KEY: process.env.OPENAI_API_KEY };

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "infer-test-"));
  symlinkSync(realRaw, join(tmp, "raw"));
  process.env.ALPACARE_DATA_DIR = tmp;
  process.env.OPENAI_API_KEY = "test-key";
  // Each answer is numbered so a repeated request would show; 5 output tokens each.
  server = await startFakeServer({ respond: (r) => ({ text: ` Answer to: ${r.prompt.slice(-40)}`, outputTokens: 5 }), latencyMs: 120 });
});

after(async () => {
  await server.close();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(tmp, { recursive: true, force: true });
});

const baseOptions = (): InferRunOptions => ({
  modelName: "fake-alpacare",
  testSet: "MedInstruct-test",
  run: "resume",
  limit: 12,
  target: { provider: "openai-compatible", model: "fake-alpacare-7b", baseURL: server.openaiBaseURL },
  engineOptions: { concurrency: 2, cache: false, progress: false, maxRetries: 0 },
  silent: true,
});

test("resume after SIGKILL mid-run: finished items are not requested again", async () => {
  const file = inferOutputFile("resume", "fake-alpacare", "MedInstruct-test");
  const child = spawn(process.execPath, ["--import", "tsx", join(here, "fixtures", "infer-child.ts"), JSON.stringify(baseOptions())], {
    env: { ...process.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // Kill once at least 4 records are stored (but before all 12).
  const deadline = Date.now() + 60_000;
  for (;;) {
    const n = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
    if (n >= 4) break;
    if (Date.now() > deadline) assert.fail(`child stored ${n} records in 60 s; stderr: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  await exited;
  const before = readJsonl<InferOutputRecord>(file, { tornTail: "skip" });
  assert.ok(before.length >= 4 && before.length < 12, `killed mid-run (${before.length} stored)`);
  const requestsBefore = server.requests.length;
  const finishedPrompts = new Set(before.map((r) => renderAlpacaPrompt(r)));

  const summary = await inferRun(baseOptions());
  assert.equal(summary.resumed, before.length);
  assert.equal(summary.generated, 12 - before.length);
  assert.equal(summary.failed, 0);
  const resumedRequests = server.requests.slice(requestsBefore);
  assert.equal(resumedRequests.length, 12 - before.length, "one request per missing item, none for finished ones");
  for (const r of resumedRequests) assert.ok(!finishedPrompts.has(r.prompt), "a finished item was requested again");

  const after = readJsonl<InferOutputRecord>(file);
  assert.equal(after.length, 12);
  assert.equal(new Set(after.map((r) => r.id)).size, 12, "no duplicates");
  const items = inferItems("MedInstruct-test", loadTestSet("MedInstruct-test")).slice(0, 12);
  assert.deepEqual(new Set(after.map((r) => r.id)), new Set(items.map((i) => i.id)));
  for (const r of after) {
    assert.ok(r.raw_output.startsWith(renderAlpacaPrompt(r)), "raw_output = prompt + completion, as upstream");
    assert.equal(r.response, r.raw_output.split("Response:")[1]);
    assert.match(r.response, /^ Answer to: /);
    assert.equal(r.generation.outputTokens, 5);
  }
  // The request was a raw completion, greedy, with the paper's token limit.
  const body = resumedRequests[0]!.body;
  assert.equal(resumedRequests[0]!.api, "openai-completions");
  assert.equal(body.temperature, 0);
  assert.equal(body.max_tokens, 2048);

  // Settings stored beside the outputs.
  const settings = JSON.parse(readFileSync(inferSettingsFile("resume", "fake-alpacare"), "utf8"))["MedInstruct-test"];
  assert.equal(settings.template, "alpaca");
  assert.equal(settings.maxTokens, 2048);
  assert.equal(settings.temperature, 0);
  assert.equal(settings.extraction, "upstream");
  assert.equal(settings.baseURL, server.openaiBaseURL);

  // A third run has nothing to do.
  const n = server.requests.length;
  const again = await inferRun(baseOptions());
  assert.deepEqual([again.resumed, again.generated], [12, 0]);
  assert.equal(server.requests.length, n);

  // Partial outputs load only when asked for; the catalogue lists them as incomplete.
  assert.throws(() => loadAnyModelOutputs("fake-alpacare", "MedInstruct-test", "resume"), (e) => e instanceof InputError && /12 outputs for a test set of 216/.test(e.message));
  const loaded = loadAnyModelOutputs("fake-alpacare", "MedInstruct-test", "resume", { allowPartial: true });
  assert.deepEqual(loaded.map((o) => o.id), items.map((i) => i.id), "in test-set order");
  assert.equal(loaded[0]!.finishReason, "stop");
  const entry = modelOutputCatalogue("resume", { published: false }).find((e) => e.model === "fake-alpacare");
  assert.deepEqual(entry && [entry.count, entry.expected, entry.complete, entry.source], [12, 216, false, "run"]);
});

test("resuming with different settings is refused", async () => {
  await assert.rejects(inferRun({ ...baseOptions(), maxTokens: 100 }), (e) => e instanceof InputError && /maxTokens: 2048 -> 100/.test(e.message));
  await assert.rejects(inferRun({ ...baseOptions(), template: "chat" }), (e) => e instanceof InputError && /template/.test(e.message));
});

test("a mismatched output file is rejected (by the loader and by the runner)", async () => {
  const file = inferOutputFile("bad", "wrong-model", "AlpacaFarm");
  mkdirSync(dirname(file), { recursive: true });
  const items = inferItems("AlpacaFarm", loadTestSet("AlpacaFarm"));
  const rec = (i: number, over: Partial<InferOutputRecord> = {}) => JSON.stringify({ id: items[i]!.id, instruction: items[i]!.instruction, input: "", raw_output: "x", response: "y", ...over });
  // Right count, but one record carries another item's instruction.
  writeFileSync(file, items.map((_, i) => (i === 3 ? rec(3, { instruction: items[4]!.instruction }) : rec(i))).join("\n") + "\n");
  assert.throws(() => loadAnyModelOutputs("wrong-model", "AlpacaFarm", "bad"), (e) => e instanceof InputError && e.location.index === 3 && e.location.field === "instruction");
  // An id that is not in the test set.
  writeFileSync(file, [rec(0), rec(1, { id: "9999" })].join("\n") + "\n");
  assert.throws(() => loadAnyModelOutputs("wrong-model", "AlpacaFarm", "bad", { allowPartial: true }), (e) => e instanceof InputError && /9999/.test(e.message));
  // A duplicated id.
  writeFileSync(file, [rec(0), rec(0)].join("\n") + "\n");
  assert.throws(() => loadAnyModelOutputs("wrong-model", "AlpacaFarm", "bad", { allowPartial: true }), (e) => e instanceof InputError && /twice/.test(e.message));
  // Too few records.
  writeFileSync(file, [rec(0), rec(1)].join("\n") + "\n");
  assert.throws(() => loadAnyModelOutputs("wrong-model", "AlpacaFarm", "bad"), (e) => e instanceof InputError && /2 outputs for a test set of 805/.test(e.message));
  // The runner will not append to a file of another test set's items.
  writeFileSync(file, [rec(0, { id: "9999" })].join("\n") + "\n");
  await assert.rejects(
    inferRun({ ...baseOptions(), modelName: "wrong-model", run: "bad", testSet: "AlpacaFarm", limit: 1 }),
    (e) => e instanceof InputError && e.location.field === "id",
  );
});

test("local GGUF through node-llama-cpp (stories260K): Alpaca prompt as a raw completion, greedy, stored and extracted", async () => {
  const model = testModelPath();
  assert.ok(model, "stories260K is acquired by `alpacare data`");
  const options: InferRunOptions = {
    modelName: "stories260K",
    testSet: "AlpacaFarm",
    run: "local",
    limit: 2,
    maxTokens: 24,
    target: { provider: "local", model },
    engineOptions: { cache: false, progress: false, local: { threads: 1 } },
    silent: true,
  };
  const s = await inferRun(options);
  assert.deepEqual([s.generated, s.failed], [2, 0], s.errors.join("\n"));
  const records = readJsonl<InferOutputRecord>(inferOutputFile("local", "stories260K", "AlpacaFarm"));
  assert.equal(records.length, 2);
  for (const r of records) {
    assert.ok(r.raw_output.startsWith(renderAlpacaPrompt(r)));
    assert.equal(r.response, r.raw_output.split("Response:")[1] ?? "");
    assert.ok(r.generation.outputTokens > 0 && r.generation.outputTokens <= 24);
  }
  assert.ok(s.tokensPerSec > 0);
});

test("alpacare infer CLI: a served model through --provider openai-compatible, --dry-run, then a run and --list", async () => {
  const { main } = await import("../../src/cli/main.js");
  const flags = ["--model-name", "cli-model", "--test-set", "iCliniq,AlpacaFarm", "--limit", "3", "--run", "cli", "--provider", "openai-compatible", "--model", "served-7b", "--base-url", server.openaiBaseURL, "--no-cache", "--quiet", "--max-tokens", "64"];
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  try {
    const n = server.requests.length;
    assert.equal(await main(["infer", ...flags, "--dry-run"]), 0);
    assert.equal(server.requests.length, n, "a dry run sends nothing");
    assert.match(out.join(""), /cli-model iCliniq: 3 items, 0 already stored, 3 to generate/);
    assert.equal(await main(["infer", ...flags]), 0);
    assert.equal(server.requests.length, n + 6);
    assert.equal(server.requests.at(-1)!.body.max_tokens, 64);
    assert.equal(await main(["infer", "--list", "--run", "cli"]), 0);
    assert.match(out.join(""), /cli-model\s+\?\s+\?\s+iCliniq\s+3\/1000\s+run/);
    assert.equal(await main(["infer", "--test-set", "nope"]), 2, "usage error");
  } finally {
    process.stdout.write = write;
  }
  const icliniq = readJsonl<InferOutputRecord>(inferOutputFile("cli", "cli-model", "iCliniq"));
  assert.equal(icliniq.length, 3);
  assert.ok(icliniq[0]!.raw_output.includes("\n\n### Input:\n"), "iCliniq uses the with-input prompt");
});

test("catalogue: published outputs and runs listed together; published ones load through loadAnyModelOutputs", () => {
  const all = modelOutputCatalogue();
  const published = all.filter((e) => e.source === "published");
  assert.equal(new Set(published.map((e) => e.model)).size, 14);
  assert.equal(published.filter((e) => e.complete).length, 37, "every mirrored published file matches its test set's size");
  const missing = published.filter((e) => Number.isNaN(e.count));
  assert.equal(missing.length, 5, "the five files too large to mirror are listed as not acquired");
  assert.ok(missing.every((e) => e.error));
  const a = published.find((e) => e.model === "AlpaCare-13b-llama-2" && e.testSet === "iCliniq")!;
  assert.deepEqual([a.backbone, a.size, a.count, a.expected], ["LLaMA-2", "13B", 1000, 1000]);
  assert.ok(all.some((e) => e.source === "run" && e.run === "resume" && e.model === "fake-alpacare"), "runs of this test file are listed beside them");
  const outputs = loadAnyModelOutputs("AlpaCare-7b", "MedInstruct-test");
  const items = inferItems("MedInstruct-test", loadTestSet("MedInstruct-test"));
  assert.deepEqual(outputs.map((o) => o.id), items.map((i) => i.id), "published MedInstruct-test outputs align with the test set's own ids (143 is absent upstream)");
  assert.throws(() => loadAnyModelOutputs("no-such-model", "iCliniq"), InputError);
});

test("chat template: the instruction (+ input) goes as a chat message; raw_output is the completion, kept verbatim", async () => {
  const s = await inferRun({
    ...baseOptions(),
    modelName: "fake-chat",
    run: "chat",
    testSet: "iCliniq",
    limit: 2,
    template: "chat",
    systemPrompt: "You are a doctor.",
  });
  assert.deepEqual([s.generated, s.failed], [2, 0]);
  const last = server.requests.at(-1)!;
  assert.equal(last.api, "openai-chat");
  assert.equal(last.messages[0]!.role, "system");
  assert.match(last.messages[1]!.content, /^If you are a doctor, please answer the medical questions based on the patient's description\.\n\n\S/);
  const records = readJsonl<InferOutputRecord>(inferOutputFile("chat", "fake-chat", "iCliniq"));
  for (const r of records) {
    assert.match(r.raw_output, /^ Answer to: /);
    assert.equal(r.response, r.raw_output);
  }
  const settings = JSON.parse(readFileSync(inferSettingsFile("chat", "fake-chat"), "utf8")).iCliniq;
  assert.deepEqual([settings.template, settings.extraction, settings.promptTemplate.systemPrompt], ["chat", "verbatim", "You are a doctor."]);
});

test("a fully failed attempt (wrong --base-url) pins no settings: the corrected command runs", async () => {
  const run = "failed-first";
  const wrong: InferRunOptions = { ...baseOptions(), run, limit: 2, target: { provider: "openai-compatible", model: "fake-alpacare-7b", baseURL: "http://127.0.0.1:9/v1" } };
  const failed = await inferRun(wrong);
  assert.equal(failed.generated, 0);
  assert.equal(failed.failed, 2);
  assert.equal(existsSync(inferSettingsFile(run, "fake-alpacare")), false, "no settings.json after a fully failed attempt");
  const ok = await inferRun({ ...baseOptions(), run, limit: 2 });
  assert.equal(ok.generated, 2);
  assert.ok(existsSync(inferSettingsFile(run, "fake-alpacare")));
});

test("an outputs file torn in its last record is repaired and the item redone", async () => {
  const run = "torn-out";
  await inferRun({ ...baseOptions(), run, limit: 3 });
  const file = inferOutputFile(run, "fake-alpacare", "MedInstruct-test");
  const whole = readFileSync(file);
  writeFileSync(file, whole.subarray(0, whole.length - 20));
  for (let i = 0; i < 2; i++) {
    const s = await inferRun({ ...baseOptions(), run, limit: 3 });
    assert.equal(s.generated, i === 0 ? 1 : 0);
    assert.deepEqual(readJsonl<{ id: string }>(file).map((r) => r.id).length, 3);
  }
});
