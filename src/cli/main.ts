/**
 * `alpacare <command> [flags]`: the scripted face of the library. Commands are loaded lazily so `--help` is instant
 * and a command's heavy dependencies (node-llama-cpp, Chromium) load only when it runs.
 */
import { pathToFileURL } from "node:url";
import { InputError, WriteError, fsErrorText, RunLockedError } from "../core/index.js";
import { LlmAbortError, LlmAuthError, LlmBudgetError, LlmModelUnavailableError, LlmRequestError, LlmRetryableError } from "../llm/index.js";
import { UsageError, type Command } from "./command.js";

/** Every command, in the order of the paper's pipeline. */
export const commands: Record<string, () => Promise<{ default: Command }>> = {
  data: () => import("./commands/data.js"),
  catalogue: () => import("./commands/catalogue.js"),
  dedup: () => import("./commands/dedup.js"),
  "generate-tasks": () => import("./commands/generate-tasks.js"),
  "generate-responses": () => import("./commands/generate-responses.js"),
  export: () => import("./commands/export.js"),
  infer: () => import("./commands/infer.js"),
  judge: () => import("./commands/judge.js"),
  score: () => import("./commands/score.js"),
  figures: () => import("./commands/figures.js"),
  cache: () => import("./commands/cache.js"),
  models: () => import("./commands/models.js"),
  notebooks: () => import("./commands/notebooks.js"),
};

/** Top-level help: the command list with summaries. */
export async function mainHelp(): Promise<string> {
  const lines = [
    "alpacare: reproduce, check and extend the AlpaCare paper from the command line.",
    "",
    "Usage: alpacare <command> [flags]     alpacare <command> --help",
    "",
    "Commands:",
  ];
  for (const [name, load] of Object.entries(commands)) {
    const { default: cmd } = await load();
    lines.push(`  ${name.padEnd(20)} ${cmd.summary}`);
  }
  lines.push("", "Keys come from the environment only (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...).");
  return lines.join("\n");
}

/** Run the CLI with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write((await mainHelp()) + "\n");
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`alpacare: unknown command "${name}". Run \`alpacare --help\` for the list.\n`);
    return 2;
  }
  const { default: cmd } = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(cmd.help.trimEnd() + "\n");
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    // node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed flags: usage errors.
    const parseArgsError = typeof (e as { code?: unknown })?.code === "string" && (e as { code: string }).code.startsWith("ERR_PARSE_ARGS");
    if (e instanceof UsageError || parseArgsError) {
      process.stderr.write(`alpacare ${name}: ${(e as Error).message}\nRun \`alpacare ${name} --help\` for usage.\n`);
      return 2;
    }
    // A bad input file, a failed write (names the file and the OS error), a run held by another writer (names the
    // holder): one line, never a stack trace.
    if (e instanceof InputError || e instanceof WriteError || e instanceof RunLockedError) {
      process.stderr.write(`alpacare ${name}: ${e.message}\n`);
      return 1;
    }
    // A missing or rejected key, a spent budget, a refused request, Ctrl-C: the message says it all (it names the
    // key's environment variable, the endpoint, the limit); a stack trace would only hide it.
    if (e instanceof LlmAuthError || e instanceof LlmBudgetError || e instanceof LlmRequestError || e instanceof LlmRetryableError || e instanceof LlmAbortError || e instanceof LlmModelUnavailableError) {
      process.stderr.write(`alpacare ${name}: ${e.message}\n`);
      return 1;
    }
    // Anything else: one readable line; the stack only on request (bug reports), since most are still user-facing
    // (a run started with other options, a file of the wrong kind).
    if (process.env.ALPACARE_DEBUG) throw e;
    // An OS error that escaped without naming its file (EISDIR on read has no path in its message): name it here.
    const os = e as { code?: unknown; path?: unknown };
    const text = typeof os?.code === "string" && typeof os.path === "string" ? `${os.path}: ${fsErrorText(e)}` : e instanceof Error ? e.message : String(e);
    process.stderr.write(`alpacare ${name}: ${text}\n(set ALPACARE_DEBUG=1 for the stack trace)\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`alpacare: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
