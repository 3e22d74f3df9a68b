/** Shared setup for the generate tests: a temporary data dir that sees the acquired data/raw, and the fake teacher. */
import { after, before } from "node:test";
import { mkdtempSync, rmSync, symlinkSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { projectRoot } from "../../src/core/index.js";
import { startFakeServer, type FakeRequest, type FakeServer } from "../fake-server/index.js";
import { fakeTeacherCompletion } from "./fake-teacher.js";

/** A temp folder used as ALPACARE_DATA_DIR, with `raw` linked to the project's acquired data. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "alpacare-gen-"));
  const raw = join(projectRoot, "data", "raw");
  if (existsSync(raw)) symlinkSync(raw, join(dir, "raw"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Faults by prompt: about 1 in 3 requests gets a 429 first, 1 in 4 of the rest a 500 (each only on its first attempt). */
export function faultFor(req: FakeRequest): "429" | "500" | undefined {
  if (req.attempt !== 1) return undefined;
  const b = createHash("sha256").update(req.prompt).digest();
  if (b[1]! % 3 === 0) return "429";
  if (b[2]! % 4 === 0) return "500";
  return undefined;
}

/** A fake teacher server that counts successful answers per body hash. */
export async function startTeacherServer(latencyMs = 2): Promise<FakeServer & { answered: Map<string, number> }> {
  const answered = new Map<string, number>();
  const server = await startFakeServer({
    latencyMs,
    respond: (r) => {
      const f = faultFor(r);
      if (f === "429") return { fault: "429", retryAfterMs: 5 };
      if (f === "500") return { fault: "500" };
      answered.set(r.hash, (answered.get(r.hash) ?? 0) + 1);
      return fakeTeacherCompletion(r.prompt);
    },
  });
  return Object.assign(server, { answered });
}

/** The raw lines of a JSONL file. */
export function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "") : [];
}

/**
 * Register before/after hooks for a test file that generates tasks against the fake teacher: a temporary data folder
 * (`ALPACARE_DATA_DIR`), a test key and the server, all restored afterwards. The returned object is filled in `before`.
 */
export function useTeacherServer(): { tmp: { dir: string; cleanup: () => void }; server: Awaited<ReturnType<typeof startTeacherServer>> } {
  const ctx = {} as ReturnType<typeof useTeacherServer>;
  const saved = { data: process.env.ALPACARE_DATA_DIR, key: process.env.OPENAI_API_KEY };
  before(async () => {
    ctx.tmp = tempDataDir();
    process.env.ALPACARE_DATA_DIR = ctx.tmp.dir;
    process.env.OPENAI_API_KEY = "test-key";
    ctx.server = await startTeacherServer();
  });
  after(async () => {
    await ctx.server.close();
    ctx.tmp.cleanup();
    if (saved.data === undefined) delete process.env.ALPACARE_DATA_DIR;
    else process.env.ALPACARE_DATA_DIR = saved.data;
    if (saved.key === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = saved.key;
  });
  return ctx;
}

