import { strict as assert } from "node:assert";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { clearCache, LlmCache, type CacheRecord } from "../../src/llm/index.js";
import { tempDir } from "./helpers.js";

const rec = (k: string, text = `answer ${k}`): CacheRecord => ({
  k, p: "openai", m: "gpt-4", text, finish: "stop", usage: { inputTokens: 3, outputTokens: 4 }, ms: 5, at: "2026-01-01T00:00:00.000Z",
});

describe("LlmCache", () => {
  it("stores, reloads and counts records", () => {
    const { dir, cleanup } = tempDir();
    try {
      const c = new LlmCache(dir);
      c.put(rec("a"));
      c.put(rec("b"));
      c.put(rec("a", "different")); // already cached: ignored, never duplicated
      c.close();
      const c2 = new LlmCache(dir);
      assert.equal(c2.size, 2);
      assert.equal(c2.get("a")!.text, "answer a");
      const s = c2.stats();
      assert.equal(s.records, 2);
      assert.equal(s.inputTokens, 6);
      assert.deepEqual(s.byModel.map((r) => [r.model, r.records]), [["gpt-4", 2]]);
      c2.close();
    } finally {
      cleanup();
    }
  });

  it("skips a torn last record, and the next put cuts it", () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, "llm-calls.jsonl");
      writeFileSync(file, JSON.stringify(rec("a")) + "\n" + JSON.stringify(rec("b")).slice(0, 30));
      const c = new LlmCache(dir);
      assert.equal(c.size, 1);
      assert.equal(c.get("b"), undefined);
      c.put(rec("c"));
      c.close();
      const lines = readFileSync(file, "utf8").split("\n");
      assert.ok(!lines.some((l) => l.startsWith("{") && !l.endsWith("}")), "the torn fragment is cut");
      const c2 = new LlmCache(dir);
      assert.deepEqual([...c2.records()].map((r) => r.k).sort(), ["a", "c"]);
      assert.equal(c2.stats().skippedLines, 0);
      c2.close();
    } finally {
      cleanup();
    }
  });

  it("sees records another process appended after it opened", () => {
    const { dir, cleanup } = tempDir();
    try {
      const mine = new LlmCache(dir);
      const other = new LlmCache(dir);
      other.put(rec("from-other"));
      assert.equal(mine.get("from-other")?.text, "answer from-other");
      // A half-written line from a writer that is still writing is not read yet, then read once complete.
      appendFileSync(join(dir, "llm-calls.jsonl"), JSON.stringify(rec("slow")).slice(0, 20));
      assert.equal(mine.get("slow"), undefined);
      appendFileSync(join(dir, "llm-calls.jsonl"), JSON.stringify(rec("slow")).slice(20) + "\n");
      assert.equal(mine.get("slow")?.text, "answer slow");
      mine.close();
      other.close();
    } finally {
      cleanup();
    }
  });

  it("three processes appending large records at once lose nothing", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const here = dirname(fileURLToPath(import.meta.url));
      const run = (who: string) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ["--import", "tsx", join(here, "cache-writer.ts"), dir, who, "100", "150000"], { stdio: "ignore" });
          child.on("exit", resolve);
        });
      assert.deepEqual(await Promise.all([run("a"), run("b"), run("c")]), [0, 0, 0]);
      const c = new LlmCache(dir);
      assert.equal(c.size, 300);
      assert.equal(c.stats().skippedLines, 0);
      assert.ok(c.get("b-99")!.text.endsWith("99"));
      c.close();
    } finally {
      cleanup();
    }
  });

  it("clears", () => {
    const { dir, cleanup } = tempDir();
    try {
      const c = new LlmCache(dir);
      c.put(rec("a"));
      c.close();
      assert.equal(clearCache(dir), 1);
      assert.equal(new LlmCache(dir).size, 0);
    } finally {
      cleanup();
    }
  });
});
