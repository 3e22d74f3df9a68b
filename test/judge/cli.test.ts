// `alpacare score` on the three formats, as a user runs it (a child process), checking the printed JSON.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJsonl } from "../../src/core/index.js";
import { readAlpacareComparisonFiles } from "../../src/judge/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const score = (...args: string[]) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), "score", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, ALPACARE_DATA_DIR: mkdtempSync(join(tmpdir(), "judge-cli-data-")) } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test("alpacare score: upstream comparison files, both policies, and AlpacaEval annotations", () => {
  const dir = mkdtempSync(join(tmpdir(), "judge-cli-"));
  const first = join(dir, "AlpaCare-7b_gpt-3.5-turbo_reference_first.jsonl");
  const last = join(dir, "AlpaCare-7b_gpt-3.5-turbo_reference_last.jsonl");
  const row = (m1: string, m2: string, response: string) => JSON.stringify({ model_1: m1, model_2: m2, prompt: "", response });
  // item0 win/win, item1 win/tie, item2 win/loss (flip), item3 unparsed/win
  writeFileSync(first, ["Output (b)", "Output (b)", "Output (b)", "Output (b) because"].map((r) => row("gpt-4", "AlpaCare-7b", r)).join("\n") + "\n");
  writeFileSync(last, ["Output (a)", "Tie", "Output (b)", "Output (a)"].map((r) => row("AlpaCare-7b", "gpt-4", r)).join("\n") + "\n");
  const a = score("--format", "alpacare", first, last, "--json");
  assert.equal(a.code, 0, a.err);
  const j = JSON.parse(a.out);
  assert.equal(j.model, "AlpaCare-7b");
  assert.equal(j.reference, "gpt-4");
  assert.equal(j.winRate, 75);
  assert.equal(j.n, 3);
  assert.equal(j.unparsed, 1);
  assert.equal(j.flipRate, 2 / 3);
  assert.equal(j.tieRate, 1 / 7);
  assert.equal(j.ci95.length, 2);
  assert.ok(typeof j.standardError === "number");
  const f = JSON.parse(score("--format", "alpacare", "--policy", "fastchat", first, last, "--json").out);
  assert.equal(f.winRate, ((1 + 0.5 + 0.5) / 3) * 100);
  const text = score("--format", "alpacare", first, last, "--unparsed");
  assert.match(text.out, /winRate 75\.00%/);
  assert.match(text.out, /unparsed 3 referenceFirst: "Output \(b\) because"/);

  const ann = join(dir, "annotations.json");
  writeFileSync(ann, JSON.stringify([2, 1, 1.5, 0, null, 2].map((p) => ({ instruction: "", output_1: "", generator_1: "gpt4", output_2: "", generator_2: "m", annotator: "x", preference: p }))));
  const e = JSON.parse(score("--format", "alpaca-eval", ann, "--json").out);
  assert.equal(e.winRate, ((1 + 0 + 0.5 + 0.5 + 1) / 5) * 100);
  assert.equal(e.n, 5);
  assert.equal(e.unparsed, 1);
  assert.equal(e.flipRate, null);
  assert.equal(e.tieRate, 2 / 5);

  // Native verdict file -> exported AlpacaEval annotations and upstream files score the same.
  const native = join(dir, "native.jsonl");
  writeJsonl(native, readAlpacareComparisonFiles({ referenceFirst: first, referenceLast: last }));
  const exp = score(native, "--export-alpaca-eval", join(dir, "ae"), "--export-alpacare", join(dir, "ac"), "--json");
  assert.equal(exp.code, 0, exp.err);
  assert.equal(JSON.parse(exp.out).winRate, 75);
  const back = JSON.parse(score("--format", "alpaca-eval", join(dir, "ae", "AlpaCare-7b__unknown__gpt-4__gpt-3.5-turbo", "annotations.json"), "--json").out);
  assert.equal(back.winRate, 75);
  const files = ["first", "last"].map((o) => join(dir, "ac", "unknown", "gpt-4", `AlpaCare-7b_gpt-3.5-turbo_reference_${o}.jsonl`));
  assert.equal(JSON.parse(score("--format", "alpacare", ...files, "--json").out).winRate, 75);

  const bad = score("--format", "nope", first);
  assert.equal(bad.code, 2);
  const none = score("--run", "empty");
  assert.equal(none.code, 2);
  assert.match(none.err, /no verdicts/);
});
