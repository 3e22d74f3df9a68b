import { strict as assert } from "node:assert";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { describe, it } from "node:test";
import { engineOptionsFromFlags, llmFlags, llmFlagsHelp, llmParseOptions, parseBudget, requestBaseFromFlags } from "../../src/cli/llm-flags.js";
import { UsageError } from "../../src/cli/command.js";
import { spawnSync } from "node:child_process";
import { projectRoot } from "../../src/core/index.js";
import { LlmCache, notebookCounter, notebookProgress } from "../../src/llm/index.js";
import { tempDir } from "./helpers.js";

const parse = (args: string[]) =>
  parseArgs({ args, options: { ...llmParseOptions(), ...llmParseOptions("judge") }, strict: true }).values as Record<string, unknown>;

describe("LLM CLI flags", () => {
  it("parses budgets in dollars and tokens", () => {
    assert.deepEqual(parseBudget("5usd"), { usd: 5 });
    assert.deepEqual(parseBudget("$2.5"), { usd: 2.5 });
    assert.deepEqual(parseBudget("200000tokens"), { tokens: 200000 });
    assert.deepEqual(parseBudget("1.5M tokens"), { tokens: 1500000 });
    assert.throws(() => parseBudget("lots"), UsageError);
    // A bad --judge-budget is reported under its own name.
    assert.throws(() => llmFlags(parse(["--judge-budget", "5xyz"]), "judge"), /^UsageError: --judge-budget "5xyz"/);
  });

  it("reads the plain and --judge- flags separately; --dry-run and --run are shared", () => {
    const v = parse(["--model", "gpt-4", "--concurrency", "4", "--judge-model", "claude-2.1", "--judge-rpm", "50", "--dry-run", "--run", "exp1", "--no-cache", "--budget", "3usd"]);
    const f = llmFlags(v);
    assert.equal(f.concurrency, 4);
    assert.equal(f.cache, false);
    assert.deepEqual(f.budget, { usd: 3 });
    assert.equal(f.run, "exp1");
    const j = llmFlags(v, "judge");
    assert.equal(j.rpm, 50);
    assert.equal(j.cache, true);
    assert.equal(j.dryRun, true);
    assert.deepEqual(requestBaseFromFlags(v), { provider: "openai", model: "gpt-4" });
    assert.deepEqual(requestBaseFromFlags(v, "judge"), { provider: "anthropic", model: "claude-2.1" });
    const o = engineOptionsFromFlags(v);
    assert.equal(o.cache, false);
    assert.equal(o.dryRun, true);
    assert.equal(o.handleSigint, true);
  });

  it("openai-compatible needs a base URL; a base URL implies openai-compatible; bad values are usage errors", () => {
    assert.deepEqual(requestBaseFromFlags(parse(["--model", "alpacare-7b", "--base-url", "http://localhost:8000/v1"])), {
      provider: "openai-compatible", model: "alpacare-7b", baseURL: "http://localhost:8000/v1",
    });
    assert.throws(() => requestBaseFromFlags(parse(["--provider", "openai-compatible", "--model", "m"])), UsageError);
    assert.throws(() => requestBaseFromFlags(parse(["--provider", "openai"])), UsageError);
    assert.throws(() => llmFlags(parse(["--provider", "bard"])), UsageError);
    assert.throws(() => llmFlags(parse(["--concurrency", "0"])), UsageError);
    assert.throws(() => llmFlags(parse(["--api-key-env", "sk-abc123-looks-like-a-key"])), UsageError);
    assert.throws(() => requestBaseFromFlags(parse(["--model", "mystery"])), UsageError);
  });

  it("names the key variable for the provider", () => {
    const o = engineOptionsFromFlags(parse(["--provider", "anthropic", "--model", "claude-2", "--api-key-env", "LAB_CLAUDE_KEY"]));
    assert.deepEqual(o.apiKeyEnv, { anthropic: "LAB_CLAUDE_KEY" });
  });

  it("no provider and no model: the embedded local default", () => {
    const saved = process.env.ALPACARE_MODEL;
    process.env.ALPACARE_MODEL = join(process.cwd(), "package.json"); // any existing file stands in for a GGUF
    try {
      assert.equal(requestBaseFromFlags(parse([])).provider, "local");
    } finally {
      if (saved === undefined) delete process.env.ALPACARE_MODEL;
      else process.env.ALPACARE_MODEL = saved;
    }
  });

  it("--context-size reaches the local provider's options (and its --judge- twin stays separate)", () => {
    const v = parse(["--context-size", "1024", "--judge-context-size", "2048", "--threads", "1"]);
    assert.deepEqual(engineOptionsFromFlags(v).local, { threads: 1, contextSize: 1024 });
    assert.deepEqual(engineOptionsFromFlags(v, "judge").local, { threads: undefined, contextSize: 2048 });
    assert.equal(engineOptionsFromFlags(parse([])).local, undefined);
    assert.throws(() => llmFlags(parse(["--context-size", "0"])), UsageError);
    assert.throws(() => llmFlags(parse(["--context-size", "1.5k"])), UsageError);
    assert.ok(llmFlagsHelp().includes("--context-size"));
  });

  it("help lists every flag, prefixed for the judge", () => {
    for (const flag of ["--provider", "--model", "--base-url", "--concurrency", "--rpm", "--budget", "--dry-run", "--no-cache", "--run", "--batch"]) assert.ok(llmFlagsHelp().includes(flag), flag);
    assert.ok(llmFlagsHelp("judge").includes("--judge-provider"));
    assert.ok(!llmFlagsHelp("judge").includes("--judge-dry-run"));
  });
});

describe("alpacare cache", () => {
  it("stats (text and --json) and clear --yes", () => {
    const { dir, cleanup } = tempDir();
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", join(projectRoot, "src", "cli", "main.ts"), "cache", ...args], {
        cwd: projectRoot, env: { ...process.env, ALPACARE_CACHE_DIR: dir }, encoding: "utf8",
      });
    try {
      const c = new LlmCache(dir);
      c.put({ k: "a", p: "openai", m: "gpt-4", text: "x", finish: "stop", usage: { inputTokens: 1000, outputTokens: 500 }, ms: 1, at: "t" });
      c.close();
      const js = cli("stats", "--json");
      assert.equal(js.status, 0, js.stderr);
      const j = JSON.parse(js.stdout);
      assert.equal(j.records, 1);
      assert.ok(Math.abs(j.usdValue - (1000 * 30 + 500 * 60) / 1e6) < 1e-9);
      assert.match(cli("stats").stdout, /records: 1/);
      assert.equal(cli("clear").status, 2, "needs --yes");
      assert.equal(cli("clear", "--yes").status, 0);
      assert.equal(new LlmCache(dir).size, 0);
    } finally {
      cleanup();
    }
  });
});

describe("notebookProgress", () => {
  it("renders HTML into one display: every new done count at once, counter-only changes throttled", () => {
    const html: string[] = [];
    const onProgress = notebookProgress({ html: (s) => html.push(s) }, 10_000);
    const p = { label: "judge <x>", done: 0, total: 3, calls: 0, cacheHits: 0, failures: 0, retries: 0, tokens: 0, usd: 0, elapsedMs: 5, ratePerSec: 0, line: "" };
    onProgress(p);
    onProgress({ ...p, retries: 1 }); // same count, within the interval: not redrawn
    onProgress({ ...p, done: 1, calls: 1, tokens: 10, usd: 0.01, ratePerSec: 0.5, etaSec: 4 });
    onProgress({ ...p, done: 2, calls: 1, cacheHits: 1 });
    onProgress({ ...p, done: 3, calls: 2, cacheHits: 1 });
    assert.equal(html.length, 4);
    assert.match(html[0]!, /judge &lt;x&gt; 0\/3/);
    assert.match(html[1]!, /1\/3 · 0\.50\/s · ETA 4\.0s .* 1 calls · 0 cached .* \$0\.0100/);
    assert.match(html[3]!, /3\/3 .* in all · 2 calls · 1 cached/);
  });
  it("notebookCounter draws done/total with rate for non-LLM work (dedup, export), at once and at the end", () => {
    const html: string[] = [];
    const onProgress = notebookCounter({ html: (s) => html.push(s) }, "export figures", 10_000);
    onProgress(0, 3);
    onProgress(1, 3); // within the interval: skipped
    onProgress(3, 3);
    assert.equal(html.length, 2);
    assert.match(html[0]!, /export figures 0\/3/);
    assert.match(html[1]!, /export figures 3\/3 · [\d.]+\/s · .* in all/);
    assert.doesNotMatch(html[1]!, /calls|\$/);
  });
  it("a display that refuses (tslab outside a running cell) never breaks the work", () => {
    const onProgress = notebookProgress({ html: () => { throw new Error("Not ready"); } });
    assert.doesNotThrow(() => onProgress({ label: "x", done: 0, total: 1, calls: 0, cacheHits: 0, failures: 0, retries: 0, tokens: 0, usd: 0, elapsedMs: 0, ratePerSec: 0, line: "" }));
  });
});
