/**
 * Audit of the judge stage against upstream AlpaCare (`evaluation/gpt_eval.py`, `evaluation/anthropic_eval.py`,
 * `utils.py` eval_make_prompt / eval_encode_prompt, `evaluation/evaulation.py`) and AlpacaEval
 * (`metrics/helpers.py` describe_head2head, `metrics/winrate.py` get_winrate). Expected values are derived by hand
 * from upstream's behaviour (or pinned from NumPy 2.4), not from this workbench's code.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseVerdictAlpacare, stripToAlphanumeric, type VerdictNames } from "../../src/judge/parse.js";
import { nanMean, npRint } from "../../src/core/numpy.js";
import { dualSidedScores, summariseVerdicts, winRate } from "../../src/judge/score.js";
import {
  alpacaEvalDiscreteWinRate, alpacaEvalWinRate, readAlpacareComparisonFiles, toAlpacaEvalAnnotations,
} from "../../src/judge/formats.js";
import {
  buildJudgePrompt, buildJudgeRequest, fillJudgeTemplate, judgedInstruction, JUDGE_SYSTEM_PROMPT, loadJudgeTemplate, makeJudgeTemplate,
} from "../../src/judge/templates.js";
import { planJudgeRun } from "../../src/judge/run-plan.js";
import { rawDir } from "../../src/core/index.js";

const haveData = existsSync(join(rawDir(), "alpacare/prompt/alpaca_eval_chat_gpt.txt"));
const haveNumpy = spawnSync("python3", ["-c", "import numpy"], { stdio: "ignore" }).status === 0;
const tmp = () => mkdtempSync(join(tmpdir(), "judge-audit-"));

// Reference shown first (upstream --reference_first): model_1 = reference, model_2 = model; and the other way round.
const refFirst = (model = "AlpaCare-7b", reference = "gpt-4"): VerdictNames => ({ model1: reference, model2: model, model, reference });
const refLast = (model = "AlpaCare-7b", reference = "gpt-4"): VerdictNames => ({ model1: model, model2: reference, model, reference });
const P = (text: string, names: VerdictNames) => parseVerdictAlpacare(text, names);

test("audit parse: real judge texts, reference first (1 = model wins, 0 = reference wins, 0.5 tie, null = NaN)", () => {
  const n = refFirst();
  assert.equal(P("Output (a)", n), 0);
  assert.equal(P("Output (b)", n), 1);
  assert.equal(P("Output (a).", n), 0, "trailing period is stripped with the other non-alphanumerics");
  assert.equal(P(" Output (b)", n), 1, "Claude's leading space");
  assert.equal(P("Output (b)\n", n), 1);
  assert.equal(P("**Output (a)**", n), 0, "markdown bold is only punctuation");
  assert.equal(P('"Output (b)"', n), 1);
  assert.equal(P("Output (b)\n\nExplanation: Output (b) gives more detail.", n), null, "explanations break the exact match");
  assert.equal(P("output (a)", n), null, "the replacement is case-sensitive");
  assert.equal(P("Output (A)", n), null);
  assert.equal(P("Output(a)", n), null, "no space: not replaced");
  assert.equal(P("Output (a)\nOutput (b)", n), null);
  assert.equal(P("Output (a) 1", n), null, "a digit survives the strip");
  assert.equal(P("", n), null, "empty response");
  assert.equal(P("   \n", n), null);
});

test("audit parse: 'Tie' is a case-sensitive substring of the stripped text, checked only after both exact names", () => {
  const n = refFirst();
  assert.equal(P("Tie", n), 0.5);
  assert.equal(P("Tie.", n), 0.5);
  assert.equal(P("'Tie'", n), 0.5);
  assert.equal(P("Both are equally good. Tie", n), 0.5);
  assert.equal(P("Output (a) and Output (b) are Tied", n), 0.5, "substitution then 'Tied' still contains Tie");
  assert.equal(P("Output (b) is better. Tiebreaker: detail", n), 0.5, "any 'Tie' anywhere, even a verdict for (b)");
  assert.equal(P("tie", n), null);
  assert.equal(P("TIE", n), null);
  assert.equal(P("It's a tie.", n), null);
  // 'Tie' assembled across removed characters: "T" + ". " + "ie" -> "Tie".
  assert.equal(P("NOT. ie", n), 0.5);
  // ... or across a substituted name: a model whose stripped name ends in "T" followed by "ie".
  const gpt = { model1: "ref", model2: "BioGPT", model: "BioGPT", reference: "ref" };
  assert.equal(P("Output (b), i.e. the second", gpt), 0.5);
  // A model named with "Tie": its exact name wins (checked before Tie), anything longer becomes a tie.
  const tier = refFirst("Tiered-7b");
  assert.equal(P("Output (b)", tier), 1);
  assert.equal(P("Output (a)", tier), 0);
  assert.equal(P("Output (b) is better", tier), 0.5);
  assert.equal(P("Output (a) is better", tier), null);
  assert.equal(P("Output (a) is better than Output (b)", tier), 0.5, "even a clear loss reads as a tie once the model's name holds 'Tie'");
});

test("audit parse: reference last, and texts that name a model directly", () => {
  const n = refLast();
  assert.equal(P("Output (a)", n), 1);
  assert.equal(P("Output (b)", n), 0);
  assert.equal(P("Output (b).", n), 0);
  assert.equal(P("AlpaCare-7b", n), 1, "a response that is exactly the model's name");
  assert.equal(P("AlpaCare 7b", n), 1, "separators do not matter");
  assert.equal(P("alpacare-7b", n), null, "case does");
  assert.equal(P("gpt-4", n), 0);
  assert.equal(P("GPT-4", n), null);
});

test("audit parse: names are stripped to [a-zA-Z0-9]; equal stripped names score every pick as a loss", () => {
  assert.equal(stripToAlphanumeric("gpt-3.5-turbo"), "gpt35turbo");
  assert.equal(stripToAlphanumeric("PMC_LLaMA_13B"), "PMCLLaMA13B");
  assert.equal(stripToAlphanumeric("Ünïcode-🦙-7b"), "ncode7b", "non-ASCII letters and astral symbols are dropped (both surrogates)");
  const t = refLast("AlpaCare-13b", "gpt-3.5-turbo");
  assert.equal(P("Output (b)", t), 0);
  assert.equal(P("gpt35turbo", t), 0, "the stripped name itself matches");
  assert.equal(P("Output (a)", t), 1);
  // Model "gpt4" against reference "gpt-4": both strip to "gpt4"; upstream checks the reference first.
  assert.equal(P("Output (b)", refFirst("gpt4", "gpt-4")), 0);
  assert.equal(P("Output (a)", refLast("gpt4", "gpt-4")), 0);
  // Names stripping to "": an empty response equals them.
  assert.equal(P("", refFirst("---", "+++")), 0);
  // Replacement order: (a) first, then (b) inside the result, as Python's two str.replace calls.
  const odd: VerdictNames = { model1: "Output (b)", model2: "M", model: "M", reference: "Output (b)" };
  assert.equal(P("Output (a)", odd), 1, "(a) -> 'Output (b)' -> 'M'");
  // Whitespace Python's strip() and JS trim() disagree on is non-alphanumeric anyway.
  assert.equal(P("\ufeffOutput (a)\u0085", refFirst()), 0);
  assert.equal(P("\u001fOutput (b)\u00a0", refFirst()), 1);
});

test("audit scores: mean of both orders, NaN if either is NaN, nanmean in percent (upstream comparison files)", () => {
  const dir = tmp();
  const first = join(dir, "AlpaCare-7b_gpt-3.5-turbo_reference_first.jsonl");
  const last = join(dir, "AlpaCare-7b_gpt-3.5-turbo_reference_last.jsonl");
  const line = (m1: string, m2: string, response: string) => JSON.stringify({ model_1: m1, model_2: m2, prompt: "p", response });
  // item 0: win (ref first "Output (b)") + tie -> 0.75; item 1: loss + win -> 0.5 (position-biased judge);
  // item 2: win + unparsed -> NaN; item 3: loss + loss -> 0; item 4: tie + tie -> 0.5
  const rf = ["Output (b)", "Output (a)", "Output (b).", "**Output (a)**", "Tie"];
  const rl = ["Tie", "Output (a)", "I prefer the first", "Output (b)", "Both equal. Tie"];
  writeFileSync(first, rf.map((r) => line("gpt-4", "AlpaCare-7b", r)).join("\n") + "\n");
  writeFileSync(last, rl.map((r) => line("AlpaCare-7b", "gpt-4", r)).join("\n") + "\n");
  const recs = readAlpacareComparisonFiles({ referenceFirst: first, referenceLast: last });
  const { scores } = dualSidedScores(recs);
  assert.deepEqual(scores.map((s) => (Number.isNaN(s) ? "NaN" : s)), [0.75, 0.5, "NaN", 0, 0.5]);
  const s = summariseVerdicts(recs);
  // np.nanmean([0.75, 0.5, nan, 0, 0.5]) = 1.75 / 4 = 0.4375 -> 43.75 %
  assert.equal(s.winRate, 43.75);
  assert.equal(s.n, 4);
  assert.equal(s.unparsed, 1);
  assert.equal(s.excludedItems, 1);
  assert.equal(s.partial, 1, "the 0.75 item");
  // win + tie alone = 75 %, win + loss alone = 50 % (the paper's arithmetic)
  assert.equal(winRate([0.75]), 75);
  assert.equal(winRate([(1 + 0) / 2]), 50);
  // A third of 1.25: the division and the x100 happen in upstream's order (fraction first, then percent).
  assert.equal(winRate([0.75, 0.5, NaN, 0]), (1.25 / 3) * 100);
});

test("audit scores: all-NaN, empty and one-sided files give NaN without throwing; unequal files leave the extra items unscored", () => {
  const dir = tmp();
  const first = join(dir, "M_gpt-3.5-turbo_reference_first.jsonl");
  const last = join(dir, "M_gpt-3.5-turbo_reference_last.jsonl");
  const line = (m1: string, m2: string, response: string) => JSON.stringify({ model_1: m1, model_2: m2, prompt: "", response });
  writeFileSync(first, [line("ref", "M", "Output (c)"), line("ref", "M", "")].join("\n") + "\n");
  writeFileSync(last, [line("M", "ref", "either"), line("M", "ref", "output (a)")].join("\n") + "\n");
  const allNaN = summariseVerdicts(readAlpacareComparisonFiles({ referenceFirst: first, referenceLast: last }));
  assert.ok(Number.isNaN(allNaN.winRate));
  assert.equal(allNaN.n, 0);
  assert.equal(allNaN.unparsed, 4);

  const e1 = join(dir, "E_gpt-3.5-turbo_reference_first.jsonl");
  const e2 = join(dir, "E_gpt-3.5-turbo_reference_last.jsonl");
  writeFileSync(e1, "");
  writeFileSync(e2, "");
  const empty = summariseVerdicts(readAlpacareComparisonFiles({ referenceFirst: e1, referenceLast: e2 }));
  assert.ok(Number.isNaN(empty.winRate));
  assert.equal(empty.items, 0);

  // Only one order: every item lacks the other -> NaN (upstream would not even run without both files).
  const oneSided = summariseVerdicts(readAlpacareComparisonFiles({ referenceFirst: join(dir, "M_gpt-3.5-turbo_reference_first.jsonl") }));
  assert.ok(Number.isNaN(oneSided.winRate));

  // Unequal lengths (upstream's pairwise_mean asserts equal lengths): lines pair by position, the extra line's item
  // has a missing order, is excluded from the mean and counted.
  const u1 = join(dir, "U_gpt-3.5-turbo_reference_first.jsonl");
  const u2 = join(dir, "U_gpt-3.5-turbo_reference_last.jsonl");
  writeFileSync(u1, [line("ref", "U", "Output (b)"), line("ref", "U", "Output (b)")].join("\n") + "\n");
  writeFileSync(u2, [line("U", "ref", "Tie")].join("\n") + "\n");
  const unequal = summariseVerdicts(readAlpacareComparisonFiles({ referenceFirst: u1, referenceLast: u2 }));
  assert.equal(unequal.winRate, 75);
  assert.equal(unequal.missingOrders, 1);
  assert.equal(unequal.excludedItems, 1);
});

test("audit names from upstream files: model = file-name prefix (upstream --compared_model), reference = model_1 of reference-first", () => {
  const dir = tmp();
  const first = join(dir, "PMC_LLaMA_13B_claude-2_reference_first.jsonl");
  const last = join(dir, "PMC_LLaMA_13B_claude-2_reference_last.jsonl");
  const line = (m1: string, m2: string, response: string) => JSON.stringify({ model_1: m1, model_2: m2, prompt: "", response });
  writeFileSync(first, line("gpt-3.5-turbo", "PMC_LLaMA_13B", " Output (b)") + "\n");
  writeFileSync(last, line("PMC_LLaMA_13B", "gpt-3.5-turbo", " Output (b)") + "\n");
  const recs = readAlpacareComparisonFiles({ referenceFirst: first, referenceLast: last });
  assert.equal(recs[0]!.model, "PMC_LLaMA_13B");
  assert.equal(recs[0]!.reference, "gpt-3.5-turbo");
  assert.equal(recs[0]!.judge.model, "claude-2");
  assert.deepEqual(recs.map((r) => r.verdict.alpacare), [1, 0]);
  assert.equal(summariseVerdicts(recs).winRate, 50);
});

test("audit NumPy: nanmean is pairwise-summed exactly as np.nanmean (values pinned from NumPy 2.4.6)", () => {
  // v_i = ((i * 7919) % 1009) / 997 (correctly rounded in both languages), NaN at every 13th index when asked.
  const vec = (n: number, nanEvery: number) => Array.from({ length: n }, (_, i) => (nanEvery && i % nanEvery === 0 ? NaN : ((i * 7919) % 1009) / 997));
  const pinned: [number, number, number][] = [
    [9, 0, 0.5106430402318066], [9, 13, 0.5744734202607824], [130, 0, 0.5102075457140653], [130, 13, 0.5418171180207288],
    [1000, 0, 0.5061965897693079], [1000, 13, 0.5099426122354062], [8193, 0, 0.5056015109897005], [8193, 13, 0.5059321046981197],
    [100003, 0, 0.5055215143946885], [100003, 13, 0.5055441266927203],
  ];
  let sequentialWouldDiffer = 0;
  for (const [n, every, want] of pinned) {
    const a = vec(n, every);
    assert.equal(nanMean(a), want, `nanmean n=${n} nanEvery=${every}`);
    const kept = a.filter((x) => !Number.isNaN(x));
    if (kept.reduce((s, x) => s + x, 0) / kept.length !== want) sequentialWouldDiffer++;
  }
  assert.ok(sequentialWouldDiffer >= 5, "the pinned cases do distinguish pairwise from sequential summation");
  assert.equal(winRate(vec(8193, 13)), 0.5059321046981197 * 100);
  assert.ok(Number.isNaN(nanMean([])));
  assert.ok(Number.isNaN(nanMean([NaN, NaN])));
});

test("audit NumPy live cross-check (python3 with numpy, when present)", { skip: !haveNumpy && "python3 with numpy not available" }, () => {
  const lengths = [0, 1, 7, 8, 9, 16, 17, 127, 128, 129, 255, 256, 257, 1023, 1025, 8191, 8192, 8193, 20011];
  const py = String.raw`
import json, sys, warnings
import numpy as np
warnings.simplefilter("ignore")
out = {}
for n in json.loads(sys.argv[1]):
    for every in (0, 7):
        a = np.array([((i * 104729) % 10007) / 9973 for i in range(n)], dtype=np.float64)
        if every: a[::every] = np.nan
        m = np.nanmean(a)
        out[f"{n}/{every}"] = None if np.isnan(m) else repr(float(m))
out["rint"] = [float(np.rint(x)) for x in (0.5, 1.5, 2.5, -0.5, -1.5, 1.25, 1.75, -0.4, 2.4999999999999996)]
print(json.dumps(out))
`;
  const r = spawnSync("python3", ["-c", py, JSON.stringify(lengths)], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const want = JSON.parse(r.stdout) as Record<string, string | null | number[]>;
  for (const n of lengths) {
    for (const every of [0, 7]) {
      const a = Array.from({ length: n }, (_, i) => (every && i % every === 0 ? NaN : ((i * 104729) % 10007) / 9973));
      const got = nanMean(a);
      const w = want[`${n}/${every}`] as string | null;
      if (w === null) assert.ok(Number.isNaN(got), `n=${n}`);
      else assert.equal(got, Number(w), `n=${n} nanEvery=${every}`);
    }
  }
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 1.25, 1.75, -0.4, 2.4999999999999996].map(npRint), want.rint);
});

test("audit AlpacaEval: 1 = baseline wins, 2 = model wins, 0 / 1.5 draw, null missing; continuous and discrete win rates", () => {
  const w = alpacaEvalWinRate([2, 1, 0, 1.5, null, NaN, 2.5, 0.5]);
  assert.equal(w.nTotal, 4, "2.5 and 0.5 are not preferences; null and NaN are missing");
  assert.equal(w.nMissing, 4);
  assert.equal(w.nDraws, 2);
  assert.equal(w.nWins, 1);
  assert.equal(w.nWinsBase, 1);
  assert.equal(w.winRate, 50);
  // Continuous (AlpaCare item-level export): 1.75 = win+tie, 1.25 = loss+tie.
  const c = alpacaEvalWinRate([1.75, 1.25, 2, 1.5]);
  assert.equal(c.winRate, 62.5);
  assert.equal(c.nWins, 2);
  assert.equal(c.nWinsBase, 1);
  assert.equal(c.nDraws, 1);
  // discrete_win_rate (ZeroOneScoringRule): 1.5 -> draw first, then round half to even: 1.25 -> 1, 1.75 -> 2.
  assert.equal(c.discreteWinRate, ((1 + 0 + 1 + 0.5) / 4) * 100);
  assert.equal(alpacaEvalDiscreteWinRate([1.5, 0, 1, 2]), 50);
  const d = alpacaEvalWinRate([1.75, 1.75, 1]);
  assert.equal(d.winRate, 50);
  assert.equal(d.discreteWinRate, (2 / 3) * 100);
  // Pandas rounds before the range check: 2.4 -> 2 (a win), 0.4 -> 0 (a draw), 2.6 -> 3 (dropped).
  assert.equal(alpacaEvalDiscreteWinRate([2.4, 0.4, 2.6]), 75);
  assert.ok(Number.isNaN(alpacaEvalWinRate([null, null]).winRate));
  assert.ok(Number.isNaN(alpacaEvalWinRate([null]).discreteWinRate));
  // Sample standard error (pandas sem, ddof 1) x 100; pinned from the NumPy equivalent of pandas' two-pass nanvar.
  const p = Array.from({ length: 777 }, (_, i) => ((i * 7919) % 1009) / 1009 + 1);
  const big = alpacaEvalWinRate(p);
  assert.equal(big.winRate, 50.013074096324836);
  assert.equal(big.standardError, 1.0361175108870084);
});

test("audit AlpacaEval export: generator_1 = reference (baseline), generator_2 = model; item preference = 1 + dual score", () => {
  const dir = tmp();
  const first = join(dir, "M_gpt-3.5-turbo_reference_first.jsonl");
  const last = join(dir, "M_gpt-3.5-turbo_reference_last.jsonl");
  const line = (m1: string, m2: string, response: string) => JSON.stringify({ model_1: m1, model_2: m2, prompt: "", response });
  writeFileSync(first, ["Output (b)", "Output (a)", "Tie"].map((r) => line("ref", "M", r)).join("\n") + "\n");
  writeFileSync(last, ["Tie", "Output (b)", "?"].map((r) => line("M", "ref", r)).join("\n") + "\n");
  const recs = readAlpacareComparisonFiles({ referenceFirst: first, referenceLast: last });
  const items = toAlpacaEvalAnnotations(recs);
  assert.deepEqual(items.map((a) => [a.generator_1, a.generator_2, a.preference]), [["ref", "M", 1.75], ["ref", "M", 1], ["ref", "M", null]]);
  assert.equal(alpacaEvalWinRate(items.map((a) => a.preference)).winRate, summariseVerdicts(recs).winRate);
  const verdicts = toAlpacaEvalAnnotations(recs, { level: "verdict" });
  assert.deepEqual(verdicts.map((a) => a.preference), [2, 1.5, 1, 1, 1.5, null]);
});

test("audit template filling: placeholders in template order, each replacing its first occurrence so far, values literal", () => {
  const t = "I: {instruction}\nA: {output_1}\nB: {output_2}\n";
  // Reference last: the model's output is output_1; a literal "{output_2}" inside it is what upstream's
  // prompt.replace("{output_2}", ..., 1) hits first, leaving the template's own placeholder unfilled.
  assert.equal(fillJudgeTemplate(t, { instruction: "q", output_1: "see {output_2}", output_2: "REF" }), "I: q\nA: see REF\nB: {output_2}\n");
  // An instruction holding "{output_1}" swallows output_1 the same way.
  assert.equal(fillJudgeTemplate(t, { instruction: "{output_1}", output_1: "X", output_2: "Y" }), "I: X\nA: {output_1}\nB: Y\n");
  // Replacement patterns are not interpreted (Python's str.replace has none).
  assert.equal(fillJudgeTemplate(t, { instruction: "$& $1 $$ $'", output_1: "$`", output_2: "\\1" }), "I: $& $1 $$ $'\nA: $`\nB: \\1\n");
  // A placeholder written twice in the template is filled twice (re.findall lists it twice).
  assert.equal(fillJudgeTemplate("{instruction}|{instruction}|{output_1}{output_2}", { instruction: "a", output_1: "b", output_2: "c" }), "a|a|bc");
  // Placeholders hold no whitespace: "{not one}" is plain text.
  assert.equal(fillJudgeTemplate("{not one} {instruction}{output_1}{output_2}", { instruction: "i", output_1: "1", output_2: "2" }), "{not one} i12");
  // iCliniq: instruction + "\n\n" + patient text; the others: the instruction alone (input ignored).
  assert.equal(judgedInstruction("iCliniq", { instruction: "If you are a doctor...", input: "I have a cough." }), "If you are a doctor...\n\nI have a cough.");
  assert.equal(judgedInstruction("MedInstruct-test", { instruction: "Explain X.", input: "ignored" }), "Explain X.");
  assert.equal(judgedInstruction("AlpacaFarm", { instruction: "Write a poem.", input: "" }), "Write a poem.");
});

test("audit user templates: CRLF files fill as Python's text mode reads them", () => {
  const dir = tmp();
  const lf = join(dir, "t-lf.txt");
  const crlf = join(dir, "t-crlf.txt");
  const body = ["Pick one.", "{instruction}", "(a) {output_1}", "(b) {output_2}", ""];
  writeFileSync(lf, body.join("\n"));
  writeFileSync(crlf, body.join("\r\n"));
  const a = loadJudgeTemplate(lf);
  const b = loadJudgeTemplate(crlf);
  assert.equal(b.text, a.text);
  assert.equal(b.hash, a.hash);
});

test("audit the paper's templates: file text + \"\\n\", outputs by order, system prompt and decoding as upstream", { skip: !haveData && "data/raw not acquired (run `alpacare data`)" }, () => {
  for (const name of ["chatgpt", "anthropic"] as const) {
    const file = join(rawDir(), "alpacare/prompt", name === "chatgpt" ? "alpaca_eval_chat_gpt.txt" : "alpaca_eval_anthropic.txt");
    const raw = readFileSync(file, "utf8");
    const tpl = loadJudgeTemplate(name);
    assert.equal(tpl.text, raw + "\n");
    // Expected prompt built independently: cut the file at its three placeholders (each occurs once, in order).
    const [pre, r1] = raw.split("{instruction}") as [string, string];
    const [mid1, r2] = r1.split("{output_1}") as [string, string];
    const [mid2, post] = r2.split("{output_2}") as [string, string];
    assert.ok(pre && mid1 && mid2 && post !== undefined);
    const pair = { instruction: "Q?\n\nPatient text", modelName: "AlpaCare-7b", modelOutput: "MODEL ANSWER", referenceName: "gpt-4", referenceOutput: "REF ANSWER" };
    const a = buildJudgePrompt(tpl, pair, "referenceFirst");
    assert.equal(a.prompt, pre + pair.instruction + mid1 + "REF ANSWER" + mid2 + "MODEL ANSWER" + post + "\n");
    assert.deepEqual([a.model1, a.model2], ["gpt-4", "AlpaCare-7b"]);
    const b = buildJudgePrompt(tpl, pair, "referenceLast");
    assert.equal(b.prompt, pre + pair.instruction + mid1 + "MODEL ANSWER" + mid2 + "REF ANSWER" + post + "\n");
    assert.deepEqual([b.model1, b.model2], ["AlpaCare-7b", "gpt-4"]);
    if (name === "chatgpt") {
      assert.ok(a.prompt.endsWith("## Which is the better choice, Output (a) or Output (b), or is it a Tie?\n"));
      const req = buildJudgeRequest(tpl, a, { provider: "openai", model: "gpt-3.5-turbo" });
      assert.deepEqual(req.messages, [{ role: "system", content: JUDGE_SYSTEM_PROMPT }, { role: "user", content: a.prompt }]);
      assert.equal(JUDGE_SYSTEM_PROMPT, "You are a helpful instruction-following assistant that prints the best model by selecting the best outputs for a given instruction.");
      assert.deepEqual([req.temperature, req.maxTokens, req.topP, req.frequencyPenalty, req.presencePenalty], [0, 100, 1, 0, 0]);
    } else {
      assert.equal(tpl.form, "human-assistant");
      assert.ok(a.prompt.startsWith("Human: Select the output (a) or (b)"));
      assert.ok(a.prompt.endsWith("\n\nAssistant:\n"));
      const req = buildJudgeRequest(tpl, a, { provider: "anthropic", model: "claude-2" });
      assert.equal(req.messages.length, 1);
      assert.equal(req.messages[0]!.content, a.prompt.slice("Human: ".length, a.prompt.length - "\n\nAssistant:\n".length));
      assert.deepEqual([req.temperature, req.maxTokens], [0, 100]);
    }
  }
  // A template file is validated like upstream would fail on it (KeyError for an unknown placeholder).
  assert.throws(() => makeJudgeTemplate("x", "{instruction}{output_1}{output_2}{extra}"));
});

test("audit planned prompts on the real data: iCliniq instruction from the model's own file, outputs verbatim", { skip: !haveData && "data/raw not acquired (run `alpacare data`)" }, () => {
  const modelFile = join(rawDir(), "alpacare/data/model_ouputs/AlpaCare-7b/iCliniq/seed_0.json");
  const refFile = join(rawDir(), "alpacare/data/reference_outputs/gpt-4/iCliniq_output.jsonl");
  if (!existsSync(modelFile) || !existsSync(refFile)) return;
  const upModel = JSON.parse(readFileSync(modelFile, "utf8")) as { instruction: string; input: string; response: string }[];
  const upRef = readFileSync(refFile, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as { output?: string; response?: string });
  const refKey = "response" in upRef[0]! ? "response" : "output";
  const plan = planJudgeRun({ modelName: "AlpaCare-7b", testSet: "iCliniq", reference: "gpt-4", run: "audit-never-written", judge: { provider: "openai", model: "gpt-3.5-turbo" }, limit: 3 });
  assert.equal(plan.tasks.length, 6);
  const tpl = loadJudgeTemplate("chatgpt");
  for (const task of plan.tasks) {
    const i = task.index;
    const up = upModel[i]!;
    const values = { instruction: up.instruction + "\n\n" + up.input, ref: upRef[i]![refKey]!, mod: up.response };
    const [o1, o2] = task.order === "referenceFirst" ? [values.ref, values.mod] : [values.mod, values.ref];
    assert.equal(task.prompt, fillJudgeTemplate(tpl.text, { instruction: values.instruction, output_1: o1, output_2: o2 }));
    assert.deepEqual([task.model1, task.model2], task.order === "referenceFirst" ? ["gpt-4", "AlpaCare-7b"] : ["AlpaCare-7b", "gpt-4"]);
  }
});
