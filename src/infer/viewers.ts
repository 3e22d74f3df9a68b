/**
 * HTML viewers of model outputs for notebooks (`tslab.display.html`): a side-by-side table of several models' answers
 * to the same items, flagged with the response measures of `analysis.ts`, and raw text with long runs of one
 * repeated character (degenerate outputs of hundreds of newlines) compacted to a short marker.
 */
import { escapeHtml } from "../core/index.js";
import { analyseResponse } from "./analysis.js";

/** One column of the side-by-side viewer: a model's name and its outputs (matched to items by id). */
export interface SideBySideColumn {
  name: string;
  outputs: readonly { id: string | number; response: string }[];
}

/** Options for {@link sideBySideHtml}. */
export interface SideBySideOptions {
  /** Cut each answer after this many characters (default 1500; 0 = no cut). */
  maxChars?: number;
  /** Mark degenerate / truncated / empty answers with a badge (default true). */
  flags?: boolean;
}

/**
 * An HTML table, one row per chosen item (instruction + input) and one column per model, for
 * `tslab.display.html`. Items missing from a column show as "(no output)".
 */
export function sideBySideHtml(items: readonly { id: string | number; instruction: string; input?: string }[], columns: readonly SideBySideColumn[], options: SideBySideOptions = {}): string {
  const maxChars = options.maxChars ?? 1500;
  const flags = options.flags ?? true;
  const byId = columns.map((c) => new Map(c.outputs.map((o) => [String(o.id), o.response])));
  const cell = "border:1px solid #ccc;padding:6px;vertical-align:top;white-space:pre-wrap;text-align:left;font-size:12px;max-width:420px";
  const head = `<tr><th style="${cell}">item</th>${columns.map((c) => `<th style="${cell}">${escapeHtml(c.name)}</th>`).join("")}</tr>`;
  const body = items
    .map((item) => {
      const prompt = item.input ? `${item.instruction}\n\n${item.input}` : item.instruction;
      const answers = byId.map((m) => {
        const r = m.get(String(item.id));
        if (r === undefined) return `<td style="${cell};color:#999">(no output)</td>`;
        const a = analyseResponse(item.id, r);
        const badges = flags
          ? [a.empty && "empty", a.truncated && "ends mid-sentence", a.degenerate && "degenerate repetition"].filter(Boolean).map((b) => `<span style="background:#fdd;border-radius:3px;padding:0 4px;margin-right:4px">${b}</span>`).join("")
          : "";
        const text = maxChars > 0 && r.length > maxChars ? `${r.slice(0, maxChars)} [… ${r.length - maxChars} more characters]` : r;
        return `<td style="${cell}">${badges}${badges ? "<br>" : ""}${compactRunsHtml(text)}<div style="color:#888">${a.words} words</div></td>`;
      });
      return `<tr><td style="${cell};background:#f6f6f6"><b>#${escapeHtml(String(item.id))}</b> ${escapeHtml(prompt)}</td>${answers.join("")}</tr>`;
    })
    .join("\n");
  return `<table style="border-collapse:collapse">${head}\n${body}</table>`;
}

/** A stretch of raw model text: plain text, or a run of one character repeated `count` times. */
export type TextSegment = { text: string } | { char: string; count: number };

/** Readable names for the characters models repeat most. */
const CHAR_NAMES: Record<string, string> = { "\n": "newline", " ": "space", "\t": "tab", "\r": "carriage return" };

/**
 * Split raw model text into plain stretches and long runs of one repeated character: newlines from `minNewlines`
 * (default 4: two blank lines are layout, more is degenerate), any other character from `minRun` (default 24).
 * Degenerate outputs of 300-761 newlines then show as one short marker instead of metres of blank space.
 */
export function compactRuns(text: string, options: { minNewlines?: number; minRun?: number } = {}): TextSegment[] {
  const minNewlines = options.minNewlines ?? 4;
  const minRun = options.minRun ?? 24;
  const out: TextSegment[] = [];
  let plain = "";
  for (let i = 0; i < text.length; ) {
    const ch = text[i]!;
    let j = i + 1;
    while (j < text.length && text[j] === ch) j++;
    const count = j - i;
    if (count >= (ch === "\n" ? minNewlines : minRun)) {
      if (plain) out.push({ text: plain });
      plain = "";
      out.push({ char: ch, count });
    } else plain += text.slice(i, j);
    i = j;
  }
  if (plain) out.push({ text: plain });
  return out;
}

/** Raw model text as escaped HTML with long runs compacted to a marker such as "⟨761 × newline⟩". */
export function compactRunsHtml(text: string, options: { minNewlines?: number; minRun?: number } = {}): string {
  return compactRuns(text, options)
    .map((seg) =>
      "text" in seg
        ? escapeHtml(seg.text)
        : `<span style="display:inline-block;background:#eef;color:#446;border-radius:3px;padding:0 4px;white-space:nowrap">⟨${seg.count} × ${escapeHtml(CHAR_NAMES[seg.char] ?? JSON.stringify(seg.char))}⟩</span>${seg.char === "\n" ? "\n" : ""}`,
    )
    .join("");
}
