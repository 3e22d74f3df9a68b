/**
 * `alpacare models` (a CLI subprocess against a loopback server that answers as today's OpenAI does): what the
 * endpoint serves beside the registry, `--refresh` into the user's overrides, `--roles`.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { startFakeServer, todayModels } from "../fake-server/index.js";
import { runCli } from "../run-cli.js";
import { tempDir } from "./helpers.js";

describe("alpacare models", () => {
  it("lists what the endpoint serves beside the registry, and --refresh records it in the overrides", async () => {
    const { readFileSync } = await import("node:fs");
    const server = await startFakeServer({ models: [...todayModels(), { id: "gpt-7-preview", provider: "openai", shutdownDate: "2027-03-01" }] });
    const overrides = join(tempDir().dir, "models.local.json");
    const run = (args: string[]) => runCli(["models", ...args], { OPENAI_API_KEY: "sk-test-models-000", OPENAI_BASE_URL: server.openaiBaseURL, ALPACARE_MODELS: overrides });
    try {
      writeFileSync(overrides, "{}\n");
      const listed = await run(["--json"]);
      assert.equal(listed.code, 0, listed.err);
      const rows = JSON.parse(listed.out).rows as { id: string; served?: boolean; status?: string; liveShutdown?: string }[];
      assert.equal(rows.find((r) => r.id === "gpt-3.5-turbo")?.served, false);
      assert.equal(rows.find((r) => r.id === "gpt-6-luna")?.served, true);
      assert.equal(rows.find((r) => r.id === "gpt-7-preview")?.liveShutdown, "2027-03-01");
      const refreshed = await run(["--refresh", "--served"]);
      assert.equal(refreshed.code, 0, refreshed.err);
      const o = JSON.parse(readFileSync(overrides, "utf8"));
      assert.equal(o.models["gpt-7-preview"].lifecycle.shutdownOn, "2027-03-01");
      assert.equal(o.models["gpt-3.5-turbo"].listed.served, false);
      assert.match(o.sources["live-openai"].url, /\/models$/);
      assert.doesNotMatch(readFileSync(overrides, "utf8"), /sk-test-models/);
      const roles = await run(["--roles", "--offline"]);
      assert.match(roles.out, /judge: the paper used openai\/gpt-3\.5-turbo/);
    } finally {
      await server.close();
    }
  });
});
