// Figure export for real: one headless Chromium renders a bar chart to PNG and SVG; the PNG has the requested pixel
// size and actually shows the bars; the SVG parses; the interactive HTML and the gallery (index.html) load in
// Chromium offline and show their images.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import type { PlotlyFigure } from "../../src/core/index.js";
import { exportFigures, showFigure, writeFigureIndex, type ExportedFigure } from "../../src/figures/index.js";
import { decodePng, pngInk, readPngInfo } from "../../src/figures/png.js";
import { galleryEntries } from "../../src/figures/gallery.js";
import { withBrowser } from "../../src/figures/browser.js";

const dir = mkdtempSync(join(tmpdir(), "alpacare-figures-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const bar: PlotlyFigure = {
  data: [{ type: "bar", x: ["patient", "student", "doctor"], y: [12, 30, 21], marker: { color: "#1f77b4" } }],
  layout: { title: { text: "Seed tasks by view" }, yaxis: { title: { text: "tasks" } } },
};
const sunburst: PlotlyFigure = {
  data: [{ type: "sunburst", labels: ["all", "a", "b", "a1"], parents: ["", "all", "all", "a"], values: [10, 6, 4, 3], branchvalues: "total" }],
  layout: { title: { text: "Sunburst" } },
};

describe("figure export", () => {
  let out: ExportedFigure[];
  before(async () => {
    out = await exportFigures(
      [
        { name: "01-test-bar", figure: bar, caption: "Bars <and> a caption.", provenance: { data: "med_seed.json", n: 63, notes: ["x", "y"] } },
        { name: "02-test-sunburst", figure: sunburst, caption: "A sunburst.", provenance: "made in a test", width: 500, height: 500 },
      ],
      { dir, width: 640, height: 400, scale: 2 },
    );
  });

  test("PNG has the requested pixel size and shows the bars", () => {
    const png = readFileSync(out[0]!.png!);
    assert.deepEqual({ ...readPngInfo(png), bitDepth: undefined, colorType: undefined }, {
      width: 1280,
      height: 800,
      interlaced: false,
      bitDepth: undefined,
      colorType: undefined,
    });
    const img = decodePng(png);
    const ink = pngInk(img);
    assert.ok(ink.inkShare > 0.05, `too little drawn: ${(ink.inkShare * 100).toFixed(1)}% of pixels`);
    assert.ok(ink.distinctColors > 20, `only ${ink.distinctColors} colours (text is anti-aliased, so expect many)`);
    // three bars of heights 12/30/21 over a 1280x800 canvas cover several percent of it in the bar colour
    const barShare = ink.colorShare("#1f77b4");
    assert.ok(barShare > 0.05 && barShare < 0.6, `bar colour covers ${(barShare * 100).toFixed(1)}%`);
    const sb = readPngInfo(readFileSync(out[1]!.png!));
    assert.equal(sb.width, 1000);
    assert.equal(sb.height, 1000);
    assert.ok(pngInk(decodePng(readFileSync(out[1]!.png!))).inkShare > 0.1);
  });

  test("SVG parses and holds the three bars; HTML works offline; sidecar holds caption and provenance", async () => {
    const svg = readFileSync(out[0]!.svg!, "utf8");
    assert.match(svg, /^<svg[\s>]/);
    const html = readFileSync(out[0]!.html!, "utf8");
    assert.match(html, /<script src="plotly.min.js"><\/script>/);
    assert.ok(existsSync(join(dir, "plotly.min.js")), "bundle copied beside the HTML pages");
    assert.match(html, /Bars &lt;and&gt; a caption\./);
    const sidecar = JSON.parse(readFileSync(out[0]!.json, "utf8"));
    assert.equal(sidecar.caption, "Bars <and> a caption.");
    assert.deepEqual(sidecar.provenance, { data: "med_seed.json", n: 63, notes: ["x", "y"] });

    await withBrowser(async (browser) => {
      const page = await browser.newPage();
      // offline: any request that is not a local file fails the test
      const remote: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) remote.push(r.url());
      });
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, "image/svg+xml");
        return {
          error: doc.getElementsByTagName("parsererror").length,
          root: doc.documentElement.nodeName,
          bars: doc.querySelectorAll("g.trace.bars g.point path").length,
          title: doc.querySelector(".gtitle")?.textContent ?? "",
        };
      }, svg);
      assert.deepEqual(parsed, { error: 0, root: "svg", bars: 3, title: "Seed tasks by view" });

      await page.goto(pathToFileURL(out[0]!.html!).href);
      await page.waitForSelector("#figure .main-svg", { timeout: 15_000 });
      const bars = await page.locator("#figure g.trace.bars g.point path").count();
      assert.equal(bars, 3);
      assert.deepEqual(remote, []);
    });
  });

  test("showFigure with includeBundle carries Plotly, others are light divs; both render in Chromium", async () => {
    const first = showFigure(bar, { includeBundle: true });
    const second = showFigure(sunburst);
    assert.ok(first.length > 1_000_000, "the first output carries the bundle");
    assert.ok(second.length < 5_000, `later outputs are light (${second.length} chars)`);
    assert.ok(!second.includes("</script><script") || second.split("<script").length === 2);
    await withBrowser(async (browser) => {
      const page = await browser.newPage();
      await page.setContent(`<html><body>${first}${second}</body></html>`);
      await page.waitForFunction(() => document.querySelectorAll(".main-svg").length >= 2, undefined, { timeout: 15_000 });
      assert.equal(await page.locator("g.trace.bars g.point path").count(), 3);
      assert.ok((await page.locator("g.slice").count()) >= 3);
    });
  });

  test("index.html lists every figure with caption and provenance, and its images load", async () => {
    const entries = galleryEntries({ dir, notebooksDir: join(dir, "none") });
    assert.deepEqual(entries.map((e) => e.name), ["01-test-bar", "02-test-sunburst"]);
    const index = writeFigureIndex({ dir, notebooksDir: join(dir, "none") });
    const html = readFileSync(index, "utf8");
    assert.match(html, /Bars &lt;and&gt; a caption\./);
    assert.match(html, /med_seed\.json/);
    assert.match(html, /made in a test/);
    await withBrowser(async (browser) => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(pathToFileURL(index).href);
      await page.waitForFunction(() => [...document.images].every((i) => i.complete), undefined, { timeout: 15_000 });
      const sizes = await page.evaluate(() => [...document.images].map((i) => [i.naturalWidth, i.naturalHeight]));
      assert.deepEqual(sizes, [
        [1280, 800],
        [1000, 1000],
      ]);
      const shot = await page.screenshot({ fullPage: true });
      const shotInk = pngInk(decodePng(shot));
      if (process.env.ALPACARE_KEEP_SCREENSHOT) (await import("node:fs")).writeFileSync(process.env.ALPACARE_KEEP_SCREENSHOT, shot);
      assert.ok(shotInk.colorShare("#1f77b4") > 0.01, `the gallery screenshot shows the bars (${shotInk.colorShare("#1f77b4")})`);
    });
  });

  test("bad names are refused before anything is written", async () => {
    await assert.rejects(exportFigures([{ name: "../evil", figure: bar }], { dir }), /use letters, digits/);
    await assert.rejects(
      exportFigures([{ name: "a", figure: bar }, { name: "a", figure: bar }], { dir, formats: ["html"] }),
      /appears twice/,
    );
  });
});
