/**
 * Compare what an endpoint serves with what the registry knows, and write what the endpoint reports into the user's
 * registry overrides (`alpacare models --refresh`). Pure over the list: fetching it is the provider's job.
 */
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../core/index.js";
import { isShutDown, loadRegistry, lookupModel, userRegistryFile, type ModelEntry, type ModelRegistry } from "./registry.js";
import type { ServedModel } from "./types.js";

/** One row of `alpacare models`. */
export interface ModelRow {
  id: string;
  provider: "openai" | "anthropic";
  /** Listed by the endpoint now (undefined when the endpoint was not asked). */
  served?: boolean;
  /** The endpoint's announced shutdown date. */
  liveShutdown?: string;
  /** The registry's status and shutdown date. */
  status?: string;
  shutdownOn?: string;
  replacement?: string;
  /** `$in/$out` per million tokens, or undefined. */
  price?: string;
  /** How the paper's parameters fare: e.g. "temperature: default only; max_completion_tokens". */
  params?: string;
  /** When the registry's facts were read. */
  read?: string;
}

function paramsSummary(e: ModelEntry | undefined): string | undefined {
  const p = e?.params;
  if (!p) return undefined;
  const parts: string[] = [];
  if (p.temperature !== "any") parts.push(p.temperatureIfReasoningEffortNone ? "temperature with reasoning_effort none" : `temperature ${p.temperature}`);
  if (p.topP === false) parts.push("no top_p");
  if (p.temperatureWithTopP === false && p.topP !== false) parts.push("not temperature+top_p");
  if (p.penalties === false) parts.push("no penalties");
  if (p.stop === false) parts.push("no stop");
  if (p.maxTokensField === "max_completion_tokens") parts.push("max_completion_tokens");
  return parts.length ? parts.join("; ") : "all of the paper's";
}

/**
 * Rows for every model the endpoint lists plus every registry model of the provider (unless `onlyServed`), sorted
 * served first. `served` undefined: registry only.
 */
export function modelRows(provider: "openai" | "anthropic", served: ServedModel[] | undefined, options: { onlyServed?: boolean; registry?: ModelRegistry } = {}): ModelRow[] {
  const registry = options.registry ?? loadRegistry();
  const ids = new Set<string>(served?.map((m) => m.id) ?? []);
  if (!options.onlyServed) for (const [id, m] of Object.entries(registry.models)) if (m.provider === provider) ids.add(id);
  const rows: ModelRow[] = [];
  for (const id of ids) {
    const look = lookupModel(provider, id, registry);
    const e = look?.entry;
    const live = served?.find((m) => m.id === id);
    const src = e?.lifecycle ? registry.sources[e.lifecycle.source] : undefined;
    rows.push({
      id, provider,
      ...(served ? { served: live !== undefined } : {}),
      ...(live?.shutdownDate ? { liveShutdown: live.shutdownDate } : {}),
      ...(e?.lifecycle ? { status: isShutDown(e.lifecycle) ? "shutdown" : e.lifecycle.status, shutdownOn: e.lifecycle.shutdownOn, replacement: e.lifecycle.replacement } : {}),
      ...(e?.price ? { price: `$${e.price.inputPerMTok}/$${e.price.outputPerMTok}` } : {}),
      ...(paramsSummary(e) ? { params: paramsSummary(e) } : {}),
      ...(src ? { read: src.read } : {}),
    });
  }
  return rows.sort((a, b) => Number(b.served ?? 0) - Number(a.served ?? 0) || a.id.localeCompare(b.id));
}

/**
 * Write what the endpoint reported into the user's overrides: each listed model's shutdown date (and a minimal entry
 * for models the registry does not know), each registry model the endpoint does not list marked as not served on
 * `today`. Returns the file and the number of entries changed.
 */
export function refreshRegistry(provider: "openai" | "anthropic", endpoint: string, served: ServedModel[], today = new Date().toISOString().slice(0, 10)): { file: string; changed: number } {
  const file = userRegistryFile();
  const prev = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Partial<ModelRegistry>) : {};
  const models: Record<string, Partial<ModelEntry> & { listed?: unknown }> = { ...(prev.models ?? {}) };
  const sourceId = `live-${provider}`;
  const sources = { ...(prev.sources ?? {}), [sourceId]: { url: `${endpoint.replace(/\/+$/, "")}/models`, title: `GET /v1/models (${provider})`, pageDate: today, read: today } };
  const registry = loadRegistry();
  let changed = 0;
  for (const m of served) {
    const known = registry.models[m.id];
    const lifecycle = m.shutdownDate
      ? { ...(known?.lifecycle ?? {}), status: m.shutdownDate <= today ? "shutdown" : "deprecated", shutdownOn: m.shutdownDate, source: sourceId }
      : known?.lifecycle && known.lifecycle.status !== "shutdown" ? undefined : { status: "active", source: sourceId };
    models[m.id] = { ...(models[m.id] ?? {}), provider, ...(known ? {} : { kind: "chat" as const }), ...(lifecycle ? { lifecycle: lifecycle as ModelEntry["lifecycle"] } : {}), listed: { at: today, endpoint, served: true } };
    changed++;
  }
  for (const [id, m] of Object.entries(registry.models)) {
    if (m.provider !== provider || served.some((s) => s.id === id)) continue;
    models[id] = { ...(models[id] ?? {}), provider, listed: { at: today, endpoint, served: false } };
    changed++;
  }
  writeFileAtomic(file, JSON.stringify({ ...prev, sources, models }, null, 2) + "\n");
  return { file, changed };
}
