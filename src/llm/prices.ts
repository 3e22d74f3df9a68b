/**
 * List prices in US dollars per million tokens, for estimates, budgets and "dollars saved". They are the providers'
 * public list prices as of 2025 (the paper's legacy models at their last list price); override any of them with
 * `createEngine({ prices })` or `ALPACARE_PRICES` (a JSON file path or inline JSON of the same shape).
 */
import { existsSync, readFileSync } from "node:fs";
import type { ChatRequest, ModelPrice, ProviderName, TokenUsage } from "./types.js";

/** Built-in price table (USD per 1M tokens), matched by exact model id, then by the longest prefix. */
export const defaultPrices: Record<string, ModelPrice> = {
  "gpt-4": { inputPerMTok: 30, outputPerMTok: 60 },
  "gpt-4-32k": { inputPerMTok: 60, outputPerMTok: 120 },
  "gpt-4-turbo": { inputPerMTok: 10, outputPerMTok: 30 },
  "gpt-4-1106": { inputPerMTok: 10, outputPerMTok: 30 },
  "gpt-4-0125": { inputPerMTok: 10, outputPerMTok: 30 },
  "gpt-4o": { inputPerMTok: 2.5, outputPerMTok: 10 },
  "gpt-4o-mini": { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  "gpt-4.1": { inputPerMTok: 2, outputPerMTok: 8 },
  "gpt-4.1-mini": { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  "gpt-4.1-nano": { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  "gpt-5": { inputPerMTok: 1.25, outputPerMTok: 10 },
  "gpt-5-mini": { inputPerMTok: 0.25, outputPerMTok: 2 },
  "gpt-5-nano": { inputPerMTok: 0.05, outputPerMTok: 0.4 },
  "o3-mini": { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  "gpt-3.5-turbo": { inputPerMTok: 0.5, outputPerMTok: 1.5 },
  "gpt-3.5-turbo-0301": { inputPerMTok: 1.5, outputPerMTok: 2 },
  "gpt-3.5-turbo-0613": { inputPerMTok: 1.5, outputPerMTok: 2 },
  "gpt-3.5-turbo-16k": { inputPerMTok: 3, outputPerMTok: 4 },
  "gpt-3.5-turbo-1106": { inputPerMTok: 1, outputPerMTok: 2 },
  "text-davinci-003": { inputPerMTok: 20, outputPerMTok: 20 },
  "claude-2": { inputPerMTok: 8, outputPerMTok: 24 },
  "claude-instant-1": { inputPerMTok: 0.8, outputPerMTok: 2.4 },
  "claude-3-haiku": { inputPerMTok: 0.25, outputPerMTok: 1.25 },
  "claude-3-5-haiku": { inputPerMTok: 0.8, outputPerMTok: 4 },
  "claude-haiku-4-5": { inputPerMTok: 1, outputPerMTok: 5 },
  "claude-3-sonnet": { inputPerMTok: 3, outputPerMTok: 15 },
  "claude-3-5-sonnet": { inputPerMTok: 3, outputPerMTok: 15 },
  "claude-3-7-sonnet": { inputPerMTok: 3, outputPerMTok: 15 },
  "claude-sonnet-4": { inputPerMTok: 3, outputPerMTok: 15 },
  "claude-3-opus": { inputPerMTok: 15, outputPerMTok: 75 },
  "claude-opus-4": { inputPerMTok: 15, outputPerMTok: 75 },
};

/** A price table: model id (or prefix) -> price. */
export type PriceTable = Record<string, ModelPrice>;

/** The default table merged with `ALPACARE_PRICES` (JSON file path or inline JSON) and then `overrides`. */
export function priceTable(overrides: PriceTable = {}): PriceTable {
  let fromEnv: PriceTable = {};
  const env = process.env.ALPACARE_PRICES;
  if (env) {
    const text = env.trim().startsWith("{") ? env : existsSync(env) ? readFileSync(env, "utf8") : "";
    if (!text) throw new Error(`ALPACARE_PRICES: ${env} is neither inline JSON nor an existing file`);
    try {
      fromEnv = JSON.parse(text) as PriceTable;
    } catch (e) {
      throw new Error(`ALPACARE_PRICES${env.trim().startsWith("{") ? "" : ` (file ${env})`}: not valid JSON: ${(e as Error).message}`);
    }
  }
  return { ...defaultPrices, ...fromEnv, ...overrides };
}

/** The price of a model: exact id, else the longest table key the id starts with; local models are free. */
export function priceOf(provider: ProviderName, model: string, table: PriceTable): ModelPrice | undefined {
  if (provider === "local") return { inputPerMTok: 0, outputPerMTok: 0 };
  if (table[model]) return table[model];
  let best: string | undefined;
  for (const k of Object.keys(table)) if (model.startsWith(k) && (!best || k.length > best.length)) best = k;
  return best ? table[best] : undefined;
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
