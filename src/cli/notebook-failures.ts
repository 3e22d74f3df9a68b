/**
 * Reading a failure out of an executed notebook: the first cell the kernel answered with an error, the one line that
 * says what went wrong (tslab puts it in the cell's stderr, not in an error output), and that failure as text. Pure
 * over the saved .ipynb JSON; the runner (notebooks-runner.ts) executes and calls these.
 */

/** Where and why a notebook failed. */
export interface CellFailure {
  /** Notebook file name, e.g. `01-seed-analysis.ipynb`. */
  notebook: string;
  /** 1-based position of the cell among all cells (markdown included), as counted top to bottom in Jupyter. */
  cell: number;
  /** 1-based position among code cells only. */
  codeCell: number;
  /** The first line of the cell's source, to find it quickly. */
  firstLine: string;
  /** The error message (the compiler diagnostic or the `Error: ...` line of a stack trace). */
  message: string;
  /** Everything the cell wrote to stderr (and any error output), for the full story. */
  detail: string;
}

/** Minimal shape of a saved notebook as far as the runner cares. */
export interface NotebookJson {
  cells: {
    cell_type: string;
    source: string | string[];
    metadata?: { alpacare?: { status?: string | null; ename?: string | null; evalue?: string | null } };
    outputs?: { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string; traceback?: string[] }[];
  }[];
}

/**
 * The first failing cell of an executed notebook: the cell the kernel answered with status `error` (stamped by the
 * runner's hook), else (for notebooks executed without the hook) the first cell with an `error` output.
 */
export function findFirstFailure(nb: NotebookJson, notebook = "notebook"): CellFailure | undefined {
  let codeCell = 0;
  for (let i = 0; i < nb.cells.length; i++) {
    const cell = nb.cells[i]!;
    if (cell.cell_type !== "code") continue;
    codeCell++;
    const outputs = cell.outputs ?? [];
    const status = cell.metadata?.alpacare?.status;
    const errorOutputs = outputs.filter((o) => o.output_type === "error");
    if (status !== "error" && errorOutputs.length === 0) continue;
    const stderr = outputs
      .filter((o) => o.output_type === "stream" && o.name === "stderr")
      .map((o) => joinText(o.text))
      .join("");
    const errText = errorOutputs
      .map((o) => [`${o.ename ?? ""}: ${o.evalue ?? ""}`, ...(o.traceback ?? []).map(stripAnsi)].join("\n"))
      .join("\n");
    const meta = cell.metadata?.alpacare;
    const detail = [stderr.trim(), errText.trim(), meta?.ename || meta?.evalue ? `${meta.ename ?? ""}: ${meta.evalue ?? ""}` : ""]
      .filter(Boolean)
      .join("\n");
    const source = joinText(cell.source);
    return {
      notebook,
      cell: i + 1,
      codeCell,
      firstLine: source.split("\n").find((l) => l.trim() !== "")?.trim() ?? "",
      message: errorMessage(stderr, errorOutputs, meta) || "the kernel reported an error with no message",
      detail,
    };
  }
  return undefined;
}

/** Pick the one line that says what went wrong: a tslab diagnostic (`1:7 - ...`), an `XxxError: ...` line, or the first line. */
function errorMessage(
  stderr: string,
  errorOutputs: { ename?: string; evalue?: string }[],
  meta?: { ename?: string | null; evalue?: string | null },
): string {
  const lines = stripAnsi(stderr).split("\n").map((l) => l.trim()).filter(Boolean);
  const diagnostics = lines.filter((l) => /^\d+:\d+ - /.test(l));
  if (diagnostics.length) return diagnostics.join("; ");
  const thrown = lines.find((l) => /^([A-Za-z_$][\w$.]*(Error|Exception)|Error|Uncaught\b.*)(:|$)/.test(l));
  if (thrown) return thrown;
  const out = errorOutputs.find((o) => o.evalue || o.ename);
  if (out) return `${out.ename ?? "Error"}: ${out.evalue ?? ""}`.trim();
  if (meta?.evalue || meta?.ename) return `${meta.ename ?? "Error"}: ${meta.evalue ?? ""}`;
  return lines[0] ?? "";
}

/** One failure as text: `01-x.ipynb, cell 5 (code cell 3: \`const a = ...\`): message`. */
export function describeCell(f: CellFailure): string {
  const lines = f.detail
    .split("\n")
    .filter((l) => !/node_modules[\\/]tslab|\(node:|node:vm|sigintHandlersWrap|^\s*at async /.test(l));
  const shown = lines.length > 14 ? [...lines.slice(0, 14), "..."] : lines;
  const detail = f.detail && f.detail.trim() !== f.message ? `\n${indent(shown.join("\n").trimEnd())}` : "";
  return `${f.notebook}, cell ${f.cell} (code cell ${f.codeCell}: \`${truncate(f.firstLine, 80)}\`): ${f.message}${detail}`;
}

/** A notebook's text field (a string or a list of lines) as one string. */
export function joinText(t: string | string[] | undefined): string {
  return Array.isArray(t) ? t.join("") : (t ?? "");
}

/** Text without ANSI colour codes (tracebacks come coloured). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
}

/** The last `lines` lines of a tool's output, colour codes stripped ("..." above when cut). */
export function tail(s: string, lines: number): string {
  const all = stripAnsi(s).trimEnd().split("\n");
  return (all.length > lines ? ["...", ...all.slice(-lines)] : all).join("\n");
}

/** Indent every line by four spaces (a failure's detail under its heading). */
export function indent(s: string): string {
  return s
    .split("\n")
    .map((l) => "    " + l)
    .join("\n");
}

/** At most `n` characters, an ellipsis marking the cut. */
export function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}
