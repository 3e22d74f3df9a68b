/**
 * `alpacare infer`: run a model under test on a test set in the paper's format (Alpaca prompt, greedy, up to 2048
 * new tokens), resumably; or list / check the model outputs available.
 */
import { basename, dirname, join, resolve } from "node:path";
import { projectRoot } from "../../core/index.js";
import { parseArgs } from "node:util";
import type { TestSetName } from "../../data/index.js";
import {
  extractionAgreement,
  INFER_DEFAULT_MAX_TOKENS,
  INFER_TEST_SETS,
  inferItems,
  inferRun,
  isInferTestSet,
  modelOutputCatalogue,
  planInferRun,
  promptPrefixAgreement,
  type ExtractionRule,
  type InferRunOptions,
  type InferTemplate,
} from "../../infer/index.js";
import { loadModelOutputs, loadTestSet, publishedModels } from "../../data/index.js";
import { UsageError, type Command } from "../command.js";
import { chooseModelFromFlags, engineFromFlags, llmFlags, llmFlagsHelp, llmParseOptions, recordRunDeviations, requestBaseFromFlags } from "../llm-flags.js";

const help = `alpacare infer: run a model on a test set in the paper's format (Alpaca prompt, greedy, up to 2048 new tokens).

Usage:
  alpacare infer --model-name NAME --test-set iCliniq|MedInstruct-test|AlpacaFarm|all [flags] [LLM flags]
  alpacare infer --list [--run NAME]        the model outputs available (published + runs)
  alpacare infer --check-published          prompt-prefix and response-extraction agreement on the published outputs

Outputs: data/runs/<run>/outputs/<model-name>/<test-set>.jsonl (id, instruction, input, raw_output, response,
generation), settings in settings.json beside them. Rerunning resumes: ids already stored are skipped; different
settings for the same run and model name are refused.

Flags:
  --model-name NAME       name the outputs are stored under (default: the model id's base name)
  --test-set NAME         iCliniq, MedInstruct-test, AlpacaFarm, a comma-separated list, or all
  --limit N               only the first N items of each test set (default: all)
  --template T            alpaca (default): the Alpaca prompt as a raw completion (rawPrompt);
                          chat: the instruction (+ blank line + input) as a chat message, the model's own template
  --system-prompt TEXT    system prompt for --template chat (default none)
  --max-tokens N          max new tokens (default ${INFER_DEFAULT_MAX_TOKENS}, the paper's)
  --stop TEXT             a stop sequence (repeatable; default none, as upstream)
  --extraction R          upstream (default for alpaca: raw_output.split("Response:")[1], exact on all published
                          outputs), clean (cut at the next ### section, trimmed), verbatim (default for chat)
  --parallel N            local models: parallel sequences in one context (default 1)
  --display-name / --backbone / --size   labels for the catalogue (e.g. --backbone LLaMA-2 --size 7B)
  --quiet                 no progress
${llmFlagsHelp()}

Examples:
  alpacare infer --model-name stories260K --test-set AlpacaFarm --limit 5 --max-tokens 64
  alpacare infer --model-name AlpaCare-7b-vllm --test-set all --provider openai-compatible \\
      --base-url http://localhost:8000/v1 --model xz97/AlpaCare-llama2-7b --concurrency 16
`;

function int(v: unknown, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} ${JSON.stringify(v)}: expected an integer >= ${min}`);
  return n;
}

function pad(s: string | number, n: number): string {
  return String(s).padEnd(n);
}

const command: Command = {
  summary: "run a model on iCliniq / MedInstruct-test / AlpacaFarm in the paper's format (resumable)",
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        ...llmParseOptions(),
        "model-name": { type: "string" },
        "test-set": { type: "string" },
        limit: { type: "string" },
        template: { type: "string" },
        "system-prompt": { type: "string" },
        "max-tokens": { type: "string" },
        stop: { type: "string", multiple: true },
        extraction: { type: "string" },
        parallel: { type: "string" },
        "display-name": { type: "string" },
        backbone: { type: "string" },
        size: { type: "string" },
        quiet: { type: "boolean" },
        list: { type: "boolean" },
        "check-published": { type: "boolean" },
      },
    });
    const flags = llmFlags(values);

    if (values.list) {
      const rows = modelOutputCatalogue((values as Record<string, unknown>).run as string | undefined);
      process.stdout.write(`${pad("model", 24)}${pad("backbone", 9)}${pad("size", 5)}${pad("test set", 18)}${pad("count", 11)}${pad("source", 10)}file\n`);
      for (const r of rows) {
        process.stdout.write(`${pad(r.model, 24)}${pad(r.backbone ?? "?", 9)}${pad(r.size ?? "?", 5)}${pad(r.testSet, 18)}${pad(`${Number.isNaN(r.count) ? "n/a" : r.count}/${r.expected}`, 11)}${pad(r.source, 10)}${r.run ? r.file : r.error ? "not acquired (optional download)" : r.file}\n`);
      }
      return 0;
    }

    if (values["check-published"]) {
      process.stdout.write(`${pad("model", 24)}${pad("test set", 18)}${pad("records", 9)}${pad("prompt prefix", 15)}${pad("upstream rule", 15)}${pad('after "### Response:"', 23)}clean rule\n`);
      for (const p of publishedModels()) {
        for (const testSet of p.mirroredTestSets) {
          const outputs = loadModelOutputs(p.model, testSet);
          const byId = new Map(inferItems(testSet, loadTestSet(testSet)).map((it) => [it.id, it]));
          const prefix = promptPrefixAgreement(outputs, outputs.map((o) => byId.get(o.id)!));
          const up = extractionAgreement(outputs, "upstream");
          const clean = extractionAgreement(outputs, "clean");
          // The often-quoted rule, shown for comparison: the text after the first "### Response:".
          const afterHeader = outputs.filter((o) => (o.raw_output.split("### Response:")[1] ?? "") === o.response).length;
          process.stdout.write(`${pad(p.model, 24)}${pad(testSet, 18)}${pad(outputs.length, 9)}${pad(prefix.match, 15)}${pad(up.agree, 15)}${pad(afterHeader, 23)}${clean.agree}\n`);
        }
      }
      return 0;
    }

    const testSetFlag = values["test-set"] as string | undefined;
    if (!testSetFlag) throw new UsageError("--test-set is required (iCliniq, MedInstruct-test, AlpacaFarm, or all)");
    const testSets: TestSetName[] = testSetFlag === "all" ? [...INFER_TEST_SETS] : testSetFlag.split(",").map((t) => t.trim()).filter(Boolean).map((t) => {
      if (!isInferTestSet(t)) throw new UsageError(`--test-set ${JSON.stringify(t)}: expected iCliniq, MedInstruct-test, AlpacaFarm or all`);
      return t;
    });
    const template = (values.template as string | undefined) ?? "alpaca";
    if (template !== "alpaca" && template !== "chat") throw new UsageError(`--template ${JSON.stringify(template)}: expected alpaca or chat`);
    const extraction = values.extraction as string | undefined;
    if (extraction !== undefined && !["upstream", "clean", "verbatim"].includes(extraction)) throw new UsageError(`--extraction ${JSON.stringify(extraction)}: expected upstream, clean or verbatim`);
    const requested = requestBaseFromFlags(values);
    const modelName = (values["model-name"] as string | undefined) ?? basename(requested.model).replace(/\.gguf$/i, "").replace(/[^A-Za-z0-9._-]+/g, "-");
    if (!/^[A-Za-z0-9._-]+$/.test(modelName)) throw new UsageError(`--model-name ${JSON.stringify(modelName)}: use letters, digits, '.', '_' or '-'`);
    const parallel = int(values.parallel, "parallel", 1);
    const engine = engineFromFlags(values, undefined, {
      progress: false,
      ...(requested.provider === "local" ? { local: { threads: flags.threads, parallel, contextSize: flags.contextSize } } : {}),
    });
    try {
      // Checked with the endpoint before anything is sent; a model that is not served fails here or, allowed, is substituted.
      const choice = await chooseModelFromFlags(engine, requested, values);
      const target = { provider: choice.provider, model: choice.model, ...(choice.baseURL ? { baseURL: choice.baseURL } : {}) };
      let failed = 0;
      for (const testSet of testSets) {
        const options: InferRunOptions = {
          modelName,
          testSet,
          target,
          run: flags.run,
          limit: int(values.limit, "limit", 0),
          template: template as InferTemplate,
          systemPrompt: values["system-prompt"] as string | undefined,
          maxTokens: int(values["max-tokens"], "max-tokens", 1),
          stop: values.stop as string[] | undefined,
          extraction: extraction as ExtractionRule | undefined,
          displayName: values["display-name"] as string | undefined,
          backbone: values.backbone as string | undefined,
          size: values.size as string | undefined,
          engine,
          silent: values.quiet === true,
        };
        if (flags.dryRun) {
          const plan = planInferRun(options);
          const e = engine.estimate(plan.requests);
          process.stdout.write(`${modelName} ${testSet}: ${plan.items.length} items, ${plan.resumed} already stored, ${plan.todo.length} to generate (${e.calls} calls not cached, ~${e.inputTokens} input tokens, <= ${e.outputTokens} output tokens, $${e.usd.toFixed(2)})\n`);
          for (const w of e.warnings ?? []) process.stdout.write(`  warning: ${w}\n`);
          continue;
        }
        const s = await inferRun(options);
        failed += s.failed;
        process.stdout.write(
          `${modelName} ${testSet}: ${s.generated} generated, ${s.resumed} already stored, ${s.failed} failed, ${s.hitMaxTokens} hit max tokens; ` +
            `${s.outputTokens} output tokens in ${(s.wallMs / 1000).toFixed(1)} s (${s.tokensPerSec.toFixed(1)} tokens/s) -> ${s.file}\n`,
        );
        for (const line of recordRunDeviations(engine, choice, join(dirname(resolve(projectRoot, s.settingsFile)), "deviations.json"), false)) process.stdout.write(`  ${line}\n`);
        for (const err of s.errors) process.stderr.write(`  failed: ${err}\n`);
        if (s.stopped) {
          process.stderr.write(`  stopped early (${s.stopped}): ${s.skipped} items not started; rerun the same command to continue\n`);
          return 1;
        }
      }
      return failed > 0 ? 1 : 0;
    } finally {
      await engine.close();
    }
  },
};
export default command;
