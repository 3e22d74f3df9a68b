/**
 * Judge prompt templates and the requests built from them, as upstream AlpaCare builds them
 * (`evaluation/gpt_eval.py`, `evaluation/anthropic_eval.py`, `utils.eval_encode_prompt`):
 * - the template file's text plus one "\n" (upstream reads the file and appends "\n");
 * - placeholders `{instruction}`, `{output_1}`, `{output_2}` filled one after another, each replacing the first
 *   occurrence in the prompt built so far (so text inside an earlier value can be hit by a later placeholder, as
 *   upstream; reproduced on purpose);
 * - `referenceFirst`: Output (a) = the reference, Output (b) = the model; `referenceLast` the other way round;
 * - ChatGPT: system prompt + user prompt, temperature 0, max_tokens 100, top_p 1, frequency/presence penalty 0;
 *   Claude: the Human/Assistant text, temperature 0, max_tokens_to_sample 100.
 */
import { readFileSync, existsSync } from "node:fs";
import { basename } from "node:path";
import { InputError, readTextFile, shortHash } from "../core/index.js";
import { loadJudgePrompt } from "../data/index.js";
import type { ChatRequest, ProviderName } from "../llm/index.js";
import type { JudgeOrder } from "./types.js";

/** The ChatGPT judge's system prompt, verbatim from upstream `gpt_eval.py`. */
export const JUDGE_SYSTEM_PROMPT =
  "You are a helpful instruction-following assistant that prints the best model by selecting the best outputs for a given instruction.";

/** A judge prompt template, ready to fill. */
export interface JudgeTemplate {
  /** `chatgpt`, `anthropic`, or the file name of a user template. */
  name: string;
  /** The template text as used (the file text plus upstream's trailing "\n"). */
  text: string;
  /** System prompt sent before the user turn (the ChatGPT template's); none for Human/Assistant templates. */
  system?: string;
  /** `chat`: system + user messages; `human-assistant`: Claude's "Human: ... Assistant:" completion text. */
  form: "chat" | "human-assistant";
  /** `shortHash` of {text, system, form}: recorded with every verdict and part of the cache tag. */
  hash: string;
}

/** Names of the paper's two templates. */
export type PaperTemplateName = "chatgpt" | "anthropic";

/** Options for {@link loadJudgeTemplate}. */
export interface LoadJudgeTemplateOptions {
  /** System prompt for a user template in chat form. Default: none. */
  system?: string;
}

/**
 * Load a judge template: `"chatgpt"` (system prompt + `alpaca_eval_chat_gpt.txt`), `"anthropic"`
 * (`alpaca_eval_anthropic.txt`, Human/Assistant form), or a path to a user template file (chat form unless its text
 * starts with "Human:"; line endings normalised to "\n" as Python's text mode does). Every template must contain `{instruction}`, `{output_1}` and `{output_2}`.
 */
export function loadJudgeTemplate(nameOrPath: string, options: LoadJudgeTemplateOptions = {}): JudgeTemplate {
  if (nameOrPath === "chatgpt") return makeJudgeTemplate("chatgpt", loadJudgePrompt("chatgpt") + "\n", JUDGE_SYSTEM_PROMPT);
  if (nameOrPath === "anthropic") return makeJudgeTemplate("anthropic", loadJudgePrompt("anthropic") + "\n");
  if (!existsSync(nameOrPath)) {
    throw new InputError({ file: nameOrPath }, 'judge template not found (use "chatgpt", "anthropic" or a file path)');
  }
  // Read as Python's text mode reads a template (`open(path).read()`): universal newlines, so a CRLF file fills the
  // same prompt as its LF twin.
  const text = readTextFile(nameOrPath).replace(/\r\n?/g, "\n");
  return makeJudgeTemplate(basename(nameOrPath), text, options.system, nameOrPath);
}

/**
 * Make a template from text. `system` given = chat form with that system prompt; text starting with "Human:" =
 * Human/Assistant form. `file` only names the source in error messages.
 */
export function makeJudgeTemplate(name: string, text: string, system?: string, file = name): JudgeTemplate {
  for (const key of ["instruction", "output_1", "output_2"]) {
    if (!text.includes(`{${key}}`)) throw new InputError({ file }, `judge template lacks the placeholder {${key}}`);
  }
  const unknown = templatePlaceholders(text).filter((k) => !["instruction", "output_1", "output_2"].includes(k));
  if (unknown.length) {
    // Upstream would raise KeyError on these; say so before any call is made.
    throw new InputError({ file }, `judge template has unknown placeholder(s) ${unknown.map((k) => `{${k}}`).join(", ")}`);
  }
  const form = /^\s*Human:/.test(text) && system === undefined ? "human-assistant" : "chat";
  return { name, text, system, form, hash: shortHash({ text, system: system ?? null, form }) };
}

/** Placeholders in template order, found as upstream finds them (`re.findall("{([^ \s]+?)}", template)`). */
export function templatePlaceholders(template: string): string[] {
  return [...template.matchAll(/\{([^ \s]+?)\}/g)].map((m) => m[1]!);
}

/**
 * Fill a template as upstream `eval_make_prompt`: for each placeholder found in the template (in order), replace
 * its first occurrence in the prompt built so far by the value. Values are inserted literally (no `$` patterns).
 */
export function fillJudgeTemplate(template: string, values: Record<string, string>): string {
  let prompt = template;
  for (const key of templatePlaceholders(template)) {
    const value = values[key];
    if (value === undefined) throw new Error(`judge template placeholder {${key}} has no value`);
    const token = `{${key}}`;
    const at = prompt.indexOf(token);
    if (at >= 0) prompt = prompt.slice(0, at) + value + prompt.slice(at + token.length);
  }
  return prompt;
}

/** One judge comparison to build: the instruction shown and the two outputs with their generator names. */
export interface JudgePair {
  instruction: string;
  modelName: string;
  modelOutput: string;
  referenceName: string;
  referenceOutput: string;
}

/** The filled prompt of one (pair, order) and the names upstream records as `model_1` / `model_2`. */
export interface JudgePrompt {
  order: JudgeOrder;
  prompt: string;
  model1: string;
  model2: string;
}

/** Fill the template for one order: `referenceFirst` puts the reference in Output (a). */
export function buildJudgePrompt(template: JudgeTemplate, pair: JudgePair, order: JudgeOrder): JudgePrompt {
  const ref = { name: pair.referenceName, output: pair.referenceOutput };
  const mod = { name: pair.modelName, output: pair.modelOutput };
  const [first, second] = order === "referenceFirst" ? [ref, mod] : [mod, ref];
  const prompt = fillJudgeTemplate(template.text, { instruction: pair.instruction, output_1: first.output, output_2: second.output });
  return { order, prompt, model1: first.name, model2: second.name };
}

/** The judge model and decoding settings of a run. */
export interface JudgeModelConfig {
  provider: ProviderName;
  model: string;
  /** Base URL for `openai-compatible` endpoints (or to point an SDK at a test server). */
  baseURL?: string;
  /** Default 0, as upstream. */
  temperature?: number;
  /** Default 100, as upstream. */
  maxTokens?: number;
}

/**
 * The chat request for one filled prompt. Chat form: [system, user] with upstream's explicit top_p 1 and zero
 * penalties. Human/Assistant form: sent to Anthropic as one user turn (the "Human: " prefix and the trailing
 * "Assistant:" are the legacy completion wrapper the Messages API adds itself); to other providers as one user
 * message holding the whole text. top_p 1 and zero penalties are sent to OpenAI-style providers only. The cache tag carries the order and the template hash.
 */
export function buildJudgeRequest(template: JudgeTemplate, prompt: JudgePrompt, judge: JudgeModelConfig): ChatRequest {
  const base = {
    provider: judge.provider,
    model: judge.model,
    temperature: judge.temperature ?? 0,
    maxTokens: judge.maxTokens ?? 100,
    tag: `judge:${prompt.order}:${template.hash}`,
    ...(judge.baseURL ? { baseURL: judge.baseURL } : {}),
  };
  if (template.form === "chat") {
    const messages = template.system !== undefined
      ? [{ role: "system" as const, content: template.system }, { role: "user" as const, content: prompt.prompt }]
      : [{ role: "user" as const, content: prompt.prompt }];
    // Upstream passed top_p 1 and zero penalties explicitly (OpenAI's defaults); other backends get only what
    // they support (temperature, max tokens), which decodes the same greedily.
    const openaiLike = judge.provider === "openai" || judge.provider === "openai-compatible";
    return openaiLike ? { ...base, messages, topP: 1, frequencyPenalty: 0, presencePenalty: 0 } : { ...base, messages };
  }
  const content = judge.provider === "anthropic" ? humanAssistantToUserTurn(prompt.prompt) : prompt.prompt;
  return { ...base, messages: [{ role: "user", content }] };
}

/** "Human: X\n\nAssistant:" (plus trailing whitespace) -> "X": the user turn inside a legacy completion prompt. */
export function humanAssistantToUserTurn(text: string): string {
  return text.replace(/^\s*Human:\s?/, "").replace(/\s*Assistant:\s*$/, "");
}

/**
 * The instruction the judge sees, as upstream: iCliniq = instruction + "\n\n" + input (the patient's text);
 * MedInstruct-test and AlpacaFarm = the instruction alone (upstream ignores the input there).
 */
export function judgedInstruction(testSet: string, item: { instruction: string; input?: string }): string {
  return testSet === "iCliniq" ? item.instruction + "\n\n" + (item.input ?? "") : item.instruction;
}
