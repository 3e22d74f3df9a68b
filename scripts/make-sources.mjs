#!/usr/bin/env node
/**
 * Regenerates `data/sources.json`: every upstream file the workbench uses, with repository, commit, path, raw URL,
 * git blob SHA-1, size (when known), licence, the path under the mirror root (`mirrorPath`, also the path under
 * `data/raw/`), and `optional: true` for files the mirror does not hold (too large to stage).
 *
 * Inputs: the mirror's `upstream.json` (the AlpaCare + alpaca_eval files, mirrored or not) plus the other mirrored
 * files listed below (self-instruct, ChatDoctor, MedQuAD, the offline GGUF model, the paper's figure values), whose
 * SHA-1 and size are computed from the mirror copy.
 *
 * Usage: node scripts/make-sources.mjs [MIRROR_DIR]   (default: ALPACARE_DATA_MIRROR, else shared/data beside the project folder)
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const mirror = resolve(process.argv[2] ?? process.env.ALPACARE_DATA_MIRROR ?? join(root, "..", "shared", "data"));
if (!existsSync(join(mirror, "upstream.json"))) {
  console.error(`make-sources: ${join(mirror, "upstream.json")} not found; pass the mirror directory as the argument`);
  process.exit(1);
}

const blobSha1 = (bytes) => createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
const rawUrl = (repo, commit, path) => `https://raw.githubusercontent.com/${repo}/${commit}/${path}`;

const REPOS = {
  "XZhang97666/AlpaCare": { folder: "alpacare", licence: "CC BY-NC 4.0 (data); code Apache-2.0" },
  "tatsu-lab/alpaca_eval": { folder: "alpaca_eval", licence: "CC BY-NC 4.0 (data); code Apache-2.0" },
  // OpenAI's own OpenAPI description: the tests validate every request body the workbench builds against it.
  "openai/openai-openapi": { folder: "openai_openapi", licence: "MIT" },
  "yizhongw/self-instruct": { folder: "self_instruct", commit: "0b26ccaa415992100fa32df62d41b994cf928e23", licence: "Apache-2.0" },
  "Kent0n-Li/ChatDoctor": {
    folder: "chatdoctor",
    commit: "e77bd7ebafbffb6d82be3410cd0d4ebebe75a516",
    licence: "Apache-2.0 (repository); its README limits use to academic research, no commercial or clinical use",
  },
  "abachaa/MedQuAD": { folder: "medquad", commit: "577bd37b96c02d1833b2c9eed2de9f96964e96cb", licence: "CC BY 4.0 (Ben Abacha & Demner-Fushman, BMC Bioinformatics 2019)" },
  "cozy-creator/python-gen-worker": {
    folder: "models",
    commit: "9a9e5e751dbb0d5dd49ba1f34a0a142e8c31e430",
    licence: "MIT (Karpathy's llama2.c tinyllamas stories260K, GGUF by ggml-org)",
  },
};

/** Mirrored files that upstream.json does not list: [repo, upstream path or null (derived/local), mirrorPath, note]. */
const EXTRA = [
  ["XZhang97666/AlpaCare", "DATA_LICENSE", "alpacare/DATA_LICENSE"],
  ["XZhang97666/AlpaCare", "task_output_generation/data/gpt4_generations/Output_path_for_task_generation.jsonl", "alpacare/task_output_generation/data/gpt4_generations/Output_path_for_task_generation.jsonl"],
  ...["13b-model-results.png", "7b-model-results-1.png", "chat_gpt_eval_7b.png", "datastats.png", "typestats.png", "viewstats.png"].map((f) => ["XZhang97666/AlpaCare", `plots/${f}`, `alpacare/plots/${f}`]),
  ["yizhongw/self-instruct", "data/seed_tasks.jsonl", "self_instruct/data/seed_tasks.jsonl"],
  ["yizhongw/self-instruct", "human_eval/user_oriented_instructions.jsonl", "self_instruct/human_eval/user_oriented_instructions.jsonl"],
  ["Kent0n-Li/ChatDoctor", "chatdoctor5k.json", "chatdoctor/chatdoctor5k.json"],
  ["abachaa/MedQuAD", "LICENSE.txt", "medquad/LICENSE.txt"],
  ["abachaa/MedQuAD", null, "medquad/medquad_questions.jsonl", "DERIVED by the mirror from all */*.xml of the repository (one line per <QAPair>, answers dropped)"],
  ["cozy-creator/python-gen-worker", "tests/testdata/stories260K.gguf", "models/stories260K.gguf", "the offline default model (a 260K-parameter TinyStories llama: a test model, not an instruction follower); removed from the repository's HEAD in 12565f4d"],
  [null, null, "paper/figure-values.csv", "win rates read off the AlpaCare paper's Figures 2, 3, 4 and 6 (workbench-made)"],
  [null, null, "paper/README.md", "how figure-values.csv was read"],
];

const fromMirror = (mirrorPath) => {
  const file = join(mirror, mirrorPath);
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  return { sha1: blobSha1(bytes), size: statSync(file).size };
};

const sources = [];
for (const u of JSON.parse(readFileSync(join(mirror, "upstream.json"), "utf8"))) {
  const repo = REPOS[u.repo];
  if (!repo) throw new Error(`unknown repository ${u.repo}`);
  const mirrorPath = u.mirror_path ?? `${repo.folder}/${u.path}`;
  const m = u.mirror_path ? fromMirror(u.mirror_path) : undefined;
  if (u.mirror_path && !m) throw new Error(`${u.mirror_path} listed in upstream.json but not in the mirror`);
  if (m && m.sha1 !== u.git_blob_sha1) throw new Error(`${u.mirror_path}: mirror copy has blob ${m.sha1}, upstream.json says ${u.git_blob_sha1}`);
  sources.push({
    id: mirrorPath,
    repository: u.repo,
    commit: u.commit,
    path: u.path,
    url: u.url,
    sha1: u.git_blob_sha1,
    ...(m ? { size: m.size } : {}),
    licence: repo.licence,
    mirrorPath,
    ...(u.mirror_path ? {} : { optional: true, note: "not in the mirror (4 MiB or more); `alpacare data --optional` downloads it" }),
  });
}
for (const [repoName, path, mirrorPath, note] of EXTRA) {
  const m = fromMirror(mirrorPath);
  if (!m) throw new Error(`${mirrorPath} not found in the mirror`);
  const repo = repoName ? REPOS[repoName] : undefined;
  const commit = repo ? (repo.commit ?? sources.find((s) => s.repository === repoName).commit) : null;
  sources.push({
    id: mirrorPath,
    repository: repoName,
    commit,
    path,
    url: repoName && path ? rawUrl(repoName, commit, path) : null,
    sha1: m.sha1,
    size: m.size,
    licence: repo ? repo.licence : "CC BY-NC 4.0 (numbers from the AlpaCare paper's figures)",
    mirrorPath,
    ...(note ? { note } : {}),
  });
}
sources.sort((a, b) => a.mirrorPath.localeCompare(b.mirrorPath));

const out = {
  description:
    "Every upstream file the AlpaCare workbench uses. `alpacare data` copies each from the mirror (ALPACARE_DATA_MIRROR, default: shared/data beside the project folder) or downloads it from `url`, into data/raw/<mirrorPath>, and verifies its git blob SHA-1 (sha1(\"blob <size>\\0\" + bytes)). Optional files are not mirrored; `alpacare data --optional` downloads them. Regenerate with `node scripts/make-sources.mjs`.",
  sources,
};
const dest = join(root, "data", "sources.json");
writeFileSync(dest, JSON.stringify(out, null, 2) + "\n");
console.log(`make-sources: wrote ${sources.length} sources (${sources.filter((s) => s.optional).length} optional) to data/sources.json`);
