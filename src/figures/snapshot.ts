/**
 * Static pictures of figures for notebook outputs: one headless Chromium kept for the kernel session (started on the
 * first figure, ~4 s; each picture then ~50-150 ms) and closed after a short idle time, so a notebook of 30 figures
 * pays the start once and an idle kernel holds no browser.
 */
import type { Browser, Page } from "playwright-core";
import { withWorkbenchLayout, plotlyBundlePath } from "./plotly.js";
import type { PlotlyFigure } from "../core/index.js";
import { chromiumArgs, chromiumPath, plotlyPage } from "./browser.js";
import { existsSync } from "node:fs";

/** Options for {@link figureSnapshot}. */
export interface FigureSnapshotOptions {
  /** `png` (default, base64) or `svg` (text). */
  format?: "png" | "svg";
  /** Size in CSS pixels. Default: the layout's width/height, else 900 x 500. */
  width?: number;
  height?: number;
  /** PNG pixel density. Default 1 (a notebook picture, not a print export). */
  scale?: number;
  /** Apply the workbench's default look first. Default true. */
  workbenchStyle?: boolean;
  /** Close the shared browser after this long without a snapshot, ms. Default 20000. */
  idleMs?: number;
}

interface Shared {
  browser: Browser;
  page: Page;
  timer?: NodeJS.Timeout;
}

let shared: Promise<Shared> | undefined;

async function launch(): Promise<Shared> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: static figure pictures need it. Install it (as root): ` +
        "apt-get install -y --no-install-recommends chromium fonts-liberation (or set ALPACARE_CHROMIUM)",
    );
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, headless: true, args: [...chromiumArgs] });
  const page = await plotlyPage(browser, plotlyBundlePath());
  return { browser, page };
}

/**
 * A static picture of `figure`, drawn by Plotly itself (`Plotly.toImage`) in the shared headless Chromium: PNG as
 * base64, SVG as text. The picture has the figure's own fixed size.
 */
export async function figureSnapshot(figure: PlotlyFigure, options: FigureSnapshotOptions = {}): Promise<string> {
  const fig = options.workbenchStyle === false ? figure : withWorkbenchLayout(figure);
  const format = options.format ?? "png";
  const width = options.width ?? (typeof fig.layout?.width === "number" ? fig.layout.width : 900);
  const height = options.height ?? (typeof fig.layout?.height === "number" ? fig.layout.height : 500);
  shared ??= launch();
  let s: Shared;
  try {
    s = await shared;
  } catch (e) {
    shared = undefined; // a failed launch is retried on the next figure, not cached forever
    throw e;
  }
  if (s.timer) clearTimeout(s.timer);
  try {
    const url = await s.page.evaluate(
      async ({ f, opts }) => {
        const Plotly = (globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }).Plotly;
        return Plotly.toImage({ data: f.data, layout: f.layout ?? {}, config: f.config ?? {} }, opts);
      },
      { f: fig, opts: { format, width, height, scale: format === "png" ? (options.scale ?? 1) : 1 } },
    );
    const comma = url.indexOf(",");
    const meta = url.slice(5, comma);
    const body = url.slice(comma + 1);
    if (format === "png") return meta.endsWith(";base64") ? body : Buffer.from(decodeURIComponent(body), "utf8").toString("base64");
    return meta.endsWith(";base64") ? Buffer.from(body, "base64").toString("utf8") : decodeURIComponent(body);
  } finally {
    // Unref'd: a pending idle timer never keeps a script (or a test) alive.
    s.timer = setTimeout(() => void closeFigureSnapshots(), options.idleMs ?? 20_000);
    s.timer.unref();
  }
}

/** Close the shared snapshot browser now (it also closes itself when idle). */
export async function closeFigureSnapshots(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (!current) return;
  try {
    const s = await current;
    if (s.timer) clearTimeout(s.timer);
    await s.browser.close();
  } catch {
    // nothing to close: the launch had failed
  }
}
