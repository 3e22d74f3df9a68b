/**
 * Headless notebook runner: executes `notebooks/NN-*.ipynb` in order through Jupyter's nbconvert with the
 * project-local tslab kernel, writes executed copies and an HTML render to `notebooks/executed/`, and fails on the
 * first failing cell with the notebook, the cell number and the message.
 *
 * Why the extra machinery around nbconvert: tslab reports a failing cell to Jupyter with a bare error status (no
 * `ename`/`evalue`), puts the real message (compiler diagnostic or stack trace) in the cell's stderr stream, and
 * cancels the cells after it, which then come back empty. So the runner executes with `--allow-errors` and a small
 * nbconvert config whose `on_cell_executed` hook stamps each cell with the kernel's reply status
 * (`metadata.alpacare.status`: ok / error / abort); the first `error` cell is the failure and its stderr the message.
 * Reading that failure out of the .ipynb is notebook-failures.ts; scrubbing secrets from the copies, notebook-secrets.ts.
 */
import { spawn } from "node:child_process";
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { projectRoot } from "../core/index.js";
import {
  describeCell, findFirstFailure, indent, tail, type CellFailure, type NotebookJson,
} from "./notebook-failures.js";
import { scrubSecrets } from "./notebook-secrets.js";


/** Where the project registers its tslab kernel (`npm run setup`); passed to Jupyter as `JUPYTER_PATH`. */
export function projectJupyterPath(): string {
  return join(projectRoot, ".jupyter", "share", "jupyter");
}

/** The Jupyter executable: `ALPACARE_JUPYTER`, else Debian's `/usr/bin/jupyter` (a pyenv `python3` may lack Jupyter). */
export function jupyterBinary(): string {
  return process.env.ALPACARE_JUPYTER ?? "/usr/bin/jupyter";
}

/** The Python that runs Jupyter: `ALPACARE_PYTHON`, else the `python3` beside {@link jupyterBinary}. */
export function jupyterPython(): string {
  return process.env.ALPACARE_PYTHON ?? join(dirname(jupyterBinary()), "python3");
}

/** Options for {@link runNotebooks} / {@link runNotebook}. */
export interface NotebookRunOptions {
  /** Folder holding `NN-*.ipynb`. Default `<project>/notebooks`. */
  dir?: string;
  /** Only these notebooks, by number prefix (`"01"`, `"3"`) or file name. Default: all. */
  only?: string[];
  /** Per-cell timeout in seconds (nbconvert's `ExecutePreprocessor.timeout`). Default 1800. */
  timeoutSec?: number;
  /** Where executed copies and HTML renders go. Default `<dir>/executed`. */
  outDir?: string;
  /** Also write an HTML render of each executed notebook. Default true. */
  html?: boolean;
  /** Keep going after a failing notebook (default false: stop at the first failure). */
  keepGoing?: boolean;
  /** Progress lines (one per notebook); default writes to stderr. Pass `() => {}` to silence. */
  log?: (line: string) => void;
  /** Environment for Jupyter and the kernel. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The outcome of one notebook. */
export interface NotebookResult {
  notebook: string;
  ok: boolean;
  seconds: number;
  /** The executed copy (outputs scrubbed of API keys). */
  executedPath?: string;
  htmlPath?: string;
  /** Set when a cell failed. */
  failure?: CellFailure;
  /** Set when nbconvert itself failed (kernel missing or dead, timeout); the tail of its stderr. */
  error?: string;
}

/** Thrown by {@link assertNotebooksOk}; the message names notebook, cell and error. */
export class NotebookFailedError extends Error {
  readonly results: NotebookResult[];
  constructor(results: NotebookResult[]) {
    super(results.filter((r) => !r.ok).map(describeFailure).join("\n\n"));
    this.name = "NotebookFailedError";
    this.results = results;
  }
}

/** `notebooks/NN-*.ipynb` in number order, optionally filtered by `only` (number prefixes or file names). */
export function listNotebooks(dir: string = join(projectRoot, "notebooks"), only?: string[]): string[] {
  if (!existsSync(dir)) return [];
  const all = readdirSync(dir)
    .filter((f) => /^\d+-.*\.ipynb$/.test(f))
    .sort((a, b) => Number(a.split("-")[0]) - Number(b.split("-")[0]) || a.localeCompare(b));
  if (!only || only.length === 0) return all.map((f) => join(dir, f));
  const wanted = only.map((s) => s.trim()).filter(Boolean);
  const picked = all.filter((f) =>
    wanted.some((w) => f === w || f === `${w}.ipynb` || (/^\d+$/.test(w) && Number(f.split("-")[0]) === Number(w))),
  );
  const missing = wanted.filter(
    (w) => !all.some((f) => f === w || f === `${w}.ipynb` || (/^\d+$/.test(w) && Number(f.split("-")[0]) === Number(w))),
  );
  if (missing.length) throw new Error(`no notebook matches ${missing.map((m) => JSON.stringify(m)).join(", ")} in ${dir}`);
  return picked.map((f) => join(dir, f));
}

/** Execute the notebooks in order; resolves to one result per notebook run (stops after the first failure unless `keepGoing`). */
export async function runNotebooks(options: NotebookRunOptions = {}): Promise<NotebookResult[]> {
  const dir = options.dir ?? join(projectRoot, "notebooks");
  const log = options.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const files = listNotebooks(dir, options.only);
  if (files.length === 0) {
    log(`notebooks: none found in ${dir}`);
    return [];
  }
  const results: NotebookResult[] = [];
  for (const file of files) {
    const r = await runNotebook(file, { ...options, log });
    results.push(r);
    if (!r.ok && !options.keepGoing) break;
  }
  const ok = results.filter((r) => r.ok).length;
  const total = results.reduce((s, r) => s + r.seconds, 0);
  log(`notebooks: ${ok}/${files.length} ok in ${total.toFixed(1)}s${results.length < files.length ? ` (stopped after ${results.at(-1)?.notebook})` : ""}`);
  return results;
}

/** Throw {@link NotebookFailedError} when any result failed. */
export function assertNotebooksOk(results: NotebookResult[]): void {
  if (results.some((r) => !r.ok)) throw new NotebookFailedError(results);
}

/** Execute one notebook headless; never throws for a failing cell (see `failure` in the result). */
export async function runNotebook(file: string, options: NotebookRunOptions = {}): Promise<NotebookResult> {
  const log = options.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const notebook = basename(file);
  const outDir = options.outDir ?? join(dirname(resolve(file)), "executed");
  mkdirSync(outDir, { recursive: true });
  const stem = notebook.replace(/\.ipynb$/, "");
  const executedPath = join(outDir, `${stem}.ipynb`);
  const htmlPath = join(outDir, `${stem}.html`);
  const env = kernelEnv(options.env ?? process.env);
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;

  const kernelJson = join(projectJupyterPath(), "kernels", "tslab", "kernel.json");
  if (!existsSync(kernelJson)) {
    const error = `the project's tslab kernel is not registered (${kernelJson} is missing): run \`npm run setup\``;
    log(`${notebook}: FAILED (${error})`);
    return { notebook, ok: false, seconds: seconds(), error };
  }
  if (!existsSync(jupyterBinary())) {
    const error = `${jupyterBinary()} not found: install Jupyter (as root: apt-get install -y jupyter-nbconvert python3-nbclient python3-ipykernel), or run \`npm run setup\` as root`;
    log(`${notebook}: FAILED (${error})`);
    return { notebook, ok: false, seconds: seconds(), error };
  }

  const tmp = mkdtempSync(join(tmpdir(), "alpacare-nb-"));
  try {
    const config = join(tmp, "alpacare_nbconvert_config.py");
    writeFileSync(config, NBCONVERT_CONFIG);
    rmSync(executedPath, { force: true });
    const timeout = Math.max(1, Math.round(options.timeoutSec ?? 1800));
    const exec = await spawnCollect(
      jupyterBinary(),
      [
        "nbconvert",
        `--config=${config}`,
        "--to",
        "notebook",
        "--execute",
        "--allow-errors",
        "--ExecutePreprocessor.kernel_name=tslab",
        `--ExecutePreprocessor.timeout=${timeout}`,
        "--ExecutePreprocessor.startup_timeout=120",
        `--output-dir=${outDir}`,
        `--output=${stem}.ipynb`,
        resolve(file),
      ],
      env,
    );
    if (exec.code !== 0 || !existsSync(executedPath)) {
      const error = `nbconvert exited with ${exec.code ?? exec.signal}: ${tail(exec.stderr, 25)}`;
      log(`${notebook}: FAILED after ${seconds().toFixed(1)}s\n${indent(error)}`);
      return { notebook, ok: false, seconds: seconds(), error };
    }
    // Safety net: whatever a cell printed, no API key from the environment is saved.
    const scrubbed = scrubSecrets(readFileSync(executedPath, "utf8"), env);
    writeFileSync(executedPath, scrubbed);
    const failure = findFirstFailure(JSON.parse(scrubbed) as NotebookJson, notebook);
    // The project made this copy: sign it (Jupyter's notebook trust, this user's key) so its interactive figures
    // run when opened in Jupyter. Untrusted viewers still show each figure's static picture.
    // (`jupyter trust` is nbformat's signing app; Debian ships it without the `jupyter-trust` entry point.)
    const trust = await spawnCollect(jupyterPython(), ["-m", "nbformat.sign", executedPath], env);
    if (trust.code !== 0) log(`${notebook}: warning: could not sign the executed copy (nbformat.sign): ${tail(trust.stderr, 3)}`);
    // Figures in the HTML render load plotly.min.js from beside it when the page has no Plotly.
    copyPlotlyBeside(outDir);
    let html: string | undefined;
    if (options.html ?? true) {
      const render = await spawnCollect(
        jupyterBinary(),
        ["nbconvert", "--to", "html", `--output-dir=${outDir}`, `--output=${stem}.html`, executedPath],
        env,
      );
      if (render.code === 0 && existsSync(htmlPath)) {
        writeFileSync(htmlPath, scrubSecrets(readFileSync(htmlPath, "utf8"), env));
        html = htmlPath;
      } else {
        log(`${notebook}: warning: HTML render failed: ${tail(render.stderr, 5)}`);
      }
    }
    const s = seconds();
    if (failure) {
      log(`${notebook}: FAILED in ${s.toFixed(1)}s\n${indent(describeCell(failure))}`);
      return { notebook, ok: false, seconds: s, executedPath, htmlPath: html, failure };
    }
    log(`${notebook}: ok in ${s.toFixed(1)}s`);
    return { notebook, ok: true, seconds: s, executedPath, htmlPath: html };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Copy the Plotly bundle into `dir` (once; again when the installed bundle changed size). */
function copyPlotlyBeside(dir: string): void {
  const src = createRequire(import.meta.url).resolve("plotly.js-dist-min");
  const dest = join(dir, "plotly.min.js");
  if (!existsSync(dest) || statSync(dest).size !== statSync(src).size) copyFileSync(src, dest);
}

/** A failed result as text. */
export function describeFailure(r: NotebookResult): string {
  if (r.failure) return describeCell(r.failure);
  return `${r.notebook}: ${r.error ?? "failed"}`;
}

/** The environment Jupyter and the kernel see: the project's kernel dir first on `JUPYTER_PATH`, no colour codes. */
function kernelEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const jp = [projectJupyterPath(), base.JUPYTER_PATH].filter(Boolean).join(":");
  return { ...base, JUPYTER_PATH: jp, PYDEVD_DISABLE_FILE_VALIDATION: "1", NO_COLOR: "1", FORCE_COLOR: "0" };
}

/** The nbconvert config: stamp each executed cell with the kernel's reply status (see the file comment). */
const NBCONVERT_CONFIG = `
def _alpacare_mark(cell=None, cell_index=None, execute_reply=None, **kwargs):
    content = (execute_reply or {}).get("content", {}) or {}
    cell.metadata["alpacare"] = {
        "status": content.get("status"),
        "ename": content.get("ename"),
        "evalue": content.get("evalue"),
    }
    # tslab sends no execute_input message, where nbclient takes the count from: the reply carries it.
    if content.get("execution_count") is not None:
        cell.execution_count = content.get("execution_count")

c.ExecutePreprocessor.on_cell_executed = _alpacare_mark
`;

interface Collected {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnCollect(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Collected> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env, cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}
