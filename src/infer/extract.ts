/**
 * Response extraction: from a model's `raw_output` (the decoded prompt + continuation, as upstream stored it) to
 * the `response` that is judged.
 *
 * Upstream's rule, found by comparing every published (raw_output, response) pair: `raw_output.split("Response:")[1]`,
 * i.e. the text after the first "Response:" up to the next "Response:" (no trimming). It reproduces 100% of the
 * published responses of all 14 published models on all their test sets, PMC-LLaMA and Baize-Healthcare included: all of them
 * were run with the Alpaca prompt. The often-quoted "text after the first ### Response:" differs exactly where a
 * model rambles on into a new "### Instruction: ... ### Response:" block (PMC-LLaMA 7B, Baize-Healthcare): upstream
 * keeps only the text before the next "Response:", so those responses end in "### ".
 */
import { renderAlpacaPrompt, type InstructionPair } from "./templates.js";

/**
 * - `upstream` (faithful): `raw.split("Response:")[1]`, "" when there is none.
 * - `clean` (a workbench improvement, not the paper's): the text after the first "### Response:", cut before the
 *   next Alpaca section header ("### Instruction:", "### Input:", "### Response:") or "</s>", whitespace trimmed.
 * - `verbatim`: the raw output itself (chat-template runs, whose raw output is the completion alone).
 */
export type ExtractionRule = "upstream" | "clean" | "verbatim";

/** The separator upstream split on. */
const UPSTREAM_SEPARATOR = "Response:";
const ALPACA_RESPONSE_HEADER = "### Response:";
const NEXT_SECTION = /### (?:Instruction|Input|Response):|<\/s>/;

/** Extract the response from a raw output with the given rule (default `upstream`). */
export function extractResponse(rawOutput: string, rule: ExtractionRule = "upstream"): string {
  switch (rule) {
    case "upstream":
      return rawOutput.split(UPSTREAM_SEPARATOR)[1] ?? "";
    case "clean": {
      const at = rawOutput.indexOf(ALPACA_RESPONSE_HEADER);
      let rest = at < 0 ? rawOutput : rawOutput.slice(at + ALPACA_RESPONSE_HEADER.length);
      const next = NEXT_SECTION.exec(rest);
      if (next) rest = rest.slice(0, next.index);
      return rest.trim();
    }
    case "verbatim":
      return rawOutput;
  }
}

/** A record with a raw output and the response extracted from it (published outputs, new runs). */
export interface RawAndResponse {
  id: string | number;
  raw_output: string;
  response: string;
}

/** How many stored responses a rule reproduces exactly. */
export interface ExtractionAgreement {
  rule: ExtractionRule;
  total: number;
  /** Records whose stored `response` equals `extractResponse(raw_output, rule)` exactly. */
  agree: number;
  /** agree / total (1 for an empty list). */
  rate: number;
  /** Ids of the first (up to 20) records that disagree. */
  disagreeing: string[];
}

/** Compare stored responses with the ones a rule extracts (default `upstream`). */
export function extractionAgreement(records: readonly RawAndResponse[], rule: ExtractionRule = "upstream"): ExtractionAgreement {
  let agree = 0;
  const disagreeing: string[] = [];
  for (const r of records) {
    if (extractResponse(r.raw_output, rule) === r.response) agree++;
    else if (disagreeing.length < 20) disagreeing.push(String(r.id));
  }
  return { rule, total: records.length, agree, rate: records.length ? agree / records.length : 1, disagreeing };
}

/** How many raw outputs open with the Alpaca prompt rendered from their item. */
export interface PromptPrefixAgreement {
  total: number;
  match: number;
  /** Ids of the first (up to 20) records whose raw output does not open with the rendered prompt. */
  mismatching: string[];
}

/**
 * Check that each raw output starts with `renderAlpacaPrompt(pair)`; `pairs[i]` is the item of `records[i]` (pass
 * the test set's items to check the adapter, or the records' own fields to check the template alone).
 */
export function promptPrefixAgreement(records: readonly RawAndResponse[], pairs: readonly InstructionPair[]): PromptPrefixAgreement {
  let match = 0;
  const mismatching: string[] = [];
  records.forEach((r, i) => {
    const pair = pairs[i];
    if (pair && r.raw_output.startsWith(renderAlpacaPrompt(pair))) match++;
    else if (mismatching.length < 20) mismatching.push(String(r.id));
  });
  return { total: records.length, match, mismatching };
}
