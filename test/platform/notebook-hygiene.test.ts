// Notebooks stay without outputs in git whatever a researcher does: the clean filter (scripts/nbstrip.mjs, named in
// .gitattributes and registered by `npm install`) strips outputs, execution counts and kernel-written metadata, and
// what git holds for every notebook is already stripped (a failure names the notebook and the fix).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, test } from "node:test";
import { projectRoot } from "../../src/core/paths.js";
import { listNotebooks } from "../../src/cli/notebooks-runner.js";
// @ts-expect-error: a dependency-free .mjs script (git runs it before any build), no type declarations
import { hasOutputs, stripNotebook } from "../../scripts/nbstrip.mjs";

const git = (...args: string[]) => spawnSync("git", args, { cwd: projectRoot, encoding: "utf8" });
const inGit = existsSync(join(projectRoot, ".git")) && git("rev-parse", "--show-toplevel").status === 0;

describe("notebook outputs stay out of git", () => {
  test("stripNotebook removes outputs, counts and volatile metadata, keeps sources and scroll settings; idempotent", () => {
    const nb = {
      nbformat: 4,
      nbformat_minor: 4,
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" }, language_info: { name: "typescript", version: "3.7.2" } },
      cells: [
        { cell_type: "markdown", metadata: {}, source: ["# Title"] },
        {
          cell_type: "code",
          execution_count: 7,
          metadata: { scrolled: false, alpacare: { status: "ok" }, execution: { "iopub.status.busy": "2026-11-30" } },
          outputs: [{ output_type: "display_data", data: { "text/html": "<script>" + "x".repeat(1000) + "</script>", "image/png": "iVBOR" }, metadata: {} }],
          source: ["const a = 1;\n", "a"],
        },
      ],
    };
    const out = stripNotebook(JSON.stringify(nb));
    const parsed = JSON.parse(out);
    assert.deepEqual(parsed.cells[1].outputs, []);
    assert.equal(parsed.cells[1].execution_count, null);
    assert.deepEqual(parsed.cells[1].metadata, { scrolled: false });
    assert.deepEqual(parsed.cells[1].source, ["const a = 1;\n", "a"]);
    assert.deepEqual(parsed.metadata, { kernelspec: nb.metadata.kernelspec });
    assert.equal(stripNotebook(out), out);
    assert.equal(hasOutputs(out), false);
    assert.equal(hasOutputs(JSON.stringify(nb)), true);
  });

  test("the filter as git runs it: stdin to stdout, and anything not JSON passes through unchanged", () => {
    const script = join(projectRoot, "scripts", "nbstrip.mjs");
    const conflict = "<<<<<<< HEAD\n{}\n=======\n";
    const r = spawnSync(process.execPath, [script], { input: conflict, encoding: "utf8" });
    assert.equal(r.status, 0);
    assert.equal(r.stdout, conflict);
    assert.match(r.stderr, /nbstrip: left as is/);
  });

  test("every notebook in the working tree is stripped as git stores it", () => {
    for (const file of listNotebooks()) {
      const text = readFileSync(file, "utf8");
      // What git would store (the filter's output) must be stable: stripping twice changes nothing.
      assert.equal(stripNotebook(stripNotebook(text)), stripNotebook(text), basename(file));
    }
  });

  test("git's index holds every notebook without outputs, and the clean filter is registered", { skip: !inGit && "not a git work tree" }, () => {
    const attr = git("check-attr", "filter", "--", "notebooks/01-seed-analysis.ipynb");
    assert.match(attr.stdout, /filter: alpacare-nbstrip/, "notebooks/*.ipynb must carry filter=alpacare-nbstrip (.gitattributes)");
    const configured = git("config", "--get", "filter.alpacare-nbstrip.clean").stdout.trim();
    assert.equal(configured, "node scripts/nbstrip.mjs", "the clean filter is not registered: run `npm run setup`");
    for (const file of listNotebooks()) {
      const rel = `notebooks/${basename(file)}`;
      const staged = git("show", `:${rel}`);
      if (staged.status !== 0) continue; // a new notebook not added yet
      assert.ok(!hasOutputs(staged.stdout), `${rel} is in git with outputs or kernel metadata: run \`npm run setup\`, then \`git add --renormalize ${rel}\``);
    }
  });
});
