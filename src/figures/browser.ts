/**
 * One headless Chromium for a batch of figure work (start-up costs ~4 s, each export then ~50-110 ms). Debian's
 * `/usr/bin/chromium` driven by playwright-core: no browser download, nothing leaves the machine.
 */
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";

/** The Chromium executable: `ALPACARE_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env.ALPACARE_CHROMIUM ?? "/usr/bin/chromium";
}

/** Flags for a quiet, offline, sandbox-free headless run (root in containers cannot use the sandbox). */
export const chromiumArgs: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-sync",
  "--no-first-run",
  "--no-default-browser-check",
  "--mute-audio",
  "--hide-scrollbars",
  "--font-render-hinting=none",
];

/**
 * Launch headless Chromium (a fresh temporary profile each time), run `work`, and always close the browser.
 * Throws a message naming the install command when Chromium is missing.
 */
export async function withBrowser<T>(work: (browser: Browser) => Promise<T>): Promise<T> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: figure export needs it. Install it (as root): ` +
        "apt-get install -y --no-install-recommends chromium fonts-liberation (or set ALPACARE_CHROMIUM)",
    );
  }
  // Imported lazily: notebooks that only show figures never load playwright.
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, headless: true, args: [...chromiumArgs] });
  try {
    return await work(browser);
  } finally {
    await browser.close().catch(() => undefined);
  }
}

/** A blank page in `browser` with the Plotly bundle loaded from node_modules. */
export async function plotlyPage(browser: Browser, bundlePath: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.setContent("<!doctype html><html><head><meta charset='utf-8'></head><body></body></html>");
  await page.addScriptTag({ path: bundlePath });
  await page.waitForFunction(() => typeof (globalThis as { Plotly?: unknown }).Plotly !== "undefined");
  return page;
}
