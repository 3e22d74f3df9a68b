// Executes every notebook in notebooks/ headless (this is how CI runs them: `npm test`), and checks that the runner
// reports a failing cell with notebook, cell number and message, and scrubs API keys from saved outputs.
// Needs the built library (`npm run build`; `npm test` builds first) and the kernel from `npm run setup`.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { after, describe, test } from "node:test";
import { projectRoot } from "../../src/core/paths.js";
import { describeFailure, listNotebooks, runNotebook } from "../../src/cli/notebooks-runner.js";
import { findFirstFailure, type NotebookJson } from "../../src/cli/notebook-failures.js";
import { scrubSecrets } from "../../src/cli/notebook-secrets.js";

/** A tslab notebook from cell sources (tslab compiles relative to the notebook, so it must live inside the project). */
function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source) =>
      source.startsWith("# ")
        ? { cell_type: "markdown", metadata: {}, source }
        : { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source },
    ),
    metadata: { kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" } },
    nbformat: 4,
    nbformat_minor: 4,
  });
}

const scratchParent = join(projectRoot, ".jupyter");
mkdirSync(scratchParent, { recursive: true });
const scratch = mkdtempSync(join(scratchParent, "test-notebooks-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const quiet = { log: () => {}, html: false, timeoutSec: 120 };

describe("notebook runner", () => {
  test("lists NN-*.ipynb in number order and filters by --only", () => {
    const dir = join(scratch, "list");
    mkdirSync(dir);
    for (const f of ["10-ten.ipynb", "02-two.ipynb", "01-one.ipynb", "notes.ipynb", "03-three.txt"]) writeFileSync(join(dir, f), "{}");
    assert.deepEqual(listNotebooks(dir).map((p) => basename(p)), ["01-one.ipynb", "02-two.ipynb", "10-ten.ipynb"]);
    assert.deepEqual(listNotebooks(dir, ["10", "1"]).map((p) => basename(p)), ["01-one.ipynb", "10-ten.ipynb"]);
    assert.throws(() => listNotebooks(dir, ["07"]), /no notebook matches "07"/);
  });

  test("a compile error is reported with notebook, cell number and the compiler's message", async () => {
    const file = join(scratch, "91-type-error.ipynb");
    writeFileSync(
      file,
      notebook([
        "# A notebook that fails",
        'const ok: number = 1;\nconsole.log("fine", ok);',
        'console.error("a warning on stderr is not a failure");',
        '// the broken cell\nconst bad: number = "not a number";',
        'console.log("never runs");',
      ]),
    );
    const r = await runNotebook(file, quiet);
    assert.equal(r.ok, false);
    assert.ok(r.failure, `expected a cell failure, got ${JSON.stringify(r)}`);
    assert.equal(r.failure.notebook, "91-type-error.ipynb");
    assert.equal(r.failure.cell, 4);
    assert.equal(r.failure.codeCell, 3);
    assert.match(r.failure.message, /Type 'string' is not assignable to type 'number'/);
    const text = describeFailure(r);
    assert.match(text, /91-type-error\.ipynb, cell 4 \(code cell 3/);
    // the executed copy was written, with the earlier cells' outputs
    const executed = JSON.parse(readFileSync(r.executedPath!, "utf8")) as NotebookJson;
    assert.match(JSON.stringify(executed.cells[1]!.outputs), /fine/);
  });

  test("a runtime error names the thrown error; API keys never reach the saved outputs or the HTML", async () => {
    const file = join(scratch, "92-runtime-error.ipynb");
    const secret = "sk-test-" + "0123456789abcdef";
    writeFileSync(
      file,
      notebook([
        "console.log('key is', process.env.ALPACARE_TEST_API_KEY);",
        'function explode(): never { throw new RangeError("dose out of range: 12 mg/kg"); }\nexplode();',
      ]),
    );
    const r = await runNotebook(file, { ...quiet, html: true, env: { ...process.env, ALPACARE_TEST_API_KEY: secret } });
    assert.equal(r.ok, false);
    assert.equal(r.failure?.cell, 2);
    assert.equal(r.failure?.message, "RangeError: dose out of range: 12 mg/kg");
    const saved = readFileSync(r.executedPath!, "utf8");
    assert.ok(!saved.includes(secret), "the key leaked into the executed notebook");
    assert.match(saved, /\[redacted ALPACARE_TEST_API_KEY\]/);
    assert.ok(r.htmlPath, "HTML render written");
    assert.ok(!readFileSync(r.htmlPath!, "utf8").includes(secret), "the key leaked into the HTML render");
  });

  test("a notebook that passes is ok", async () => {
    const file = join(scratch, "93-ok.ipynb");
    writeFileSync(file, notebook(['import { figuresDir } from "alpacare-workbench";\nconsole.log(typeof figuresDir());']));
    const r = await runNotebook(file, quiet);
    assert.equal(r.ok, true, describeFailure(r));
    const executed = JSON.parse(readFileSync(r.executedPath!, "utf8")) as NotebookJson;
    assert.equal(findFirstFailure(executed), undefined);
    assert.match(JSON.stringify(executed.cells[0]!.outputs), /string/);
  });

  test("scrubSecrets replaces *_API_KEY values, raw and JSON-escaped", () => {
    const env = { OPENAI_API_KEY: 'sk-a"b\\c-123456', SHORT_API_KEY: "abc", PATH: "/usr/bin" };
    const text = `raw sk-a"b\\c-123456 json ${JSON.stringify('sk-a"b\\c-123456')} /usr/bin abc`;
    const out = scrubSecrets(text, env);
    assert.ok(!out.includes("123456"), out);
    assert.match(out, /\/usr\/bin abc$/);
  });
});

// Every notebook of the project, in order: this is what CI executes.
describe("project notebooks execute headless", () => {
  test("the project has its notebooks, starting with 01-seed-analysis", () => {
    assert.ok(listNotebooks().some((f) => basename(f) === "01-seed-analysis.ipynb"), "notebooks/01-seed-analysis.ipynb is missing");
  });
  for (const file of listNotebooks()) {
    test(basename(file), { timeout: 30 * 60_000 }, async () => {
      const r = await runNotebook(file, { log: (l) => process.stderr.write(l + "\n") });
      assert.ok(r.ok, describeFailure(r));
    });
  }
});
