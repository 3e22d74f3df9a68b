import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildJudgePrompt, buildJudgeRequest, fillJudgeTemplate, humanAssistantToUserTurn, judgedInstruction, loadJudgeTemplate, makeJudgeTemplate,
  templatePlaceholders,
} from "../../src/judge/templates.js";
import { InputError } from "../../src/core/errors.js";

test("placeholders are filled in order, first occurrence in the prompt so far (upstream eval_make_prompt)", () => {
  const t = "I: {instruction}\nA: {output_1}\nB: {output_2}\n";
  assert.deepEqual(templatePlaceholders(t), ["instruction", "output_1", "output_2"]);
  assert.equal(fillJudgeTemplate(t, { instruction: "q", output_1: "x", output_2: "y" }), "I: q\nA: x\nB: y\n");
  // Values are literal: no `$&`-style patterns.
  assert.equal(fillJudgeTemplate(t, { instruction: "costs $& and $1", output_1: "x", output_2: "y" }), "I: costs $& and $1\nA: x\nB: y\n");
  // Upstream's quirk, reproduced: an instruction containing "{output_1}" receives output_1's text, and the
  // template's own {output_1} stays unfilled.
  assert.equal(fillJudgeTemplate(t, { instruction: "see {output_1}", output_1: "x", output_2: "y" }), "I: see x\nA: {output_1}\nB: y\n");
});

test("user templates: validated, chat form unless they start with Human:", () => {
  const dir = mkdtempSync(join(tmpdir(), "judge-tpl-"));
  const good = join(dir, "mine.txt");
  writeFileSync(good, "Which is better for {instruction}?\n(a) {output_1}\n(b) {output_2}\n");
  const t = loadJudgeTemplate(good, { system: "Be fair." });
  assert.equal(t.name, "mine.txt");
  assert.equal(t.form, "chat");
  assert.equal(t.system, "Be fair.");
  assert.match(t.hash, /^[0-9a-f]{12}$/);
  assert.notEqual(loadJudgeTemplate(good).hash, t.hash, "the system prompt is part of the hash");
  const bad = join(dir, "bad.txt");
  writeFileSync(bad, "Which is better, {output_1} or {output_2}?");
  assert.throws(() => loadJudgeTemplate(bad), (e: unknown) => e instanceof InputError && /\{instruction\}/.test(e.message));
  assert.throws(() => makeJudgeTemplate("x", "{instruction} {output_1} {output_2} {judge}"), /unknown placeholder/);
  assert.throws(() => loadJudgeTemplate(join(dir, "missing.txt")), InputError);
  assert.equal(makeJudgeTemplate("h", "Human: {instruction} {output_1} {output_2}\n\nAssistant:").form, "human-assistant");
});

test("requests: chat form with system prompt and upstream's decoding; Claude form as one user turn", () => {
  const chat = makeJudgeTemplate("c", "{instruction}|{output_1}|{output_2}\n", "SYS");
  const pair = { instruction: "q", modelName: "M", modelOutput: "m", referenceName: "R", referenceOutput: "r" };
  const p = buildJudgePrompt(chat, pair, "referenceFirst");
  assert.equal(p.prompt, "q|r|m\n");
  const req = buildJudgeRequest(chat, p, { provider: "openai", model: "gpt-3.5-turbo" });
  assert.deepEqual(req.messages, [{ role: "system", content: "SYS" }, { role: "user", content: "q|r|m\n" }]);
  assert.equal(req.temperature, 0);
  assert.equal(req.maxTokens, 100);
  assert.equal(req.topP, 1);
  assert.equal(req.presencePenalty, 0);
  assert.equal(req.tag, `judge:referenceFirst:${chat.hash}`);
  const local = buildJudgeRequest(chat, p, { provider: "local", model: "x.gguf" });
  assert.equal(local.presencePenalty, undefined, "local models get no penalties");
  const claude = makeJudgeTemplate("a", "Human: {instruction}|{output_1}|{output_2}\n\nAssistant:\n");
  const q = buildJudgePrompt(claude, pair, "referenceLast");
  assert.equal(q.prompt, "Human: q|m|r\n\nAssistant:\n");
  const areq = buildJudgeRequest(claude, q, { provider: "anthropic", model: "claude-2.1" });
  assert.deepEqual(areq.messages, [{ role: "user", content: "q|m|r" }]);
  assert.equal(humanAssistantToUserTurn("Human: hi\n\nAssistant:"), "hi");
  assert.equal(judgedInstruction("iCliniq", { instruction: "Doc?", input: "pain" }), "Doc?\n\npain");
  assert.equal(judgedInstruction("MedInstruct-test", { instruction: "Q", input: "ignored" }), "Q");
});
