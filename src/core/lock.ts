/**
 * One writer per run: every command and library call that writes into `data/runs/<run>/` holds the run's lock for
 * as long as it writes, and the shared LLM cache takes a short lock around each append. A second writer fails at
 * once, naming the run, the holder's process id and start time; readers (score, figures) never lock.
 *
 * The lock itself is `proper-lockfile` (an atomic `mkdir` of `<run>/.lock`, kept fresh by the holder and released on
 * exit, Ctrl-C and errors through its exit hook): a well-kept library instead of a home-made protocol, because the
 * corner cases (mtime precision, compromised locks, cleanup on exit) are exactly where home-made locks break.
 * On top of it the holder records who it is in `<run>/.lock-holder.json` so that (a) the refusal can name the holder
 * and (b) a lock left by a process that no longer exists (SIGKILL, power loss: checked by process id and boot id on
 * this host) is taken over at once with a note, instead of waiting for the lock to go stale.
 *
 * Taking the lock also repairs the torn tail of every JSONL file in the folder (core/jsonl.ts): no other writer can
 * be mid-append then.
 *
 * Within one process the lock is re-entrant (a CLI command and the library call it makes share it).
 */
import { existsSync, readdirSync, readFileSync, rmSync, rmdirSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { WriteError, fsErrorText } from "./errors.js";
import { repairTornTail, writeFileAtomic } from "./jsonl.js";
import { runDir } from "./paths.js";

/** Who holds a lock, as recorded in `.lock-holder.json`. */
export interface LockHolder {
  pid: number;
  host: string;
  /** Linux boot id: a different one means the holder died with the machine. */
  boot?: string;
  /** ISO time the lock was taken. */
  since: string;
  /** What holds it (command line or library call). */
  what: string;
}

/** A second writer was refused: another live process holds the run's lock. */
export class RunLockedError extends Error {
  readonly run: string;
  readonly holder?: LockHolder;
  constructor(run: string, dir: string, holder: LockHolder | undefined) {
    const who = holder ? `process ${holder.pid}${holder.host !== hostname() ? ` on ${holder.host}` : ""} (${holder.what}, since ${holder.since})` : "another process (no holder record yet)";
    super(`run "${run}" is in use by ${who}: one writer per run. Wait for it to finish, or use another --run (lock: ${join(dir, ".lock")})`);
    this.name = "RunLockedError";
    this.run = run;
    this.holder = holder;
  }
}

/** Options for {@link acquireRunLock}. */
export interface RunLockOptions {
  /** What is taking the lock, shown to a refused second writer. Default: the process's command line. */
  what?: string;
  /** Where notes go (a taken-over lock). Default: stderr. */
  onNote?: (line: string) => void;
}

/** Releases a held lock (idempotent). */
export type ReleaseLock = () => void;

/** The lock directory is refreshed every 10 s and counted stale after 5 min without refresh (only when the holder record is missing or from another host: a dead holder on this host is detected at once). */
const STALE_MS = 300_000;
const UPDATE_MS = 10_000;

function bootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, "utf8")) as LockHolder;
    return typeof h?.pid === "number" ? h : undefined;
  } catch {
    return undefined;
  }
}

/** True when the recorded holder certainly no longer runs (same host: same boot and no such process, or another boot). */
export function lockHolderIsDead(h: LockHolder): boolean {
  if (h.host !== hostname()) return false;
  const boot = bootId();
  if (boot && h.boot && boot !== h.boot) return true;
  if (h.pid === process.pid) return false;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (e) {
    return (e as { code?: string }).code === "ESRCH";
  }
}

const held = new Map<string, { count: number; release: () => void }>();

/**
 * Take the writer lock of a folder (see the module comment). `name` is how messages call it (the run name).
 * Throws {@link RunLockedError} when a live process holds it.
 */
export async function acquireDirLock(dir: string, name: string, options: RunLockOptions = {}): Promise<ReleaseLock> {
  const mine = held.get(dir);
  if (mine) {
    mine.count++;
    return once(() => releaseOne(dir));
  }
  const createdDir = !existsSync(dir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new WriteError(dir, e);
  }
  const lockPath = join(dir, ".lock");
  const holderFile = join(dir, ".lock-holder.json");
  // Compromised = another process removed or replaced our lock (it judged us dead): say so rather than crash mid-run.
  const onCompromised = (e: Error) => process.stderr.write(`warning: run "${name}": its lock (${lockPath}) was taken over by another process (${e.message}); two writers may now be running\n`);
  const opts = { lockfilePath: lockPath, realpath: false, stale: STALE_MS, update: UPDATE_MS, onCompromised } as const;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, opts);
  } catch (e) {
    if ((e as { code?: string }).code !== "ELOCKED") throw new WriteError(lockPath, e);
    const holder = readHolder(holderFile);
    if (!holder || !lockHolderIsDead(holder)) throw new RunLockedError(name, dir, holder);
    (options.onNote ?? ((l: string) => process.stderr.write(l + "\n")))(
      `note: run "${name}": taking over the lock left by process ${holder.pid} (${holder.what}, since ${holder.since}), which no longer runs`,
    );
    rmSync(lockPath, { recursive: true, force: true });
    try {
      release = await lockfile.lock(dir, opts);
    } catch (e2) {
      if ((e2 as { code?: string }).code === "ELOCKED") throw new RunLockedError(name, dir, readHolder(holderFile));
      throw new WriteError(lockPath, e2);
    }
  }
  const me: LockHolder = { pid: process.pid, host: hostname(), boot: bootId(), since: new Date().toISOString(), what: options.what ?? process.argv.slice(1).join(" ").slice(0, 200) };
  try {
    writeFileAtomic(holderFile, JSON.stringify(me) + "\n");
  } catch (e) {
    await release().catch(() => {});
    throw e;
  }
  // Holding the lock, no other writer is mid-append: repair every torn tail in the folder now, so readers and the
  // files this run will not append to are clean too ("repaired for good").
  repairFolder(dir);
  held.set(dir, {
    count: 1,
    release: () => {
      // Synchronously: the CLI exits right after a command returns, and an async rmdir could be cut short then.
      rmSync(holderFile, { force: true });
      try {
        lockfile.unlockSync(dir, { lockfilePath: lockPath, realpath: false });
      } catch (e) {
        process.stderr.write(`note: ${lockPath}: could not release: ${fsErrorText(e)}\n`);
      }
      if (createdDir) removeIfEmpty(dir);
    },
  });
  return once(() => releaseOne(dir));
}

function repairFolder(dir: string): void {
  let files: string[];
  try {
    files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".jsonl"));
  } catch {
    return;
  }
  for (const f of files) repairTornTail(join(dir, f));
}

function removeIfEmpty(dir: string): void {
  // A run folder this lock created and nobody wrote into: leave no trace of a fully failed attempt.
  try {
    const left = readdirSync(dir).filter((f) => f !== ".lock");
    if (left.length === 0) {
      rmSync(join(dir, ".lock"), { recursive: true, force: true });
      rmdirSync(dir);
    }
  } catch {
    // best effort
  }
}

function releaseOne(dir: string): void {
  const h = held.get(dir);
  if (!h) return;
  if (--h.count > 0) return;
  held.delete(dir);
  h.release();
}

function once(f: () => void): ReleaseLock {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}

/** Take the writer lock of run `run` (`data/runs/<run>/.lock`). */
export function acquireRunLock(run: string, options: RunLockOptions = {}): Promise<ReleaseLock> {
  return acquireDirLock(runDir(run), run, options);
}

/** Run `fn` holding the writer lock of `run`; released when it settles (also on errors). */
export async function withRunLock<T>(run: string, what: string, fn: () => Promise<T>): Promise<T> {
  const release = await acquireRunLock(run, { what });
  try {
    return await fn();
  } finally {
    release();
  }
}

/** How long a cache append waits for another process's append before giving up (they take microseconds). */
const FILE_LOCK_WAIT_MS = 30_000;

/**
 * Run `fn` holding the short append lock of a shared file (the LLM cache), synchronously: waits while another
 * process appends; a lock older than 10 s (its holder died mid-append) is taken over by proper-lockfile.
 */
export function withFileLockSync<T>(file: string, fn: () => T): T {
  const deadline = Date.now() + FILE_LOCK_WAIT_MS;
  let release: (() => void) | undefined;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      release = lockfile.lockSync(file, { lockfilePath: `${file}.lock`, realpath: false, stale: 10_000, onCompromised: () => {} });
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== "ELOCKED") throw new WriteError(`${file}.lock`, e);
      if (Date.now() > deadline) throw new WriteError(`${file}.lock`, new Error(`still locked by another process after ${FILE_LOCK_WAIT_MS / 1000} s`));
      // A synchronous sleep: the append it waits for takes microseconds, and put() is synchronous by design.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
    }
  }
  try {
    return fn();
  } finally {
    try {
      release();
    } catch (e) {
      process.stderr.write(`note: ${file}.lock: could not release: ${fsErrorText(e)}\n`);
    }
  }
}
