/**
 * rouge_score's default tokenizer (`rouge_score/tokenize.py`), reproduced exactly: Python `text.lower()`, every run
 * of characters outside `[a-z0-9]` becomes one space, split on whitespace, optional Porter stemming of tokens longer
 * than 3 characters, then only non-empty `[a-z0-9]+` tokens are kept.
 *
 * Lowercasing is done by table, not with `String.prototype.toLowerCase`, so the result cannot depend on the
 * JavaScript engine's Unicode version. Only characters whose Python `str.lower()` contains an ASCII letter or digit
 * matter (everything else becomes a separator), and a scan of every code point with CPython 3.11 finds exactly
 * three kinds: ASCII `A-Z`; U+212A KELVIN SIGN, which lowercases to ASCII `k`; and U+0130 (capital I with dot),
 * which lowercases to `i` + U+0307 COMBINING DOT ABOVE, i.e. an `i` that ends its token ("İstanbul" -> `i stanbul`).
 * So "β-blockers" -> `blockers`, "naïve" -> `na ve`, "café" -> `caf`, CJK and emoji vanish.
 */
import { porterStem } from "./porter.js";

/** Options for {@link rougeTokenize}. */
export interface RougeTokenizeOptions {
  /** Apply NLTK's Porter stemmer to tokens longer than 3 characters (rouge_score `use_stemmer=True`). Default false. */
  stem?: boolean;
}

// Stems are pure functions of the token; rouge_score recomputes them, we cache (bounded, so a huge corpus of unique
// tokens cannot grow memory without limit).
const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 200_000;

/** NLTK Porter stem with a process-wide cache. */
export function cachedPorterStem(token: string): string {
  let s = stemCache.get(token);
  if (s === undefined) {
    s = porterStem(token);
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
    stemCache.set(token, s);
  }
  return s;
}

/** Tokenize `text` exactly as rouge_score's `DefaultTokenizer(use_stemmer)` does. */
export function rougeTokenize(text: string, options: RougeTokenizeOptions = {}): string[] {
  const tokens: string[] = [];
  let cur = "";
  const flush = () => {
    if (cur.length > 0) {
      tokens.push(cur);
      cur = "";
    }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) cur += text[i];
    else if (c >= 65 && c <= 90) cur += String.fromCharCode(c + 32);
    else if (c === 0x212a) cur += "k"; // KELVIN SIGN -> 'k'
    else if (c === 0x130) {
      // 'İ'.lower() == 'i\u0307': the 'i' joins the current token, the combining dot ends it.
      cur += "i";
      flush();
    } else flush();
  }
  flush();
  if (!options.stem) return tokens;
  const out: string[] = [];
  for (const t of tokens) {
    const s = t.length > 3 ? cachedPorterStem(t) : t;
    // rouge_score's final VALID_TOKEN check (`^[a-z0-9]+$`): drops a stem that came out empty.
    if (s.length > 0 && /^[a-z0-9]+$/.test(s)) out.push(s);
  }
  return out;
}
