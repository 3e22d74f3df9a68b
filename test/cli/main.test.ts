import { strict as assert } from "node:assert";
import { after, describe, it } from "node:test";
import { InputError } from "../../src/core/index.js";
import { LlmAuthError, LlmBudgetError } from "../../src/llm/index.js";
import { UsageError, type Command } from "../../src/cli/command.js";
import { commands, main } from "../../src/cli/main.js";

/** Run main() on a throwaway command that throws `error`; capture stderr and the exit code. */
async function runThrowing(error: unknown, env: Record<string, string | undefined> = {}): Promise<{ code: number | "threw"; stderr: string; thrown?: unknown }> {
  const cmd: Command = { summary: "test", help: "test", run: async () => { throw error; } };
  commands["qa-throw"] = async () => ({ default: cmd });
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  let stderr = "";
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { code: await main(["qa-throw"]), stderr };
  } catch (e) {
    return { code: "threw", stderr, thrown: e };
  } finally {
    process.stderr.write = write;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe("CLI error reporting (no stack traces for user-facing errors)", () => {
  after(() => {
    delete commands["qa-throw"];
  });

  it("usage errors: message + help hint, exit 2", async () => {
    const r = await runThrowing(new UsageError("--x is required"));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^alpacare qa-throw: --x is required\nRun `alpacare qa-throw --help` for usage\.\n$/);
  });

  it("input errors: the located message, exit 1", async () => {
    const r = await runThrowing(new InputError({ file: "a.jsonl", line: 3, field: "instruction" }, "missing field"));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'alpacare qa-throw: a.jsonl:3, field "instruction": missing field\n');
  });

  it("a missing key: one line naming the environment variable, no stack, exit 1", async () => {
    const r = await runThrowing(new LlmAuthError("openai: no API key: the environment variable OPENAI_API_KEY is not set", "OPENAI_API_KEY"));
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "alpacare qa-throw: openai: no API key: the environment variable OPENAI_API_KEY is not set\n");
    const b = await runThrowing(new LlmBudgetError("budget of $1 reached"));
    assert.equal(b.code, 1);
    assert.doesNotMatch(b.stderr, /\n\s+at /);
  });

  it("any other error: one line and a hint, no stack; ALPACARE_DEBUG=1 rethrows it (stack for bug reports)", async () => {
    const e = new Error('run "x" was started with a different configuration');
    const r = await runThrowing(e, { ALPACARE_DEBUG: undefined });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'alpacare qa-throw: run "x" was started with a different configuration\n(set ALPACARE_DEBUG=1 for the stack trace)\n');
    const d = await runThrowing(e, { ALPACARE_DEBUG: "1" });
    assert.equal(d.code, "threw");
    assert.equal(d.thrown, e);
  });
});
