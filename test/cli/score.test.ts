/** `alpacare score` carries the AlpacaFarm reference substitution beside the number (text and JSON). */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";

const root = join(import.meta.dirname, "..", "..");
const dataDir = mkdtempSync(join(tmpdir(), "alpacare-cli-score-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function record(testSet: string, itemId: string, order: "referenceFirst" | "referenceLast", raw: string, v: number | null) {
  const [model1, model2] = order === "referenceFirst" ? ["gpt-4", "AlpaCare-7b"] : ["AlpaCare-7b", "gpt-4"];
  return {
    schema: "alpacare-verdict/1", itemId, index: Number(itemId), model: "AlpaCare-7b", reference: "gpt-4", testSet, order, model1, model2,
    judge: { provider: "openai", model: "gpt-3.5-turbo" }, template: { name: "chatgpt", hash: "091c6532af93" }, raw,
    verdict: { alpacare: v, robust: v }, modelOutputChars: 10, referenceOutputChars: 10, cacheKey: `k${testSet}${itemId}${order}`, cached: false,
    finishReason: "stop", usage: { inputTokens: 1, outputTokens: 1 }, timestamp: "2026-01-01T00:00:00.000Z",
  };
}

it("score: AlpacaFarm groups say their references are AlpacaEval's; AlpaCare's own test sets carry no note", () => {
  const dir = join(dataDir, "runs", "s", "verdicts");
  mkdirSync(dir, { recursive: true });
  for (const t of ["AlpacaFarm", "MedInstruct-test"]) {
    const recs = [record(t, "0", "referenceFirst", "Output (b)", 1), record(t, "0", "referenceLast", "Output (b)", 0)];
    writeFileSync(join(dir, `AlpaCare-7b__${t}__gpt-4__gpt-3.5-turbo__chatgpt.jsonl`), recs.map((r) => JSON.stringify(r)).join("\n") + "\n");
  }
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), "score", "--run", "s", ...args], {
      cwd: root, env: { ...process.env, ALPACARE_DATA_DIR: dataDir }, encoding: "utf8", timeout: 60_000,
    });
  const text = run();
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /on AlpacaFarm[^\n]*\n[^\n]*winRate 50\.00%[^\n]*\n  note: AlpaCare did not publish its AlpacaFarm references; these are AlpacaEval's gpt4 outputs/);
  assert.equal((text.stdout.match(/note:/g) ?? []).length, 1);
  const json = JSON.parse(run("--json").stdout) as { results: { testSet: string; referenceSubstitution?: string }[] };
  assert.match(json.results.find((r) => r.testSet === "AlpacaFarm")!.referenceSubstitution!, /AlpacaEval's gpt4/);
  assert.equal(json.results.find((r) => r.testSet === "MedInstruct-test")!.referenceSubstitution, undefined);
});
