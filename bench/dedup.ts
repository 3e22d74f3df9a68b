/**
 * `npm run bench:dedup`: exact all-pairs Rouge-L nearest neighbours of the 47,441 MedQuAD questions.
 * Prints the machine (cores, load), items, pairs implied, pairs actually scored, wall time, peak RSS (workers are
 * threads of this process, so they are included), and the throughput against a straightforward DP measured in the
 * same run on a sample, whose results are also checked against the fast path (exactness).
 *
 *   npm run bench:dedup [-- --threads N] [--sample 60]
 */
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg, cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { mirrorDir, rawDir } from "../src/core/index.js";
import { keptCurve, nearestNeighbours } from "../src/dedup/index.js";
import { internTexts, packCorpus } from "../src/dedup/corpus.js";
import { Searcher } from "../src/dedup/search.js";
import { lcsLength, rougeLFromLcs, rougeTokenize } from "../src/text/index.js";

function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS / 1024;
}

function loadQuestions(): { file: string; questions: string[] } {
  const candidates = [join(rawDir(), "medquad", "medquad_questions.jsonl")];
  const mirror = mirrorDir();
  if (mirror) candidates.push(join(mirror, "medquad", "medquad_questions.jsonl"));
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`MedQuAD questions not found (looked in ${candidates.join(", ")}); run \`alpacare data\``);
  const questions = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { question: string }).question);
  return { file, questions };
}

function main(): Promise<void> {
  const { values } = parseArgs({ options: { threads: { type: "string" }, sample: { type: "string", default: "60" } } });
  const cores = availableParallelism();
  const threads = values.threads ? Number(values.threads) : cores;
  const sampleSize = Number(values.sample);
  const { file, questions } = loadQuestions();
  const n = questions.length;
  const line = (k: string, v: string | number) => console.log(`${k.padEnd(40)} ${v}`);
  console.log("bench:dedup  exact all-pairs Rouge-L (rouge_score semantics) on MedQuAD questions");
  line("cpu", `${cores} cores (os.availableParallelism), ${cpus()[0]?.model ?? "?"}`);
  line("load average (1/5/15 min) at start", loadavg().map((x) => x.toFixed(2)).join(" "));
  line("node", process.version);
  line("input", `${file.replace(process.cwd() + "/", "")} field "question"`);
  line("items", n.toLocaleString("en-US"));

  return (async () => {
    const t0 = performance.now();
    const res = await nearestNeighbours(questions, { threads });
    const wall = (performance.now() - t0) / 1000;
    const s = res.stats;
    line("threads", s.threads);
    line("distinct token sequences", s.units.toLocaleString("en-US"));
    line("pairs implied (n(n-1)/2)", s.pairsImplied.toLocaleString("en-US"));
    line("pairs actually scored (LCS)", `${s.pairsScored.toLocaleString("en-US")} (${((100 * s.pairsScored) / s.pairsImplied).toFixed(3)}%)`);
    line("wall time (tokenize+index+search)", `${wall.toFixed(2)} s (of which tokenize+intern+index ${s.prepareSeconds.toFixed(2)} s)`);
    line("peak RSS (VmHWM, incl. workers)", `${peakRssMiB().toFixed(0)} MiB`);
    if (threads > 1) {
      const t1 = performance.now();
      const one = await nearestNeighbours(questions, { threads: 1 });
      const same = one.maxSimilarity.every((x, i) => x === res.maxSimilarity[i] && one.nearest[i]?.index === res.nearest[i]?.index);
      line("same run on 1 thread", `${((performance.now() - t1) / 1000).toFixed(2)} s wall, results ${same ? "identical" : "DIFFERENT"}`);
      if (!same) process.exitCode = 1;
    }
    const curve = keptCurve(res.maxSimilarity, [0.5, 0.7, 0.9]);
    line("kept at 0.5 / 0.7 / 0.9 (all-pairs)", curve.map((p) => p.kept.toLocaleString("en-US")).join(" / "));
    line("load average after fast run", loadavg().map((x) => x.toFixed(2)).join(" "));

    // Straightforward DP on a sample: each sampled item against all others, string tokens, O(mn) table.
    const tokens = questions.map((q) => rougeTokenize(q));
    const step = Math.floor(n / sampleSize);
    const sample = Array.from({ length: sampleSize }, (_, i) => i * step + 3);
    let pairs = 0;
    let mismatches = 0;
    const d0 = performance.now();
    for (const i of sample) {
      let best = 0;
      let arg = -1;
      const a = tokens[i]!;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const b = tokens[j]!;
        const f = a.length === 0 || b.length === 0 ? 0 : rougeLFromLcs(lcsLength(a, b), a.length, b.length);
        pairs++;
        if (f > best || arg === -1) {
          best = f;
          arg = j;
        }
      }
      const near = res.nearest[i];
      if (best !== res.maxSimilarity[i] || (near?.index ?? -1) !== (best === 0 && arg === -1 ? -1 : arg)) mismatches++;
    }
    const dpSec = (performance.now() - d0) / 1000;
    // The same sample with the bit-parallel LCS on interned tokens but no pruning: what the bounds add on top.
    const { ids, vocabSize } = internTexts(questions, false);
    const corpus = packCorpus(ids, vocabSize);
    const searcher = new Searcher(corpus);
    const b0 = performance.now();
    let bpPairs = 0;
    let sink = 0;
    for (const i of sample) {
      const u = corpus.unitOf[i]!;
      const s0 = corpus.seqOff[u]!;
      const s1 = corpus.seqOff[u + 1]!;
      if (s1 === s0) continue;
      searcher.prepare(s0, s1);
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const v = corpus.unitOf[j]!;
        sink += rougeLFromLcs(searcher.lcs(corpus.seqOff[v]!, corpus.seqOff[v + 1]!), s1 - s0, corpus.seqOff[v + 1]! - corpus.seqOff[v]!);
        bpPairs++;
      }
      searcher.clear(s0, s1);
    }
    const bpRate = bpPairs / ((performance.now() - b0) / 1000);
    const dpRate = pairs / dpSec;
    const fastRate = s.pairsImplied / wall;
    line("straightforward DP (sample)", `${sampleSize} items x ${(n - 1).toLocaleString("en-US")} = ${pairs.toLocaleString("en-US")} pairs in ${dpSec.toFixed(2)} s = ${(dpRate / 1e6).toFixed(2)} M pairs/s (1 thread)`);
    line("bit-parallel LCS, no pruning (sample)", `${(bpRate / 1e6).toFixed(1)} M pairs/s (1 thread; ${(bpRate / dpRate).toFixed(1)}x the DP)${sink < 0 ? "" : ""}`);
    line("DP time for all pairs (estimated)", `${(s.pairsImplied / dpRate).toFixed(0)} s`);
    line("fast path, effective", `${(fastRate / 1e6).toFixed(0)} M pairs/s`);
    line("throughput ratio fast / DP", `${(fastRate / dpRate).toFixed(0)}x`);
    line("upstream pure Python (23 us/pair)", `~${((s.pairsImplied * 23e-6) / 3600).toFixed(1)} h on one core`);
    line("exactness on the sample (max, nearest)", mismatches === 0 ? `${sampleSize}/${sampleSize} identical` : `${mismatches} MISMATCHES`);
    line("target", `<= 30 s wall, <= 2048 MiB RSS: ${wall <= 30 && peakRssMiB() <= 2048 ? "met" : "NOT met"}`);
    if (mismatches > 0) process.exitCode = 1;
  })();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
