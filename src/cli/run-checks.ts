/** Checks the CLI makes on a run store before a command works on it, so a typo in `--run` fails loudly. */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { InputError } from "../core/index.js";
import { taskRunFiles } from "../generate/index.js";

/**
 * `generate-responses` and `export` read a generation run's kept tasks; without them they would "succeed" on
 * nothing (and create the run folder). Throws an {@link InputError} naming the file and the command that makes it.
 */
export function requireGeneratedTasks(run: string): void {
  const f = taskRunFiles(run);
  if (existsSync(f.tasks) || existsSync(join(f.dir, "filtered.jsonl"))) return;
  const where = relative(process.cwd(), f.tasks) || f.tasks;
  const started = existsSync(f.config);
  throw new InputError(
    { file: where.startsWith("..") ? f.tasks : where },
    started
      ? `run "${run}" has no kept tasks yet (its teacher's tasks were all rejected or it was stopped early): rerun \`alpacare generate-tasks --run ${run} ...\` with the same options`
      : `no generation run "${run}" (nothing in ${relative(process.cwd(), f.dir) || f.dir}): run \`alpacare generate-tasks --run ${run} --target N\` first, or check --run`,
  );
}
