// Which verdict groups of a run store can be compared (judge agreement, paired bootstrap), and the comparisons.
import { test } from "node:test";
import assert from "node:assert/strict";
import { comparisonPlan, compareVerdictGroups } from "../../src/judge/comparisons.js";
import { judgeAgreement } from "../../src/judge/agreement.js";
import { itemScoreMap, pairedBootstrap } from "../../src/judge/score.js";
import { groupVerdicts } from "../../src/judge/groups.js";
import type { JudgeOrder, VerdictRecord, VerdictScore } from "../../src/judge/types.js";

interface Who {
  model?: string;
  testSet?: string;
  reference?: string;
  judge?: string;
  hash?: string;
}

/** Dual-sided verdicts of one group: items as [referenceFirst, referenceLast]. */
function group(who: Who, pairs: [VerdictScore, VerdictScore][]): VerdictRecord[] {
  const model = who.model ?? "AlpaCare-7b";
  const reference = who.reference ?? "gpt-4";
  const rec = (itemId: string, order: JudgeOrder, v: VerdictScore): VerdictRecord => ({
    schema: "alpacare-verdict/1", itemId, index: Number(itemId), model, reference, testSet: who.testSet ?? "MedInstruct-test", order,
    model1: order === "referenceFirst" ? reference : model, model2: order === "referenceFirst" ? model : reference,
    judge: { provider: "openai", model: who.judge ?? "gpt-3.5-turbo" }, template: { name: "chatgpt", hash: who.hash ?? "h" },
    raw: "", verdict: { alpacare: v, robust: v }, timestamp: "",
  });
  return pairs.flatMap(([a, b], i) => [rec(String(i), "referenceFirst", a), rec(String(i), "referenceLast", b)]);
}

const names = (pairs: [{ model: string; judge: string; testSet: string; templateHash: string }, { model: string; judge: string; testSet: string; templateHash: string }][]) =>
  pairs.map(([a, b]) => `${a.model}/${a.judge}/${a.testSet}/${a.templateHash} ~ ${b.model}/${b.judge}/${b.testSet}/${b.templateHash}`);

test("comparisonPlan: agreement needs a different judge on the same model and items; paired a different model under the same judge and prompt", () => {
  const key = (model: string, judge: string, testSet = "MedInstruct-test", templateHash = "h", reference = "gpt-4") => ({ model, judge, testSet, template: "t", templateHash, reference });
  const groups = [
    key("A", "gpt-3.5"),
    key("A", "claude-2"), // agreement with 0
    key("B", "gpt-3.5"), // paired with 0
    key("B", "gpt-3.5", "MedInstruct-test", "other-prompt"), // different prompt: not paired with 0; agreement? same judge: no
    key("A", "gpt-3.5", "iCliniq"), // another test set: nothing
    key("C", "claude-2"), // paired with 1
    key("A", "gpt-4", "MedInstruct-test", "h", "claude-2"), // another reference: nothing
  ];
  const plan = comparisonPlan(groups);
  assert.deepEqual(names(plan.agreement), ["A/gpt-3.5/MedInstruct-test/h ~ A/claude-2/MedInstruct-test/h"]);
  assert.deepEqual(names(plan.paired), [
    "A/gpt-3.5/MedInstruct-test/h ~ B/gpt-3.5/MedInstruct-test/h",
    "A/claude-2/MedInstruct-test/h ~ C/claude-2/MedInstruct-test/h",
  ]);
  // An agreement pair with different prompts still counts (the judges differ anyway): A under two judges and prompts.
  assert.equal(comparisonPlan([key("A", "j1", "T", "p1"), key("A", "j2", "T", "p2")]).agreement.length, 1);
  assert.deepEqual(comparisonPlan([]), { agreement: [], paired: [] });
});

test("compareVerdictGroups runs judgeAgreement and the paired bootstrap on the planned pairs", () => {
  const a1 = group({ judge: "gpt-3.5-turbo" }, [[1, 1], [0, 0], [0.5, 1], [1, null]]);
  const a2 = group({ judge: "claude-2" }, [[1, 1], [0, 1], [0.5, 1], [1, 1]]);
  const b1 = group({ model: "alpaca", judge: "gpt-3.5-turbo" }, [[0, 0], [0, 0], [1, 1], [0.5, 0.5]]);
  const groups = groupVerdicts([...a1, ...a2, ...b1]);
  assert.equal(groups.length, 3);
  const r = compareVerdictGroups(groups, { policy: "alpacare", mode: "alpacare" });
  assert.equal(r.agreement.length, 1);
  assert.deepEqual([r.agreement[0]!.a.judge, r.agreement[0]!.b.judge], ["gpt-3.5-turbo", "claude-2"]);
  assert.deepEqual(r.agreement[0]!.agreement, judgeAgreement(a1, a2));
  assert.equal(r.agreement[0]!.agreement.n, 7);
  assert.equal(r.paired.length, 1);
  assert.deepEqual([r.paired[0]!.a.model, r.paired[0]!.b.model], ["AlpaCare-7b", "alpaca"]);
  assert.deepEqual(r.paired[0]!.difference, pairedBootstrap(itemScoreMap(a1), itemScoreMap(b1)));
  assert.equal(r.paired[0]!.difference.n, 3); // item 3 is unparsed (NaN) for AlpaCare under the alpacare policy
  // The policy reaches the item scores: under fastchat AlpaCare's item 2 (tie, then model wins) is a tie, not 0.75.
  const fastchat = compareVerdictGroups(groups, { policy: "fastchat" }).paired[0]!.difference;
  assert.deepEqual(fastchat, pairedBootstrap(itemScoreMap(a1, { policy: "fastchat" }), itemScoreMap(b1, { policy: "fastchat" })));
  assert.notEqual(fastchat.estimate, r.paired[0]!.difference.estimate);
});
