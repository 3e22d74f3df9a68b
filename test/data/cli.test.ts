/** `alpacare data` and `alpacare catalogue` end to end, as a user runs them (a child process per command). */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const root = join(import.meta.dirname, "..", "..");
const mirror = join(root, "..", "shared", "data");

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src", "cli", "main.ts"), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("alpacare data --quiet from a mirror prints one summary line; a corrupted mirror copy is refused (exit 1)", { skip: !existsSync(mirror) && "no mirror" }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "alpacare-cli-data-"));
  const fakeMirror = mkdtempSync(join(tmpdir(), "alpacare-cli-mirror-"));
  try {
    mkdirSync(join(fakeMirror, "paper"));
    copyFileSync(join(mirror, "paper", "figure-values.csv"), join(fakeMirror, "paper", "figure-values.csv"));
    const good = cli(["data", "--only", "paper/figure-values.csv", "--mirror", fakeMirror, "--quiet"], { ALPACARE_DATA_DIR: dataDir });
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stderr.trim().split("\n").length, 1, good.stderr);
    assert.match(good.stderr, /1 file\(s\) verified .*1 copied from the mirror/);

    rmSync(join(dataDir, "raw"), { recursive: true });
    const text = readFileSync(join(fakeMirror, "paper", "figure-values.csv"), "utf8");
    writeFileSync(join(fakeMirror, "paper", "figure-values.csv"), text.replace("38.8", "83.8"));
    const bad = cli(["data", "--only", "paper/figure-values.csv", "--mirror", fakeMirror], { ALPACARE_DATA_DIR: dataDir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /paper\/figure-values\.csv: the mirror copy .* refused/);
    assert.equal(existsSync(join(dataDir, "raw", "paper", "figure-values.csv")), false);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(fakeMirror, { recursive: true, force: true });
  }
});

test("alpacare catalogue --json lists test sets, references and all 14 models' outputs", () => {
  const r = cli(["catalogue", "--json", "--no-count"]);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { kind: string; name: string; source: string }[];
  assert.equal(rows.filter((x) => x.kind === "test set").length, 3);
  assert.equal(rows.filter((x) => x.kind === "reference").length, 12);
  assert.equal(new Set(rows.filter((x) => x.kind === "model outputs").map((x) => x.name)).size, 14);
  assert.equal(rows.filter((x) => x.kind === "model outputs").length, 42);
  assert.ok(rows.some((x) => x.kind === "other" && x.name === "MedInstruct-52k" && x.source === "download"));
});

test("bad flags are usage errors (exit 2)", () => {
  assert.equal(cli(["data", "--frobnicate"]).code, 2);
  assert.equal(cli(["data", "--mirror", "x", "--no-mirror"]).code, 2);
});

test("an --only pattern that selects no file is not a success (exit 1, says so)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "alpacare-cli-data-"));
  try {
    const r = cli(["data", "--only", "no/such/file-xyz.json", "--quiet"], { ALPACARE_DATA_DIR: dataDir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /no source matches "no\/such\/file-xyz\.json"/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
