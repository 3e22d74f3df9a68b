/**
 * Where things live. Every path the workbench reads or writes is derived here, so a notebook, the CLI and the tests
 * agree on the layout: `data/raw` (acquired upstream files), `data/runs/<run>` (a run's artifacts), `data/cache`
 * (the LLM cache), `figures/` (exported figures), `models/` (downloaded GGUF files).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root: the folder holding package.json (src/core or dist/core sit two levels below it). */
export const projectRoot: string = process.env.ALPACARE_ROOT
  ? resolve(process.env.ALPACARE_ROOT)
  : resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** `data/` under the project root; `ALPACARE_DATA_DIR` overrides (tests point it at a temporary folder). */
export function dataDir(): string {
  return process.env.ALPACARE_DATA_DIR ? resolve(process.env.ALPACARE_DATA_DIR) : join(projectRoot, "data");
}

/** `data/raw/`: acquired upstream files, laid out as `<repo folder>/<upstream path>` (git-ignored). */
export function rawDir(): string {
  return join(dataDir(), "raw");
}

/** `data/runs/<run>/`: one run's config snapshot and JSONL artifacts. The default run is `default`. */
export function runDir(run = "default"): string {
  if (!/^[A-Za-z0-9._-]+$/.test(run)) throw new Error(`run name ${JSON.stringify(run)}: use letters, digits, '.', '_' or '-'`);
  return join(dataDir(), "runs", run);
}

/** `data/cache/`: the persistent LLM call cache (`ALPACARE_CACHE_DIR` overrides). */
export function cacheDir(): string {
  return process.env.ALPACARE_CACHE_DIR ? resolve(process.env.ALPACARE_CACHE_DIR) : join(dataDir(), "cache");
}

/** `figures/`: exported PNG/SVG/HTML figures (`ALPACARE_FIGURES_DIR` overrides). */
export function figuresDir(): string {
  return process.env.ALPACARE_FIGURES_DIR ? resolve(process.env.ALPACARE_FIGURES_DIR) : join(projectRoot, "figures");
}

/** `models/`: downloaded GGUF models (git-ignored). */
export function modelsDir(): string {
  return join(projectRoot, "models");
}

/**
 * The local mirror of upstream data: `ALPACARE_DATA_MIRROR`, else a `shared/data` folder beside the project folder
 * when it exists (a machine keeping one copy of the data for several clones), else undefined (then files are downloaded).
 */
export function mirrorDir(): string | undefined {
  const env = process.env.ALPACARE_DATA_MIRROR;
  if (env !== undefined) return env === "" ? undefined : resolve(env);
  const beside = resolve(projectRoot, "..", "shared", "data");
  return existsSync(beside) ? beside : undefined;
}
