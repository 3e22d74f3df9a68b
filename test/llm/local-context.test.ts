/**
 * Long prompts on the local provider (real node-llama-cpp, stories260K: a 2048-token training context and a
 * 512-token vocabulary, so a few thousand characters fill it). Left alone, node-llama-cpp would keep only the last
 * 1843 tokens of a raw prompt and cut the start of a chat prompt to fit; the provider must evaluate every prompt
 * whole or refuse it. Outputs are a few tokens so the file stays fast.
 */
import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { projectRoot } from "../../src/core/index.js";
import { createEngine, LlmRequestError, type ChatRequest, type Engine } from "../../src/llm/index.js";
import { loadLocalModel, loadNodeLlamaCpp } from "../../src/llm/providers/local.js";
import { tempDir } from "./helpers.js";

function storiesPath(): string | undefined {
  for (const p of [join(projectRoot, "data", "raw", "models", "stories260K.gguf"), join(projectRoot, "..", "shared", "data", "models", "stories260K.gguf")]) if (existsSync(p)) return p;
  return undefined;
}
const model = storiesPath();

const SENTENCE = "Once upon a time there was a little girl named Lily who liked to play in the park with her dog. ";
const text = (chars: number) => SENTENCE.repeat(Math.ceil(chars / SENTENCE.length)).slice(0, chars);

describe("local provider: long prompts are evaluated whole or refused", { skip: model ? false : "stories260K.gguf not found (run `alpacare data`)" }, () => {
  const tmp = tempDir();
  const engines: Engine[] = [];
  const make = (local: Record<string, unknown> = {}, cache = false, strictParams = false) => {
    const e = createEngine({ cache, cacheDir: tmp.dir, progress: false, local: { threads: 1, ...local }, strictParams });
    engines.push(e);
    return e;
  };
  after(async () => {
    for (const e of engines) await e.close();
    tmp.cleanup();
  });
  const raw = (prompt: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
    provider: "local", model: model!, rawPrompt: true, messages: [{ role: "user", content: prompt }], temperature: 0, maxTokens: 4, ...extra,
  });

  /** Tokens of a raw prompt, counted here the way a completion evaluates it: BOS, then the text. */
  let rawCount: (s: string) => number;
  /** Tokens of the text alone. */
  let textCount: (s: string) => number;
  let train: number;
  before(async () => {
    const m = await loadLocalModel(model!);
    train = m.trainContextSize;
    assert.equal(train, 2048);
    assert.equal(m.tokens.shouldPrependBosToken, true);
    rawCount = (s) => 1 + m.tokenize(s, false, "trimLeadingSpace").length;
    textCount = (s) => m.tokenize(s, false, "trimLeadingSpace").length;
  });

  /** The answer to the 6,000-character raw prompt on the default context (compared against in a later test). */
  let wholeText: string | undefined;

  it("a 6,000-character raw prompt: usage.inputTokens is the whole prompt, past the 1843 tokens the library alone kept", async () => {
    const prompt = text(6000);
    const r = await make().complete(raw(prompt));
    wholeText = r.text;
    assert.equal(r.usage.inputTokens, rawCount(prompt));
    assert.ok(r.usage.inputTokens > 1843, `${r.usage.inputTokens}`);
    assert.equal(r.usage.outputTokens, 4);
    assert.equal(r.finishReason, "length");
  });

  it("a 6,000-character chat prompt with a system message: every token of the template is evaluated", async () => {
    const prompt = text(6000);
    const lib = await loadNodeLlamaCpp();
    const m = await loadLocalModel(model!);
    const system = "You are a storyteller.";
    // The model's own template (LlamaChatSession's "auto"), rendered here independently of the provider.
    const rendered = lib.resolveChatWrapper(m).generateContextState({
      chatHistory: [{ type: "system", text: system }, { type: "user", text: prompt }, { type: "model", response: [] }],
    }).contextText.tokenize(m.tokenizer).length;
    const r = await make().complete({
      provider: "local", model: model!, messages: [{ role: "system", content: system }, { role: "user", content: prompt }], temperature: 0, maxTokens: 4,
    });
    assert.equal(r.usage.inputTokens, rendered);
    assert.ok(r.usage.inputTokens > textCount(prompt) + textCount(system), `${r.usage.inputTokens}`);
    assert.equal(r.usage.outputTokens, 4);
    assert.equal(r.finishReason, "length");
  });

  it("when the shared context's sequences are too small, the prompt gets a context of its own: same greedy answer", async () => {
    const prompt = text(6000);
    const whole = wholeText ?? (await make().complete(raw(prompt))).text;
    const small = await make({ contextSize: 1024, parallel: 4 }).complete(raw(prompt));
    assert.ok(rawCount(prompt) > 1024);
    assert.equal(small.usage.inputTokens, rawCount(prompt));
    assert.equal(small.text, whole);
  });

  it("a prompt over the model's context is refused with a clear LlmRequestError: not sent, not retried, not cached", async () => {
    const e = make({}, true);
    const prompt = text(9000);
    const n = rawCount(prompt);
    const req = raw(prompt);
    const t0 = Date.now();
    await assert.rejects(e.complete(req), (err: Error) => {
      assert.ok(err instanceof LlmRequestError, String(err));
      assert.match(err.message, new RegExp(`prompt is ${n} tokens and maxTokens is 4: ${n + 5} tokens needed`));
      assert.match(err.message, /more than the 2048-token context this model allows/);
      assert.match(err.message, /--context-size/);
      assert.match(err.message, /4 parallel sequences holds 2048 tokens/);
      return true;
    });
    assert.ok(Date.now() - t0 < 5000, "fails at once, no backoff");
    const st = e.stats();
    assert.equal(st.calls, 0);
    assert.equal(st.retries, 0);
    assert.equal(e.cached(req), undefined);
    // Chat too, and with a smaller shared context the message says what each sequence holds.
    const chat: ChatRequest = { provider: "local", model: model!, messages: [{ role: "user", content: prompt }], maxTokens: 4 };
    await assert.rejects(make({ contextSize: 1024 }).complete(chat), (err: Error) => {
      assert.ok(err instanceof LlmRequestError);
      assert.match(err.message, /more than the 2048-token context/);
      assert.match(err.message, /holds 1024 tokens/);
      return true;
    });
  });

  it("exactly at the limit: prompt + maxTokens + 1 = 2048 runs whole; one token more is reduced to fit (recorded) or, strict, refused; unset maxTokens stops at the end", async () => {
    let prompt = text(6600);
    while (rawCount(prompt) > 2040) prompt = prompt.slice(0, -1);
    const n = rawCount(prompt);
    const e = make();
    const fit = await e.complete(raw(prompt, { maxTokens: train - 1 - n }));
    assert.equal(fit.usage.inputTokens, n);
    assert.ok(fit.usage.outputTokens <= train - 1 - n);
    await assert.rejects(make({}, false, true).complete(raw(prompt, { maxTokens: train - n })), (err: Error) => err instanceof LlmRequestError && /maxTokens is/.test(err.message));
    const reduced = await e.complete(raw(prompt, { maxTokens: train - n }));
    assert.equal(reduced.usage.inputTokens, n);
    assert.deepEqual(reduced.adaptations?.map((a) => [a.parameter, a.action, a.from, a.to]), [["max_tokens", "reduced", train - n, train - 1 - n]]);
    assert.deepEqual(e.adaptations().map((a) => [a.parameter, a.action, a.to]), [["max_tokens", "reduced", train - 1 - n]]);
    const open = await e.complete(raw(prompt, { maxTokens: undefined }));
    assert.equal(open.usage.inputTokens, n);
    assert.ok(open.usage.outputTokens <= train - 1 - n, `${open.usage.outputTokens}`);
    if (open.usage.outputTokens === train - 1 - n) assert.equal(open.finishReason, "length");
    else assert.equal(open.finishReason, "stop");
  });
});
