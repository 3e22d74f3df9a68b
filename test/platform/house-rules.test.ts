// The house rules a newcomer relies on (CONTRIBUTING.md), checked so they stay true: each stage's index lists its
// exports by name (and nothing else re-exports), stages meet only through each other's index, long files say why,
// primitives are defined once on the ground floor, notebooks keep no private copies of library helpers, and nothing
// points at documents outside the repository.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { projectRoot } from "../../src/core/index.js";

const src = join(projectRoot, "src");
const walk = (dir: string, out: string[] = []): string[] => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
};
const sources = walk(src).filter((f) => f.endsWith(".ts"));
const rel = (f: string) => relative(projectRoot, f);

const stageOf = (f: string) => relative(src, f).split(/[\\/]/)[0]!;
const isStageIndex = (f: string) => /^[a-z-]+[\\/]index\.ts$/.test(relative(src, f));

test("every stage's index.ts exports by name: no export *, no aliases", () => {
  const stages = readdirSync(src).filter((d) => statSync(join(src, d)).isDirectory() && d !== "cli");
  for (const stage of stages) {
    const text = readFileSync(join(src, stage, "index.ts"), "utf8");
    assert.doesNotMatch(text, /export \*/, `src/${stage}/index.ts re-exports a whole module`);
    assert.doesNotMatch(text.replace(/\/\*[\s\S]*?\*\//g, ""), /\b\w+ as \w+\b/, `src/${stage}/index.ts renames an export`);
  }
  // Only src/index.ts flattens the stage indexes with `export *`; only a stage's index.ts re-exports names from
  // another module. Everything else exports what it defines, so a name has one home.
  for (const f of sources) {
    if (rel(f) === join("src", "index.ts")) continue;
    const text = readFileSync(f, "utf8");
    assert.doesNotMatch(text, /^\s*export\s+(type\s+)?\*/m, `${rel(f)} re-exports a whole module (export *)`);
    if (!isStageIndex(f)) assert.doesNotMatch(text, /^\s*export\s+(type\s+)?\{[^}]*\}\s*from\s/m, `${rel(f)} re-exports another module's names`);
  }
});

test("stages import each other only through the other stage's index.ts", () => {
  for (const f of sources) {
    if (rel(f) === join("src", "index.ts")) continue;
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(/\bfrom\s+"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)/g)) {
      const target = join(dirname(f), (m[1] ?? m[2])!);
      if (stageOf(target) === stageOf(f)) continue;
      assert.ok(isStageIndex(target.replace(/\.js$/, ".ts")), `${rel(f)} imports ${m[1] ?? m[2]}: go through ${stageOf(target)}'s index.ts`);
    }
  }
});

test("a file over 350 lines says in its header why it is not split", () => {
  for (const f of sources) {
    const text = readFileSync(f, "utf8");
    if (text.split("\n").length <= 350) continue;
    const header = text.slice(0, text.indexOf("*/") + 2);
    assert.match(header, /why this file is long/i, `${rel(f)} has ${text.split("\n").length} lines and no reason in its header`);
  }
});

test("primitives are defined once, in src/core", () => {
  const primitives = ["escapeHtml", "escapePlotlyText", "scriptJson", "tableHtml", "medianOfFinite", "meanOfFinite", "quantileSorted", "bootstrapMeans", "roundTo", "wordCount", "clipText", "mulberry32", "npSum", "nanMean"];
  for (const name of primitives) {
    const where = sources.filter((f) => new RegExp(`\\bfunction ${name}\\b|\\bconst ${name}\\s*=`).test(readFileSync(f, "utf8")));
    assert.equal(where.length, 1, `${name} is defined in ${where.map(rel).join(", ") || "no file"}`);
    assert.match(rel(where[0]!), /^src\/core\//, `${name} lives in ${rel(where[0]!)}, not on the ground floor`);
  }
  // Private copies under another name: an HTML escaper or a median written out again.
  for (const f of sources.filter((f) => !rel(f).startsWith("src/core/"))) {
    const text = readFileSync(f, "utf8");
    assert.doesNotMatch(text, /\.replace\(\/&\/g, "&amp;"\)/, `${rel(f)} escapes HTML by hand (use escapeHtml / escapePlotlyText from core)`);
    assert.doesNotMatch(text, /function median\w*\(/, `${rel(f)} defines a median (use medianOfFinite from core)`);
  }
});

test("notebooks keep no private copies of library helpers", () => {
  const helpers = ["esc", "escapeHtml", "show", "table", "median", "wordCount", "words", "clip", "fmt", "pct", "rate", "histogramGrid", "examplePairs"];
  const dir = join(projectRoot, "notebooks");
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".ipynb"))) {
    const nb = JSON.parse(readFileSync(join(dir, name), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
    nb.cells.forEach((cell, i) => {
      if (cell.cell_type !== "code") return;
      const code = ([] as string[]).concat(cell.source).join("");
      for (const h of helpers) assert.doesNotMatch(code, new RegExp(`(function\\s+${h}\\b|(const|let)\\s+${h}\\s*=\\s*(async\\s*)?\\()`), `${name} cell ${i} defines its own ${h}`);
    });
  }
});

test("nothing points at documents outside the repository", () => {
  const files = [...walk(src), ...walk(join(projectRoot, "docs")), ...readdirSync(join(projectRoot, "notebooks")).filter((n) => n.endsWith(".ipynb")).map((n) => join(projectRoot, "notebooks", n)), join(projectRoot, "README.md"), join(projectRoot, "CONTRIBUTING.md")];
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    assert.ok(!/\b(PAPER|TOOLCHAIN|DESIGN)\.md\b/.test(text), `${rel(f)} cites a document the repository does not have`);
  }
});
