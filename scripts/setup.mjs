#!/usr/bin/env node
// Project set-up, run by `npm install` / `npm ci` (postinstall) and by `npm run setup`. Idempotent and quick when
// everything is in place. Steps:
//   1. system packages: Jupyter (nbconvert, nbclient, ipykernel), Chromium, Liberation fonts. Installed with apt-get
//      when running as root; otherwise a message names the command to run (and set-up goes on).
//   2. register the tslab kernel inside the project (.jupyter/, used via JUPYTER_PATH), not in the user's Jupyter.
//   3. build the library (tsc -> dist/), skipped when the last clean build is newer than every file in src/.
//   4. acquire the data (`alpacare data`: from a local mirror or by download, SHA-1 verified).
//   (and, in a git work tree, the clean filter that keeps notebook outputs out of git: scripts/nbstrip.mjs)
// ALPACARE_SKIP_SETUP=1 skips everything. The package depends on itself ("file:."), so npm may start this script
// more than once and from odd places: it runs only in the project's own folder and never inside itself.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const started = Date.now();
const say = (msg) => process.stdout.write(`setup: ${msg}\n`);
const warn = (msg) => process.stderr.write(`setup: WARNING: ${msg}\n`);

/** The Debian packages the workbench needs (docs/toolchain.md#system-packages), plus the classic notebook UI and nltk for fixtures. */
const APT_PACKAGES = [
  "jupyter-nbconvert",
  "python3-nbclient",
  "jupyter-client",
  "python3-ipykernel",
  "python3-nbformat",
  "jupyter-core",
  "chromium",
  "fonts-liberation",
  "jupyter-notebook",
  "python3-nltk",
];
const APT_COMMAND = `apt-get update && apt-get install -y --no-install-recommends ${APT_PACKAGES.join(" ")}`;
const PYTHON = "/usr/bin/python3";

function shouldRun() {
  if (process.env.ALPACARE_SKIP_SETUP === "1") return "ALPACARE_SKIP_SETUP=1";
  if (process.env.ALPACARE_SETUP_RUNNING === "1") return "already running (nested call)";
  if (root.split(sep).includes("node_modules")) return "installed as a dependency, not the project itself";
  if (process.env.npm_config_global === "true") return "global install";
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    if (pkg.name !== "alpacare-workbench") return "not the alpacare-workbench project";
  } catch {
    return "no package.json";
  }
  return undefined;
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, {
    cwd: root,
    stdio: opts.capture ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
    encoding: "utf8",
    env: { ...process.env, ALPACARE_SETUP_RUNNING: "1", DEBIAN_FRONTEND: "noninteractive", ...(opts.env ?? {}) },
  });
}

/** What is missing among the system pieces; `required` ones break notebooks/figures, the others only `npm run lab`. */
function missingSystem() {
  const missing = [];
  for (const [path, what] of [
    ["/usr/bin/jupyter", "jupyter-core"],
    ["/usr/bin/jupyter-nbconvert", "jupyter-nbconvert"],
    ["/usr/bin/chromium", "chromium"],
    ["/usr/share/fonts/truetype/liberation", "fonts-liberation"],
    ["/usr/bin/jupyter-notebook", "jupyter-notebook (for npm run lab)"],
  ]) {
    if (!existsSync(path)) missing.push(what);
  }
  if (existsSync(PYTHON)) {
    const probe = run(
      PYTHON,
      ["-c", "import importlib.util as u\nfor m in ['nbclient','ipykernel','nbformat','jupyter_client','nltk']:\n  print(m) if u.find_spec(m) is None else None"],
      { capture: true },
    );
    for (const m of (probe.stdout ?? "").split("\n").filter(Boolean)) missing.push(`python3 module ${m}`);
  } else {
    missing.push(PYTHON);
  }
  return missing;
}

function systemPackages() {
  const missing = missingSystem();
  if (missing.length === 0) return say("system packages ok (jupyter nbconvert, nbclient, ipykernel, chromium, fonts-liberation)");
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || !existsSync("/usr/bin/apt-get")) {
    warn(
      `missing: ${missing.join(", ")}.\n` +
        `  Notebooks need Jupyter and figure export needs Chromium. Install them with (as root):\n    ${APT_COMMAND}\n` +
        `  then run \`npm run setup\` again.`,
    );
    return;
  }
  say(`missing ${missing.join(", ")}: installing with apt-get (about a minute)`);
  const t = Date.now();
  const update = run("apt-get", ["update", "-q"]);
  const install = update.status === 0 ? run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...APT_PACKAGES]) : update;
  if (install.status !== 0) {
    warn(`apt-get failed (exit ${install.status}); run by hand: ${APT_COMMAND}`);
    return;
  }
  const still = missingSystem();
  if (still.length) warn(`still missing after apt-get: ${still.join(", ")}`);
  else say(`system packages installed in ${((Date.now() - t) / 1000).toFixed(0)}s`);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function build() {
  // A stamp written only after a clean build: tsc also emits when it reports errors, so dist/ alone proves nothing.
  const marker = join(root, "dist", ".build-ok");
  const sources = Math.max(newestMtime(join(root, "src")), statSync(join(root, "tsconfig.json")).mtimeMs);
  if (existsSync(marker) && statSync(marker).mtimeMs >= sources) return say("dist/ up to date");
  // The same compiler as `npm run build`: TypeScript from devDependencies by its own path (npm links tslab's
  // older TypeScript fork at node_modules/.bin/tsc).
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc)) throw new Error("node_modules/typescript is missing: run `npm install` first");
  const t = Date.now();
  const r = run(process.execPath, [tsc, "-p", "tsconfig.json"]);
  if (r.status !== 0) throw new Error(`the TypeScript build failed (exit ${r.status}); see the errors above`);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  say(`built dist/ with tsc in ${((Date.now() - t) / 1000).toFixed(1)}s`);
}

function kernel() {
  const prefix = join(root, ".jupyter");
  const binary = join(root, "node_modules", ".bin", "tslab");
  const spec = join(prefix, "share", "jupyter", "kernels", "tslab", "kernel.json");
  if (existsSync(spec)) {
    try {
      if (JSON.parse(readFileSync(spec, "utf8")).argv?.[0] === binary) return say("tslab kernel registered in .jupyter/ (JUPYTER_PATH=.jupyter/share/jupyter)");
    } catch {
      // unreadable spec: register again
    }
  }
  if (!existsSync(binary)) throw new Error("node_modules/.bin/tslab is missing: run `npm install` first");
  if (!existsSync(PYTHON)) return warn(`${PYTHON} not found: cannot register the tslab kernel (install Jupyter: ${APT_COMMAND})`);
  const r = run(binary, ["install", `--python=${PYTHON}`, `--binary=${binary}`, `--prefix=${prefix}`], { capture: true });
  if (r.status !== 0) {
    return warn(`tslab kernel registration failed: ${(r.stderr || r.stdout || "").trim()}\n  Install Jupyter (${APT_COMMAND}) and run \`npm run setup\` again.`);
  }
  say(`registered the tslab kernel in ${relative(root, prefix)}/ (JUPYTER_PATH=.jupyter/share/jupyter)`);
}

function data() {
  const t = Date.now();
  const r = run(process.execPath, [join(root, "bin", "alpacare.js"), "data", "--quiet"]);
  if (r.status === 0) return say(`data acquired and verified in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  const command = join(root, "dist", "cli", "commands", "data.js");
  if (existsSync(command) && readFileSync(command, "utf8").includes("PLACEHOLDER")) {
    return warn("`alpacare data` is not built yet (placeholder); no data acquired");
  }
  throw new Error(`\`alpacare data\` failed (exit ${r.status}); see above. Fix it, then run \`npm run setup\` again.`);
}

/**
 * The embedded default model: on a machine with internet, download the small instruction model (Qwen2.5-0.5B-Instruct
 * Q4_K_M, ~490 MB, SHA-256 checked) into the git-ignored models/. Offline (or in CI, or with ALPACARE_OFFLINE=1) the
 * workbench falls back to the stories260K test model and says so wherever it is used. Never fatal.
 */
async function model() {
  if (process.env.ALPACARE_MODEL) return say(`default local model: ALPACARE_MODEL=${process.env.ALPACARE_MODEL}`);
  if (process.env.CI === "true" || process.env.ALPACARE_OFFLINE === "1") {
    return say("default local model: not downloaded (CI/offline); the stories260K test model stands in (it cannot follow instructions)");
  }
  const lib = await import(pathToFileURL(join(root, "dist", "index.js")).href);
  const target = join(root, "models", lib.DEFAULT_DOWNLOAD.file);
  if (existsSync(target)) return say(`default local model: ${relative(root, target)}`);
  try {
    const path = await lib.downloadDefaultModel({ signal: AbortSignal.timeout(30 * 60 * 1000) });
    say(`downloaded the default local model to ${relative(root, path)}`);
  } catch (e) {
    warn(
      `could not download the default local model (${e instanceof Error ? e.message : String(e)}); using the stories260K ` +
        "test model, which cannot follow instructions. Set ALPACARE_MODEL=<file.gguf> or an API provider for real results.",
    );
  }
}

/**
 * Register the git filter named in .gitattributes (scripts/nbstrip.mjs): notebooks go into git without outputs.
 * Only in the project's own git work tree (a tarball or a parent repository is left alone).
 */
function gitFilter() {
  const top = run("git", ["rev-parse", "--show-toplevel"], { capture: true });
  if (top.status !== 0 || resolve(top.stdout.trim()) !== root) return say("git filter: not a git work tree, skipped");
  const command = "node scripts/nbstrip.mjs";
  const current = run("git", ["config", "--local", "--get", "filter.alpacare-nbstrip.clean"], { capture: true });
  if (current.status === 0 && current.stdout.trim() === command) return say("git filter: notebooks are committed without outputs");
  const set = run("git", ["config", "--local", "filter.alpacare-nbstrip.clean", command], { capture: true });
  if (set.status !== 0) return warn(`could not register the notebook output filter: ${set.stderr.trim()} (run: git config filter.alpacare-nbstrip.clean "${command}")`);
  say("git filter: registered (notebooks/*.ipynb are committed without outputs)");
}

const skip = shouldRun();
if (skip !== undefined) {
  if (process.env.ALPACARE_SETUP_RUNNING !== "1") say(`skipped (${skip})`);
  process.exit(0);
}
process.env.ALPACARE_SETUP_RUNNING = "1";
try {
  systemPackages();
  gitFilter();
  kernel();
  build();
  data();
  await model();
  say(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
} catch (e) {
  process.stderr.write(`setup: FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
