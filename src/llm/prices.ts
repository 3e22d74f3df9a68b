/**
 * List prices in US dollars per million tokens, for estimates, budgets and "dollars saved". The built-in prices are
 * the model registry's (`data/models.json`, each with its source and the date it was read); `ALPACARE_PRICES` (a JSON
 * file path or inline JSON of the same shape as {@link PriceTable}) and `createEngine({ prices })` /
 * `--price IN,OUT` override them. A model is priced by its exact id or, for a dated snapshot, its undated id; never by
 * a prefix guess. A model with no price is unpriced: a dollar budget refuses it before any call.
 */
import { existsSync, readFileSync } from "node:fs";
import { InputError } from "../core/index.js";
import { loadRegistry, undatedId } from "./registry.js";
import type { ChatRequest, ModelPrice, ProviderName, TokenUsage } from "./types.js";

/** A price table: model id -> price. */
export type PriceTable = Record<string, ModelPrice>;

/** The registry's list prices (exact ids). */
export function defaultPrices(): PriceTable {
  const out: PriceTable = {};
  for (const [id, m] of Object.entries(loadRegistry().models)) if (m.price) out[id] = { inputPerMTok: m.price.inputPerMTok, outputPerMTok: m.price.outputPerMTok };
  return out;
}

function checkTable(data: unknown, where: { file: string }): PriceTable {
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new InputError(where, "expected an object { \"<model id>\": { \"inputPerMTok\": N, \"outputPerMTok\": N } }");
  for (const [id, p] of Object.entries(data as Record<string, ModelPrice>)) {
    for (const k of ["inputPerMTok", "outputPerMTok"] as const)
      if (!p || typeof p[k] !== "number" || !(p[k] >= 0)) throw new InputError({ ...where, field: `${id}.${k}` }, "expected a number >= 0");
  }
  return data as PriceTable;
}

/** The registry's prices merged with `ALPACARE_PRICES` (JSON file path or inline JSON) and then `overrides`. */
export function priceTable(overrides: PriceTable = {}): PriceTable {
  let fromEnv: PriceTable = {};
  const env = process.env.ALPACARE_PRICES;
  if (env) {
    const inline = env.trim().startsWith("{");
    const where = { file: inline ? "ALPACARE_PRICES (inline JSON)" : `${env} (from ALPACARE_PRICES)` };
    if (!inline && !existsSync(env)) throw new InputError(where, "neither inline JSON nor an existing file");
    const text = inline ? env : readFileSync(env, "utf8");
    let data: unknown;
    try {
      data = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch (e) {
      throw new InputError(where, `not valid JSON: ${(e as Error).message}`);
    }
    fromEnv = checkTable(data, where);
  }
  return { ...defaultPrices(), ...fromEnv, ...overrides };
}

/** The price of a model: exact id, else the undated id of a dated snapshot; local models are free. */
export function priceOf(provider: ProviderName, model: string, table: PriceTable): ModelPrice | undefined {
  if (provider === "local") return { inputPerMTok: 0, outputPerMTok: 0 };
  if (table[model]) return table[model];
  const base = undatedId(model);
  return base && table[base] ? table[base] : undefined;
}

/** Dollars for a usage at a price (0 when the model is unpriced). */
export function costUsd(price: ModelPrice | undefined, usage: TokenUsage): number {
  if (!price) return 0;
  return (usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1e6;
}

/** Dollars for a request's usage, looked up in `table`. */
export function requestCostUsd(req: Pick<ChatRequest, "provider" | "model">, usage: TokenUsage, table: PriceTable): number {
  return costUsd(priceOf(req.provider, req.model, table), usage);
}
