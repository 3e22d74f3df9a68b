/**
 * `alpacare score`: win rates (with interval, standard error, unparsed count, flip and tie rates) from verdict files
 * in this workbench's format, AlpaCare's upstream comparison files, or AlpacaEval annotations.
 */
import { basename, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { formatNumber, InputError, projectRoot } from "../../core/index.js";
import { referenceSubstitutionNote, type ReferenceName, type TestSetName } from "../../data/index.js";
import {
  alpacaEvalWinRate, bootstrapWinRate, loadVerdicts, pairAlpacareComparisonFiles, readAlpacaEvalAnnotations,
  readAlpacareComparisonFiles, readVerdictFile, reparseVerdicts, unparsedVerdicts, winRateTable, type VerdictParseMode, type ScoringPolicy,
  type VerdictRecord, type VerdictFilter, type JudgeTemplate, groupVerdicts, verdictTexts, loadJudgeTemplate, buildJudgePrompt,
  writeAlpacareComparisonFiles, writeAlpacaEvalAnnotations, toAlpacaEvalAnnotations, verdictSafeName, dualSidedScores, lengthAdjustedWinRate, judgeDeviations, slotDeviations,
} from "../../judge/index.js";
import { describeAdaptation, readDeviations } from "../../llm/index.js";
import { UsageError, type Command } from "../command.js";

const help = `alpacare score: win rates from verdicts (the paper's dual-sided metric, plus interval and diagnostics).

Usage:
  alpacare score [--format native|alpacare|alpaca-eval] [--policy alpacare|fastchat] [--parse alpacare|robust] FILES... [--json]
  alpacare score --run NAME [--model M] [--test-set T] [--reference R] [--judge J] [--json]

Formats:
  native       verdict JSONL files written by \`alpacare judge\` (default); with no FILES, every verdict file of --run
  alpacare     AlpaCare's upstream comparison files <model>_<judge>_reference_first.jsonl / _reference_last.jsonl
               (paired by name; items aligned by line as upstream's evaulation.py does)
  alpaca-eval  AlpacaEval annotations.json (generator_1 = baseline, generator_2 = model): win rate =
               100 x mean(preference - 1), i.e. 100 x (wins + draws/2) / non-null
Policies: alpacare (default: item = mean of both orders, NaN if either unparsed; win rate = nanmean, the paper's)
          fastchat (an item is a win/loss only if both orders agree; disagreement = tie)
Per group (model, test set, reference, judge, template) it prints winRate, n, unparsed, ci95 (bootstrap over items,
2000 resamples, seed 42), standardError, flipRate, tieRate. For alpaca-eval files flipRate is null (one verdict per
item) and unparsed counts null preferences.

Flags:
  --format F        native | alpacare | alpaca-eval (default native)
  --policy P        alpacare | fastchat (default alpacare)
  --parse MODE      alpacare (default, upstream's rule) | robust (re-reads the raw text; beyond the paper)
  --model-name M / --reference R / --test-set T   names for upstream comparison files (default: file name / model_1 / "unknown")
  --run NAME        with no FILES: the run whose verdicts to score (default "default")
  --model, --test-set, --reference, --judge   filter native records
  --seed N          bootstrap seed (default 42)
  --unparsed        also list the unparsed verdicts (item, order, raw text)
  --reparse         native: re-read every stored raw text with the current parsers first (no judge calls)
  --export-alpacare DIR      native: also write each group as upstream comparison files into DIR
                             (prompt = the stored prompt, else rebuilt from the data with the group's template)
  --export-alpaca-eval DIR   native: also write each group as DIR/<model>__<test set>__<reference>__<judge>/annotations.json
                             (one annotation per item, preference = 1 + item score under --policy; null = unscored)
  --length-adjusted also print the length-adjusted win rate (beyond the paper: a logistic GLM on the length
                    difference, read at zero difference, WITHOUT AlpacaEval's instruction term, so NOT comparable to
                    AlpacaEval 2's LC win rate; --length-controlled is an alias)
  --json            one JSON object (several groups: {"results": [...]})

Two records for the same (item, order) (e.g. files merged by hand) are reported, and the first written is scored.
A FILE that does not exist or holds no verdicts is an error.

Examples:
  alpacare score --run default --model AlpaCare-7b
  alpacare score --format alpacare data/comparsion/AlpaCare-7b_gpt-3.5-turbo_reference_first.jsonl data/comparsion/AlpaCare-7b_gpt-3.5-turbo_reference_last.jsonl
  alpacare score --format alpaca-eval results/alpaca-7b/annotations.json --json
`;

/** One printed/JSON row. */
interface ScoreRow {
  source: string;
  model: string;
  testSet?: string;
  reference: string;
  judge?: string;
  template?: string;
  policy: string;
  parse: string;
  winRate: number | null;
  n: number;
  unparsed: number;
  ci95: [number | null, number | null];
  standardError: number | null;
  flipRate: number | null;
  tieRate: number | null;
  /** AlpacaEval's `discrete_win_rate` (each preference rounded first); alpaca-eval format only. */
  discreteWinRate?: number | null;
  unparsedList?: { itemId: string; order: string; raw: string }[];
  /** Records for an (item, order) already seen (ignored: the first written is scored) and how many pairs disagree. */
  duplicates?: number;
  conflictingDuplicates?: number;
  /** `--length-adjusted`: the length-adjusted win rate (beyond the paper; NOT AlpacaEval 2's LC) and what it is. */
  lengthAdjustedWinRate?: number | null;
  lengthAdjustedNote?: string;
  /** Set when the reference outputs are a substitute (AlpacaFarm: AlpacaEval's); every number resting on it says so. */
  referenceSubstitution?: string;
  /** Deviations from the paper the row rests on: a substitute judge, adapted parameters (from the config snapshots). */
  deviations?: string[];
}

const nn = (x: number): number | null => (Number.isNaN(x) ? null : x);

/**
 * Native verdicts: a judge other than the paper's gpt-3.5-turbo / claude-2 is a substitution, and the adaptations
 * recorded for that judge model come along; both are printed beside the numbers.
 */
function withDeviations(rows: ScoreRow[], adaptations: ReadonlyMap<string, string[]>): ScoreRow[] {
  for (const r of rows) {
    if (!r.judge) continue;
    const d = slotDeviations(r.judge, /claude/i.test(r.judge) ? "claude-2" : "gpt-3.5-turbo", adaptations);
    if (d.length) r.deviations = d;
  }
  return rows;
}

function rowsFromRecords(records: VerdictRecord[], source: string, policy: ScoringPolicy, mode: VerdictParseMode, seed: number, listUnparsed: boolean, lengthAdjusted = false): ScoreRow[] {
  return winRateTable(records, { policy, mode, seed }).map((r) => {
    const row: ScoreRow = {
      source, model: r.model, testSet: r.testSet, reference: r.reference, judge: r.judge, template: r.template, policy, parse: mode,
      winRate: nn(r.winRate), n: r.n, unparsed: r.unparsed, ci95: [nn(r.ci95[0]), nn(r.ci95[1])], standardError: nn(r.standardError),
      flipRate: nn(r.flipRate), tieRate: nn(r.tieRate), duplicates: r.duplicates, conflictingDuplicates: r.conflictingDuplicates,
    };
    const group = () => records.filter((x) => x.model === r.model && x.testSet === r.testSet && x.reference === r.reference && x.judge.model === r.judge && x.template.hash === r.templateHash);
    if (listUnparsed) row.unparsedList = unparsedVerdicts(group(), mode);
    if (lengthAdjusted) {
      const { items, scores } = dualSidedScores(group(), { policy, mode });
      const la = lengthAdjustedWinRate(items, scores);
      row.lengthAdjustedWinRate = nn(la.lengthAdjustedWinRate);
      row.lengthAdjustedNote = la.note;
    }
    return row;
  });
}

/** `--export-alpacare` / `--export-alpaca-eval`: write each group in the other projects' formats. */
function exportGroups(records: VerdictRecord[], values: Record<string, unknown>, policy: ScoringPolicy, mode: VerdictParseMode, run: string): void {
  const toAlpacare = values["export-alpacare"] as string | undefined;
  const toAlpacaEval = values["export-alpaca-eval"] as string | undefined;
  if (!toAlpacare && !toAlpacaEval) return;
  for (const g of groupVerdicts(records)) {
    const texts = verdictTexts(g, { run });
    if (toAlpacare) {
      let template: JudgeTemplate | undefined;
      try {
        template = g.template === "chatgpt" || g.template === "anthropic" ? loadJudgeTemplate(g.template) : undefined;
      } catch {
        template = undefined;
      }
      const promptFor = (r: VerdictRecord) => {
        const t = texts?.(r.itemId);
        if (!t || !template || template.hash !== r.template.hash) return "";
        return buildJudgePrompt(template, { instruction: t.instruction, modelName: r.model, modelOutput: t.modelOutput, referenceName: r.reference, referenceOutput: t.referenceOutput }, r.order).prompt;
      };
      const paths = writeAlpacareComparisonFiles(g.records, join(toAlpacare, verdictSafeName(g.testSet), verdictSafeName(g.reference)), { judge: verdictSafeName(g.judge), promptFor });
      process.stderr.write(`wrote ${relative(process.cwd(), paths.referenceFirst)} and ${basename(paths.referenceLast)}\n`);
    }
    if (toAlpacaEval) {
      const file = join(toAlpacaEval, [g.model, g.testSet, g.reference, g.judge].map(verdictSafeName).join("__"), "annotations.json");
      writeAlpacaEvalAnnotations(file, toAlpacaEvalAnnotations(g.records, { policy, mode, texts }));
      process.stderr.write(`wrote ${relative(process.cwd(), file)}\n`);
    }
  }
}

const command: Command = {
  summary: "win rate, bootstrap CI, unparsed count, flip and tie rates from verdict / upstream / AlpacaEval files",
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: "string" },
        policy: { type: "string" },
        parse: { type: "string" },
        "model-name": { type: "string" },
        run: { type: "string" },
        model: { type: "string" },
        "test-set": { type: "string" },
        reference: { type: "string" },
        judge: { type: "string" },
        seed: { type: "string" },
        unparsed: { type: "boolean" },
        reparse: { type: "boolean" },
        "export-alpacare": { type: "string" },
        "export-alpaca-eval": { type: "string" },
        json: { type: "boolean" },
        "length-adjusted": { type: "boolean" },
        "length-controlled": { type: "boolean" },
      },
    });
    // `--length-controlled` is accepted for those who look for AlpacaEval's name; what is printed is named honestly.
    const lengthAdjusted = values["length-adjusted"] === true || values["length-controlled"] === true;
    const format = values.format ?? "native";
    if (!["native", "alpacare", "alpaca-eval"].includes(format)) throw new UsageError("--format: native, alpacare or alpaca-eval");
    const policy = (values.policy ?? "alpacare") as ScoringPolicy;
    if (policy !== "alpacare" && policy !== "fastchat") throw new UsageError("--policy: alpacare or fastchat");
    const mode = (values.parse ?? "alpacare") as VerdictParseMode;
    if (mode !== "alpacare" && mode !== "robust") throw new UsageError("--parse: alpacare or robust");
    const seed = values.seed === undefined ? 42 : Number(values.seed);
    if (!Number.isInteger(seed)) throw new UsageError("--seed: an integer");
    const listUnparsed = values.unparsed === true;
    const rows: ScoreRow[] = [];

    if (format === "native") {
      if (positionals.length === 0) {
        const filter: VerdictFilter = { model: values.model, testSet: values["test-set"], reference: values.reference, judge: values.judge };
        const run = values.run ?? "default";
        const loaded = loadVerdicts(run, filter);
        const recs = values.reparse ? reparseVerdicts(loaded) : loaded;
        if (recs.length === 0) throw new UsageError(`no verdicts in run ${JSON.stringify(run)} matching the filters (give FILES, or run \`alpacare judge\` first)`);
        rows.push(...withDeviations(rowsFromRecords(recs, `run ${run}`, policy, mode, seed, listUnparsed, lengthAdjusted), judgeDeviations(run)));
        exportGroups(recs, values, policy, mode, run);
      } else {
        for (const file of positionals) {
          // A file named on the command line must exist (a missing file is not "no verdicts").
          if (!existsSync(file)) throw new InputError({ file }, "file not found");
          const read = values.reparse ? reparseVerdicts(readVerdictFile(file)) : readVerdictFile(file);
          const recs = read.filter((r) =>
            (!values.model || r.model === values.model) && (!values["test-set"] || r.testSet === values["test-set"]) &&
            (!values.reference || r.reference === values.reference) && (!values.judge || r.judge.model === values.judge));
          if (recs.length === 0) throw new InputError({ file }, read.length ? "no verdict records match the filters" : "no verdict records in the file");
          const recorded = readDeviations(file.replace(/\.jsonl$/, ".config.json")).adaptations.map(describeAdaptation);
          rows.push(...withDeviations(rowsFromRecords(recs, relative(projectRoot, file) || file, policy, mode, seed, listUnparsed, lengthAdjusted), new Map([[recs[0]!.judge.model, recorded]])));
          exportGroups(recs, values, policy, mode, values.run ?? "default");
        }
      }
    } else if (format === "alpacare") {
      if (positionals.length === 0) throw new UsageError("--format alpacare needs the comparison FILES");
      for (const files of pairAlpacareComparisonFiles(positionals)) {
        const recs = readAlpacareComparisonFiles(files, { model: values["model-name"], reference: values.reference, testSet: values["test-set"] });
        const name = basename((files.referenceFirst ?? files.referenceLast)!).replace(/_reference_(first|last)\.jsonl$/, "");
        rows.push(...rowsFromRecords(recs, name, policy, mode, seed, listUnparsed, lengthAdjusted));
      }
    } else {
      if (positionals.length === 0) throw new UsageError("--format alpaca-eval needs annotations.json FILES");
      for (const file of positionals) {
        const ann = readAlpacaEvalAnnotations(file);
        const groups = new Map<string, typeof ann>();
        for (const a of ann) {
          const k = `${a.generator_2}\u0000${a.generator_1}\u0000${a.annotator ?? ""}`;
          groups.set(k, [...(groups.get(k) ?? []), a]);
        }
        for (const [k, g] of groups) {
          const [model, reference, annotator] = k.split("\u0000");
          const prefs = g.map((a) => a.preference);
          const w = alpacaEvalWinRate(prefs);
          const vals = prefs.filter((p): p is number => typeof p === "number" && !Number.isNaN(p)).map((p) => (p === 0 ? 1.5 : p)).filter((p) => p >= 1 && p <= 2).map((p) => p - 1);
          const ci = bootstrapWinRate(vals, { seed }).ci;
          rows.push({
            source: relative(projectRoot, file) || file, model: model!, reference: reference!, judge: annotator || undefined, policy: "alpaca-eval", parse: "n/a",
            winRate: nn(w.winRate), n: w.nTotal, unparsed: w.nMissing, ci95: [nn(ci[0]), nn(ci[1])], standardError: nn(w.standardError),
            flipRate: null, tieRate: w.nTotal ? w.nDraws / w.nTotal : null, discreteWinRate: nn(w.discreteWinRate),
          });
        }
      }
    }

    for (const r of rows) {
      const note = r.testSet ? referenceSubstitutionNote(r.reference as ReferenceName, r.testSet as TestSetName) : undefined;
      if (note) r.referenceSubstitution = note;
    }
    if (values.json) {
      process.stdout.write(JSON.stringify(rows.length === 1 ? rows[0] : { results: rows }, null, 2) + "\n");
      return 0;
    }
    for (const r of rows) {
      process.stdout.write(
        `${r.model} vs ${r.reference}${r.testSet ? ` on ${r.testSet}` : ""}${r.judge ? `, judge ${r.judge}` : ""}${r.template ? ` (${r.template})` : ""}  [${r.source}]\n` +
          `  winRate ${formatNumber(r.winRate, 2)}%  ci95 [${formatNumber(r.ci95[0], 2)}, ${formatNumber(r.ci95[1], 2)}]  standardError ${formatNumber(r.standardError, 2)}  n ${r.n}  unparsed ${r.unparsed}  ` +
          `flipRate ${formatNumber(r.flipRate, 3)}  tieRate ${formatNumber(r.tieRate, 3)}${r.discreteWinRate !== undefined ? `  discreteWinRate ${formatNumber(r.discreteWinRate, 2)}%` : ""}  (policy ${r.policy}, parse ${r.parse})\n`,
      );
      if (r.lengthAdjustedWinRate !== undefined) process.stdout.write(`  lengthAdjustedWinRate ${formatNumber(r.lengthAdjustedWinRate, 2)}%  (${r.lengthAdjustedNote})\n`);
      if (r.duplicates) {
        process.stdout.write(`  note: ${r.duplicates} duplicate verdict record(s) for an (item, order) already judged were ignored (the first written is scored)${r.conflictingDuplicates ? `; ${r.conflictingDuplicates} of those pairs disagree with the scored verdict` : ""}\n`);
      }
      if (r.referenceSubstitution) process.stdout.write(`  note: ${r.referenceSubstitution}\n`);
      for (const d of r.deviations ?? []) process.stdout.write(`  deviation from the paper: ${d}\n`);
      for (const u of r.unparsedList ?? []) process.stdout.write(`    unparsed ${u.itemId} ${u.order}: ${JSON.stringify(u.raw)}\n`);
    }
    return 0;
  },
};
export default command;
