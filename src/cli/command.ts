/** What a CLI command module exports. Each command lives in `src/cli/commands/<name>.ts`. */
export interface Command {
  /** One line for `alpacare --help`. */
  summary: string;
  /** Full `--help` text: usage, flags with defaults, an example. */
  help: string;
  /** Run with the arguments after the command name; resolve to the exit code. */
  run(argv: string[]): Promise<number>;
}

/** Thrown for bad command-line usage: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
