/** `generate-responses` / `export` on a run with no kept tasks fail loudly instead of "succeeding" on nothing. */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";

const root = join(import.meta.dirname, "..", "..");
const dataDir = mkdtempSync(join(tmpdir(), "alpacare-cli-runs-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), ...args], {
    cwd: root,
    env: { ...process.env, ALPACARE_DATA_DIR: dataDir },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("run checks", () => {
  it("a run that does not exist: exit 1, names the file and the command to run, creates nothing", () => {
    for (const args of [["export", "--run", "nope"], ["generate-responses", "--run", "nope", "--provider", "openai", "--model", "gpt-3.5-turbo"]]) {
      const r = cli(args);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /nope[/\\]tasks\.jsonl: no generation run "nope" .*alpacare generate-tasks --run nope/);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    assert.equal(existsSync(join(dataDir, "runs", "nope")), false);
  });

  it("a started run with no kept task says so; a run with tasks goes on", () => {
    mkdirSync(join(dataDir, "runs", "started"), { recursive: true });
    writeFileSync(join(dataDir, "runs", "started", "config.json"), "{}\n");
    const r = cli(["export", "--run", "started"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /run "started" has no kept tasks yet/);
    writeFileSync(join(dataDir, "runs", "started", "tasks.jsonl"), "");
    const ok = cli(["export", "--run", "started"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(readdirSync(join(dataDir, "runs", "started", "export")).sort(), ["README.md", "medinstruct.json", "medinstruct.jsonl"]);
  });

  it("figures --run NAME with no such run: exit 1 before drawing anything (the gallery is left alone)", () => {
    const figs = mkdtempSync(join(tmpdir(), "alpacare-cli-figs-"));
    try {
      const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), "figures", "--only", "2a", "--run", "nope"], {
        cwd: root, env: { ...process.env, ALPACARE_DATA_DIR: dataDir, ALPACARE_FIGURES_DIR: figs }, encoding: "utf8", timeout: 60_000,
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /nope: no such run \(runs with verdicts: none yet/);
      assert.deepEqual(readdirSync(figs), []);
    } finally {
      rmSync(figs, { recursive: true, force: true });
    }
  });
});
