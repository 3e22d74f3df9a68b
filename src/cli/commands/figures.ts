/** `alpacare figures`: regenerate the paper's Figures 2-6 (paper vs reproduced) and the judge-free analyses, headless. */
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { InputError, dataDir, figuresDir, runDir, writeFileAtomic } from "../../core/index.js";
import {
  differenceTableCsv,
  exportFigures,
  judgeFreeAnalysis,
  paperFigures,
  writeFigureIndex,
  type FigureFormat,
  type FigureItem,
} from "../../figures/index.js";
import { UsageError, type Command } from "../command.js";

const help = `alpacare figures [--only fig2,fig3,...] [--run NAME] [--policy alpacare|fastchat] [--judge MODEL]
                 [--ablation-judge MODEL] [--mode alpacare|robust] [--formats png,svg,html] [--sample N] [--no-judgefree]

Regenerate the paper's result figures from the verdicts in data/runs/<run>/verdicts/ next to the values the paper
reports (paper/figure-values.csv), and the judge-free analyses (beyond the paper), headless, into figures/:
  figure-2a, figure-2b     Figure 2: 7B models on iCliniq / MedInstruct-test, four reference models
  figure-3                 Figure 3: 7B models on AlpacaFarm
  figure-4                 Figure 4: Alpaca vs AlpaCare on LLaMA and LLaMA-2 (gpt-4 reference)
  figure-5a, -5b, -5c      Figure 5: judge gpt-3.5-turbo vs claude-2 (gpt-4 reference; claude-2 values unpublished)
  figure-6a, -6b, -6c      Figure 6: 13B models on the three test sets
  figure-10a, -10b, -10c   Appendix Figure 10: every 7B model (LLaMA and LLaMA-2), four references
Each panel as paper (hatched) vs reproduced (solid, bootstrap 95% interval; "no verdicts" where none), plus
figure-<id>-paper (the paper's values alone), figure-differences (+ paper-vs-reproduced.csv), and 06-beyond-*
(length, Rouge-L, Kendall's tau-b vs the paper's win rates). Ends by rewriting figures/index.html.
Writes into the project's figures/ (shared with the notebooks); set ALPACARE_FIGURES_DIR=<folder> to write elsewhere.

Flags:
  --only LIST            figures to make: fig2, 2a, fig5, 6c, fig10, judgefree (default: all)
  --run NAME             run store to read verdicts from (default: default)
  --policy P             scoring policy: alpacare (the paper's, default) or fastchat
  --mode M               verdict parse mode: alpacare (upstream's rule, default) or robust
  --judge MODEL          judge model id whose verdicts fill the paper's gpt-3.5-turbo bars
                         (default: every judge except claude-*, e.g. the embedded local judge)
  --ablation-judge MODEL judge model id for Figure 5's claude-2 bars (default: claude-* judges)
  --formats LIST         png,svg,html (default: all three)
  --sample N             items per test set for Rouge-L (default 200; "all" for every item)
  --no-judgefree         skip the judge-free analyses
  --no-paper-only        skip the figure-<id>-paper re-plots

Example:
  alpacare figures --only fig2,fig5 --run demo --policy alpacare`;

const command: Command = {
  summary: "regenerate the paper's Figures 2-6 (paper vs reproduced) and the judge-free analyses into figures/",
  help,
  async run(argv) {
    // Bad flags throw ERR_PARSE_ARGS_* errors, which the CLI reports as usage errors.
    const { values } = parseArgs({
      args: argv,
      options: {
        only: { type: "string" },
        run: { type: "string", default: "default" },
        policy: { type: "string", default: "alpacare" },
        mode: { type: "string", default: "alpacare" },
        judge: { type: "string" },
        "ablation-judge": { type: "string" },
        formats: { type: "string", default: "png,svg,html" },
        sample: { type: "string", default: "200" },
        "no-judgefree": { type: "boolean", default: false },
        "no-paper-only": { type: "boolean", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const policy = values.policy;
    if (policy !== "alpacare" && policy !== "fastchat") throw new UsageError(`--policy ${policy}: use alpacare or fastchat`);
    const mode = values.mode;
    if (mode !== "alpacare" && mode !== "robust") throw new UsageError(`--mode ${mode}: use alpacare or robust`);
    const formats = values.formats.split(",").map((f) => f.trim()).filter(Boolean);
    for (const f of formats) if (!["png", "svg", "html"].includes(f)) throw new UsageError(`--formats: unknown format ${f} (use png, svg, html)`);
    const sample = values.sample === "all" ? Infinity : Number(values.sample);
    if (!(sample > 0)) throw new UsageError(`--sample ${values.sample}: use a positive number or "all"`);
    const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
    const wantJudgeFree = !values["no-judgefree"] && (!only || only.some((s) => /^(judge-?free|beyond)$/i.test(s)));
    const paperOnly = only?.filter((s) => !/^(judge-?free|beyond)$/i.test(s));
    const wantPaper = !only || (paperOnly?.length ?? 0) > 0;
    if (only) {
      const known = /^(fig(ure)?[-_ ]?)?(2|2a|2b|3|4|5|5a|5b|5c|6|6a|6b|6c|10|10a|10b|10c)$/i;
      for (const s of paperOnly ?? []) if (!known.test(s)) throw new UsageError(`--only: unknown figure ${s} (use fig2, 2a, 3, 4, fig5, 6c, fig10, judgefree)`);
    }

    const items: FigureItem[] = [];
    if (wantPaper && !existsSync(runDir(values.run))) {
      // A mistyped --run would otherwise overwrite the gallery's figures with empty reproductions and exit 0.
      const runsDir = join(dataDir(), "runs");
      const runs = existsSync(runsDir) ? readdirSync(runsDir).filter((d) => existsSync(join(runsDir, d, "verdicts"))) : [];
      const hint = `runs with verdicts: ${runs.length ? runs.join(", ") : "none yet (alpacare judge writes them)"}`;
      if (argv.some((a) => a === "--run" || a.startsWith("--run="))) {
        const rel = relative(process.cwd(), runDir(values.run));
        throw new InputError({ file: rel.startsWith("..") ? runDir(values.run) : rel }, `no such run (${hint})`);
      }
      process.stderr.write(`figures: no run "${values.run}" yet: the reproduced bars will be empty (${hint}; pick one with --run)\n`);
    }
    if (wantPaper) {
      const set = paperFigures({
        only: paperOnly,
        run: values.run,
        policy,
        mode,
        judge: values.judge,
        ablationJudge: values["ablation-judge"],
        paperOnly: !values["no-paper-only"],
      });
      items.push(...set.items);
      const csv = join(figuresDir(), "paper-vs-reproduced.csv");
      writeFileAtomic(csv, differenceTableCsv(set.table));
      const s = set.summary;
      process.stderr.write(
        `figures: run ${values.run}, policy ${policy}: ${s.reproduced} of ${s.bars} bars have verdicts; ${s.compared} compared with the paper` +
          (s.compared ? ` (mean |diff| ${s.meanAbsDifference} points, paper inside the 95% interval for ${s.paperInsideCi})` : "") +
          `; table: ${csv}\n`,
      );
    }
    if (wantJudgeFree) {
      process.stderr.write(`figures: judge-free analyses (Rouge-L on ${sample === Infinity ? "every item" : `${sample} items per test set`})...\n`);
      const jf = judgeFreeAnalysis({ sample });
      items.push(...jf.items);
      const missing = jf.lengths.filter((r) => r.status === "missing");
      if (missing.length) process.stderr.write(`figures: ${missing.length} model x test set outputs not available (shown as missing): ${missing.map((m) => `${m.model}/${m.testSet}`).join(", ")}\n`);
    }
    const out = await exportFigures(items, { formats: formats as FigureFormat[] });
    process.stderr.write(`figures: wrote ${out.length} figures (${formats.join(", ")}) to ${figuresDir()}\n`);
    const index = writeFigureIndex();
    process.stderr.write(`figures: index ${index}\n`);
    return 0;
  },
};
export default command;
