/** `alpacare generate-tasks`: medical self-instruct task generation (docs/method.md#2-task-generation), resumable. */
import { parseArgs } from "node:util";
import { UsageError, type Command } from "../command.js";
import { loadInstructionPrompt, loadSeedTasks } from "../../data/index.js";
import { filterGeneratedTasks, makeRougeInlineDeduper, estimateTasks, generateTasks, listCountLabel, resolveTaskPromptParams, taskRunFiles, type GenerationDedupPolicy, type ParseMode } from "../../generate/index.js";
import { chooseModelFromFlags, engineFromFlags, llmFlags, llmFlagsHelp, llmParseOptions, recordRunDeviations, requestBaseFromFlags } from "../llm-flags.js";
import { describeSubstitution } from "../../llm/index.js";

const help = `alpacare generate-tasks: write medical tasks from the 167 seed tasks with a teacher model (docs/method.md, section 2).

Usage: alpacare generate-tasks --target N [flags]

  --target N                 stop once N tasks are kept (required)
  --run NAME                 run folder under data/runs/ (default: default); rerun the same command to resume
  --tasks-per-request N      N of "List of N tasks" (default 12)
  --list-count R             includes-seeds (upstream code: N counts the in-context tasks, 9 new per request)
                             or new-tasks (the paper's text: N new tasks after them) (default includes-seeds)
  --seeds-per-prompt K       in-context tasks per prompt (default 3)
  --machine-tasks M          of those, how many come from the kept machine tasks (default 0)
  --round-size R             requests per round when --machine-tasks > 0 (default 5, upstream's batch size)
  --seed S                   random stream seed (default 42, upstream's random.seed(42))
  --parse faithful|robust    parser (default faithful: upstream's, quirks included)
  --dedup post-hoc|inline|none   near-duplicate policy (default post-hoc: filter after generation, the paper)
  --threshold T              Rouge-L threshold (default 0.7; a task is a duplicate when above it)
  --temperature/--top-p/--presence-penalty/--frequency-penalty/--max-tokens   decoding (1.0/1.0/1.5/0/500)
  --wave-size N              most requests per parallel wave (default 64)
  --filter-only              only (re)run the post-hoc filter on the run's tasks
  --quiet                    no progress line
  --dry-run                  estimate requests, tokens and dollars for the remaining work; send nothing
Model flags (the teacher; default: the embedded local model):
${llmFlagsHelp()}
Example (the paper's teacher, 58k tasks, estimate first):
  alpacare generate-tasks --target 58000 --provider openai --model gpt-4 --dry-run
  alpacare generate-tasks --target 58000 --provider openai --model gpt-4 --run medinstruct
`;

const command: Command = {
  summary: "generate medical tasks from the seed set with a teacher model (resumable, --dry-run cost)",
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        target: { type: "string" },
        "tasks-per-request": { type: "string" },
        "list-count": { type: "string" },
        "seeds-per-prompt": { type: "string" },
        "machine-tasks": { type: "string" },
        "round-size": { type: "string" },
        seed: { type: "string" },
        parse: { type: "string", default: "faithful" },
        dedup: { type: "string", default: "post-hoc" },
        threshold: { type: "string", default: "0.7" },
        temperature: { type: "string" },
        "top-p": { type: "string" },
        "presence-penalty": { type: "string" },
        "frequency-penalty": { type: "string" },
        "max-tokens": { type: "string" },
        "wave-size": { type: "string" },
        quiet: { type: "boolean", default: false },
        "filter-only": { type: "boolean", default: false },
        ...llmParseOptions(),
      },
      strict: true,
      allowPositionals: false,
    });
    const num = (name: string, v: string | undefined, int = true): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || (int && !Number.isInteger(n))) throw new UsageError(`--${name} must be ${int ? "an integer" : "a number"}, got ${JSON.stringify(v)}`);
      return n;
    };
    const target = num("target", values.target);
    if (target === undefined || target < 0) throw new UsageError("--target N is required (the number of tasks to keep)");
    const parse = values.parse as ParseMode;
    if (parse !== "faithful" && parse !== "robust") throw new UsageError(`--parse must be faithful or robust, got ${parse}`);
    const dedup = values.dedup as GenerationDedupPolicy;
    if (!["post-hoc", "inline", "none"].includes(dedup)) throw new UsageError(`--dedup must be post-hoc, inline or none, got ${dedup}`);
    const listCount = values["list-count"];
    if (listCount !== undefined && listCount !== "includes-seeds" && listCount !== "new-tasks") throw new UsageError(`--list-count must be includes-seeds or new-tasks`);
    let params;
    try {
      params = resolveTaskPromptParams({
        tasksPerRequest: num("tasks-per-request", values["tasks-per-request"]),
        seedsPerPrompt: num("seeds-per-prompt", values["seeds-per-prompt"]),
        machineTasksPerPrompt: num("machine-tasks", values["machine-tasks"]),
        listCount: listCount as "includes-seeds" | "new-tasks" | undefined,
        temperature: num("temperature", values.temperature, false),
        topP: num("top-p", values["top-p"], false),
        presencePenalty: num("presence-penalty", values["presence-penalty"], false),
        frequencyPenalty: num("frequency-penalty", values["frequency-penalty"], false),
        maxTokens: num("max-tokens", values["max-tokens"]),
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const threshold = num("threshold", values.threshold, false)!;
    const flags = llmFlags(values);
    if (flags.batch) throw new UsageError("--batch applies to generate-responses; task generation runs through the engine (cached, resumable)");
    const run = flags.run;
    if (values["filter-only"]) {
      const f = await filterGeneratedTasks(run, { policy: "all-pairs", threshold });
      process.stdout.write(`filter (${f.policy}, Rouge-L > ${f.threshold} dropped): ${f.tasks} tasks, ${f.kept} kept, ${f.dropped} dropped -> filtered.jsonl\n`);
      return 0;
    }
    const engine = engineFromFlags(values, undefined, { progress: false });
    const seeds = loadSeedTasks();
    try {
      // Checked with the endpoint before anything is sent; a shut-down teacher fails here or, allowed, is substituted.
      const choice = await chooseModelFromFlags(engine, requestBaseFromFlags(values), values, "teacher");
      const teacher = { provider: choice.provider, model: choice.model, ...(choice.baseURL ? { baseURL: choice.baseURL } : {}) };
      const taskOptions = {
        run,
        target,
        teacher,
        engine,
        seeds,
        requirements: loadInstructionPrompt(),
        params,
        seed: num("seed", values.seed),
        parse,
        dedup,
        threshold,
        makeInlineDeduper: makeRougeInlineDeduper,
        roundSize: num("round-size", values["round-size"]),
        waveSize: num("wave-size", values["wave-size"]),
        quiet: values.quiet,
      };
      const out = process.stdout;
      if (flags.dryRun) {
        const e = estimateTasks(taskOptions);
        out.write(`run ${e.run} (${e.dir}), config ${e.configHash}\n`);
        if (choice.substitution) out.write(`would use: ${describeSubstitution(choice.substitution)}\n`);
        out.write(`reading: ${listCountLabel(params)}\n`);
        out.write(`dry run: ${e.kept} kept so far; ~${e.requests} more requests at up to ${e.newTasksPerRequest} new tasks each\n`);
        out.write(`  calls ${e.cost.calls} (cached ${e.cost.cached}), ~${e.cost.inputTokens} input + ${e.cost.outputTokens} output tokens, ~$${e.cost.usd.toFixed(2)}${e.cost.unpricedModels.length ? ` (no price for ${e.cost.unpricedModels.join(", ")})` : ""}\n`);
        for (const w of e.cost.warnings ?? []) out.write(`  warning: ${w}\n`);
        const alt = resolveTaskPromptParams({ ...params, listCount: params.listCount === "includes-seeds" ? "new-tasks" : "includes-seeds" });
        const altPer = alt.listCount === "includes-seeds" ? alt.tasksPerRequest - alt.seedsPerPrompt : alt.tasksPerRequest;
        out.write(`  (the other reading, ${alt.listCount}: ~${Math.ceil(Math.max(0, target - e.kept) / altPer)} requests at ${altPer} each)\n`);
        return 0;
      }
      const summary = await generateTasks(taskOptions);
      out.write(`run ${summary.run} (${summary.dir}), config ${summary.configHash}\n`);
      out.write(`reading: ${listCountLabel(params)}\n`);
      for (const line of recordRunDeviations(engine, choice, taskRunFiles(run).config, flags.dryRun)) out.write(`${line}\n`);
      out.write(`kept ${summary.kept}/${target}, rejected ${summary.rejected}, duplicates ${summary.duplicates}; requests ${summary.requestsDone} answered, ${summary.requestsFailed} failed; calls now ${summary.callsThisRun}, cache hits ${summary.cacheHits}, $${summary.usd.toFixed(4)}\n`);
      if (Object.keys(summary.rejectReasons).length) out.write(`reject reasons: ${Object.entries(summary.rejectReasons).map(([k, v]) => `${k}=${v}`).join(" ")}\n`);
      for (const e of summary.errors) process.stderr.write(`error: ${e}\n`);
      if (summary.stopped) process.stderr.write(`stopped early: ${summary.stopped} (rerun the same command to continue)\n`);
      else if (!summary.complete && summary.errors.length === 0 && summary.callsThisRun + summary.cacheHits > 0) {
        // The generator caps one call at 4x the requests the target needs (+10): a teacher whose tasks are mostly
        // rejected would otherwise spend without end. Say so instead of exiting 1 silently.
        process.stderr.write(
          `not complete: ${summary.kept}/${target} tasks kept after ${summary.requestsDone} requests; this call stopped at its request cap ` +
            `(4x the requests the target needs, +10) because the teacher's tasks are mostly rejected` +
            `${Object.keys(summary.rejectReasons).length ? " (see reject reasons above, rejects.jsonl)" : ""}. ` +
            `Rerun the same command to send more, or use a teacher that follows the prompt.\n`,
        );
      }
      if (summary.complete && dedup === "post-hoc") {
        // The paper's step after generation: all-pairs Rouge-L over the generated instructions.
        const f = await filterGeneratedTasks(run, { policy: "all-pairs", threshold });
        out.write(`post-hoc filter (all-pairs, Rouge-L > ${f.threshold} dropped): ${f.kept} of ${f.tasks} kept -> filtered.jsonl\n`);
      }
      return summary.complete ? 0 : 1;
    } finally {
      await engine.close();
    }
  },
};
export default command;
