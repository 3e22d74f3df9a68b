/**
 * Acquisition against a real HTTP server on 127.0.0.1 (started here) and a temporary mirror: good file, wrong
 * bytes, connection cut mid-file, re-runs that must not re-fetch, a corrupted mirror copy, offline.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { gitBlobSha1 } from "../../src/core/hash.js";
import { acquireData, loadSources, type AcquireOptions, type DataSource } from "../../src/data/index.js";
import { downloadUrl, sourceMatcher } from "../../src/data/acquire.js";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const GOOD = Buffer.from("good bytes\n".repeat(5000));
const BIG = Buffer.alloc(200_000, 7);

/** What the server serves: path -> handler kind. */
const served: Record<string, { kind: "ok" | "cut" | "404"; body: Buffer }> = {
  "good.txt": { kind: "ok", body: GOOD },
  "wrong.txt": { kind: "ok", body: Buffer.from("these are not the bytes you pinned\n") },
  "cut.bin": { kind: "cut", body: BIG },
  "gone.txt": { kind: "404", body: Buffer.alloc(0) },
  "optional.txt": { kind: "ok", body: Buffer.from("optional\n") },
};
const requests: Record<string, number> = {};

function source(name: string, sha1: string, extra: Partial<DataSource> = {}): DataSource {
  return {
    id: `t/${name}`,
    repository: "owner/repo",
    commit: COMMIT,
    path: `dir/${name}`,
    url: `https://raw.githubusercontent.com/owner/repo/${COMMIT}/dir/${name}`,
    sha1,
    licence: "test",
    mirrorPath: `t/${name}`,
    ...extra,
  };
}

const goodSource = source("good.txt", gitBlobSha1(GOOD), { size: GOOD.length });
const wrongSource = source("wrong.txt", gitBlobSha1(GOOD)); // pinned to other bytes than the server sends
const cutSource = source("cut.bin", gitBlobSha1(BIG), { size: BIG.length });
const goneSource = source("gone.txt", gitBlobSha1(GOOD));
const optionalSource = source("optional.txt", gitBlobSha1(Buffer.from("optional\n")), { optional: true });

let server: Server;
let baseUrl: string;
let dataDir: string;
const savedEnv = { dir: process.env.ALPACARE_DATA_DIR, base: process.env.ALPACARE_DATA_BASE_URL };

function run(sources: DataSource[], options: AcquireOptions = {}) {
  return acquireData({ sources, mirror: null, baseUrl, silent: true, ...options });
}

function partFiles(): string[] {
  const dir = join(dataDir, "raw", "t");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.includes(".part-")) : [];
}

before(async () => {
  server = createServer((req, res) => {
    const m = /^\/owner\/repo\/([0-9a-f]{40})\/dir\/(.+)$/.exec(req.url ?? "");
    const name = m?.[2] ?? "";
    requests[name] = (requests[name] ?? 0) + 1;
    const entry = m && m[1] === COMMIT ? served[name] : undefined;
    if (!entry || entry.kind === "404") {
      res.writeHead(404).end("not found");
      return;
    }
    if (entry.kind === "ok") {
      res.writeHead(200, { "content-length": entry.body.length }).end(entry.body);
      return;
    }
    // "cut": promise the whole body, send half, then kill the connection.
    res.writeHead(200, { "content-length": entry.body.length });
    res.write(entry.body.subarray(0, entry.body.length / 2), () => setTimeout(() => res.socket?.destroy(), 20));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (savedEnv.dir === undefined) delete process.env.ALPACARE_DATA_DIR;
  else process.env.ALPACARE_DATA_DIR = savedEnv.dir;
  if (savedEnv.base === undefined) delete process.env.ALPACARE_DATA_BASE_URL;
  else process.env.ALPACARE_DATA_BASE_URL = savedEnv.base;
});

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "alpacare-data-"));
  process.env.ALPACARE_DATA_DIR = dataDir;
  for (const k of Object.keys(requests)) delete requests[k];
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe("download from a loopback server", () => {
  test("a good file is downloaded, verified and placed; a second run does not fetch it again", async () => {
    const r1 = await run([goodSource]);
    assert.equal(r1.ok, true);
    assert.equal(r1.counts.download, 1);
    const dest = join(dataDir, "raw", "t", "good.txt");
    assert.deepEqual(readFileSync(dest), GOOD);
    assert.deepEqual(partFiles(), []);
    const cache = JSON.parse(readFileSync(join(dataDir, "raw", ".verified.json"), "utf8"));
    assert.equal(cache.files["t/good.txt"].sha1, goodSource.sha1);
    assert.equal(requests["good.txt"], 1);

    const r2 = await run([goodSource]);
    assert.equal(r2.counts.present, 1);
    assert.equal(requests["good.txt"], 1, "an already present, verified file must not be fetched again");
    assert.match(r2.summary, /1 already present/);
  });

  test("wrong bytes are refused, naming the file, and nothing is left behind", async () => {
    const r = await run([wrongSource]);
    assert.equal(r.ok, false);
    assert.equal(r.files[0]!.status, "failed");
    assert.match(r.files[0]!.message!, /t\/wrong\.txt/);
    assert.match(r.files[0]!.message!, /SHA-1/);
    assert.equal(existsSync(join(dataDir, "raw", "t", "wrong.txt")), false);
    assert.deepEqual(partFiles(), []);
    assert.match(r.summary, /1 FAILED/);
  });

  test("a connection cut mid-file is refused and nothing is left behind", async () => {
    const r = await run([cutSource]);
    assert.equal(r.ok, false);
    assert.match(r.files[0]!.message!, /t\/cut\.bin/);
    assert.match(r.files[0]!.message!, /cut off after \d+ of 200000 bytes/);
    assert.equal(existsSync(join(dataDir, "raw", "t", "cut.bin")), false);
    assert.deepEqual(partFiles(), []);
  });

  test("HTTP errors name the file; other files still succeed", async () => {
    const r = await run([goneSource, goodSource]);
    assert.equal(r.ok, false);
    assert.equal(r.counts.download, 1);
    assert.match(r.files[0]!.message!, /t\/gone\.txt.*HTTP 404/);
  });

  test("offline (nothing listening) gives a clear message", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await run([goodSource], { baseUrl: `http://127.0.0.1:${port}` });
    assert.equal(r.ok, false);
    assert.match(r.files[0]!.message!, /could not download .*offline\?.*ALPACARE_DATA_MIRROR/s);
    assert.deepEqual(partFiles(), []);
  });

  test("ALPACARE_DATA_BASE_URL redirects downloads", async () => {
    process.env.ALPACARE_DATA_BASE_URL = baseUrl;
    try {
      assert.equal(downloadUrl(goodSource), `${baseUrl}/owner/repo/${COMMIT}/dir/good.txt`);
      const r = await acquireData({ sources: [goodSource], mirror: null, silent: true });
      assert.equal(r.counts.download, 1);
    } finally {
      delete process.env.ALPACARE_DATA_BASE_URL;
    }
    assert.equal(downloadUrl(goodSource), goodSource.url);
  });

  test("optional files are skipped unless asked for", async () => {
    const r1 = await run([optionalSource]);
    assert.equal(r1.counts.skipped, 1);
    assert.equal(r1.ok, true);
    assert.equal(requests["optional.txt"], undefined);
    const r2 = await run([optionalSource], { optional: true });
    assert.equal(r2.counts.download, 1);
  });
});

describe("mirror-only files", () => {
  test("without a mirror they are skipped loudly, not failed, and the summary says so", async () => {
    const lines: string[] = [];
    const derived = source("derived.jsonl", gitBlobSha1(GOOD), { url: null, path: null, note: "DERIVED" });
    const r = await acquireData({ sources: [derived, goodSource], mirror: null, baseUrl, log: (l) => lines.push(l) });
    assert.equal(r.ok, true);
    assert.equal(r.files[0]!.status, "skipped");
    assert.match(r.files[0]!.message!, /only available from a mirror/);
    assert.match(r.summary, /1 mirror-only file\(s\) UNAVAILABLE/);
    assert.ok(lines.some((l) => l.includes("warning: t/derived.jsonl")));
  });
});

describe("files already present", () => {
  test("a corrupt copy in data/raw is removed and acquired again", async () => {
    const dest = join(dataDir, "raw", "t", "good.txt");
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, "corrupt");
    const r = await run([goodSource]);
    assert.equal(r.counts.download, 1);
    assert.deepEqual(readFileSync(dest), GOOD);
  });

  test("verification is cached by size+mtime; verify: true re-hashes and catches a same-size edit", async () => {
    await run([goodSource]);
    const dest = join(dataDir, "raw", "t", "good.txt");
    const st = statSync(dest);
    const tampered = Buffer.from(GOOD);
    tampered[0] = "G".charCodeAt(0);
    writeFileSync(dest, tampered);
    utimesSync(dest, st.atime, st.mtime);
    const trusted = await run([goodSource]);
    assert.equal(trusted.counts.present, 1, "same size and mtime: trusted without hashing");
    assert.equal(requests["good.txt"], 1);
    const verified = await run([goodSource], { verify: true });
    assert.equal(verified.counts.download, 1, "--verify re-hashes, finds the edit and fetches again");
    assert.deepEqual(readFileSync(dest), GOOD);
  });

  test("stale .part files of a killed run are removed, a live run's are kept", async () => {
    const dir = join(dataDir, "raw", "t");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "good.txt.part-2147483646-abc"), "half"); // no such process: a leftover
    const live = `good.txt.part-${process.ppid}-xyz`; // a live process's download in progress: kept
    writeFileSync(join(dir, live), "in progress");
    await run([goodSource]);
    assert.deepEqual(partFiles(), [live]);
  });
});

describe("mirror", () => {
  test("a good mirror copy is used without any download", async () => {
    const mirror = mkdtempSync(join(tmpdir(), "alpacare-mirror-"));
    mkdirSync(join(mirror, "t"));
    writeFileSync(join(mirror, "t", "good.txt"), GOOD);
    const r = await run([goodSource], { mirror });
    assert.equal(r.counts.mirror, 1);
    assert.equal(requests["good.txt"], undefined);
    assert.deepEqual(readFileSync(join(dataDir, "raw", "t", "good.txt")), GOOD);
    rmSync(mirror, { recursive: true, force: true });
  });

  test("a corrupted mirror copy is refused, naming the file, and nothing is left behind", async () => {
    const mirror = mkdtempSync(join(tmpdir(), "alpacare-mirror-"));
    mkdirSync(join(mirror, "t"));
    const corrupted = Buffer.from(GOOD);
    corrupted[10] ^= 1;
    writeFileSync(join(mirror, "t", "good.txt"), corrupted);
    const r = await run([goodSource], { mirror });
    assert.equal(r.ok, false);
    assert.match(r.files[0]!.message!, /t\/good\.txt: the mirror copy .* has git blob SHA-1 .* refused/);
    assert.equal(existsSync(join(dataDir, "raw", "t", "good.txt")), false);
    assert.deepEqual(partFiles(), []);
    rmSync(mirror, { recursive: true, force: true });
  });
});

describe("the real sources manifest", () => {
  test("data/sources.json lists every upstream file, optional ones marked, stories260K included", () => {
    const sources = loadSources();
    assert.equal(new Set(sources.map((s) => s.id)).size, sources.length);
    assert.ok(sources.length >= 80);
    const optional = sources.filter((s) => s.optional).map((s) => s.mirrorPath);
    assert.ok(optional.includes("alpacare/data/MedInstruct-52k.json"));
    assert.equal(optional.length, 6);
    const gguf = sources.find((s) => s.mirrorPath === "models/stories260K.gguf");
    assert.ok(gguf && gguf.url && gguf.licence.startsWith("MIT"));
    for (const s of sources) {
      assert.match(s.sha1, /^[0-9a-f]{40}$/);
      if (s.url) assert.ok(s.url.startsWith(`https://raw.githubusercontent.com/${s.repository}/${s.commit}/`), s.id);
      if (!s.optional) assert.ok(typeof s.size === "number", `${s.id}: mirrored files have a size`);
    }
  });

  test("sourceMatcher: substring and globs", () => {
    const m = sourceMatcher("alpacare/data/model_ouputs/*/iCliniq/**");
    assert.equal(m("alpacare/data/model_ouputs/AlpaCare-7b/iCliniq/seed_0.json"), true);
    assert.equal(m("alpacare/data/model_ouputs/AlpaCare-7b/medsi/seed_0.json"), false);
    assert.equal(sourceMatcher("reference_outputs")("alpacare/data/reference_outputs/gpt-4/medsi_output.jsonl"), true);
    assert.equal(sourceMatcher(undefined)("anything"), true);
  });

  const mirror = join(dirname(new URL(import.meta.url).pathname), "..", "..", "..", "shared", "data");
  test("every mirrored file verifies from the mirror (as `alpacare data` does)", { skip: !existsSync(mirror) && "no data mirror" }, async () => {
    const r = await acquireData({ mirror, silent: true });
    assert.equal(r.ok, true, r.files.filter((f) => f.status === "failed").map((f) => f.message).join("\n"));
    assert.equal(r.counts.mirror, loadSources().filter((s) => !s.optional).length);
    assert.equal(r.counts.skipped, 6);
  });
});
