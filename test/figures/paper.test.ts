// The paper's figures: the re-plot check (Figures 2, 3, 4 and 6 drawn from figure-values.csv alone carry the paper's
// bars value for value, read back out of the trace data), paper vs reproduced (missing cells stay missing, never
// zero), and reproduced win rates scored from hand-built verdict files in a real run store.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { appendJsonl, rawDir } from "../../src/core/index.js";
import { loadPaperValues, type PaperValue } from "../../src/data/index.js";
import type { VerdictRecord, VerdictScore } from "../../src/judge/index.js";
import {
  comparePaperCells, differenceTable, differenceTableCsv, loadReproducedWinRates, paperFigures, replotCheck,
  summariseDifferences, type PaperFigureSpec, type ReproducedWinRate,
} from "../../src/figures/index.js";
import { buildPaperFigure } from "../../src/figures/paper-chart.js";
import { paperFigureSpecs } from "../../src/figures/paper-spec.js";
import { plottedBars } from "../../src/figures/paper-bars.js";
import { buildComparisonFigure } from "../../src/figures/paper-comparison-chart.js";
import { judgeSlot, reproducedWinRates } from "../../src/figures/paper-reproduced.js";
import { matchesFigureSelector } from "../../src/figures/paper-figures.js";

const values = loadPaperValues();
const specs = paperFigureSpecs();
const spec = (id: string): PaperFigureSpec => specs.find((s) => s.id === id)!;

/** Which re-plotted panel holds a CSV row (Figure 4 shows the gpt-4 reference; Figure 6 has a panel per test set). */
function panelsFor(row: PaperValue): string[] {
  const panel6: Record<string, string> = { iCliniq: "6a", "MedInstruct-test": "6b", AlpacaFarm: "6c" };
  const panel10: Record<string, string> = { iCliniq: "10a", "MedInstruct-test": "10b", AlpacaFarm: "10c" };
  switch (row.figure) {
    case "2a":
    case "2b":
    case "3":
      return [row.figure, panel10[row.test_set]!];
    case "4":
      return [...(row.reference === "gpt-4" ? ["4"] : []), panel10[row.test_set]!];
    case "6":
      return [panel6[row.test_set]!];
    default:
      throw new Error(`unexpected figure ${row.figure}`);
  }
}

describe("re-plot check: Figures 2, 3, 4, 6 from figure-values.csv alone", () => {
  test("the CSV has the 144 reported bars", () => {
    assert.equal(values.length, 144);
  });

  test("every reported bar is in its figure's trace data with the paper's value, and nothing else is drawn", () => {
    const check = replotCheck(values, specs);
    assert.deepEqual(check.mismatched, []);
    assert.deepEqual(check.unplotted, [], "every CSV row is drawn in some panel");
    // each row once in each panel that shows it (Figure 5 repeats Figure 4's gpt-3.5-turbo-judge bars)
    assert.ok(check.checked >= values.reduce((n, row) => n + panelsFor(row).length, 0));
    assert.ok(check.checked >= 144 + 12);
    assert.equal(check.distinct, 144);
    // the notebook's default (no appendix): Figure 4's rows for references other than gpt-4 are drawn only in Figure 10
    const main = replotCheck(values);
    assert.deepEqual(main.mismatched, []);
    assert.ok(main.unplotted.length > 0 && main.unplotted.every((r) => r.figure === "4" && r.reference !== "gpt-4"));
    // a value the figures cannot draw is reported, not skipped
    const extra = { ...values[0]!, model: "Nobody" };
    assert.deepEqual(replotCheck([...values, extra], specs).unplotted, [extra]);
    const bars = new Map<string, ReturnType<typeof plottedBars>>();
    for (const s of specs) bars.set(s.id, plottedBars(buildPaperFigure(s, values)));
    // No bar in Figures 2, 3, 4, 6 without a CSV value, and none drawn as a made-up zero.
    for (const id of ["2a", "2b", "3", "4", "6a", "6b", "6c"]) {
      const drawn = bars.get(id)!;
      assert.equal(drawn.length, spec(id).cells.length);
      for (const b of drawn) assert.notEqual(b.value, null, `figure ${id}: ${b.group}/${b.series} has a value`);
    }
  });

  test("Figure 2a lists the paper's models in its order, one bar per reference in the legend order", () => {
    const fig = buildPaperFigure(spec("2a"), values);
    assert.deepEqual(fig.data.map((t) => t.name), ["text-davinci-003", "GPT-3.5-turbo", "GPT-4", "Claude-2"]);
    assert.deepEqual(fig.data[0]!.x, ["Alpaca", "Chat-Doctor", "MedAlpaca", "PMC-LLaMA", "Baize-Healthcare", "AlpaCare"]);
    assert.deepEqual(fig.data[3]!.y, [15.6, 9.25, 13.2, 0.2, 20.6, 49.65]);
    // Value labels as printed in the paper, and a title that says these are the paper's numbers.
    assert.ok((fig.data[3]!.text as string[]).some((t) => t.includes("49.65")));
    assert.match(String((fig.layout.title as { text: string }).text), /paper's reported values \(not reproduced\)/);
  });

  test("Figure 4 compares the backbones on the gpt-4 reference, LLaMA rows from Figures 2 and 3", () => {
    const fig = buildPaperFigure(spec("4"), values);
    const byName = Object.fromEntries(fig.data.map((t) => [t.name, t.y]));
    assert.deepEqual(byName["Alpaca (LLaMA)"], [12.8, 21.5, 14.5]);
    assert.deepEqual(byName["Alpaca (LLaMA-2)"], [18.2, 26.4, 15.4]);
    assert.deepEqual(byName["AlpaCare (LLaMA)"], [47.4, 48.1, 34.2]);
    assert.deepEqual(byName["AlpaCare (LLaMA-2)"], [47.8, 50, 38.4]);
  });

  test("Figure 5's claude-2 bars were never published: marked, not zero", () => {
    const fig = buildPaperFigure(spec("5a"), values);
    const claude = fig.data.find((t) => t.name === "judge claude-2")!;
    assert.ok((claude.y as unknown[]).every((v) => v === null));
    const marks = (fig.layout.annotations as { text: string }[]).filter((a) => a.text === "not published");
    assert.equal(marks.length, 6);
    const gpt = fig.data.find((t) => t.name === "judge gpt-3.5-turbo")!;
    assert.deepEqual(gpt.y, [12.8, 6.5, 10.1, 6.5, 19.2, 47.4]);
  });

  test("--only selectors", () => {
    assert.ok(matchesFigureSelector(spec("2a"), "fig2"));
    assert.ok(matchesFigureSelector(spec("2a"), "2a"));
    assert.ok(matchesFigureSelector(spec("6c"), "figure-6c"));
    assert.ok(!matchesFigureSelector(spec("2a"), "2b"));
    assert.ok(!matchesFigureSelector(spec("10a"), "fig1"));
  });
});

function rep(model: string, testSet: string, reference: string, winRate: number, ci: [number, number], n: number, judge = "gpt-3.5-turbo"): ReproducedWinRate {
  return { model, testSet, reference, judge, judgeModel: "local:stories260K", promptHash: "091c6532af93", policy: "alpacare", winRate, ci95: ci, n, total: 1000, run: "t" };
}

describe("paper vs reproduced", () => {
  const s = spec("2a");
  const reproduced = [rep("AlpaCare-7b", "iCliniq", "gpt-4", 45, [40, 50], 100), rep("alpaca", "iCliniq", "gpt-4", 30, [20, 35], 100), { ...rep("PMC_LLAMA_7B", "iCliniq", "gpt-4", NaN, [NaN, NaN], 0), ci95: undefined }];
  const rows = comparePaperCells(s, values, reproduced);

  test("each bar carries the paper's value and the reproduced one; missing stays null", () => {
    assert.equal(rows.length, 24);
    const alpacare = rows.find((r) => r.model === "AlpaCare-7b" && r.reference === "gpt-4")!;
    assert.equal(alpacare.paper, 47.4);
    assert.equal(alpacare.reproduced?.winRate, 45);
    assert.equal(alpacare.difference, -2.4);
    assert.equal(alpacare.paperInsideCi, true);
    const alpaca = rows.find((r) => r.model === "alpaca" && r.reference === "gpt-4")!;
    assert.equal(alpaca.difference, 17.2);
    assert.equal(alpaca.paperInsideCi, false);
    const none = rows.find((r) => r.model === "baize-h-7b" && r.reference === "claude-2")!;
    assert.equal(none.reproduced, null);
    assert.equal(none.difference, null);
    const sum = summariseDifferences(rows);
    assert.deepEqual([sum.bars, sum.reported, sum.reproduced, sum.compared, sum.paperInsideCi], [24, 24, 3, 2, 1]);
  });

  test("the comparison figure draws reproduced bars with intervals and marks cells without verdicts", () => {
    const fig = buildComparisonFigure(s, rows, { policy: "alpacare" });
    const repGpt4 = fig.data.find((t) => t.name === "GPT-4 · reproduced")!;
    assert.deepEqual(repGpt4.y, [30, null, null, null, null, 45]);
    const err = repGpt4.error_y as { array: (number | null)[]; arrayminus: (number | null)[] };
    assert.deepEqual([err.array[5], err.arrayminus[5]], [5, 5]);
    const paperGpt4 = fig.data.find((t) => t.name === "GPT-4 · paper")!;
    assert.deepEqual(paperGpt4.y, [12.8, 6.5, 10.1, 6.5, 19.2, 47.4]);
    const texts = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
    assert.equal(texts.filter((t) => t === "no verdicts").length, 21);
    assert.equal(texts.filter((t) => t === "all unparsed").length, 1);
    // Labelled with judge, prompt hash, policy and item counts.
    const sub = String((fig.layout.title as { subtitle: { text: string } }).subtitle.text);
    for (const want of ["local:stories260K", "091c6532af93", "alpacare", "items per bar", "3 of 24 bars"]) assert.ok(sub.includes(want), `subtitle mentions ${want}: ${sub}`);
    // Values read back from the figure equal the inputs.
    const back = plottedBars(fig).filter((b) => b.kind === "reproduced" && b.value !== null);
    assert.deepEqual(back.map((b) => b.value).sort(), [30, 45]);
  });

  test("the difference table keeps missing cells empty, never 0", () => {
    const table = differenceTable(rows);
    const csv = differenceTableCsv(table);
    const line = csv.split("\n").find((l) => l.startsWith("2a,iCliniq,baize-h-7b,Baize-Healthcare,claude-2"))!;
    assert.match(line, /,20\.6,,,,,,,,,,,no verdicts,$/, "missing cells empty, no deviations either");
    assert.equal(table.find((r) => r.model === "PMC_LLAMA_7B" && r.reference === "gpt-4")!.status, "all unparsed");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Reproduced win rates from verdict records in a real run store.

function verdict(model: string, testSet: string, reference: string, index: number, order: "referenceFirst" | "referenceLast", v: VerdictScore, judge = "stories260K", version?: string): VerdictRecord {
  return {
    schema: "alpacare-verdict/1",
    itemId: String(index),
    index,
    model,
    reference,
    testSet,
    order,
    model1: order === "referenceFirst" ? reference : model,
    model2: order === "referenceFirst" ? model : reference,
    judge: { provider: judge.startsWith("claude") ? "anthropic" : "local", model: judge, ...(version ? { modelVersion: version } : {}) },
    template: { name: "chatgpt", hash: "091c6532af93" },
    raw: v === null ? "gibberish" : "Output (a)",
    verdict: { alpacare: v, robust: v },
    timestamp: "2026-01-01T00:00:00.000Z",
  };
}

/** Four items: (1,1) -> 1, (0,0) -> 0, (0.5,1) -> 0.75, (null,1) -> excluded. alpacare win rate 58.33%, fastchat 50%. */
function fourItems(model: string, testSet: string, reference: string, judge?: string, version?: string): VerdictRecord[] {
  const pairs: [VerdictScore, VerdictScore][] = [[1, 1], [0, 0], [0.5, 1], [null, 1]];
  return pairs.flatMap(([a, b], i) => [verdict(model, testSet, reference, i, "referenceFirst", a, judge, version), verdict(model, testSet, reference, i, "referenceLast", b, judge, version)]);
}

describe("reproduced win rates from verdicts", () => {
  test("scored with the paper's policy (and fastchat), with interval, n and unparsed count", () => {
    const records = fourItems("AlpaCare-7b", "MedInstruct-test", "gpt-4");
    const [a] = reproducedWinRates(records, { policy: "alpacare" });
    assert.equal(a!.judge, "gpt-3.5-turbo");
    assert.ok(Math.abs(a!.winRate - 58.333333) < 1e-4);
    assert.equal(a!.n, 3);
    assert.equal(a!.unparsed, 1);
    assert.equal(a!.total, 216);
    assert.ok(a!.ci95 && a!.ci95[0] <= a!.winRate && a!.winRate <= a!.ci95[1]);
    const [f] = reproducedWinRates(records, { policy: "fastchat" });
    assert.equal(f!.winRate, 50);
  });

  test("judge slots: claude-* fills Figure 5's claude-2 bars; --judge picks the main judge", () => {
    const claude = verdict("m", "iCliniq", "gpt-4", 0, "referenceFirst", 1, "claude-2.1");
    const local = verdict("m", "iCliniq", "gpt-4", 0, "referenceFirst", 1, "stories260K");
    const gpt = verdict("m", "iCliniq", "gpt-4", 0, "referenceFirst", 1, "gpt-3.5-turbo", "gpt-3.5-turbo-0613");
    assert.equal(judgeSlot(claude), "claude-2");
    assert.equal(judgeSlot(local), "gpt-3.5-turbo");
    assert.equal(judgeSlot(local, { judge: "gpt-3.5-turbo" }), undefined);
    assert.equal(judgeSlot(gpt, { judge: "gpt-3.5-turbo-0613" }), "gpt-3.5-turbo");
    assert.equal(judgeSlot(local, { ablationJudge: "stories260K" }), "claude-2");
  });

  describe("from a run store on disk", () => {
    const dataDir = mkdtempSync(join(tmpdir(), "alpacare-figtest-"));
    const realRaw = rawDir();
    const saved = { data: process.env.ALPACARE_DATA_DIR, figures: process.env.ALPACARE_FIGURES_DIR };
    after(() => {
      if (saved.data === undefined) delete process.env.ALPACARE_DATA_DIR;
      else process.env.ALPACARE_DATA_DIR = saved.data;
      rmSync(dataDir, { recursive: true, force: true });
    });

    test("verdict files fill their cells in Figure 2b and Figure 5; the rest show as missing", () => {
      mkdirSync(dataDir, { recursive: true });
      symlinkSync(realRaw, join(dataDir, "raw"));
      process.env.ALPACARE_DATA_DIR = dataDir;
      const dir = join(dataDir, "runs", "figtest", "verdicts");
      appendJsonl(join(dir, "AlpaCare-7b__MedInstruct-test__gpt-4__stories260K__chatgpt.jsonl"), fourItems("AlpaCare-7b", "MedInstruct-test", "gpt-4"));
      appendJsonl(join(dir, "AlpaCare-7b__MedInstruct-test__gpt-4__claude-2__anthropic.jsonl"), fourItems("AlpaCare-7b", "MedInstruct-test", "gpt-4", "claude-2"));
      const reps = loadReproducedWinRates({ run: "figtest" });
      assert.equal(reps.length, 2);
      const set = paperFigures({ run: "figtest", only: ["2b", "5b"], paperOnly: false });
      assert.deepEqual(set.specs.map((s) => s.id), ["2b", "5b"]);
      assert.deepEqual(set.items.map((i) => i.name), ["figure-2b", "figure-5b", "figure-differences"]);
      const fig2b = set.items[0]!.figure;
      const repGpt4 = fig2b.data.find((t) => t.name === "GPT-4 · reproduced")!;
      assert.equal((repGpt4.y as (number | null)[]).filter((v) => v !== null).length, 1);
      assert.ok(Math.abs((repGpt4.y as number[])[5]! - 58.3333) < 1e-3);
      const fig5b = set.items[1]!.figure;
      const claudeRep = fig5b.data.find((t) => t.name === "judge claude-2 · reproduced")!;
      assert.ok(Math.abs((claudeRep.y as number[])[5]! - 58.3333) < 1e-3);
      assert.equal((claudeRep.y as (number | null)[]).slice(0, 5).every((v) => v === null), true);
      // The table: the filled cell compared with the paper's 48.1, the others missing.
      const row = set.table.find((r) => r.model === "AlpaCare-7b" && r.testSet === "MedInstruct-test" && r.reference === "gpt-4" && r.judge === "gpt-3.5-turbo")!;
      assert.equal(row.paper, 48.1);
      assert.equal(row.n, 3);
      assert.equal(row.status, "compared");
      assert.equal(set.table.filter((r) => r.status === "no verdicts").length, set.table.length - 2);
      assert.match(String(set.items[0]!.caption), /1 of 24 bars have verdicts/);
    });
  });
});
