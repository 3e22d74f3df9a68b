/**
 * Today's models (issue: the paper's protocol on today's models): the registry, per-model parameter rules, learning
 * from 400s, the preflight model check, substitution, fail-fast errors, budgets without a price, and cache keys by
 * endpoint, against a loopback server that answers as OpenAI and Anthropic do today (`todayModels()`).
 */
import { strict as assert } from "node:assert";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startFakeServer, todayModels, type FakeServer } from "../fake-server/index.js";
import {
  adaptRequest, canonicalRequest, chooseModel, createEngine, describeSubstitution, effectiveBaseURL, LlmBudgetError,
  LlmModelUnavailableError, LlmRequestError, loadRegistry, lookupModel, priceOf, priceTable, recordDeviations,
  readDeviations, requestKey, substitutesFor, listBatches, runBatch, type ChatRequest,
} from "../../src/llm/index.js";
import { legacyRequestKey } from "../../src/llm/request.js";
import { CACHE_FILE } from "../../src/llm/cache.js";
import { canonicalJson, sha256 } from "../../src/core/index.js";
import { setTestKeys, tempDir } from "./helpers.js";

setTestKeys();
const fast = { progress: false, retryBaseMs: 10, retryMaxMs: 100 } as const;
const judgeReq = (baseURL: string, model: string, content = "which is better?", extra: Partial<ChatRequest> = {}): ChatRequest => ({
  provider: "openai", model, baseURL, messages: [{ role: "user", content }], temperature: 0, topP: 1, presencePenalty: 0, frequencyPenalty: 0, maxTokens: 100, ...extra,
});

describe("model registry", () => {
  it("knows the paper's models are shut down, with dates and sources", () => {
    const r = loadRegistry();
    for (const id of ["gpt-3.5-turbo", "gpt-4", "text-davinci-003", "claude-2"]) {
      const l = lookupModel(id === "claude-2" ? "anthropic" : "openai", id)!.entry.lifecycle!;
      assert.equal(l.status, "shutdown", id);
      assert.ok(r.sources[l.source], `${id}: source ${l.source} is cited`);
      assert.match(r.sources[l.source]!.read, /^\d{4}-\d{2}-\d{2}$/);
    }
    assert.equal(lookupModel("openai", "gpt-3.5-turbo")!.entry.lifecycle!.shutdownOn, "2026-10-23");
    assert.equal(lookupModel("openai", "text-davinci-003")!.entry.lifecycle!.shutdownOn, "2024-01-04");
  });
  it("looks up by exact id or dated snapshot, never by prefix", () => {
    assert.equal(lookupModel("openai", "gpt-4o-2099-01-01")?.id, "gpt-4o");
    assert.equal(lookupModel("openai", "gpt-4o-mini")?.id, "gpt-4o-mini");
    assert.equal(lookupModel("openai", "gpt-4o-mini-experimental"), undefined);
    assert.equal(lookupModel("openai-compatible", "gpt-4"), undefined, "a compatible server's gpt-4 is whatever it serves");
    const t = priceTable();
    assert.equal(priceOf("openai", "gpt-4-32k", t), undefined, "no prefix guess");
    assert.equal(priceOf("openai", "gpt-4-0613", t)!.inputPerMTok, 30);
    assert.equal(priceOf("openai", "gpt-6-luna", t)!.inputPerMTok, 0.1);
  });
  it("gives every paper role ordered substitutes that are not shut down", () => {
    const r = loadRegistry();
    for (const role of ["teacher", "responder", "judge", "ablation-judge", "reference:gpt-4", "reference:claude-2", "reference:gpt-3.5-turbo", "reference:text-davinci-003"]) {
      const e = r.roles[role];
      assert.ok(e && e.substitutes.length >= 2, role);
      for (const s of e.substitutes) assert.ok(s.why.length > 10, `${role}: ${s.model} has a rationale`);
      const first = lookupModel(e.substitutes[0]!.provider, e.substitutes[0]!.model);
      assert.ok(first && first.entry.lifecycle?.status !== "shutdown", `${role}: first substitute is served`);
    }
    assert.deepEqual(substitutesFor("openai", "gpt-3.5-turbo", "judge").slice(0, 2).map((s) => s.model), ["gpt-6-luna", "gpt-4.1-mini"]);
  });
});

describe("per-model parameter rules", () => {
  const base = judgeReq("http://x", "gpt-6-luna");
  const rules = (model: string, provider: "openai" | "anthropic" = "openai") => lookupModel(provider, model)!.entry.params;
  it("a GPT-6 judge keeps temperature 0 by asking for reasoning_effort none; max_tokens is renamed", () => {
    const { request, adaptations } = adaptRequest(base, rules("gpt-6-luna"), undefined);
    assert.equal(request.temperature, 0);
    assert.equal(request.reasoningEffort, "none");
    assert.equal(request.maxTokens, 100, "no reasoning, no headroom");
    assert.equal(request.maxTokensField, "max_completion_tokens");
    assert.deepEqual(adaptations.map((a) => `${a.parameter}:${a.action}`).sort(), ["max_tokens:renamed", "reasoning_effort:set", "top_p:dropped"]);
  });
  it("a reasoning model that samples only at temperature 1 gets temperature dropped and headroom for reasoning", () => {
    const { request, adaptations } = adaptRequest({ ...base, model: "gpt-5.6-terra" }, rules("gpt-5.6-terra"), undefined, { reasoning: lookupModel("openai", "gpt-5.6-terra")!.entry.kind === "reasoning" });
    assert.equal(request.temperature, undefined);
    assert.equal(request.maxTokens, 100 + 4096);
    assert.ok(adaptations.some((a) => a.parameter === "temperature" && a.action === "dropped" && a.from === 0));
  });
  it("recent Claude models: temperature kept, top_p dropped", () => {
    const req: ChatRequest = { provider: "anthropic", model: "claude-haiku-4-5", messages: [{ role: "user", content: "x" }], temperature: 0, topP: 1, maxTokens: 100 };
    const { request, adaptations } = adaptRequest(req, rules("claude-haiku-4-5", "anthropic"), undefined);
    assert.equal(request.temperature, 0);
    assert.equal(request.topP, undefined);
    assert.equal(adaptations.length, 1);
  });
  it("the paper's own models need no adaptation", () => {
    assert.deepEqual(adaptRequest({ ...base, model: "gpt-3.5-turbo" }, rules("gpt-3.5-turbo"), undefined).adaptations, []);
  });
});

describe("against a server that answers as today's APIs do", () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer({ models: [...todayModels(), { id: "o9-mystery", provider: "openai", rules: { rejectMaxTokens: true, temperatureDefaultOnly: true, rejectParams: ["top_p", "presence_penalty", "frequency_penalty"] } }, { id: "claude-mystery", provider: "anthropic", rules: { rejectTemperatureWithTopP: true } }] });
  });
  after(() => server.close());
  const chats = () => server.requests.length + server.rejected.length;

  it("a shut-down judge fails before any chat call, naming the model, its shutdown and its substitutes", async () => {
    const engine = createEngine({ ...fast, cacheDir: tempDir().dir });
    const before = chats();
    const reqs = Array.from({ length: 6 }, (_, i) => judgeReq(server.openaiBaseURL, "gpt-3.5-turbo", `item ${i}`));
    await assert.rejects(engine.runAll(reqs), (e: Error) => {
      assert.ok(e instanceof LlmModelUnavailableError, String(e));
      assert.match(e.message, /does not serve gpt-3\.5-turbo: shut down 2026-10-23/);
      assert.match(e.message, /gpt-6-luna/);
      assert.match(e.message, /--allow-substitute/);
      return true;
    });
    assert.equal(chats(), before, "no chat call sent");
    await engine.close();
  });

  it("substitution only when allowed, always recorded", async () => {
    const engine = createEngine({ ...fast, cacheDir: tempDir().dir });
    const target = { provider: "openai" as const, model: "gpt-3.5-turbo", baseURL: server.openaiBaseURL };
    await assert.rejects(chooseModel(engine, target, { role: "judge" }), LlmModelUnavailableError);
    const c = await chooseModel(engine, target, { role: "judge", allowSubstitute: true });
    assert.equal(c.model, "gpt-6-luna");
    assert.equal(c.substitution?.paper, "gpt-3.5-turbo");
    assert.equal(describeSubstitution(c.substitution!), "judge gpt-6-luna for gpt-3.5-turbo (shut down 2026-10-23)");
    const offline = await chooseModel(engine, target, { role: "judge", allowSubstitute: true, offline: true });
    assert.equal(offline.model, "gpt-6-luna", "a dry run substitutes from the registry alone");
    const dir = tempDir().dir;
    recordDeviations(join(dir, "x.config.json"), { substitutions: [c.substitution!] });
    recordDeviations(join(dir, "x.config.json"), { substitutions: [c.substitution!] });
    assert.equal(readDeviations(join(dir, "x.config.json")).substitutions.length, 1);
    await engine.close();
  });

  it("a registry-known reasoning judge completes with no rejected call, its adaptations recorded", async () => {
    const engine = createEngine({ ...fast, cacheDir: tempDir().dir });
    const rejectedBefore = server.rejected.length;
    const s = await engine.runAll(Array.from({ length: 4 }, (_, i) => judgeReq(server.openaiBaseURL, "gpt-6-luna", `r ${i}`)));
    assert.equal(s.completed, 4);
    assert.equal(server.rejected.length, rejectedBefore);
    const sent = server.requests.at(-1)!.body;
    assert.equal(sent.reasoning_effort, "none");
    assert.equal(sent.temperature, 0);
    assert.equal(sent.max_completion_tokens, 100);
    assert.equal(sent.max_tokens, undefined);
    assert.ok(engine.adaptations().some((a) => a.parameter === "top_p" && a.count === 4));
    await engine.close();
  });

  it("a dry run finds the cached answers of adapted requests (the key is of what was sent)", async () => {
    const dir = tempDir().dir;
    const reqs = Array.from({ length: 3 }, (_, i) => judgeReq(server.openaiBaseURL, "gpt-6-luna", `dry ${i}`));
    const live = createEngine({ ...fast, cacheDir: dir });
    await live.runAll(reqs.slice(0, 2));
    await live.close();
    const sentBefore = server.requests.length;
    const dry = createEngine({ ...fast, cacheDir: dir, dryRun: true });
    const got: number[] = [];
    const s = await dry.runAll(reqs, { onResult: (i) => got.push(i) });
    assert.equal(s.stopped, "dry-run");
    assert.equal(s.cacheHits, 2);
    assert.equal(s.skipped, 1);
    assert.deepEqual(got, [0, 1]);
    assert.equal(server.requests.length, sentBefore);
    await dry.close();
  });

  it("an unknown model's rejected parameters are learned: at most one rejected call per parameter per call in flight", async () => {
    for (const concurrency of [1, 3]) {
      const engine = createEngine({ ...fast, concurrency, cacheDir: tempDir().dir });
      const rejectedBefore = server.rejected.length;
      const s = await engine.runAll(Array.from({ length: 9 }, (_, i) => judgeReq(server.openaiBaseURL, "o9-mystery", `m ${concurrency} ${i}`)));
      assert.equal(s.failures, 0, JSON.stringify(server.rejected.slice(rejectedBefore).map((r) => r.status)));
      assert.equal(s.completed, 9);
      const rejected = server.rejected.slice(rejectedBefore);
      // max_tokens, temperature, top_p, presence_penalty, frequency_penalty: five parameters, each learned once.
      assert.ok(rejected.length >= 5 && rejected.length <= 5 * concurrency, `${rejected.length} rejected calls at concurrency ${concurrency}`);
      const kinds = new Set(engine.adaptations().map((a) => `${a.parameter}:${a.action}`));
      for (const k of ["max_tokens:renamed", "temperature:dropped", "top_p:dropped", "presence_penalty:dropped", "frequency_penalty:dropped"]) assert.ok(kinds.has(k), k);
      await engine.close();
    }
  });

  it("Anthropic: temperature with top_p is learned from the 400", async () => {
    const engine = createEngine({ ...fast, concurrency: 1, cacheDir: tempDir().dir });
    const rejectedBefore = server.rejected.length;
    const req = (i: number): ChatRequest => ({ provider: "anthropic", model: "claude-mystery", baseURL: server.anthropicBaseURL, messages: [{ role: "user", content: `a ${i}` }], temperature: 0, topP: 1, maxTokens: 50 });
    const s = await engine.runAll([0, 1, 2].map(req));
    assert.equal(s.completed, 3);
    assert.equal(server.rejected.length - rejectedBefore, 1);
    assert.deepEqual(engine.adaptations().map((a) => [a.parameter, a.action]), [["top_p", "dropped"]]);
    await engine.close();
  });

  it("strict parameters refuse instead of adapting: 0 chat calls", async () => {
    const engine = createEngine({ ...fast, strictParams: true, cacheDir: tempDir().dir });
    const before = chats();
    await assert.rejects(engine.runAll([judgeReq(server.openaiBaseURL, "gpt-6-luna", "s1"), judgeReq(server.openaiBaseURL, "gpt-6-luna", "s2")]), /strict parameters/);
    assert.equal(chats(), before);
    await engine.close();
  });

  it("a 400 no retry can fix stops the run after the first occurrence", async () => {
    const s2 = await startFakeServer({ respond: () => ({ fault: "status", status: 400, message: "Invalid 'messages[0].content': string too long." }) });
    const engine = createEngine({ ...fast, concurrency: 2, cacheDir: tempDir().dir });
    await assert.rejects(engine.runAll(Array.from({ length: 20 }, (_, i) => judgeReq(s2.openaiBaseURL, "gpt-4.1-mini", `x ${i}`))), (e: Error) => e instanceof LlmRequestError && /HTTP 400/.test(e.message));
    assert.ok(s2.requests.length <= 2, `${s2.requests.length} requests sent`);
    await engine.close();
    await s2.close();
  });

  it("a dollar budget with no known price is refused before any call", async () => {
    const engine = createEngine({ ...fast, cacheDir: tempDir().dir, budget: { usd: 0.000001 } });
    const before = chats();
    await assert.rejects(engine.runAll([judgeReq(server.openaiBaseURL, "o9-mystery", "b")]), (e: Error) => e instanceof LlmBudgetError && /no price is known for openai:o9-mystery/.test(e.message) && /--price/.test(e.message));
    assert.equal(chats(), before);
    const priced = createEngine({ ...fast, cacheDir: tempDir().dir, budget: { usd: 1 }, prices: { "o9-mystery": { inputPerMTok: 1, outputPerMTok: 2 } } });
    assert.equal((await priced.runAll([judgeReq(server.openaiBaseURL, "o9-mystery", "b")])).completed, 1);
    await engine.close();
    await priced.close();
  });

  it("a dry run names shut-down and unpriced models instead of a bare $0", () => {
    const engine = createEngine({ ...fast, cacheDir: tempDir().dir, dryRun: true });
    const e = engine.estimate([judgeReq(server.openaiBaseURL, "gpt-3.5-turbo", "d"), judgeReq(server.openaiBaseURL, "o9-mystery", "d")]);
    assert.ok(e.warnings?.some((w) => /gpt-3\.5-turbo is shut down 2026-10-23/.test(w)));
    assert.deepEqual(e.unpricedModels, ["openai:o9-mystery"]);
  });

  it("warns when a model shuts down within the run's horizon", async () => {
    const engine = createEngine({ ...fast, cacheDir: tempDir().dir, horizonDays: 60 });
    await engine.complete(judgeReq(server.openaiBaseURL, "gpt-4.1-mini", "h"));
    assert.ok(engine.warnings().some((w) => /gpt-4\.1-mini shuts down on 2027-01-14/.test(w)), engine.warnings().join("\n"));
    await engine.close();
  });
});

describe("cache keys name the endpoint", () => {
  it("OPENAI_BASE_URL is part of the key: one server's answers are never served as another's", async () => {
    const a = await startFakeServer({ respond: () => "from A" });
    const b = await startFakeServer({ respond: () => "from B" });
    const dir = tempDir().dir;
    const req: ChatRequest = { provider: "openai", model: "gpt-4.1-mini", messages: [{ role: "user", content: "same" }], temperature: 0, maxTokens: 10 };
    const saved = process.env.OPENAI_BASE_URL;
    try {
      process.env.OPENAI_BASE_URL = a.openaiBaseURL;
      const e1 = createEngine({ ...fast, cacheDir: dir });
      assert.equal((await e1.complete(req)).text, "from A");
      await e1.close();
      process.env.OPENAI_BASE_URL = b.openaiBaseURL;
      const e2 = createEngine({ ...fast, cacheDir: dir });
      const r = await e2.complete(req);
      assert.equal(r.text, "from B");
      assert.equal(r.cached, false);
      await e2.close();
      assert.notEqual(requestKey(req), (process.env.OPENAI_BASE_URL = a.openaiBaseURL, requestKey(req)));
      delete process.env.OPENAI_BASE_URL;
      assert.equal(effectiveBaseURL(req), undefined);
      assert.equal(effectiveBaseURL({ ...req, baseURL: "https://api.openai.com/v1/" }), undefined, "the official endpoint however spelled");
    } finally {
      if (saved === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = saved;
      await a.close();
      await b.close();
    }
  });

  it("version-1 entries stay readable where their key was unambiguous", async () => {
    const dir = tempDir().dir;
    const req: ChatRequest = { provider: "openai", model: "gpt-4.1-mini", messages: [{ role: "user", content: "old" }], temperature: 0, maxTokens: 10 };
    const { endpoint: _e, ...v2 } = canonicalRequest(req);
    const v1Key = sha256(canonicalJson({ ...v2, v: 1 }));
    assert.equal(legacyRequestKey(req), v1Key);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, CACHE_FILE), JSON.stringify({ k: v1Key, p: "openai", m: "gpt-4.1-mini", text: "cached long ago", finish: "stop", usage: { inputTokens: 1, outputTokens: 1 }, ms: 1, at: "2025-01-01T00:00:00Z" }) + "\n");
    const saved = process.env.OPENAI_BASE_URL;
    delete process.env.OPENAI_BASE_URL;
    try {
      const e = createEngine({ ...fast, cacheDir: dir, preflight: false });
      const r = await e.complete(req);
      assert.equal(r.text, "cached long ago");
      assert.equal(r.cached, true);
      await e.close();
      process.env.OPENAI_BASE_URL = "http://127.0.0.1:9/v1";
      assert.equal(legacyRequestKey(req), undefined, "with a base URL variable in effect a v1 key is ambiguous");
    } finally {
      if (saved === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = saved;
    }
  });
});

describe("batches on today's models", () => {
  it("a shut-down model is refused before a batch is submitted; a failed batch keeps the provider's errors, no key", async () => {
    const server = await startFakeServer({ models: todayModels() });
    const saved = process.env.ALPACARE_DATA_DIR;
    process.env.ALPACARE_DATA_DIR = tempDir().dir;
    try {
      const reqs = [judgeReq(server.openaiBaseURL, "gpt-3.5-turbo", "b1"), judgeReq(server.openaiBaseURL, "gpt-3.5-turbo", "b2")];
      const engine = createEngine({ ...fast, cacheDir: tempDir().dir });
      await assert.rejects(runBatch(engine, reqs, { run: "b", pollIntervalMs: 5, progress: false }), LlmModelUnavailableError);
      assert.equal(server.batches.size, 0, "nothing submitted");
      const unchecked = createEngine({ ...fast, cacheDir: tempDir().dir, preflight: false });
      const results: (string | Error)[] = [];
      const s = await runBatch(unchecked, reqs, { run: "b", pollIntervalMs: 5, progress: false, onResult: (_i, r) => results.push(r instanceof Error ? r : r.text) });
      assert.equal(s.failures, 2);
      assert.ok(results.every((r) => r instanceof Error && /model_not_found \(line \d\)/.test(r.message)), String(results));
      const state = listBatches("b")[0]!;
      assert.equal(state.errors?.[0]?.code, "model_not_found");
      assert.doesNotMatch(JSON.stringify(state), /sk-test/);
      await engine.close();
      await unchecked.close();
    } finally {
      if (saved === undefined) delete process.env.ALPACARE_DATA_DIR;
      else process.env.ALPACARE_DATA_DIR = saved;
      await server.close();
    }
  });
});

