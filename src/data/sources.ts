/**
 * The sources manifest (`data/sources.json`, committed): every upstream file the workbench uses, where it comes from
 * and the git blob SHA-1 that pins its bytes. `alpacare data` acquires them into `data/raw/<mirrorPath>`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, projectRoot, rawDir } from "../core/index.js";

/** One upstream file. */
export interface DataSource {
  /** Stable id: the same as `mirrorPath`. */
  id: string;
  /** `owner/name` on GitHub; null for workbench-made files (the paper's figure values). */
  repository: string | null;
  /** The pinned commit; null when `repository` is null. */
  commit: string | null;
  /** Path inside the repository; null for files derived by the mirror (MedQuAD questions) or workbench-made. */
  path: string | null;
  /** Raw download URL; null when the file is only available from the mirror. */
  url: string | null;
  /** Git blob SHA-1 (`sha1("blob <size>\0" + bytes)`). */
  sha1: string;
  /** Size in bytes, when known (always for mirrored files). */
  size?: number;
  /** Licence of the file's data. */
  licence: string;
  /** Path relative to the mirror root, and to `data/raw/`. */
  mirrorPath: string;
  /** Not in the mirror (too large to stage): skipped unless `--optional` asks to download it. */
  optional?: boolean;
  /** Anything a user should know about the file. */
  note?: string;
}

/** `data/sources.json` inside the project (not under `ALPACARE_DATA_DIR`: the manifest is code, not data). */
export function sourcesFile(): string {
  return join(projectRoot, "data", "sources.json");
}

/** Parse the sources manifest text; bad entries throw `InputError` naming the entry and field. */
export function parseSources(text: string, file: string): DataSource[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError({ file }, `not valid JSON: ${(e as Error).message}`);
  }
  const list = (doc as { sources?: unknown })?.sources;
  if (!Array.isArray(list)) throw new InputError({ file, field: "sources" }, "expected an array of sources");
  return list.map((s: Record<string, unknown>, index) => {
    for (const f of ["id", "sha1", "mirrorPath", "licence"]) {
      if (typeof s?.[f] !== "string") throw new InputError({ file, index, field: f }, `expected a string, got ${JSON.stringify(s?.[f])}`);
    }
    if (!/^[0-9a-f]{40}$/.test(s.sha1 as string)) throw new InputError({ file, index, field: "sha1" }, "expected 40 hex digits");
    if ((s.mirrorPath as string).split("/").includes("..")) throw new InputError({ file, index, field: "mirrorPath" }, "must stay inside the data folder");
    return s as unknown as DataSource;
  });
}

/** Load the committed sources manifest. */
export function loadSources(file = sourcesFile()): DataSource[] {
  if (!existsSync(file)) throw new InputError({ file }, "sources manifest not found");
  return parseSources(readFileSync(file, "utf8"), file);
}

/** The source with this `mirrorPath`/id, or undefined. */
export function findSource(mirrorPath: string, sources: DataSource[] = loadSources()): DataSource | undefined {
  return sources.find((s) => s.mirrorPath === mirrorPath);
}

/** Where an acquired file lives: `data/raw/<mirrorPath>`. */
export function rawPath(mirrorPath: string): string {
  return join(rawDir(), ...mirrorPath.split("/"));
}
