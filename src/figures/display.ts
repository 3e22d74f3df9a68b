/**
 * Rich displays from library code in a tslab kernel. tslab's public `Display` sends one MIME type per output, but
 * Jupyter's display protocol (and every viewer) is built around one output carrying several representations
 * (`text/html` + `image/png` + `text/plain`), each viewer picking the richest it can show safely. So this sends
 * the `display_data` message through tslab's own message writer (the one `tslab.display` uses), with all of them.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { figureSnapshot, type FigureSnapshotOptions } from "./snapshot.js";
import { figureTitle, showFigure, type ShowFigureOptions } from "./show.js";
import type { PlotlyFigure } from "../core/index.js";

/** A MIME bundle: `{ "text/html": ..., "image/png": <base64>, "text/plain": ... }`. */
export type MimeBundle = Record<string, string>;

type DisplayWriter = (content: { data: MimeBundle; metadata: Record<string, unknown>; transient?: Record<string, unknown> }, update: boolean) => void;

/** tslab's writer for the cell now running, or undefined outside a tslab kernel. */
function tslabWriter(): DisplayWriter | undefined {
  try {
    const req = createRequire(import.meta.url);
    // The same module instance the kernel loaded (tslab's main and this file resolve to the same node_modules/tslab).
    const jupyter = req(join(dirname(req.resolve("tslab")), "jupyter.js")) as { lastWriteDisplayData?: DisplayWriter | null };
    return jupyter.lastWriteDisplayData ?? undefined;
  } catch {
    return undefined;
  }
}

/** True when running inside a tslab kernel cell (rich displays go to the notebook). */
export function inNotebook(): boolean {
  return tslabWriter() !== undefined;
}

/**
 * Display `bundle` in the running notebook cell. Outside a notebook, prints its `text/plain` part (and returns false),
 * so library code and scripts can call it unconditionally.
 */
export function displayMimeBundle(bundle: MimeBundle, metadata: Record<string, unknown> = {}): boolean {
  const write = tslabWriter();
  if (!write) {
    if (bundle["text/plain"]) process.stdout.write(bundle["text/plain"] + "\n");
    return false;
  }
  write({ data: bundle, metadata, transient: {} }, false);
  return true;
}

/** Options for {@link displayFigure} / {@link figureMimeBundle}. */
export interface DisplayFigureOptions extends ShowFigureOptions {
  /** Add the static PNG (as `image/png` and inside the HTML). Default true; false skips Chromium entirely. */
  staticImage?: boolean;
  /** Size and density of the static picture (default: the figure's own size, scale 1). */
  snapshot?: FigureSnapshotOptions;
}

/**
 * The MIME bundle of a figure: interactive HTML (with the static picture inside it as the fallback), the same
 * picture as `image/png`, and a one-line `text/plain`. If the picture cannot be made (no Chromium), the HTML alone
 * is returned with a note in `text/plain`.
 */
export async function figureMimeBundle(figure: PlotlyFigure, options: DisplayFigureOptions = {}): Promise<MimeBundle> {
  const title = figureTitle(figure);
  let png: string | undefined;
  let note = "";
  if (options.staticImage !== false) {
    try {
      png = await figureSnapshot(figure, { workbenchStyle: options.workbenchStyle, ...options.snapshot });
    } catch (e) {
      note = ` (no static picture: ${(e as Error).message.split("\n")[0]})`;
    }
  }
  const bundle: MimeBundle = {
    "text/html": showFigure(figure, { ...options, image: png ? { png } : options.image }),
    "text/plain": `<Figure: ${title}>${note}`,
  };
  if (png) bundle["image/png"] = png;
  return bundle;
}

/**
 * Show a figure in the notebook: `await displayFigure(fig)` or `await displayFigure(fig, { caption })`. Responsive
 * interactive chart plus a static PNG in one output (see the file comment).
 */
export async function displayFigure(figure: PlotlyFigure, options: DisplayFigureOptions = {}): Promise<void> {
  displayMimeBundle(await figureMimeBundle(figure, options));
}
