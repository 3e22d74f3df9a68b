#!/usr/bin/env node
// Git "clean" filter for notebooks/*.ipynb (set up by `npm install` / `npm run setup`; see .gitattributes): git
// stores every notebook without outputs, execution counts or kernel-written metadata, whatever was saved in the
// working copy, so running a notebook interactively never dirties `git status` and never commits the 4.8 MB Plotly
// bundle or a figure picture. Reads the notebook on stdin, writes the stripped one on stdout. Dependency-free on
// purpose: git runs it on every status/add, before or without a build.
//   node scripts/nbstrip.mjs < notebooks/01-seed-analysis.ipynb
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Cell metadata a person sets and git keeps; everything else (execution timings, run status...) is dropped. */
const KEPT_CELL_METADATA = ["scrolled", "tags", "editable", "deletable", "slideshow"];

/** Sort object keys recursively, as Jupyter does when it saves (`json.dumps(sort_keys=True)`), so diffs stay stable. */
function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted(value[k])]));
  }
  return value;
}

/** The notebook text without outputs: Jupyter's own layout (one-space indent, sorted keys, final newline). */
export function stripNotebook(text) {
  const nb = JSON.parse(text);
  for (const cell of nb.cells ?? []) {
    if (cell.cell_type === "code") {
      cell.outputs = [];
      cell.execution_count = null;
    }
    const meta = cell.metadata ?? {};
    cell.metadata = Object.fromEntries(KEPT_CELL_METADATA.filter((k) => k in meta).map((k) => [k, meta[k]]));
  }
  // The kernel rewrites language_info on every save (its version string differs from run to run); the kernelspec
  // alone says which kernel opens the notebook.
  nb.metadata = nb.metadata?.kernelspec ? { kernelspec: nb.metadata.kernelspec } : {};
  return JSON.stringify(sorted(nb), null, 1) + "\n";
}

/** True when the notebook text holds anything {@link stripNotebook} would remove. */
export function hasOutputs(text) {
  return stripNotebook(text) !== text;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const input = readFileSync(0, "utf8");
  try {
    process.stdout.write(stripNotebook(input));
  } catch (e) {
    // Not JSON (a merge conflict, a half-written file): pass it through unchanged rather than lose it, and say so.
    process.stderr.write(`nbstrip: left as is (not a notebook: ${e.message})\n`);
    process.stdout.write(input);
  }
}
