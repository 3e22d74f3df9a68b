#!/usr/bin/env node
// The main job (`npm start`): rebuild the library, execute every notebook headless in order (`alpacare notebooks`),
// regenerate the paper's figures (`alpacare figures`), and write `figures/index.html`, a gallery of every figure
// with its caption and provenance. Exits non-zero when any step failed, after doing all the others it can.
// Extra arguments go to `alpacare notebooks` (e.g. `npm start -- --only 01,03`).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const started = Date.now();
const say = (msg) => process.stdout.write(`\nmain job: ${msg}\n`);
const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)}s`;
const failures = [];

function run(label, args) {
  const t = Date.now();
  say(`${label} ...`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  const ok = r.status === 0;
  say(`${label}: ${ok ? "ok" : `FAILED (exit ${r.status ?? r.signal})`} in ${secs(t)}`);
  return ok;
}

// 1. Build: notebooks import the built library, so it must match src/.
// The same compiler as `npm run build`: TypeScript from devDependencies by its own path (npm links tslab's older
// TypeScript fork at node_modules/.bin/tsc).
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
if (!existsSync(tsc)) {
  process.stderr.write("main job: node_modules is missing: run `npm install` first\n");
  process.exit(1);
}
if (!run("build (tsc)", [tsc, "-p", "tsconfig.json"])) {
  process.stderr.write("main job: the build failed; fix the TypeScript errors above first\n");
  process.exit(1);
}

// 2. Every notebook, in order; keep going so one broken notebook does not hide the others' figures.
const cli = join(root, "bin", "alpacare.js");
if (!run("notebooks", [cli, "notebooks", "--keep-going", ...process.argv.slice(2)])) failures.push("notebooks");

// 3. The paper's figures (the figures stage's command), from the run notebook 05 judged into, so the gallery shows
//    what the notebooks produced (ALPACARE_FIGURES_RUN picks another run, e.g. one judged with a real judge).
const figuresCommand = join(root, "dist", "cli", "commands", "figures.js");
if (existsSync(figuresCommand) && readFileSync(figuresCommand, "utf8").includes("PLACEHOLDER")) {
  say("WARNING: `alpacare figures` is not built yet (placeholder); skipping the paper figures");
} else if (!run("figures", [cli, "figures", "--run", process.env.ALPACARE_FIGURES_RUN ?? "notebook-05"])) {
  failures.push("figures");
}

// 4. The gallery.
const { writeFigureIndex, galleryEntries } = await import(pathToFileURL(join(root, "dist", "figures", "gallery.js")).href);
const index = writeFigureIndex();
say(`wrote ${relative(root, index)} (${galleryEntries().length} figures)`);

say(`${failures.length ? `FAILED: ${failures.join(", ")}` : "done"} in ${secs(started)}. Open ${relative(root, index)} in a browser; executed notebooks are in notebooks/executed/.`);
process.exit(failures.length ? 1 : 0);
