/**
 * The model registry: what the workbench knows about each OpenAI and Anthropic model id (lifecycle, which decoding
 * parameters it accepts, list price) and, for each role the paper gave a model, the ordered substitutes to use now
 * that the paper's models are shut down. The facts live as data in `data/models.json` (each with its source and the
 * date it was read), with the user's overrides on top (`data/models.local.json`, written by `alpacare models
 * --refresh`, or the file named by `ALPACARE_MODELS`). The registry informs; the provider's own models endpoint decides
 * whether a model is served (see `preflight.ts`).
 *
 * Lookups are by exact id, then by the undated id of a dated snapshot (`gpt-4o-2024-08-06` -> `gpt-4o`), never by a
 * prefix guess: `gpt-4.1-mini` is not `gpt-4.1`, and a wrong price is worse than none.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir, InputError, projectRoot } from "../core/index.js";
import type { ModelPrice, ProviderName } from "./types.js";

/** Where a fact comes from: a page, its own date when it shows one, and when the registry's author read it. */
export interface RegistrySource {
  url: string;
  title?: string;
  /** The date the page itself carries (`YYYY-MM-DD`), or "undated". */
  pageDate?: string;
  /** When the fact was read (`YYYY-MM-DD`). */
  read: string;
}

/** A model's place in its provider's lifecycle. */
export interface ModelLifecycle {
  /** `unknown`: no source found (the endpoint's models list still decides). */
  status: "active" | "legacy" | "deprecated" | "shutdown" | "unknown";
  deprecatedOn?: string;
  /** The day requests start failing (`YYYY-MM-DD`). */
  shutdownOn?: string;
  /** The provider's recommended replacement. */
  replacement?: string;
  /** Key into `sources`. */
  source: string;
}

/**
 * Which decoding parameters a model accepts (what the API rejects is dropped or renamed before sending). A `null`
 * flag is "not verified": the parameter is sent, and a 400 naming it teaches the engine (see params.ts).
 */
export interface ParamRules {
  /** `any` value; `default-only` (only 1, the default, so any other value is rejected); `none` (not accepted). */
  temperature: "any" | "default-only" | "none";
  /** GPT-6 style: temperature is accepted when `reasoning_effort` is `none` (then the model answers without reasoning). */
  temperatureIfReasoningEffortNone?: boolean | null;
  topP: boolean | null;
  /** Like `temperatureIfReasoningEffortNone`, for top_p. */
  topPIfReasoningEffortNone?: boolean | null;
  /** False where the API rejects `temperature` and `top_p` in the same request (recent Claude models). */
  temperatureWithTopP: boolean | null;
  /** presence_penalty / frequency_penalty. */
  penalties: boolean | null;
  stop: boolean | null;
  seed: boolean | null;
  logprobs: boolean | null;
  /** The output-length field the chat API takes. */
  maxTokensField: "max_tokens" | "max_completion_tokens";
  /** Reasoning effort levels, lowest first, for reasoning models; null otherwise. */
  reasoningEffort: string[] | null;
  source: string;
}

/** List price, USD per million tokens. */
export interface RegistryPrice extends ModelPrice {
  /** Share of the price saved by the batch APIs (0.5 = half price). */
  batchDiscount?: number;
  source: string;
}

/** One model id. */
export interface ModelEntry {
  provider: "openai" | "anthropic";
  /** `completion` models take a raw prompt (legacy /v1/completions); `reasoning` models spend hidden tokens. */
  kind: "chat" | "reasoning" | "completion";
  lifecycle?: ModelLifecycle;
  params?: ParamRules;
  price?: RegistryPrice | null;
  contextWindow?: number;
  maxOutputTokens?: number;
  /** Free-text note (e.g. what an alias points to). */
  note?: string;
}

/** A substitute for a paper model, with why it was chosen. */
export interface Substitute {
  provider: "openai" | "anthropic";
  model: string;
  why: string;
}

/** A role the paper gave a model (teacher, responder, judge, ...), and the ordered substitutes for it today. */
export interface RoleEntry {
  /** What the paper used. */
  paper: { provider: "openai" | "anthropic"; model: string };
  /** What the role does, in the paper's words. */
  description: string;
  substitutes: Substitute[];
}

/** The paper's roles. `reference:<model>` are the four reference models whose answers the judge compares against. */
export type RoleName = "teacher" | "responder" | "judge" | "ablation-judge" | `reference:${string}`;

/** The whole registry. */
export interface ModelRegistry {
  /** When the built-in file was last checked against its sources. */
  checked: string;
  sources: Record<string, RegistrySource>;
  models: Record<string, ModelEntry>;
  roles: Record<string, RoleEntry>;
  /** Files merged into this registry, in order (built-in first). */
  files: string[];
}

/** The built-in registry file. */
export function registryFile(): string {
  return join(projectRoot, "data", "models.json");
}

/** The user's override file: `ALPACARE_MODELS`, else `data/models.local.json` (git-ignored). */
export function userRegistryFile(): string {
  return process.env.ALPACARE_MODELS || join(dataDir(), "models.local.json");
}

function readRegistryFile(file: string, envVar?: string): Partial<ModelRegistry> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError({ file }, `${envVar ? `(from ${envVar}) ` : ""}cannot read the model registry: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new InputError({ file }, `${envVar ? `(from ${envVar}) ` : ""}not valid JSON: ${(e as Error).message}`);
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new InputError({ file }, "expected a JSON object with `models` (and optionally `sources`, `roles`)");
  const r = data as Partial<ModelRegistry>;
  for (const [id, m] of Object.entries(r.models ?? {})) {
    if (!m || typeof m !== "object") throw new InputError({ file, field: `models.${id}` }, "expected an object");
    if (m.provider !== "openai" && m.provider !== "anthropic") throw new InputError({ file, field: `models.${id}.provider` }, `expected "openai" or "anthropic", got ${JSON.stringify(m.provider)}`);
    if (m.price) {
      for (const k of ["inputPerMTok", "outputPerMTok"] as const)
        if (typeof m.price[k] !== "number" || !(m.price[k] >= 0)) throw new InputError({ file, field: `models.${id}.price.${k}` }, "expected a number >= 0");
    }
  }
  return r;
}

let cached: { key: string; registry: ModelRegistry } | undefined;

/**
 * The registry: the built-in file with the user's overrides merged on top (a model entry in the override replaces
 * the fields it sets; sources and roles likewise). Read once per override path and cached.
 */
export function loadRegistry(): ModelRegistry {
  const user = userRegistryFile();
  const userExists = existsSync(user);
  if (process.env.ALPACARE_MODELS && !userExists) throw new InputError({ file: user }, "(from ALPACARE_MODELS) file not found");
  const key = `${user}\u0000${userExists}`;
  if (cached?.key === key) return cached.registry;
  const base = readRegistryFile(registryFile());
  const registry: ModelRegistry = {
    checked: base.checked ?? "unknown",
    sources: { ...base.sources },
    models: { ...base.models },
    roles: { ...base.roles },
    files: [registryFile()],
  };
  if (userExists) {
    const o = readRegistryFile(user, process.env.ALPACARE_MODELS ? "ALPACARE_MODELS" : undefined);
    Object.assign(registry.sources, o.sources);
    for (const [id, m] of Object.entries(o.models ?? {})) registry.models[id] = { ...registry.models[id], ...m } as ModelEntry;
    Object.assign(registry.roles, o.roles);
    registry.files.push(user);
  }
  cached = { key, registry };
  return registry;
}

/** Forget the cached registry (after `alpacare models --refresh` wrote the override file). */
export function reloadRegistry(): ModelRegistry {
  cached = undefined;
  return loadRegistry();
}

/** A dated snapshot id's undated id: `gpt-4o-2024-08-06` -> `gpt-4o`, `gpt-4-0613` -> `gpt-4`, `claude-3-5-haiku-20241022` -> `claude-3-5-haiku`. */
export function undatedId(model: string): string | undefined {
  const m = model.match(/^(.+?)-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/);
  return m ? m[1] : undefined;
}

/** A registry lookup: the entry and the id it was found under. */
export interface ModelLookup {
  id: string;
  entry: ModelEntry;
  /** `exact`, or `snapshot` when found under the undated id of a dated snapshot. */
  via: "exact" | "snapshot";
}

/**
 * The registry's entry for a model served by `provider` (only `openai` and `anthropic` have entries: an
 * OpenAI-compatible server's `gpt-4` is whatever that server says it is).
 */
export function lookupModel(provider: ProviderName, model: string, registry: ModelRegistry = loadRegistry()): ModelLookup | undefined {
  if (provider !== "openai" && provider !== "anthropic") return undefined;
  const exact = registry.models[model];
  if (exact && exact.provider === provider) return { id: model, entry: exact, via: "exact" };
  const base = undatedId(model);
  const snap = base ? registry.models[base] : undefined;
  if (snap && snap.provider === provider) return { id: base!, entry: snap, via: "snapshot" };
  return undefined;
}

/** The list price of a model from the registry (exact id or dated snapshot), or undefined. */
export function registryPrice(provider: ProviderName, model: string, registry: ModelRegistry = loadRegistry()): RegistryPrice | undefined {
  return lookupModel(provider, model, registry)?.entry.price ?? undefined;
}

/** "shut down 2026-10-23 (OpenAI API deprecations, read 2026-11-30)" and the like, for messages and captions. */
export function describeLifecycle(l: ModelLifecycle | undefined, registry: ModelRegistry = loadRegistry()): string | undefined {
  if (!l) return undefined;
  const src = registry.sources[l.source];
  const cite = src ? ` (${src.title ?? src.url}, read ${src.read})` : "";
  if (l.status === "shutdown") return `shut down${l.shutdownOn ? ` ${l.shutdownOn}` : ""}${cite}`;
  if (l.status === "deprecated") return `deprecated, shuts down${l.shutdownOn ? ` ${l.shutdownOn}` : " (date not announced)"}${cite}`;
  return undefined;
}

/** True when the registry says the model no longer answers (`shutdown`, or a shutdown date on or before `today`). */
export function isShutDown(l: ModelLifecycle | undefined, today: string = new Date().toISOString().slice(0, 10)): boolean {
  if (!l) return false;
  if (l.status === "shutdown") return true;
  return l.shutdownOn !== undefined && l.shutdownOn <= today;
}

/** The roles whose paper model is `model` (e.g. gpt-3.5-turbo: responder, judge, reference:gpt-3.5-turbo). */
export function rolesOfPaperModel(model: string, registry: ModelRegistry = loadRegistry()): RoleName[] {
  return Object.entries(registry.roles).filter(([, r]) => r.paper.model === model).map(([name]) => name as RoleName);
}

/**
 * Ordered substitutes for a model: the role's list when a role is given (else the first role whose paper model it
 * is), then the provider's recommended replacement. Duplicates removed; the model itself never listed.
 */
export function substitutesFor(provider: ProviderName, model: string, role?: RoleName, registry: ModelRegistry = loadRegistry()): Substitute[] {
  const out: Substitute[] = [];
  const add = (s: Substitute) => {
    if (s.model !== model && !out.some((o) => o.model === s.model && o.provider === s.provider)) out.push(s);
  };
  const lookup = lookupModel(provider, model, registry);
  const roleName = role ?? rolesOfPaperModel(lookup?.id ?? model, registry).find((r) => !r.startsWith("reference:")) ?? rolesOfPaperModel(lookup?.id ?? model, registry)[0];
  const r = roleName ? registry.roles[roleName] : undefined;
  if (r) for (const s of r.substitutes) add(s);
  const repl = lookup?.entry.lifecycle?.replacement;
  if (repl && (provider === "openai" || provider === "anthropic")) add({ provider, model: repl, why: "the provider's recommended replacement" });
  return out;
}
