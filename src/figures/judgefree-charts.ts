/**
 * The judge-free figures (beyond the paper; every title says so): mean answer length per model, win rate against
 * length or Rouge-L with a fit per reference, the Rouge-L heatmap, and the rank-agreement heatmap. Pure functions of
 * the tables; missing cells are marked, never drawn as zero.
 */
import { formatNumber, roundTo, type LaidOutFigure } from "../core/index.js";
import type { MeasureVsWinRate } from "./judgefree-agreement.js";
import type { OutputLengthRow } from "./judgefree-lengths.js";
import type { RougeToReferenceRow } from "./judgefree-rouge.js";
import { barCentre, paperChrome } from "./paper-chrome.js";
import { PAPER_REFERENCES, PAPER_REFERENCE_STYLE, PAPER_TEST_SETS, paperModel, type PaperReference, type PaperTestSet } from "./paper-spec.js";

// Test sets get their own colours (not the references'), so the length bars never read as a reference's bars.
const TEST_SET_COLORS: Record<PaperTestSet, string> = { iCliniq: "#5B9BD5", "MedInstruct-test": "#ED7D31", AlpacaFarm: "#A5A5A5" };
const BEYOND = "Beyond the paper";

/** The paper's chrome with the judge-free figures' roomier margins (two-line subtitles, rotated model labels). */
function judgeFreeLayout(title: string, subtitle: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    width: 1000,
    height: 520,
    ...paperChrome(`<b>${title}</b>`, subtitle),
    margin: { l: 70, r: 20, t: 96, b: 90 },
    legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.14, yanchor: "top" },
    ...extra,
  };
}

/** A model folder as an axis label: one model name can stand for several folders (backbone, size), so both show. */
function modelLabel(model: string): string {
  const p = paperModel(model);
  if (!p) return model;
  return `${p.name}${p.backbone === "LLaMA-2" ? "-LLaMA2" : ""} ${p.size}`;
}

/** Mean output length (words) per model, one bar per test set; reference models' lengths as dotted lines; missing marked. */
export function buildOutputLengthFigure(rows: readonly OutputLengthRow[]): LaidOutFigure {
  const models = [...new Set(rows.filter((r) => r.kind === "model").map((r) => r.model))];
  const testSets = PAPER_TEST_SETS.filter((t) => rows.some((r) => r.testSet === t));
  const labels = models.map(modelLabel);
  const bargap = 0.2;
  const annotations: Record<string, unknown>[] = [];
  const data: Record<string, unknown>[] = testSets.map((testSet, si) => {
    const ys = models.map((m) => rows.find((r) => r.kind === "model" && r.model === m && r.testSet === testSet)?.meanWords ?? null);
    ys.forEach((y, gi) => {
      if (y === null) {
        annotations.push({ x: barCentre(gi, si, testSets.length, bargap), y: 0, xref: "x", yref: "y", text: "missing", textangle: -90, showarrow: false, yanchor: "bottom", font: { size: 9, color: "#C00000" } });
      }
    });
    return {
      type: "bar",
      name: testSet,
      x: labels,
      y: ys,
      marker: { color: TEST_SET_COLORS[testSet] },
      text: ys.map((y) => (y === null ? "" : String(Math.round(y)))),
      textposition: "outside",
      textfont: { size: 9 },
      cliponaxis: false,
      hovertemplate: `%{x}<br>${testSet}: %{y:.1f} words (mean)<extra></extra>`,
    };
  });
  testSets.forEach((testSet) => {
    for (const ref of ["gpt-4"] as const) {
      const r = rows.find((x) => x.kind === "reference" && x.model === ref && x.testSet === testSet);
      if (!r || r.meanWords === null) continue;
      data.push({
        type: "scatter",
        mode: "lines",
        name: `${PAPER_REFERENCE_STYLE[ref].label} on ${testSet}`,
        x: [labels[0], labels[labels.length - 1]],
        y: [r.meanWords, r.meanWords],
        line: { color: TEST_SET_COLORS[testSet], dash: "dash", width: 1 },
        hovertemplate: `${PAPER_REFERENCE_STYLE[ref].label} answers on ${testSet}: %{y:.0f} words<extra></extra>`,
      });
    }
  });
  const missing = rows.filter((r) => r.kind === "model" && r.status === "missing").length;
  return {
    data,
    layout: judgeFreeLayout(
      `${BEYOND}: mean answer length per model and test set`,
      `Whitespace words of each published answer (response field), averaged per model and test set. Dashed: the gpt-4 reference's mean on that test set.<br>${missing} model x test set cells are missing (outputs not mirrored) and marked, not drawn as zero.`,
      { barmode: "group", bargap, xaxis: { type: "category", tickangle: -30 }, yaxis: { title: { text: "mean words per answer" }, gridcolor: "#D9D9D9" }, annotations, margin: { l: 70, r: 20, t: 96, b: 130 }, legend: { orientation: "h", x: 0.5, xanchor: "center", y: -0.3, yanchor: "top" } },
    ),
  };
}

/**
 * Length vs the paper's win rates: one panel per test set, x = a model's mean answer length relative to the
 * reference's, y = the reported win rate against that reference, a least-squares line per reference, and R² and
 * Kendall's tau-b in the legend.
 */
export function buildLengthVsWinRateFigure(results: readonly MeasureVsWinRate[], measure: "meanWords" | "rougeL" = "meanWords"): LaidOutFigure {
  const chosen = results.filter((r): r is MeasureVsWinRate & { reference: PaperReference } => r.measure === measure && r.reference !== "all");
  const testSets = PAPER_TEST_SETS.filter((t) => chosen.some((r) => r.testSet === t));
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const xTitle = measure === "meanWords" ? "model's mean words per answer" : "mean Rouge-L F to the reference";
  const layoutAxes: Record<string, unknown> = {};
  const gap = 0.06;
  const w = (1 - gap * (testSets.length - 1)) / testSets.length;
  testSets.forEach((testSet, ti) => {
    const ax = ti === 0 ? "" : String(ti + 1);
    layoutAxes[`xaxis${ax}`] = { domain: [ti * (w + gap), ti * (w + gap) + w], title: { text: xTitle, font: { size: 11 } }, gridcolor: "#EEEEEE", zeroline: false, anchor: `y${ax}` };
    layoutAxes[`yaxis${ax}`] = { title: ti === 0 ? { text: "paper's win rate (%)" } : undefined, gridcolor: "#D9D9D9", range: [0, 105], anchor: `x${ax}` };
    annotations.push({ text: `<b>${testSet}</b>`, xref: "paper", yref: "paper", x: ti * (w + gap) + w / 2, y: 1.0, xanchor: "center", yanchor: "bottom", showarrow: false, font: { size: 13 } });
    for (const res of chosen.filter((r) => r.testSet === testSet)) {
      const style = PAPER_REFERENCE_STYLE[res.reference];
      data.push({
        type: "scatter",
        mode: "markers",
        xaxis: `x${ax}`,
        yaxis: `y${ax}`,
        name: `${style.label}`,
        legendgroup: res.reference,
        showlegend: ti === 0,
        x: res.x,
        y: res.y,
        text: res.models.map(modelLabel),
        marker: { color: style.color, size: 9, line: { color: style.dark, width: 1 } },
        hovertemplate: `%{text}<br>x %{x:.2f}, win rate %{y:.1f}%<extra>${style.label}</extra>`,
      });
      if (Number.isFinite(res.fit.slope) && res.x.length >= 2) {
        const lo = Math.min(...res.x);
        const hi = Math.max(...res.x);
        data.push({
          type: "scatter",
          mode: "lines",
          xaxis: `x${ax}`,
          yaxis: `y${ax}`,
          name: `${style.label} fit`,
          legendgroup: res.reference,
          showlegend: false,
          x: [lo, hi],
          y: [res.fit.intercept + res.fit.slope * lo, res.fit.intercept + res.fit.slope * hi],
          line: { color: style.dark, width: 1.5 },
          hoverinfo: "skip",
        });
      }
    }
    const pooled = results.find((r) => r.measure === "lengthRatio" && r.testSet === testSet);
    const stats = [
      ...chosen.filter((r) => r.testSet === testSet).map((r) => `${PAPER_REFERENCE_STYLE[r.reference].label}: R² ${formatNumber(r.fit.r2, 2)}, τb ${formatNumber(r.kendall.tau, 2)} (n ${r.models.length})`),
      ...(measure === "meanWords" && pooled ? [`length ratio to reference, pooled: R² ${formatNumber(pooled.fit.r2, 2)}, τb ${formatNumber(pooled.kendall.tau, 2)} (n ${pooled.models.length})`] : []),
    ].join("<br>");
    annotations.push({ text: stats, xref: "paper", yref: "paper", x: ti * (w + gap) + 0.005, y: 0.99, xanchor: "left", yanchor: "top", align: "left", showarrow: false, font: { size: 9, color: "#404040" }, bgcolor: "rgba(255,255,255,0.8)" });
  });
  return {
    data,
    layout: judgeFreeLayout(
      measure === "meanWords" ? `${BEYOND}: could answer length alone explain the win rates?` : `${BEYOND}: Rouge-L to the reference vs the win rates`,
      `Each point is a model; y = the paper's win rate (judge gpt-3.5-turbo) against one reference; x = ${xTitle}. Lines: least squares per reference.<br>R² = share of the win rates' variance the measure alone explains; τb = Kendall's tau-b (ties counted). Models without mirrored outputs are left out.`,
      { ...layoutAxes, annotations, width: 1200, height: 520, margin: { l: 70, r: 20, t: 100, b: 80 } },
    ),
  };
}

/** Mean Rouge-L of each model's answers to each reference's answers, as a heatmap (models x test set · reference). */
export function buildRougeHeatmap(rows: readonly RougeToReferenceRow[]): LaidOutFigure {
  const models = [...new Set(rows.map((r) => r.model))];
  const columns = PAPER_TEST_SETS.flatMap((t) => PAPER_REFERENCES.filter((ref) => rows.some((r) => r.testSet === t && r.reference === ref)).map((ref) => ({ t, ref })));
  const colLabels = columns.map((c) => `${c.t}<br>${PAPER_REFERENCE_STYLE[c.ref].label}`);
  const z = models.map((m) => columns.map((c) => rows.find((r) => r.model === m && r.testSet === c.t && r.reference === c.ref)?.meanRougeL ?? null));
  const text = z.map((row) => row.map((v) => (v === null ? "missing" : v.toFixed(3))));
  const ns = rows.filter((r) => r.status === "ok").map((r) => r.n);
  return {
    data: [
      {
        type: "heatmap",
        x: colLabels,
        y: models.map(modelLabel),
        z,
        text,
        texttemplate: "%{text}",
        textfont: { size: 10 },
        colorscale: "YlGnBu",
        zmin: 0,
        hoverongaps: true,
        colorbar: { title: { text: "Rouge-L F" } },
        // The hover repeats the cell text: a missing cell reads "missing"/"n/a" as in the table, never NaN.
        hovertemplate: "%{y}<br>%{x}<br>mean Rouge-L %{text}<extra></extra>",
      },
    ],
    layout: judgeFreeLayout(
      `${BEYOND}: Rouge-L of each model's answers to each reference's answers`,
      `Mean Rouge-L F (rouge_score tokenizer, no stemmer) over ${!ns.length ? 0 : Math.min(...ns) === Math.max(...ns) ? Math.min(...ns) : `${Math.min(...ns)}-${Math.max(...ns)}`} items per cell (seeded sample, same items for every model). Blank "missing": outputs not mirrored.`,
      { height: 120 + 34 * models.length, margin: { l: 170, r: 20, t: 96, b: 70 }, yaxis: { autorange: "reversed" }, xaxis: { side: "bottom", tickfont: { size: 10 } } },
    ),
  };
}

/** Kendall's tau-b between each judge-free measure and the reported win rates, per test set and reference. */
export function buildRankAgreementFigure(results: readonly MeasureVsWinRate[]): LaidOutFigure {
  const measures: MeasureVsWinRate["measure"][] = ["meanWords", "lengthRatio", "rougeL"];
  const measureLabel: Record<string, string> = { meanWords: "mean words", lengthRatio: "length / reference's", rougeL: "Rouge-L to reference" };
  const cols = PAPER_TEST_SETS.flatMap((t) => [...PAPER_REFERENCES, "all" as const].map((ref) => ({ t, ref }))).filter((c) => results.some((r) => r.testSet === c.t && r.reference === c.ref));
  const refLabel = (ref: PaperReference | "all") => (ref === "all" ? "pooled" : PAPER_REFERENCE_STYLE[ref].label);
  const z = measures.map((m) => cols.map((c) => {
    const r = results.find((x) => x.measure === m && x.testSet === c.t && x.reference === c.ref);
    return r && Number.isFinite(r.kendall.tau) ? roundTo(r.kendall.tau, 3) : null;
  }));
  const text = measures.map((m) => cols.map((c) => {
    const r = results.find((x) => x.measure === m && x.testSet === c.t && x.reference === c.ref);
    if (!r || !Number.isFinite(r.kendall.tau)) return "n/a";
    return `${r.kendall.tau.toFixed(2)}<br>p ${r.kendall.pValue < 0.001 ? "<.001" : r.kendall.pValue.toFixed(3)}<br>n ${r.models.length}`;
  }));
  return {
    data: [
      {
        type: "heatmap",
        x: cols.map((c) => `${c.t}<br>${refLabel(c.ref)}`),
        y: measures.map((m) => measureLabel[m]),
        z,
        text,
        texttemplate: "%{text}",
        textfont: { size: 10 },
        colorscale: "RdBu",
        zmin: -1,
        zmax: 1,
        colorbar: { title: { text: "τb" } },
        hovertemplate: "%{y} vs win rate<br>%{x}<br>tau-b %{text}<extra></extra>",
      },
    ],
    layout: judgeFreeLayout(
      `${BEYOND}: rank agreement of judge-free measures with the paper's win rates`,
      "Kendall's tau-b (ties counted) across models between each measure and the reported win rate (judge gpt-3.5-turbo), per test set and reference; p by permutation.",
      { height: 380, margin: { l: 150, r: 20, t: 96, b: 70 }, xaxis: { tickfont: { size: 10 } } },
    ),
  };
}
