/**
 * A real HTTP server on 127.0.0.1 that speaks enough of the OpenAI and Anthropic APIs for the official SDKs to talk
 * to it, scripted per test. Every stage's tests (llm, generate, infer, judge) use it instead of the network.
 *
 * Endpoints
 * - OpenAI:    POST /v1/chat/completions, POST /v1/completions, POST /v1/files (multipart), GET /v1/files/:id,
 *              GET /v1/files/:id/content, POST /v1/batches, GET /v1/batches, GET /v1/batches/:id,
 *              POST /v1/batches/:id/cancel
 * - Anthropic: POST /v1/messages, POST /v1/messages/batches, GET /v1/messages/batches/:id,
 *              GET /v1/messages/batches/:id/results
 *
 * Usage
 * ```ts
 * const server = await startFakeServer({ respond: (r) => `answer to ${r.prompt}`, latencyMs: 5 });
 * const engine = createEngine({ cacheDir: tmp, progress: false });
 * await engine.complete({ provider: "openai", model: "gpt-4", baseURL: server.openaiBaseURL, messages: [...] });
 * // Anthropic: { provider: "anthropic", baseURL: server.anthropicBaseURL, ... }
 * server.requests.length; server.countOf(hash); await server.close();
 * ```
 * Set `OPENAI_API_KEY` / `ANTHROPIC_API_KEY` to any value in the test (the SDKs require one); pass `apiKey` to make
 * the server reject any other key with a 401.
 *
 * The responder gets a {@link FakeRequest} (normalised messages, the last user message as `prompt`, the raw body,
 * its hash, and `attempt`: how many times this same body has been received, counting this one) and returns an
 * answer: a string, `{ text, finishReason?, inputTokens?, outputTokens?, delayMs? }`, or a fault:
 * `{ fault: "429", retryAfterSeconds?, retryAfterMs? }`, `{ fault: "500" }`, `{ fault: "status", status }`,
 * `{ fault: "hang", ms? }` (no answer for `ms`, default until close), `{ fault: "malformed" }` (200 with a truncated
 * JSON body), `{ fault: "401" }`. The default responder echoes: `echo: <prompt>`. Stop sequences in the request are
 * applied to the answer like a real server (text cut before the first stop string, finish reason "stop").
 * Batch items go through the same responder (`api` says which); faults become per-item errors there.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { anthropicModelList, openaiModelList, rejectRequest, type FakeModel } from "./models.js";

export { todayModels, type FakeModel, type FakeModelRules } from "./models.js";

/** One model request as the responder sees it. */
export interface FakeRequest {
  api: "openai-chat" | "openai-completions" | "anthropic-messages" | "openai-batch" | "anthropic-batch";
  model: string;
  /** Normalised messages (Anthropic `system` first as a system message; a raw completion prompt as one user message). */
  messages: { role: string; content: string }[];
  /** The last user message (or the raw prompt). */
  prompt: string;
  /** The request body as sent (for batch items, the item's body / params). */
  body: Record<string, any>;
  /** SHA-256 of the body's canonical JSON: equal requests share it. */
  hash: string;
  /** 1-based count of bodies with this hash received so far (this one included). */
  attempt: number;
  /** Request headers (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
}

/** A scripted failure. */
export type FakeFault =
  | { fault: "429"; retryAfterSeconds?: number; retryAfterMs?: number }
  | { fault: "500" }
  | { fault: "status"; status: number; message?: string }
  | { fault: "hang"; ms?: number }
  | { fault: "malformed" }
  | { fault: "401" };

/** What the responder returns. */
export type FakeAnswer =
  | string
  | { text: string; finishReason?: "stop" | "length"; inputTokens?: number; outputTokens?: number; delayMs?: number }
  | FakeFault;

/** Options for {@link startFakeServer}. */
export interface FakeServerOptions {
  /** Answer each request (default: echo). May be async. */
  respond?: (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer>;
  /** Fixed delay before every model answer, ms (default 0). */
  latencyMs?: number;
  /** When set, requests must carry this key (Bearer / x-api-key) or get a 401. */
  apiKey?: string;
  /** A batch reports "in progress" for this many status polls, then completes (default 1). */
  batchPollsUntilDone?: number;
  /** Model id echoed back in answers (default: the requested model + "-fake"). */
  modelVersion?: (model: string) => string;
  /**
   * The models served (e.g. `todayModels()`): `GET /v1/models` lists them (OpenAI with `shutdown_date`), a request
   * for any other model gets the provider's 404, and each model's rules reject parameters as the real API does.
   * Default: no models list (`GET /v1/models` is a 404, like a server without one) and every model answers.
   */
  models?: FakeModel[];
}

/** A batch as the server keeps it. */
export interface FakeBatch {
  id: string;
  kind: "openai" | "anthropic";
  polls: number;
  items: { customId: string; body: Record<string, any> }[];
  /** Filled when the batch completes. */
  results?: string;
  cancelled?: boolean;
  /** OpenAI batch metadata as sent. */
  metadata?: Record<string, string> | null;
  /** Set when the batch failed validation (OpenAI's `errors.data`). */
  failedErrors?: { code: string; message: string; param: string | null; line: number | null }[];
}

/** A running fake server. */
export interface FakeServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url + "/v1"`: the OpenAI SDK's baseURL. */
  openaiBaseURL: string;
  /** `url`: the Anthropic SDK's baseURL (it appends /v1/messages). */
  anthropicBaseURL: string;
  /** Every synchronous model request received, in order (faulted ones included). */
  requests: FakeRequest[];
  /** Every batch item processed (when its batch completed). */
  batchItems: FakeRequest[];
  /** Model requests refused as the real API would (model not served, a rejected parameter), in order. */
  rejected: { api: string; body: Record<string, any>; status: number }[];
  /** Paths of every `GET /v1/models` call. */
  modelListCalls: string[];
  /**
   * Every HTTP request as it arrived (JSON bodies parsed; multipart forms as their fields, the file by name and
   * text): what the workbench really sends, for checks against the official API schemas.
   */
  log: { method: string; path: string; body?: unknown; form?: Record<string, string | { filename: string; text: string }> }[];
  /** Batches by id. */
  batches: Map<string, FakeBatch>;
  /** Count of synchronous requests with this body hash. */
  countOf(hash: string): number;
  /** Replace the responder (e.g. between phases of a test). */
  setResponder(respond: FakeServerOptions["respond"]): void;
  /** Change the fixed latency. */
  setLatency(ms: number): void;
  /** Stop the server, dropping hanging requests. */
  close(): Promise<void>;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) o[k] = canonical((v as Record<string, unknown>)[k]);
    return o;
  }
  return v;
}

/** SHA-256 of a body's canonical JSON (the hash `FakeRequest.hash` and `countOf` use). */
export function bodyHash(body: unknown): string {
  return createHash("sha256").update(JSON.stringify(canonical(body))).digest("hex");
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((b) => (typeof b === "string" ? b : (b?.text ?? ""))).join("");
  return "";
}

function normalise(api: FakeRequest["api"], body: Record<string, any>): { model: string; messages: { role: string; content: string }[] } {
  const model = String(body.model ?? "");
  if (api === "openai-completions") return { model, messages: [{ role: "user", content: textOf(body.prompt) }] };
  const messages: { role: string; content: string }[] = [];
  if (api === "anthropic-messages" || api === "anthropic-batch") {
    if (body.system) messages.push({ role: "system", content: textOf(body.system) });
  }
  for (const m of (body.messages ?? []) as { role: string; content: unknown }[]) messages.push({ role: m.role, content: textOf(m.content) });
  return { model, messages };
}

const id = (prefix: string) => `${prefix}${randomBytes(8).toString("hex")}`;

/** Start a fake server on a free loopback port. */
export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  let respond = options.respond ?? ((r: FakeRequest) => `echo: ${r.prompt}`);
  let latency = options.latencyMs ?? 0;
  const pollsUntilDone = options.batchPollsUntilDone ?? 1;
  const requests: FakeRequest[] = [];
  const batchItems: FakeRequest[] = [];
  const rejected: FakeServer["rejected"] = [];
  const modelListCalls: string[] = [];
  const log: FakeServer["log"] = [];
  const counts = new Map<string, number>();
  const files = new Map<string, { filename: string; purpose: string; content: string }>();
  const batches = new Map<string, FakeBatch>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const modelVersion = options.modelVersion ?? ((m: string) => `${m}-fake`);
  let url = "";

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };

  const errorBody = (api: string, status: number, message: string) =>
    api.startsWith("anthropic")
      ? { type: "error", error: { type: status === 401 ? "authentication_error" : status === 429 ? "rate_limit_error" : "api_error", message } }
      : { error: { message, type: status === 401 ? "invalid_request_error" : status === 429 ? "rate_limit_exceeded" : "server_error", code: status === 401 ? "invalid_api_key" : null } };

  /** Run the responder; return the answer fields or the fault. */
  async function answer(api: FakeRequest["api"], body: Record<string, any>, headers: FakeRequest["headers"], log: FakeRequest[]) {
    const { model, messages } = normalise(api, body);
    const hash = bodyHash(body);
    const attempt = (counts.get(`${api.includes("batch") ? "b" : "s"}:${hash}`) ?? 0) + 1;
    counts.set(`${api.includes("batch") ? "b" : "s"}:${hash}`, attempt);
    const lastUser = [...messages].reverse().find((m) => m.role === "user");
    const req: FakeRequest = { api, model, messages, prompt: lastUser?.content ?? "", body, hash, attempt, headers };
    log.push(req);
    const a = await respond(req);
    if (typeof a === "object" && "fault" in a) return { req, fault: a as FakeFault };
    const o = typeof a === "string" ? { text: a } : a;
    let text = o.text;
    let finish: "stop" | "length" = o.finishReason ?? "stop";
    const stops: string[] = api.startsWith("anthropic") ? (body.stop_sequences ?? []) : typeof body.stop === "string" ? [body.stop] : (body.stop ?? []);
    let stopHit: string | undefined;
    for (const s of stops) {
      const i = text.indexOf(s);
      if (i >= 0 && (stopHit === undefined || i < text.indexOf(stopHit))) stopHit = s;
    }
    if (stopHit !== undefined) {
      text = text.slice(0, text.indexOf(stopHit));
      finish = "stop";
    }
    const inputTokens = o.inputTokens ?? Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4) + 1;
    const outputTokens = o.outputTokens ?? Math.max(1, Math.ceil(text.length / 4));
    return { req, text, finish, stopHit, inputTokens, outputTokens, delayMs: o.delayMs ?? 0 };
  }

  function openaiChatJson(model: string, text: string, finish: string, inTok: number, outTok: number) {
    return {
      id: id("chatcmpl-"), object: "chat.completion", created: Math.floor(Date.now() / 1000), model: modelVersion(model),
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: finish, logprobs: null }],
      usage: { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok },
    };
  }
  function openaiCompletionJson(model: string, text: string, finish: string, inTok: number, outTok: number) {
    return {
      id: id("cmpl-"), object: "text_completion", created: Math.floor(Date.now() / 1000), model: modelVersion(model),
      choices: [{ index: 0, text, finish_reason: finish, logprobs: null }],
      usage: { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok },
    };
  }
  function anthropicJson(model: string, text: string, finish: string, stopHit: string | undefined, inTok: number, outTok: number) {
    return {
      id: id("msg_"), type: "message", role: "assistant", model: modelVersion(model), content: [{ type: "text", text }],
      stop_reason: finish === "length" ? "max_tokens" : stopHit !== undefined ? "stop_sequence" : "end_turn",
      stop_sequence: stopHit ?? null, usage: { input_tokens: inTok, output_tokens: outTok },
    };
  }

  async function modelCall(api: "openai-chat" | "openai-completions" | "anthropic-messages", body: Record<string, any>, req: IncomingMessage, res: ServerResponse) {
    const rejection = options.models ? rejectRequest(api === "anthropic-messages" ? "anthropic" : "openai", body, options.models) : undefined;
    if (rejection) {
      rejected.push({ api, body, status: rejection.status });
      return send(res, rejection.status, rejection.body);
    }
    const a = await answer(api, body, req.headers, requests);
    await wait(latency + ("delayMs" in a ? (a.delayMs ?? 0) : 0));
    if ("fault" in a && a.fault) {
      const f = a.fault;
      if (f.fault === "hang") {
        if (f.ms === undefined) return; // never answer; close() drops the socket
        await wait(f.ms);
        return send(res, 200, api === "anthropic-messages" ? anthropicJson(a.req.model, "late", "stop", undefined, 1, 1) : openaiChatJson(a.req.model, "late", "stop", 1, 1));
      }
      if (f.fault === "malformed") return send(res, 200, '{"id": "chatcmpl-broken", "choices": [{"message": {"content": "tru');
      if (f.fault === "401") return send(res, 401, errorBody(api, 401, "Incorrect API key provided"));
      if (f.fault === "500") return send(res, 500, errorBody(api, 500, "internal error (scripted)"));
      if (f.fault === "status") return send(res, f.status, errorBody(api, f.status, f.message ?? `scripted ${f.status}`));
      const headers: Record<string, string> = {};
      if (f.retryAfterMs !== undefined) headers["retry-after-ms"] = String(f.retryAfterMs);
      if (f.retryAfterSeconds !== undefined) headers["retry-after"] = String(f.retryAfterSeconds);
      return send(res, 429, errorBody(api, 429, "rate limited (scripted)"), headers);
    }
    const ok = a as Exclude<typeof a, { fault: FakeFault }> & { text: string; finish: string; inputTokens: number; outputTokens: number; stopHit?: string };
    if (api === "openai-chat") return send(res, 200, openaiChatJson(a.req.model, ok.text, ok.finish, ok.inputTokens, ok.outputTokens));
    if (api === "openai-completions") return send(res, 200, openaiCompletionJson(a.req.model, ok.text, ok.finish, ok.inputTokens, ok.outputTokens));
    return send(res, 200, anthropicJson(a.req.model, ok.text, ok.finish, ok.stopHit, ok.inputTokens, ok.outputTokens));
  }

  // ---- batches ----
  async function completeBatch(b: FakeBatch) {
    const lines: string[] = [];
    for (const item of b.items) {
      const api = b.kind === "openai" ? "openai-batch" : "anthropic-batch";
      const rejection = options.models ? rejectRequest(b.kind, item.body, options.models) : undefined;
      if (rejection) {
        lines.push(b.kind === "openai"
          ? JSON.stringify({ id: id("batch_req_"), custom_id: item.customId, response: { status_code: rejection.status, request_id: id("req_"), body: rejection.body }, error: null })
          : JSON.stringify({ custom_id: item.customId, result: { type: "errored", error: rejection.body } }));
        continue;
      }
      const a = await answer(api, item.body, {}, batchItems);
      if (b.kind === "openai") {
        if ("fault" in a && a.fault) {
          const status = a.fault.fault === "429" ? 429 : a.fault.fault === "401" ? 401 : a.fault.fault === "status" ? a.fault.status : 500;
          lines.push(JSON.stringify({ id: id("batch_req_"), custom_id: item.customId, response: { status_code: status, request_id: id("req_"), body: errorBody("openai", status, "scripted batch item failure") }, error: null }));
        } else {
          const ok = a as { text: string; finish: string; inputTokens: number; outputTokens: number };
          lines.push(JSON.stringify({ id: id("batch_req_"), custom_id: item.customId, response: { status_code: 200, request_id: id("req_"), body: openaiChatJson(a.req.model, ok.text, ok.finish, ok.inputTokens, ok.outputTokens) }, error: null }));
        }
      } else {
        if ("fault" in a && a.fault) {
          lines.push(JSON.stringify({ custom_id: item.customId, result: { type: "errored", error: { type: "error", error: { type: "api_error", message: "scripted batch item failure" } } } }));
        } else {
          const ok = a as { text: string; finish: string; inputTokens: number; outputTokens: number; stopHit?: string };
          lines.push(JSON.stringify({ custom_id: item.customId, result: { type: "succeeded", message: anthropicJson(a.req.model, ok.text, ok.finish, ok.stopHit, ok.inputTokens, ok.outputTokens) } }));
        }
      }
    }
    b.results = lines.join("\n") + "\n";
    if (b.kind === "openai") files.set(`file-out-${b.id}`, { filename: `${b.id}_output.jsonl`, purpose: "batch_output", content: b.results });
  }

  function openaiBatchJson(b: FakeBatch) {
    const done = b.results !== undefined;
    const failed = done ? b.results!.split("\n").filter((l) => l && JSON.parse(l).response?.status_code !== 200).length : 0;
    if (b.failedErrors) {
      return {
        id: b.id, object: "batch", endpoint: "/v1/chat/completions", errors: { object: "list", data: b.failedErrors }, input_file_id: `file-in-${b.id}`, completion_window: "24h",
        status: "failed", output_file_id: null, error_file_id: null, created_at: Math.floor(Date.now() / 1000), failed_at: Math.floor(Date.now() / 1000),
        request_counts: { total: b.items.length, completed: 0, failed: 0 }, metadata: b.metadata ?? null,
      };
    }
    return {
      id: b.id, object: "batch", endpoint: "/v1/chat/completions", errors: null, input_file_id: `file-in-${b.id}`, completion_window: "24h",
      status: b.cancelled ? "cancelled" : done ? "completed" : "in_progress", output_file_id: done ? `file-out-${b.id}` : null, error_file_id: null,
      created_at: Math.floor(Date.now() / 1000), request_counts: { total: b.items.length, completed: done ? b.items.length - failed : 0, failed },
      metadata: b.metadata ?? null,
    };
  }
  function anthropicBatchJson(b: FakeBatch) {
    const done = b.results !== undefined || b.cancelled;
    const lines = b.results ? b.results.split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
    return {
      id: b.id, type: "message_batch", processing_status: done ? "ended" : "in_progress",
      request_counts: {
        processing: done ? 0 : b.items.length, succeeded: lines.filter((l) => l.result.type === "succeeded").length,
        errored: lines.filter((l) => l.result.type === "errored").length, canceled: 0, expired: 0,
      },
      ended_at: done ? new Date().toISOString() : null, created_at: new Date().toISOString(),
      expires_at: new Date(Date.now() + 86400e3).toISOString(), cancel_initiated_at: null, archived_at: null,
      results_url: done ? `${url}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  async function poll(b: FakeBatch) {
    b.polls++;
    if (b.failedErrors) return;
    if (b.results === undefined && !b.cancelled && b.polls > pollsUntilDone) await completeBatch(b);
  }

  const authOk = (req: IncomingMessage, anthropic: boolean) => {
    if (options.apiKey === undefined) return true;
    const got = anthropic ? req.headers["x-api-key"] : String(req.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
    return got === options.apiKey;
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? "/").split("?")[0]!;
    const method = req.method ?? "GET";
    const anthropic = path.startsWith("/v1/messages");
    if (!authOk(req, anthropic)) return send(res, 401, errorBody(anthropic ? "anthropic" : "openai", 401, "Incorrect API key provided"));
    const json = () => (raw.length ? JSON.parse(raw.toString("utf8")) : {});
    const entry: FakeServer["log"][number] = { method, path };
    log.push(entry);
    const type = String(req.headers["content-type"] ?? "");
    if (type.startsWith("application/json") && raw.length) entry.body = json();
    else if (type.startsWith("multipart/form-data")) {
      const form = await new Request(`${url}${path}`, { method: "POST", headers: req.headers as Record<string, string>, body: raw }).formData();
      entry.form = {};
      for (const [k, v] of form.entries()) entry.form[k] = typeof v === "string" ? v : { filename: v.name, text: await v.text() };
    }
    let m: RegExpMatchArray | null;
    if (method === "GET" && (path === "/v1/models" || path.startsWith("/v1/models/")) && options.models) {
      modelListCalls.push(path);
      const isAnthropic = req.headers["anthropic-version"] !== undefined;
      const one = path.slice("/v1/models/".length);
      if (!one) return send(res, 200, isAnthropic ? anthropicModelList(options.models) : openaiModelList(options.models));
      const hit = (isAnthropic ? (anthropicModelList(options.models) as { data: { id: string }[] }) : (openaiModelList(options.models) as { data: { id: string }[] })).data.find((x) => x.id === decodeURIComponent(one));
      return hit ? send(res, 200, hit) : send(res, 404, rejectRequest(isAnthropic ? "anthropic" : "openai", { model: decodeURIComponent(one) }, [])!.body);
    }
    if (method === "POST" && path === "/v1/chat/completions") return modelCall("openai-chat", json(), req, res);
    if (method === "POST" && path === "/v1/completions") return modelCall("openai-completions", json(), req, res);
    if (method === "POST" && path === "/v1/messages") return modelCall("anthropic-messages", json(), req, res);
    if (method === "POST" && path === "/v1/files") {
      const form = await new Request(`${url}${path}`, { method: "POST", headers: req.headers as Record<string, string>, body: raw }).formData();
      const file = form.get("file") as File | null;
      if (!file) return send(res, 400, errorBody("openai", 400, "no file"));
      const fid = id("file-");
      const content = await file.text();
      files.set(fid, { filename: file.name, purpose: String(form.get("purpose") ?? ""), content });
      return send(res, 200, { id: fid, object: "file", bytes: Buffer.byteLength(content), created_at: Math.floor(Date.now() / 1000), filename: file.name, purpose: String(form.get("purpose") ?? ""), status: "processed" });
    }
    if (method === "GET" && (m = path.match(/^\/v1\/files\/([^/]+)\/content$/))) {
      const f = files.get(m[1]!);
      if (!f) return send(res, 404, errorBody("openai", 404, "no such file"));
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return res.end(f.content);
    }
    if (method === "GET" && (m = path.match(/^\/v1\/files\/([^/]+)$/))) {
      const f = files.get(m[1]!);
      if (!f) return send(res, 404, errorBody("openai", 404, "no such file"));
      return send(res, 200, { id: m[1], object: "file", bytes: Buffer.byteLength(f.content), created_at: 0, filename: f.filename, purpose: f.purpose, status: "processed" });
    }
    if (method === "POST" && path === "/v1/batches") {
      const body = json();
      const f = files.get(body.input_file_id);
      if (!f) return send(res, 400, errorBody("openai", 400, `no such file ${body.input_file_id}`));
      const bid = id("batch_");
      const items = f.content.split("\n").filter((l) => l.trim()).map((l) => {
        const o = JSON.parse(l);
        return { customId: String(o.custom_id), body: o.body as Record<string, any> };
      });
      const b: FakeBatch = { id: bid, kind: "openai", polls: 0, items, metadata: body.metadata ?? null };
      // Like OpenAI, a batch naming a model that is not served fails validation as a whole, with line-level errors.
      const unserved = options.models ? items.map((it, i) => ({ it, i })).filter(({ it }) => rejectRequest("openai", { model: it.body.model }, options.models!)?.status === 404) : [];
      if (unserved.length) b.failedErrors = unserved.map(({ it, i }) => ({ code: "model_not_found", message: `The model \`${it.body.model}\` does not exist or you do not have access to it.`, param: "body.model", line: i + 1 }));
      batches.set(bid, b);
      files.set(`file-in-${bid}`, f);
      return send(res, 200, openaiBatchJson(b));
    }
    if (method === "GET" && path === "/v1/batches") {
      const data = [...batches.values()].filter((b) => b.kind === "openai").reverse().map(openaiBatchJson);
      return send(res, 200, { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
    }
    if (method === "GET" && (m = path.match(/^\/v1\/batches\/([^/]+)$/))) {
      const b = batches.get(m[1]!);
      if (!b) return send(res, 404, errorBody("openai", 404, "no such batch"));
      await poll(b);
      return send(res, 200, openaiBatchJson(b));
    }
    if (method === "POST" && (m = path.match(/^\/v1\/batches\/([^/]+)\/cancel$/))) {
      const b = batches.get(m[1]!);
      if (!b) return send(res, 404, errorBody("openai", 404, "no such batch"));
      b.cancelled = true;
      return send(res, 200, openaiBatchJson(b));
    }
    if (method === "POST" && path === "/v1/messages/batches") {
      const body = json();
      const bid = id("msgbatch_");
      const b: FakeBatch = { id: bid, kind: "anthropic", polls: 0, items: (body.requests ?? []).map((r: any) => ({ customId: String(r.custom_id), body: r.params })) };
      batches.set(bid, b);
      return send(res, 200, anthropicBatchJson(b));
    }
    if (method === "GET" && (m = path.match(/^\/v1\/messages\/batches\/([^/]+)\/results$/))) {
      const b = batches.get(m[1]!);
      if (!b || b.results === undefined) return send(res, 404, errorBody("anthropic", 404, "results not ready"));
      res.writeHead(200, { "content-type": "application/binary" });
      return res.end(b.results);
    }
    if (method === "GET" && (m = path.match(/^\/v1\/messages\/batches\/([^/]+)$/))) {
      const b = batches.get(m[1]!);
      if (!b) return send(res, 404, errorBody("anthropic", 404, "no such batch"));
      await poll(b);
      return send(res, 200, anthropicBatchJson(b));
    }
    if (method === "POST" && (m = path.match(/^\/v1\/messages\/batches\/([^/]+)\/cancel$/))) {
      const b = batches.get(m[1]!);
      if (!b) return send(res, 404, errorBody("anthropic", 404, "no such batch"));
      b.cancelled = true;
      return send(res, 200, anthropicBatchJson(b));
    }
    return send(res, 404, errorBody(anthropic ? "anthropic" : "openai", 404, `fake server: no route ${method} ${path}`));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => send(res, 500, { error: { message: `fake server error: ${(e as Error).message}` } }));
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    batchItems,
    rejected,
    modelListCalls,
    log,
    batches,
    countOf: (hash) => counts.get(`s:${hash}`) ?? 0,
    setResponder(r) {
      respond = r ?? ((q: FakeRequest) => `echo: ${q.prompt}`);
    },
    setLatency(ms) {
      latency = ms;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
