/**
 * `alpacare judge`: dual-sided judging of a model's outputs against a reference (both orders per item), resumable,
 * verdicts appended to `data/runs/<run>/verdicts/`.
 */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { formatNumber, projectRoot } from "../../core/index.js";
import { isReferenceName, isTestSetName, REFERENCE_NAMES, TEST_SET_NAMES } from "../../data/index.js";
import {
  judgeRun, loadJudgeTemplate, type JudgeModelConfig, type JudgeTemplate, type JudgeOrder, type VerdictParseMode,
  type ScoringPolicy,
} from "../../judge/index.js";
import { formatPace } from "../../llm/index.js";
import { UsageError, type Command } from "../command.js";
import { engineFromFlags, llmFlags, llmFlagsHelp, llmParseOptions, requestBaseFromFlags } from "../llm-flags.js";

const help = `alpacare judge: judge a model's outputs against a reference model's, both orders per item (dual-sided).

Usage:
  alpacare judge --model-name M --test-set T --reference R [flags] [judge LLM flags]

  M  a published model by its upstream folder name (AlpaCare-7b, medalpaca-13b, PMC_LLaMA_7B, ...) or the
     --model-name of an \`alpacare infer\` run (outputs in data/runs/<run>/outputs/M/<T>.jsonl)
  T  ${TEST_SET_NAMES.join(" | ")}
  R  ${REFERENCE_NAMES.join(" | ")}  (AlpacaFarm: AlpacaEval's outputs of these models, a recorded substitution)

Every item is judged twice: reference as Output (a) (referenceFirst) and as Output (b) (referenceLast), with the
paper's prompt, temperature 0, max_tokens 100. Verdicts go to
data/runs/<run>/verdicts/<M>__<T>__<R>__<judge>__<template>.jsonl (one line per item and order: raw text, both
parses, judge model and version, template hash, cache key), a config snapshot beside it (.config.json). Rerunning
resumes: (item, order) pairs already in the file are skipped; answered calls come from the LLM cache.

Flags:
  --model-name M          the model under test (required)
  --test-set T            the test set (required)
  --reference R           the reference model (required)
  --outputs-run NAME      infer run holding M's outputs (default: published outputs if M is published, else --run)
  --limit N               judge only the first N items that have an output
  --template T            chatgpt (default; anthropic for an Anthropic judge) | anthropic | a template FILE with
                          {instruction}, {output_1}, {output_2}
  --template-system TEXT  system prompt for a user template (default none)
  --parse MODE            alpacare (default: the upstream rule exactly) | robust (tolerant reader, beyond the paper);
                          both are stored, this picks the summary's
  --policy P              alpacare (default: mean of both orders) | fastchat (disagreement = tie)
  --order O               only referenceFirst or referenceLast (default both)
  --store-prompts         keep each filled prompt in its record (upstream's "prompt" field)
  --json                  print the result as one JSON object
  --quiet                 no progress on stderr
Judge LLM flags (default: gpt-3.5-turbo, the paper's judge, when OPENAI_API_KEY is set; it is shut down, so add
--allow-substitute (or name a judge); else the embedded local model, which for the stories260K test model yields
mostly unparsed verdicts):
${llmFlagsHelp("judge")}
  --dry-run               estimate the calls, tokens and dollars (and say which models are shut down or unpriced);
                          send and write nothing
  --run NAME              run store folder data/runs/NAME/ (default "default")
  --allow-substitute      a judge that is not served is replaced by the first served substitute from the model
                          registry (e.g. gpt-6-luna for gpt-3.5-turbo); recorded in the config snapshot and every summary
  --strict-params         refuse instead of adapting parameters the judge model rejects (exact replication)

Examples:
  alpacare judge --model-name AlpaCare-7b --test-set iCliniq --reference gpt-4 --judge-model gpt-3.5-turbo --dry-run
  alpacare judge --model-name AlpaCare-7b --test-set iCliniq --reference gpt-4 --judge-model gpt-3.5-turbo --allow-substitute
  alpacare judge --model-name AlpaCare-7b --test-set MedInstruct-test --reference text-davinci-003 --limit 5
  alpacare judge --model-name medalpaca-13b --test-set AlpacaFarm --reference claude-2 --judge-model claude-2.1 --template anthropic
`;

/**
 * Resolve the judge: explicit flags win; none at all = the paper's judge with a key (checked with the endpoint before
 * any call: shut down, it fails naming its substitutes, or with --allow-substitute the first served one is used),
 * else the embedded local model.
 */
export function judgeFromFlags(values: Record<string, unknown>): JudgeModelConfig {
  const f = llmFlags(values, "judge");
  if (!f.provider && !f.model && !f.baseURL && process.env.OPENAI_API_KEY) return { provider: "openai", model: "gpt-3.5-turbo" };
  return requestBaseFromFlags(values, "judge");
}

const command: Command = {
  summary: "dual-sided LLM judging of a model against a reference (both orders, resumable)",
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        ...llmParseOptions("judge"),
        "dry-run": { type: "boolean" },
        run: { type: "string" },
        "allow-substitute": { type: "boolean" },
        "strict-params": { type: "boolean" },
        "model-name": { type: "string" },
        "test-set": { type: "string" },
        reference: { type: "string" },
        "outputs-run": { type: "string" },
        limit: { type: "string" },
        template: { type: "string" },
        "template-system": { type: "string" },
        parse: { type: "string" },
        policy: { type: "string" },
        order: { type: "string" },
        "store-prompts": { type: "boolean" },
        json: { type: "boolean" },
        quiet: { type: "boolean" },
      },
    });
    const v = values as Record<string, unknown>;
    const modelName = v["model-name"] as string | undefined;
    const testSet = v["test-set"] as string | undefined;
    const reference = v.reference as string | undefined;
    if (!modelName) throw new UsageError("--model-name is required");
    if (!testSet || !isTestSetName(testSet)) throw new UsageError(`--test-set: one of ${TEST_SET_NAMES.join(", ")}`);
    if (!reference || !isReferenceName(reference)) throw new UsageError(`--reference: one of ${REFERENCE_NAMES.join(", ")}`);
    const limit = v.limit === undefined ? undefined : Number(v.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`--limit ${JSON.stringify(v.limit)}: expected an integer >= 1`);
    const parse = (v.parse as string | undefined) ?? "alpacare";
    if (parse !== "alpacare" && parse !== "robust") throw new UsageError("--parse: alpacare or robust");
    const policy = (v.policy as string | undefined) ?? "alpacare";
    if (policy !== "alpacare" && policy !== "fastchat") throw new UsageError("--policy: alpacare or fastchat");
    const order = v.order as string | undefined;
    if (order !== undefined && order !== "referenceFirst" && order !== "referenceLast") throw new UsageError("--order: referenceFirst or referenceLast");
    const flags = llmFlags(v, "judge");
    const judge = judgeFromFlags(v);
    let template: string | JudgeTemplate | undefined = v.template as string | undefined;
    if (template !== undefined && v["template-system"] !== undefined && template !== "chatgpt" && template !== "anthropic") {
      template = loadJudgeTemplate(template, { system: v["template-system"] as string });
    }
    const engine = engineFromFlags(v, "judge", { progress: !v.quiet });
    try {
      const result = await judgeRun({
        modelName, testSet, reference, run: flags.run, outputsRun: v["outputs-run"] as string | undefined, judge,
        template, parse: parse as VerdictParseMode, policy: policy as ScoringPolicy, limit,
        orders: order ? [order as JudgeOrder] : undefined, engine, dryRun: flags.dryRun, batch: flags.batch ? { progress: !v.quiet } : undefined, storePrompts: v["store-prompts"] === true,
        allowSubstitute: flags.allowSubstitute,
      });
      const s = result.summary;
      // A budget stop or an abort leaves pairs unjudged: not a success, though rerunning resumes where it stopped.
      const stoppedEarly = result.llm?.stopped !== undefined && result.llm.stopped !== "dry-run";
      const exitCode = result.failures.length || stoppedEarly ? 1 : 0;
      if (v.json) {
        process.stdout.write(JSON.stringify({ ...result, file: relative(projectRoot, result.file), configFile: relative(projectRoot, result.configFile) }, null, 2) + "\n");
        return exitCode;
      }
      const out: string[] = [];
      out.push(`judge ${result.judge.provider}/${result.judge.model}, template ${result.template.name} (${result.template.hash}), ${modelName} vs ${reference} on ${testSet}`);
      if (result.referenceSubstitution) out.push(`note: ${result.referenceSubstitution}`);
      for (const d of result.deviations) out.push(`deviation from the paper: ${d}`);
      out.push(`items ${result.items}, (item, order) pairs ${result.planned}: ${result.done} already judged, ${result.judged} judged now, ${result.failures.length} failed, ${result.skipped} not sent`);
      if (result.estimate && flags.dryRun) {
        const e = result.estimate;
        out.push(`dry run: ${e.calls} calls to send (${e.cached} cached), ~${e.inputTokens} input + ${e.outputTokens} output tokens, ${e.unpricedModels.length ? `price unknown for ${e.unpricedModels.join(", ")} (not $0: give --judge-price IN,OUT)` : `~$${e.usd.toFixed(4)}`}`);
        for (const w of e.warnings ?? []) if (!w.startsWith("no price known")) out.push(`warning: ${w}`);
      }
      if (result.llm) out.push(`calls ${result.llm.calls}, cache hits ${result.llm.cacheHits}, retries ${result.llm.retries}, $${result.llm.usd.toFixed(4)}${result.llm.stopped ? `, stopped: ${result.llm.stopped}` : ""}`);
      // The pace reached against the provider's rate limits (from its headers), per judge endpoint.
      for (const p of result.llm?.pace ?? []) out.push(`pace ${formatPace(p)}`);
      out.push(
        `win rate (${s.policy} policy, ${s.mode} parse): ${formatNumber(s.winRate, 2)}% [95% CI ${formatNumber(s.ci95[0], 2)}, ${formatNumber(s.ci95[1], 2)}], SE ${formatNumber(s.standardError, 2)}, n ${s.n} of ${s.items} items`,
        `unparsed verdicts ${s.unparsed}${s.missingOrders ? `, orders not judged yet ${s.missingOrders}` : ""}, flip rate ${formatNumber(s.flipRate, 3)}, tie rate ${formatNumber(s.tieRate, 3)}, first-position share ${formatNumber(s.firstPositionWinShare, 3)}`,
      );
      for (const u of result.unparsed.slice(0, 5)) out.push(`  unparsed ${u.itemId} ${u.order}: ${JSON.stringify(u.raw.slice(0, 100))}`);
      if (result.unparsed.length > 5) out.push(`  ... ${result.unparsed.length - 5} more (alpacare score --unparsed ${relative(projectRoot, result.file)})`);
      for (const f of result.failures.slice(0, 5)) out.push(`  failed ${f.itemId} ${f.order}: ${f.message}`);
      out.push(`verdicts: ${relative(projectRoot, result.file)}`);
      if (stoppedEarly) out.push(`stopped early (${result.llm!.stopped}): ${result.skipped} pairs not sent; rerun the same command to resume`);
      process.stdout.write(out.join("\n") + "\n");
      return exitCode;
    } finally {
      await engine.close();
    }
  },
};
export default command;
