/** `alpacare export`: the generated dataset as Alpaca JSON + taxonomy JSONL + a dataset card. */
import { parseArgs } from "node:util";
import { UsageError, type Command } from "../command.js";
import { acquireRunLock } from "../../core/index.js";
import { exportDataset } from "../../generate/index.js";
import { requireGeneratedTasks } from "../run-checks.js";

const help = `alpacare export: write a generation run as a training dataset.

Usage: alpacare export [--run NAME] [--out DIR] [--name STEM] [--noinput empty|keep] [--include-unanswered] [--responder MODEL]

Writes DIR/STEM.json (Alpaca format: instruction, input, output, as MedInstruct-52k), DIR/STEM.jsonl (with id, type,
topic, view, difficulty, teacher, responder) and DIR/README.md (dataset card: counts, taxonomy, parameters, licence).

  --run NAME             the generation run (default: default)
  --responder MODEL      export only this responder's answers (needed when the run holds answers from several)
  --out DIR              output folder (default: data/runs/<run>/export)
  --name STEM            file stem (default: medinstruct)
  --noinput empty|keep   "<noinput>" becomes "" (default, what Alpaca-style trainers expect) or stays
  --include-unanswered   also export tasks without a response (output "")

Example:
  alpacare export --run medinstruct --out exports/medinstruct-repro
`;

const command: Command = {
  summary: "export a generation run as Alpaca JSON / JSONL with a dataset card",
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        run: { type: "string", default: "default" },
        out: { type: "string" },
        name: { type: "string" },
        noinput: { type: "string", default: "empty" },
        "include-unanswered": { type: "boolean", default: false },
        responder: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.noinput !== "empty" && values.noinput !== "keep") throw new UsageError("--noinput must be empty or keep");
    if (!/^[A-Za-z0-9._-]+$/.test(values.run)) throw new UsageError(`--run ${JSON.stringify(values.run)}: use letters, digits, '.', '_' or '-'`);
    requireGeneratedTasks(values.run);
    // Export reads the run (and by default writes into it): one writer per run, and a consistent snapshot.
    const release = await acquireRunLock(values.run, { what: "export" });
    let s: ReturnType<typeof exportDataset>;
    try {
      s = exportDataset({ run: values.run, outDir: values.out, name: values.name, noinput: values.noinput, requireOutput: !values["include-unanswered"], responder: values.responder });
    } finally {
      release();
    }
    process.stdout.write(`exported ${s.records} records (${s.tasksWithoutResponse} tasks without a response${values["include-unanswered"] ? ", included" : ", left out"})\n`);
    for (const f of Object.values(s.files)) process.stdout.write(`  ${f}\n`);
    return 0;
  },
};
export default command;
