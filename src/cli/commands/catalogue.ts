/** `alpacare catalogue`: which test sets, references and published model outputs are available. */
import { parseArgs } from "node:util";
import { dataCatalogue, type DataCatalogueEntry } from "../../data/index.js";
import { UsageError, type Command } from "../command.js";

const help = `alpacare catalogue [--json] [--no-count]

List every test set, reference set and published model output the workbench knows (from data/sources.json):
where it comes from (mirror / download = optional, not mirrored / missing), whether it is acquired in data/raw,
and its record count (each acquired file is loaded and validated; an invalid one shows its error).

Flags:
  --json       print the catalogue as JSON (one array of entries)
  --no-count   do not load files to count records (instant)

Example:
  alpacare catalogue --json > catalogue.json`;

function table(rows: DataCatalogueEntry[]): string {
  const head = ["kind", "name", "test set", "records", "source", "status", "note"];
  const body = rows.map((r) => [
    r.kind,
    r.name,
    r.testSet ?? "",
    r.count !== undefined ? String(r.count) : "",
    r.source,
    r.error ? "INVALID" : r.acquired ? "acquired" : r.source === "download" ? "not acquired (alpacare data --optional)" : "not acquired (alpacare data)",
    r.error ?? r.note ?? "",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (i === 6 ? 0 : b[i]!.length))));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [fmt(head), fmt(widths.map((w) => "-".repeat(Math.max(w, 4)))), ...body.map(fmt)].join("\n");
}

const command: Command = {
  summary: "list the test sets, references and published model outputs available (and acquired)",
  help,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: { json: { type: "boolean", default: false }, "no-count": { type: "boolean", default: false } }, strict: true }));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const rows = dataCatalogue({ count: !values["no-count"] });
    if (values.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    } else {
      process.stdout.write(table(rows) + "\n");
      const acquired = rows.filter((r) => r.acquired).length;
      const invalid = rows.filter((r) => r.error).length;
      process.stdout.write(`\n${rows.length} entries: ${acquired} acquired, ${rows.filter((r) => r.source === "download").length} optional downloads, ${invalid} invalid.\n`);
    }
    return rows.some((r) => r.error) ? 1 : 0;
  },
};
export default command;
