/** `alpacare models`: what an endpoint serves, beside what the model registry knows; `--refresh` records it. */
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../../core/index.js";
import {
  createEngine, effectiveBaseURL, loadRegistry, modelRows, refreshRegistry, reloadRegistry, type ProviderName, type ServedModel,
} from "../../llm/index.js";
import { UsageError, type Command } from "../command.js";

const help = `alpacare models: the models an endpoint serves beside what the workbench's model registry knows.

Usage:
  alpacare models [--provider openai|anthropic] [--base-url URL] [--api-key-env VAR] [--offline] [--served] [--refresh] [--roles] [--json]

The registry (data/models.json, with your overrides in data/models.local.json or the file ALPACARE_MODELS names)
records each model's lifecycle (shut down when, replaced by what), which of the paper's decoding parameters it
accepts, and its list price, each with its source and the date it was read. The endpoint's own list (GET /v1/models,
with OpenAI's shutdown_date) decides whether a model is served; every run checks it before its first paid call.

Flags:
  --provider P       openai (default) or anthropic
  --base-url URL     another endpoint (default: the provider's, or OPENAI_BASE_URL / ANTHROPIC_BASE_URL)
  --api-key-env VAR  the key's environment variable (default OPENAI_API_KEY / ANTHROPIC_API_KEY)
  --offline          the registry alone: do not ask the endpoint
  --served           only the models the endpoint lists
  --refresh          write what the endpoint reports (shutdown dates, models it no longer lists) into the overrides
  --roles            the paper's roles (teacher, responder, judge, ...) and their ordered substitutes
  --json             machine-readable rows

Examples:
  alpacare models --roles --offline
  alpacare models --provider anthropic --served
  alpacare models --refresh
`;

const command: Command = {
  summary: "models an endpoint serves beside the registry's lifecycle, parameter rules and prices (--refresh records them)",
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        provider: { type: "string" }, "base-url": { type: "string" }, "api-key-env": { type: "string" }, offline: { type: "boolean" },
        served: { type: "boolean" }, refresh: { type: "boolean" }, roles: { type: "boolean" }, json: { type: "boolean" },
      },
    });
    const provider = (values.provider ?? "openai") as ProviderName;
    if (provider !== "openai" && provider !== "anthropic") throw new UsageError(`--provider ${JSON.stringify(values.provider)}: openai or anthropic`);
    if (values["api-key-env"] !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values["api-key-env"])) throw new UsageError("--api-key-env: the NAME of an environment variable");
    if (values.offline && values.refresh) throw new UsageError("--refresh asks the endpoint; it cannot be --offline");
    const registry = loadRegistry();
    const out: string[] = [];
    if (values.roles) {
      for (const [name, r] of Object.entries(registry.roles)) {
        out.push(`${name}: the paper used ${r.paper.provider}/${r.paper.model} (${r.description})`);
        r.substitutes.forEach((s, i) => out.push(`  ${i + 1}. ${s.provider}/${s.model}: ${s.why}`));
      }
      process.stdout.write(out.join("\n") + "\n");
      return 0;
    }
    let served: ServedModel[] | undefined;
    const baseURL = values["base-url"];
    const endpoint = effectiveBaseURL({ provider, baseURL }) ?? (provider === "openai" ? "https://api.openai.com/v1" : "https://api.anthropic.com");
    let note = "";
    if (!values.offline) {
      const engine = createEngine({ progress: false, cache: false, ...(values["api-key-env"] ? { apiKeyEnv: { [provider]: values["api-key-env"] } } : {}) });
      try {
        served = await engine.servedModels({ provider, ...(baseURL ? { baseURL } : {}) });
        if (!served) note = `could not list the models of ${endpoint} (no key, no network, or no models endpoint): registry only`;
      } finally {
        await engine.close();
      }
    }
    if (values.refresh) {
      if (!served) throw new UsageError(`--refresh: ${note || "the endpoint did not list its models"}`);
      const r = refreshRegistry(provider, endpoint, served);
      reloadRegistry();
      process.stderr.write(`wrote ${r.changed} entries to ${relative(projectRoot, r.file) || r.file} (from ${endpoint})\n`);
    }
    const rows = modelRows(provider, served, { onlyServed: values.served === true });
    if (values.json) {
      process.stdout.write(JSON.stringify({ provider, endpoint, asked: served !== undefined, checked: registry.checked, rows }, null, 2) + "\n");
      return 0;
    }
    out.push(`${provider} models ${served ? `served by ${endpoint} (${served.length})` : "(registry only)"} beside the registry (facts read ${registry.checked}; ${registry.files.map((f) => relative(projectRoot, f) || f).join(" + ")})`);
    if (note) out.push(`note: ${note}`);
    for (const r of rows) {
      const live = r.served === undefined ? "" : r.served ? "served" : "NOT served";
      const life = r.status ? `${r.status}${r.shutdownOn ? ` ${r.shutdownOn}` : ""}${r.replacement ? ` -> ${r.replacement}` : ""}` : "not in registry";
      out.push(`  ${r.id.padEnd(28)} ${live.padEnd(10)} ${r.liveShutdown ? `shutdown_date ${r.liveShutdown}  ` : ""}${life}${r.price ? `  ${r.price}` : "  price unknown"}${r.params ? `  [${r.params}]` : ""}${r.read ? `  (read ${r.read})` : ""}`);
    }
    process.stdout.write(out.join("\n") + "\n");
    return 0;
  },
};

export default command;
