import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  LlmAuthError, LlmRequestError, LlmRetryableError, canonicalRequest, requestKey, priceOf, priceTable, costUsd,
} from "../../src/llm/index.js";
import { anthropicFinishReason } from "../../src/llm/providers/anthropic.js";
import { backoffMs, Semaphore, TokenBucket } from "../../src/llm/limits.js";
import { classifyProviderError, retryAfterMsFromHeaders } from "../../src/llm/errors.js";
import { openaiFinishReason } from "../../src/llm/providers/openai.js";
import { validateRequest } from "../../src/llm/request.js";

describe("retry-after, backoff and error classification", () => {
  it("reads retry-after-ms, retry-after seconds and HTTP dates", () => {
    assert.equal(retryAfterMsFromHeaders(new Headers({ "retry-after-ms": "250" })), 250);
    assert.equal(retryAfterMsFromHeaders(new Headers({ "retry-after": "2" })), 2000);
    const d = retryAfterMsFromHeaders(new Headers({ "retry-after": new Date(Date.now() + 5000).toUTCString() }))!;
    assert.ok(d > 3000 && d <= 5000);
    assert.equal(retryAfterMsFromHeaders(new Headers({})), undefined);
    assert.equal(retryAfterMsFromHeaders({ "retry-after": "1" }), 1000);
  });

  it("backs off exponentially with jitter, capped, or follows the server", () => {
    assert.equal(backoffMs(0, 1000, 60000, undefined, () => 1), 1000);
    assert.equal(backoffMs(3, 1000, 60000, undefined, () => 1), 8000);
    assert.equal(backoffMs(3, 1000, 60000, undefined, () => 0), 4000);
    assert.equal(backoffMs(10, 1000, 60000, undefined, () => 1), 60000);
    assert.equal(backoffMs(5, 1000, 60000, 1500, () => 0), 1500);
  });

  it("classifies provider errors", () => {
    const err = (status: number, headers: Record<string, string> = {}) => Object.assign(new Error("x"), { status, headers: new Headers(headers) });
    assert.ok(classifyProviderError(err(401), "OPENAI_API_KEY", "openai") instanceof LlmAuthError);
    assert.match(classifyProviderError(err(403), "MY_KEY", "openai").message, /MY_KEY/);
    const r = classifyProviderError(err(429, { "retry-after-ms": "10" }), "K", "openai") as LlmRetryableError;
    assert.ok(r instanceof LlmRetryableError);
    assert.equal(r.retryAfterMs, 10);
    assert.ok(classifyProviderError(err(503), "K", "x") instanceof LlmRetryableError);
    assert.ok(classifyProviderError(err(400), "K", "x") instanceof LlmRequestError);
    assert.ok(classifyProviderError(new SyntaxError("Unexpected end of JSON"), "K", "x") instanceof LlmRetryableError);
  });

  it("never echoes a key in an error message", () => {
    const e = classifyProviderError(Object.assign(new Error("Incorrect API key provided: sk-proj-abcdef123456789. See docs"), { status: 401 }), "OPENAI_API_KEY", "openai");
    assert.ok(!e.message.includes("abcdef123456789"));
    assert.match(e.message, /OPENAI_API_KEY/);
  });

  it("maps finish reasons", () => {
    assert.equal(openaiFinishReason("length"), "length");
    assert.equal(openaiFinishReason("tool_calls"), "other");
    assert.equal(anthropicFinishReason("max_tokens"), "length");
    assert.equal(anthropicFinishReason("stop_sequence"), "stop");
    assert.equal(anthropicFinishReason("end_turn"), "stop");
  });
});

describe("limits", () => {
  it("semaphore bounds and hands slots over in order", async () => {
    const s = new Semaphore(2);
    await s.acquire();
    await s.acquire();
    const order: number[] = [];
    const p1 = s.acquire().then(() => order.push(1));
    const p2 = s.acquire().then(() => order.push(2));
    s.release();
    s.release();
    await Promise.all([p1, p2]);
    assert.deepEqual(order, [1, 2]);
    const ctl = new AbortController();
    const p3 = s.acquire(ctl.signal);
    ctl.abort();
    await assert.rejects(p3);
  });

  it("token bucket paces a tokens-per-minute limit", async () => {
    const b = new TokenBucket(60_000); // 1000 tokens/s, capacity 1000
    const t0 = Date.now();
    await b.take(1000);
    await b.take(300); // must wait ~300 ms for the refill
    assert.ok(Date.now() - t0 >= 250, `${Date.now() - t0} ms`);
  });
});

describe("requests, keys and prices", () => {
  const base = { provider: "openai" as const, model: "gpt-4", messages: [{ role: "user" as const, content: "hi" }] };
  it("omits unset parameters from the key and orders fields canonically", () => {
    assert.equal(requestKey(base), requestKey({ ...base, stop: [], rawPrompt: false }));
    assert.equal(requestKey({ ...base, temperature: 0, maxTokens: 5 }), requestKey({ maxTokens: 5, temperature: 0, ...base }));
    assert.notEqual(requestKey({ ...base, temperature: 0 }), requestKey(base));
    assert.equal(canonicalRequest(base).v, 2);
  });
  it("validates requests at the edge", () => {
    assert.throws(() => validateRequest({ ...base, provider: "bard" as never }), /provider/);
    assert.throws(() => validateRequest({ ...base, messages: [] }), /messages/);
    assert.throws(() => validateRequest({ ...base, provider: "openai-compatible" }), /baseURL/);
    assert.throws(() => validateRequest({ ...base, maxTokens: 0 }), /maxTokens/);
  });
  it("prices by exact id, then longest prefix; local is free; overrides win", () => {
    const t = priceTable();
    assert.equal(priceOf("openai", "gpt-4-0613", t)!.inputPerMTok, 30);
    assert.equal(priceOf("openai", "gpt-4o-mini-2024-07-18", t)!.inputPerMTok, 0.15);
    assert.equal(priceOf("anthropic", "claude-2.1", t)!.outputPerMTok, 24);
    assert.equal(priceOf("openai-compatible", "alpacare-7b", t), undefined);
    assert.equal(costUsd(priceOf("local", "x.gguf", t), { inputTokens: 1e6, outputTokens: 1e6 }), 0);
    assert.equal(priceOf("openai", "gpt-4", priceTable({ "gpt-4": { inputPerMTok: 1, outputPerMTok: 2 } }))!.inputPerMTok, 1);
  });
});
