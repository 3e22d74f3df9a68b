/** Content hashes: stable keys for the cache, prompt templates and run configs. */
import { createHash } from "node:crypto";

/** Hex SHA-256 of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Git's blob SHA-1: `sha1("blob <size>\0" + bytes)`, the id upstream.json pins every file by. */
export function gitBlobSha1(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

/**
 * JSON with object keys sorted at every depth, so equal requests hash equally whatever order their fields were
 * built in. `undefined` fields are dropped (as JSON.stringify does).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** Short hash (first 12 hex chars of SHA-256 of the canonical JSON or string): labels for prompts and configs. */
export function shortHash(value: unknown): string {
  return sha256(typeof value === "string" ? value : canonicalJson(value)).slice(0, 12);
}
