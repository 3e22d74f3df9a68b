/**
 * What the paper's result figures show, as data: which models (in the paper's order, with the paper's names),
 * which test sets, which reference models and which judge make up every bar of Figures 2-6 (and the appendix's
 * Figure 10). The builders (`paper-chart.ts`, `paper-comparison-chart.ts`) turn a spec into a Plotly figure; nothing
 * here draws.
 */

/** A test set of the paper's evaluation (same strings as `src/data`'s `TestSetName`). */
export type PaperTestSet = "iCliniq" | "MedInstruct-test" | "AlpacaFarm";
/** A reference model of the paper's evaluation (same strings as `src/data`'s `ReferenceName`). */
export type PaperReference = "text-davinci-003" | "gpt-3.5-turbo" | "gpt-4" | "claude-2";

/** The three test sets in the order the paper's figures use. */
export const PAPER_TEST_SETS: readonly PaperTestSet[] = ["iCliniq", "MedInstruct-test", "AlpacaFarm"];
/** The four reference models in the paper's legend order. */
export const PAPER_REFERENCES: readonly PaperReference[] = ["text-davinci-003", "gpt-3.5-turbo", "gpt-4", "claude-2"];
/** The paper's main judge and its ablation judge (Figure 5). */
export const PAPER_JUDGE = "gpt-3.5-turbo";
/** The ablation judge of Figure 5. */
export const PAPER_ABLATION_JUDGE = "claude-2";

/** Items per test set as released (the paper says 217 for MedInstruct-test; the released file has 216). */
export const PAPER_TEST_SET_SIZES: Readonly<Record<PaperTestSet, number>> = {
  iCliniq: 1000,
  "MedInstruct-test": 216,
  AlpacaFarm: 805,
};

/** Legend names and bar colours of the reference models, as in the paper's charts (Office palette). */
export const PAPER_REFERENCE_STYLE: Readonly<Record<PaperReference, { label: string; color: string; dark: string }>> = {
  "text-davinci-003": { label: "text-davinci-003", color: "#D9D9D9", dark: "#8C8C8C" },
  "gpt-3.5-turbo": { label: "GPT-3.5-turbo", color: "#FFD966", dark: "#BF9000" },
  "gpt-4": { label: "GPT-4", color: "#A9D18E", dark: "#548235" },
  "claude-2": { label: "Claude-2", color: "#9DC3E6", dark: "#2E75B6" },
};

/** A model that appears in the paper's figures. */
export interface PaperModel {
  /** Upstream output folder (`alpacare/data/model_ouputs/<model>`), the name `loadModelOutputs` takes. */
  model: string;
  /** The name in `figure-values.csv` (the paper's legend names). */
  name: string;
  /** The x-axis label the paper's chart prints. */
  label: string;
  backbone: "LLaMA" | "LLaMA-2";
  size: "7B" | "13B";
}

const m = (model: string, name: string, label: string, backbone: PaperModel["backbone"], size: PaperModel["size"]): PaperModel => ({
  model,
  name,
  label,
  backbone,
  size,
});

/** The 7B LLaMA models of Figures 2, 3 and 5, in the paper's order. */
export const PAPER_MODELS_7B: readonly PaperModel[] = [
  m("alpaca", "Alpaca", "Alpaca", "LLaMA", "7B"),
  m("ChatDoctor_weights", "ChatDoctor", "Chat-Doctor", "LLaMA", "7B"),
  m("medalpaca-7b", "MedAlpaca", "MedAlpaca", "LLaMA", "7B"),
  m("PMC_LLAMA_7B", "PMC-LLaMA", "PMC-LLaMA", "LLaMA", "7B"),
  m("baize-h-7b", "Baize-Healthcare", "Baize-Healthcare", "LLaMA", "7B"),
  m("AlpaCare-7b", "AlpaCare", "AlpaCare", "LLaMA", "7B"),
];

/** The 7B LLaMA-2 models of Figure 4 (and the appendix's Figure 10). */
export const PAPER_MODELS_7B_LLAMA2: readonly PaperModel[] = [
  m("alpaca-7b-llama-2", "Alpaca", "Alpaca-LLaMA2", "LLaMA-2", "7B"),
  m("AlpaCare-7b-llama-2", "AlpaCare", "AlpaCare-LLaMA2", "LLaMA-2", "7B"),
];

/** The 13B LLaMA models of Figure 6, in the paper's order. */
export const PAPER_MODELS_13B: readonly PaperModel[] = [
  m("alpaca-13b", "Alpaca", "Alpaca", "LLaMA", "13B"),
  m("medalpaca-13b", "MedAlpaca", "MedAlpaca", "LLaMA", "13B"),
  m("PMC_LLaMA_13B", "PMC-LLaMA", "PMC-LLaMA", "LLaMA", "13B"),
  m("AlpaCare-13b", "AlpaCare", "AlpaCare", "LLaMA", "13B"),
];

/** The 13B LLaMA-2 models whose outputs AlpaCare published but whose win rates no figure shows. */
export const PAPER_MODELS_13B_LLAMA2: readonly PaperModel[] = [
  m("alpaca-13b-llama-2", "Alpaca", "Alpaca-LLaMA2-13B", "LLaMA-2", "13B"),
  m("AlpaCare-13b-llama-2", "AlpaCare", "AlpaCare-LLaMA2-13B", "LLaMA-2", "13B"),
];

/** Every model with published outputs, in figure order (7B LLaMA, 7B LLaMA-2, 13B LLaMA, 13B LLaMA-2). */
export const PAPER_MODELS: readonly PaperModel[] = [
  ...PAPER_MODELS_7B,
  ...PAPER_MODELS_7B_LLAMA2,
  ...PAPER_MODELS_13B,
  ...PAPER_MODELS_13B_LLAMA2,
];

/** Look up a paper model by its upstream folder name. */
export function paperModel(model: string): PaperModel | undefined {
  return PAPER_MODELS.find((p) => p.model === model);
}

/** A model as flat table columns, the ones every per-model row (paper vs reproduced, judge-free) starts with. */
export interface PaperModelColumns {
  /** Upstream model folder (`AlpaCare-7b`). */
  model: string;
  /** The paper's model name (`AlpaCare`). */
  modelName: string;
  backbone: string;
  size: string;
}

/**
 * The paper's name, backbone and size of an upstream model folder, as row columns. A folder the paper does not show
 * keeps its folder name and empty columns, so a row for it still reads.
 */
export function modelNameColumns(model: string): Omit<PaperModelColumns, "model"> {
  const p = paperModel(model);
  return p ? { modelName: p.name, backbone: p.backbone, size: p.size } : { modelName: model, backbone: "", size: "" };
}

/** One bar of a figure: where it sits and what it measures. */
export interface BarCell {
  /** The x-axis category (a model label, or a test set in Figure 4). */
  group: string;
  /** The legend entry (a reference model, a judge, or a model+backbone in Figure 4). */
  series: string;
  model: PaperModel;
  testSet: PaperTestSet;
  reference: PaperReference;
  /** The judge slot: the paper's judge name (`gpt-3.5-turbo` or `claude-2`). */
  judge: string;
}

/** A legend entry: its name and colours. */
export interface SeriesStyle {
  name: string;
  color: string;
  /** A darker shade for outlines and error bars. */
  dark: string;
}

/** A figure (or one panel of it) of the paper. */
export interface PaperFigureSpec {
  /** `2a`, `3`, `4`, `5b`, `6c`, `10a`... */
  id: string;
  /** The export name: `figure-2a`. */
  name: string;
  /** The figure number (2-6, 10). */
  figure: number;
  /** `a`, `b`, `c` or "" for a single-panel figure. */
  panel: string;
  /** The paper's caption, shortened. */
  title: string;
  /** The x categories in order. */
  groups: string[];
  /** Legend entries in order. */
  series: SeriesStyle[];
  /** Every bar (groups x series). */
  cells: BarCell[];
  /** Whether the paper published this figure's values (Figure 5's claude-2 bars: no). */
  published: "all" | "some" | "none";
}

/** Options for {@link paperFigureSpecs}. */
export interface PaperFigureSpecOptions {
  /** Reference models to draw (default: all four; Figures 4 and 5 always use gpt-4). */
  references?: readonly PaperReference[];
  /** Upstream model folders to keep (default: every model the paper shows). */
  models?: readonly string[];
  /** Include the appendix's Figure 10 (every 7B model, LLaMA and LLaMA-2, all references). Default true. */
  appendix?: boolean;
}

const PANELS = ["a", "b", "c"];

function referenceSeries(references: readonly PaperReference[]): SeriesStyle[] {
  return references.map((r) => ({ name: PAPER_REFERENCE_STYLE[r].label, color: PAPER_REFERENCE_STYLE[r].color, dark: PAPER_REFERENCE_STYLE[r].dark }));
}

/** Cells of a "models x references" panel on one test set, judged by `judge`. */
function modelsByReference(models: readonly PaperModel[], testSet: PaperTestSet, references: readonly PaperReference[], judge: string): BarCell[] {
  const cells: BarCell[] = [];
  for (const model of models)
    for (const reference of references)
      cells.push({ group: model.label, series: PAPER_REFERENCE_STYLE[reference].label, model, testSet, reference, judge });
  return cells;
}

/**
 * The specs of the paper's Figures 2, 3, 4, 5 and 6 (and the appendix's Figure 10), one per panel, in order:
 * 2a iCliniq and 2b MedInstruct-test (7B), 3 AlpacaFarm (7B), 4 LLaMA vs LLaMA-2 (gpt-4 reference, three test
 * sets), 5a-c judge gpt-3.5-turbo vs claude-2 (gpt-4 reference), 6a-c 13B, 10a-c every 7B model.
 */
export function paperFigureSpecs(options: PaperFigureSpecOptions = {}): PaperFigureSpec[] {
  const refs = options.references ?? PAPER_REFERENCES;
  const keep = (list: readonly PaperModel[]) => (options.models ? list.filter((x) => options.models!.includes(x.model)) : [...list]);
  const specs: PaperFigureSpec[] = [];
  const panel = (figure: number, p: string, title: string, models: readonly PaperModel[], testSet: PaperTestSet): PaperFigureSpec => ({
    id: `${figure}${p}`,
    name: `figure-${figure}${p}`,
    figure,
    panel: p,
    title,
    groups: models.map((x) => x.label),
    series: referenceSeries(refs),
    cells: modelsByReference(models, testSet, refs, PAPER_JUDGE),
    published: "all",
  });

  const m7 = keep(PAPER_MODELS_7B);
  specs.push(panel(2, "a", "Figure 2 (a): medical capacity on iCliniq, 7B models", m7, "iCliniq"));
  specs.push(panel(2, "b", "Figure 2 (b): medical capacity on MedInstruct-test, 7B models", m7, "MedInstruct-test"));
  specs.push(panel(3, "", "Figure 3: generalization on AlpacaFarm, 7B models", m7, "AlpacaFarm"));

  // Figure 4: the backbone comparison. x = test set, one bar per (model, backbone), gpt-4 reference.
  const fig4Models = keep([PAPER_MODELS_7B[0]!, PAPER_MODELS_7B_LLAMA2[0]!, PAPER_MODELS_7B[5]!, PAPER_MODELS_7B_LLAMA2[1]!]);
  const fig4Style: Record<string, { color: string; dark: string }> = {
    "alpaca": { color: "#D9D9D9", dark: "#7F7F7F" },
    "alpaca-7b-llama-2": { color: "#A6A6A6", dark: "#595959" },
    "AlpaCare-7b": { color: "#9DC3E6", dark: "#2E75B6" },
    "AlpaCare-7b-llama-2": { color: "#2E75B6", dark: "#1F4E79" },
  };
  const fig4Name = (x: PaperModel) => `${x.name} (${x.backbone})`;
  specs.push({
    id: "4",
    name: "figure-4",
    figure: 4,
    panel: "",
    title: "Figure 4: LLaMA vs LLaMA-2 backbones (7B), gpt-4 reference",
    groups: [...PAPER_TEST_SETS],
    series: fig4Models.map((x) => ({ name: fig4Name(x), ...fig4Style[x.model]! })),
    cells: PAPER_TEST_SETS.flatMap((testSet) =>
      fig4Models.map((model) => ({ group: testSet, series: fig4Name(model), model, testSet, reference: "gpt-4" as const, judge: PAPER_JUDGE })),
    ),
    published: "all",
  });

  // Figure 5: the judge ablation; claude-2's values were never published as numbers.
  const judges = [
    { judge: PAPER_JUDGE, name: "judge gpt-3.5-turbo", color: "#FFD966", dark: "#BF9000" },
    { judge: PAPER_ABLATION_JUDGE, name: "judge claude-2", color: "#9DC3E6", dark: "#2E75B6" },
  ];
  PAPER_TEST_SETS.forEach((testSet, i) => {
    specs.push({
      id: `5${PANELS[i]}`,
      name: `figure-5${PANELS[i]}`,
      figure: 5,
      panel: PANELS[i]!,
      title: `Figure 5 (${PANELS[i]}): judge gpt-3.5-turbo vs claude-2 on ${testSet}, 7B models, gpt-4 reference`,
      groups: m7.map((x) => x.label),
      series: judges.map(({ name, color, dark }) => ({ name, color, dark })),
      cells: m7.flatMap((model) => judges.map((j) => ({ group: model.label, series: j.name, model, testSet, reference: "gpt-4" as const, judge: j.judge }))),
      published: "some",
    });
  });

  const m13 = keep(PAPER_MODELS_13B);
  PAPER_TEST_SETS.forEach((testSet, i) => {
    specs.push(panel(6, PANELS[i]!, `Figure 6 (${PANELS[i]}): 13B models on ${testSet}`, m13, testSet));
  });

  if (options.appendix ?? true) {
    const m7all = keep([PAPER_MODELS_7B[0]!, PAPER_MODELS_7B_LLAMA2[0]!, ...PAPER_MODELS_7B.slice(1), PAPER_MODELS_7B_LLAMA2[1]!]);
    PAPER_TEST_SETS.forEach((testSet, i) => {
      specs.push(panel(10, PANELS[i]!, `Figure 10 (${PANELS[i]}, appendix): every 7B model on ${testSet}, LLaMA and LLaMA-2`, m7all, testSet));
    });
  }
  return specs;
}
