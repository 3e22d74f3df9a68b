/**
 * The engine's preflight, asked once: each endpoint's models list is fetched once per (provider, endpoint) and each
 * model's check made once per (provider, endpoint, model), however many calls of a run ask. The judgement itself is
 * preflight.ts's; this module only memoizes it and turns it into a refusal or a warning before a call is sent.
 */
import { fetchServed, judgeServed, unavailableError, type ModelCheck } from "./preflight.js";
import { effectiveBaseURL } from "./request.js";
import type { ChatRequest, Provider, ProviderName, ServedModel } from "./types.js";

/** A model at its endpoint, as the engine names it in its maps (provider, effective base URL, model). */
export const modelScope = (req: Pick<ChatRequest, "provider" | "model" | "baseURL">): string =>
  `${req.provider}\u0000${effectiveBaseURL(req) ?? ""}\u0000${req.model}`;

/** What the memo needs from the engine; `settings` is read at each call (the engine's options are public). */
export interface ModelChecksEnv {
  /** The provider that answers a request's `provider`. */
  provider(name: ProviderName): Promise<Provider>;
  /** `preflight: false` skips the check; `horizonDays` is how far ahead an announced shutdown is worth a warning. */
  settings: { preflight?: boolean; horizonDays?: number };
  /** Says a warning once. */
  warn(text: string): void;
}

/** The memoized preflight of one engine: {@link ModelChecks.ensureServed} before each call. */
export interface ModelChecks {
  /** Whether the endpoint serves the model (asked once per model and endpoint). */
  checkModel(target: Pick<ChatRequest, "provider" | "model" | "baseURL">): Promise<ModelCheck>;
  /** The endpoint's models list, fetched once per (provider, endpoint); undefined when it cannot be listed. */
  servedModels(target: Pick<ChatRequest, "provider" | "baseURL">): Promise<ServedModel[] | undefined>;
  /** Throws when the endpoint does not serve the request's model; warns once when worth it. Local models pass. */
  ensureServed(sent: ChatRequest): Promise<void>;
}

/** Create an engine's memoized preflight. */
export function createModelChecks(env: ModelChecksEnv): ModelChecks {
  const servedLists = new Map<string, Promise<ServedModel[] | undefined>>();
  const checks = new Map<string, Promise<ModelCheck>>();

  function servedModels(target: Pick<ChatRequest, "provider" | "baseURL">): Promise<ServedModel[] | undefined> {
    const listId = `${target.provider}\u0000${effectiveBaseURL(target) ?? ""}`;
    let list = servedLists.get(listId);
    if (!list) {
      list = env.provider(target.provider).then((p) => fetchServed(p.listModels ? () => p.listModels!(target.baseURL) : undefined));
      servedLists.set(listId, list);
    }
    return list;
  }

  async function checkModel(target: Pick<ChatRequest, "provider" | "model" | "baseURL">): Promise<ModelCheck> {
    const endpoint = effectiveBaseURL(target);
    const id = modelScope(target);
    let check = checks.get(id);
    if (!check) {
      check = servedModels(target).then((served) => judgeServed(target.provider, target.model, endpoint, served, { horizonDays: env.settings.horizonDays }));
      checks.set(id, check);
    }
    return check;
  }

  async function ensureServed(sent: ChatRequest): Promise<void> {
    if (env.settings.preflight === false || sent.provider === "local") return;
    const check = await checkModel(sent);
    if (check.served === false) throw unavailableError(check);
    // A shutdown warning always; "could not list" only for the provider's own endpoint (a self-hosted or test server
    // without a models list is normal, and its first call says what is wrong).
    if (check.note && (check.served || check.endpoint === undefined)) env.warn(check.note);
  }

  return { checkModel, servedModels, ensureServed };
}
