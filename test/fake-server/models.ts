/**
 * What the fake server knows about models, so it answers as OpenAI and Anthropic do today: a models list with
 * shutdown dates (`GET /v1/models`), a 404 for a model it does not serve, and the 400s a reasoning model or a recent
 * Claude model gives for the paper's parameters. Bodies and messages are the providers' own, as reported from real
 * responses (OpenAI: `{error: {message, type, param, code}}` with codes `model_not_found`, `unsupported_parameter`,
 * `unsupported_value`; Anthropic: `{type: "error", error: {type, message}, request_id}`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** A model the fake serves. */
export interface FakeModel {
  id: string;
  provider: "openai" | "anthropic";
  /** OpenAI's `shutdown_date` (YYYY-MM-DD), or null when none is announced. */
  shutdownDate?: string | null;
  /** Parameters the model rejects, as the real API does. */
  rules?: FakeModelRules;
}

/** How a model treats the paper's parameters. */
export interface FakeModelRules {
  /** `max_tokens` -> 400 unsupported_parameter ("Use 'max_completion_tokens' instead"). */
  rejectMaxTokens?: boolean;
  /** A temperature other than 1 -> 400 unsupported_value ("Only the default (1) value is supported"). */
  temperatureDefaultOnly?: boolean;
  /** GPT-6 style: temperature accepted only with reasoning_effort "none". */
  temperatureOnlyWithEffortNone?: boolean;
  /** Parameters rejected outright -> 400 unsupported_parameter. */
  rejectParams?: string[];
  /** Anthropic: temperature and top_p together -> 400 invalid_request_error. */
  rejectTemperatureWithTopP?: boolean;
}

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");

/**
 * Today's served models, from the registry file (every model not shut down), with the shutdown dates the registry
 * records and the parameter behaviour it describes: the list a real account would get on 2026-11-30.
 */
export function todayModels(): FakeModel[] {
  const reg = JSON.parse(readFileSync(join(root, "data", "models.json"), "utf8")) as {
    models: Record<string, { provider: "openai" | "anthropic"; lifecycle?: { status?: string; shutdownOn?: string }; params?: Record<string, unknown> }>;
  };
  const out: FakeModel[] = [];
  for (const [id, m] of Object.entries(reg.models)) {
    const l = m.lifecycle;
    if (l?.status === "shutdown" || (l?.shutdownOn && l.shutdownOn <= "2026-11-30")) continue;
    if (l?.status === "unknown") continue;
    const p = m.params ?? {};
    const rules: FakeModelRules = {};
    if (p.maxTokensField === "max_completion_tokens") rules.rejectMaxTokens = true;
    if (p.temperature === "default-only") rules.temperatureDefaultOnly = true;
    if (p.temperature === "none") {
      if (p.temperatureIfReasoningEffortNone === true) rules.temperatureOnlyWithEffortNone = true;
      else if (m.provider === "openai") rules.temperatureDefaultOnly = true;
      else (rules.rejectParams ??= []).push("temperature");
    }
    const rejects = rules.rejectParams ?? [];
    if (p.topP === false && p.topPIfReasoningEffortNone !== true) rejects.push("top_p");
    if (p.penalties === false && m.provider === "openai") rejects.push("presence_penalty", "frequency_penalty");
    if (p.stop === false) rejects.push(m.provider === "openai" ? "stop" : "stop_sequences");
    if (rejects.length) rules.rejectParams = rejects;
    if (p.temperatureWithTopP === false && m.provider === "anthropic") rules.rejectTemperatureWithTopP = true;
    out.push({ id, provider: m.provider, shutdownDate: l?.shutdownOn ?? null, rules });
  }
  return out;
}

/** OpenAI's `GET /v1/models` body. */
export function openaiModelList(models: FakeModel[]): unknown {
  return {
    object: "list",
    data: models.filter((m) => m.provider === "openai").map((m) => ({ id: m.id, object: "model", created: 1_700_000_000, owned_by: "system", shutdown_date: m.shutdownDate ?? null })),
  };
}

/** Anthropic's `GET /v1/models` body (one page). */
export function anthropicModelList(models: FakeModel[]): unknown {
  const data = models.filter((m) => m.provider === "anthropic").map((m) => ({ type: "model", id: m.id, display_name: m.id, created_at: "2025-10-01T00:00:00Z" }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/** A rejection: HTTP status and body. */
export interface FakeRejection {
  status: number;
  body: unknown;
}

const openaiError = (status: number, message: string, param: string | null, code: string | null): FakeRejection => ({
  status, body: { error: { message, type: "invalid_request_error", param, code } },
});
const anthropicError = (status: number, type: string, message: string): FakeRejection => ({
  status, body: { type: "error", error: { type, message }, request_id: `req_fake${Math.random().toString(16).slice(2, 14)}` },
});

/** What the real API would answer instead of a completion, or undefined when it would answer. */
export function rejectRequest(api: "openai" | "anthropic", body: Record<string, any>, models: FakeModel[]): FakeRejection | undefined {
  const model = String(body.model ?? "");
  const m = models.find((x) => x.id === model && x.provider === api);
  if (!m) {
    return api === "openai"
      ? openaiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, null, "model_not_found")
      : anthropicError(404, "not_found_error", `model: ${model}`);
  }
  const r = m.rules ?? {};
  if (api === "openai") {
    if (r.rejectMaxTokens && body.max_tokens !== undefined)
      return openaiError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "max_tokens", "unsupported_parameter");
    const t = body.temperature;
    const effortNone = body.reasoning_effort === "none";
    if (t !== undefined && t !== 1 && (r.temperatureDefaultOnly || (r.temperatureOnlyWithEffortNone && !effortNone)))
      return openaiError(400, `Unsupported value: 'temperature' does not support ${t} with this model. Only the default (1) value is supported.`, "temperature", "unsupported_value");
    for (const p of r.rejectParams ?? []) {
      if (body[p] !== undefined) return openaiError(400, `Unsupported parameter: '${p}' is not supported with this model.`, p, "unsupported_parameter");
    }
    return undefined;
  }
  if (r.rejectTemperatureWithTopP && body.temperature !== undefined && body.top_p !== undefined)
    return anthropicError(400, "invalid_request_error", "`temperature` and `top_p` cannot both be specified for this model. Please use only one.");
  for (const p of r.rejectParams ?? []) {
    if (body[p] !== undefined) return anthropicError(400, "invalid_request_error", `\`${p}\` is deprecated for this model.`);
  }
  return undefined;
}
