// The notebooks as a researcher uses them: the project's Jupyter (`npm run lab`, with a token on a loopback port)
// driven by playwright-core and Debian's Chromium at a 1400 px window. Notebooks 01 and 06: Run All, no error
// outputs, every figure drawn and no wider than its output area; clear all outputs + reload + Run All (same kernel)
// draws them again. Notebook 05: the judge cell's progress display appears while the cell runs (0/8 first) and
// advances per call. An executed copy (`alpacare notebooks`) opened in Jupyter draws its figures, and its HTML
// render shows every figure as a static picture with JavaScript off. A project notebook saved through Jupyter is
// written without outputs, byte for byte as git stores it. Kernels are shut down through Jupyter's API.
// Works on copies of the notebooks in notebooks/executed/ (git-ignored): the tracked notebooks are never saved.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { projectRoot } from "../../src/core/paths.js";
import { chromiumArgs, chromiumPath } from "../../src/figures/browser.js";
import { describeFailure, runNotebook } from "../../src/cli/notebooks-runner.js";
// @ts-expect-error: a dependency-free .mjs script (git runs it before any build), no type declarations
import { stripNotebook } from "../../scripts/nbstrip.mjs";

const notebooksDir = join(projectRoot, "notebooks");
mkdirSync(join(notebooksDir, "executed"), { recursive: true });
const scratch = mkdtempSync(join(notebooksDir, "executed", "browser-test-"));
const cacheDir = mkdtempSync(join(projectRoot, ".jupyter", "browser-test-cache-"));
const run05 = `browser-test-${randomBytes(4).toString("hex")}`;
const token = randomBytes(16).toString("hex");
// Figures the notebooks export go to scratch, not to the project's figures/.
const scratchEnv = { ALPACARE_CACHE_DIR: cacheDir, ALPACARE_FIGURES_DIR: join(scratch, "figures") };
let port = 0;
let server: ChildProcess | undefined;
let serverLog = "";
let browser: Browser | undefined;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`http://127.0.0.1:${port}${path}${path.includes("?") ? "&" : "?"}token=${token}`, init);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n--- lab log (tail) ---\n${serverLog.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

before(async () => {
  port = await freePort();
  // The project's own entry point, as a researcher starts it; the scratch LLM cache makes notebook 05's calls real.
  server = spawn(
    process.execPath,
    [join(projectRoot, "scripts", "lab.mjs"), "--no-browser", "--ip=127.0.0.1", `--port=${port}`, `--NotebookApp.token=${token}`, "--NotebookApp.port_retries=0"],
    { cwd: projectRoot, env: { ...process.env, ...scratchEnv }, stdio: ["ignore", "pipe", "pipe"] },
  );
  server.stdout!.setEncoding("utf8").on("data", (d: string) => (serverLog += d));
  server.stderr!.setEncoding("utf8").on("data", (d: string) => (serverLog += d));
  await waitFor("Jupyter to answer", async () => ((await api("/api/status")).ok ? true : undefined), 120_000);
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...chromiumArgs] });
});

after(async () => {
  await browser?.close().catch(() => undefined);
  if (server && server.exitCode === null) {
    // Every kernel this test started, shut down through Jupyter's API, then the server itself.
    await shutdownKernels();
    const exited = new Promise((r) => server!.once("exit", r));
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (server.exitCode === null) server.kill("SIGKILL");
  }
  rmSync(scratch, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(join(projectRoot, "data", "runs", run05), { recursive: true, force: true });
});

/** Shut down every running kernel through Jupyter's API (each holds 160-420 MB; closing a tab keeps it running). */
async function shutdownKernels(): Promise<void> {
  const kernels = (await (await api("/api/kernels")).json().catch(() => [])) as { id: string }[];
  for (const k of kernels) await api(`/api/kernels/${k.id}`, { method: "DELETE" }).catch(() => undefined);
}

/** A copy of `notebooks/<name>` in the scratch folder, for the live UI to save into freely. */
function copyNotebook(name: string): string {
  const dest = join(scratch, name);
  copyFileSync(join(notebooksDir, name), dest);
  return relative(notebooksDir, dest);
}

async function openNotebook(path: string, width = 1400): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width, height: 1000 } });
  await page.goto(`http://127.0.0.1:${port}/notebooks/${path}?token=${token}`);
  await waitFor(
    `the kernel of ${path}`,
    async () => ((await page.evaluate(() => Boolean((window as any).Jupyter?.notebook?.kernel?.is_connected()))) ? true : undefined),
    120_000,
  );
  return page;
}

interface CellState {
  prompt: unknown;
  errors: string[];
}

/** Every code cell's prompt and error outputs (error messages, and tslab's diagnostics or thrown errors on stderr). */
function cellStates(page: Page): Promise<CellState[]> {
  return page.evaluate(() =>
    (window as any).Jupyter.notebook
      .get_cells()
      .filter((c: any) => c.cell_type === "code")
      .map((c: any) => ({
        prompt: c.input_prompt_number,
        errors: (c.output_area.outputs as any[])
          .flatMap((o) =>
            o.output_type === "error"
              ? [`${o.ename}: ${o.evalue}`]
              : o.output_type === "stream" && o.name === "stderr"
                ? String(o.text).split("\n").filter((l: string) => /^\d+:\d+ - |^\w*Error\b|^Uncaught/.test(l.trim()))
                : [],
          ),
      })),
  );
}

/** Run All and wait until no cell is queued or running; returns the cells' states. */
async function runAll(page: Page, timeoutMs = 15 * 60_000): Promise<CellState[]> {
  await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());
  return waitFor(
    "Run All to finish",
    async () => {
      const cells = await cellStates(page);
      const busy = await page.evaluate(() => (window as any).Jupyter.notebook.kernel_busy);
      return !busy && cells.every((c) => c.prompt !== "*") ? cells : undefined;
    },
    timeoutMs,
    1000,
  );
}

function assertNoErrors(cells: CellState[], notebook: string) {
  const bad = cells.map((c, i) => ({ i, ...c })).filter((c) => c.errors.length > 0);
  assert.deepEqual(bad, [], `${notebook}: cells with errors`);
  assert.ok(cells.every((c) => typeof c.prompt === "number"), `${notebook}: every code cell ran (prompts ${cells.map((c) => c.prompt).join(",")})`);
}

interface FigureFit {
  figures: number;
  drawn: number;
  tooWide: string[];
  scrollBoxes: number;
  clippedOutputs: number;
}

/** How the figures of the page fit: drawn by Plotly, within their output area, no scroll box around figure outputs. */
function figureFit(page: Page): Promise<FigureFit> {
  return page.evaluate(() => {
    const plots = [...document.querySelectorAll<HTMLElement>(".alpacare-plot")];
    const tooWide: string[] = [];
    for (const p of plots) {
      const area = p.closest<HTMLElement>(".output_subarea");
      const svg = p.querySelector<SVGElement>("svg.main-svg");
      if (!area || !svg) continue;
      const limit = area.getBoundingClientRect().right + 1;
      if (svg.getBoundingClientRect().right > limit || p.getBoundingClientRect().right > limit) {
        tooWide.push(`${p.id}: ${Math.round(svg.getBoundingClientRect().width)} px in ${Math.round(area.clientWidth)} px`);
      }
    }
    const areas = [...document.querySelectorAll<HTMLElement>(".output_subarea")];
    return {
      figures: plots.length,
      drawn: plots.filter((p) => p.querySelector("svg.main-svg")).length,
      tooWide,
      scrollBoxes: [...document.querySelectorAll(".output_scroll")].filter((e) => e.querySelector(".alpacare-plot")).length,
      clippedOutputs: areas.filter((a) => a.scrollWidth > a.clientWidth + 1).length,
    };
  });
}

async function assertFiguresFit(page: Page, notebook: string, minFigures: number) {
  const fit = await waitFor(
    `every figure of ${notebook} drawn`,
    async () => {
      const f = await figureFit(page);
      return f.figures >= minFigures && f.drawn === f.figures ? f : undefined;
    },
    180_000,
    1000,
  ).catch(async (e) => assert.fail(`${(e as Error).message.split("\n")[0]}: ${JSON.stringify(await figureFit(page))}`));
  assert.deepEqual(fit.tooWide, [], `${notebook}: figures wider than their output area`);
  assert.equal(fit.scrollBoxes, 0, `${notebook}: figure outputs squeezed into a scroll box`);
  assert.equal(fit.clippedOutputs, 0, `${notebook}: outputs (tables, figures) wider than their output area`);
  return fit;
}

describe("notebooks in the browser (npm run lab + Chromium)", { timeout: 60 * 60_000 }, () => {
  test("01: Run All draws every figure, each within its output area", async () => {
    const page = await openNotebook(copyNotebook("01-seed-analysis.ipynb"));
    assertNoErrors(await runAll(page), "01");
    await assertFiguresFit(page, "01", 10);
    await page.close();
    await shutdownKernels();
  });

  test("06: every figure fits at 1400 px (AlpaCare group visible); after clear + reload + Run All they draw again", async () => {
    const path = copyNotebook("06-paper-figures.ipynb");
    let page = await openNotebook(path);
    assertNoErrors(await runAll(page), "06");
    const first = await assertFiguresFit(page, "06", 20);
    // The paper's own model is the right-hand group of each paper figure: its bars must be on screen, not cut off.
    const alpacareVisible = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>(".alpacare-plot")].some((p) =>
        [...p.querySelectorAll("g.xtick text")].some((t) => /AlpaCare/.test(t.textContent ?? "") && t.getBoundingClientRect().right <= p.getBoundingClientRect().right + 1),
      ),
    );
    assert.ok(alpacareVisible, "an AlpaCare tick label is inside its figure");
    // A 1920 px window (the classic notebook keeps its fixed-width column): still every figure fits.
    await page.setViewportSize({ width: 1920, height: 1000 });
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual((await figureFit(page)).tooWide, [], "06 at 1920 px: figures wider than their output area");
    await page.setViewportSize({ width: 1400, height: 1000 });

    // Clear all outputs, save, reload the page (the kernel keeps running), Run All: no earlier cell holds Plotly now.
    await page.evaluate(async () => {
      const nb = (window as any).Jupyter.notebook;
      nb.clear_all_output();
      await nb.save_notebook();
    });
    await page.reload();
    await waitFor("the kernel after reload", async () => ((await page.evaluate(() => Boolean((window as any).Jupyter?.notebook?.kernel?.is_connected()))) ? true : undefined), 120_000);
    assert.equal((await figureFit(page)).figures, 0, "outputs were cleared");
    assertNoErrors(await runAll(page), "06 (second Run All)");
    const second = await assertFiguresFit(page, "06 after clear + reload", first.figures);
    assert.equal(second.figures, first.figures);
    await page.close();
    await shutdownKernels();
  });

  test("a project notebook saved through Jupyter is written without outputs, byte for byte as git stores it", async () => {
    const name = `90-browser-test-save-${randomBytes(3).toString("hex")}.ipynb`;
    // What git stores for notebook 01 (the filter's output): the save must produce exactly these bytes.
    const committed: string = stripNotebook(readFileSync(join(notebooksDir, "01-seed-analysis.ipynb"), "utf8"));
    const nb = JSON.parse(committed);
    const code = nb.cells.find((c: { cell_type: string }) => c.cell_type === "code");
    code.outputs = [{ output_type: "display_data", data: { "text/html": "<div>figure</div>", "image/png": "iVBORw0KGgo=" }, metadata: {} }];
    code.execution_count = 3;
    code.metadata = { ...code.metadata, execution: { "iopub.status.busy": "2026-11-30T00:00:00Z" } };
    nb.metadata.language_info = { name: "typescript", version: "3.7.2", mimetype: "text/typescript", file_extension: ".ts" };
    try {
      const put = await api(`/api/contents/${name}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ type: "notebook", format: "json", content: nb }) });
      assert.equal(put.status, 201, await put.text());
      assert.equal(readFileSync(join(notebooksDir, name), "utf8"), committed, "saved exactly as committed: git status stays clean");
      // A copy elsewhere (not a project notebook) keeps its outputs.
      const elsewhere = `${relative(notebooksDir, scratch)}/${name}`;
      await api(`/api/contents/${elsewhere}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ type: "notebook", format: "json", content: nb }) });
      assert.match(readFileSync(join(scratch, name), "utf8"), /iVBORw0KGgo=/);
    } finally {
      rmSync(join(notebooksDir, name), { force: true });
    }
  });

  test("05: the judge cell shows progress while it runs and advances per call", async () => {
    const path = copyNotebook("05-dual-sided-judging.ipynb");
    const page = await openNotebook(path);
    // A researcher's parameter change: 4 items (8 calls) into a fresh run; the scratch cache makes every call real.
    await page.evaluate((run) => {
      const cell = (window as any).Jupyter.notebook.get_cells().find((c: any) => c.cell_type === "code");
      cell.set_text(cell.get_text().replace(/const LIMIT = \d+;/, "const LIMIT = 4;").replace(/const RUN = "[^"]*";/, `const RUN = "${run}";`));
    }, run05);
    // Record every redraw of the progress display (a MutationObserver sees each update_display_data message, even
    // when several calls of a batch finish within milliseconds), with whether its cell was still running.
    await page.evaluate(() => {
      const w = window as any;
      w.__progress = [] as { text: string; running: boolean }[];
      new MutationObserver(() => {
        const el = document.querySelector(".alpacare-progress");
        if (!el) return;
        const prompt = el.closest(".cell")?.querySelector(".input_prompt")?.textContent ?? "";
        const last = w.__progress[w.__progress.length - 1];
        if (!last || last.text !== el.textContent) w.__progress.push({ text: el.textContent ?? "", running: prompt.includes("*") });
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());
    const seen = new Set<string>();
    let finished = false;
    const until = Date.now() + 20 * 60_000;
    while (!finished && Date.now() < until) {
      const cells = await cellStates(page);
      if (cells.some((c) => c.errors.length > 0) || (cells.every((c) => c.prompt !== "*") && !(await page.evaluate(() => (window as any).Jupyter.notebook.kernel_busy)))) {
        assertNoErrors(cells, "05"); // stopped without the judge cell's progress finishing: say why
        break;
      }
      const s = await page.evaluate(() => {
        const el = document.querySelector(".alpacare-progress");
        const cell = el?.closest(".cell");
        const prompt = cell?.querySelector(".input_prompt")?.textContent ?? "";
        return { text: el?.textContent ?? "", running: prompt.includes("*") };
      });
      const m = / (\d+)\/(\d+)/.exec(s.text);
      if (m && !s.running && m[1] === m[2]) finished = true;
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const p of (await page.evaluate(() => (window as any).__progress)) as { text: string; running: boolean }[]) {
      const m = / (\d+)\/(\d+)/.exec(p.text);
      if (m && p.running) seen.add(`${m[1]}/${m[2]}`);
    }
    assert.ok(finished, `the judge cell finished (progress seen: ${[...seen].join(", ")})`);
    assert.ok(seen.has("0/8"), `the display showed 0/8 while the first call ran (seen: ${[...seen].join(", ")})`);
    for (let k = 1; k <= 7; k++) assert.ok(seen.has(`${k}/8`), `the display advanced call by call while the cell ran: no ${k}/8 (seen: ${[...seen].join(", ")})`);
    assertNoErrors(await runAll(page), "05");
    await page.close();
    await shutdownKernels();
  });

  test("an executed copy shows its figures in Jupyter, and as static pictures with JavaScript off", async () => {
    const out = join(scratch, "executed");
    const r = await runNotebook(join(notebooksDir, "01-seed-analysis.ipynb"), { outDir: out, log: () => {}, timeoutSec: 900, env: { ...process.env, ...scratchEnv } });
    assert.ok(r.ok, describeFailure(r));
    const saved = JSON.parse(readFileSync(r.executedPath!, "utf8")) as { cells: { cell_type: string; execution_count: number | null }[] };
    assert.ok(saved.cells.filter((c) => c.cell_type === "code").every((c) => typeof c.execution_count === "number"), "execution counts saved");

    const page = await openNotebook(relative(notebooksDir, r.executedPath!));
    const trusted = await page.evaluate(() => (window as any).Jupyter.notebook.trusted);
    assert.equal(trusted, true, "the executed copy is trusted (signed by the runner)");
    await assertFiguresFit(page, "executed 01", 10);
    await page.close();

    assert.ok(r.htmlPath && existsSync(r.htmlPath));
    const context = await browser!.newContext({ javaScriptEnabled: false, viewport: { width: 1400, height: 1000 } });
    const html = await context.newPage();
    await html.goto(pathToFileURL(r.htmlPath!).href);
    const pictures = await html.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>(".alpacare-plot")].map((p) => {
        const img = p.querySelector<HTMLImageElement>("img.alpacare-static");
        return img ? { loaded: img.complete && img.naturalWidth > 0, width: img.getBoundingClientRect().width, area: p.getBoundingClientRect().width } : undefined;
      }),
    );
    assert.ok(pictures.length >= 10, `figures in the HTML render: ${pictures.length}`);
    assert.ok(pictures.every((p) => p && p.loaded && p.width > 100 && p.width <= p.area + 1), `every figure is a visible static picture: ${JSON.stringify(pictures)}`);
    await context.close();
  });
});
