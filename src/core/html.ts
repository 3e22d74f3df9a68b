/**
 * HTML text primitives shared by every stage that writes HTML (figure pages, the gallery, notebook tables, progress
 * bars): escaping for HTML and for Plotly's pseudo-HTML, JSON safe inside `<script>`, and the one table renderer
 * (`tableHtml`) that notebooks and exports use.
 */

/** Escape text for HTML content and attribute values (`& < > " '`). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * Escape text for Plotly's pseudo-HTML (titles, annotations, hover templates): only `& < >`. Plotly decodes a short
 * list of named entities that does not include `&quot;`, so {@link escapeHtml} would show quotes as "&quot;".
 */
export function escapePlotlyText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** JSON for embedding inside a `<script>`: `</script>` and U+2028/9 cannot end or break the script. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Something table-shaped: a danfojs DataFrame (`columns` + `values`), or an array of plain records. */
export type TableLike = { columns: readonly (string | number)[]; values: readonly (readonly unknown[])[] } | readonly Record<string, unknown>[];

/** Options for {@link tableHtml}. */
export interface TableHtmlOptions {
  /** Show at most this many rows (the rest are counted in a note). Default 50. */
  maxRows?: number;
  /** A caption above the table. */
  caption?: string;
  /** Decimal places for non-integer numbers. Default 2. */
  digits?: number;
}

/** A compact HTML table (numbers right-aligned). */
export function tableHtml(table: TableLike, options: TableHtmlOptions = {}): string {
  let columns: string[];
  let rows: unknown[][];
  if (Array.isArray(table)) {
    const records = table as readonly Record<string, unknown>[];
    columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
    rows = records.map((r) => columns.map((c) => r[c]));
  } else {
    const t = table as { columns: readonly (string | number)[]; values: readonly (readonly unknown[])[] };
    columns = t.columns.map(String);
    rows = t.values.map((r) => (Array.isArray(r) ? [...r] : [r]));
  }
  const maxRows = options.maxRows ?? 50;
  const digits = options.digits ?? 2;
  const cell = (v: unknown) => {
    if (typeof v === "number") {
      const s = Number.isInteger(v) ? String(v) : v.toFixed(digits);
      return `<td style="text-align:right">${s}</td>`;
    }
    if (Array.isArray(v)) return `<td>${escapeHtml(v.join(", "))}</td>`;
    return `<td style="text-align:left;white-space:normal;overflow-wrap:anywhere;min-width:6em">${escapeHtml(v === undefined || v === null ? "" : String(v))}</td>`;
  };
  const head = columns.map((c) => `<th style="text-align:left">${escapeHtml(c)}</th>`).join("");
  const body = rows
    .slice(0, maxRows)
    .map((r) => `<tr>${r.map(cell).join("")}</tr>`)
    .join("\n");
  const more = rows.length > maxRows ? `<p style="color:#666;font-size:0.85em">… ${rows.length - maxRows} more rows (${rows.length} in all)</p>` : "";
  const caption = options.caption ? `<caption style="caption-side:top;text-align:left;font-weight:bold;padding-bottom:4px">${escapeHtml(options.caption)}</caption>` : "";
  // A wide table scrolls sideways inside its own box (never clipped by the output area); long text cells wrap.
  return `<div class="alpacare-table" style="max-width:100%;overflow-x:auto"><table style="border-collapse:collapse;font-size:0.9em">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>${more}`;
}
