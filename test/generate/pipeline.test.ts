// After generation: the post-hoc filter (dedup engine), responses in both encodings against the fake server, export.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { createEngine } from "../../src/llm/index.js";
import { dedupIncremental } from "../../src/dedup/index.js";
import { loadInstructionPrompt, loadSeedTasks } from "../../src/data/index.js";
import {
  encodeResponsePrompt, exportDataset, filterGeneratedTasks, generateResponses, generateTasks, inputDroppedByNaRule,
  makeRougeInlineDeduper, readGeneratedTasks, readRejectedTasks, readTaskCompletions, parseTasksFaithful,
  RESPONSE_SYSTEM_PROMPT, taxonomyStats,
} from "../../src/generate/index.js";
import { startFakeServer, type FakeServer } from "../fake-server/index.js";
import { fakeTeacherCompletion } from "./fake-teacher.js";
import { tempDataDir } from "./helpers.js";

let tmp: ReturnType<typeof tempDataDir>;
let server: FakeServer;
const saved = { data: process.env.ALPACARE_DATA_DIR, o: process.env.OPENAI_API_KEY, a: process.env.ANTHROPIC_API_KEY };

before(async () => {
  tmp = tempDataDir();
  process.env.ALPACARE_DATA_DIR = tmp.dir;
  process.env.OPENAI_API_KEY = "k";
  process.env.ANTHROPIC_API_KEY = "k";
  server = await startFakeServer({
    respond: (r) => (r.prompt.includes("List of") ? fakeTeacherCompletion(r.prompt) : `ANSWER(${r.api}) to: ${r.prompt.slice(0, 40)}`),
  });
});
after(async () => {
  await server.close();
  tmp.cleanup();
  for (const [k, v] of [["ALPACARE_DATA_DIR", saved.data], ["OPENAI_API_KEY", saved.o], ["ANTHROPIC_API_KEY", saved.a]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

test("response encodings are upstream's, including the 'NA' substring rule", () => {
  assert.equal(encodeResponsePrompt({ instruction: "Explain X.", input: "<noinput>" }), "Explain X.\n\n");
  assert.equal(encodeResponsePrompt({ instruction: "Explain X.", input: "" }), "Explain X.\n\n");
  assert.equal(encodeResponsePrompt({ instruction: "Summarize.", input: "BP 150/95." }), "Summarize.\n\nBP 150/95.\n");
  assert.equal(encodeResponsePrompt({ instruction: "Interpret.", input: "A DNA test shows..." }), "Interpret.\n\n");
  assert.equal(encodeResponsePrompt({ instruction: "Interpret.", input: "A DNA test shows..." }, "openai", "strict"), "Interpret.\n\nA DNA test shows...\n");
  assert.equal(encodeResponsePrompt({ instruction: "NA", input: "x" }), "");
  assert.ok(inputDroppedByNaRule("RNA virus") && !inputDroppedByNaRule("NA") && !inputDroppedByNaRule("fever"));
  assert.equal(encodeResponsePrompt({ instruction: "Explain X.", input: "<noinput>" }, "anthropic"), "Human: Explain X.\n\nAssistant:");
  assert.equal(encodeResponsePrompt({ instruction: "Read.", input: "A DNA test" }, "anthropic"), "Human: Read.\n\nA DNA test\n\nAssistant:");
  assert.ok(RESPONSE_SYSTEM_PROMPT.includes("Here are the requirements:1. For multiple-choice"));
});

test("inline dedup gives the dedup engine's incremental verdicts", async () => {
  const engine = createEngine({ cacheDir: join(tmp.dir, "c1"), progress: false });
  const seeds = loadSeedTasks();
  const s = await generateTasks({
    run: "inline", target: 40, teacher: { provider: "openai", model: "gpt-4", baseURL: server.openaiBaseURL }, engine, seeds,
    requirements: loadInstructionPrompt(), dedup: "inline", threshold: 0.3, makeInlineDeduper: makeRougeInlineDeduper, quiet: true,
  });
  await engine.close();
  // every parsed task, in commit order, with the engine's verdict
  const parsed = readTaskCompletions("inline").sort((a, b) => a.request - b.request).flatMap((c) => parseTasksFaithful(c.text, 4).tasks.map((t) => t.instruction));
  const ref = dedupIncremental(parsed, { threshold: 0.3, pool: seeds.map((t) => t.instruction) });
  assert.equal(ref.kept, s.kept);
  assert.equal(ref.dropped, s.duplicates);
  assert.ok(s.duplicates > 0, "threshold 0.3 drops some of the templated fake tasks");
  assert.deepEqual(readGeneratedTasks("inline").map((t) => t.instruction), parsed.filter((_, i) => ref.items[i]!.kept));
  assert.equal(readRejectedTasks("inline").filter((r) => r.reason === "duplicate").length, s.duplicates);
});

test("generate -> post-hoc filter -> responses (openai, anthropic) -> export", async () => {
  const engine = createEngine({ cacheDir: join(tmp.dir, "c2"), progress: false });
  const teacher = { provider: "openai" as const, model: "gpt-4", baseURL: server.openaiBaseURL };
  await generateTasks({ run: "p", target: 30, teacher, engine, seeds: loadSeedTasks(), requirements: loadInstructionPrompt(), quiet: true, parse: "robust" });
  const f = await filterGeneratedTasks("p", { threshold: 0.7 });
  assert.equal(f.tasks, readGeneratedTasks("p").length);
  assert.equal(f.kept + f.dropped, f.tasks);

  const before = server.requests.length;
  const r1 = await generateResponses({ run: "p", responder: { provider: "openai", model: "gpt-3.5-turbo", baseURL: server.openaiBaseURL }, engine, quiet: true, limit: 10 });
  assert.equal(r1.answered, 10);
  assert.equal(r1.usedFilteredTasks, true);
  const sent = server.requests.slice(before);
  assert.equal(sent.length, 10);
  const kept = readFileSync(join(tmp.dir, "runs", "p", "filtered.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(sent[0]!.messages[0]!.content, RESPONSE_SYSTEM_PROMPT);
  assert.equal(sent[0]!.prompt, encodeResponsePrompt(kept[0]));
  assert.equal(sent[0]!.body.presence_penalty, 1.5);
  assert.equal(sent[0]!.body.max_tokens, 300);
  // a dry run writes nothing, even where the cache holds answers the run's file does not
  const responsesPath = join(tmp.dir, "runs", "p", "responses.jsonl");
  const stored = readFileSync(responsesPath, "utf8");
  writeFileSync(responsesPath, "");
  const dry = createEngine({ cacheDir: join(tmp.dir, "c2"), progress: false, dryRun: true });
  const d = await generateResponses({ run: "p", responder: { provider: "openai", model: "gpt-3.5-turbo", baseURL: server.openaiBaseURL }, engine: dry, quiet: true, limit: 10 });
  await dry.close();
  assert.equal(d.cacheHits, 10);
  assert.equal(d.answered, 0);
  assert.equal(readFileSync(responsesPath, "utf8"), "");
  writeFileSync(responsesPath, stored);
  // resumable: the rest only
  const r2 = await generateResponses({ run: "p", responder: { provider: "openai", model: "gpt-3.5-turbo", baseURL: server.openaiBaseURL }, engine, quiet: true });
  assert.equal(r2.answeredBefore, 10);
  assert.equal(r2.answered, kept.length - 10);
  // the Claude variant goes to the Anthropic endpoint with the Human/Assistant text
  const b2 = server.requests.length;
  const r3 = await generateResponses({ run: "p", responder: { provider: "anthropic", model: "claude-2.1", baseURL: server.anthropicBaseURL }, engine, quiet: true, limit: 2 });
  assert.equal(r3.answered, 2);
  assert.equal(server.requests[b2]!.api, "anthropic-messages");
  assert.ok(server.requests[b2]!.prompt.startsWith("Human: ") && server.requests[b2]!.prompt.endsWith("\n\nAssistant:"));
  await engine.close();

  // two responders in one run: export refuses to mix them and exports one on request
  assert.throws(() => exportDataset({ run: "p" }), /2 responders or settings .*openai:gpt-3\.5-turbo.*anthropic:claude-2\.1.*--responder/);
  assert.equal(exportDataset({ run: "p", responder: "claude-2.1", outDir: join(tmp.dir, "claude-export") }).records, 2);
  const e = exportDataset({ run: "p", responder: "gpt-3.5-turbo" });
  assert.equal(e.records, kept.length);
  assert.ok(readFileSync(e.files.jsonl, "utf8").trim().split("\n").every((l) => JSON.parse(l).responder.startsWith("gpt-3.5-turbo")));
  const json = JSON.parse(readFileSync(e.files.json, "utf8"));
  assert.deepEqual(Object.keys(json[0]).sort(), ["input", "instruction", "output"]);
  assert.ok(json.every((r: { input: string }) => r.input !== "<noinput>"));
  const jsonl = readFileSync(e.files.jsonl, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(jsonl.every((r: { type: string; view: string; id: string }) => typeof r.type === "string" && typeof r.view === "string" && r.id));
  const card = readFileSync(e.files.card, "utf8");
  assert.match(card, /CC BY-NC 4\.0/);
  assert.match(card, /presence_penalty 1\.5/);
  assert.match(card, new RegExp(`Records: ${e.records}`));
});

test("taxonomy statistics of the seed set", () => {
  const s = taxonomyStats(loadSeedTasks());
  assert.equal(s.tasks, 167);
  assert.ok(s.view.distinct < s.view.distinctRaw, "label normalisation merges spellings");
  assert.equal(s.difficulty.reduce((a, c) => a + c.count, 0), 167);
  assert.ok(s.type.topCoverage > 0.5 && s.type.topCoverage <= 1);
});

test("responses through the batch API (OpenAI Batch on the fake server), resumable", async () => {
  const engine = createEngine({ cacheDir: join(tmp.dir, "c3"), progress: false });
  const teacher = { provider: "openai" as const, model: "gpt-4", baseURL: server.openaiBaseURL };
  await generateTasks({ run: "bt", target: 9, teacher, engine, seeds: loadSeedTasks(), requirements: loadInstructionPrompt(), quiet: true });
  const before = server.batchItems.length;
  const r = await generateResponses({ run: "bt", responder: { provider: "openai", model: "gpt-3.5-turbo", baseURL: server.openaiBaseURL }, engine, batch: true, pollIntervalMs: 10, quiet: true });
  assert.equal(r.failed, 0);
  assert.equal(r.answered, r.tasks);
  assert.equal(server.batchItems.length - before, r.tasks);
  const again = await generateResponses({ run: "bt", responder: { provider: "openai", model: "gpt-3.5-turbo", baseURL: server.openaiBaseURL }, engine, batch: true, pollIntervalMs: 10, quiet: true });
  assert.equal(again.answered, 0);
  assert.equal(again.answeredBefore, r.tasks);
  await engine.close();
});
