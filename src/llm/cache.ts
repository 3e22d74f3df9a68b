/**
 * The persistent LLM call cache: content-addressed (key = SHA-256 of the canonical request, see request.ts),
 * append-only JSONL in `cacheDir()/llm-calls.jsonl`, loaded into a Map when opened.
 *
 * Crash safety: each answer is one `write` of one complete line on an O_APPEND descriptor, made only after the call
 * succeeded, so a process killed at any moment loses at most the calls in flight. A torn last line (killed mid-write)
 * is skipped when reading and cut by the next writer (core/jsonl.ts's append discipline, under the cache's append
 * lock from core/lock.ts). Several processes may append to the same file: a lookup that misses first reads whatever
 * other processes appended since.
 * Unparseable lines anywhere are skipped and counted, never fatal. No API key is ever part of a record (keys are not
 * part of requests).
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { WriteError, cacheDir, formatTornTailRepair, repairTornTailFd, withFileLockSync } from "../core/index.js";
import { legacyRequestKey } from "./request.js";
import type { ChatRequest, ChatResult, FinishReason, ProviderName, TokenUsage } from "./types.js";

/** One cached answer as stored (one JSON line). Short field names keep a 10^5-record cache small. */
export interface CacheRecord {
  /** Cache key (hex SHA-256 of the canonical request). */
  k: string;
  /** Provider and model of the request (for stats). */
  p: ProviderName;
  m: string;
  /** The caller's tag, when any. */
  tag?: string;
  text: string;
  finish: FinishReason;
  usage: TokenUsage;
  /** Latency of the original call, ms. */
  ms: number;
  /** Model version echoed by the provider. */
  mv?: string;
  /** ISO time the answer was stored. */
  at: string;
  /** `batch` when it came from a batch API (half price), else absent. */
  via?: "batch";
}

/** Summary of a cache's contents (`alpacare cache stats`). */
export interface CacheStats {
  file: string;
  records: number;
  bytes: number;
  /** Lines that could not be parsed (torn writes), skipped. */
  skippedLines: number;
  inputTokens: number;
  outputTokens: number;
  byModel: { provider: ProviderName; model: string; records: number; inputTokens: number; outputTokens: number }[];
}

/** The cache file name inside the cache folder. */
export const CACHE_FILE = "llm-calls.jsonl";

/** An open cache. Create with {@link openCache}. */
export class LlmCache {
  readonly file: string;
  private readonly map = new Map<string, CacheRecord>();
  private fd: number | undefined;
  /** Bytes of the file already parsed (always at a line boundary). */
  private offset = 0;
  private skipped = 0;

  constructor(dir: string = cacheDir()) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, CACHE_FILE);
    this.refresh();
  }

  /** Number of cached answers. */
  get size(): number {
    return this.map.size;
  }

  /** The cached answer for `key`, reading what other processes appended first when it is not known yet. */
  get(key: string): CacheRecord | undefined {
    const hit = this.map.get(key);
    if (hit) return hit;
    this.refresh();
    return this.map.get(key);
  }

  /** True when `key` is cached (no refresh: for estimates over many keys, call `refresh()` once first). */
  has(key: string): boolean {
    return this.map.has(key);
  }

  /**
   * Store an answer: one append of one line, under the cache's append lock, after repairing a torn tail (core's
   * append discipline). A failed write throws `WriteError` (the run stops: see run-all.ts).
   */
  put(record: CacheRecord): void {
    if (this.map.has(record.k)) return;
    try {
      withFileLockSync(this.file, () => {
        const fd = this.openForAppend();
        const repair = repairTornTailFd(fd, this.file);
        if (repair) process.stderr.write(formatTornTailRepair(repair) + "\n");
        const buf = Buffer.from(JSON.stringify(record) + "\n", "utf8");
        let written = 0;
        while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
      });
    } catch (e) {
      throw e instanceof WriteError ? e : new WriteError(this.file, e);
    }
    this.map.set(record.k, record);
  }

  /** Read records appended since the last read (by this or other processes). */
  refresh(): void {
    if (!existsSync(this.file)) {
      this.offset = 0;
      return;
    }
    const size = statSync(this.file).size;
    if (size < this.offset) {
      // The file was cleared or replaced: start over.
      this.map.clear();
      this.offset = 0;
      this.skipped = 0;
    }
    if (size === this.offset) return;
    const fd = openSync(this.file, "r");
    try {
      const len = size - this.offset;
      const buf = Buffer.alloc(len);
      let got = 0;
      while (got < len) {
        const n = readSync(fd, buf, got, len - got, this.offset + got);
        if (n === 0) break;
        got += n;
      }
      // Parse only complete lines; a trailing partial line (a write in progress, or torn) is left for later.
      const lastNl = buf.lastIndexOf(0x0a, got - 1);
      if (lastNl < 0) return;
      const text = buf.subarray(0, lastNl + 1).toString("utf8");
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        try {
          const r = JSON.parse(line) as CacheRecord;
          if (typeof r?.k === "string" && typeof r.text === "string") {
            if (!this.map.has(r.k)) this.map.set(r.k, r);
          } else this.skipped++;
        } catch {
          this.skipped++;
        }
      }
      this.offset += lastNl + 1;
    } finally {
      closeSync(fd);
    }
  }

  /** All records (for stats and export). */
  records(): IterableIterator<CacheRecord> {
    return this.map.values();
  }

  /** Counts, tokens and per-model totals. */
  stats(): CacheStats {
    this.refresh();
    const by = new Map<string, CacheStats["byModel"][number]>();
    let inputTokens = 0;
    let outputTokens = 0;
    for (const r of this.map.values()) {
      inputTokens += r.usage.inputTokens;
      outputTokens += r.usage.outputTokens;
      const id = `${r.p}\u0000${r.m}`;
      let row = by.get(id);
      if (!row) by.set(id, (row = { provider: r.p, model: r.m, records: 0, inputTokens: 0, outputTokens: 0 }));
      row.records++;
      row.inputTokens += r.usage.inputTokens;
      row.outputTokens += r.usage.outputTokens;
    }
    return {
      file: this.file,
      records: this.map.size,
      bytes: existsSync(this.file) ? statSync(this.file).size : 0,
      skippedLines: this.skipped + this.trailingPartial(),
      inputTokens,
      outputTokens,
      byModel: [...by.values()].sort((a, b) => b.records - a.records),
    };
  }

  /** Close the append descriptor. The cache stays readable. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private openForAppend(): number {
    // "a+": every write goes to the end (O_APPEND), and the descriptor can also read the last byte.
    if (this.fd === undefined) this.fd = openSync(this.file, "a+");
    return this.fd;
  }

  private trailingPartial(): number {
    return existsSync(this.file) && statSync(this.file).size > this.offset ? 1 : 0;
  }
}

/** Open (create) the cache in `dir` (default `cacheDir()`). */
export function openCache(dir: string = cacheDir()): LlmCache {
  return new LlmCache(dir);
}

/** A cached record turned back into a result. */
export function resultFromRecord(r: CacheRecord): ChatResult {
  return { text: r.text, finishReason: r.finish, usage: r.usage, latencyMs: r.ms, cached: true, key: r.k, modelVersion: r.mv };
}

/**
 * The cached answer of a (sent) request under its key, or, for entries written before cache keys named the endpoint
 * (version 1), under its legacy key where that is still unambiguous. Undefined without a cache.
 */
export function lookupAnswer(cache: LlmCache | undefined, req: ChatRequest, key: string): ChatResult | undefined {
  if (!cache) return undefined;
  let rec = cache.get(key);
  if (!rec) {
    const legacy = legacyRequestKey(req);
    if (legacy) rec = cache.get(legacy);
  }
  return rec ? resultFromRecord(rec) : undefined;
}

/** Delete the cache file(s) in `dir`; returns the number of files removed. */
export function clearCache(dir: string = cacheDir()): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir)) {
    if (f === CACHE_FILE || f.startsWith("llm-calls")) {
      rmSync(join(dir, f), { force: true });
      n++;
    }
  }
  return n;
}
