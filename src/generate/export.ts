/**
 * The dataset export: Alpaca-format JSON (`[{instruction, input, output}]`, as MedInstruct-52k is released and as
 * Alpaca's/HF trainers read it), JSONL with the taxonomy and provenance fields, and a dataset card (README.md).
 * An input of "<noinput>" becomes "" by default: Alpaca-style trainers pick the no-input template when the input is
 * empty, and "<noinput>" would otherwise be trained on as literal input text (`noinput: "keep"` keeps it).
 */
import { join } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { runDir, writeFileAtomic, writeJsonl } from "../core/index.js";
import { readKeptTasks } from "./filter.js";
import { readTaskResponses, type TaskResponse } from "./responses.js";
import { taxonomyStats, type TaxonomyStats } from "./taxonomy.js";
import { taskRunFiles, type GeneratedTask } from "./task-store.js";
import { type TaskRunConfig } from "./task-config.js";

/** Options for {@link exportDataset}. */
export interface ExportOptions {
  /** The run to export. Default `default`. */
  run?: string;
  /** Output folder. Default `data/runs/<run>/export`. */
  outDir?: string;
  /** File stem. Default `medinstruct`. */
  name?: string;
  /** `empty` (default): "<noinput>" -> ""; `keep`: as generated. */
  noinput?: "empty" | "keep";
  /** Only tasks with a response (default true); false exports tasks with `output: ""` too. */
  requireOutput?: boolean;
  /** Dataset title for the card. */
  title?: string;
  /** Export only the answers of this responder model (required when a run holds answers from several). */
  responder?: string;
}

/** One exported record (the JSONL form; the JSON form has only instruction, input, output). */
export interface ExportRecord {
  id: string;
  instruction: string;
  input: string;
  output: string;
  type: string;
  topic: string;
  view: string;
  difficulty: string;
  teacher: string;
  responder: string;
}

/** What {@link exportDataset} wrote. */
export interface ExportSummary {
  run: string;
  records: number;
  tasksWithoutResponse: number;
  files: { json: string; jsonl: string; card: string };
  stats: TaxonomyStats;
}

/** Export a run as Alpaca JSON + taxonomy JSONL + dataset card. */
export function exportDataset(options: ExportOptions = {}): ExportSummary {
  const run = options.run ?? "default";
  const outDir = options.outDir ?? join(runDir(run), "export");
  const name = options.name ?? "medinstruct";
  const noinput = options.noinput ?? "empty";
  const { tasks, filtered } = readKeptTasks(run);
  const responses = new Map<string, TaskResponse>();
  const all = readTaskResponses(run).filter((r) => options.responder === undefined || r.responder.model === options.responder);
  // One dataset, one recipe: answers from two responders (or two settings) would otherwise be mixed silently per task.
  const recipes = [...new Set(all.map((r) => `${r.responder.provider}:${r.responder.model} (settings ${r.paramsHash})`))];
  if (recipes.length > 1)
    throw new Error(
      `run "${run}" holds answers from ${recipes.length} responders or settings (${recipes.join(", ")}): ` +
        "export one of them (\`alpacare export --responder MODEL\`, or a separate run per setting)",
    );
  for (const r of all) responses.set(r.id, r); // the last answer of a task wins (a rerun of the same recipe)
  const records: ExportRecord[] = [];
  let missing = 0;
  for (const t of tasks) {
    const r = responses.get(t.id);
    if (!r) {
      missing++;
      if (options.requireOutput !== false) continue;
    }
    const input = noinput === "empty" && t.input.trim() === "<noinput>" ? "" : t.input;
    records.push({
      id: t.id,
      instruction: t.instruction,
      input,
      output: r?.output ?? "",
      type: t.type,
      topic: t.topic,
      view: t.view,
      difficulty: t.difficulty,
      teacher: t.teacher.modelVersion ?? t.teacher.model,
      responder: r ? (r.responder.modelVersion ?? r.responder.model) : "",
    });
  }
  const files = { json: join(outDir, `${name}.json`), jsonl: join(outDir, `${name}.jsonl`), card: join(outDir, "README.md") };
  writeFileAtomic(files.json, JSON.stringify(records.map(({ instruction, input, output }) => ({ instruction, input, output })), null, 2) + "\n");
  writeJsonl(files.jsonl, records);
  const stats = taxonomyStats(records);
  const config = existsSync(taskRunFiles(run).config) ? (JSON.parse(readFileSync(taskRunFiles(run).config, "utf8")) as TaskRunConfig) : undefined;
  const filterSummary = existsSync(join(runDir(run), "filter-summary.json")) ? JSON.parse(readFileSync(join(runDir(run), "filter-summary.json"), "utf8")) : undefined;
  writeFileAtomic(files.card, datasetCard({ title: options.title ?? `${name} (AlpaCare-style medical instructions)`, name, records, tasks, stats, config, filterSummary, filtered, missing, noinput, responses: [...responses.values()] }));
  return { run, records: records.length, tasksWithoutResponse: missing, files, stats };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function table(rows: { label: string; count: number }[], total: number): string {
  return ["| label | count | share |", "|---|---:|---:|", ...rows.map((r) => `| ${r.label.replace(/\|/g, "\\|")} | ${r.count} | ${pct(total ? r.count / total : 0)} |`)].join("\n");
}

function datasetCard(o: {
  title: string;
  name: string;
  records: ExportRecord[];
  tasks: GeneratedTask[];
  stats: TaxonomyStats;
  config?: TaskRunConfig;
  filterSummary?: { policy: string; threshold: number; tasks: number; kept: number; dropped: number; at: string };
  filtered: boolean;
  missing: number;
  noinput: string;
  responses: TaskResponse[];
}): string {
  const s = o.stats;
  const withInput = o.records.filter((r) => r.input !== "" && r.input !== "<noinput>").length;
  const teachers = [...new Set(o.records.map((r) => r.teacher))].join(", ") || "(none)";
  const responders = [...new Set(o.records.map((r) => r.responder).filter(Boolean))].join(", ") || "(none)";
  const variants = [...new Set(o.responses.map((r) => r.variant))].join(", ");
  const p = o.config?.params;
  const lines = [
    `# ${o.title}`,
    "",
    "Medical instruction-following data generated with the AlpaCare recipe (Zhang et al., 2023, arXiv:2310.14558):",
    "a teacher model writes tasks from the 167 clinician-written seed tasks, near-duplicates are removed by Rouge-L,",
    "and a second model answers each task.",
    "",
    "## Files",
    `- \`${o.name}.json\`: Alpaca format (\`instruction\`, \`input\`, \`output\`), ready for Alpaca-style / Hugging Face trainers.`,
    `- \`${o.name}.jsonl\`: the same records with \`id\`, \`type\`, \`topic\`, \`view\`, \`difficulty\`, \`teacher\`, \`responder\`.`,
    "",
    "## Counts",
    `- Records: ${o.records.length} (${withInput} with an input, ${o.records.length - withInput} without)`,
    `- Tasks kept after filtering: ${o.tasks.length}${o.filtered ? "" : " (not filtered: post-hoc filter not run)"}; tasks without a response (not exported): ${o.missing}`,
    o.filterSummary
      ? `- Near-duplicate filter: ${o.filterSummary.policy}, Rouge-L > ${o.filterSummary.threshold} dropped; ${o.filterSummary.tasks} generated, ${o.filterSummary.kept} kept, ${o.filterSummary.dropped} dropped (${o.filterSummary.at})`
      : "- Near-duplicate filter: none recorded",
    `- "<noinput>" exported as: ${o.noinput === "empty" ? 'an empty input ""' : '"<noinput>"'}`,
    "",
    "## Generation",
    `- Teacher (tasks): ${teachers}; responder (outputs): ${responders}${variants ? ` (${variants} encoding)` : ""}`,
  ];
  if (o.config && p) {
    lines.push(
      `- Prompt: upstream's requirements text + "List of ${o.config.listSize} tasks" + ${p.seedsPerPrompt} in-context tasks (${p.machineTasksPerPrompt} machine-generated), random stream seed ${o.config.seed}`,
      `- Reading of "List of N": ${o.config.listCountLabel}`,
      `- Decoding: temperature ${p.temperature}, top_p ${p.topP}, presence_penalty ${p.presencePenalty}, frequency_penalty ${p.frequencyPenalty}, max_tokens ${p.maxTokens}, stop ${JSON.stringify(o.config.stop)}`,
      `- Parser: ${o.config.parse}; dedup during generation: ${o.config.dedup}; config hash ${o.config.configHash}${o.config.createdAt ? `; started ${o.config.createdAt}` : ""}`,
    );
  }
  lines.push(
    `- Exported: ${new Date().toISOString()}`,
    "",
    "## Taxonomy (labels normalised: case, plurals and separators merged)",
    `- Views: ${s.view.distinct} distinct (${s.view.distinctRaw} spellings); top ${s.topN} cover ${pct(s.view.topCoverage)}`,
    `- Types: ${s.type.distinct} distinct (${s.type.distinctRaw} spellings); top ${s.topN} cover ${pct(s.type.topCoverage)}`,
    `- Topics: ${s.topic.distinct} distinct (${s.topic.distinctRaw} spellings); top ${s.topN} cover ${pct(s.topic.topCoverage)}`,
    "",
    `### Top ${s.topN} views`,
    table(s.view.top, s.tasks),
    "",
    `### Top ${s.topN} types`,
    table(s.type.top, s.tasks),
    "",
    `### Top ${s.topN} topics`,
    table(s.topic.top, s.tasks),
    "",
    "### Difficulty",
    table(s.difficulty, s.tasks),
    "",
    "## Licence and intended use",
    "Released like MedInstruct-52k under **CC BY-NC 4.0** (non-commercial): the seed tasks and prompts are AlpaCare's",
    "(CC BY-NC 4.0), and the outputs of OpenAI/Anthropic models are subject to their terms of use. For research on",
    "instruction tuning only: machine-generated medical text is unverified, may be wrong or harmful, and must not be",
    "used for clinical decisions.",
    "",
  );
  return lines.join("\n");
}
