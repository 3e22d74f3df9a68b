// scripts/setup.mjs guards: ALPACARE_SKIP_SETUP, the nested-call guard (the package depends on itself via "file:.",
// so npm may start postinstall again from inside set-up), and a copy installed as someone else's dependency.
// The full set-up path (apt, kernel, build, data) runs in CI through `.ci/run` (`npm ci` runs it as postinstall).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { projectRoot } from "../../src/core/paths.js";

const setup = join(projectRoot, "scripts", "setup.mjs");
const run = (script: string, env: Record<string, string>) =>
  spawnSync(process.execPath, [script], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 });

test("ALPACARE_SKIP_SETUP=1 skips everything", () => {
  const r = run(setup, { ALPACARE_SKIP_SETUP: "1" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /setup: skipped \(ALPACARE_SKIP_SETUP=1\)/);
});

test("a nested call (from inside set-up) returns at once, silently", () => {
  const r = run(setup, { ALPACARE_SETUP_RUNNING: "1" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "");
});

const tmp = mkdtempSync(join(tmpdir(), "alpacare-setup-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

test("a copy installed as another project's dependency does nothing", () => {
  const pkg = join(tmp, "app", "node_modules", "alpacare-workbench");
  mkdirSync(join(pkg, "scripts"), { recursive: true });
  copyFileSync(setup, join(pkg, "scripts", "setup.mjs"));
  writeFileSync(join(pkg, "package.json"), readFileSync(join(projectRoot, "package.json")));
  const r = run(join(pkg, "scripts", "setup.mjs"), { ALPACARE_SETUP_RUNNING: "", ALPACARE_SKIP_SETUP: "" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /skipped \(installed as a dependency/);
  assert.ok(!existsSync(join(pkg, ".jupyter")), "no kernel registered inside the dependency");
});

test("a folder that is not this project is left alone", () => {
  const other = join(tmp, "other");
  mkdirSync(join(other, "scripts"), { recursive: true });
  copyFileSync(setup, join(other, "scripts", "setup.mjs"));
  writeFileSync(join(other, "package.json"), JSON.stringify({ name: "something-else" }));
  const r = run(join(other, "scripts", "setup.mjs"), { ALPACARE_SETUP_RUNNING: "", ALPACARE_SKIP_SETUP: "" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /skipped \(not the alpacare-workbench project\)/);
});

test("the project's tslab kernel is registered inside the project and points at its own tslab", () => {
  const spec = JSON.parse(readFileSync(join(projectRoot, ".jupyter", "share", "jupyter", "kernels", "tslab", "kernel.json"), "utf8"));
  assert.equal(spec.argv[0], join(projectRoot, "node_modules", ".bin", "tslab"));
  assert.equal(spec.language, "typescript");
});
