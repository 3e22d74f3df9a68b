/** Test helper: another process that holds a folder's writer lock (core/lock.ts) until killed. */
import { spawn } from "node:child_process";

/** A child process that takes the lock of `dir`, prints "locked", and waits to be killed. */
export function holdLockInChild(dir: string): Promise<{ pid: number; kill: (sig: NodeJS.Signals) => Promise<void> }> {
  const script = `import { acquireDirLock } from ${JSON.stringify(new URL("../../src/core/lock.ts", import.meta.url).href)};
await acquireDirLock(${JSON.stringify(dir)}, "held", { what: "test holder" });
process.stdout.write("locked\\n");
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("locked")) resolve({ pid: child.pid!, kill: (sig) => new Promise((r) => { child.once("exit", () => r()); child.kill(sig); }) });
    });
    child.once("exit", (code) => reject(new Error(`holder exited early (${code})`)));
  });
}
