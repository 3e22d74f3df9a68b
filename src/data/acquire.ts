/**
 * `alpacare data`: put every file of `data/sources.json` into `data/raw/<mirrorPath>`, verified by git blob SHA-1.
 *
 * Source order per file: already present and verified (nothing to do) → the mirror directory → a download from the
 * file's raw URL. Every byte that lands is hashed before it is renamed into place, so a wrong or partial file never
 * appears under `data/raw/`: it is written to a `.part-*` temp file beside its destination and removed on any
 * failure. Verification of present files is cached by (size, mtime) in `data/raw/.verified.json`; `verify: true`
 * re-hashes everything.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { gitBlobSha1, writeFileAtomic, mirrorDir, rawDir, progress } from "../core/index.js";
import { loadSources, rawPath, type DataSource } from "./sources.js";

/** Options for {@link acquireData}. */
export interface AcquireOptions {
  /** Only files whose `mirrorPath` matches: a glob (`*` within a folder, `**` across folders) or, without `*`, a substring. */
  only?: string;
  /** Mirror directory to copy from. Default `mirrorDir()` (`ALPACARE_DATA_MIRROR`, else a `shared/data` folder beside the project when it exists); `null` disables it. */
  mirror?: string | null;
  /** Also download the optional files (not mirrored, large, e.g. MedInstruct-52k). Default false: they are skipped with a note. */
  optional?: boolean;
  /** Re-hash every present file instead of trusting the (size, mtime) cache. Default false. */
  verify?: boolean;
  /**
   * Download from this base URL instead of `https://raw.githubusercontent.com`: the file is fetched from
   * `<baseUrl>/<repository>/<commit>/<path>`. Default: env `ALPACARE_DATA_BASE_URL`, else each source's `url`.
   */
  baseUrl?: string;
  /** Print only the summary line (and errors). Default false. */
  quiet?: boolean;
  /** Print nothing at all (tests). Default false. */
  silent?: boolean;
  /** Where lines go. Default: `process.stderr`. */
  log?: (line: string) => void;
  /** The sources to acquire. Default: `loadSources()` (data/sources.json). */
  sources?: DataSource[];
  /** Abort a download that receives no bytes for this long, ms. Default 60000. */
  idleTimeoutMs?: number;
}

/** What happened to one file. */
export type AcquireStatus = "present" | "mirror" | "download" | "skipped" | "failed";

/** The outcome for one file. */
export interface AcquiredFile {
  source: DataSource;
  status: AcquireStatus;
  /** Where the file is (or would be): `data/raw/<mirrorPath>`. */
  path: string;
  /** The error (status "failed") or the reason it was skipped. */
  message?: string;
}

/** The outcome of {@link acquireData}. */
export interface AcquireResult {
  files: AcquiredFile[];
  counts: Record<AcquireStatus, number>;
  /** True when no file failed. */
  ok: boolean;
  /** The one-line summary that was printed. */
  summary: string;
}

interface VerifiedEntry {
  sha1: string;
  size: number;
  /** Compared to within 1 ms: file systems and `utimes` keep different sub-millisecond precision. */
  mtimeMs: number;
}

/** `data/raw/.verified.json`: files already hashed, keyed by mirrorPath, trusted while size and mtime are unchanged. */
function verifiedCacheFile(): string {
  return join(rawDir(), ".verified.json");
}

function readVerifiedCache(): Record<string, VerifiedEntry> {
  try {
    const doc = JSON.parse(readFileSync(verifiedCacheFile(), "utf8")) as { files?: Record<string, VerifiedEntry> };
    return doc.files && typeof doc.files === "object" ? doc.files : {};
  } catch {
    return {}; // missing or unreadable cache: everything is re-hashed, which is only slower
  }
}

/** Turn `--only` into a predicate over mirror paths. */
export function sourceMatcher(pattern: string | undefined): (mirrorPath: string) => boolean {
  if (!pattern) return () => true;
  if (!pattern.includes("*")) return (p) => p.includes(pattern);
  const re = new RegExp(
    "^" +
      pattern
        .split("**")
        .map((part) => part.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*"))
        .join(".*") +
      "$",
  );
  return (p) => re.test(p);
}

/** The URL a source is downloaded from, honouring `baseUrl`; undefined when it has none (mirror-only files). */
export function downloadUrl(source: DataSource, baseUrl?: string): string | undefined {
  const base = baseUrl ?? process.env.ALPACARE_DATA_BASE_URL;
  if (base) {
    if (!source.repository || !source.commit || !source.path) return undefined;
    return `${base.replace(/\/+$/, "")}/${source.repository}/${source.commit}/${source.path}`;
  }
  return source.url ?? undefined;
}

/** Hash a file as git does; the bytes are read whole (the largest source is tens of MB). */
function hashFile(file: string): string {
  return gitBlobSha1(readFileSync(file));
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

/**
 * Remove `.part-<pid>-*` leftovers of a killed earlier run for this destination. Parts of a process that is still
 * alive are left alone: two `alpacare data` runs at once (setup plus a notebook) must not delete each other's work.
 */
function removeStaleParts(dest: string): void {
  const dir = dirname(dest);
  if (!existsSync(dir)) return;
  const prefix = `${basename(dest)}.part-`;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(prefix)) continue;
    const pid = Number(f.slice(prefix.length).split("-")[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) continue;
    rmSync(join(dir, f), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tempPath(dest: string): string {
  return `${dest}.part-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Verify `tmp` against the source and move it to `dest`; on mismatch remove it and throw an error naming the file.
 * `what` says where the bytes came from ("mirror copy", "download").
 */
function verifyAndPlace(tmp: string, dest: string, source: DataSource, what: string): VerifiedEntry {
  const size = statSync(tmp).size;
  const sha1 = hashFile(tmp);
  if (sha1 !== source.sha1) {
    rmSync(tmp, { force: true });
    const sizeNote = source.size !== undefined && source.size !== size ? ` (${size} bytes, expected ${source.size}: partial or different file)` : "";
    throw new Error(`${source.mirrorPath}: ${what} has git blob SHA-1 ${short(sha1)}…, expected ${short(source.sha1)}…${sizeNote}; refused, nothing kept`);
  }
  renameSync(tmp, dest);
  const st = statSync(dest);
  return { sha1, size: st.size, mtimeMs: st.mtimeMs };
}

function networkHint(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (e as { code?: string })?.code;
  const detail = cause?.message ?? (e as Error)?.message ?? String(e);
  const offline = ["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ENETUNREACH", "EHOSTUNREACH", "ETIMEDOUT", "ECONNRESET"].includes(code ?? "");
  return (
    `${detail}${code && !detail.includes(code) ? ` (${code})` : ""}` +
    (offline ? ". Are you offline? Use a local mirror instead: ALPACARE_DATA_MIRROR=DIR alpacare data (or --mirror DIR)" : "")
  );
}

async function download(url: string, tmp: string, source: DataSource, opts: AcquireOptions): Promise<void> {
  const controller = new AbortController();
  const idleMs = opts.idleTimeoutMs ?? 60_000;
  let timer = setTimeout(() => controller.abort(new Error(`no data for ${idleMs / 1000}s`)), idleMs);
  const resetTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${idleMs / 1000}s`)), idleMs);
  };
  let received = 0;
  let expected: number | undefined = source.size;
  const fh = await open(tmp, "w");
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: controller.signal, redirect: "follow" });
    } catch (e) {
      throw new Error(`${source.mirrorPath}: could not download ${url}: ${networkHint(e)}`);
    }
    if (!res.ok || !res.body) throw new Error(`${source.mirrorPath}: download ${url} failed: HTTP ${res.status} ${res.statusText}`);
    const len = Number(res.headers.get("content-length"));
    if (Number.isFinite(len) && len > 0) expected = len;
    const bar = progress({ label: `download ${source.mirrorPath}`, total: expected, unit: "bytes", silent: opts.silent || opts.quiet });
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        await fh.write(chunk);
        received += chunk.byteLength;
        resetTimer();
        bar.tick(chunk.byteLength);
      }
    } catch (e) {
      throw new Error(
        `${source.mirrorPath}: download cut off after ${received}${expected !== undefined ? ` of ${expected}` : ""} bytes: ${networkHint(e)}; nothing kept`,
      );
    }
    bar.done();
  } finally {
    clearTimeout(timer);
    await fh.close();
  }
}

/**
 * Acquire the sources into `data/raw/`. Never throws for a single file's failure: every file is tried, failures are
 * reported (each naming its file) in the result and `ok` is false. Nothing unverified is ever left under `data/raw`.
 */
export async function acquireData(options: AcquireOptions = {}): Promise<AcquireResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const say = (line: string) => {
    if (!options.silent && !options.quiet) log(line);
  };
  const sources = (options.sources ?? loadSources()).filter((s) => sourceMatcher(options.only)(s.mirrorPath));
  const mirror = options.mirror === undefined ? mirrorDir() : (options.mirror ?? undefined);
  const root = rawDir();
  mkdirSync(root, { recursive: true });
  const cache = readVerifiedCache();
  const saveCache = () => writeFileAtomic(verifiedCacheFile(), JSON.stringify({ note: "files verified by alpacare data, trusted while size and mtime are unchanged", files: cache }, null, 1) + "\n");

  const files: AcquiredFile[] = [];
  const mirroredCount = sources.filter((s) => mirror && existsSync(join(mirror, s.mirrorPath))).length;
  const copyBar = mirroredCount > 1 ? progress({ label: "data: verify/copy", total: sources.length, unit: "files", silent: options.silent || options.quiet }) : undefined;

  for (const source of sources) {
    const dest = rawPath(source.mirrorPath);
    const done = (status: AcquireStatus, message?: string) => {
      files.push({ source, status, path: dest, message });
      copyBar?.tick(1);
    };
    try {
      mkdirSync(dirname(dest), { recursive: true });
      removeStaleParts(dest);
      // 1. Already present?
      if (existsSync(dest)) {
        const st = statSync(dest);
        const c = cache[source.mirrorPath];
        if (!options.verify && c && c.sha1 === source.sha1 && c.size === st.size && Math.abs(c.mtimeMs - st.mtimeMs) < 1) {
          done("present");
          continue;
        }
        const sha1 = hashFile(dest);
        if (sha1 === source.sha1) {
          cache[source.mirrorPath] = { sha1, size: st.size, mtimeMs: st.mtimeMs };
          saveCache();
          done("present");
          continue;
        }
        // A corrupt or outdated copy: remove it and acquire again.
        rmSync(dest, { force: true });
        delete cache[source.mirrorPath];
        saveCache();
        say(`data: ${source.mirrorPath}: the copy in data/raw had git blob SHA-1 ${short(sha1)}…, expected ${short(source.sha1)}…; removed, acquiring again`);
      }
      // 2. The mirror.
      const fromMirror = mirror ? join(mirror, ...source.mirrorPath.split("/")) : undefined;
      if (fromMirror && existsSync(fromMirror)) {
        const tmp = tempPath(dest);
        try {
          copyFileSync(fromMirror, tmp);
          cache[source.mirrorPath] = verifyAndPlace(tmp, dest, source, `the mirror copy (${fromMirror})`);
        } finally {
          rmSync(tmp, { force: true });
        }
        saveCache();
        done("mirror");
        continue;
      }
      // 3. Download (optional files only when asked).
      if (source.optional && !options.optional) {
        done("skipped", "optional, not in the mirror");
        continue;
      }
      const url = downloadUrl(source, options.baseUrl);
      if (!url) {
        // Mirror-only files (derived or workbench-made) cannot be downloaded: skip them loudly rather than fail the
        // whole acquisition, so a machine without the mirror still gets everything else; their loaders say why.
        const message = `only available from a mirror (${source.note ?? "no upstream URL"}); set ALPACARE_DATA_MIRROR=DIR or pass --mirror DIR`;
        if (!options.silent) log(`data: warning: ${source.mirrorPath}: ${message}`);
        done("skipped", message);
        continue;
      }
      const tmp = tempPath(dest);
      try {
        await download(url, tmp, source, options);
        cache[source.mirrorPath] = verifyAndPlace(tmp, dest, source, `the download from ${url}`);
      } finally {
        rmSync(tmp, { force: true });
      }
      saveCache();
      done("download");
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!options.silent) log(`data: error: ${message}`);
      done("failed", message);
    }
  }
  copyBar?.done();

  const counts: Record<AcquireStatus, number> = { present: 0, mirror: 0, download: 0, skipped: 0, failed: 0 };
  for (const f of files) counts[f.status]++;
  const skipped = files.filter((f) => f.status === "skipped" && f.source.optional);
  if (skipped.length) say(`data: skipped ${skipped.length} optional file(s) not in the mirror: ${skipped.map((f) => f.source.mirrorPath).join(", ")}`);
  const mirrorOnly = files.filter((f) => f.status === "skipped" && !f.source.optional).length;
  const where = relative(process.cwd(), root) || ".";
  const ready = counts.present + counts.mirror + counts.download;
  const summary =
    `data: ${ready} file(s) verified in ${where.startsWith("..") ? root : where} ` +
    `(${counts.mirror} copied from the mirror, ${counts.download} downloaded, ${counts.present} already present)` +
    (skipped.length ? `; ${skipped.length} optional skipped (\`alpacare data --optional\` downloads them)` : "") +
    (mirrorOnly ? `; ${mirrorOnly} mirror-only file(s) UNAVAILABLE (no mirror holds them)` : "") +
    (counts.failed ? `; ${counts.failed} FAILED` : "") +
    (sources.length === 0 ? `; no source matches ${JSON.stringify(options.only)}` : "");
  if (!options.silent) log(summary);
  return { files, counts, ok: counts.failed === 0, summary };
}
