/**
 * From a judge's text to a verdict. Two readers:
 * - `alpacare`: upstream `evaluation/evaulation.py` exactly: strip, replace "Output (a)" / "Output (b)" by the names
 *   shown there, drop every character outside [a-zA-Z0-9] (from the text and from both names), then
 *   text == reference -> 0, text == model -> 1, else text contains "Tie" -> 0.5, else NaN (here `null`).
 *   So "Output (a)." parses, "Output (a) because ..." does not, and "tie" (lower case) does not.
 * - `robust` (beyond the paper): case-insensitive, tolerant of markdown, quotes and explanations; labelled as such.
 */
import type { JudgeOrder, VerdictParseMode, VerdictRecord, VerdictScore } from "./types.js";

/** Upstream `remove_special_characters`: keep only ASCII letters and digits. */
export function stripToAlphanumeric(text: string): string {
  return text.replace(/[^a-zA-Z0-9]/g, "");
}

/** Python's `str.replace(old, new)` (all occurrences, literal). */
function replaceAll(text: string, old: string, replacement: string): string {
  return text.split(old).join(replacement);
}

/** Names needed to read one verdict: who was shown as (a) and (b), and which of them is the model under test. */
export interface VerdictNames {
  /** Upstream `model_1`: the name shown as Output (a). */
  model1: string;
  /** Upstream `model_2`: the name shown as Output (b). */
  model2: string;
  /** The model under test (upstream `compared_model`). */
  model: string;
  /** The reference (upstream `refer_model`). */
  reference: string;
}

/** The upstream rule, exactly (see the module comment). Returns 1 / 0 / 0.5, or `null` where upstream gets NaN. */
export function parseVerdictAlpacare(text: string, names: VerdictNames): VerdictScore {
  let output = text.trim();
  output = replaceAll(output, "Output (a)", names.model1);
  output = replaceAll(output, "Output (b)", names.model2);
  const compared = stripToAlphanumeric(names.model);
  const refer = stripToAlphanumeric(names.reference);
  output = stripToAlphanumeric(output);
  // Upstream checks the reference first: if both names strip to the same string every match counts as a loss.
  if (output === refer) return 0;
  if (output === compared) return 1;
  if (output.includes("Tie")) return 0.5;
  return null;
}

/** A position-level reading: which output the judge picked. */
export type PositionVerdict = "a" | "b" | "tie";

/** Why the robust reader decided as it did (shown in the unparsed/ambiguous lists). */
export interface RobustReading {
  verdict: PositionVerdict | null;
  rule: "exact" | "leading" | "only-one" | "phrase" | "first-mention" | "none";
}

const A = /\boutput\s*[\(\[]?\s*a\s*[\)\]]?(?![a-z])/gi;
const B = /\boutput\s*[\(\[]?\s*b\s*[\)\]]?(?![a-z])/gi;
const BARE_A = /\(\s*a\s*\)/gi;
const BARE_B = /\(\s*b\s*\)/gi;
const TIE = /\btie\b|\bboth (?:outputs |answers |responses )?are (?:of )?equal(?:ly good)?\b|\bequal quality\b/gi;

function mentions(text: string, re: RegExp): number[] {
  return [...text.matchAll(re)].map((m) => m.index!);
}

/**
 * The robust reader (beyond the paper). In priority order:
 * 1. the whole answer is a verdict ("Output (b)", "**Output (A)**", "(b)", "B", "Tie.", "It's a tie");
 * 2. the answer starts with a verdict and explains afterwards ("Output (a) is better because ...");
 * 3. only one kind of verdict is mentioned anywhere ("I would choose Output (b).");
 * 4. a choosing phrase ("the better choice is Output (b)", "Output (b) is better", "I prefer (a)");
 * 5. otherwise the first mention. Case-insensitive throughout.
 */
export function readVerdictRobust(text: string): RobustReading {
  const t = text.replace(/[*_`#>"'“”‘’]/g, " ").replace(/\s+/g, " ").trim();
  const core = t.replace(/^(?:answer|verdict|final answer|choice|my choice|response|result)\s*[:\-]\s*/i, "").replace(/[.!\s]+$/, "");
  const exact: Record<string, PositionVerdict> = { a: "a", b: "b", "(a)": "a", "(b)": "b", tie: "tie", "it is a tie": "tie", "its a tie": "tie", "it s a tie": "tie", "a tie": "tie" };
  const lc = core.toLowerCase();
  if (exact[lc]) return { verdict: exact[lc]!, rule: "exact" };
  const whole = /^output\s*[\(\[]?\s*([ab])\s*[\)\]]?$/i.exec(core);
  if (whole) return { verdict: whole[1]!.toLowerCase() as PositionVerdict, rule: "exact" };

  // A leading verdict counts unless it opens a comparison of both ("Output (a) and Output (b) are equally ...").
  const lead = /^(?:output\s*[\(\[]?\s*([ab])\s*[\)\]]?(?![a-z])|\(\s*([ab])\s*\)|(tie)\b)/i.exec(core);
  const opensComparison = /^\S+(?:\s*\S+)?\s*(?:and|or|&|,|vs\.?|versus|nor)\s*(?:output|\()/i.test(core);
  if (lead && !opensComparison) {
    const v = (lead[1] ?? lead[2] ?? "tie").toLowerCase();
    return { verdict: (v === "tie" ? "tie" : v) as PositionVerdict, rule: "leading" };
  }

  const aAt = [...mentions(t, A), ...mentions(t, BARE_A)];
  const bAt = [...mentions(t, B), ...mentions(t, BARE_B)];
  const tieAt = mentions(t, TIE);
  const kinds = [aAt.length > 0, bAt.length > 0, tieAt.length > 0].filter(Boolean).length;
  if (kinds === 0) return { verdict: null, rule: "none" };
  if (kinds === 1) return { verdict: aAt.length ? "a" : bAt.length ? "b" : "tie", rule: "only-one" };

  const X = String.raw`(?:output\s*[\(\[]?\s*([ab])\s*[\)\]]?|\(\s*([ab])\s*\))`;
  const phrases = [
    new RegExp(String.raw`(?:better|best|preferred|winning) (?:choice|output|answer|response|one)?\s*(?:is|would be|:)\s*` + X, "i"),
    new RegExp(String.raw`(?:i (?:would )?(?:choose|select|prefer|pick|go with)|answer is|verdict is|winner is)\s*:?\s*` + X, "i"),
    new RegExp(X + String.raw`\s*(?:is|was|seems|appears)\s*(?:clearly |slightly |much |the )?(?:better|superior|preferred|more (?:accurate|appropriate|helpful|comprehensive|detailed|complete|relevant|informative|concise|specific))`, "i"),
  ];
  for (const re of phrases) {
    const m = re.exec(t);
    if (m) return { verdict: (m[1] ?? m[2])!.toLowerCase() as PositionVerdict, rule: "phrase" };
  }
  if (/\b(?:a|is) tie\b/i.test(t)) return { verdict: "tie", rule: "phrase" };

  const first = Math.min(aAt.length ? Math.min(...aAt) : Infinity, bAt.length ? Math.min(...bAt) : Infinity, tieAt.length ? Math.min(...tieAt) : Infinity);
  const verdict: PositionVerdict = aAt.includes(first) ? "a" : bAt.includes(first) ? "b" : "tie";
  return { verdict, rule: "first-mention" };
}

/** The model-perspective score of a position verdict in a given order. */
export function positionToScore(v: PositionVerdict | null, order: JudgeOrder): VerdictScore {
  if (v === null) return null;
  if (v === "tie") return 0.5;
  const modelIsA = order === "referenceLast";
  return (v === "a") === modelIsA ? 1 : 0;
}

/** The position a model-perspective score corresponds to in a given order (`null` stays `null`). */
export function scoreToPosition(score: VerdictScore, order: JudgeOrder): PositionVerdict | null {
  if (score === null) return null;
  if (score === 0.5) return "tie";
  const modelIsA = order === "referenceLast";
  return (score === 1) === modelIsA ? "a" : "b";
}

/** The robust reader's model-perspective score. */
export function parseVerdictRobust(text: string, order: JudgeOrder): VerdictScore {
  return positionToScore(readVerdictRobust(text).verdict, order);
}

/** Parse one raw text under a mode. */
export function parseVerdict(mode: VerdictParseMode, text: string, names: VerdictNames, order: JudgeOrder): VerdictScore {
  return mode === "alpacare" ? parseVerdictAlpacare(text, names) : parseVerdictRobust(text, order);
}

/** Both modes at once (what a verdict record stores). */
export function parseVerdictAllModes(text: string, names: VerdictNames, order: JudgeOrder): Record<VerdictParseMode, VerdictScore> {
  return { alpacare: parseVerdictAlpacare(text, names), robust: parseVerdictRobust(text, order) };
}

/**
 * Re-parse stored verdicts from their raw text (no judge call): returns new records with `verdict` recomputed for
 * both modes. Use after changing a parser, or on records imported from elsewhere.
 */
export function reparseVerdicts(records: readonly VerdictRecord[]): VerdictRecord[] {
  return records.map((r) => ({
    ...r,
    verdict: parseVerdictAllModes(r.raw, { model1: r.model1, model2: r.model2, model: r.model, reference: r.reference }, r.order),
  }));
}

/** One unparsed verdict, for the lists the notebook and CLI show. */
export interface UnparsedVerdict {
  itemId: string;
  order: JudgeOrder;
  raw: string;
}

/** Every record whose verdict under `mode` is unparsed, with its raw text. Never silently dropped: list them. */
export function unparsedVerdicts(records: readonly VerdictRecord[], mode: VerdictParseMode): UnparsedVerdict[] {
  return records.filter((r) => r.verdict[mode] === null).map((r) => ({ itemId: r.itemId, order: r.order, raw: r.raw }));
}
