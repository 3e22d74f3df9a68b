/**
 * The flags every command that calls a model shares, and their `--judge-` twins for commands that also call a
 * judge. Use with node:util `parseArgs`:
 *
 * ```ts
 * const { values } = parseArgs({ args: argv, options: { ...llmParseOptions(), ...llmParseOptions("judge"), out: { type: "string" } } });
 * const engine = engineFromFlags(values);            // cache, limits, budget, Ctrl-C handling
 * const base = requestBaseFromFlags(values);         // { provider, model, baseURL? } (the embedded default if none)
 * const judgeBase = requestBaseFromFlags(values, "judge");
 * if (llmFlags(values).dryRun) { print(engine.estimate(requests)); return 0; }
 * ```
 */
import { UsageError } from "./command.js";
import {
  chooseModel, createEngine, defaultModel, describeDeviations, formatEstimate, recordDeviations, runBatch,
  type Budget, type ChatRequest, type Engine, type EngineOptions, type ModelChoice, type ModelPrice, type ProviderName, type RoleName, type RunAllOptions, type RunSummary,
} from "../llm/index.js";

const PROVIDERS: ProviderName[] = ["openai", "anthropic", "openai-compatible", "local"];

type ParseOption = { type: "string" | "boolean"; short?: string; default?: string | boolean };

/** The flag names without prefix. */
const FLAGS: Record<string, ParseOption> = {
  provider: { type: "string" },
  model: { type: "string" },
  "base-url": { type: "string" },
  "api-key-env": { type: "string" },
  concurrency: { type: "string" },
  rpm: { type: "string" },
  tpm: { type: "string" },
  budget: { type: "string" },
  timeout: { type: "string" },
  "max-retries": { type: "string" },
  threads: { type: "string" },
  "context-size": { type: "string" },
  "dry-run": { type: "boolean" },
  "no-cache": { type: "boolean" },
  batch: { type: "boolean" },
  price: { type: "string" },
  run: { type: "string" },
  "allow-substitute": { type: "boolean" },
  "strict-params": { type: "boolean" },
};

/** Flags that apply once per command, not per model (no `--judge-` twin). */
const SHARED = new Set(["dry-run", "run", "allow-substitute", "strict-params"]);

const name = (flag: string, prefix?: string) => (prefix && !SHARED.has(flag) ? `${prefix}-${flag}` : flag);

/** `parseArgs` option specs for the LLM flags, optionally prefixed (`llmParseOptions("judge")` -> `--judge-model`...). */
export function llmParseOptions(prefix?: string): Record<string, ParseOption> {
  const out: Record<string, ParseOption> = {};
  for (const [flag, spec] of Object.entries(FLAGS)) {
    if (prefix && SHARED.has(flag)) continue;
    out[name(flag, prefix)] = { ...spec };
  }
  return out;
}

/** The LLM settings read from parsed flags. */
export interface LlmFlags {
  provider?: ProviderName;
  model?: string;
  baseURL?: string;
  apiKeyEnv?: string;
  concurrency?: number;
  rpm?: number;
  tpm?: number;
  budget?: Budget;
  timeoutMs?: number;
  maxRetries?: number;
  threads?: number;
  /** Tokens per sequence of a local model's context (`--context-size`). */
  contextSize?: number;
  dryRun: boolean;
  cache: boolean;
  batch: boolean;
  run: string;
  /** `--price IN,OUT`: USD per million input and output tokens of this model (for a model with no known price). */
  price?: ModelPrice;
  /** `--allow-substitute`: take the first served substitute of a model that is not served. */
  allowSubstitute: boolean;
  /** `--strict-params`: refuse instead of adapting parameters the model does not accept. */
  strictParams: boolean;
}

/** Parse `--price 0.4,1.6` (USD per million input, output tokens). */
export function parsePrice(text: string, flag = "price"): ModelPrice {
  const m = text.trim().match(/^\$?(\d+(?:\.\d+)?)\s*[,/]\s*\$?(\d+(?:\.\d+)?)$/);
  if (!m) throw new UsageError(`--${flag} ${JSON.stringify(text)}: give IN,OUT in US dollars per million tokens, e.g. 0.4,1.6`);
  return { inputPerMTok: Number(m[1]), outputPerMTok: Number(m[2]) };
}

/** Parse `5usd`, `$5`, `5` (dollars) or `200000tokens`, `200k tokens`, `1.5Mtok` (tokens). */
export function parseBudget(text: string, flag = "budget"): Budget {
  const t = text.trim().toLowerCase().replace(/\s+/g, "");
  let m = t.match(/^\$?(\d+(?:\.\d+)?)(usd|\$|dollars?)?$/);
  if (m) return { usd: Number(m[1]) };
  m = t.match(/^(\d+(?:\.\d+)?)([km]?)(tokens?|toks?|t)$/);
  if (m) return { tokens: Math.round(Number(m[1]) * (m[2] === "k" ? 1e3 : m[2] === "m" ? 1e6 : 1)) };
  throw new UsageError(`--${flag} ${JSON.stringify(text)}: use dollars (e.g. 5usd) or tokens (e.g. 200000tokens)`);
}

function num(values: Record<string, unknown>, flag: string, opts: { int?: boolean; min?: number } = {}): number | undefined {
  const v = values[flag];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min))
    throw new UsageError(`--${flag} ${JSON.stringify(v)}: expected ${opts.int ? "an integer" : "a number"}${opts.min !== undefined ? ` >= ${opts.min}` : ""}`);
  return n;
}

/** Read and check the LLM flags (prefixed ones with `prefix`; `--dry-run` and `--run` are shared). */
export function llmFlags(values: Record<string, unknown>, prefix?: string): LlmFlags {
  const f = (flag: string) => values[name(flag, prefix)];
  const provider = f("provider") as string | undefined;
  if (provider !== undefined && !PROVIDERS.includes(provider as ProviderName))
    throw new UsageError(`--${name("provider", prefix)} ${JSON.stringify(provider)}: expected one of ${PROVIDERS.join(", ")}`);
  const apiKeyEnv = f("api-key-env") as string | undefined;
  if (apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv))
    throw new UsageError(`--${name("api-key-env", prefix)}: give the NAME of an environment variable (the key itself is never passed on the command line)`);
  const run = (values.run as string | undefined) ?? "default";
  if (!/^[A-Za-z0-9._-]+$/.test(run)) throw new UsageError(`--run ${JSON.stringify(run)}: use letters, digits, '.', '_' or '-'`);
  const budget = f("budget");
  const timeoutS = num(values, name("timeout", prefix), { min: 0.001 });
  return {
    provider: provider as ProviderName | undefined,
    model: f("model") as string | undefined,
    baseURL: f("base-url") as string | undefined,
    apiKeyEnv,
    concurrency: num(values, name("concurrency", prefix), { int: true, min: 1 }),
    rpm: num(values, name("rpm", prefix), { min: 0.001 }),
    tpm: num(values, name("tpm", prefix), { min: 1 }),
    budget: budget === undefined ? undefined : parseBudget(String(budget), name("budget", prefix)),
    timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
    maxRetries: num(values, name("max-retries", prefix), { int: true, min: 0 }),
    threads: num(values, name("threads", prefix), { int: true, min: 1 }),
    contextSize: num(values, name("context-size", prefix), { int: true, min: 16 }),
    dryRun: values["dry-run"] === true,
    cache: f("no-cache") !== true,
    batch: f("batch") === true,
    run,
    price: f("price") === undefined ? undefined : parsePrice(String(f("price")), name("price", prefix)),
    allowSubstitute: values["allow-substitute"] === true,
    strictParams: values["strict-params"] === true,
  };
}

/** Guess the provider from a model id when only `--model` was given. */
function inferProvider(model: string, baseURL: string | undefined): ProviderName {
  if (baseURL) return "openai-compatible";
  if (/\.gguf$/i.test(model)) return "local";
  if (/^claude/i.test(model)) return "anthropic";
  if (/^(gpt-|o\d|text-davinci|chatgpt)/i.test(model)) return "openai";
  throw new UsageError(`--model ${JSON.stringify(model)}: cannot tell the provider; add --provider openai|anthropic|openai-compatible|local`);
}

/**
 * `{ provider, model, baseURL? }` for requests, from the flags: explicit flags win; a model alone implies its
 * provider; nothing at all means the embedded default local model (with its warning for the test model).
 */
export function requestBaseFromFlags(values: Record<string, unknown>, prefix?: string): { provider: ProviderName; model: string; baseURL?: string } {
  const f = llmFlags(values, prefix);
  let provider = f.provider;
  let model = f.model;
  if (!provider && model) provider = inferProvider(model, f.baseURL);
  if (!provider && f.baseURL) throw new UsageError(`--${name("base-url", prefix)} needs --${name("model", prefix)} (the model id the server serves)`);
  if (!provider || (provider === "local" && !model)) {
    const d = defaultModel();
    return { provider: "local", model: d.model };
  }
  if (!model) throw new UsageError(`--${name("model", prefix)} is required with --${name("provider", prefix)} ${provider}`);
  if (provider === "openai-compatible" && !f.baseURL)
    throw new UsageError(`--${name("provider", prefix)} openai-compatible needs --${name("base-url", prefix)} (e.g. http://localhost:8000/v1)`);
  if (f.baseURL && provider === "local") throw new UsageError(`--${name("base-url", prefix)} does not apply to --provider local`);
  return f.baseURL ? { provider, model, baseURL: f.baseURL } : { provider, model };
}

/** Engine options from the flags (extra options win). */
export function engineOptionsFromFlags(values: Record<string, unknown>, prefix?: string, extra: EngineOptions = {}): EngineOptions {
  const f = llmFlags(values, prefix);
  const provider = f.provider ?? (f.model ? inferProviderSafe(f.model, f.baseURL) : undefined);
  const apiKeyEnv: EngineOptions["apiKeyEnv"] = {};
  if (f.apiKeyEnv) {
    // The variable applies to the provider named (or implied); with none named, to every API provider.
    for (const p of provider ? [provider] : (["openai", "anthropic", "openai-compatible"] as ProviderName[])) apiKeyEnv[p] = f.apiKeyEnv;
  }
  return {
    concurrency: f.concurrency,
    rpm: f.rpm,
    tpm: f.tpm,
    budget: f.budget,
    timeoutMs: f.timeoutMs,
    maxRetries: f.maxRetries,
    cache: f.cache,
    dryRun: f.dryRun,
    apiKeyEnv,
    local: f.threads || f.contextSize ? { threads: f.threads, contextSize: f.contextSize } : undefined,
    prices: f.price && f.model ? { [f.model]: f.price } : undefined,
    strictParams: f.strictParams,
    handleSigint: true,
    ...extra,
  };
}

function inferProviderSafe(model: string, baseURL: string | undefined): ProviderName | undefined {
  try {
    return inferProvider(model, baseURL);
  } catch {
    return undefined;
  }
}

/** An engine configured from the flags (cache, limits, budget, dry run, Ctrl-C stops cleanly). */
export function engineFromFlags(values: Record<string, unknown>, prefix?: string, extra: EngineOptions = {}): Engine {
  return createEngine(engineOptionsFromFlags(values, prefix, extra));
}

/**
 * The model the flags name, checked with its endpoint before anything is sent (a dry run decides from the registry
 * alone): itself when served, else, with `--allow-substitute`, the first served substitute for `role` (the returned
 * choice carries the substitution record), else an error naming the model and its substitutes.
 */
export async function chooseModelFromFlags(engine: Engine, base: { provider: ProviderName; model: string; baseURL?: string }, values: Record<string, unknown>, role?: RoleName): Promise<ModelChoice> {
  const f = llmFlags(values);
  return chooseModel(engine, base, { role, allowSubstitute: f.allowSubstitute, offline: f.dryRun });
}

/**
 * After a run: write the substitution (if any) and the engine's adaptations for the chosen model into the run's
 * config snapshot, and return one line per deviation for the command's summary. Nothing is written in a dry run.
 */
export function recordRunDeviations(engine: Engine, choice: ModelChoice, configFile: string, dryRun: boolean): string[] {
  const deviations = { substitutions: choice.substitution ? [choice.substitution] : [], adaptations: engine.adaptations().filter((a) => a.model === choice.model) };
  if (!dryRun) recordDeviations(configFile, deviations);
  return describeDeviations(deviations).map((d) => `deviation from the paper: ${d}`);
}

/** Help text for the LLM flags (with `prefix`, the prefixed twins only). */
export function llmFlagsHelp(prefix?: string): string {
  const p = (flag: string) => `--${name(flag, prefix)}`;
  const who = prefix ? `${prefix} ` : "";
  const lines = [
    `  ${p("provider")} NAME        ${who}provider: openai | anthropic | openai-compatible | local (default: inferred from ${p("model")}; none = the embedded local model)`,
    `  ${p("model")} ID            ${who}model id (e.g. gpt-4, claude-2.1, a served model name, or a .gguf path)`,
    `  ${p("base-url")} URL        OpenAI-compatible server (vLLM, Ollama, llama.cpp server), e.g. http://localhost:8000/v1`,
    `  ${p("api-key-env")} VAR     environment variable holding the key (default OPENAI_API_KEY / ANTHROPIC_API_KEY; keys never go on the command line)`,
    `  ${p("concurrency")} N       calls in flight (default 8)`,
    `  ${p("rpm")} N / ${p("tpm")} N   requests / tokens per minute (default unlimited)`,
    `  ${p("budget")} B            stop before spending more: 5usd or 200000tokens`,
    `  ${p("timeout")} S           per-call timeout in seconds (default 120; 600 local)`,
    `  ${p("max-retries")} N       retries on 429/5xx/timeouts (default 6)`,
    `  ${p("threads")} N           CPU threads for local models (default: available cores)`,
    `  ${p("context-size")} N      tokens per parallel sequence of a local model (default 4096, capped at its training context; a value set is used as is); a longer prompt gets a context of its own up to the larger of the two, else fails: never truncated`,
    `  ${p("no-cache")}            send every call and store nothing (default: cached, never paid twice)`,
    `  ${p("batch")}               use the provider's batch API (OpenAI Batch / Anthropic Message Batches: half price, hours)`,
    `  ${p("price")} IN,OUT        list price in USD per million input,output tokens, for a model the registry has no price for`,
  ];
  if (!prefix) {
    lines.push(
      `  --dry-run               print the estimate (calls, tokens, dollars, shut-down or unpriced models) and send nothing`,
      `  --run NAME              run store folder data/runs/NAME/ (default "default")`,
      `  --allow-substitute      if a model is not served (the paper's are all shut down), use the first served substitute`,
      `                          from the model registry; recorded in the run's config snapshot and every summary`,
      `  --strict-params         refuse instead of adapting parameters a model rejects (temperature, top_p, stop, max_tokens...)`,
    );
  }
  return lines.join("\n");
}

/**
 * Run requests the way the flags say: `--dry-run` prints the estimate and returns only cached answers, `--batch`
 * goes through the provider's batch API (persisted under `--run`), otherwise `engine.runAll`.
 */
export async function runWithFlags(
  engine: Engine,
  requests: readonly ChatRequest[],
  values: Record<string, unknown>,
  options: RunAllOptions & { prefix?: string; pollIntervalMs?: number } = {},
): Promise<RunSummary> {
  const f = llmFlags(values, options.prefix);
  if (f.dryRun) {
    process.stderr.write(`${options.label ?? "llm"} (dry run): ${formatEstimate(engine.estimate(requests))}\n`);
    return engine.runAll(requests, options);
  }
  if (f.batch) {
    return runBatch(engine, requests, { run: f.run, label: options.label, onResult: options.onResult, signal: options.signal, pollIntervalMs: options.pollIntervalMs });
  }
  return engine.runAll(requests, options);
}
