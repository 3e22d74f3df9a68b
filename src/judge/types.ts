/**
 * Records of the judging stage. One verdict record is one judge call: one (item, order) pair. Everything a score
 * rests on is kept beside it (judge model, template hash, raw text, how it was parsed) so a number can be traced
 * back and re-parsed without calling the judge again.
 */

/** Which side the reference output is shown on: `referenceFirst` = the reference is Output (a). */
export type JudgeOrder = "referenceFirst" | "referenceLast";

/** Both orders, in the order upstream ran them. */
export const JUDGE_ORDERS: readonly JudgeOrder[] = ["referenceFirst", "referenceLast"];

/** How a judge's text becomes a verdict: `alpacare` = the upstream rule exactly; `robust` = tolerant reader. */
export type VerdictParseMode = "alpacare" | "robust";

/** Both parse modes. */
export const VERDICT_PARSE_MODES: readonly VerdictParseMode[] = ["alpacare", "robust"];

/**
 * A parsed verdict from the model's point of view (as upstream scores it): 1 = the model under test wins,
 * 0 = the reference wins, 0.5 = tie, `null` = unparsed (upstream's NaN; JSON has no NaN).
 */
export type VerdictScore = 0 | 0.5 | 1 | null;

/** How the per-item score is made from the two orders. */
export type ScoringPolicy = "alpacare" | "fastchat";

/** One judge call's record (one JSON line in `data/runs/<run>/verdicts/*.jsonl`). */
export interface VerdictRecord {
  /** Record format tag, bumped if the shape ever changes. */
  schema: "alpacare-verdict/1";
  /** The test item's id (as `loadTestSet` gives it; the 0-based line index for imported upstream files). */
  itemId: string;
  /** 0-based position of the item in the test set (upstream aligns the two order files by this). */
  index: number;
  /** The model under test, by the name upstream put into the comparison files (e.g. `AlpaCare-7b`). */
  model: string;
  /** The reference model's name (e.g. `text-davinci-003`). */
  reference: string;
  /** Test set name (`iCliniq`, `MedInstruct-test`, `AlpacaFarm`, or whatever an imported file said). */
  testSet: string;
  order: JudgeOrder;
  /** Name shown as Output (a) / Output (b), as upstream's `model_1` / `model_2` fields. */
  model1: string;
  model2: string;
  /** The judge: provider, requested model id, the version the provider echoed back (when it did). */
  judge: { provider: string; model: string; modelVersion?: string };
  /** The prompt template: its name (`chatgpt`, `anthropic`, a file name) and `shortHash` of its text. */
  template: { name: string; hash: string };
  /** The judge's raw text, exactly as returned. */
  raw: string;
  /** The verdict under each parse mode (both are stored so switching modes needs no new calls). */
  verdict: Record<VerdictParseMode, VerdictScore>;
  /** Characters of the model's and the reference's output (length diagnostics without reloading the data). */
  modelOutputChars?: number;
  referenceOutputChars?: number;
  /** The LLM cache key of the call (hex SHA-256 of the full request). */
  cacheKey?: string;
  /** Whether the answer came from the cache. */
  cached?: boolean;
  finishReason?: string;
  usage?: { inputTokens: number; outputTokens: number };
  /** The filled prompt, only when the run was asked to store prompts (upstream's `prompt` field). */
  prompt?: string;
  /** ISO time the record was written. */
  timestamp: string;
}

/** The two orders of one item after parsing, the unit every item-level statistic works on. */
export interface ItemVerdicts {
  itemId: string;
  index: number;
  referenceFirst: VerdictScore | undefined;
  referenceLast: VerdictScore | undefined;
  modelOutputChars?: number;
  referenceOutputChars?: number;
}
