/** `alpacare data`: acquire and verify every upstream file into data/raw/. */
import { parseArgs } from "node:util";
import { acquireData } from "../../data/index.js";
import { UsageError, type Command } from "../command.js";

const help = `alpacare data [--only PATTERN] [--mirror DIR | --no-mirror] [--optional] [--verify] [--base-url URL] [--quiet]

Acquire every file listed in data/sources.json into data/raw/<mirrorPath> (git-ignored), verifying each by its git
blob SHA-1. Source order: already present and verified -> the mirror directory -> download from the raw URL.
A mismatching or partial file is refused and removed; a present, verified file is not fetched again.

Flags:
  --only PATTERN   only files whose path matches (glob with * and **, or a substring), e.g. "reference_outputs"
  --mirror DIR     mirror to copy from (default: ALPACARE_DATA_MIRROR, else shared/data beside the project folder when it exists)
  --no-mirror      ignore any mirror; download everything
  --optional       also download the optional files that are not mirrored (MedInstruct-52k and 5 large model outputs)
  --verify         re-hash every present file (default: trust files verified before, while size and mtime match)
  --base-url URL   download from URL/<repository>/<commit>/<path> (default: ALPACARE_DATA_BASE_URL, else GitHub raw)
  --quiet          print only the summary line (and errors)

Exit code 0 when every selected file is verified, 1 when any failed or when --only selects no file.

Example:
  alpacare data --only "alpacare/data/model_ouputs/AlpaCare-7b/**" --verify`;

const command: Command = {
  summary: "acquire and verify the upstream data into data/raw/ (mirror or download)",
  help,
  async run(argv) {
    // Bad flags throw ERR_PARSE_ARGS_* errors, which the CLI reports as usage errors.
    const { values } = parseArgs({
      args: argv,
      options: {
        only: { type: "string" },
        mirror: { type: "string" },
        "no-mirror": { type: "boolean", default: false },
        optional: { type: "boolean", default: false },
        verify: { type: "boolean", default: false },
        "base-url": { type: "string" },
        quiet: { type: "boolean", short: "q", default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.mirror !== undefined && values["no-mirror"]) throw new UsageError("--mirror and --no-mirror exclude each other");
    const result = await acquireData({
      only: values.only,
      mirror: values["no-mirror"] ? null : values.mirror,
      optional: values.optional,
      verify: values.verify,
      baseUrl: values["base-url"],
      quiet: values.quiet,
    });
    // A pattern that selects nothing is almost always a typo: "0 files verified" must not read as success.
    if (values.only !== undefined && result.files.length === 0) return 1;
    return result.ok ? 0 : 1;
  },
};
export default command;
