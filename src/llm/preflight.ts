/**
 * Before the first paid call to a model, ask its endpoint whether it serves it (GET /v1/models). The paper's models
 * are all shut down: without this check a run sends every request and collects a 404 for each. A model that is not
 * served fails the run with one message naming it, what the registry knows (shut down when, replaced by what), and
 * the substitutes; a model whose announced shutdown falls within the run's horizon is a warning.
 */
import { LlmModelUnavailableError } from "./errors.js";
import { describeLifecycle, lookupModel, substitutesFor, type RoleName } from "./registry.js";
import type { ProviderName, ServedModel } from "./types.js";

/** What the preflight learned about one model at one endpoint. */
export interface ModelCheck {
  provider: ProviderName;
  model: string;
  /** The endpoint asked (undefined: the provider's own). */
  endpoint?: string;
  /** True / false from the endpoint's list; undefined when the endpoint could not list its models. */
  served?: boolean;
  /** Shutdown date announced by the endpoint (OpenAI's `shutdown_date`) or, failing that, the registry. */
  shutdownOn?: string;
  /** A sentence for the user when something is worth knowing (not served, shutting down soon, list unavailable). */
  note?: string;
}

/** Options for {@link judgeServed}. */
export interface CheckOptions {
  /** Warn when the shutdown date is within this many days of `today` (default 2: a 24 h batch plus margin). */
  horizonDays?: number;
  /** `YYYY-MM-DD` (default: today, UTC). */
  today?: string;
  /** The role the model plays, for the substitutes' order. */
  role?: RoleName;
  /** How the user asks for a substitute, for the message (default `--allow-substitute`). */
  substituteHint?: string;
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Decide on one model from an endpoint's list (`served` undefined = the list could not be had). Pure: the engine
 * fetches the list once per endpoint; this turns it into a verdict and a message.
 */
export function judgeServed(provider: ProviderName, model: string, endpoint: string | undefined, served: ServedModel[] | undefined, options: CheckOptions = {}): ModelCheck {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const horizon = options.horizonDays ?? 2;
  const lookup = lookupModel(provider, model);
  const check: ModelCheck = { provider, model, ...(endpoint ? { endpoint } : {}) };
  if (served === undefined) {
    check.note = `${provider}: could not list the models of ${endpoint ?? "the provider's endpoint"}; ${model} not checked before sending`;
    return check;
  }
  const hit = served.find((m) => m.id === model);
  check.served = hit !== undefined;
  check.shutdownOn = hit?.shutdownDate ?? lookup?.entry.lifecycle?.shutdownOn;
  if (!hit) {
    const subs = substitutesFor(provider, model, options.role);
    const known = describeLifecycle(lookup?.entry.lifecycle);
    const where = endpoint ? ` at ${endpoint}` : "";
    const subText = subs.length
      ? ` Substitutes: ${subs.map((s) => `${s.model} (${s.why})`).join("; ")}. Use ${options.substituteHint ?? "--allow-substitute"} to take the first one served, or name one as the model.`
      : " Pick a model the endpoint serves (alpacare models lists them).";
    check.note = `${provider}${where} does not serve ${model}${known ? `: ${known}` : ""}. Nothing was sent.${subText}`;
    return check;
  }
  if (check.shutdownOn && check.shutdownOn <= addDays(today, horizon)) {
    check.note = `${provider}: ${model} shuts down on ${check.shutdownOn}, within ${horizon} day(s) of ${today}: a long or batch run may not finish before then`;
  }
  return check;
}

/** The error for a model that is not served (throw it before any chat call). */
export function unavailableError(check: ModelCheck, role?: RoleName): LlmModelUnavailableError {
  return new LlmModelUnavailableError(check.note ?? `${check.provider} does not serve ${check.model}`, check.provider, check.model, substitutesFor(check.provider, check.model, role).map((s) => `${s.provider}/${s.model}`));
}

/**
 * Fetch an endpoint's model list, or undefined when it cannot be listed (an OpenAI-compatible server without
 * `/v1/models`, a network error, a key restricted from listing models): then the model is not checked, and the
 * first call says what is wrong (a rejected key still stops the run there).
 */
export async function fetchServed(list: (() => Promise<ServedModel[]>) | undefined): Promise<ServedModel[] | undefined> {
  if (!list) return undefined;
  try {
    return await list();
  } catch {
    return undefined;
  }
}
