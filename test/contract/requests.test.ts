/**
 * The official contract: every request body the workbench sends to OpenAI (judge, task generation, responses,
 * inference; direct calls and batch JSONL lines; file uploads and batch creation), captured as it arrived at a
 * loopback server that answers as OpenAI does today, validated against the schemas of OpenAI's own OpenAPI
 * description (`openai/openai-openapi`, acquired by `alpacare data`). For Anthropic the SDK's typed parameters are the
 * contract; the registry's rules on them are tested in test/llm/models.test.ts.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { startFakeServer, todayModels, type FakeServer } from "../fake-server/index.js";
import { buildJudgePrompt, buildJudgeRequest, loadJudgeTemplate } from "../../src/judge/index.js";
import { responseChatRequest } from "../../src/generate/index.js";
import { createEngine, runBatch, type ChatRequest } from "../../src/llm/index.js";
import { openapiFile, openapiValidators } from "./openapi.js";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const realRaw = join(root, "data", "raw");
const haveData = openapiFile() !== undefined && existsSync(join(realRaw, "alpacare", "data", "MedInstruct-test.jsonl"));

let server: FakeServer;
let tmp: string;
const KEY = "sk-test-contract-0123456789";

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), ...args], {
      cwd: root,
      env: { ...process.env, ALPACARE_DATA_DIR: tmp, ALPACARE_CACHE_DIR: join(tmp, "cache"), OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiBaseURL },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

describe("every request body validates against OpenAI's official schemas", { skip: !haveData && "data/raw not acquired" }, () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), "contract-"));
    symlinkSync(realRaw, join(tmp, "raw"));
    const models = [...todayModels(), { id: "o9-mystery", provider: "openai" as const, rules: { rejectMaxTokens: true, temperatureDefaultOnly: true, rejectParams: ["top_p", "presence_penalty", "frequency_penalty", "stop"] } }];
    server = await startFakeServer({ models, batchPollsUntilDone: 1, respond: (r) => (r.api.startsWith("openai") && r.prompt.includes("Output (a)") ? "Output (a)" : "1. Instruction: Describe the symptoms of anemia.\n1. Input:\n<noinput>\n1. Output:\nFatigue and pallor.") });
    process.env.OPENAI_API_KEY = KEY;
  });
  after(() => server.close());

  it("the CLI's judge (paper model, substitute, reasoning model), inference and task generation", async () => {
    const judge = (model: string, run: string, extra: string[] = []) =>
      cli(["judge", "--model-name", "AlpaCare-7b", "--test-set", "MedInstruct-test", "--reference", "gpt-4", "--limit", "2", "--run", run, "--judge-provider", "openai", "--judge-model", model, "--quiet", ...extra]);
    for (const r of [
      await judge("gpt-4.1-mini", "c1"),
      await judge("gpt-3.5-turbo", "c2", ["--allow-substitute"]),
      await judge("gpt-5.6-terra", "c3"),
      await judge("o9-mystery", "c4", ["--judge-price", "1,2"]),
      await cli(["infer", "--provider", "openai", "--model", "gpt-4.1-mini", "--test-set", "iCliniq", "--limit", "2", "--run", "c5", "--quiet"]),
      await cli(["generate-tasks", "--provider", "openai", "--model", "gpt-6.1-terra", "--target", "3", "--run", "c6", "--quiet"]),
    ]) assert.ok(r.code === 0 || r.code === 1, `${r.err}\n${r.out}`);
  });

  it("responses and batch lines through the library's request builders", async () => {
    const engine = createEngine({ progress: false, cacheDir: join(tmp, "cache-lib"), retryBaseMs: 5 });
    const responses: ChatRequest[] = ["gpt-4.1-mini", "gpt-6-luna"].map((model, i) =>
      responseChatRequest({ provider: "openai", model, baseURL: server.openaiBaseURL }, `Explain triage ${i}.`, "openai", { temperature: 1, maxTokens: 3072 }, `responses:test:${i}`));
    assert.equal((await engine.runAll(responses)).completed, 2);
    const template = loadJudgeTemplate("chatgpt");
    const pair = { instruction: "What causes anemia?", modelName: "m", modelOutput: "Iron deficiency.", referenceName: "gpt-4", referenceOutput: "Low iron." };
    const judged: ChatRequest[] = (["referenceFirst", "referenceLast"] as const).flatMap((order) =>
      ["gpt-4.1-mini", "gpt-6-luna"].map((model) => buildJudgeRequest(template, buildJudgePrompt(template, pair, order), { provider: "openai", model, baseURL: server.openaiBaseURL })));
    const s = await runBatch(engine, [...judged, ...responses.map((r) => ({ ...r, tag: `${r.tag}:batch` }))], { run: "contract", pollIntervalMs: 10, progress: false });
    assert.equal(s.completed, 6);
    await engine.close();
  });

  it("validates everything captured: chat and completion bodies, files, batches, batch lines", () => {
    const validate = openapiValidators();
    const batchEndpoints = ["/v1/chat/completions", "/v1/completions"];
    const counts = { chat: 0, completions: 0, files: 0, batches: 0, lines: 0 };
    const problems: string[] = [];
    const check = (what: string, schema: string, body: unknown) => {
      const errors = validate(schema, body);
      if (errors.length) problems.push(`${what}: ${errors.slice(0, 3).join("; ")}\n  ${JSON.stringify(body).slice(0, 300)}`);
    };
    for (const e of server.log) {
      if (e.method !== "POST") continue;
      if (e.path === "/v1/chat/completions") (counts.chat++, check("chat", "CreateChatCompletionRequest", e.body));
      else if (e.path === "/v1/completions") (counts.completions++, check("completion", "CreateCompletionRequest", e.body));
      else if (e.path === "/v1/batches") (counts.batches++, check("batch", "CreateBatchRequest", e.body));
      else if (e.path === "/v1/files") {
        counts.files++;
        const file = e.form!.file as { filename: string; text: string };
        check("file upload", "CreateFileRequest", { ...e.form, file: file.filename });
        for (const line of file.text.split("\n").filter(Boolean)) {
          counts.lines++;
          const l = JSON.parse(line) as { custom_id: unknown; method: unknown; url: string; body: unknown };
          assert.equal(typeof l.custom_id, "string");
          assert.equal(l.method, "POST");
          assert.ok(batchEndpoints.includes(l.url), l.url);
          check(`batch line (${l.url})`, l.url === "/v1/completions" ? "CreateCompletionRequest" : "CreateChatCompletionRequest", l.body);
        }
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(counts.chat >= 20, `chat bodies validated: ${counts.chat}`);
    assert.ok(counts.files >= 1 && counts.batches >= 1 && counts.lines >= 6, JSON.stringify(counts));
    // Every kind of body the CLI sends was seen: reasoning_effort, max_completion_tokens, the paper's full set.
    const chats = server.log.filter((e) => e.path === "/v1/chat/completions").map((e) => e.body as Record<string, unknown>);
    assert.ok(chats.some((b) => b.reasoning_effort === "none" && b.temperature === 0));
    assert.ok(chats.some((b) => b.max_completion_tokens !== undefined));
    assert.ok(chats.some((b) => b.top_p === 1 && b.presence_penalty === 0 && b.max_tokens === 100));
    assert.ok(chats.some((b) => Array.isArray(b.stop)), "task generation's stop sequences");
    assert.ok(chats.some((b) => JSON.stringify(b.messages).includes("### Response:")), "the Alpaca prompt of inference, as a chat message");
    assert.equal(server.log.filter((e) => JSON.stringify(e).includes(KEY)).length, 0, "no key in any body");
  });
});
