/**
 * Cost estimates: what a set of requests would cost before any is sent (calls, tokens, dollars at list price, the
 * mean-based expectation, unpriced and shut-down models), and the one line that describes it. Its own module
 * because an estimate is a pure function of the requests, the cache's contents and the price table: the engine
 * only supplies those (and its request adaptation), so the arithmetic can be read and tested without an engine.
 */
import type { CacheRecord } from "./cache.js";
import { costUsd, priceOf, type PriceTable } from "./prices.js";
import { describeLifecycle, isShutDown, lookupModel, substitutesFor } from "./registry.js";
import { approxInputTokens, legacyRequestKey, requestKey, validateRequest } from "./request.js";
import type { ChatRequest, CostEstimate, TokenUsage } from "./types.js";

/** One call's upper bound: input tokens (chars/4) plus its `maxTokens` (or the default), and their list price. */
export interface CallEstimate {
  usage: TokenUsage;
  usd: number;
  tokens: number;
}

/** The upper bound of one request as it will be sent; what the budget reserves and the rate limits take. */
export function estimateCall(req: ChatRequest, prices: PriceTable, defaultOutputTokens: number): CallEstimate {
  const usage = { inputTokens: approxInputTokens(req), outputTokens: req.maxTokens ?? defaultOutputTokens };
  return { usage, usd: costUsd(priceOf(req.provider, req.model, prices), usage), tokens: usage.inputTokens + usage.outputTokens };
}

/** What {@link estimateRequests} reads: the cache (already refreshed by the caller), prices and adaptation. */
export interface EstimateInputs {
  /** The cache's contents, or undefined when the engine runs without a cache. */
  cache?: { has(key: string): boolean; records(): Iterable<CacheRecord> };
  /** The price table the engine counts dollars with. */
  prices: PriceTable;
  /** Output tokens assumed for a request with no `maxTokens`. */
  defaultOutputTokens: number;
  /** The request as the engine would send it (registry rules and what the run learned applied). */
  adapt: (req: ChatRequest) => ChatRequest;
}

/**
 * Estimate `requests`: cached ones (or repeats within the list) cost nothing, the rest count at their upper bound,
 * with an expectation from the mean output of the cached answers of the same model beside it.
 */
export function estimateRequests(requests: readonly ChatRequest[], inputs: EstimateInputs): CostEstimate {
  const c = inputs.cache;
  const costOf = (req: ChatRequest, usage: TokenUsage) => costUsd(priceOf(req.provider, req.model, inputs.prices), usage);
  const seen = new Set<string>();
  const unpriced = new Set<string>();
  const est: CostEstimate = { requests: requests.length, cached: 0, calls: 0, inputTokens: 0, outputTokens: 0, usd: 0, unpricedModels: [], expectedOutputTokens: 0, expectedUsd: 0 };
  // Mean output tokens per model from the answers already cached: a realistic expectation next to the bound.
  const means = new Map<string, number>();
  if (c) {
    const acc = new Map<string, { n: number; out: number }>();
    for (const r of c.records()) {
      const id = `${r.p}\u0000${r.m}`;
      const a = acc.get(id) ?? { n: 0, out: 0 };
      a.n++;
      a.out += r.usage.outputTokens;
      acc.set(id, a);
    }
    for (const [id, a] of acc) means.set(id, a.out / a.n);
  }
  const warnings = new Set<string>();
  for (const original of requests) {
    validateRequest(original);
    const req = inputs.adapt(original);
    const key = requestKey(req);
    const legacy = legacyRequestKey(req);
    if (c?.has(key) || (legacy && c?.has(legacy))) {
      est.cached++;
      continue;
    }
    if (seen.has(key)) {
      est.cached++;
      continue;
    }
    seen.add(key);
    const e = estimateCall(req, inputs.prices, inputs.defaultOutputTokens);
    est.calls++;
    est.inputTokens += e.usage.inputTokens;
    est.outputTokens += e.usage.outputTokens;
    est.usd += e.usd;
    const mean = means.get(`${req.provider}\u0000${req.model}`);
    const expectedOut = Math.round(mean === undefined ? e.usage.outputTokens : Math.min(e.usage.outputTokens, mean));
    est.expectedOutputTokens! += expectedOut;
    est.expectedUsd! += costOf(req, { inputTokens: e.usage.inputTokens, outputTokens: expectedOut });
    if (!priceOf(req.provider, req.model, inputs.prices)) unpriced.add(`${req.provider}:${req.model}`);
    const life = lookupModel(req.provider, req.model)?.entry.lifecycle;
    if (isShutDown(life)) {
      const subs = substitutesFor(req.provider, req.model).map((x) => x.model);
      warnings.add(`${req.provider}:${req.model} is ${describeLifecycle(life)}: every call would fail${subs.length ? ` (substitutes: ${subs.join(", ")}; --allow-substitute)` : ""}`);
    }
  }
  est.unpricedModels = [...unpriced];
  for (const m of est.unpricedModels) warnings.add(`no price known for ${m}: its dollars are counted as $0 (give one with --price IN,OUT per million tokens or ALPACARE_PRICES)`);
  if (warnings.size) est.warnings = [...warnings];
  return est;
}

/** One line describing an estimate, e.g. for `--dry-run`: `120 calls (30 cached), ~45,000 in + 61,440 out tokens, ~$1.23`. */
export function formatEstimate(e: CostEstimate): string {
  const n = (x: number) => x.toLocaleString("en-US");
  let s = `${n(e.calls)} calls to send (${n(e.cached)} of ${n(e.requests)} already cached), ~${n(e.inputTokens)} input + up to ${n(e.outputTokens)} output tokens, at most ~$${e.usd.toFixed(2)} at list price`;
  if (e.expectedUsd !== undefined && e.expectedOutputTokens !== e.outputTokens) s += ` (expected ~$${e.expectedUsd.toFixed(2)} with ~${n(e.expectedOutputTokens ?? 0)} output tokens, from the cached answers' mean)`;
  if (e.unpricedModels.length) s += ` (no price for ${e.unpricedModels.join(", ")}: counted as $0; set prices with --price IN,OUT or ALPACARE_PRICES)`;
  for (const w of e.warnings ?? []) if (!w.startsWith("no price known")) s += `\n  warning: ${w}`;
  return s;
}
