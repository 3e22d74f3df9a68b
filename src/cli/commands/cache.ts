/** `alpacare cache stats|clear`: inspect or empty the persistent LLM call cache. */
import { parseArgs } from "node:util";
import { cacheDir } from "../../core/index.js";
import { clearCache, costUsd, openCache, priceOf, priceTable } from "../../llm/index.js";
import { UsageError, type Command } from "../command.js";

const help = `alpacare cache stats [--json]     what the LLM call cache holds
alpacare cache clear --yes       delete it (every cached answer would be paid again)

The cache (data/cache/llm-calls.jsonl, or ALPACARE_CACHE_DIR) stores every successful model answer, keyed by the
SHA-256 of the full request (provider, model, base URL, every decoding parameter, messages, tag). Reruns are free.

Flags:
  --json     machine-readable stats
  --yes      confirm clearing

Example:
  alpacare cache stats
`;

const command: Command = {
  summary: "inspect (stats) or empty (clear --yes) the LLM call cache",
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: "boolean" }, yes: { type: "boolean" } } });
    const sub = positionals[0] ?? "stats";
    if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
    if (sub === "clear") {
      if (!values.yes) throw new UsageError("cache clear deletes every cached answer; add --yes to confirm");
      const n = clearCache();
      process.stdout.write(`cleared ${cacheDir()} (${n} file${n === 1 ? "" : "s"} removed)\n`);
      return 0;
    }
    if (sub !== "stats") throw new UsageError(`unknown subcommand ${JSON.stringify(sub)} (stats | clear)`);
    const cache = openCache();
    const s = cache.stats();
    cache.close();
    const prices = priceTable();
    const rows = s.byModel.map((r) => {
      const price = priceOf(r.provider, r.model, prices);
      return { ...r, usdValue: costUsd(price, r), priced: price !== undefined };
    });
    const usdValue = rows.reduce((a, r) => a + r.usdValue, 0);
    if (values.json) {
      process.stdout.write(JSON.stringify({ ...s, usdValue, byModel: rows }, null, 2) + "\n");
      return 0;
    }
    const lines = [
      `cache: ${s.file}`,
      `records: ${s.records}  size: ${(s.bytes / 1e6).toFixed(2)} MB  tokens: ${s.inputTokens} in + ${s.outputTokens} out` +
        (s.skippedLines ? `  skipped lines (torn writes): ${s.skippedLines}` : ""),
      `value at list price (what each full rerun saves): $${usdValue.toFixed(4)}`,
    ];
    if (rows.length) {
      lines.push("", `${"provider".padEnd(18)} ${"model".padEnd(40)} ${"records".padStart(8)} ${"in tok".padStart(10)} ${"out tok".padStart(10)} ${"$ value".padStart(10)}`);
      for (const r of rows)
        lines.push(`${r.provider.padEnd(18)} ${r.model.slice(0, 40).padEnd(40)} ${String(r.records).padStart(8)} ${String(r.inputTokens).padStart(10)} ${String(r.outputTokens).padStart(10)} ${(r.priced ? r.usdValue.toFixed(4) : "?").padStart(10)}`);
    }
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  },
};
export default command;
