/**
 * `figures/index.html`: every exported figure (PNG, else SVG) with its caption and provenance, grouped by the
 * notebook that made it (the `NN-` prefix of the name), linking the SVG and the interactive HTML. Plain static HTML:
 * open the file in a browser, no server, no network.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { escapeHtml, figuresDir, projectRoot } from "../core/index.js";
import type { FigureSidecar } from "./export.js";
import { figureProvenanceHtml } from "./figure-page.js";

/** Options for {@link writeFigureIndex}. */
export interface FigureIndexOptions {
  /** The figures folder. Default `figuresDir()`. */
  dir?: string;
  /** Where to find `NN-*.ipynb` to name the groups. Default `<project>/notebooks`. */
  notebooksDir?: string;
  /** Page title. */
  title?: string;
}

/** One figure as the gallery lists it. */
export interface GalleryEntry {
  name: string;
  /** The image shown (`name.png`, else `name.svg`). */
  image?: string;
  svg?: string;
  html?: string;
  sidecar?: FigureSidecar;
  /** Group heading: the sidecar's `group`, else the notebook of the `NN-` prefix (`01-seed-analysis`), else "Other figures". */
  group: string;
}

/** The figures in `dir`, grouped and sorted as the gallery shows them. */
export function galleryEntries(options: FigureIndexOptions = {}): GalleryEntry[] {
  const dir = options.dir ?? figuresDir();
  if (!existsSync(dir)) return [];
  const files = new Set(readdirSync(dir));
  const notebooks = existsSync(options.notebooksDir ?? join(projectRoot, "notebooks"))
    ? readdirSync(options.notebooksDir ?? join(projectRoot, "notebooks")).filter((f) => /^\d+-.*\.ipynb$/.test(f))
    : [];
  const names = new Set<string>();
  for (const f of files) {
    const m = /^(.+)\.(png|svg)$/.exec(f);
    if (m) names.add(m[1]!);
  }
  const entries: GalleryEntry[] = [];
  for (const name of names) {
    let sidecar: FigureSidecar | undefined;
    if (files.has(`${name}.json`)) {
      try {
        sidecar = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")) as FigureSidecar;
      } catch {
        sidecar = undefined; // a broken sidecar should not hide the figure
      }
    }
    const prefix = /^(\d+)-/.exec(name)?.[1];
    const notebook = prefix ? notebooks.find((n) => Number(n.split("-")[0]) === Number(prefix)) : undefined;
    entries.push({
      name,
      image: files.has(`${name}.png`) ? `${name}.png` : `${name}.svg`,
      svg: files.has(`${name}.svg`) ? `${name}.svg` : undefined,
      html: files.has(`${name}.html`) ? `${name}.html` : undefined,
      sidecar,
      group: sidecar?.group ?? (notebook ? notebook.replace(/\.ipynb$/, "") : prefix ? `${prefix}-*` : "Other figures"),
    });
  }
  // Notebook groups in number order, then named groups (sidecar `group`), "Other figures" last.
  const rank = (g: string) => (/^\d/.test(g) ? 0 : g === "Other figures" ? 2 : 1);
  // Within a group, the order the notebook made them (export time, then position in the batch); by name when a
  // sidecar is missing or predates `order`.
  const made = (a: GalleryEntry, b: GalleryEntry) =>
    a.sidecar?.order !== undefined && b.sidecar?.order !== undefined && a.sidecar.exportedAt && b.sidecar.exportedAt
      ? a.sidecar.exportedAt.localeCompare(b.sidecar.exportedAt) || a.sidecar.order - b.sidecar.order
      : 0;
  return entries.sort(
    (a, b) =>
      rank(a.group) - rank(b.group) ||
      a.group.localeCompare(b.group, "en", { numeric: true }) ||
      made(a, b) ||
      a.name.localeCompare(b.name, "en", { numeric: true }),
  );
}

/** Write `index.html` in the figures folder; returns its path. */
export function writeFigureIndex(options: FigureIndexOptions = {}): string {
  const dir = options.dir ?? figuresDir();
  const entries = galleryEntries(options);
  const title = options.title ?? "AlpaCare workbench: figures";
  const groups = new Map<string, GalleryEntry[]>();
  for (const e of entries) groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
  const sections = [...groups]
    .map(([group, list]) => {
      const figures = list
        .map((e) => {
          const links = [
            `<a href="${escapeHtml(e.image ?? "")}">${e.image?.endsWith(".png") ? "PNG" : "SVG"}</a>`,
            e.svg && e.image !== e.svg ? `<a href="${escapeHtml(e.svg)}">SVG</a>` : "",
            e.html ? `<a href="${escapeHtml(e.html)}">interactive</a>` : "",
          ].filter(Boolean);
          const img = `<img src="${escapeHtml(e.image ?? "")}" alt="${escapeHtml(e.sidecar?.caption ?? e.name)}">`;
          return `<figure id="${escapeHtml(e.name)}">
  ${e.html ? `<a href="${escapeHtml(e.html)}">${img}</a>` : img}
  <figcaption>
    <div class="name">${escapeHtml(e.name)} <span class="links">${links.join(" · ")}</span></div>
    ${e.sidecar?.caption ? `<p>${escapeHtml(e.sidecar.caption)}</p>` : `<p class="missing">No caption recorded.</p>`}
    ${figureProvenanceHtml(e.sidecar?.provenance)}
    ${e.sidecar?.exportedAt ? `<div class="when">exported ${escapeHtml(e.sidecar.exportedAt)}</div>` : ""}
  </figcaption>
</figure>`;
        })
        .join("\n");
      return `<section>
<h2 id="${escapeHtml(group)}">${escapeHtml(group)} <small>(${list.length} figure${list.length === 1 ? "" : "s"})</small></h2>
<div class="grid">
${figures}
</div>
</section>`;
    })
    .join("\n");
  const toc = [...groups.keys()].map((g) => `<a href="#${escapeHtml(g)}">${escapeHtml(g)}</a>`).join(" · ");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 1.5rem; color: #222; background: #fafafa; }
h1 { margin-bottom: 0.2rem; }
.meta { color: #666; margin-bottom: 1rem; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.3rem; margin-top: 2rem; }
h2 small { color: #777; font-weight: normal; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 1.2rem; }
figure { margin: 0; background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 0.6rem; }
figure img { width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9rem; line-height: 1.35; }
figcaption p { margin: 0.4rem 0; }
.name { font-family: "Liberation Mono", monospace; font-weight: bold; margin-top: 0.4rem; }
.links { font-family: "Liberation Sans", Arial, sans-serif; font-weight: normal; font-size: 0.85rem; }
.provenance { color: #555; font-size: 0.8rem; margin: 0.3rem 0; padding-left: 1.1rem; }
.provenance code { background: #f4f4f4; padding: 0 0.2rem; word-break: break-all; }
.when, .missing { color: #888; font-size: 0.75rem; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="meta">${entries.length} figure${entries.length === 1 ? "" : "s"}, written ${escapeHtml(new Date().toISOString())}. ${toc}</div>
${entries.length ? sections : "<p>No figures yet: run <code>npm start</code> (all notebooks, then <code>alpacare figures</code>).</p>"}
</body>
</html>
`;
  const path = join(dir, "index.html");
  writeFileSync(path, html);
  return path;
}
