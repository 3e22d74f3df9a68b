/**
 * Substitution: when the model a role asks for (the paper's gpt-3.5-turbo judge, say) is not served any more, take
 * the first substitute the endpoint does serve, but only when the caller allows it, and always say so. The result
 * carries a {@link Substitution} record that the stages write into their config snapshots and that every score,
 * caption and table built on the run repeats ("judge gpt-4.1-mini for gpt-3.5-turbo (shut down 2026-10-23)").
 */
import type { Engine } from "./engine-types.js";
import { LlmModelUnavailableError } from "./errors.js";
import { unavailableError } from "./preflight.js";
import { describeLifecycle, isShutDown, loadRegistry, lookupModel, substitutesFor, type RoleName } from "./registry.js";
import type { ProviderName } from "./types.js";

/** A model used in place of the one asked for. */
export interface Substitution {
  /** The role (teacher, responder, judge, ablation-judge, ...), or "model" when none was named. */
  role: string;
  /** The model asked for (the paper's). */
  paper: string;
  /** The model used. */
  used: string;
  provider: ProviderName;
  /** Why: not served, with what the registry knows. */
  reason: string;
  /** Where the facts come from (the endpoint's models list, the registry's source). */
  source: string;
}

/** A model to call, after the check. */
export interface ModelTarget {
  provider: ProviderName;
  model: string;
  baseURL?: string;
}

/** Options for {@link chooseModel}. */
export interface ChooseOptions {
  /** The role the model plays (orders the substitutes). */
  role?: RoleName;
  /** Take the first served substitute instead of failing (default false). */
  allowSubstitute?: boolean;
  /** Decide from the registry alone, without asking the endpoint (dry runs: nothing is sent). Default false. */
  offline?: boolean;
  /** How the user allows substitution, for messages (default `--allow-substitute`). */
  substituteHint?: string;
}

/** The model to use for a role, with the substitution record when one was made. */
export interface ModelChoice extends ModelTarget {
  substitution?: Substitution;
}

/** "judge gpt-4.1-mini for gpt-3.5-turbo (shut down 2026-10-23)": one line for captions and summaries. */
export function describeSubstitution(s: Substitution): string {
  const life = lookupModel(s.provider, s.paper)?.entry.lifecycle;
  const when = life?.shutdownOn ? `shut down ${life.shutdownOn}` : "not served";
  return `${s.role} ${s.used} for ${s.paper} (${when})`;
}

/**
 * Check the target with its endpoint (once per endpoint, memoised in the engine) and return it, or its first served
 * substitute when allowed. Throws {@link LlmModelUnavailableError} when the target is not served and substitution is
 * not allowed or nothing is served. Local models pass through.
 */
export async function chooseModel(engine: Engine, target: ModelTarget, options: ChooseOptions = {}): Promise<ModelChoice> {
  if (target.provider === "local" || engine.options.preflight === false && !options.offline) return { ...target };
  const registry = loadRegistry();
  const life = lookupModel(target.provider, target.model)?.entry.lifecycle;
  const role = options.role ?? "model";
  const candidates = substitutesFor(target.provider, target.model, options.role).filter((s) => s.provider === target.provider);
  const sourceOf = () => {
    const src = life ? registry.sources[life.source] : undefined;
    return src ? `${src.title ?? src.url} (read ${src.read})` : "the endpoint's models list";
  };
  if (options.offline) {
    if (!isShutDown(life)) return { ...target };
    if (!options.allowSubstitute) return { ...target };
    const next = candidates.find((c) => !isShutDown(lookupModel(c.provider, c.model)?.entry.lifecycle));
    if (!next) return { ...target };
    return {
      ...target, model: next.model,
      substitution: { role, paper: target.model, used: next.model, provider: target.provider, reason: `${target.model} is ${describeLifecycle(life)} (registry; not checked with the endpoint in a dry run)`, source: sourceOf() },
    };
  }
  const check = await engine.checkModel(target);
  if (check.served !== false) return { ...target };
  if (!options.allowSubstitute) throw unavailableError({ ...check, note: check.note?.replace("--allow-substitute", options.substituteHint ?? "--allow-substitute") }, options.role);
  const tried: string[] = [];
  for (const c of candidates) {
    const sub = await engine.checkModel({ ...target, model: c.model });
    tried.push(c.model);
    if (sub.served === false) continue;
    const known = describeLifecycle(life);
    return {
      ...target, model: c.model,
      substitution: {
        role, paper: target.model, used: c.model, provider: target.provider,
        reason: `${target.model} is not served by the endpoint${known ? ` (${known})` : ""}; ${c.model}: ${c.why}`,
        source: `GET /v1/models${check.endpoint ? ` at ${check.endpoint}` : ""}; ${sourceOf()}`,
      },
    };
  }
  throw new LlmModelUnavailableError(
    `${check.note ?? `${target.provider} does not serve ${target.model}`} None of its substitutes is served either (tried ${tried.join(", ") || "none known"}): name a served model (alpacare models lists them).`,
    target.provider, target.model, tried,
  );
}
