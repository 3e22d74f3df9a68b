// Golden tests of the task-generation prompt. The real-data values were computed by CPython 3.11 running upstream's
// sampling (random.seed(42); random.sample(seeds, 3); random.shuffle) and prompt encoding on the acquired files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { loadInstructionPrompt, loadSeedTasks } from "../../src/data/index.js";
import {
  encodeTaskPrompt,
  listSize,
  maxNewTasksPerRequest,
  planTaskRequests,
  resolveTaskPromptParams,
  taskChatRequest,
  taskRunConfig,
  taskStopSequences,
  TaskRequestPlanner,
} from "../../src/generate/index.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

test("exact prompt text for fixed tasks (synthetic requirements and seeds)", () => {
  const prompt = encodeTaskPrompt("Rules:\r\n1. Be medical.", [
    { type: "Open Q&A", topic: "Neurology", view: "Student", difficulty: 1, instruction: "  Explain\n multiple   sclerosis:", input: "<noinput>" },
    { type: "Summarization", topic: "Cardiology", view: "Expert", difficulty: "4", instruction: "Summarize the report:", input: "" },
  ], 12);
  assert.equal(
    prompt,
    "Rules:\n1. Be medical.\n" +
      "\nList of 12 tasks:\n" +
      "###\n1. Type: Open Q&A\nTopic: Neurology\nView: Student\nDifficulty: 1\nInstruction: Explain multiple sclerosis\nInput: <noinput>\n" +
      // upstream computes "<noinput>" for an empty input but prints the original: the empty input stays empty
      "###\n2. Type: Summarization\nTopic: Cardiology\nView: Expert\nDifficulty: 4\nInstruction: Summarize the report\nInput: \n" +
      "###\n3. Type:",
  );
  assert.equal(encodeTaskPrompt("R", [], 2), "R\n\nList of 2 tasks:\n###\n1. Type:");
});

test("golden: upstream's first five prompts with random.seed(42) on the real seed set", () => {
  const seeds = loadSeedTasks();
  const req = loadInstructionPrompt();
  const plans = planTaskRequests(seeds, req, resolveTaskPromptParams(), 5, 42);
  // [seed indices in prompt order, sha256 of the prompt, length] as CPython printed them
  const golden: [number[], string, number][] = [
    [[163, 28, 6], "cddeef44a6936abc4bbc6f52fccedd8aba2c2c23493442500c7b0b409813fd5e", 2831],
    [[57, 62, 35], "7c11f7662f37ec1ef6833527c55c26355e171e0586efa46945dfd882d7da6fbd", 3492],
    [[151, 139, 22], "3515de3c329988ee71e36b77f22d3205c0e2554df265f473b364d1fc8090d7f3", 3610],
    [[23, 55, 7], "59dba9d4aad78b7bb71be0d14d60cbf2dd279b541b64dc93ebfce9f5fae1746a", 2829],
    [[143, 50, 166], "20023d0307343bc9e40c285aba7eaf2d5a277d6b15ac8955da0f57a6472b4e4a", 3125],
  ];
  plans.forEach((p, i) => {
    assert.deepEqual(p.promptTasks, golden[i]![0].map((id) => ({ source: "seed", id })));
    assert.equal(p.prompt.length, golden[i]![2]);
    assert.equal(sha(p.prompt), golden[i]![1], `prompt ${i}`);
  });
  const p0 = plans[0]!.prompt;
  assert.ok(p0.startsWith(req + "\n\nList of 12 tasks:\n###\n1. Type: "));
  assert.ok(p0.endsWith("###\n4. Type:"));
});

test("request i depends only on (seed, i): a fresh planner replays the same stream", () => {
  const seeds = loadSeedTasks();
  const params = resolveTaskPromptParams();
  const a = planTaskRequests(seeds, "R", params, 40, 7);
  const planner = new TaskRequestPlanner(seeds, "R", params, 7);
  for (let i = 0; i < 40; i++) assert.equal(planner.next().prompt, a[i]!.prompt);
  assert.notEqual(planTaskRequests(seeds, "R", params, 1, 8)[0]!.prompt, a[0]!.prompt);
});

test("decoding parameters, stop sequences and both readings of 'List of N'", () => {
  const p = resolveTaskPromptParams();
  assert.deepEqual([p.temperature, p.topP, p.presencePenalty, p.frequencyPenalty, p.maxTokens], [1, 1, 1.5, 0, 500]);
  assert.deepEqual(taskStopSequences(12), ["###\n13", "13.", "13 ."]);
  assert.equal(listSize(p), 12);
  assert.equal(maxNewTasksPerRequest(p), 9);
  const q = resolveTaskPromptParams({ listCount: "new-tasks" });
  assert.equal(listSize(q), 15);
  assert.equal(maxNewTasksPerRequest(q), 12);
  const seeds = loadSeedTasks();
  const config = taskRunConfig({ teacher: { provider: "openai", model: "gpt-4" }, requirements: "R", seeds, params: {} });
  const plan = planTaskRequests(seeds, "R", p, 1)[0]!;
  const req = taskChatRequest(config, plan);
  assert.deepEqual(req.messages[0], { role: "system", content: "Your objective is to generate diverse medical-related tasks." });
  assert.deepEqual(req.stop, ["###\n13", "13.", "13 ."]);
  assert.equal(req.presencePenalty, 1.5);
  const config2 = taskRunConfig({ teacher: { provider: "openai", model: "gpt-4" }, requirements: "R", seeds, params: { listCount: "new-tasks" } });
  assert.deepEqual(config2.stop, ["###\n16", "16.", "16 ."]);
  assert.match(config2.listCountLabel, /paper's text/);
  assert.notEqual(config.configHash, config2.configHash);
  assert.throws(() => resolveTaskPromptParams({ tasksPerRequest: 3 }), /must exceed/);
  assert.throws(() => resolveTaskPromptParams({ machineTasksPerPrompt: 4 }), /cannot exceed/);
});
