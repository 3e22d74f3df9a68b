/** `alpacare dedup`: exact Rouge-L near-duplicate filtering of a JSON/JSONL file (the paper's section 3). */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { progress, writeJsonl } from "../../core/index.js";
import { dedup, readDedupTexts, type DedupItem, type DedupNeighbour, type DedupPolicy } from "../../dedup/index.js";
import { UsageError, type Command } from "../command.js";

const help = `alpacare dedup --input FILE --field NAME --out OUT.jsonl [--policy all-pairs|incremental] [--threshold 0.7]
               [--pool FILE [--pool-field NAME]] [--stem] [--top-k K] [--threads N] [--quiet]

Near-duplicate filtering by Rouge-L F-measure, exactly as rouge_score computes it (lowercase, [a-z0-9] tokens,
LCS, F = 2PR/(P+R) in rouge_score's float order), with exact maxima: the same verdicts as comparing every pair.

Policies:
  all-pairs     (default; the paper's / AlpaCare's filter.py) drop an item when its Rouge-L to ANY other item, or
                to any pool item, is > threshold. Both members of a near-duplicate pair are dropped.
  incremental   (self-instruct / Alpaca) walk the items in order, compare each with the pool plus the items kept
                so far, keep it when the maximum is <= threshold.

Flags:
  --input FILE       JSON array of records or JSONL (one record per line)
  --field NAME       the string field to compare (dot path allowed, e.g. task.instruction)
  --out FILE         output JSONL, one line per input record, in input order:
                     {"index","kept","maxSimilarity","nearest","topK"?}; "nearest" is the input index of the most
                     similar other item (smallest index on ties), or null with "nearestPool" when it is a pool item
  --policy P         all-pairs (default) | incremental
  --threshold T      drop when the maximum is strictly greater than T (default 0.7)
  --pool FILE        texts to compare against but never drop (e.g. the seed tasks), same formats
  --pool-field NAME  field of the pool records (default: --field)
  --stem             Porter-stem tokens longer than 3 characters (rouge_score use_stemmer=True; the paper: off)
  --top-k K          also write the K most similar items per record ("topK": [{"index"|"pool", "similarity"}])
  --threads N        worker threads for all-pairs (default: all cores for 2,000+ items)
  --quiet            no progress bar, only the summary line

Example:
  alpacare dedup --input data/raw/medquad/medquad_questions.jsonl --field question --out medquad-dedup.jsonl`;

/** The output record of one item. */
function outputRecord(item: DedupItem): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    index: item.index,
    kept: item.kept,
    maxSimilarity: item.maxSimilarity,
    nearest: item.nearest?.source === "input" ? item.nearest.index : null,
  };
  if (item.nearest?.source === "pool") rec.nearestPool = item.nearest.index;
  if (item.topK)
    rec.topK = item.topK.map((n: DedupNeighbour) =>
      n.source === "input" ? { index: n.index, similarity: n.similarity } : { pool: n.index, similarity: n.similarity },
    );
  return rec;
}

const command: Command = {
  summary: "exact Rouge-L near-duplicate filtering (all-pairs or incremental) of a JSON/JSONL file",
  help,
  async run(argv) {
    // Bad flags throw ERR_PARSE_ARGS_* errors, which the CLI reports as usage errors.
    const { values } = parseArgs({
      args: argv,
      options: {
        input: { type: "string" },
        field: { type: "string" },
        out: { type: "string" },
        policy: { type: "string", default: "all-pairs" },
        threshold: { type: "string", default: "0.7" },
        pool: { type: "string" },
        "pool-field": { type: "string" },
        stem: { type: "boolean", default: false },
        "top-k": { type: "string" },
        threads: { type: "string" },
        quiet: { type: "boolean", short: "q", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.input) throw new UsageError("--input FILE is required");
    if (!values.field) throw new UsageError("--field NAME is required");
    if (!values.out) throw new UsageError("--out FILE is required");
    const policy = values.policy as DedupPolicy;
    if (policy !== "all-pairs" && policy !== "incremental") throw new UsageError(`--policy must be all-pairs or incremental, not "${values.policy}"`);
    const threshold = Number(values.threshold);
    if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) throw new UsageError(`--threshold must be a number in [0, 1], not "${values.threshold}"`);
    const topK = values["top-k"] === undefined ? 0 : Number(values["top-k"]);
    if (!Number.isInteger(topK) || topK < 0) throw new UsageError(`--top-k must be a non-negative integer, not "${values["top-k"]}"`);
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new UsageError(`--threads must be a positive integer, not "${values.threads}"`);
    if (values["pool-field"] && !values.pool) throw new UsageError("--pool-field needs --pool");
    // Writing the verdicts over the input (or the pool) would destroy it; compare real paths (symlinks, ./a vs a).
    for (const [flag, f] of [["--input", values.input], ["--pool", values.pool]] as const) {
      if (f !== undefined && samePath(f, values.out)) throw new UsageError(`--out ${values.out} is the ${flag} file: it would be overwritten; choose another --out`);
    }

    const texts = readDedupTexts(values.input, values.field);
    const pool = values.pool ? readDedupTexts(values.pool, values["pool-field"] ?? values.field) : undefined;
    // the bar is made on the first report, when the total (distinct texts to search, or items) is known
    const quiet = values.quiet;
    let bar: ReturnType<typeof progress> | undefined;
    let last = 0;
    const result = await dedup(texts, {
      policy,
      threshold,
      pool,
      stem: values.stem,
      topK,
      threads,
      onProgress: (done, total) => {
        bar ??= progress({ label: `dedup ${policy}`, total, unit: policy === "all-pairs" ? "texts" : "items", silent: quiet });
        bar.tick(done - last);
        last = done;
      },
    });
    bar?.done();
    writeJsonl(values.out, result.items.map(outputRecord));
    const s = result.stats;
    process.stderr.write(
      `dedup: ${result.items.length} items, kept ${result.kept}, dropped ${result.dropped} ` +
        `(${policy}, threshold ${threshold}${values.stem ? ", stemmed" : ""}${pool ? `, pool ${pool.length}` : ""}) ` +
        `in ${s.seconds.toFixed(2)}s; pairs scored ${s.pairsScored.toLocaleString("en-US")} of ${s.pairsImplied.toLocaleString("en-US")}, ` +
        `${s.threads} thread${s.threads === 1 ? "" : "s"} -> ${values.out}\n`,
    );
    return 0;
  },
};
export default command;

/** True when two paths name the same file (after resolving symlinks; a missing `b` is compared by its resolved path). */
function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}
