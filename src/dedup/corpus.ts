/**
 * The packed form the fast Rouge-L search works on: texts tokenized exactly as rouge_score does, tokens interned to
 * integers numbered by rarity (id 0 = the rarest token), identical token sequences merged, and an inverted index
 * whose posting lists carry each token's position in the unit (for prefix and positional filtering). Everything lives in typed arrays (on SharedArrayBuffers when
 * worker threads will read it), so workers share one copy instead of cloning the corpus.
 */
import { rougeTokenize } from "../text/index.js";

/** The typed-array view of a packed corpus (what a worker receives). */
export interface PackedCorpus {
  /** Number of distinct token sequences ("units"). */
  units: number;
  /** Number of distinct token ids. */
  vocabSize: number;
  /** `seq[seqOff[u] .. seqOff[u+1])`: unit u's token ids in text order (for the LCS). */
  seqOff: Int32Array;
  seq: Int32Array;
  /** Same offsets: unit u's token ids sorted ascending = rarest first (for the overlap bound and prefix order). */
  bag: Int32Array;
  /** Tie-break key of each unit: the smallest input index holding that sequence (nearest = smallest index). */
  key: Int32Array;
  /**
   * `post[postOff[t] .. postOff[t+1])`: units containing token t, sorted by (r, key), where `postR` holds r, the
   * number of the unit's tokens from t on in rarest-first order (PPJoin's positional information).
   */
  postOff: Int32Array;
  post: Int32Array;
  postR: Int32Array;
}

/** A packed corpus plus the mapping between input items and units. */
export interface Corpus extends PackedCorpus {
  /** Unit of each input item. */
  unitOf: Int32Array;
  /** Input indices of each unit, ascending: `members[memberOff[u] .. memberOff[u+1])`. */
  memberOff: Int32Array;
  members: Int32Array;
}

function alloc32(n: number, shared: boolean): Int32Array {
  return shared ? new Int32Array(new SharedArrayBuffer(Math.max(4, n * 4))) : new Int32Array(n);
}

/** Tokenize and intern every text; token ids are renumbered by document frequency (rarest first). */
export function internTexts(texts: readonly string[], stem: boolean): { ids: Int32Array[]; vocabSize: number } {
  const vocab = new Map<string, number>();
  const raw: number[][] = [];
  const df: number[] = [];
  for (const text of texts) {
    const toks = rougeTokenize(text, { stem });
    const ids: number[] = new Array(toks.length);
    for (let i = 0; i < toks.length; i++) {
      let id = vocab.get(toks[i]!);
      if (id === undefined) {
        id = vocab.size;
        vocab.set(toks[i]!, id);
        df.push(0);
      }
      ids[i] = id;
    }
    raw.push(ids);
  }
  // document frequency (each text counted once per distinct token)
  const stamp = new Int32Array(vocab.size).fill(-1);
  raw.forEach((ids, d) => {
    for (const id of ids)
      if (stamp[id] !== d) {
        stamp[id] = d;
        df[id]!++;
      }
  });
  const order = Array.from({ length: vocab.size }, (_, i) => i).sort((a, b) => df[a]! - df[b]! || a - b);
  const rank = new Int32Array(vocab.size);
  order.forEach((id, r) => (rank[id] = r));
  return { ids: raw.map((ids) => Int32Array.from(ids, (id) => rank[id]!)), vocabSize: vocab.size };
}

/**
 * Pack token-id sequences into a {@link Corpus}: identical sequences become one unit (their similarity is 1, or 0
 * when empty), and the inverted index covers units.
 */
export function packCorpus(ids: readonly Int32Array[], vocabSize: number, shared = false): Corpus {
  const n = ids.length;
  const unitOf = new Int32Array(n);
  const byKey = new Map<string, number>();
  const unitFirst: number[] = [];
  const unitCount: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = ids[i]!.join(",");
    let u = byKey.get(k);
    if (u === undefined) {
      u = unitFirst.length;
      byKey.set(k, u);
      unitFirst.push(i);
      unitCount.push(0);
    }
    unitOf[i] = u;
    unitCount[u]!++;
  }
  const units = unitFirst.length;
  const memberOff = new Int32Array(units + 1);
  for (let u = 0; u < units; u++) memberOff[u + 1] = memberOff[u]! + unitCount[u]!;
  const members = new Int32Array(n);
  const fill = memberOff.slice(0, units);
  for (let i = 0; i < n; i++) members[fill[unitOf[i]!]!++] = i; // ascending, since i ascends

  const seqOff = alloc32(units + 1, shared);
  for (let u = 0; u < units; u++) seqOff[u + 1] = seqOff[u]! + ids[unitFirst[u]!]!.length;
  const total = seqOff[units]!;
  const seq = alloc32(total, shared);
  const bag = alloc32(total, shared);
  const key = alloc32(units, shared);
  const postCount = new Int32Array(vocabSize);
  for (let u = 0; u < units; u++) {
    const s = ids[unitFirst[u]!]!;
    seq.set(s, seqOff[u]!);
    const sorted = Int32Array.from(s).sort();
    bag.set(sorted, seqOff[u]!);
    key[u] = unitFirst[u]!;
    for (let j = 0; j < sorted.length; j++) if (j === 0 || sorted[j] !== sorted[j - 1]) postCount[sorted[j]!]!++;
  }
  const postOff = alloc32(vocabSize + 1, shared);
  for (let t = 0; t < vocabSize; t++) postOff[t + 1] = postOff[t]! + postCount[t]!;
  const entries = postOff[vocabSize]!;
  const post = alloc32(entries, shared);
  const postR = alloc32(entries, shared);
  // One entry per (unit, distinct token): r = how many of the unit's tokens (rarest first) remain from this token
  // on. Two counting sorts (by r, then stably by token; units already ascend by key) leave every list sorted by
  // (r, key).
  const eu = new Int32Array(entries);
  const et = new Int32Array(entries);
  const er = new Int32Array(entries);
  let e = 0;
  let maxR = 0;
  for (let u = 0; u < units; u++) {
    const a = seqOff[u]!;
    const b = seqOff[u + 1]!;
    for (let j = a; j < b; j++) {
      if (j > a && bag[j - 1] === bag[j]) continue;
      eu[e] = u;
      et[e] = bag[j]!;
      er[e] = b - j;
      if (b - j > maxR) maxR = b - j;
      e++;
    }
  }
  const rStart = new Int32Array(maxR + 2);
  for (let i = 0; i < entries; i++) rStart[er[i]! + 1]!++;
  for (let r = 0; r <= maxR; r++) rStart[r + 1]! += rStart[r]!;
  const byR = new Int32Array(entries);
  for (let i = 0; i < entries; i++) byR[rStart[er[i]!]!++] = i;
  const pos = postOff.slice(0, vocabSize);
  for (let q = 0; q < entries; q++) {
    const i = byR[q]!;
    const at = pos[et[i]!]!++;
    post[at] = eu[i]!;
    postR[at] = er[i]!;
  }
  return { units, vocabSize, seqOff, seq, bag, key, postOff, post, postR, unitOf, memberOff, members };
}
