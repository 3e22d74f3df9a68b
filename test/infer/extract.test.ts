// Response extraction against the published outputs: upstream's rule `raw_output.split("Response:")[1]` must
// reproduce every published `response` of every model (pinned per model and test set below), and the samples show
// where the often-quoted "after the first ### Response:" rule and the workbench's `clean` rule differ.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadModelOutputs, publishedModels } from "../../src/data/index.js";
import { extractionAgreement, extractResponse } from "../../src/infer/index.js";

// model/test set -> [records, agree with the upstream rule, agree with "text after the first ### Response:"].
// Measured on the published files (AlpaCare @ b469c41); the upstream rule is exact on all 37.
const PINNED: Record<string, [number, number, number]> = {
  "alpaca/MedInstruct-test": [216, 216, 216],
  "alpaca/AlpacaFarm": [805, 805, 805],
  "ChatDoctor_weights/MedInstruct-test": [216, 216, 216],
  "ChatDoctor_weights/AlpacaFarm": [805, 805, 805],
  "medalpaca-7b/MedInstruct-test": [216, 216, 216],
  "medalpaca-7b/AlpacaFarm": [805, 805, 805],
  "PMC_LLAMA_7B/iCliniq": [1000, 1000, 631],
  "PMC_LLAMA_7B/MedInstruct-test": [216, 216, 123],
  "PMC_LLAMA_7B/AlpacaFarm": [805, 805, 284],
  "baize-h-7b/iCliniq": [1000, 1000, 711],
  "baize-h-7b/MedInstruct-test": [216, 216, 63],
  "AlpaCare-7b/iCliniq": [1000, 1000, 999],
  "AlpaCare-7b/MedInstruct-test": [216, 216, 216],
  "AlpaCare-7b/AlpacaFarm": [805, 805, 805],
  "alpaca-13b/iCliniq": [1000, 1000, 1000],
  "alpaca-13b/MedInstruct-test": [216, 216, 216],
  "alpaca-13b/AlpacaFarm": [805, 805, 805],
  "medalpaca-13b/iCliniq": [1000, 1000, 1000],
  "medalpaca-13b/MedInstruct-test": [216, 216, 216],
  "medalpaca-13b/AlpacaFarm": [805, 805, 804],
  "PMC_LLaMA_13B/iCliniq": [1000, 1000, 1000],
  "PMC_LLaMA_13B/MedInstruct-test": [216, 216, 216],
  "PMC_LLaMA_13B/AlpacaFarm": [805, 805, 802],
  "AlpaCare-13b/iCliniq": [1000, 1000, 1000],
  "AlpaCare-13b/MedInstruct-test": [216, 216, 216],
  "AlpaCare-13b/AlpacaFarm": [805, 805, 805],
  "alpaca-7b-llama-2/MedInstruct-test": [216, 216, 216],
  "alpaca-7b-llama-2/AlpacaFarm": [805, 805, 805],
  "AlpaCare-7b-llama-2/iCliniq": [1000, 1000, 1000],
  "AlpaCare-7b-llama-2/MedInstruct-test": [216, 216, 215],
  "AlpaCare-7b-llama-2/AlpacaFarm": [805, 805, 805],
  "alpaca-13b-llama-2/iCliniq": [1000, 1000, 1000],
  "alpaca-13b-llama-2/MedInstruct-test": [216, 216, 216],
  "alpaca-13b-llama-2/AlpacaFarm": [805, 805, 805],
  "AlpaCare-13b-llama-2/iCliniq": [1000, 1000, 1000],
  "AlpaCare-13b-llama-2/MedInstruct-test": [216, 216, 216],
  "AlpaCare-13b-llama-2/AlpacaFarm": [805, 805, 804],
};

test("extractionAgreement reproduces the published responses, per model and test set (pinned)", () => {
  const measured: Record<string, [number, number, number]> = {};
  for (const p of publishedModels()) {
    for (const testSet of p.mirroredTestSets) {
      const outputs = loadModelOutputs(p.model, testSet);
      const upstream = extractionAgreement(outputs);
      const afterFirstHeader = outputs.filter((o) => (o.raw_output.split("### Response:")[1] ?? "") === o.response).length;
      measured[`${p.model}/${testSet}`] = [upstream.total, upstream.agree, afterFirstHeader];
      assert.equal(upstream.rate, 1, `${p.model} ${testSet}: disagreeing ids ${upstream.disagreeing.join(",")}`);
    }
  }
  assert.deepEqual(measured, PINNED);
});

test("real samples: PMC-LLaMA 7B rambles into a new Alpaca block and upstream cuts at the next 'Response:'", () => {
  const outputs = loadModelOutputs("PMC_LLAMA_7B", "AlpacaFarm");
  const first = outputs[0]!;
  assert.ok(first.raw_output.split("### Response:").length > 3, "the raw output repeats the Alpaca block");
  assert.equal(extractResponse(first.raw_output), first.response);
  assert.ok(first.response.endsWith("### "), "the published response keeps the '### ' before the next 'Response:'");
  assert.notEqual(first.raw_output.split("### Response:")[1], first.response);
  // The workbench's clean rule drops the rambling (and the surrounding whitespace) instead.
  assert.equal(extractResponse(first.raw_output, "clean"), "");
  const baize = loadModelOutputs("baize-h-7b", "MedInstruct-test")[0]!;
  assert.equal(extractResponse(baize.raw_output), baize.response);
  assert.ok(baize.response.includes("### Instruction:"), "Baize-Healthcare's published response carries the next invented instruction");
  assert.ok(!extractResponse(baize.raw_output, "clean").includes("###"));
});

test("real samples: Alpaca-template answers are the text after the prompt, untrimmed", () => {
  const o = loadModelOutputs("AlpaCare-7b", "iCliniq")[3]!;
  const response = extractResponse(o.raw_output);
  assert.equal(response, o.response);
  assert.ok(o.raw_output.endsWith(response));
  const pmc13 = loadModelOutputs("PMC_LLaMA_13B", "MedInstruct-test").find((x) => x.response.startsWith(" "))!;
  assert.ok(pmc13, "PMC-LLaMA 13B answers start with a space after 'Response:'");
  assert.equal(extractResponse(pmc13.raw_output), pmc13.response, "kept, not trimmed, as upstream");
  assert.equal(extractResponse(pmc13.raw_output, "clean"), pmc13.response.trim().split("### ")[0]!.trim());
});

test("extraction edge cases", () => {
  assert.equal(extractResponse("no separator here"), "");
  assert.equal(extractResponse("P\n\n### Response:A\n\n### Instruction:\nB\n\n### Response:C"), "A\n\n### Instruction:\nB\n\n### ");
  assert.equal(extractResponse("P\n\n### Response: A </s> junk", "clean"), "A");
  assert.equal(extractResponse("  chat answer \n", "verbatim"), "  chat answer \n");
  const a = extractionAgreement([
    { id: 1, raw_output: "x### Response:ok", response: "ok" },
    { id: 2, raw_output: "x### Response:ok", response: "no" },
  ]);
  assert.deepEqual([a.total, a.agree, a.rate, a.disagreeing], [2, 1, 0.5, ["2"]]);
});
