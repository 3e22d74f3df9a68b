/**
 * Analyses of model outputs that need no judge: response lengths, empty / truncated / degenerate-repetition rates,
 * for every response and per model and test set. Pure functions over plain records; the notebook charts them, and
 * `viewers.ts` shows the answers themselves.
 *
 * Definitions (heuristics, stated so a number can be traced to its rule):
 * - words: whitespace-separated pieces. tokens: `approxTokens` = ceil(UTF-8 characters / 4), the usual rule of thumb
 *   for LLaMA/GPT BPE on English (no tokenizer of the 14 published models is available offline; ratios between models hold).
 * - empty: nothing but whitespace.
 * - endsMidSentence: the trimmed text ends in neither sentence punctuation (. ! ? : ; … closing quotes/brackets,
 *   `*`, a code fence) nor a short list item / table row / heading line (those legitimately end without a period).
 * - truncated: the run recorded that generation hit the token limit (`finishReason: "length"`); where that is not
 *   known (published outputs) the proxy is `endsMidSentence`.
 * - degenerate repetition: one sentence (>= 3 words, case and punctuation folded) occurring >= 3 times, or fewer than
 *   half of the word 4-grams distinct (>= 20 of them), or text of >= 200 bytes that deflates below 20% of its size
 *   (catches "1000000..." and whitespace runs that have no words).
 */
import { deflateRawSync } from "node:zlib";
import { meanOfFinite, quantileSorted, wordCount } from "../core/index.js";
import type { FinishReason } from "../llm/index.js";

/** Approximate token count: ceil(characters / 4) (see the module comment). */
export function approxTokens(text: string): number {
  return Math.ceil([...text].length / 4);
}

const SENTENCE_END = /[.!?:;…"'”’)\]}>*`]$/;
const LIST_OR_TABLE_LINE = /^\s*(?:[-*•+]|\d+[.)]|#{1,6}|\|)\s?/;

/** Does the text stop in the middle of a sentence? (see the module comment; false for empty text) */
export function endsMidSentence(text: string): boolean {
  const t = text.trim();
  if (t === "") return false;
  if (SENTENCE_END.test(t)) return false;
  const lastLine = t.slice(t.lastIndexOf("\n") + 1);
  if (LIST_OR_TABLE_LINE.test(lastLine) && wordCount(lastLine) <= 12) return false;
  return true;
}

/** Repetition measures of one text. */
export interface RepetitionStats {
  /** How often the most repeated sentence (>= 3 words, folded) occurs; 0 when there is none. */
  maxSentenceRepeats: number;
  /** That sentence (folded), or "". */
  repeatedSentence: string;
  /** Word 4-grams in the text. */
  ngrams: number;
  /** Distinct 4-grams / 4-grams (1 when there are none). */
  distinctNgramRatio: number;
  /** Deflated bytes / UTF-8 bytes (1 for texts under 200 bytes, where it says nothing). */
  compressionRatio: number;
}

function foldSentence(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, " ").replace(/\s+/g, " ").trim();
}

/** Measure repetition in a text (see the module comment). */
export function repetitionStats(text: string): RepetitionStats {
  const counts = new Map<string, number>();
  for (const piece of text.split(/(?<=[.!?])\s+|\n+/)) {
    const f = foldSentence(piece);
    if (f.split(" ").length < 3) continue;
    counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  let maxSentenceRepeats = 0;
  let repeatedSentence = "";
  for (const [s, c] of counts) if (c > maxSentenceRepeats) [maxSentenceRepeats, repeatedSentence] = [c, s];
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const grams = new Set<string>();
  const ngrams = Math.max(0, words.length - 3);
  for (let i = 0; i < ngrams; i++) grams.add(`${words[i]} ${words[i + 1]} ${words[i + 2]} ${words[i + 3]}`);
  const bytes = Buffer.byteLength(text, "utf8");
  const compressionRatio = bytes >= 200 ? deflateRawSync(Buffer.from(text, "utf8")).length / bytes : 1;
  return { maxSentenceRepeats, repeatedSentence, ngrams, distinctNgramRatio: ngrams ? grams.size / ngrams : 1, compressionRatio };
}

/** Thresholds for {@link isDegenerate}. */
export interface DegenerateThresholds {
  /** A sentence repeated at least this often. Default 3. */
  sentenceRepeats?: number;
  /** Distinct 4-gram ratio below this (with at least `minNgrams`). Default 0.5. */
  distinctNgramRatio?: number;
  /** Default 20. */
  minNgrams?: number;
  /** Compression ratio below this. Default 0.2. */
  compressionRatio?: number;
}

/** Is this repetition degenerate? (defaults in {@link DegenerateThresholds}) */
export function isDegenerate(stats: RepetitionStats, t: DegenerateThresholds = {}): boolean {
  return (
    stats.maxSentenceRepeats >= (t.sentenceRepeats ?? 3) ||
    (stats.ngrams >= (t.minNgrams ?? 20) && stats.distinctNgramRatio < (t.distinctNgramRatio ?? 0.5)) ||
    stats.compressionRatio < (t.compressionRatio ?? 0.2)
  );
}

/** One response analysed. */
export interface ResponseAnalysis {
  id: string;
  words: number;
  tokens: number;
  empty: boolean;
  endsMidSentence: boolean;
  /** The run's finish reason, when it was recorded. */
  finishReason?: FinishReason;
  truncated: boolean;
  repetition: RepetitionStats;
  degenerate: boolean;
}

/** Analyse one response; pass the recorded finish reason when known (new runs). */
export function analyseResponse(id: string | number, response: string, finishReason?: FinishReason, thresholds?: DegenerateThresholds): ResponseAnalysis {
  const repetition = repetitionStats(response);
  const mid = endsMidSentence(response);
  return {
    id: String(id),
    words: wordCount(response),
    tokens: approxTokens(response),
    empty: response.trim() === "",
    endsMidSentence: mid,
    finishReason,
    truncated: finishReason !== undefined ? finishReason === "length" : mid,
    repetition,
    degenerate: isDegenerate(repetition, thresholds),
  };
}

/** Summary statistics of a numeric sample (its finite values). */
export interface Distribution {
  /** Finite values counted. */
  n: number;
  mean: number;
  median: number;
  p10: number;
  p25: number;
  p75: number;
  p90: number;
  min: number;
  max: number;
}

/**
 * Distribution of a sample's finite values (NaN and ±Infinity are left out of every field, `n` included; word and
 * token counts have none): linear-interpolated quantiles, NaN fields when no value is finite.
 */
export function distribution(values: readonly number[]): Distribution {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const q = (p: number) => quantileSorted(v, p);
  const mean = meanOfFinite(v); // of the sorted values, in that order
  return { n: v.length, mean, median: q(0.5), p10: q(0.1), p25: q(0.25), p75: q(0.75), p90: q(0.9), min: v.length ? v[0]! : NaN, max: v.length ? v[v.length - 1]! : NaN };
}

/** Per model and test set: lengths and rates. */
export interface OutputSummary {
  model: string;
  testSet: string;
  n: number;
  words: Distribution;
  tokens: Distribution;
  emptyRate: number;
  endsMidSentenceRate: number;
  truncatedRate: number;
  degenerateRate: number;
}

/** A response to analyse (any record with an id and a response; `finishReason` when the run recorded it). */
export interface AnalysableOutput {
  id: string | number;
  response: string;
  finishReason?: FinishReason;
}

/** Analyse every response of one model on one test set and summarise. */
export function summariseOutputs(model: string, testSet: string, outputs: readonly AnalysableOutput[], thresholds?: DegenerateThresholds): { summary: OutputSummary; rows: ResponseAnalysis[] } {
  const rows = outputs.map((o) => analyseResponse(o.id, o.response, o.finishReason, thresholds));
  const rate = (f: (r: ResponseAnalysis) => boolean) => (rows.length ? rows.filter(f).length / rows.length : NaN);
  return {
    rows,
    summary: {
      model,
      testSet,
      n: rows.length,
      words: distribution(rows.map((r) => r.words)),
      tokens: distribution(rows.map((r) => r.tokens)),
      emptyRate: rate((r) => r.empty),
      endsMidSentenceRate: rate((r) => r.endsMidSentence),
      truncatedRate: rate((r) => r.truncated),
      degenerateRate: rate((r) => r.degenerate),
    },
  };
}
