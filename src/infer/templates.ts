/**
 * Prompt templates for running a model under test. The paper trains and evaluates every model with the Alpaca
 * prompt (docs/method.md#7-instruction-tuning-not-run-here); the text below is byte-for-byte the prompt that opens every published `raw_output`
 * (all 14 published models, all test sets: see `promptPrefixAgreement`). A model's own chat template is the alternative: the
 * instruction is then sent as a chat message and the serving engine applies the template.
 */
import type { ChatMessage } from "../llm/index.js";

/** The Alpaca prompt for an item with an input (iCliniq). `{instruction}` and `{input}` are replaced verbatim. */
export const ALPACA_PROMPT_WITH_INPUT =
  "Below is an instruction that describes a task, paired with an input that provides further context. " +
  "Write a response that appropriately completes the request.\n\n" +
  "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:";

/** The Alpaca prompt for an item without input (MedInstruct-test, AlpacaFarm). */
export const ALPACA_PROMPT_NO_INPUT =
  "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n" +
  "### Instruction:\n{instruction}\n\n### Response:";

/** How a test item is turned into what the model sees. */
export type InferTemplate = "alpaca" | "chat";

/** The (instruction, input) pair a model answers. `input` is "" when the item has none. */
export interface InstructionPair {
  instruction: string;
  input: string;
}

/**
 * Render the Alpaca prompt: the with-input variant when `input` is non-empty (as Python's `if input:`, so an input
 * of only spaces still counts), else the no-input variant. Replacement is literal: `{`, `$` in the text stay as
 * they are.
 */
export function renderAlpacaPrompt(pair: InstructionPair): string {
  if (pair.input !== "") {
    return ALPACA_PROMPT_WITH_INPUT.replace("{instruction}", () => pair.instruction).replace("{input}", () => pair.input);
  }
  return ALPACA_PROMPT_NO_INPUT.replace("{instruction}", () => pair.instruction);
}

/**
 * The user turn sent with the `chat` template: the instruction, then a blank line and the input when there is one
 * (the same joining the paper uses for iCliniq when it shows the item to the judge).
 */
export function chatUserContent(pair: InstructionPair): string {
  return pair.input !== "" ? `${pair.instruction}\n\n${pair.input}` : pair.instruction;
}

/** Options for {@link promptMessages}. */
export interface PromptMessagesOptions {
  /** `alpaca` (default): one raw completion prompt; `chat`: chat messages, the server applies the model's template. */
  template?: InferTemplate;
  /** System prompt for the `chat` template (default: none). Ignored for `alpaca`. */
  systemPrompt?: string;
}

/**
 * What is sent to the engine for one item: the messages and whether they are a raw completion prompt.
 * `alpaca` -> one user message holding the rendered prompt, `rawPrompt: true` (a completion, no chat template);
 * `chat` -> [system?, user] chat messages, `rawPrompt: false`.
 */
export function promptMessages(pair: InstructionPair, options: PromptMessagesOptions = {}): { messages: ChatMessage[]; rawPrompt: boolean } {
  const template = options.template ?? "alpaca";
  if (template === "alpaca") return { messages: [{ role: "user", content: renderAlpacaPrompt(pair) }], rawPrompt: true };
  const messages: ChatMessage[] = [];
  if (options.systemPrompt) messages.push({ role: "system", content: options.systemPrompt });
  messages.push({ role: "user", content: chatUserContent(pair) });
  return { messages, rawPrompt: false };
}
