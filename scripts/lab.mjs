#!/usr/bin/env node
// `npm run lab`: open Jupyter on notebooks/ with the project's TypeScript (tslab) kernel. Uses JupyterLab when it is
// installed, else the classic notebook (Debian's jupyter-notebook). Extra arguments go to Jupyter
// (e.g. `npm run lab -- --no-browser --port 8899`). The kernel is the one `npm run setup` registered in .jupyter/.
// Idle kernels with no open tab are culled after 10 minutes (ALPACARE_LAB_CULL_SECONDS to change). The project's
// notebooks/NN-*.ipynb are saved without outputs (scripts/jupyter_lab_config.py; ALPACARE_LAB_KEEP_OUTPUTS=1 keeps them).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const jupyterPath = join(root, ".jupyter", "share", "jupyter");
const kernel = join(jupyterPath, "kernels", "tslab", "kernel.json");
const fail = (msg) => {
  process.stderr.write(`lab: ${msg}\n`);
  process.exit(1);
};

const candidates = [
  ["/usr/bin/jupyter-lab", []],
  ["/usr/bin/jupyter-notebook", []],
];
const found = candidates.find(([bin]) => existsSync(bin));
if (!found) {
  fail(
    "Jupyter is not installed. As root: apt-get update && apt-get install -y --no-install-recommends jupyter-notebook " +
      "jupyter-nbconvert python3-ipykernel (or run `npm run setup` as root), then `npm run lab` again.",
  );
}
if (!existsSync(kernel)) fail("the project's tslab kernel is not registered (.jupyter/ is missing): run `npm run setup` first.");
if (!existsSync(join(root, "dist", "index.js"))) fail("the library is not built: run `npm run build` first (notebooks import it).");

const [bin] = found;
// Classic notebook options live under NotebookApp, JupyterLab's (jupyter_server) under ServerApp.
const app = bin.endsWith("jupyter-lab") ? "ServerApp" : "NotebookApp";
const kernels = "MappingKernelManager";
const plotlyDir = dirname(createRequire(import.meta.url).resolve("plotly.js-dist-min"));
const args = [
  `--notebook-dir=${join(root, "notebooks")}`,
  // Figures load Plotly from <base>/static/plotly.min.js when the page has none (after "clear all outputs", in an
  // executed copy): served from node_modules, offline.
  `--${app}.extra_static_paths=${JSON.stringify([plotlyDir])}`,
  // A kernel whose tab is closed is shut down after 10 idle minutes (each holds 160-420 MB); one still open is kept.
  `--${kernels}.cull_idle_timeout=${process.env.ALPACARE_LAB_CULL_SECONDS ?? 600}`,
  `--${kernels}.cull_interval=60`,
  `--${kernels}.cull_connected=False`,
  // The project's notebooks are saved without outputs, exactly as git holds them (see the file for why).
  `--config=${join(root, "scripts", "jupyter_lab_config.py")}`,
  ...process.argv.slice(2),
];
// Jupyter refuses to run as root without this (containers often run as root).
if (typeof process.getuid === "function" && process.getuid() === 0 && !args.includes("--allow-root")) args.push("--allow-root");
process.stdout.write(
  `lab: starting ${bin} on notebooks/ with the TypeScript kernel (JUPYTER_PATH=.jupyter/share/jupyter).\n` +
    "lab: after changing src/, run `npm run build` (or `npx tsc -w` in another terminal) and restart the kernel.\n",
);
const env = { ...process.env, JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(":") };
const child = spawn(bin, args, { cwd: root, env, stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
