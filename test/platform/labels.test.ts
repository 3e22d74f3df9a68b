// Label normalisation and the verb-noun rule (src/data/labels.ts, src/data/verbnoun.ts), used by notebooks 01 and 02.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  TASK_TYPE_SYNONYMS,
  countLabels,
  labelKey,
  labelNormaliser,
  normaliseTaskLabels,
  pluralToSingular,
  topLabels,
} from "../../src/data/labels.js";
import { extractVerbNoun, extractVerbNouns, verbNounHierarchy } from "../../src/data/verbnoun.js";

test("spellings of one label share a key: case, plural, hyphen, apostrophe", () => {
  assert.equal(labelKey("Medical student"), labelKey("Medical Student"));
  assert.equal(labelKey("Medical Students"), labelKey("Medical Student"));
  assert.equal(labelKey("USMLE style Q&A"), labelKey("USMLE-style Q&A"));
  assert.equal(labelKey("USMLE Style Q&A"), labelKey("USMLE-style Q&A"));
  assert.equal(labelKey("Patient\u2019s Perspective"), labelKey("Patient's Perspective"));
  assert.equal(labelKey("Single Hop  Reasoning"), labelKey("Single-hop reasoning"));
  // different words stay different
  assert.notEqual(labelKey("Student"), labelKey("Medical Student"));
  assert.notEqual(labelKey("Multi-hop reasoning"), labelKey("Multiple-hop Reasoning"));
  assert.notEqual(labelKey("Genetic"), labelKey("Genetics"));
});

test("singulars by rule, with the exceptions medicine needs", () => {
  const cases: Record<string, string> = {
    studies: "study", diseases: "disease", diagnoses: "diagnosis", rewrites: "rewrite", summarizations: "summarization",
    glasses: "glass", boxes: "box", kidneys: "kidney", "q&as": "q&a",
    diabetes: "diabetes", genetics: "genetics", virus: "virus", diagnosis: "diagnosis", illness: "illness", measles: "measles",
  };
  for (const [plural, singular] of Object.entries(cases)) assert.equal(pluralToSingular(plural), singular, plural);
});

test("a group is shown under its most frequent spelling, and every merge is listed", () => {
  const labels = ["Medical Student", "Medical Student", "Medical student", "Medical Students", "Patient", "Patients", "Student"];
  const n = labelNormaliser(labels);
  assert.equal(n.normalise("Medical student"), "Medical Student");
  assert.equal(n.normalise("MEDICAL-STUDENTS"), "Medical Student"); // unseen spelling, same key
  assert.equal(n.normalise("Student"), "Student");
  assert.deepEqual(n.mapping, [
    { from: "Medical student", to: "Medical Student", count: 1 },
    { from: "Medical Students", to: "Medical Student", count: 1 },
    { from: "Patients", to: "Patient", count: 1 },
  ]);
  const off = labelNormaliser(labels, { enabled: false });
  assert.equal(off.normalise("Medical student"), "Medical student");
  assert.deepEqual(off.mapping, []);
});

test("task labels per field; opt-in synonyms only where asked", () => {
  const tasks = [
    { topic: "Anatomy", view: "Patient", type: "Rewrite" },
    { topic: "anatomy", view: "Patients", type: "Rewrites" },
    { topic: "Anatomy", view: "Patient", type: "Rewriting" },
  ];
  const plain = normaliseTaskLabels(tasks);
  assert.deepEqual(countLabels(plain.tasks.map((t) => t.type)), [
    { label: "Rewrite", count: 2 },
    { label: "Rewriting", count: 1 },
  ]);
  const merged = normaliseTaskLabels(tasks, { fieldSynonyms: { type: TASK_TYPE_SYNONYMS } });
  assert.deepEqual(countLabels(merged.tasks.map((t) => t.type)), [{ label: "Rewrite", count: 3 }]);
  assert.deepEqual(
    merged.mapping.map((m) => `${m.field}:${m.from}->${m.to}`).sort(),
    ["topic:anatomy->Anatomy", "type:Rewrites->Rewrite", "type:Rewriting->Rewrite", "view:Patients->Patient"],
  );
  assert.deepEqual(topLabels(countLabels(["a", "a", "b", "c", "d"]), 2), [
    { label: "a", count: 2 },
    { label: "b", count: 1 },
    { label: "Other", count: 2 },
  ]);
});

test("verb-noun rule on medical instructions (wink-nlp)", () => {
  const pair = (s: string) => {
    const r = extractVerbNoun(s);
    return r.noun ? `${r.verb} ${r.noun}` : r.verb ? `${r.verb} -` : "-";
  };
  assert.equal(pair("Classify the given patient's symptoms into possible diseases."), "classify symptom");
  assert.equal(pair("Write an essay explaining the pathophysiology of Cystic Fibrosis."), "write essay");
  assert.equal(pair("Answer a USMLE style single-step reasoning question."), "answer question");
  assert.equal(pair("Based on these symptoms, provide a possible diagnosis and explain your reasoning."), "provide diagnosis");
  assert.equal(pair("Briefly summarize the key findings of the trial."), "summarize finding");
  assert.equal(pair("Explain what multiple sclerosis is."), "explain -"); // a clause, not a direct object
  assert.equal(pair("What is the mechanism of action of aspirin?"), "-"); // a question: no imperative
  const s = extractVerbNouns(["Write a summary.", "Write an essay.", "Write a summary of X.", "What is X?"]);
  assert.equal(s.pairs.length, 3);
  assert.equal(s.pairShare, 0.75);
  assert.deepEqual(verbNounHierarchy(s.pairs, { topVerbs: 1, topNouns: 1 }), [{ verb: "write", count: 3, nouns: [{ noun: "summary", count: 2 }] }]);
});
