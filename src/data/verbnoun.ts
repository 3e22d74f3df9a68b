/**
 * Verb-noun structure of instructions (the paper's sunburst of root verbs and their direct-object nouns, after
 * Self-Instruct), used by notebooks 01 and 02.
 *
 * Self-Instruct used a constituency parser; here wink-nlp's part-of-speech tagger (wink-eng-lite-web-model) with a
 * documented rule ({@link VERB_NOUN_RULE}), so every pair can be explained. Instructions that are questions
 * ("What is ...?"), statements, or whose verb takes a clause ("explain what X is") or a preposition ("engage in a
 * chat") yield no pair, as in the paper's figure; the share that yields a pair is reported beside the figure.
 */
import { createRequire } from "node:module";

/** The rule, in words, for notebooks and captions. */
export const VERB_NOUN_RULE =
  "First sentence of the instruction, split at commas/semicolons/colons into clauses. Each clause is tagged by " +
  'wink-nlp with "Please " prefixed (an imperative first word is otherwise tagged as a noun); the root verb is the ' +
  "first clause's first word (after at most one adverb: \"Briefly summarize\") when it is tagged VERB in its bare form (clauses that do not start with one, such as " +
  '"Based on these symptoms" or "Given the options", are skipped). The direct object is the head (last word) of the ' +
  "first run of nouns after the verb, reached only across determiners, adjectives, numbers, adverbs, possessives, " +
  'participles, quotes, hyphens and "following/given/provided/above/below"; ' +
  "a wh-word, preposition, conjunction, auxiliary, other verb or punctuation first means no direct object. " +
  "Verb and noun are lemmatised and lower-cased.";

/** One instruction's verb and direct-object noun, or why it has none. */
export interface VerbNounResult {
  instruction: string;
  /** Lemma of the root verb, when found. */
  verb?: string;
  /** Lemma of the direct object's head noun, when found. */
  noun?: string;
  /** Why there is no pair: "no imperative verb" or "verb without a direct object". */
  reason?: string;
}

/** A (verb, noun) pair. */
export interface VerbNounPair {
  verb: string;
  noun: string;
}

interface Tagged {
  value: string;
  pos: string;
  lemma: string;
}

type WinkTagger = (text: string) => Tagged[];
let tagger: WinkTagger | undefined;

/** Load wink-nlp and its English model once (synchronously: no top-level await in the library). */
function tag(text: string): Tagged[] {
  if (!tagger) {
    const require = createRequire(import.meta.url);
    const winkNLP = require("wink-nlp") as (model: unknown) => {
      readDoc(text: string): { tokens(): { out(f: unknown): string[] } };
      its: { value: unknown; pos: unknown; lemma: unknown };
    };
    const nlp = winkNLP(require("wink-eng-lite-web-model"));
    tagger = (t) => {
      const tokens = nlp.readDoc(t).tokens();
      const values = tokens.out(nlp.its.value);
      const pos = tokens.out(nlp.its.pos);
      const lemma = tokens.out(nlp.its.lemma);
      return values.map((value, i) => ({ value, pos: pos[i]!, lemma: lemma[i]! }));
    };
  }
  return tagger(text);
}

const WH = new Set(["what", "how", "why", "where", "which", "who", "whom", "whose", "whether", "when", "if", "that"]);
const SKIP_BEFORE_NOUN = new Set(["DET", "ADJ", "NUM", "ADV", "PRON", "PART", "X", "SYM"]);
const MODIFIER_WORDS = new Set(["following", "given", "provided", "above", "below", "attached", "described", "listed", "presented", "mentioned", "next"]);
const QUOTES = new Set(['"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "`"]);

/** The first sentence of a text (up to the first `.`, `?` or `!` followed by a space, or the first line). */
function firstSentence(text: string): string {
  const line = text.trim().split(/\n/)[0] ?? "";
  const m = /^(.*?[.?!])(\s|$)/.exec(line);
  return (m ? m[1]! : line).trim();
}

/** Apply {@link VERB_NOUN_RULE} to one instruction. */
export function extractVerbNoun(instruction: string): VerbNounResult {
  const clauses = firstSentence(instruction)
    .split(/[,;:]/)
    .map((c) => c.trim().replace(/^(please|kindly)\s+/i, ""))
    .filter(Boolean);
  for (const clause of clauses) {
    // Lower-case the first letter unless the first word is an acronym ("MRI", "USMLE").
    const firstWord = clause.split(/\s/)[0] ?? "";
    const text = "Please " + (firstWord === firstWord.toUpperCase() && firstWord.length > 1 ? clause : clause[0]!.toLowerCase() + clause.slice(1));
    const tokens = tag(text);
    // "Briefly summarize ...": one leading adverb before the imperative.
    const at = tokens[1]?.pos === "ADV" && tokens[2]?.pos === "VERB" ? 2 : 1;
    const verb = tokens[at];
    // An imperative is the bare form: "Based on ...", "Given ...", "Using ..." open an introductory phrase instead.
    if (!verb || verb.pos !== "VERB" || verb.value.toLowerCase() !== verb.lemma.toLowerCase()) continue;
    return { instruction, verb: verb.lemma.toLowerCase(), ...directObject(tokens, at + 1) };
  }
  return { instruction, reason: "no imperative verb" };
}

function directObject(tokens: Tagged[], from: number): { noun?: string; reason?: string } {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    const lower = t.value.toLowerCase();
    if (WH.has(lower)) break;
    const next = tokens[i + 1];
    // "the following/given/provided <noun>": these words modify the noun, whatever the tagger calls them.
    if (MODIFIER_WORDS.has(lower) && next && ["NOUN", "PROPN", "ADJ"].includes(next.pos)) continue;
    if (t.pos === "NOUN" || t.pos === "PROPN") {
      let head = t;
      for (let j = i + 1; j < tokens.length; j++) {
        const u = tokens[j]!;
        if (u.pos === "NOUN" || u.pos === "PROPN") head = u;
        else if (u.pos === "PART" && /^['\u2019]s$/.test(u.value)) continue; // "the patient's symptoms"
        else {
          // Modifiers inside the noun phrase ("USMLE style single-step reasoning question", "MRI scan process"):
          // step over adjectives, numbers, hyphens and participles when a noun follows them.
          let k = j;
          while (k < tokens.length && isInnerModifier(tokens[k]!)) k++;
          if (k > j && ["NOUN", "PROPN"].includes(tokens[k]?.pos ?? "")) {
            j = k - 1;
            continue;
          }
          break;
        }
      }
      return { noun: head.lemma.toLowerCase() };
    }
    if (SKIP_BEFORE_NOUN.has(t.pos)) continue;
    if (t.pos === "VERB" && /(ed|ing)$/.test(lower) && i > from && SKIP_BEFORE_NOUN.has(tokens[i - 1]!.pos)) continue;
    if (t.pos === "PUNCT" && (QUOTES.has(t.value) || (t.value === "-" && i > from))) continue; // quotes; "one-sentence"
    break;
  }
  return { reason: "verb without a direct object" };
}

function isInnerModifier(t: Tagged): boolean {
  // Not "-ing" verbs: after a noun they start a participle clause ("a summary detailing the findings").
  return t.pos === "ADJ" || t.pos === "NUM" || (t.pos === "PUNCT" && t.value === "-") || (t.pos === "VERB" && !/ing$/i.test(t.value));
}

/** Summary of {@link extractVerbNouns}. */
export interface VerbNounSummary {
  results: VerbNounResult[];
  pairs: VerbNounPair[];
  /** Instructions with a root verb (with or without object). */
  withVerb: number;
  /** Share of instructions that yield a (verb, noun) pair, 0..1. */
  pairShare: number;
}

/** Apply the rule to many instructions. */
export function extractVerbNouns(instructions: readonly string[]): VerbNounSummary {
  const results = instructions.map(extractVerbNoun);
  const pairs = results.filter((r) => r.verb && r.noun).map((r) => ({ verb: r.verb!, noun: r.noun! }));
  return {
    results,
    pairs,
    withVerb: results.filter((r) => r.verb).length,
    pairShare: instructions.length ? pairs.length / instructions.length : 0,
  };
}

/** One verb of the sunburst with its top nouns. */
export interface VerbNounBranch {
  verb: string;
  /** Pairs with this verb (all nouns, not only the top ones). */
  count: number;
  nouns: { noun: string; count: number }[];
}

/**
 * The paper's hierarchy: the `topVerbs` most frequent root verbs (default 20) among the pairs, each with its
 * `topNouns` most frequent direct-object nouns (default 4). Ties break alphabetically, so the result is stable.
 */
export function verbNounHierarchy(pairs: readonly VerbNounPair[], options: { topVerbs?: number; topNouns?: number } = {}): VerbNounBranch[] {
  const byVerb = new Map<string, Map<string, number>>();
  for (const { verb, noun } of pairs) {
    const m = byVerb.get(verb) ?? new Map<string, number>();
    m.set(noun, (m.get(noun) ?? 0) + 1);
    byVerb.set(verb, m);
  }
  const branches = [...byVerb].map(([verb, nouns]) => ({
    verb,
    count: [...nouns.values()].reduce((a, b) => a + b, 0),
    nouns: [...nouns]
      .map(([noun, count]) => ({ noun, count }))
      .sort((a, b) => b.count - a.count || a.noun.localeCompare(b.noun))
      .slice(0, options.topNouns ?? 4),
  }));
  return branches.sort((a, b) => b.count - a.count || a.verb.localeCompare(b.verb)).slice(0, options.topVerbs ?? 20);
}
