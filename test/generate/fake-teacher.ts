/**
 * A deterministic stand-in for the teacher, used behind the loopback fake server: given a task-generation prompt it
 * continues the numbered list like GPT-4 does (the first task continues after "N. Type:", tasks separated by "###",
 * running past the last number so the server's stop sequences cut it), with real-world defects on some requests:
 * a task without its "###" (upstream's typical failure), a field name inside an instruction, a missing field.
 * Its text depends only on the prompt, so a resent request gets the same answer.
 */
import { createHash } from "node:crypto";

const TYPES = ["Open Q&A", "Multiple-choice Q&A", "Summarization", "Text Generation", "Classification", "Single-hop reasoning", "USMLE style Q&A", "Rewrite"];
const TOPICS = ["Cardiology", "Diabetes", "Asthma", "Pharmacology", "Anatomy", "Genetics", "Epidemiology", "Oncology", "Nephrology", "Dermatology"];
const VIEWS = ["Patient", "Expert", "Medical student", "Nurse", "Student"];
const WORDS = "assess explain describe compare outline summarize classify identify evaluate list contrast interpret justify predict".split(" ");
const NOUNS = "hypertension insulin nephron asthma statins arrhythmia anemia sepsis migraine eczema gout thyroid stroke hepatitis".split(" ");

function h(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** The completion the fake teacher writes for `prompt`. */
export function fakeTeacherCompletion(prompt: string): string {
  const m = /(\d+)\. Type:$/.exec(prompt);
  const first = m ? Number(m[1]) : 1;
  const listN = Number(/List of (\d+) tasks:/.exec(prompt)?.[1] ?? "12");
  const d = h(prompt);
  const defect = d[0]! % 6; // 0: missing ###, 1: field name in text, 2: missing Topic, else clean
  let out = "";
  for (let n = first; n <= listN + 1; n++) {
    const x = h(prompt + "#" + n);
    const words = Array.from({ length: 9 }, (_, i) => (i % 2 ? NOUNS : WORDS)[x[i]! % (i % 2 ? NOUNS.length : WORDS.length)]);
    let instruction = `${words[0]![0]!.toUpperCase()}${words[0]!.slice(1)} the ${words.slice(1).join(" ")} case ${x.readUInt32BE(10)}.`;
    if (defect === 1 && n === first + 1) instruction = `Input the patient's ${words[1]} values and ${words[2]} them.`;
    const input = x[20]! % 2 ? "<noinput>" : `A ${40 + (x[21]! % 40)}-year-old presents with ${words[1]} and ${words[3]}.`;
    const sep = n === first ? " " : defect === 0 && n === first + 2 ? "\n\n" : "###\n";
    const head = n === first ? "" : `${n}. Type: `;
    const topicLine = defect === 2 && n === first + 1 ? "" : `Topic: ${TOPICS[x[23]! % TOPICS.length]}\n`;
    out += `${sep}${head}${n === first ? "" : ""}${TYPES[x[22]! % TYPES.length]}\n${topicLine}View: ${VIEWS[x[24]! % VIEWS.length]}\nDifficulty: ${1 + (x[25]! % 5)}\nInstruction: ${instruction}\nInput: ${input}\n`;
  }
  return out.replace(/^ /, " ");
}
