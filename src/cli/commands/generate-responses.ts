/** `alpacare generate-responses`: answer every kept task once (docs/method.md#6-responses), resumable, optionally via batch APIs. */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { UsageError, type Command } from "../command.js";
import { runDir } from "../../core/index.js";
import { generateResponses, type NoInputRule, type ResponseVariant } from "../../generate/index.js";
import { chooseModelFromFlags, engineFromFlags, llmFlags, llmFlagsHelp, llmParseOptions, recordRunDeviations, requestBaseFromFlags } from "../llm-flags.js";
import { requireGeneratedTasks } from "../run-checks.js";

const help = `alpacare generate-responses: answer each kept task of a generation run with one call (docs/method.md, section 6).

Usage: alpacare generate-responses [flags]

Reads data/runs/<run>/filtered.jsonl (after the post-hoc filter) or tasks.jsonl, appends data/runs/<run>/responses.jsonl;
a rerun answers only what is missing.

  --variant openai|anthropic  prompt encoding (default: anthropic for --provider anthropic, else openai)
                              openai: instruction + "\\n\\n" + input + "\\n" (input left out when empty, "<noinput>" or
                              containing "NA"), upstream's system prompt, temperature 1.0, top_p 1.0,
                              presence_penalty 1.5, max_tokens 300
                              anthropic: "Human: {instruction}\\n\\n{input}\\n\\nAssistant:", temperature 0, max_tokens 600
  --no-input-rule upstream|strict   upstream drops any input CONTAINING "NA" (DNA, RNA...); strict only "NA" itself
  --temperature T / --max-tokens N  override the variant's decoding
  --limit N                   answer only the first N tasks
  --poll-interval S           batch status poll interval in seconds (default 30)
  --quiet                     no progress line
Model flags (the responder; the paper: gpt-3.5-turbo):
${llmFlagsHelp()}

Example:
  alpacare generate-responses --run medinstruct --provider openai --model gpt-3.5-turbo --batch
`;

const command: Command = {
  summary: "answer every kept task once with the paper's encoding (resumable, --batch)",
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        variant: { type: "string" },
        "no-input-rule": { type: "string", default: "upstream" },
        temperature: { type: "string" },
        "max-tokens": { type: "string" },
        limit: { type: "string" },
        "poll-interval": { type: "string" },
        quiet: { type: "boolean", default: false },
        ...llmParseOptions(),
      },
      strict: true,
      allowPositionals: false,
    });
    const variant = values.variant as ResponseVariant | undefined;
    if (variant !== undefined && variant !== "openai" && variant !== "anthropic") throw new UsageError("--variant must be openai or anthropic");
    const rule = values["no-input-rule"] as NoInputRule;
    if (rule !== "upstream" && rule !== "strict") throw new UsageError("--no-input-rule must be upstream or strict");
    const num = (k: string, int: boolean) => {
      const v = (values as Record<string, unknown>)[k];
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || (int && !Number.isInteger(n)) || n < 0) throw new UsageError(`--${k} must be a non-negative ${int ? "integer" : "number"}`);
      return n;
    };
    const flags = llmFlags(values);
    requireGeneratedTasks(flags.run);
    const engine = engineFromFlags(values, undefined, { progress: false });
    try {
      // Checked with the endpoint before anything is sent; a shut-down responder fails here or, allowed, is substituted.
      const choice = await chooseModelFromFlags(engine, requestBaseFromFlags(values), values, "responder");
      const responder = { provider: choice.provider, model: choice.model, ...(choice.baseURL ? { baseURL: choice.baseURL } : {}) };
      if (flags.dryRun) {
        // The engine's dry run answers only from the cache and sends nothing; the summary then shows the estimate.
        process.stderr.write("dry run: estimating, nothing is sent\n");
      }
      const pollS = num("poll-interval", false);
      const s = await generateResponses({
        run: flags.run,
        responder,
        engine,
        variant,
        noInputRule: rule,
        params: { temperature: num("temperature", false), maxTokens: num("max-tokens", true) },
        limit: num("limit", true),
        batch: flags.batch,
        pollIntervalMs: pollS === undefined ? undefined : pollS * 1000,
        quiet: values.quiet,
      });
      process.stdout.write(
        `run ${s.run}: ${s.tasks} tasks (${s.usedFilteredTasks ? "filtered" : "unfiltered"}), ${s.answered} answered now, ${s.answeredBefore} before, ${s.failed} failed, ` +
          `${s.skippedEmptyPrompt} skipped (instruction "NA"), ${s.inputsDroppedByNaRule} inputs dropped by the "NA" substring rule; calls ${s.calls}, cache hits ${s.cacheHits}, $${s.usd.toFixed(4)}\n`,
      );
      if (s.estimate) process.stdout.write(`dry run: ${s.estimate.calls} calls to send (${s.estimate.cached} cached), ~${s.estimate.inputTokens} input + ${s.estimate.outputTokens} output tokens, ~$${s.estimate.usd.toFixed(2)}\n`);
      for (const line of recordRunDeviations(engine, choice, join(runDir(flags.run), "responses.config.json"), flags.dryRun)) process.stdout.write(`${line}\n`);
      for (const e of s.errors) process.stderr.write(`  failed: ${e}\n`);
      if (s.stopped) process.stderr.write(`stopped early (${s.stopped}): rerun the same command to answer the rest; answers so far are kept\n`);
      return s.failed > 0 || s.stopped ? 1 : 0;
    } finally {
      await engine.close();
    }
  },
};
export default command;
