import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { startFakeServer, type FakeServer } from "../fake-server/index.js";
import { setTestKeys, tempDir } from "./helpers.js";

setTestKeys();
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

/** Run the child; when `killAfter` answers are printed, SIGKILL it. Resolves with the printed lines. */
function runChild(args: string[], killAfter?: number, signal: NodeJS.Signals = "SIGKILL"): Promise<{ lines: string[]; killed: boolean; code: number | null }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, CHILD_SIGINT: signal === "SIGINT" ? "1" : "0" };
    const child = spawn(process.execPath, ["--import", "tsx", join(here, "child-run.ts"), ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    let buf = "";
    let err = "";
    let killed = false;
    child.stdout.on("data", (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (killAfter !== undefined && !killed && lines.filter((l) => l.startsWith("done")).length >= killAfter) {
          killed = true;
          child.kill(signal);
        }
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code, sig) => {
      if (!killed && code !== 0) reject(new Error(`child exited ${code ?? sig}: ${err}`));
      else resolve({ lines, killed, code });
    });
  });
}

describe("a run killed with SIGKILL mid-way", () => {
  let server: FakeServer;
  const tmp = tempDir();
  before(async () => {
    server = await startFakeServer({ latencyMs: 60 });
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  it("completes on rerun with no lost answer and no answered request sent twice", async () => {
    const n = 24;
    const concurrency = 3;
    const first = await runChild([server.openaiBaseURL, tmp.dir, String(n), String(concurrency)], 6);
    assert.ok(first.killed, "the child was killed mid-run");
    const answeredFirst = first.lines.filter((l) => l.startsWith("done")).map((l) => Number(l.split(" ")[1]));
    const sentFirst = server.requests.length;
    assert.ok(answeredFirst.length >= 6 && sentFirst < n, `first run: ${answeredFirst.length} answered, ${sentFirst} sent`);

    const second = await runChild([server.openaiBaseURL, tmp.dir, String(n), String(concurrency)]);
    const done = second.lines.filter((l) => l.startsWith("done"));
    assert.equal(done.length, n, "every request answered");
    const summary = JSON.parse(second.lines.find((l) => l.startsWith("summary "))!.slice(8));
    assert.equal(summary.failures, 0);
    // Everything the first run answered came from the cache.
    for (const i of answeredFirst) assert.ok(done.includes(`done ${i} cached`), `request ${i} answered in run 1 is cached in run 2`);

    // Server side: each prompt answered before the kill was sent exactly once; only calls in flight at the kill
    // (at most `concurrency`) may have been sent twice: their answers never reached the dead process.
    const counts = new Map<string, number>();
    for (const r of server.requests) counts.set(r.prompt, (counts.get(r.prompt) ?? 0) + 1);
    assert.equal(counts.size, n);
    for (const i of answeredFirst) assert.equal(counts.get(`crash test ${i}`), 1);
    const twice = [...counts.values()].filter((c) => c > 1).length;
    assert.ok(twice <= concurrency, `${twice} requests sent twice`);
    assert.equal(server.requests.length, n + twice);

    // The cache holds each answer once, every line parses.
    const lines = readFileSync(join(tmp.dir, "llm-calls.jsonl"), "utf8").split("\n").filter(Boolean);
    const keys = lines.map((l) => JSON.parse(l).k as string);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(keys.length, n);

    // A third run costs nothing.
    const before3 = server.requests.length;
    const third = await runChild([server.openaiBaseURL, tmp.dir, String(n), String(concurrency)]);
    assert.equal(third.lines.filter((l) => l.endsWith("cached")).length, n);
    assert.equal(server.requests.length, before3);
  });

  it("Ctrl-C (SIGINT) stops the run cleanly: summary printed, every answer received is cached", async () => {
    const dir = join(tmp.dir, "sigint");
    const first = await runChild([server.openaiBaseURL, dir, "30", "2"], 4, "SIGINT");
    assert.equal(first.code, 0, "exits normally after the clean stop");
    const summaryLine = first.lines.find((l) => l.startsWith("summary "));
    assert.ok(summaryLine, "runAll returned a summary");
    const summary = JSON.parse(summaryLine!.slice(8));
    assert.equal(summary.stopped, "aborted");
    assert.ok(summary.skipped > 0);
    const answered = first.lines.filter((l) => l.startsWith("done")).length;
    const cached = readFileSync(join(dir, "llm-calls.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(cached.length, answered);
    const second = await runChild([server.openaiBaseURL, dir, "30", "2"]);
    assert.equal(second.lines.filter((l) => l.endsWith("cached")).length, answered);
    assert.equal(second.lines.filter((l) => l.startsWith("done")).length, 30);
  });
});
