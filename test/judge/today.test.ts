/**
 * `alpacare judge` on today's models, as a new user would run it, against a loopback server that answers as OpenAI
 * does today (models list with shutdown dates, 404 model_not_found, reasoning models that reject the paper's
 * parameters): the paper's judge fails at once with no chat call; `--allow-substitute` judges every item with a served
 * model and records it; a reasoning judge completes with its adaptations recorded.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { startFakeServer, todayModels, type FakeServer } from "../fake-server/index.js";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const realRaw = join(root, "data", "raw");
const haveData = existsSync(join(realRaw, "alpacare", "data", "MedInstruct-test.jsonl"));
const MODEL = "AlpaCare-7b";
const TEST_SET = "MedInstruct-test";
const REF = "gpt-4";

let server: FakeServer;
let tmp: string;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), ...args], {
      cwd: root,
      env: { ...process.env, ALPACARE_DATA_DIR: tmp, ALPACARE_CACHE_DIR: join(tmp, "cache"), OPENAI_API_KEY: "sk-test-today-0123456789", OPENAI_BASE_URL: server.openaiBaseURL, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

const judgeArgs = (model: string, run: string, extra: string[] = []) => [
  "judge", "--model-name", MODEL, "--test-set", TEST_SET, "--reference", REF, "--limit", "3", "--run", run,
  "--judge-provider", "openai", "--judge-model", model, "--quiet", ...extra,
];

describe("alpacare judge on today's models", { skip: !haveData && "data/raw not acquired" }, () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "judge-today-"));
    symlinkSync(realRaw, join(tmp, "raw"));
    server = await startFakeServer({ models: todayModels(), respond: (r) => (r.prompt.length % 2 ? "Output (a)" : "Output (b)") });
  });
  after(() => server.close());
  const chatCalls = () => server.requests.length + server.rejected.length;

  it("the paper's judge (gpt-3.5-turbo, shut down) exits non-zero with no chat call, naming the model and its substitutes", async () => {
    const before = chatCalls();
    const r = await cli(judgeArgs("gpt-3.5-turbo", "paper"));
    assert.notEqual(r.code, 0);
    assert.equal(chatCalls(), before, "no chat call sent");
    assert.ok(server.modelListCalls.length >= 1, "the endpoint's model list was asked");
    const line = r.err.trim().split("\n").filter(Boolean);
    assert.equal(line.length, 1, `one line: ${r.err}`);
    assert.match(r.err, /does not serve gpt-3\.5-turbo: shut down 2026-10-23/);
    assert.match(r.err, /gpt-6-luna/);
    assert.match(r.err, /--allow-substitute/);
    assert.doesNotMatch(r.err, /sk-test-today/);
  });

  it("--dry-run says the model is shut down, and --allow-substitute dry-runs with the substitute", async () => {
    const r = await cli(judgeArgs("gpt-3.5-turbo", "dry", ["--dry-run"]));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /warning: openai:gpt-3\.5-turbo is shut down 2026-10-23/);
    const s = await cli(judgeArgs("gpt-3.5-turbo", "dry", ["--dry-run", "--allow-substitute"]));
    assert.match(s.out, /judge openai\/gpt-6-luna/);
    assert.match(s.out, /deviation from the paper: judge gpt-6-luna for gpt-3\.5-turbo \(shut down 2026-10-23\)/);
  });

  it("--allow-substitute judges every item with a served model and records the substitution and adaptations", async () => {
    const before = server.rejected.length;
    const r = await cli(judgeArgs("gpt-3.5-turbo", "sub", ["--allow-substitute", "--json"]));
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out);
    assert.equal(result.judge.model, "gpt-6-luna");
    assert.equal(result.judged, 6);
    assert.equal(server.rejected.length, before, "the registry knew the rules: no rejected call");
    const cfg = JSON.parse(readFileSync(join(root, result.configFile), "utf8"));
    assert.equal(cfg.substitutions.length, 1);
    assert.deepEqual([cfg.substitutions[0].role, cfg.substitutions[0].paper, cfg.substitutions[0].used], ["judge", "gpt-3.5-turbo", "gpt-6-luna"]);
    assert.ok(cfg.adaptations.some((a: { parameter: string; to: unknown }) => a.parameter === "reasoning_effort" && a.to === "none"));
    const verdicts = readFileSync(join(root, result.file), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.ok(verdicts.every((v) => v.judge.model === "gpt-6-luna"), "every record carries the model used");
    assert.doesNotMatch(readFileSync(join(root, result.configFile), "utf8"), /sk-test-today/);
  });

  it("a reasoning judge completes; its adaptations are recorded and shown", async () => {
    const r = await cli(judgeArgs("gpt-5.6-terra", "reasoning"));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /deviation from the paper: gpt-5\.6-terra: temperature 0 dropped/);
    assert.match(r.out, /deviation from the paper: gpt-5\.6-terra: max_tokens sent as max_completion_tokens/);
    const sent = server.requests.filter((q) => q.model === "gpt-5.6-terra");
    assert.equal(sent.length, 6);
    assert.ok(sent.every((q) => q.body.temperature === undefined && q.body.max_completion_tokens === 100 + 4096));
  });

  it("--strict-params refuses a judge that cannot take the paper's parameters, with 0 chat calls", async () => {
    const before = chatCalls();
    const r = await cli(judgeArgs("gpt-5.6-terra", "strict", ["--strict-params"]));
    assert.notEqual(r.code, 0);
    assert.match(r.err, /strict parameters/);
    assert.equal(chatCalls(), before);
  });
});
