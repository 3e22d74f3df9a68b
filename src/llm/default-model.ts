/**
 * The embedded default model, used when no provider is configured: a local GGUF through node-llama-cpp.
 * Order: `ALPACARE_MODEL` (a GGUF path), else the instruct model `setup` downloaded into `models/`, else the
 * stories260K test model (acquired into `data/raw/models/` by `alpacare data`, or read from the mirror), with a
 * plain warning that it cannot follow instructions.
 */
import { createHash } from "node:crypto";
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, isAbsolute } from "node:path";
import { mirrorDir, modelsDir, projectRoot, rawDir } from "../core/index.js";

/** The downloadable default instruct model. */
export interface DownloadableModel {
  /** File name inside `models/`. */
  file: string;
  url: string;
  /** Pinned SHA-256, when known; otherwise the server's `x-linked-etag` (Hugging Face's LFS SHA-256) is checked. */
  sha256?: string;
  /** Approximate size, for the progress line. */
  approxBytes: number;
  license: string;
}

/**
 * Qwen2.5-0.5B-Instruct, Q4_K_M (about 0.4-0.5 GB, Apache-2.0): the smallest widely used instruct model that
 * follows simple instructions and runs at useful speed on a laptop CPU.
 */
export const DEFAULT_DOWNLOAD: DownloadableModel = {
  file: "qwen2.5-0.5b-instruct-q4_k_m.gguf",
  url: "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf",
  approxBytes: 491_000_000,
  license: "Apache-2.0",
};

/** The test model's file name. */
export const TEST_MODEL_FILE = "stories260K.gguf";

/** The resolved default model. */
export interface DefaultModel {
  provider: "local";
  /** GGUF path, relative to the project root when inside it (so cache keys do not depend on the checkout path). */
  model: string;
  /** Where it came from. */
  source: "ALPACARE_MODEL" | "downloaded" | "test-model";
  /** True for stories260K: plumbing and determinism only, it cannot follow instructions. */
  isTestModel: boolean;
  /** A plain warning to show the user, when there is one. */
  warning?: string;
}

function projectRelative(path: string): string {
  const rel = relative(projectRoot, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** Paths where the stories260K test model may be: `data/raw/models/`, `data/raw/`, then the mirror. */
export function testModelCandidates(): string[] {
  const out = [join(rawDir(), "models", TEST_MODEL_FILE), join(rawDir(), TEST_MODEL_FILE)];
  const mirror = mirrorDir();
  if (mirror) out.push(join(mirror, "models", TEST_MODEL_FILE));
  return out;
}

/** The stories260K path, or undefined when it is nowhere (run `alpacare data`). */
export function testModelPath(): string | undefined {
  return testModelCandidates().find((p) => existsSync(p));
}

/**
 * The embedded default (see the module comment). Throws when there is no model at all, saying how to get one.
 * `warn` (default: write to stderr once per process) receives the warning for the test model.
 */
export function defaultModel(options: { warn?: (message: string) => void } = {}): DefaultModel {
  const env = process.env.ALPACARE_MODEL;
  if (env) {
    if (!existsSync(env)) throw new Error(`ALPACARE_MODEL=${env}: file not found`);
    return { provider: "local", model: projectRelative(env), source: "ALPACARE_MODEL", isTestModel: basename(env) === TEST_MODEL_FILE };
  }
  const downloaded = join(modelsDir(), DEFAULT_DOWNLOAD.file);
  if (existsSync(downloaded)) return { provider: "local", model: projectRelative(downloaded), source: "downloaded", isTestModel: false };
  const test = testModelPath();
  if (!test) {
    throw new Error(
      "no model configured and no local model found: pass --provider/--model (with its API key in the environment), " +
        "set ALPACARE_MODEL to a GGUF file, run `npm run setup` with internet to download the default model, " +
        "or `alpacare data` to acquire the stories260K test model",
    );
  }
  const warning =
    `using the test model ${TEST_MODEL_FILE} (260K parameters, trained on children's stories): it cannot follow ` +
    "instructions, so its answers are for plumbing and determinism checks only. Configure a real model with " +
    "--provider/--model, ALPACARE_MODEL=<file.gguf>, or download the default with `npm run setup` on a machine with internet.";
  (options.warn ?? warnOnce)(warning);
  return { provider: "local", model: projectRelative(test), source: "test-model", isTestModel: true, warning };
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  process.stderr.write(`warning: ${message}\n`);
}

/** Options for {@link downloadDefaultModel}. */
export interface DownloadOptions {
  /** What to download (default {@link DEFAULT_DOWNLOAD}). */
  model?: DownloadableModel;
  /** Target folder (default `models/`). */
  dir?: string;
  /** Progress callback (bytes so far, total when known); default a line on stderr every few seconds. */
  onProgress?: (bytes: number, total?: number) => void;
  signal?: AbortSignal;
}

/**
 * Download the default instruct model into `models/` (resumable by rerunning: a finished, verified file is kept).
 * Streams to a `.part` file, hashes while writing, checks the pinned SHA-256 or the server's LFS digest
 * (`x-linked-etag`), checks the GGUF magic, then renames into place. Returns the file path. Fails offline.
 */
export async function downloadDefaultModel(options: DownloadOptions = {}): Promise<string> {
  const m = options.model ?? DEFAULT_DOWNLOAD;
  const dir = options.dir ?? modelsDir();
  const target = join(dir, m.file);
  if (existsSync(target) && statSync(target).size > 0) return target;
  mkdirSync(dir, { recursive: true });
  const part = `${target}.part`;
  const res = await fetch(m.url, { signal: options.signal, redirect: "follow" });
  if (!res.ok || !res.body) throw new Error(`download ${m.url}: HTTP ${res.status}`);
  const total = Number(res.headers.get("content-length")) || m.approxBytes;
  const expected = (m.sha256 ?? res.headers.get("x-linked-etag") ?? "").replace(/"/g, "").toLowerCase();
  const hash = createHash("sha256");
  const out = createWriteStream(part);
  let bytes = 0;
  let lastReport = 0;
  const report =
    options.onProgress ??
    ((b: number, t?: number) => process.stderr.write(`downloading ${m.file}: ${(b / 1e6).toFixed(1)}${t ? `/${(t / 1e6).toFixed(1)}` : ""} MB\n`));
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hash.update(value);
      bytes += value.byteLength;
      if (!out.write(value)) await new Promise<void>((r) => out.once("drain", () => r()));
      if (Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        report(bytes, total);
      }
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    report(bytes, total);
  } catch (e) {
    out.destroy();
    rmSync(part, { force: true });
    throw e;
  }
  const digest = hash.digest("hex");
  if (/^[0-9a-f]{64}$/.test(expected) && digest !== expected) {
    rmSync(part, { force: true });
    throw new Error(`download ${m.url}: SHA-256 mismatch (got ${digest}, expected ${expected})`);
  }
  const fd = openSync(part, "r");
  const head = Buffer.alloc(4);
  readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  const magic = head.toString("latin1");
  if (magic !== "GGUF") {
    rmSync(part, { force: true });
    throw new Error(`download ${m.url}: not a GGUF file (first bytes ${JSON.stringify(magic)})`);
  }
  writeFileSync(`${target}.sha256`, `${digest}  ${m.file}\n`);
  renameSync(part, target);
  return target;
}
