/** Shared helpers for the llm tests: temporary cache folders and request builders against the fake server. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatRequest } from "../../src/llm/index.js";

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = "alpacare-llm-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An OpenAI chat request to the fake server. */
export function oa(baseURL: string, content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { provider: "openai", model: "gpt-3.5-turbo-0613", baseURL, messages: [{ role: "user", content }], temperature: 0, maxTokens: 64, ...extra };
}

/** An Anthropic request to the fake server. */
export function an(baseURL: string, content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { provider: "anthropic", model: "claude-2.1", baseURL, messages: [{ role: "user", content }], temperature: 0, maxTokens: 64, ...extra };
}

/** Test keys: the SDKs need some value; the fake server accepts any unless told otherwise. */
export function setTestKeys(): void {
  process.env.OPENAI_API_KEY = "sk-test-not-a-real-key";
  process.env.ANTHROPIC_API_KEY = "sk-ant-test-not-a-real-key";
}
