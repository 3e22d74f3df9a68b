import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { startFakeServer, type FakeServer } from "../fake-server/index.js";
import {
  createEngine, LlmAuthError, LlmBudgetError, LlmRequestError, LlmRetryableError, requestKey, type ChatResult,
} from "../../src/llm/index.js";
import { an, oa, setTestKeys, tempDir } from "./helpers.js";

setTestKeys();
const fast = { progress: false, retryBaseMs: 10, retryMaxMs: 200 } as const;

describe("engine against the loopback fake server", () => {
  let server: FakeServer;
  const tmp = tempDir();
  before(async () => {
    server = await startFakeServer();
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });
  const fresh = () => tempDir().dir;

  it("answers OpenAI and Anthropic requests with usage, finish reason and model version", async () => {
    const engine = createEngine({ ...fast, cacheDir: fresh() });
    const r1 = await engine.complete(oa(server.openaiBaseURL, "hello"));
    assert.equal(r1.text, "echo: hello");
    assert.equal(r1.finishReason, "stop");
    assert.equal(r1.cached, false);
    assert.ok(r1.usage.inputTokens > 0 && r1.usage.outputTokens > 0);
    assert.equal(r1.modelVersion, "gpt-3.5-turbo-0613-fake");
    const r2 = await engine.complete(an(server.anthropicBaseURL, "bonjour", { messages: [{ role: "system", content: "be brief" }, { role: "user", content: "bonjour" }] }));
    assert.equal(r2.text, "echo: bonjour");
    const last = server.requests.at(-1)!;
    assert.equal(last.api, "anthropic-messages");
    assert.equal(last.body.system, "be brief", "system message goes to Anthropic's system field");
    await engine.close();
  });

  it("sends stop sequences, max tokens and seed, and maps a stop to finish 'stop'", async () => {
    const engine = createEngine({ ...fast, cacheDir: fresh() });
    const r = await engine.complete(oa(server.openaiBaseURL, "one two three", { stop: ["two"], seed: 3 }));
    assert.equal(r.text, "echo: one ");
    const body = server.requests.at(-1)!.body;
    assert.deepEqual(body.stop, ["two"]);
    assert.equal(body.max_tokens, 64);
    assert.equal(body.seed, 3);
    const ra = await engine.complete(an(server.anthropicBaseURL, "alpha beta", { stop: ["beta"] }));
    assert.equal(ra.text, "echo: alpha ");
    assert.deepEqual(server.requests.at(-1)!.body.stop_sequences, ["beta"]);
    await engine.close();
  });

  it("serves a rerun entirely from the cache: zero requests, also from a new engine on the same folder", async () => {
    const dir = fresh();
    const reqs = Array.from({ length: 12 }, (_, i) => oa(server.openaiBaseURL, `cache me ${i}`));
    const e1 = createEngine({ ...fast, cacheDir: dir });
    const n0 = server.requests.length;
    const s1 = await e1.runAll(reqs);
    assert.equal(s1.calls, 12);
    assert.equal(server.requests.length - n0, 12);
    const s2 = await e1.runAll(reqs);
    assert.equal(s2.calls, 0);
    assert.equal(s2.cacheHits, 12);
    await e1.close();
    const e2 = createEngine({ ...fast, cacheDir: dir });
    const got: string[] = [];
    const s3 = await e2.runAll(reqs, { onResult: (i, r) => (got[i] = (r as ChatResult).text) });
    assert.equal(s3.cacheHits, 12);
    assert.equal(server.requests.length - n0, 12, "no request on rerun");
    assert.deepEqual(got, reqs.map((r) => `echo: ${r.messages[0]!.content}`));
    assert.ok(s3.usdSaved > 0);
    await e2.close();
  });

  it("keys the cache by every parameter, the tag and the base URL, and never stores the API key", async () => {
    const dir = fresh();
    const base = oa(server.openaiBaseURL, "same text");
    const variants = [base, { ...base, temperature: 0.7 }, { ...base, maxTokens: 65 }, { ...base, tag: "judge:referenceFirst:abc" }, { ...base, baseURL: server.openaiBaseURL + "/" + "" }];
    const keys = new Set(variants.slice(0, 4).map(requestKey));
    assert.equal(keys.size, 4);
    assert.equal(requestKey(variants[4]!), requestKey(base), "a trailing slash on the base URL is the same endpoint");
    assert.notEqual(requestKey({ ...base, baseURL: "http://127.0.0.1:1/v1" }), requestKey(base));
    const engine = createEngine({ ...fast, cacheDir: dir });
    for (const v of variants) await engine.complete(v);
    await engine.close();
    const text = readFileSync(`${dir}/llm-calls.jsonl`, "utf8");
    assert.equal(text.trim().split("\n").length, 4);
    assert.ok(!text.includes(process.env.OPENAI_API_KEY!), "no key in the cache");
  });

  it("retries 429s honouring retry-after-ms and retry-after, counted by the server", async () => {
    const engine = createEngine({ ...fast, cacheDir: fresh() });
    server.setResponder((r) => (r.prompt.startsWith("rl") && r.attempt <= 2 ? { fault: "429", retryAfterMs: r.prompt === "rl-ms" ? 150 : undefined, retryAfterSeconds: r.prompt === "rl-s" ? 0.2 : undefined } : `ok ${r.prompt}`));
    try {
      const t0 = Date.now();
      const r = await engine.complete(oa(server.openaiBaseURL, "rl-ms"));
      const waited = Date.now() - t0;
      assert.equal(r.text, "ok rl-ms");
      assert.equal(server.requests.filter((q) => q.prompt === "rl-ms").length, 3);
      assert.ok(waited >= 300, `waited ${waited} ms, the server asked for 2 x 150 ms`);
      const t1 = Date.now();
      await engine.complete(an(server.anthropicBaseURL, "rl-s"));
      assert.ok(Date.now() - t1 >= 400, "retry-after in seconds honoured");
      assert.equal(server.requests.filter((q) => q.prompt === "rl-s").length, 3);
      assert.equal(engine.stats().retries, 4);
    } finally {
      server.setResponder(undefined);
      await engine.close();
    }
  });

  it("retries 500s with backoff, gives up after maxRetries and does not cache the failure", async () => {
    const dir = fresh();
    server.setResponder((r) => (r.prompt === "flaky" && r.attempt <= 2 ? { fault: "500" } : r.prompt === "down" ? { fault: "500" } : `ok ${r.prompt}`));
    try {
      const engine = createEngine({ ...fast, cacheDir: dir, maxRetries: 3 });
      assert.equal((await engine.complete(oa(server.openaiBaseURL, "flaky"))).text, "ok flaky");
      assert.equal(server.requests.filter((q) => q.prompt === "flaky").length, 3);
      await assert.rejects(engine.complete(oa(server.openaiBaseURL, "down")), (e: Error) => e instanceof LlmRetryableError && /500/.test(e.message));
      assert.equal(server.requests.filter((q) => q.prompt === "down").length, 4, "1 + 3 retries");
      await engine.close();
      // Not cached: the next engine asks again (and now succeeds).
      server.setResponder((r) => `ok ${r.prompt}`);
      const e2 = createEngine({ ...fast, cacheDir: dir, maxRetries: 0 });
      assert.equal((await e2.complete(oa(server.openaiBaseURL, "down"))).text, "ok down");
      assert.equal(server.requests.filter((q) => q.prompt === "down").length, 5);
      await e2.close();
    } finally {
      server.setResponder(undefined);
    }
  });

  it("does not retry a 400 (a bad request fails the same way every time)", async () => {
    server.setResponder(() => ({ fault: "status", status: 400, message: "bad parameter" }));
    try {
      const engine = createEngine({ ...fast, cacheDir: fresh() });
      await assert.rejects(engine.complete(oa(server.openaiBaseURL, "bad-400")), LlmRequestError);
      assert.equal(server.requests.filter((q) => q.prompt === "bad-400").length, 1);
      await engine.close();
    } finally {
      server.setResponder(undefined);
    }
  });

  it("fails at once on a rejected key (401), naming the variable, with no retry loop", async () => {
    const keyed = await startFakeServer({ apiKey: "the-right-key" });
    try {
      const engine = createEngine({ ...fast, cacheDir: fresh() });
      await assert.rejects(engine.complete(oa(keyed.openaiBaseURL, "k1")), (e: Error) => e instanceof LlmAuthError && e.message.includes("OPENAI_API_KEY") && e.message.includes("401"));
      assert.equal(keyed.requests.length, 0, "rejected before reaching the model route");
      await engine.close();
      // A runAll stops everything: one 401 per worker at most, then it throws.
      const e2 = createEngine({ ...fast, cacheDir: fresh(), concurrency: 2 });
      const reqs = Array.from({ length: 20 }, (_, i) => an(keyed.anthropicBaseURL, `k${i}`));
      await assert.rejects(e2.runAll(reqs), (e: Error) => e instanceof LlmAuthError && e.message.includes("ANTHROPIC_API_KEY"));
      await e2.close();
      // The scripted 401 fault on the model route behaves the same.
      server.setResponder(() => ({ fault: "401" }));
      const e3 = createEngine({ ...fast, cacheDir: fresh() });
      await assert.rejects(e3.complete(oa(server.openaiBaseURL, "k-401")), LlmAuthError);
      assert.equal(server.requests.filter((q) => q.prompt === "k-401").length, 1);
      await e3.close();
    } finally {
      server.setResponder(undefined);
      await keyed.close();
    }
  });

  it("fails at once when the key variable is missing, naming it (default or user-named)", async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const n0 = server.requests.length;
      const engine = createEngine({ ...fast, cacheDir: fresh() });
      await assert.rejects(engine.complete(oa(server.openaiBaseURL, "nokey")), (e: Error) => e instanceof LlmAuthError && /OPENAI_API_KEY is not set/.test(e.message));
      const e2 = createEngine({ ...fast, cacheDir: fresh(), apiKeyEnv: { anthropic: "MY_CLAUDE_KEY" } });
      await assert.rejects(e2.complete(an(server.anthropicBaseURL, "nokey")), (e: Error) => e instanceof LlmAuthError && (e as LlmAuthError).envVar === "MY_CLAUDE_KEY");
      assert.equal(server.requests.length, n0);
      // An OpenAI-compatible server gets no key unless one is named (the OpenAI key never leaks to it).
      const e3 = createEngine({ ...fast, cacheDir: fresh() });
      const r = await e3.complete({ ...oa(server.openaiBaseURL, "compat"), provider: "openai-compatible", model: "my-served-model" });
      assert.equal(r.text, "echo: compat");
      assert.equal(server.requests.at(-1)!.headers.authorization, "Bearer no-key");
    } finally {
      process.env.OPENAI_API_KEY = saved;
    }
  });

  it("times out a hanging call, retries it, and reports a timeout", async () => {
    server.setResponder((r) => (r.prompt === "hang" || (r.prompt === "hang-once" && r.attempt === 1) ? { fault: "hang" } : `ok ${r.prompt}`));
    try {
      const engine = createEngine({ ...fast, cacheDir: fresh(), timeoutMs: 200, maxRetries: 1 });
      assert.equal((await engine.complete(oa(server.openaiBaseURL, "hang-once"))).text, "ok hang-once");
      await assert.rejects(engine.complete(oa(server.openaiBaseURL, "hang")), (e: Error) => e instanceof LlmRetryableError && /tim/i.test(e.message));
      assert.equal(server.requests.filter((q) => q.prompt === "hang").length, 2);
      await engine.close();
    } finally {
      server.setResponder(undefined);
    }
  });

  it("retries a malformed JSON answer", async () => {
    server.setResponder((r) => (r.prompt.startsWith("mal") && (r.prompt === "mal-always" || r.attempt === 1) ? { fault: "malformed" } : `ok ${r.prompt}`));
    try {
      const dir = fresh();
      const engine = createEngine({ ...fast, cacheDir: dir, maxRetries: 2 });
      assert.equal((await engine.complete(oa(server.openaiBaseURL, "mal-once"))).text, "ok mal-once");
      assert.equal(server.requests.filter((q) => q.prompt === "mal-once").length, 2);
      await assert.rejects(engine.complete(oa(server.openaiBaseURL, "mal-always")), LlmRetryableError);
      assert.equal(server.requests.filter((q) => q.prompt === "mal-always").length, 3);
      assert.equal(engine.cached(oa(server.openaiBaseURL, "mal-always")), undefined);
      await engine.close();
    } finally {
      server.setResponder(undefined);
    }
  });

  it("stops a run before exceeding a token budget, reserving in-flight calls", async () => {
    server.setResponder((r) => ({ text: `long answer to ${r.prompt}`, outputTokens: r.body.max_tokens }));
    const engine = createEngine({ ...fast, cacheDir: fresh(), concurrency: 4 });
    const reqs = Array.from({ length: 30 }, (_, i) => oa(server.openaiBaseURL, `budget ${i}`, { maxTokens: 100 }));
    const n0 = server.requests.length;
    const budget = { tokens: 1000 };
    const summary = await engine.runAll(reqs, { budget });
    const spent = summary.tokens.inputTokens + summary.tokens.outputTokens;
    assert.equal(summary.stopped, "budget");
    assert.ok(summary.calls >= 5 && summary.calls < 30, `calls ${summary.calls}`);
    assert.ok(spent <= budget.tokens, `spent ${spent} tokens`);
    assert.equal(summary.skipped, 30 - summary.calls - summary.failures);
    assert.equal(server.requests.length - n0, summary.calls);
    await assert.rejects(createEngine({ ...fast, cacheDir: fresh(), budget: { usd: 0.00001 } }).complete(oa(server.openaiBaseURL, "too dear")), LlmBudgetError);
    await engine.close();
    server.setResponder(undefined);
  });

  it("stops before exceeding a dollar budget", async () => {
    server.setResponder((r) => ({ text: `long answer to ${r.prompt}`, outputTokens: r.body.max_tokens }));
    const engine = createEngine({ ...fast, cacheDir: fresh(), concurrency: 3, prices: { "gpt-3.5-turbo-0613": { inputPerMTok: 1000, outputPerMTok: 1000 } } });
    const reqs = Array.from({ length: 20 }, (_, i) => oa(server.openaiBaseURL, `dollar ${i}`, { maxTokens: 50 }));
    const summary = await engine.runAll(reqs, { budget: { usd: 0.3 } });
    assert.equal(summary.stopped, "budget");
    assert.ok(summary.usd <= 0.3 && summary.calls > 0, `spent $${summary.usd} in ${summary.calls} calls`);
    server.setResponder(undefined);
  });

  it("bounds concurrency and shares identical in-flight requests", async () => {
    let inflight = 0;
    let peak = 0;
    server.setResponder(async (r) => {
      inflight++;
      peak = Math.max(peak, inflight);
      await new Promise((res) => setTimeout(res, 30));
      inflight--;
      return `ok ${r.prompt}`;
    });
    try {
      const engine = createEngine({ ...fast, cacheDir: fresh(), concurrency: 3 });
      const s = await engine.runAll(Array.from({ length: 12 }, (_, i) => oa(server.openaiBaseURL, `conc ${i}`)));
      assert.equal(s.calls, 12);
      assert.equal(peak, 3);
      const n0 = server.requests.length;
      const same = await engine.runAll(Array.from({ length: 5 }, () => oa(server.openaiBaseURL, "twin")));
      assert.equal(server.requests.length - n0, 1, "five identical requests, one call");
      assert.equal(same.completed, 5);
      await engine.close();
    } finally {
      server.setResponder(undefined);
    }
  });

  it("limits requests per minute with a token bucket", async () => {
    const engine = createEngine({ ...fast, cacheDir: fresh(), concurrency: 16, rpm: 1200 });
    const t0 = Date.now();
    await engine.runAll(Array.from({ length: 40 }, (_, i) => oa(server.openaiBaseURL, `rpm ${i}`)));
    // 1200 rpm = 20/s with a one-second bucket: the first 20 go at once, the next 20 take about a second.
    assert.ok(Date.now() - t0 >= 900, `took ${Date.now() - t0} ms`);
    await engine.close();
  });

  it("estimates calls, tokens and dollars before sending, and a dry run sends nothing", async () => {
    const dir = fresh();
    const engine = createEngine({ ...fast, cacheDir: dir });
    await engine.complete(oa(server.openaiBaseURL, "already"));
    const reqs = [oa(server.openaiBaseURL, "already"), oa(server.openaiBaseURL, "x".repeat(400), { maxTokens: 100 }), oa(server.openaiBaseURL, "x".repeat(400), { maxTokens: 100 }), { ...oa(server.openaiBaseURL, "y"), model: "mystery-model" }];
    const est = engine.estimate(reqs);
    assert.equal(est.cached, 2, "one cached, one duplicate");
    assert.equal(est.calls, 2);
    assert.equal(est.outputTokens, 100 + 64);
    assert.ok(est.inputTokens >= 100);
    assert.ok(Math.abs(est.usd - ((est.inputTokens - 5) * 1.5 + 100 * 2) / 1e6) < 1e-4);
    assert.deepEqual(est.unpricedModels, ["openai:mystery-model"]);
    // One answer of this model is cached: the expectation uses its output length, the bound uses maxTokens.
    const mean = engine.cached(reqs[0]!)!.usage.outputTokens;
    assert.equal(est.expectedOutputTokens, mean + 64);
    assert.ok(est.expectedUsd! < est.usd);
    await engine.close();
    const dry = createEngine({ ...fast, cacheDir: dir, dryRun: true });
    const n0 = server.requests.length;
    const got: number[] = [];
    const s = await dry.runAll(reqs, { onResult: (i) => got.push(i) });
    assert.equal(s.stopped, "dry-run");
    assert.deepEqual(got, [0]);
    assert.equal(server.requests.length, n0);
  });

  it("cancels a run with an AbortSignal: finished answers are cached, the rest completes on rerun", async () => {
    const dir = fresh();
    server.setLatency(40);
    try {
      const reqs = Array.from({ length: 20 }, (_, i) => oa(server.openaiBaseURL, `abort ${i}`));
      const ctl = new AbortController();
      const e1 = createEngine({ ...fast, cacheDir: dir, concurrency: 2 });
      let n = 0;
      const s1 = await e1.runAll(reqs, { signal: ctl.signal, onResult: () => ++n === 5 && ctl.abort() });
      assert.equal(s1.stopped, "aborted");
      assert.ok(s1.completed >= 5 && s1.completed < 20);
      await e1.close();
      const e2 = createEngine({ ...fast, cacheDir: dir, concurrency: 4 });
      const s2 = await e2.runAll(reqs);
      assert.equal(s2.completed, 20);
      assert.equal(s2.cacheHits, s1.completed);
      await e2.close();
    } finally {
      server.setLatency(0);
    }
  });

  it("keeps going when an onResult callback throws", async () => {
    const engine = createEngine({ ...fast, cacheDir: fresh() });
    const origWrite = process.stderr.write.bind(process.stderr);
    (process.stderr as { write: unknown }).write = () => true;
    try {
      const s = await engine.runAll([oa(server.openaiBaseURL, "cb1"), oa(server.openaiBaseURL, "cb2")], { onResult: () => { throw new Error("boom"); } });
      assert.equal(s.completed, 2);
    } finally {
      (process.stderr as { write: unknown }).write = origWrite;
    }
  });

  it("sends a rawPrompt request to an OpenAI-compatible server's /v1/completions", async () => {
    const engine = createEngine({ ...fast, cacheDir: fresh() });
    const r = await engine.complete({ provider: "openai-compatible", model: "alpacare-7b", baseURL: server.openaiBaseURL, rawPrompt: true, messages: [{ role: "user", content: "### Instruction:\nhi\n\n### Response:" }], maxTokens: 8 });
    assert.equal(server.requests.at(-1)!.api, "openai-completions");
    assert.equal(server.requests.at(-1)!.body.prompt, "### Instruction:\nhi\n\n### Response:");
    assert.match(r.text, /^echo: ###/);
    await engine.close();
  });

  it("reports live progress through onProgress, ending with the final counts", async () => {
    const engine = createEngine({ ...fast, cacheDir: fresh() });
    const seen: { done: number; total: number; calls: number }[] = [];
    await engine.runAll([oa(server.openaiBaseURL, "p1"), oa(server.openaiBaseURL, "p2")], { onProgress: (p) => seen.push(p) });
    assert.deepEqual(seen.at(-1)!.done, 2);
    assert.equal(seen.at(-1)!.calls, 2);
    await engine.close();
  });
});
