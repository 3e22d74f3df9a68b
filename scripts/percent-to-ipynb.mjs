#!/usr/bin/env node
// Build a .ipynb (tslab kernel) from a "percent" script: cells start with `// %%` (code) or `// %% [markdown]`
// (markdown; each line's leading `// ` is removed). Usage: node scripts/percent-to-ipynb.mjs in.ts out.ipynb
// Notebooks are committed as .ipynb without outputs; this only saves writing notebook JSON by hand.
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: percent-to-ipynb.mjs in.ts out.ipynb");
  process.exit(2);
}
const cells = [];
let cur = null;
for (const line of readFileSync(input, "utf8").split("\n")) {
  const m = /^\/\/ %%(.*)$/.exec(line);
  if (m) {
    cur = { type: m[1].includes("[markdown]") ? "markdown" : "code", lines: [] };
    cells.push(cur);
    continue;
  }
  if (!cur) continue;
  cur.lines.push(cur.type === "markdown" ? line.replace(/^\/\/ ?/, "") : line);
}
const nb = {
  cells: cells.map((c) => {
    while (c.lines.length && c.lines[c.lines.length - 1].trim() === "") c.lines.pop();
    while (c.lines.length && c.lines[0].trim() === "") c.lines.shift();
    const source = c.lines.map((l, i) => (i < c.lines.length - 1 ? l + "\n" : l));
    return c.type === "markdown"
      ? { cell_type: "markdown", metadata: {}, source }
      : { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source };
  }),
  metadata: {
    kernelspec: { display_name: "TypeScript", language: "typescript", name: "tslab" },
    language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript", version: "5" },
  },
  nbformat: 4,
  nbformat_minor: 4,
};
writeFileSync(output, JSON.stringify(nb, null, 1) + "\n");
