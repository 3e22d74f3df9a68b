import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { projectRoot } from "../../src/core/index.js";
import { createEngine, defaultModel, type ChatRequest, type Engine } from "../../src/llm/index.js";
import { localRepeatPenalty } from "../../src/llm/providers/local.js";
import { tempDir } from "./helpers.js";

/** stories260K: data/raw (after `alpacare data`) else the mirror beside the project. */
function storiesPath(): string | undefined {
  for (const p of [join(projectRoot, "data", "raw", "models", "stories260K.gguf"), join(projectRoot, "..", "shared", "data", "models", "stories260K.gguf")]) if (existsSync(p)) return p;
  return undefined;
}

const model = storiesPath();

describe("local GGUF through node-llama-cpp (stories260K)", { skip: model ? false : "stories260K.gguf not found (run `alpacare data`)" }, () => {
  const tmp = tempDir();
  const engines: Engine[] = [];
  const make = (cache = false) => {
    const e = createEngine({ cache, cacheDir: tmp.dir, progress: false, local: { threads: 1 } });
    engines.push(e);
    return e;
  };
  after(async () => {
    for (const e of engines) await e.close();
    tmp.cleanup();
  });
  const raw = (prompt: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
    provider: "local", model: model!, rawPrompt: true, messages: [{ role: "user", content: prompt }], temperature: 0, maxTokens: 24, ...extra,
  });

  it("greedy output is deterministic across two engines and matches the known continuation", async () => {
    const a = await make().complete(raw("Once upon a time"));
    const b = await make().complete(raw("Once upon a time"));
    assert.equal(a.text, b.text);
    assert.ok(a.text.startsWith(", there was a little girl named Lily"), JSON.stringify(a.text));
    assert.equal(a.finishReason, "length");
    assert.equal(a.usage.outputTokens, 24);
  });

  it("chat through the model's own template, greedy, deterministic", async () => {
    const req: ChatRequest = { provider: "local", model: model!, messages: [{ role: "user", content: "Tell me a story." }], temperature: 0, maxTokens: 12 };
    const a = await make().complete(req);
    const b = await make().complete(req);
    assert.equal(a.text, b.text);
    assert.ok(a.text.length > 0);
  });

  it("parallel sequences do not change greedy output (batched evaluation is deterministic here)", async () => {
    const prompts = ["Once upon a time", "The little dog", "Tom and Sue", "A big bear"];
    const alone: string[] = [];
    const e1 = createEngine({ cache: false, progress: false, concurrency: 1, local: { threads: 1, parallel: 1 } });
    engines.push(e1);
    for (const p of prompts) alone.push((await e1.complete(raw(p, { maxTokens: 48 }))).text);
    const e4 = createEngine({ cache: false, progress: false, concurrency: 4, local: { threads: 1, parallel: 4 } });
    engines.push(e4);
    const together: string[] = [];
    await e4.runAll(prompts.map((p) => raw(p, { maxTokens: 48 })), { onResult: (i, r) => (together[i] = (r as { text: string }).text) });
    assert.deepEqual(together, alone);
  });

  it("stops at a stop sequence (excluded from the text)", async () => {
    const r = await make().complete(raw("Once upon a time", { maxTokens: 40, stop: ["Lily"] }));
    // node-llama-cpp cuts at the token holding the trigger: the space that token carries goes too.
    assert.equal(r.text.trimEnd(), ", there was a little girl named");
    assert.equal(r.finishReason, "stop");
  });

  it("respects maxTokens", async () => {
    const r = await make().complete(raw("Once upon a time", { maxTokens: 5 }));
    assert.equal(r.usage.outputTokens, 5);
    assert.equal(r.finishReason, "length");
  });

  it("presence/frequency penalties: OpenAI's formula through node-llama-cpp (0 = none; deterministic; changes greedy output)", async () => {
    const base = await make().complete(raw("Once upon a time", { maxTokens: 48 }));
    const zero = await make().complete(raw("Once upon a time", { maxTokens: 48, presencePenalty: 0, frequencyPenalty: 0 }));
    assert.equal(zero.text, base.text);
    const p1 = await make().complete(raw("Once upon a time", { maxTokens: 48, presencePenalty: 1.5 }));
    const p2 = await make().complete(raw("Once upon a time", { maxTokens: 48, presencePenalty: 1.5 }));
    assert.equal(p1.text, p2.text);
    assert.notEqual(p1.text, base.text, "the greedy story repeats tokens, so a presence penalty must change it");
    const chat = await make().complete({ provider: "local", model: model!, messages: [{ role: "user", content: "Tell me a story." }], temperature: 0, maxTokens: 16, presencePenalty: 1.5 });
    assert.ok(chat.text.length > 0);
  });

  it("seeded sampling is reproducible", async () => {
    const e = make();
    const s1 = await e.complete(raw("Once upon a time", { temperature: 0.9, seed: 11, maxTokens: 16 }));
    const s2 = await make().complete(raw("Once upon a time", { temperature: 0.9, seed: 11, maxTokens: 16 }));
    assert.equal(s1.text, s2.text);
  });

  it("constrains output to a JSON schema", async () => {
    const schema = { type: "object", properties: { verdict: { enum: ["1", "2"] }, score: { type: "integer" } }, required: ["verdict", "score"] };
    const r = await make().complete({ provider: "local", model: model!, messages: [{ role: "user", content: "Which is better?" }], maxTokens: 40, jsonSchema: schema });
    const parsed = JSON.parse(r.text);
    assert.ok(["1", "2"].includes(parsed.verdict));
    assert.equal(typeof parsed.score, "number");
  });

  it("caches local answers like any other", async () => {
    const e = make(true);
    const a = await e.complete(raw("The cat", { maxTokens: 8 }));
    const b = await e.complete(raw("The cat", { maxTokens: 8 }));
    assert.equal(b.cached, true);
    assert.equal(a.text, b.text);
  });

  it("defaultModel() falls back to the test model with a plain warning", () => {
    const saved = process.env.ALPACARE_MODEL;
    delete process.env.ALPACARE_MODEL;
    try {
      const warnings: string[] = [];
      const d = defaultModel({ warn: (w) => warnings.push(w) });
      assert.equal(d.provider, "local");
      if (d.source === "test-model") {
        assert.equal(d.isTestModel, true);
        assert.match(warnings[0]!, /cannot follow instructions/);
        assert.ok(!d.model.startsWith("/") || !d.model.includes(projectRoot), "project-relative path (cache keys portable)");
      }
      process.env.ALPACARE_MODEL = model!;
      assert.equal(defaultModel({ warn: () => {} }).source, "ALPACARE_MODEL");
    } finally {
      if (saved === undefined) delete process.env.ALPACARE_MODEL;
      else process.env.ALPACARE_MODEL = saved;
    }
  });
});

describe("localRepeatPenalty (OpenAI penalties as node-llama-cpp's repeat penalty)", () => {
  it("is off when both penalties are 0 or unset, else additive only, over the whole answer, newlines included", () => {
    assert.equal(localRepeatPenalty({}, 100), undefined);
    assert.equal(localRepeatPenalty({ presencePenalty: 0, frequencyPenalty: 0 }, 100), undefined);
    assert.deepEqual(localRepeatPenalty({ presencePenalty: 1.5 }, 500), { penalty: 1, presencePenalty: 1.5, frequencyPenalty: 0, lastTokens: 500, penalizeNewLine: true });
    assert.deepEqual(localRepeatPenalty({ frequencyPenalty: -0.5 }, 0), { penalty: 1, presencePenalty: 0, frequencyPenalty: -0.5, lastTokens: 1, penalizeNewLine: true });
  });
});
