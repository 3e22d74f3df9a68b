/**
 * The task-generation prompt exactly as upstream builds it (AlpaCare `utils.task_encode_prompt` and
 * `task_generation.py`): the requirements text read from `prompt/instrcution_prompt.txt` plus "\n", then
 * "\nList of N tasks:\n", then each in-context task as `###\n{i}. Type: ...` and finally `###\n{k+1}. Type:` so the
 * teacher continues with the next task number. Decoding: temperature 1.0, top_p 1.0, presence_penalty 1.5,
 * frequency_penalty 0, max_tokens 500, stop at task N+1.
 */

/** The system message of every task-generation request. */
export const TASK_GENERATION_SYSTEM_PROMPT = "Your objective is to generate diverse medical-related tasks.";

/** A task as it is shown in the prompt: a seed task or a machine-generated one. */
export interface PromptTask {
  type: string;
  topic: string;
  view: string;
  difficulty: string | number;
  instruction: string;
  input: string;
}

/**
 * How "List of N tasks" is read. `includes-seeds` (upstream code, the default): the list of N counts the k in-context
 * tasks, numbered 1..k, so the teacher writes tasks k+1..N (9 new tasks for N=12, k=3) and stops at N+1.
 * `new-tasks` (the paper's text, "12 tasks per run"): the header says k+N and the stop is k+N+1, so up to N new tasks.
 */
export type ListCountReading = "includes-seeds" | "new-tasks";

/** Parameters of the prompt and its decoding. Defaults are the paper's / upstream's. */
export interface TaskPromptParams {
  /** N in "List of N tasks" (upstream `--num_instructions_to_generate_per_batch`; the paper uses 12). Default 12. */
  tasksPerRequest: number;
  /** In-context tasks per prompt (upstream `--total_num_prompt_instructions`). Default 3. */
  seedsPerPrompt: number;
  /** How many of those come from the machine-generated pool (upstream `--num_prompt_machine_instructions`). Default 0. */
  machineTasksPerPrompt: number;
  /** See {@link ListCountReading}. Default `includes-seeds`. */
  listCount: ListCountReading;
  temperature: number;
  topP: number;
  presencePenalty: number;
  frequencyPenalty: number;
  maxTokens: number;
  /** The system message. Default {@link TASK_GENERATION_SYSTEM_PROMPT}. */
  systemPrompt: string;
}

/** The paper's task-generation parameters. */
export const DEFAULT_TASK_PROMPT_PARAMS: Readonly<TaskPromptParams> = Object.freeze({
  tasksPerRequest: 12,
  seedsPerPrompt: 3,
  machineTasksPerPrompt: 0,
  listCount: "includes-seeds",
  temperature: 1.0,
  topP: 1.0,
  presencePenalty: 1.5,
  frequencyPenalty: 0,
  maxTokens: 500,
  systemPrompt: TASK_GENERATION_SYSTEM_PROMPT,
});

/** Fill the defaults in and check the numbers; throws on impossible combinations. */
export function resolveTaskPromptParams(partial: Partial<TaskPromptParams> = {}): TaskPromptParams {
  const p: TaskPromptParams = { ...DEFAULT_TASK_PROMPT_PARAMS };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) (p as unknown as Record<string, unknown>)[k] = v;
  const int = (name: keyof TaskPromptParams, min: number) => {
    const v = p[name] as number;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${v}`);
  };
  int("tasksPerRequest", 1);
  int("seedsPerPrompt", 0);
  int("machineTasksPerPrompt", 0);
  int("maxTokens", 1);
  if (p.machineTasksPerPrompt > p.seedsPerPrompt) throw new RangeError(`machineTasksPerPrompt (${p.machineTasksPerPrompt}) cannot exceed seedsPerPrompt (${p.seedsPerPrompt}): machine tasks are part of the in-context tasks`);
  if (p.listCount !== "includes-seeds" && p.listCount !== "new-tasks") throw new RangeError(`listCount must be "includes-seeds" or "new-tasks", got ${String(p.listCount)}`);
  if (p.listCount === "includes-seeds" && p.tasksPerRequest <= p.seedsPerPrompt) throw new RangeError(`with listCount "includes-seeds", tasksPerRequest (${p.tasksPerRequest}) must exceed seedsPerPrompt (${p.seedsPerPrompt}), or no new task fits in the list`);
  return p;
}

/** The N written in "List of N tasks:" for these parameters. */
export function listSize(p: Pick<TaskPromptParams, "tasksPerRequest" | "seedsPerPrompt" | "listCount">): number {
  return p.listCount === "includes-seeds" ? p.tasksPerRequest : p.seedsPerPrompt + p.tasksPerRequest;
}

/** The most new tasks one request can yield (9 for the paper's 12 with 3 seeds under `includes-seeds`, 12 under `new-tasks`). */
export function maxNewTasksPerRequest(p: Pick<TaskPromptParams, "tasksPerRequest" | "seedsPerPrompt" | "listCount">): number {
  return listSize(p) - p.seedsPerPrompt;
}

/** Upstream's stop sequences for a list of `n`: `["###\n{n+1}", "{n+1}.", "{n+1} ."]`. */
export function taskStopSequences(n: number): string[] {
  const next = String(n + 1);
  return [`###\n${next}`, `${next}.`, `${next} .`];
}

/** Python's `str.isspace()` characters, which `re.sub(r"\s+", ...)` and `str.strip()` use on str. */
export const PY_WHITESPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_WS_RUN = new RegExp(`[${PY_WHITESPACE}]+`, "g");
const PY_WS_EDGES = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, "g");

/** `re.sub(r"\s+", " ", s)` with Python's notion of whitespace. */
export function pyCollapseWhitespace(s: string): string {
  return s.replace(PY_WS_RUN, " ");
}

/** `s.strip()` (Python whitespace). */
export function pyStrip(s: string): string {
  return s.replace(PY_WS_EDGES, "");
}

/** `s.strip(chars)`: remove any of `chars` from both ends. */
export function pyStripChars(s: string, chars: string): string {
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  while (a < b && set.has(cps[a]!)) a++;
  while (b > a && set.has(cps[b - 1]!)) b--;
  return cps.slice(a, b).join("");
}

/** `s.rstrip(chars)`. */
function pyRstripChars(s: string, chars: string): string {
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let b = cps.length;
  while (b > 0 && set.has(cps[b - 1]!)) b--;
  return cps.slice(0, b).join("");
}

/**
 * One in-context task, numbered `number`, as upstream renders it: the instruction has its whitespace collapsed and
 * trailing ':' stripped; the other fields are printed as they are. Upstream computes a `<noinput>` substitute for
 * an empty input but then prints the original input (the substitute is never used), so an empty input renders as
 * `Input: ` here too. (The 167 seeds all have a non-empty input, so this only matters for machine tasks.)
 */
export function renderPromptTask(task: PromptTask, number: number): string {
  const instruction = pyRstripChars(pyStrip(pyCollapseWhitespace(task.instruction)), ":");
  return (
    `###\n` +
    `${number}. Type: ${task.type}\n` +
    `Topic: ${task.topic}\n` +
    `View: ${task.view}\n` +
    `Difficulty: ${task.difficulty}\n` +
    `Instruction: ${instruction}\n` +
    `Input: ${task.input}\n`
  );
}

/**
 * The user message of one task-generation request: `requirements + "\n"` (upstream reads the file and appends a
 * newline), `"\nList of {n} tasks:\n"`, the in-context tasks numbered from 1, then `###\n{k+1}. Type:`. Pass the
 * requirements file's text as read (`loadInstructionPrompt()`); CRLF line ends are turned into LF like Python's
 * text-mode `open().read()`.
 */
export function encodeTaskPrompt(requirements: string, tasks: readonly PromptTask[], listN: number): string {
  let prompt = requirements.replace(/\r\n?/g, "\n") + "\n";
  prompt += `\nList of ${listN} tasks:\n`;
  tasks.forEach((t, i) => {
    prompt += renderPromptTask(t, i + 1);
  });
  prompt += `###\n${tasks.length + 1}. Type:`;
  return prompt;
}
