#!/usr/bin/env node
// `npm run test:unit`: the fast test tier. Every `test/<stage>/*.test.ts` except the slow files listed below, run
// from `src/` through tsx (no build needed), with node's test runner. `npm test` still runs everything.
//
// The fast tier is what runs in-process: a test file belongs in SLOW when it needs Jupyter, Chromium or a local GGUF
// model, or spends its time starting child processes (CLI runs through tsx, killed and resumed runs, concurrent
// writers), or takes more than a few CPU seconds for another reason. Say why beside it: the list is the tier's
// definition. Files run two at a time (the machine this was measured on has 2 cores; each file is its own process).
// Extra arguments go to `node --test` (e.g. `npm run test:unit -- --test-name-pattern=rouge`).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Test files kept out of the fast tier, and why. Paths relative to the project root. */
export const SLOW = {
  "test/platform/notebooks.test.ts": "executes every notebook through Jupyter and the tslab kernel",
  "test/platform/figures.test.ts": "exports figures through headless Chromium",
  "test/platform/setup.test.ts": "runs the set-up script in child processes; reads the kernel a completed set-up registered",
  "test/figures/cli.test.ts": "`alpacare figures` exports PNGs through headless Chromium",
  "test/llm/local.test.ts": "loads a GGUF model through node-llama-cpp",
  "test/llm/local-context.test.ts": "loads a GGUF model through node-llama-cpp at several context sizes",
  "test/infer/runner.test.ts": "runs inference on a GGUF model; kills a child run and resumes it",
  "test/dedup/dedup.test.ts": "all-pairs Rouge-L on thousands of real questions, across worker threads, against brute force",
  "test/generate/sigkill.test.ts": "kills a generation child process mid-run and resumes it",
  "test/llm/crash.test.ts": "kills and interrupts engine child processes mid-run and reruns them",
  "test/llm/cache.test.ts": "three child processes append to one cache at once",
  "test/llm/flags.test.ts": "runs `alpacare cache` in child processes",
  "test/judge/run.test.ts": "kills an `alpacare judge` child process mid-run and resumes it",
  "test/judge/cli.test.ts": "runs `alpacare score` in child processes",
  "test/dedup/cli.test.ts": "runs `alpacare dedup` in child processes",
  "test/data/cli.test.ts": "runs `alpacare data` / `catalogue` in child processes",
  "test/cli/run-checks.test.ts": "runs CLI commands on missing runs in child processes",
  "test/cli/score.test.ts": "runs `alpacare score` in child processes",
  "test/judge/today.test.ts": "runs `alpacare judge` / `score` against today's models in child processes",
  "test/contract/requests.test.ts": "runs CLI commands in child processes against the fake provider servers",
  "test/llm/models-cli.test.ts": "runs `alpacare models` in child processes against the fake provider server",
  "test/platform/browser.test.ts": "drives `npm run lab` (Jupyter) in headless Chromium",
  "test/cli/issue12.test.ts": "runs CLI commands on damaged run stores in child processes",
  "test/judge/store-integrity.test.ts": "runs two `alpacare judge` processes on one run, and one as another user",
  "test/platform/figure-display.test.ts": "draws figures in real Chromium pages",
};

const files = readdirSync(join(root, "test"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(root, "test", d.name))
      .filter((f) => f.endsWith(".test.ts"))
      .map((f) => join("test", d.name, f)),
  )
  .filter((f) => !(f.split("\\").join("/") in SLOW))
  .sort();

const args = ["--import", "tsx", "--test", "--test-concurrency=2", ...process.argv.slice(2), ...files];
process.stderr.write(`test:unit: ${files.length} files (${Object.keys(SLOW).length} slow ones only in \`npm test\`)\n`);
const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
if (r.error) {
  process.stderr.write(`test:unit: could not start node: ${r.error.message}\n`);
  process.exit(1);
}
process.exit(r.status ?? 1);
