/**
 * Loaders: every malformed case fails with file, line/index and field; the real acquired data (data/raw, filled by
 * `alpacare data` from the mirror) loads with the paper's counts and aligned ids.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { InputError } from "../../src/core/errors.js";
import { rawDir } from "../../src/core/paths.js";
import { acquireData, DataNotAcquiredError, ICLINIQ_INSTRUCTION, INSTRUCTION_POOL_NAMES, loadAlpacaFarmInstructions, loadInstructionPool, loadInstructionPrompt, loadJudgePrompt, loadMedInstructTest, loadModelOutputs, loadPaperValues, loadReferenceOutputs, loadReferenceSet, referenceSubstitutionNote, loadSeedTasks, loadTaskGenerationExamples, loadTestSet, publishedModels, REFERENCE_NAMES, TEST_SET_NAMES, type TestItem } from "../../src/data/index.js";
import { modelFolderFor } from "../../src/data/models.js";
import { parseAlpacaRecords, parseMedQuadQuestions, parseSelfInstructTasks, stories260KPath } from "../../src/data/pool-sources.js";
import { parseICliniqTestSet, parseMedInstructTest } from "../../src/data/test-sets.js";
import { parseModelOutputs } from "../../src/data/model-outputs.js";
import { parsePaperValues, parseTaskGenerationExamples } from "../../src/data/paper-files.js";
import { parseReferenceOutputs } from "../../src/data/reference-outputs.js";
import { parseSeedTasks } from "../../src/data/seed-tasks.js";

/** Assert `fn` throws an InputError whose message contains every fragment. */
function throwsInput(fn: () => unknown, ...fragments: string[]): InputError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InputError, `expected an InputError, got ${e}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} should contain ${JSON.stringify(f)}`);
    return e;
  }
  assert.fail("expected an InputError");
}

const seed = (o: Record<string, unknown> = {}) => ({ topic: "T", view: "Patient", type: "Open Q&A", instruction: "Do x", input: "<noinput>", difficulty: "3", ...o });

describe("malformed input names file, line/index and field", () => {
  test("seed tasks: bad JSON, missing field, wrong type, out-of-range difficulty", () => {
    throwsInput(() => parseSeedTasks("[{", "seed.json"), "seed.json", "not valid JSON");
    throwsInput(() => parseSeedTasks("{}", "seed.json"), "seed.json", "expected a JSON array");
    const missing = throwsInput(() => parseSeedTasks(JSON.stringify([seed(), { ...seed(), topic: undefined }]), "seed.json"), "seed.json [record 1]", 'field "topic"', "field missing");
    assert.deepEqual(missing.location, { file: "seed.json", index: 1, field: "topic" });
    throwsInput(() => parseSeedTasks(JSON.stringify([seed({ instruction: 42 })]), "seed.json"), "[record 0]", 'field "instruction"', "expected a string, got number 42");
    throwsInput(() => parseSeedTasks(JSON.stringify([seed({ difficulty: "hard" })]), "seed.json"), 'field "difficulty"', "expected an integer");
    throwsInput(() => parseSeedTasks(JSON.stringify([seed({ difficulty: 9 })]), "seed.json"), 'field "difficulty"', "from 1 to 5");
    const ok = parseSeedTasks(JSON.stringify([seed()]), "seed.json");
    assert.deepEqual(ok, [{ id: "0", topic: "T", view: "Patient", type: "Open Q&A", instruction: "Do x", input: "<noinput>", difficulty: 3 }]);
  });

  const testLine = (id: number, o: Record<string, unknown> = {}) =>
    JSON.stringify({ id, instruction: `q${id}`, difficulty: "2", "gpt-4-answer": "a", "claude-2": "b", "gpt-3.5-turbo-answer": "c", "text-davinci-003-answer": "d", ...o });

  test("MedInstruct-test: bad JSON line, missing answer column, duplicate id", () => {
    throwsInput(() => parseMedInstructTest(`${testLine(0)}\n{oops\n`, "mi.jsonl"), "mi.jsonl:2", "not valid JSON");
    throwsInput(() => parseMedInstructTest(`${testLine(0)}\n\n${testLine(1, { "claude-2": null })}\n`, "mi.jsonl"), "mi.jsonl:3", 'field "claude-2"', "got null");
    throwsInput(() => parseMedInstructTest(`${testLine(0)}\n${testLine(0)}\n`, "mi.jsonl"), "mi.jsonl:2", 'field "id"', "duplicate id 0");
    throwsInput(() => parseMedInstructTest(`${testLine(0, { id: 1.5 })}\n`, "mi.jsonl"), 'field "id"');
    const [item] = parseMedInstructTest(testLine(7) + "\n", "mi.jsonl");
    assert.deepEqual(item, { id: "7", instruction: "q7", input: "", difficulty: 2, references: { "text-davinci-003": "d", "gpt-3.5-turbo": "c", "gpt-4": "a", "claude-2": "b" } });
  });

  const items: TestItem[] = [
    { id: "0", instruction: ICLINIQ_INSTRUCTION, input: "patient zero" },
    { id: "1", instruction: ICLINIQ_INSTRUCTION, input: "patient one" },
  ];
  const gptLine = (input: string, output = "answer") => JSON.stringify({ instruction: "", input, output });
  const claudeLine = (input: string, sep = "\n\n") => JSON.stringify({ prompt: `Human: ${ICLINIQ_INSTRUCTION}\n\n${input}${sep}Assistant:`, response: " answer" });

  test("reference outputs: both upstream shapes parse and align", () => {
    const gpt = parseReferenceOutputs(`${gptLine("patient zero")}\n${gptLine("patient one")}\n`, "ref.jsonl", "iCliniq", items);
    assert.deepEqual(gpt[1], { id: "1", instruction: ICLINIQ_INSTRUCTION, input: "patient one", output: "answer" });
    const claude = parseReferenceOutputs(`${claudeLine("patient zero", "\n")}\n${claudeLine("patient one")}\n`, "c.jsonl", "iCliniq", items);
    assert.deepEqual(claude.map((r) => [r.id, r.input, r.output]), [["0", "patient zero", " answer"], ["1", "patient one", " answer"]]);
    const medsi: TestItem[] = [{ id: "5", instruction: "q", input: "" }];
    const resp = parseReferenceOutputs(JSON.stringify({ instruction: "q", input: "", response: "r" }), "m.jsonl", "MedInstruct-test", medsi);
    assert.deepEqual(resp, [{ id: "5", instruction: "q", input: "", output: "r" }]);
    const farm = parseReferenceOutputs(JSON.stringify([{ instruction: "q", output: "o", generator: "gpt4", dataset: "koala" }]), "f.json", "AlpacaFarm", medsi);
    assert.equal(farm[0]!.output, "o");
  });

  test("reference outputs: count mismatch, misaligned input, bad claude prompt, missing output", () => {
    throwsInput(() => parseReferenceOutputs(`${gptLine("patient zero")}\n`, "ref.jsonl", "iCliniq", items), "ref.jsonl", "1 reference outputs", "has 2 items", "count mismatch");
    throwsInput(() => parseReferenceOutputs(`${gptLine("patient zero")}\n${gptLine("someone else")}\n`, "ref.jsonl", "iCliniq", items), "ref.jsonl:2", 'field "input"', "does not match iCliniq item 1");
    throwsInput(() => parseReferenceOutputs(`${claudeLine("patient zero")}\n${JSON.stringify({ prompt: "Hi", response: "x" })}\n`, "c.jsonl", "iCliniq", items), "c.jsonl:2", 'field "prompt"');
    throwsInput(() => parseReferenceOutputs(`${gptLine("patient zero")}\n${JSON.stringify({ instruction: "", input: "patient one" })}\n`, "ref.jsonl", "iCliniq", items), "ref.jsonl:2", 'field "output"');
    throwsInput(() => parseReferenceOutputs(JSON.stringify([{ instruction: "other", output: "o" }]), "f.json", "AlpacaFarm", [{ id: "0", instruction: "q", input: "" }]), "f.json [record 0]", 'field "instruction"');
  });

  const out = (id: unknown, o: Record<string, unknown> = {}) => ({ id, instruction: ICLINIQ_INSTRUCTION, input: `patient ${id === 0 ? "zero" : "one"}`, raw_output: "raw", response: "resp", ...o });

  test("model outputs: count mismatch, missing field, wrong type, misaligned", () => {
    const ok = parseModelOutputs(JSON.stringify([out(0), out(1)]), "seed_0.json", "iCliniq", items);
    assert.deepEqual(ok[1], { id: "1", instruction: ICLINIQ_INSTRUCTION, input: "patient one", raw_output: "raw", response: "resp", sourceId: "1" });
    throwsInput(() => parseModelOutputs(JSON.stringify([out(0)]), "seed_0.json", "iCliniq", items), "seed_0.json", "1 model outputs", "count mismatch");
    throwsInput(() => parseModelOutputs(JSON.stringify([out(0), out(1, { response: undefined })]), "seed_0.json", "iCliniq", items), "[record 1]", 'field "response"');
    throwsInput(() => parseModelOutputs(JSON.stringify([out(0), out(1, { raw_output: 3 })]), "seed_0.json", "iCliniq", items), "[record 1]", 'field "raw_output"', "got number 3");
    throwsInput(() => parseModelOutputs(JSON.stringify([out(0), out(null)]), "seed_0.json", "iCliniq", items), "[record 1]", 'field "id"');
    throwsInput(() => parseModelOutputs(JSON.stringify([out(0), out(1, { input: undefined })]), "seed_0.json", "iCliniq", items), "[record 1]", 'field "input"');
    throwsInput(() => parseModelOutputs(JSON.stringify([out(1, { input: "patient one" }), out(0, { input: "patient zero" })]), "seed_0.json", "iCliniq", items), "[record 0]", 'field "input"', "does not match");
    throwsInput(() => parseModelOutputs("[1, 2]", "seed_0.json", "iCliniq", items), "[record 0]", "expected a JSON object");
  });

  test("iCliniq test set: only an empty or the fixed instruction", () => {
    const t = parseICliniqTestSet(`${gptLine("p")}\n`, "i.jsonl");
    assert.deepEqual(t, [{ id: "0", instruction: ICLINIQ_INSTRUCTION, input: "p" }]);
    throwsInput(() => parseICliniqTestSet(JSON.stringify({ instruction: "Something else", input: "p", output: "o" }), "i.jsonl"), "i.jsonl:1", 'field "instruction"');
  });

  test("paper values, examples, MedQuAD, self-instruct, Alpaca records", () => {
    const header = "figure,test_set,backbone,size,model,judge,reference,win_rate_pct";
    assert.equal(parsePaperValues(`${header}\n2a,iCliniq,LLaMA,7B,Alpaca,gpt-3.5-turbo,gpt-4,12.8\n`, "v.csv")[0]!.win_rate_pct, 12.8);
    throwsInput(() => parsePaperValues(`${header}\n2a,iCliniq,LLaMA,7B,Alpaca,gpt-3.5-turbo,gpt-4,lots\n`, "v.csv"), "v.csv:2", 'field "win_rate_pct"');
    throwsInput(() => parsePaperValues(`${header}\n2a,iCliniq,LLaMA,7B,Alpaca,gpt-3.5-turbo,gpt-5,1\n`, "v.csv"), "v.csv:2", 'field "reference"');
    throwsInput(() => parsePaperValues(`${header}\n2a,iCliniq,LLaMA\n`, "v.csv"), "v.csv:2", "columns");
    throwsInput(() => parsePaperValues("a,b\n", "v.csv"), "v.csv:1", "header");
    throwsInput(() => parseTaskGenerationExamples(JSON.stringify({ instruction: "i", input: "", type: "t", topic: "t", view: "v", difficulty: "2", request_idx: "x" }), "g.jsonl"), "g.jsonl:1", 'field "request_idx"');
    throwsInput(() => parseMedQuadQuestions(JSON.stringify({ qid: "1", collection: "c", source: "s", focus: "f", qtype: "q", question: "?", has_answer: "yes" }), "mq.jsonl"), "mq.jsonl:1", 'field "has_answer"');
    throwsInput(() => parseSelfInstructTasks(JSON.stringify({ id: "s", name: "n", instruction: "i", instances: [{ input: "", output: 1 }] }), "si.jsonl"), "si.jsonl:1", 'field "instances.0.output"');
    throwsInput(() => parseAlpacaRecords(JSON.stringify([{ instruction: "i", output: "o" }, { instruction: "i" }]), "a.json"), "a.json [record 1]", 'field "output"');
  });

  test("a file that was not acquired says to run `alpacare data` (or --optional for large unmirrored ones)", () => {
    const saved = process.env.ALPACARE_DATA_DIR;
    const empty = mkdtempSync(join(tmpdir(), "alpacare-empty-"));
    process.env.ALPACARE_DATA_DIR = empty;
    try {
      const e = throwsInput(() => loadSeedTasks(), "med_seed.json", "run `alpacare data`");
      assert.ok(e instanceof DataNotAcquiredError);
      throwsInput(() => loadModelOutputs("alpaca", "iCliniq"), "alpaca/iCliniq/seed_0.json", "optional and large", "alpacare data --optional --only alpacare/data/model_ouputs/alpaca/iCliniq/seed_0.json");
      throwsInput(() => loadInstructionPool("MedInstruct-52k"), "MedInstruct-52k.json", "--optional");
      throwsInput(() => stories260KPath(), "stories260K.gguf", "alpacare data");
      throwsInput(() => loadPaperValues(), "figure-values.csv", "only available from a data mirror");
    } finally {
      if (saved === undefined) delete process.env.ALPACARE_DATA_DIR;
      else process.env.ALPACARE_DATA_DIR = saved;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test("unknown model / a test set upstream never published", () => {
    assert.throws(() => loadModelOutputs("gpt-17", "iCliniq"), /unknown model "gpt-17"/);
  });
});

const mirror = join(import.meta.dirname, "..", "..", "..", "shared", "data");
describe("the real data (data/raw)", { skip: !existsSync(join(rawDir(), "alpacare")) && !existsSync(mirror) && "no data/raw and no mirror" }, () => {
  before(async () => {
    // The tests read data/raw as the researcher's notebooks do; make sure it is there (cheap when it is).
    if (!existsSync(join(rawDir(), "alpacare", "data", "med_seed.json"))) {
      const r = await acquireData({ quiet: true });
      assert.equal(r.ok, true, r.summary);
    }
  });

  test("counts: 167 seeds, 216 MedInstruct-test, 1000 iCliniq, 805 AlpacaFarm", () => {
    assert.equal(loadSeedTasks().length, 167);
    assert.equal(loadTestSet("MedInstruct-test").length, 216);
    assert.equal(loadTestSet("iCliniq").length, 1000);
    assert.equal(loadTestSet("AlpacaFarm").length, 805);
    assert.equal(loadAlpacaFarmInstructions().filter((x) => x.dataset === "selfinstruct").length, 252);
  });

  test("MedInstruct-test ids are upstream's (143 is absent); iCliniq / AlpacaFarm ids are positions", () => {
    const mi = loadTestSet("MedInstruct-test");
    assert.equal(mi.some((t) => t.id === "143"), false);
    assert.equal(mi[215]!.id, "216");
    assert.deepEqual(loadTestSet("iCliniq").map((t) => t.id), Array.from({ length: 1000 }, (_, i) => String(i)));
    assert.ok(loadTestSet("iCliniq").every((t) => t.instruction === ICLINIQ_INSTRUCTION && t.input.length > 0));
    assert.ok(mi.every((t) => t.input === "" && t.difficulty! >= 1 && t.difficulty! <= 5));
  });

  test("every reference set loads and lines up with its test set; AlpacaFarm records the substitution", () => {
    for (const t of TEST_SET_NAMES) {
      const ids = loadTestSet(t).map((x) => x.id);
      for (const ref of REFERENCE_NAMES) {
        const set = loadReferenceSet(ref, t);
        assert.deepEqual(set.outputs.map((o) => o.id), ids, `${ref} on ${t}`);
        assert.ok(set.outputs.every((o) => typeof o.output === "string"));
        assert.equal(Boolean(set.substitution), t === "AlpacaFarm");
        // The same note without loading anything (what `alpacare score` prints beside AlpacaFarm numbers).
        assert.equal(referenceSubstitutionNote(ref, t), set.substitution);
      }
    }
    assert.match(referenceSubstitutionNote("gpt-4", "AlpacaFarm")!, /AlpacaEval's gpt4 outputs .*gpt-4-0314/);
    assert.equal(loadReferenceSet("gpt-4", "AlpacaFarm").generator, "gpt4");
    assert.equal(loadReferenceSet("gpt-3.5-turbo", "AlpacaFarm").generator, "gpt-3.5-turbo-0301");
    assert.equal(loadReferenceSet("text-davinci-003", "AlpacaFarm").generator, "text_davinci_003");
  });

  test("MedInstruct-test's four answer columns equal the reference_outputs files", () => {
    const items = loadMedInstructTest();
    for (const ref of REFERENCE_NAMES) {
      const outs = loadReferenceOutputs(ref, "MedInstruct-test");
      assert.ok(items.every((it, i) => it.references[ref] === outs[i]!.output), ref);
    }
  });

  test("all 14 published models: paper names, backbones, sizes; every mirrored output file loads aligned", () => {
    const models = publishedModels();
    assert.equal(models.length, 14);
    assert.deepEqual(new Set(models.map((m) => m.displayName)), new Set(["Alpaca", "ChatDoctor", "MedAlpaca", "PMC-LLaMA", "Baize-Healthcare", "AlpaCare"]));
    assert.equal(models.filter((m) => m.backbone === "LLaMA-2").length, 4);
    assert.equal(models.find((m) => m.model === "PMC_LLaMA_13B")!.size, "13B");
    assert.equal(models.find((m) => m.model === "ChatDoctor_weights")!.size, "7B");
    let files = 0;
    for (const m of models) {
      assert.equal(m.testSets.length, 3, m.model);
      for (const t of m.mirroredTestSets) {
        const outs = loadModelOutputs(m.model, t);
        assert.deepEqual(outs.map((o) => o.id), loadTestSet(t).map((x) => x.id), `${m.model} on ${t}`);
        assert.ok(outs.every((o) => typeof o.response === "string"));
        files++;
      }
    }
    assert.equal(files, 37); // 42 upstream files, 5 not mirrored
  });

  test("every paper value names a published model", () => {
    const values = loadPaperValues();
    assert.equal(values.length, 144);
    for (const v of values) assert.ok(modelFolderFor(v.model, v.backbone, v.size), `${v.model} ${v.backbone} ${v.size}`);
  });

  test("prompts, examples and pools", () => {
    assert.match(loadJudgePrompt("chatgpt"), /Output \(a\)/);
    assert.match(loadJudgePrompt("anthropic"), /Output \(a\)/);
    assert.match(loadInstructionPrompt(), /\n/);
    const ex = loadTaskGenerationExamples();
    assert.equal(ex.length, 12);
    assert.match(ex[0]!.input, /2\. Type: Open Q&A/); // upstream's parser failure, kept verbatim
    for (const name of INSTRUCTION_POOL_NAMES) {
      if (name === "MedInstruct-52k") continue; // optional
      const pool = loadInstructionPool(name);
      assert.ok(pool.length > 0, name);
      assert.equal(new Set(pool.map((p) => p.id)).size, pool.length, `${name}: ids unique`);
    }
    assert.equal(loadInstructionPool("MedQuAD").length, 47441);
    assert.ok(existsSync(stories260KPath()));
  });
});
