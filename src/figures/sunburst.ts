/**
 * Sunbursts (the paper's style: plotly's qualitative palette, labels inside the sectors): rings built from paths
 * whose inner sectors always add up to their children, and the paper's verb-noun sunburst on top of them.
 */
import type { PlotlyFigure } from "../core/index.js";
import type { VerbNounBranch } from "../data/index.js";
import { PLOTLY_QUALITATIVE } from "./charts.js";

/** One path from the centre outwards (`["answer", "question"]`) with its count. */
export interface SunburstPath {
  path: readonly string[];
  count: number;
}

/** Options for {@link sunburstChart}. */
export interface SunburstOptions {
  title?: string;
  /** Square size in px. Default 640. */
  size?: number;
  /** Text inside sectors: "label" (default, like the paper) or "label+percent". */
  textinfo?: string;
  /** Palette for the innermost ring. Default {@link PLOTLY_QUALITATIVE}. */
  colors?: readonly string[];
  /** Sort sectors by size (default true); false keeps the order given (e.g. "Other" last). */
  sort?: boolean;
  /** Inner-ring labels drawn in neutral grey, e.g. `["Other"]`. Default `["Other"]`. */
  neutralLabels?: readonly string[];
}

/**
 * A sunburst from paths (one ring per path level). Inner sectors are the sum of their children plus any count given
 * for the inner path itself, so the rings always add up (`branchvalues: "total"`).
 */
export function sunburstChart(paths: readonly SunburstPath[], options: SunburstOptions = {}): PlotlyFigure {
  const ids: string[] = [];
  const labels: string[] = [];
  const parents: string[] = [];
  const values: number[] = [];
  const index = new Map<string, number>();
  const idOf = (path: readonly string[]) => path.map((p) => p.replace(/\//g, "∕")).join("/");
  for (const { path, count } of paths) {
    for (let depth = 1; depth <= path.length; depth++) {
      const id = idOf(path.slice(0, depth));
      let k = index.get(id);
      if (k === undefined) {
        k = ids.length;
        index.set(id, k);
        ids.push(id);
        labels.push(path[depth - 1]!);
        parents.push(depth === 1 ? "" : idOf(path.slice(0, depth - 1)));
        values.push(0);
      }
      values[k] = values[k]! + count;
    }
  }
  const palette = options.colors ?? PLOTLY_QUALITATIVE;
  const neutral = new Set(options.neutralLabels ?? ["Other"]);
  const colorOf = new Map<string, string>();
  let next = 0;
  const colors = ids.map((id, i) => {
    const root = id.split("/")[0]!;
    if (!colorOf.has(root)) colorOf.set(root, neutral.has(root) ? "#bdbdbd" : palette[next++ % palette.length]!);
    const base = colorOf.get(root)!;
    return parents[i] === "" ? base : lighten(base, 0.3);
  });
  const size = options.size ?? 640;
  return {
    data: [
      {
        type: "sunburst",
        ids,
        labels,
        parents,
        values,
        branchvalues: "total",
        sort: options.sort ?? true,
        textinfo: options.textinfo ?? "label",
        insidetextorientation: "radial",
        marker: { colors, line: { color: "#ffffff", width: 1 } },
        hovertemplate: "%{label}: %{value} (%{percentRoot:.1%})<extra></extra>",
      },
    ],
    layout: {
      title: { text: options.title ?? "" },
      width: size,
      height: size + 40,
      margin: { l: 10, r: 10, t: 60, b: 10 },
    },
  };
}

/** Mix a `#rrggbb` colour with white by `amount` (0..1). */
function lighten(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount);
  const [r, g, b] = [mix((n >> 16) & 255), mix((n >> 8) & 255), mix(n & 255)];
  return `#${((1 << 24) + (r << 16) + (g << 8) + b).toString(16).slice(1)}`;
}

/**
 * The paper's verb-noun sunburst: root verbs inside, their top direct-object nouns outside. Like the paper, each
 * verb's sector is the sum of the nouns shown (`verbSize: "shown"`); `"all"` sizes verbs by all their pairs and leaves
 * the nouns not shown as a gap in the outer ring.
 */
export function verbNounSunburstChart(
  branches: readonly VerbNounBranch[],
  options: SunburstOptions & { verbSize?: "shown" | "all" } = {},
): PlotlyFigure {
  const paths: SunburstPath[] = [];
  for (const b of branches) {
    for (const n of b.nouns) paths.push({ path: [b.verb, n.noun], count: n.count });
    const shown = b.nouns.reduce((s, n) => s + n.count, 0);
    if ((options.verbSize ?? "shown") === "all" && b.count > shown) paths.push({ path: [b.verb], count: b.count - shown });
  }
  return sunburstChart(paths, options);
}
