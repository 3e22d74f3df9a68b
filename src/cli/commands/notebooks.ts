/** `alpacare notebooks`: execute every notebook headless, in order, and fail on the first failing cell. */
import { parseArgs } from "node:util";
import { UsageError, type Command } from "../command.js";
import { describeFailure, runNotebooks } from "../notebooks-runner.js";

const help = `alpacare notebooks [--only 01,03] [--timeout S] [--keep-going] [--no-html]

Execute notebooks/NN-*.ipynb in number order with Jupyter's nbconvert and the project's tslab kernel
(registered by \`npm run setup\` under .jupyter/). Executed copies and HTML renders go to notebooks/executed/
(git-ignored). The first failing cell stops the run and is reported with notebook, cell number and message.
The library is used as built: run \`npm run build\` after changing src/ (\`npm run notebooks\` does both).

Flags:
  --only LIST     comma-separated notebook numbers or file names (default: all)
  --timeout S     per-cell timeout in seconds (default 1800)
  --keep-going    run the remaining notebooks after a failure (exit code is still 1)
  --no-html       skip the HTML renders

Example:
  alpacare notebooks --only 01,03 --timeout 600
`;

const command: Command = {
  summary: "execute the notebooks headless in order (nbconvert + tslab); fail on the first failing cell",
  help,
  async run(argv) {
    // Bad flags throw ERR_PARSE_ARGS_* errors, which the CLI reports as usage errors.
    const { values } = parseArgs({
      args: argv,
      options: {
        only: { type: "string" },
        timeout: { type: "string" },
        "keep-going": { type: "boolean", default: false },
        "no-html": { type: "boolean", default: false },
      },
      allowPositionals: false,
    });
    let timeoutSec: number | undefined;
    if (values.timeout !== undefined) {
      timeoutSec = Number(values.timeout);
      if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got ${JSON.stringify(values.timeout)}`);
    }
    const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
    let results;
    try {
      results = await runNotebooks({ only, timeoutSec, keepGoing: values["keep-going"], html: !values["no-html"] });
    } catch (e) {
      if (e instanceof Error && e.message.startsWith("no notebook matches")) throw new UsageError(e.message);
      throw e;
    }
    const failed = results.filter((r) => !r.ok);
    if (failed.length) {
      process.stderr.write(`\nalpacare notebooks: failed\n${failed.map(describeFailure).join("\n\n")}\n`);
      return 1;
    }
    return 0;
  },
};
export default command;
