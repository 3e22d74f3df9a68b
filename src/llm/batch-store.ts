/**
 * The batch state store: one JSON file per submitted batch in `data/runs/<run>/batches/<name>.json` (id, provider,
 * endpoint, the cache keys it answers), written before and after submission so a restarted process resumes polling
 * the same batch instead of paying again.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readJson, runDir, writeFileAtomic } from "../core/index.js";

/** A persisted batch (one JSON file per batch). */
export interface BatchState {
  /** File name stem, also sent as OpenAI batch metadata to find a batch whose id was not persisted. */
  name: string;
  provider: "openai" | "anthropic";
  model: string;
  baseURL?: string;
  /** Provider batch id; absent while submitting. */
  id?: string;
  /** Cache keys (= custom ids) in this batch, with what the cache record needs. */
  items: { key: string; tag?: string }[];
  status: "submitting" | "submitted" | "collected" | "failed";
  createdAt: string;
  collectedAt?: string;
  /** Provider status at the last poll. */
  providerStatus?: string;
  error?: string;
  /** The provider's own errors for a failed batch (OpenAI `errors.data`: code, message, line, param), keys never included. */
  errors?: { code?: string; message?: string; line?: number | null; param?: string | null }[];
}

function batchesDir(run: string): string {
  return join(runDir(run), "batches");
}

/** Every persisted batch state of a run. */
export function listBatches(run = "default"): BatchState[] {
  const dir = batchesDir(run);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readJson<BatchState>(join(dir, f)));
}

/** Write a batch's state (atomically: a crash leaves the previous state or the new one). */
export function saveBatchState(run: string, s: BatchState): void {
  mkdirSync(batchesDir(run), { recursive: true });
  writeFileAtomic(join(batchesDir(run), `${s.name}.json`), JSON.stringify(s, null, 2) + "\n");
}
