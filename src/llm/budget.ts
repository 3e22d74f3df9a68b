/**
 * Budgets: the dollars and tokens a run (or an engine) may spend. Its own module because the accounting is a small
 * state machine of its own (reserve before sending, settle with what was spent) that the engine and the attempt
 * loop share, and because the refusal of a dollar budget over unpriced models is a rule worth reading on its own.
 */
import { LlmBudgetError } from "./errors.js";
import type { Budget, CostEstimate } from "./types.js";

/**
 * One budget's running account. A call reserves its upper-bound estimate before it is sent (so calls in flight
 * cannot jointly overrun the budget) and settles with what it really cost when it ends.
 */
export class BudgetTracker {
  spentUsd = 0;
  spentTokens = 0;
  reservedUsd = 0;
  reservedTokens = 0;
  constructor(readonly budget: Budget) {}
  /** Reserve an estimate, or say why it does not fit. */
  reserve(usd: number, tokens: number): string | undefined {
    const b = this.budget;
    if (b.usd !== undefined && this.spentUsd + this.reservedUsd + usd > b.usd)
      return `budget of $${b.usd} reached ($${this.spentUsd.toFixed(4)} spent, $${this.reservedUsd.toFixed(4)} in flight, next call up to $${usd.toFixed(4)})`;
    if (b.tokens !== undefined && this.spentTokens + this.reservedTokens + tokens > b.tokens)
      return `budget of ${b.tokens} tokens reached (${this.spentTokens} spent, ${this.reservedTokens} in flight, next call up to ${tokens})`;
    this.reservedUsd += usd;
    this.reservedTokens += tokens;
    return undefined;
  }
  /** Release a reservation and book what the call really spent (zero when it was never sent). */
  settle(reservedUsd: number, reservedTokens: number, usd: number, tokens: number): void {
    this.reservedUsd -= reservedUsd;
    this.reservedTokens -= reservedTokens;
    this.spentUsd += usd;
    this.spentTokens += tokens;
  }
}

/**
 * A dollar budget cannot be kept for a model with no known price (its calls would count as $0): refuse before any
 * call, naming the model and how to price it.
 */
export function refuseUnpricedBudget(estimate: CostEstimate | undefined, budgets: Budget[]): void {
  if (!estimate?.unpricedModels.length || !budgets.some((b) => b.usd !== undefined)) return;
  throw new LlmBudgetError(
    `a dollar budget was set but no price is known for ${estimate.unpricedModels.join(", ")}: nothing was sent. Give its list price with --price IN,OUT (USD per million input, output tokens; --judge-price for the judge), ALPACARE_PRICES, or the registry override file, or budget in tokens instead (e.g. 200000tokens)`,
  );
}
