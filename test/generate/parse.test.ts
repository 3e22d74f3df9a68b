// Golden tests of both parsers on real-shaped completions, including upstream's 12 stored examples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadTaskGenerationExamples } from "../../src/data/index.js";
import { parseTasksFaithful, parseTasksRobust, countRejectReasons, upstreamExampleCompletion } from "../../src/generate/index.js";

const reconstruct = upstreamExampleCompletion;

test("faithful parser reproduces all 12 upstream records, including the 7 with the next task inside the input", () => {
  const examples = loadTaskGenerationExamples();
  assert.equal(examples.length, 12);
  let swallowed = 0;
  for (const r of examples) {
    // upstream ran with no seed tasks (task_generation.sh passes none): the completion continues "1. Type:"
    const { tasks, rejects } = parseTasksFaithful(reconstruct(r), 1);
    assert.equal(rejects.length, 0);
    assert.equal(tasks.length, 1);
    const t = tasks[0]!;
    assert.deepEqual([t.type, t.topic, t.view, t.difficulty, t.instruction, t.input], [r.type, r.topic, r.view, r.difficulty, r.instruction, r.input]);
    if (/\d\. Type:/.test(t.input)) swallowed++;
  }
  assert.equal(swallowed, 7);
});

test("robust parser splits the swallowed tasks of the 12 upstream examples: 19 tasks", () => {
  const examples = loadTaskGenerationExamples();
  let total = 0;
  for (const r of examples) {
    const { tasks, rejects } = parseTasksRobust(reconstruct(r), 1, "stop");
    assert.equal(rejects.length, 0);
    total += tasks.length;
    assert.equal(tasks[0]!.instruction, r.instruction);
    for (const t of tasks) assert.ok(!/\d\. Type:/.test(t.input), t.input);
  }
  assert.equal(total, 19);
  const second = parseTasksRobust(reconstruct(examples[0]!), 1).tasks[1]!;
  assert.deepEqual([second.number, second.type, second.topic, second.view, second.difficulty, second.instruction, second.input], [
    2, "Open Q&A", "Anatomy", "Expert", "4", "Explain the different muscles involved in shoulder abduction and adduction.", "<noinput>",
  ]);
});

const completion = [
  " Open Q&A",
  "Topic: Cardiology",
  "View: Patient",
  "Difficulty: 2",
  "Instruction: What are the warning signs of a heart attack?",
  "Input: <noinput>",
  "###",
  "5. Type: Rewrite",
  "Topic: Pharmacology",
  "View: Expert",
  "Difficulty: 3",
  "Instruction: Input the drug list below into a table of doses and classes.",
  "Input: Metformin 500 mg twice daily; lisinopril 10 mg daily.",
  "###",
  "7. Type: Classification", // numbering drift (6 skipped)
  "View: Nurse", // Topic missing
  "Difficulty: 2",
  "Instruction: Classify each vital sign as normal or abnormal.",
  "Input: BP 150/95, HR 72, RR 30, SpO2 97%",
  "###",
  "8. Type: Summarization",
  "Topic: Oncology",
  "View: Expert",
  "Difficulty: 4",
  "Instruction: Summarize this pathology report in two sentences",
  "Input: Biopsy of the left breast shows invasive ductal carcinoma, grade 2, ER-positive, HER2-negative, with clear marg",
].join("\n");

test("faithful parser: a field name inside the text shifts the fields; a missing field loses the task; '.s' stripped", () => {
  const { tasks, rejects } = parseTasksFaithful(completion, 4);
  assert.equal(tasks.length, 3);
  // task 5: "Input" found inside the instruction
  assert.equal(tasks[1]!.instruction, "");
  assert.ok(tasks[1]!.input.startsWith("the drug list below"));
  // the truncated last task is accepted as is
  assert.ok(tasks[2]!.input.endsWith("clear marg"));
  assert.equal(rejects.length, 1);
  assert.equal(rejects[0]!.reason, "missing-fields");
  assert.equal(rejects[0]!.detail, "Topic");
  // strip("{n}\.\s+") is a character set: a first-fragment number is not removed, but trailing 's', '.' and digits are
  const t = parseTasksFaithful(" Open Q&A\nTopic: A\nView: B\nDifficulty: 1\nInstruction: List the symptoms.\nInput: Fever for 5 days.", 4).tasks[0]!;
  assert.equal(t.input, "Fever for 5 day");
  assert.equal(t.instruction, "List the symptoms.");
});

test("robust parser: labels at line start, missing fields repaired, drift noted, truncated last task rejected", () => {
  const { tasks, rejects } = parseTasksRobust(completion, 4, "length");
  assert.equal(tasks.length, 3);
  assert.equal(tasks[1]!.instruction, "Input the drug list below into a table of doses and classes.");
  assert.equal(tasks[1]!.input, "Metformin 500 mg twice daily; lisinopril 10 mg daily.");
  assert.equal(tasks[2]!.topic, "");
  assert.deepEqual(tasks[2]!.repairs, ["topic-missing", "number-drift"]);
  assert.deepEqual(rejects.map((r) => r.reason), ["truncated"]);
  // without finish_reason=length, a complete-looking last task is kept
  assert.equal(parseTasksRobust(completion, 4, "stop").tasks.length, 4);
  // a task cut before its Input is truncated whatever the finish reason
  const cut = parseTasksRobust(" Open Q&A\nTopic: A\nView: B\nDifficulty: 1\nInstruction: Explain X.\nInput: <noinput>\n###\n5. Type: Rewrite\nTopic: C\nView: D\nDifficulty: 2\nInstruction: Rewrite Y", 4, "stop");
  assert.deepEqual(cut.rejects.map((r) => r.reason), ["truncated"]);
  assert.equal(cut.tasks.length, 1);
});

test("robust parser: chatter, missing instruction, tasks run together without ### or number, input variants", () => {
  const text = [
    " Open Q&A",
    "Topic: Asthma",
    "View: Patient",
    "Difficulty: Level 2",
    "Instruction: **How do I use an inhaler?**",
    "Input: None",
    "Type: Chat",
    "Topic: Diabetes",
    "View: Patient",
    "Difficulty: 1",
    "Instruction: \"Ask about insulin storage.\"",
    "Input: N/A",
    "###",
    "Sure! Here are more tasks you may like.",
    "###",
    "6. Type: Open Q&A",
    "Topic: Genetics",
    "Input: <noinput>",
    "###",
    "7. Type: Open Q&A",
    "Topic: Genetics",
    "View: Student",
    "Difficulty: 2",
    "Instruction: What is a codon?",
    "Input: <noinput>",
  ].join("\n");
  const { tasks, rejects } = parseTasksRobust(text, 4, "stop");
  assert.deepEqual(tasks.map((t) => t.instruction), ["How do I use an inhaler?", "Ask about insulin storage.", "What is a codon?"]);
  assert.deepEqual(tasks.map((t) => t.input), ["<noinput>", "<noinput>", "<noinput>"]);
  assert.equal(tasks[0]!.difficulty, "2");
  assert.deepEqual(countRejectReasons(rejects), { "not-a-task": 1, "missing-instruction": 1 });
  const f = parseTasksFaithful(text, 4);
  // faithful: the two run-together tasks are one (the second lands in the first one's input)
  assert.ok(f.tasks[0]!.input.includes("Type: Chat"));
});

test("robust parser: repeated first label, markdown bold labels, 'Task N' headers", () => {
  const text = "Type: Open Q&A\n**Topic:** Asthma\n**View:** Patient\n**Difficulty:** 2\n**Instruction:** How do I use a spacer?\n**Input:** <noinput>\n###\nTask 5\nType: Chat\nTopic: Diabetes\nView: Nurse\nDifficulty: 3\nInstruction: Explain insulin timing.\nInput: <noinput>\n";
  const { tasks, rejects } = parseTasksRobust(text, 4, "stop");
  assert.equal(rejects.length, 0);
  assert.deepEqual(tasks.map((t) => [t.type, t.topic, t.view, t.difficulty, t.instruction, t.input]), [
    ["Open Q&A", "Asthma", "Patient", "2", "How do I use a spacer?", "<noinput>"],
    ["Chat", "Diabetes", "Nurse", "3", "Explain insulin timing.", "<noinput>"],
  ]);
});
