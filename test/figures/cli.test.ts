// `alpacare figures` for real: headless Chromium exports Figure 2 (paper vs reproduced, from a verdict file in a run
// store) and the judge-free figures, writes the paper-vs-reproduced CSV and figures/index.html; the PNGs have ink in
// the paper's reference colours; bad flags are usage errors.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { appendJsonl, rawDir } from "../../src/core/index.js";
import { decodePng, pngInk } from "../../src/figures/png.js";
import type { VerdictRecord, VerdictScore } from "../../src/judge/index.js";

const root = mkdtempSync(join(tmpdir(), "alpacare-figcli-"));
const dataDir = join(root, "data");
const figDir = join(root, "figures");
const saved = { data: process.env.ALPACARE_DATA_DIR, figures: process.env.ALPACARE_FIGURES_DIR };

function restore(name: "ALPACARE_DATA_DIR" | "ALPACARE_FIGURES_DIR", v: string | undefined): void {
  if (v === undefined) delete process.env[name];
  else process.env[name] = v;
}

function record(index: number, order: "referenceFirst" | "referenceLast", v: VerdictScore): VerdictRecord {
  return {
    schema: "alpacare-verdict/1",
    itemId: String(index),
    index,
    model: "AlpaCare-7b",
    reference: "gpt-4",
    testSet: "iCliniq",
    order,
    model1: order === "referenceFirst" ? "gpt-4" : "AlpaCare-7b",
    model2: order === "referenceFirst" ? "AlpaCare-7b" : "gpt-4",
    judge: { provider: "local", model: "stories260K" },
    template: { name: "chatgpt", hash: "091c6532af93" },
    raw: "Output (b)",
    verdict: { alpacare: v, robust: v },
    timestamp: "2026-01-01T00:00:00.000Z",
  };
}

describe("alpacare figures", () => {
  let code: number;
  before(async () => {
    const raw = rawDir();
    mkdirSync(dataDir, { recursive: true });
    symlinkSync(raw, join(dataDir, "raw"));
    process.env.ALPACARE_DATA_DIR = dataDir;
    process.env.ALPACARE_FIGURES_DIR = figDir;
    const scores: VerdictScore[] = [1, 0, 1, 1, 0.5, 0, 1, 1, 0, 1];
    appendJsonl(
      join(dataDir, "runs", "clitest", "verdicts", "AlpaCare-7b__iCliniq__gpt-4__stories260K__chatgpt.jsonl"),
      scores.flatMap((s, i) => [record(i, "referenceFirst", s), record(i, "referenceLast", s)]),
    );
    code = await main(["figures", "--only", "2a,judgefree", "--run", "clitest", "--formats", "png,html", "--sample", "5"]);
  });
  after(() => {
    restore("ALPACARE_DATA_DIR", saved.data);
    restore("ALPACARE_FIGURES_DIR", saved.figures);
    rmSync(root, { recursive: true, force: true });
  });

  test("exports the selected figures, the table and the index", () => {
    assert.equal(code, 0);
    const files = readdirSync(figDir);
    for (const f of ["figure-2a.png", "figure-2a.html", "figure-2a-paper.png", "figure-differences.png", "paper-vs-reproduced.csv", "index.html", "06-beyond-length.png", "06-beyond-rank-agreement.png"]) {
      assert.ok(files.includes(f), `${f} in ${files.join(", ")}`);
    }
    assert.ok(!files.includes("figure-3.png"), "--only keeps to the selection");
    const csv = readFileSync(join(figDir, "paper-vs-reproduced.csv"), "utf8");
    const row = csv.split("\n").find((l) => l.startsWith("2a,iCliniq,AlpaCare-7b,AlpaCare,gpt-4,gpt-3.5-turbo,47.4,65,"))!;
    assert.ok(row, csv.slice(0, 400));
    assert.match(row, /,-?\d+(\.\d+)?,(true|false),10,0,local:stories260K,091c6532af93,alpacare,compared,judge stories260K for gpt-3\.5-turbo \(shut down 2026-10-23\)$/);
    const index = readFileSync(join(figDir, "index.html"), "utf8");
    assert.ok(index.includes("figure-2a.png") && index.includes("06-beyond-length.png"));
    const sidecar = JSON.parse(readFileSync(join(figDir, "figure-2a.json"), "utf8"));
    assert.match(sidecar.caption, /1 of 24 bars have verdicts/);
    assert.match(JSON.stringify(sidecar.provenance), /091c6532af93/);
  });

  test("the PNGs show the paper's reference colours", () => {
    const img = decodePng(readFileSync(join(figDir, "figure-2a-paper.png")));
    const ink = pngInk(img);
    assert.ok(ink.inkShare > 0.05, `ink ${ink.inkShare}`);
    for (const color of ["#D9D9D9", "#FFD966", "#A9D18E", "#9DC3E6"]) assert.ok(ink.colorShare(color, 8) > 0.003, `${color}: ${ink.colorShare(color, 8)}`);
    const rep = pngInk(decodePng(readFileSync(join(figDir, "figure-2a.png"))));
    assert.ok(rep.colorShare("#A9D18E", 8) > 0.0005, "the reproduced gpt-4 bar is drawn solid");
  });

  test("bad flags are usage errors", async () => {
    assert.equal(await main(["figures", "--policy", "majority"]), 2);
    assert.equal(await main(["figures", "--only", "fig9"]), 2);
    assert.equal(await main(["figures", "--sample", "0"]), 2);
    assert.ok(existsSync(figDir));
  });
});
