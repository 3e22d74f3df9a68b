import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startFakeServer, type FakeServer } from "../fake-server/index.js";
import { createEngine, listBatches, runBatch, type ChatResult } from "../../src/llm/index.js";
import { an, oa, setTestKeys, tempDir } from "./helpers.js";

setTestKeys();

describe("batch APIs against the fake server", () => {
  let server: FakeServer;
  const tmp = tempDir();
  const savedData = process.env.ALPACARE_DATA_DIR;
  before(async () => {
    server = await startFakeServer({ batchPollsUntilDone: 2 });
    process.env.ALPACARE_DATA_DIR = tmp.dir;
  });
  after(async () => {
    await server.close();
    if (savedData === undefined) delete process.env.ALPACARE_DATA_DIR;
    else process.env.ALPACARE_DATA_DIR = savedData;
    tmp.cleanup();
  });

  it("OpenAI Batch: uploads, polls, collects into the cache; a rerun is free", async () => {
    const cacheDir = join(tmp.dir, "cache-oa");
    const engine = createEngine({ cacheDir, progress: false });
    const reqs = Array.from({ length: 6 }, (_, i) => oa(server.openaiBaseURL, `batch q${i % 5}`, { tag: "gen" }));
    const got: (ChatResult | Error)[] = [];
    const s = await runBatch(engine, reqs, { run: "b1", pollIntervalMs: 5, progress: false, onResult: (i, r) => (got[i] = r) });
    assert.equal(s.completed, 6);
    assert.equal(s.calls, 5, "duplicates sent once");
    assert.equal(server.batchItems.length, 5);
    assert.equal(server.requests.length, 0, "nothing went through the synchronous endpoint");
    assert.deepEqual(got.map((r) => (r as ChatResult).text), reqs.map((r) => `echo: ${r.messages[0]!.content}`));
    assert.ok(s.usd > 0);
    const states = listBatches("b1");
    assert.equal(states.length, 1);
    assert.equal(states[0]!.status, "collected");
    assert.match(states[0]!.id!, /^batch_/);
    // Same requests through the normal runner: all cached.
    const again = await engine.runAll(reqs, { progress: false });
    assert.equal(again.cacheHits, 6);
    assert.equal(server.requests.length, 0);
    const cacheText = readFileSync(join(cacheDir, "llm-calls.jsonl"), "utf8");
    assert.ok(cacheText.includes('"via":"batch"'));
    assert.ok(!cacheText.includes(process.env.OPENAI_API_KEY!));
    await engine.close();
  });

  it("Anthropic Message Batches: create, poll, results; failed items reported and not cached", async () => {
    server.setResponder((r) => (r.prompt === "bad item" ? { fault: "500" } : `claude says ${r.prompt}`));
    try {
      const engine = createEngine({ cacheDir: join(tmp.dir, "cache-an"), progress: false });
      const reqs = [an(server.anthropicBaseURL, "first"), an(server.anthropicBaseURL, "bad item"), an(server.anthropicBaseURL, "third", { stop: ["third"] })];
      const got: (ChatResult | Error)[] = [];
      const s = await runBatch(engine, reqs, { run: "b2", pollIntervalMs: 5, progress: false, onResult: (i, r) => (got[i] = r) });
      assert.equal(s.completed, 2);
      assert.equal(s.failures, 1);
      assert.equal((got[0] as ChatResult).text, "claude says first");
      assert.ok(got[1] instanceof Error);
      assert.equal((got[2] as ChatResult).text, "claude says ");
      assert.equal(engine.cached(reqs[1]!), undefined);
      assert.ok(engine.cached(reqs[0]!));
      await engine.close();
    } finally {
      server.setResponder(undefined);
    }
  });

  it("resumes a half-finished batch after a restart instead of resubmitting", async () => {
    const cacheDir = join(tmp.dir, "cache-resume");
    const reqs = Array.from({ length: 4 }, (_, i) => oa(server.openaiBaseURL, `resume ${i}`));
    const e1 = createEngine({ cacheDir, progress: false });
    const s1 = await runBatch(e1, reqs, { run: "b3", submitOnly: true, progress: false });
    assert.equal(s1.stopped, "aborted");
    assert.equal(s1.skipped, 4);
    await e1.close();
    const batchesBefore = server.batches.size;
    const [state] = listBatches("b3");
    assert.equal(state!.status, "submitted");
    // "Restart": a new engine, same run: polls the persisted batch.
    const e2 = createEngine({ cacheDir, progress: false });
    const s2 = await runBatch(e2, reqs, { run: "b3", pollIntervalMs: 5, progress: false });
    assert.equal(s2.completed, 4);
    assert.equal(server.batches.size, batchesBefore, "no new batch");
    assert.equal(server.batchItems.filter((r) => r.prompt.startsWith("resume")).length, 4);
    assert.equal(listBatches("b3")[0]!.status, "collected");
    await e2.close();
  });

  it("finds a batch whose id was never saved (crash during submission) by its metadata", async () => {
    const cacheDir = join(tmp.dir, "cache-recover");
    const reqs = [oa(server.openaiBaseURL, "recover me")];
    const e1 = createEngine({ cacheDir, progress: false });
    await runBatch(e1, reqs, { run: "b4", submitOnly: true, progress: false });
    // Simulate the crash: forget the id.
    const dir = join(tmp.dir, "runs", "b4", "batches");
    const file = join(dir, readdirSync(dir)[0]!);
    const st = JSON.parse(readFileSync(file, "utf8"));
    const realId = st.id;
    delete st.id;
    st.status = "submitting";
    (await import("node:fs")).writeFileSync(file, JSON.stringify(st));
    const n = server.batches.size;
    const s = await runBatch(e1, reqs, { run: "b4", pollIntervalMs: 5, progress: false });
    assert.equal(s.completed, 1);
    assert.equal(server.batches.size, n);
    assert.equal(listBatches("b4")[0]!.id, realId);
    await e1.close();
  });

  it("submits only what fits the budget (estimated at the batch price)", async () => {
    const engine = createEngine({ cacheDir: join(tmp.dir, "cache-budget"), progress: false, prices: { "gpt-3.5-turbo-0613": { inputPerMTok: 1000, outputPerMTok: 1000 } } });
    // Each request: ~5 input + 64 output tokens = 69 tokens, $0.069 at list price, $0.0345 in a batch.
    const reqs = Array.from({ length: 10 }, (_, i) => oa(server.openaiBaseURL, `budget ${i}`));
    const n0 = server.batchItems.length;
    const s = await runBatch(engine, reqs, { run: "b5", pollIntervalMs: 5, progress: false, budget: { usd: 0.1 } });
    assert.equal(s.stopped, "budget");
    assert.equal(s.calls, 2);
    assert.equal(s.skipped, 8);
    assert.equal(server.batchItems.length - n0, 2);
    assert.ok(s.usd <= 0.1);
    await engine.close();
  });
});
