/**
 * Export Plotly figures to `figures/`: PNG and SVG through `Plotly.toImage` in ONE headless Chromium per batch,
 * an interactive HTML page per figure (offline: the bundle sits beside it as `plotly.min.js`, or inlined; the page
 * itself is `figure-page.ts`), and a sidecar `<name>.json` with caption and provenance that the gallery
 * (`figures/index.html`) reads.
 */
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { figuresDir } from "../core/index.js";
import { withBrowser, plotlyPage } from "./browser.js";
import { figureStandaloneHtml } from "./figure-page.js";
import { plotlyBundlePath, plotlyVersion, withWorkbenchLayout } from "./plotly.js";
import type { PlotlyFigure } from "../core/index.js";

/** Where a figure came from: free text, or key/value pairs (data files, run, model, judge, date...). */
export type FigureItemProvenance = string | Record<string, string | number | boolean | null | undefined | readonly string[]>;

/** One figure to export. `name` becomes the file stem: `01-topic-counts` -> `01-topic-counts.png|svg|html|json`. */
export interface FigureItem {
  name: string;
  figure: PlotlyFigure;
  /** One or two sentences shown under the figure in the gallery and the HTML page. */
  caption?: string;
  provenance?: FigureItemProvenance;
  /** Gallery heading to list the figure under (default: its notebook, from the `NN-` name prefix). */
  group?: string;
  /** Per-figure size in CSS pixels (overrides the batch's). */
  width?: number;
  height?: number;
}

/** Output formats. */
export type FigureFormat = "png" | "svg" | "html";

/** Options for {@link exportFigures}. */
export interface FigureExportOptions {
  /** Default all three: `["png", "svg", "html"]`. */
  formats?: FigureFormat[];
  /** Output folder. Default `figuresDir()` (`figures/`, or `ALPACARE_FIGURES_DIR`). */
  dir?: string;
  /** Image size in CSS pixels when neither the item nor its layout gives one. Defaults 900 x 560. */
  width?: number;
  height?: number;
  /** PNG pixel density: the PNG is `width*scale` x `height*scale` pixels. Default 2. */
  scale?: number;
  /** Inline the 4.8 MB Plotly bundle into each HTML page instead of referencing `plotly.min.js` beside it. Default false. */
  inlineBundle?: boolean;
  /** Apply the workbench's default look (font, white background, colours) under each figure's layout. Default true. */
  workbenchStyle?: boolean;
  /** Called with (figures written, figures in the batch) as the batch goes: 0 at the start, then per figure. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link exportFigures} wrote for one figure (absolute paths). */
export interface ExportedFigure {
  name: string;
  png?: string;
  svg?: string;
  html?: string;
  /** The sidecar with caption and provenance. */
  json: string;
}

/** The sidecar `<name>.json` next to each exported figure. */
export interface FigureSidecar {
  name: string;
  caption?: string;
  provenance?: FigureItemProvenance;
  group?: string;
  formats: FigureFormat[];
  width: number;
  height: number;
  scale: number;
  plotly: string;
  exportedAt: string;
  /** Position in its export batch: the gallery lists a notebook's figures in the order the notebook made them. */
  order?: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Write every figure of the batch in the requested formats, with one Chromium for the whole batch (launched only
 * when PNG or SVG is asked for). Names must be file-safe (`[A-Za-z0-9._-]`) and unique within the batch.
 */
export async function exportFigures(items: FigureItem[], options: FigureExportOptions = {}): Promise<ExportedFigure[]> {
  const formats = options.formats ?? ["png", "svg", "html"];
  const dir = options.dir ?? figuresDir();
  const width = options.width ?? 900;
  const height = options.height ?? 560;
  const scale = options.scale ?? 2;
  const seen = new Set<string>();
  for (const item of items) {
    if (!NAME.test(item.name)) throw new Error(`figure name ${JSON.stringify(item.name)}: use letters, digits, '.', '_' or '-'`);
    if (seen.has(item.name)) throw new Error(`figure name ${JSON.stringify(item.name)} appears twice in the batch`);
    if (!item.figure || !Array.isArray(item.figure.data)) throw new Error(`figure ${item.name}: expected {data: [...], layout}`);
    seen.add(item.name);
  }
  mkdirSync(dir, { recursive: true });
  // Size: the item's, else the figure layout's own (a square sunburst stays square), else the batch's.
  const layoutSize = (f: PlotlyFigure, key: "width" | "height") => (typeof f.layout?.[key] === "number" ? (f.layout[key] as number) : undefined);
  const styled = items.map((i) => ({
    ...i,
    width: i.width ?? layoutSize(i.figure, "width") ?? width,
    height: i.height ?? layoutSize(i.figure, "height") ?? height,
    figure: options.workbenchStyle === false ? i.figure : withWorkbenchLayout(i.figure),
  }));
  const results: ExportedFigure[] = styled.map((i) => ({ name: i.name, json: join(dir, `${i.name}.json`) }));

  const report = (done: number) => {
    try {
      options.onProgress?.(done, styled.length);
    } catch {
      // a broken display never stops an export
    }
  };
  report(0);
  const images = formats.filter((f): f is "png" | "svg" => f === "png" || f === "svg");
  if (images.length && styled.length) {
    await withBrowser(async (browser) => {
      const page = await plotlyPage(browser, plotlyBundlePath());
      for (let k = 0; k < styled.length; k++) {
        const item = styled[k]!;
        for (const format of images) {
          const url = await page.evaluate(
            async ({ figure, opts }) => {
              const Plotly = (globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } }).Plotly;
              return Plotly.toImage({ data: figure.data, layout: figure.layout ?? {}, config: figure.config ?? {} }, opts);
            },
            {
              figure: item.figure,
              opts: { format, width: item.width, height: item.height, scale: format === "png" ? scale : 1 },
            },
          );
          const path = join(dir, `${item.name}.${format}`);
          writeFileSync(path, decodeDataUrl(url));
          results[k]![format] = path;
        }
        report(k + 1);
      }
    });
  }

  if (formats.includes("html")) {
    if (!options.inlineBundle) ensureBundleBeside(dir);
    for (let k = 0; k < styled.length; k++) {
      const item = styled[k]!;
      const path = join(dir, `${item.name}.html`);
      writeFileSync(path, figureStandaloneHtml(item, { inlineBundle: options.inlineBundle ?? false }));
      results[k]!.html = path;
      if (!images.length) report(k + 1);
    }
  }

  const exportedAt = new Date().toISOString();
  for (let k = 0; k < styled.length; k++) {
    const item = styled[k]!;
    const sidecar: FigureSidecar = {
      name: item.name,
      caption: item.caption,
      provenance: item.provenance,
      group: item.group,
      formats,
      width: item.width,
      height: item.height,
      scale,
      plotly: plotlyVersion(),
      exportedAt,
      order: k,
    };
    writeFileSync(results[k]!.json, JSON.stringify(sidecar, null, 2) + "\n");
  }
  return results;
}

/** `data:image/png;base64,...` or `data:image/svg+xml,<url-encoded>` -> bytes. */
function decodeDataUrl(url: string): Buffer {
  const comma = url.indexOf(",");
  if (!url.startsWith("data:") || comma < 0) throw new Error(`Plotly.toImage returned an unexpected value: ${url.slice(0, 60)}`);
  const meta = url.slice(5, comma);
  const body = url.slice(comma + 1);
  return meta.endsWith(";base64") ? Buffer.from(body, "base64") : Buffer.from(decodeURIComponent(body), "utf8");
}

/** Copy the Plotly bundle next to the HTML pages (once; again when the installed bundle changed size). */
function ensureBundleBeside(dir: string): void {
  const src = plotlyBundlePath();
  const dest = join(dir, "plotly.min.js");
  if (!existsSync(dest) || statSync(dest).size !== statSync(src).size) copyFileSync(src, dest);
}
