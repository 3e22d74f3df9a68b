/**
 * Run `alpacare <args>` in a child process without blocking the event loop, so a loopback fake server in the test's
 * own process can answer it (spawnSync would deadlock). Resolves with the exit code and the captured output.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (this file sits in test/). */
export const projectRootForTests = join(fileURLToPath(new URL(".", import.meta.url)), "..");

/** Run the CLI from source (through tsx) with extra environment variables. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(projectRootForTests, "src", "cli", "main.ts"), ...args], {
      cwd: projectRootForTests,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}
