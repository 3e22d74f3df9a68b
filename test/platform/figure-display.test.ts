// Inline figures as notebooks show them: one output with the interactive chart and a static PNG; the chart fits its
// container (no fixed width), loads Plotly itself when the page has none, and the picture stays when JavaScript is
// off. Real Chromium pages, offline (file:// with plotly.min.js beside the page).
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, describe, test } from "node:test";
import type { PlotlyFigure } from "../../src/core/index.js";
import { figureStandaloneHtml, showFigure } from "../../src/figures/index.js";
import { closeFigureSnapshots } from "../../src/figures/snapshot.js";
import { decodePng, pngInk } from "../../src/figures/png.js";
import { figureMimeBundle } from "../../src/figures/display.js";
import { figureTitle } from "../../src/figures/show.js";
import { plotlyBundlePath } from "../../src/figures/plotly.js";
import { withBrowser } from "../../src/figures/browser.js";

const dir = mkdtempSync(join(tmpdir(), "alpacare-figure-display-"));
after(async () => {
  await closeFigureSnapshots();
  rmSync(dir, { recursive: true, force: true });
});

// 1200 px wide, as the paper figures are: wider than a notebook's output area.
const wide: PlotlyFigure = {
  data: [{ type: "bar", x: ["LLaMA", "Alpaca", "MedAlpaca", "AlpaCare"], y: [10, 20, 30, 40], marker: { color: "#1f77b4" } }],
  layout: { title: { text: "<b>Win rate</b> vs gpt-4" }, width: 1200, height: 400 },
};

describe("figure display", () => {
  test("the MIME bundle carries the interactive HTML and a static PNG of the figure's own size", async () => {
    const bundle = await figureMimeBundle(wide);
    assert.deepEqual(Object.keys(bundle).sort(), ["image/png", "text/html", "text/plain"]);
    const png = decodePng(Buffer.from(bundle["image/png"]!, "base64"));
    assert.equal(png.width, 1200);
    assert.equal(png.height, 400);
    assert.ok(pngInk(png).colorShare("#1f77b4") > 0.01, "the bars are drawn");
    assert.match(bundle["text/html"]!, /<img class="alpacare-static"/);
    assert.ok(bundle["text/html"]!.length < bundle["image/png"]!.length + 10_000, "no Plotly bundle inside the output");
    assert.equal(bundle["text/plain"], "<Figure: Win rate vs gpt-4>");
    assert.equal(figureTitle(wide), "Win rate vs gpt-4");
  });

  test("in a narrow page the chart fits its container, loading plotly.min.js from beside the page", async () => {
    const bundle = await figureMimeBundle(wide);
    copyFileSync(plotlyBundlePath(), join(dir, "plotly.min.js"));
    const page = join(dir, "narrow.html");
    // A notebook-like output area: 700 px wide, no Plotly on the page.
    writeFileSync(page, `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="area" style="width:700px">${bundle["text/html"]}</div></body></html>`);
    await withBrowser(async (browser) => {
      const p = await browser.newPage({ viewport: { width: 900, height: 800 } });
      await p.goto(pathToFileURL(page).href);
      await p.waitForSelector("#area svg.main-svg", { timeout: 120_000 });
      const w = await p.evaluate(() => document.querySelector("#area svg.main-svg")!.getBoundingClientRect().width);
      assert.ok(w <= 701 && w > 600, `chart width ${w} fills the 700 px area`);
      assert.equal(await p.locator("#area g.trace.bars g.point path").count(), 4, "all four groups drawn, AlpaCare included");
      assert.equal(await p.locator("#area img.alpacare-static").count(), 0, "the picture gave way to the chart");

      // JavaScript off (an untrusted notebook, GitHub): the static picture shows, scaled to the area.
      const ctx = await browser.newContext({ javaScriptEnabled: false });
      const q = await ctx.newPage();
      await q.goto(pathToFileURL(page).href);
      const img = await q.evaluate(() => {
        const i = document.querySelector<HTMLImageElement>("#area img.alpacare-static")!;
        return { loaded: i.complete && i.naturalWidth === 1200, width: i.getBoundingClientRect().width };
      });
      assert.ok(img.loaded && img.width <= 700 && img.width > 600, JSON.stringify(img));
      await ctx.close();
    });
  });

  test("with no Plotly to be found, the picture stays and a one-line note says why", async () => {
    const bundle = await figureMimeBundle(wide);
    const lonely = mkdtempSync(join(tmpdir(), "alpacare-no-plotly-"));
    try {
      const page = join(lonely, "page.html");
      writeFileSync(page, `<!doctype html><html><body><div id="area" style="width:700px">${bundle["text/html"]}</div></body></html>`);
      await withBrowser(async (browser) => {
        const p = await browser.newPage();
        await p.goto(pathToFileURL(page).href);
        await p.waitForFunction(() => /Interactive view unavailable/.test(document.body.textContent ?? ""), undefined, { timeout: 30_000 });
        assert.equal(await p.locator("#area img.alpacare-static").count(), 1);
      });
    } finally {
      rmSync(lonely, { recursive: true, force: true });
    }
  });

  test("showFigure without a picture and without includeBundle is light; the standalone page has a plain title", () => {
    const html = showFigure(wide);
    assert.ok(html.length < 5_000, `${html.length} chars`);
    assert.doesNotMatch(html, /"width":1200/, "no fixed width on screen");
    const page = figureStandaloneHtml({ name: "06-x", figure: wide });
    assert.match(page, /<title>06-x: Win rate vs gpt-4<\/title>/);
  });
});
