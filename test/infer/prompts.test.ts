// Golden tests of the rendered prompts: the template text (exact), the three test sets' prompts (pinned hashes of
// every rendered prompt, so any change to the adapter or template shows), and the independent check that matters:
// every published raw_output of all 14 models opens with exactly the prompt this code renders for its test item.
import assert from "node:assert/strict";
import { test } from "node:test";
import { sha256 } from "../../src/core/index.js";
import { ICLINIQ_INSTRUCTION, loadModelOutputs, loadTestSet, publishedModels, type TestSetName } from "../../src/data/index.js";
import { inferItems, inferRequest, promptMessages, promptPrefixAgreement, renderAlpacaPrompt } from "../../src/infer/index.js";

test("Alpaca prompt text, with and without input (docs/method.md section 7, exact)", () => {
  assert.equal(
    renderAlpacaPrompt({ instruction: "Name a fruit.", input: "" }),
    "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nName a fruit.\n\n### Response:",
  );
  assert.equal(
    renderAlpacaPrompt({ instruction: "Summarise.", input: "A $1 {x} text." }),
    "Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\nSummarise.\n\n### Input:\nA $1 {x} text.\n\n### Response:",
  );
});

test("chat template: instruction + blank line + input as the user turn, optional system prompt", () => {
  assert.deepEqual(promptMessages({ instruction: "Q?", input: "" }, { template: "chat" }), { messages: [{ role: "user", content: "Q?" }], rawPrompt: false });
  assert.deepEqual(promptMessages({ instruction: "Q?", input: "ctx" }, { template: "chat", systemPrompt: "Be brief." }), {
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Q?\n\nctx" },
    ],
    rawPrompt: false,
  });
  const req = inferRequest({ id: "1", instruction: "Q?", input: "" }, { provider: "openai-compatible", model: "m", baseURL: "http://127.0.0.1:1/v1" });
  assert.equal(req.rawPrompt, true);
  assert.equal(req.temperature, 0, "greedy");
  assert.equal(req.maxTokens, 2048, "the paper's limit");
  assert.equal(req.messages.length, 1);
});

// sha256 of every rendered prompt of the test set joined by NUL, and the first item's prompt length.
const GOLDEN: Record<TestSetName, { items: number; sha256: string; firstLength: number }> = {
  iCliniq: { items: 1000, sha256: "7e12db7c49dc4ca242bc6369066c74629135473250cfcfcfca22c5fcf0514ff0", firstLength: 882 },
  "MedInstruct-test": { items: 216, sha256: "d7cd66408bee8c14336ed784672e79af7f074b677e4a31e3a1ade8e6616ab4b4", firstLength: 293 },
  AlpacaFarm: { items: 805, sha256: "27981a6fac02763c9c08c2a64d486162822d3ff94ebd49b2ca52edc6ec9af55c", firstLength: 219 },
};

for (const testSet of Object.keys(GOLDEN) as TestSetName[]) {
  test(`golden prompts: ${testSet}`, () => {
    const items = inferItems(testSet, loadTestSet(testSet));
    const g = GOLDEN[testSet];
    assert.equal(items.length, g.items);
    for (const it of items) {
      if (testSet === "iCliniq") {
        assert.equal(it.instruction, ICLINIQ_INSTRUCTION);
        assert.ok(it.input.length > 0);
      } else assert.equal(it.input, "", "instruction only");
    }
    const prompts = items.map(renderAlpacaPrompt);
    assert.equal(prompts[0]!.length, g.firstLength);
    assert.equal(sha256(prompts.join("\u0000")), g.sha256);
    const head = testSet === "iCliniq" ? "Below is an instruction that describes a task, paired with an input" : "Below is an instruction that describes a task. Write";
    assert.ok(prompts.every((p) => p.startsWith(head) && p.endsWith("\n\n### Response:")));
  });
}

test("every published raw_output opens with the prompt rendered for its test item (all models, all mirrored test sets)", () => {
  const counts: string[] = [];
  for (const p of publishedModels()) {
    for (const testSet of p.mirroredTestSets) {
      const byId = new Map(inferItems(testSet, loadTestSet(testSet)).map((it) => [it.id, it]));
      const outputs = loadModelOutputs(p.model, testSet);
      const a = promptPrefixAgreement(outputs, outputs.map((o) => byId.get(o.id)!));
      counts.push(`${p.model}/${testSet} ${a.match}/${a.total}`);
      assert.equal(a.match, a.total, `${p.model} ${testSet}: ${a.mismatching.join(",")}`);
    }
  }
  assert.equal(counts.length, 37, counts.join("\n"));
});
