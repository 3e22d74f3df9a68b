/**
 * A growable Rouge-L index for filtering while generating (self-instruct's inline policy): query a new text's exact
 * nearest neighbours among everything added so far, then add it if it is novel enough. Same exact search as the
 * batch filters (bounds only skip pairs that cannot matter), so the verdicts equal a brute-force scan.
 *
 * Token ids are given in order of first appearance (the batch filters order them by rarity, which only makes them
 * faster; any fixed order keeps the bounds valid).
 */
import { rougeTokenize } from "../text/index.js";
import type { PackedCorpus } from "./corpus.js";
import { Searcher, TopK } from "./search.js";

/** Options for {@link RougeLIndex}. */
export interface RougeLIndexOptions {
  /** Porter-stem tokens longer than 3 characters (rouge_score `use_stemmer=True`). Default false. */
  stem?: boolean;
}

/** The answer of {@link RougeLIndex.query}. */
export interface RougeLQueryResult {
  /** Exact max Rouge-L F to any indexed text (0 when none shares a token, or the index is empty). */
  maxSimilarity: number;
  /** Entry id (order of `add`) reaching it, smallest on ties; null when the index is empty. */
  nearest: number | null;
  /** The k most similar entries (score descending, then id), when k > 1 was asked. */
  topK: { index: number; similarity: number }[];
}

function grow(a: Int32Array<ArrayBufferLike>, need: number): Int32Array<ArrayBufferLike> {
  if (a.length >= need) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** An exact, growable Rouge-L nearest-neighbour index over texts. */
export class RougeLIndex {
  private readonly stem: boolean;
  private readonly vocab = new Map<string, number>();
  private seq: Int32Array<ArrayBufferLike> = new Int32Array(4096);
  private bag: Int32Array<ArrayBufferLike> = new Int32Array(4096);
  private seqOff: Int32Array<ArrayBufferLike> = new Int32Array(1025);
  private entries = 0;
  private postings: number[][] = [];
  private readonly searcher: Searcher;
  private top = new TopK(1);
  /** Pairs whose LCS was computed so far. */
  pairsScored = 0;

  constructor(options: RougeLIndexOptions = {}) {
    this.stem = options.stem ?? false;
    this.searcher = new Searcher(this.view());
  }

  /** Number of texts added. */
  get size(): number {
    return this.entries;
  }

  private view(): PackedCorpus {
    const empty = new Int32Array(0);
    return {
      units: this.seqOff.length - 1,
      vocabSize: Math.max(1, this.postings.length),
      seqOff: this.seqOff,
      seq: this.seq,
      bag: this.bag,
      key: empty,
      postOff: empty,
      post: empty,
      postR: empty,
    };
  }

  /** Tokenize and place the text right after the indexed ones (a staging area); returns its range. */
  private stage(text: string): [number, number] {
    const tokens = rougeTokenize(text, { stem: this.stem });
    const ids = tokens.map((t) => {
      let id = this.vocab.get(t);
      if (id === undefined) {
        id = this.vocab.size;
        this.vocab.set(t, id);
        this.postings.push([]);
      }
      return id;
    });
    const s0 = this.seqOff[this.entries]!;
    const s1 = s0 + ids.length;
    this.seq = grow(this.seq, s1);
    this.bag = grow(this.bag, s1);
    this.seqOff = grow(this.seqOff, this.entries + 2);
    this.seq.set(ids, s0);
    this.bag.set(Int32Array.from(ids).sort(), s0);
    this.seqOff[this.entries + 1] = s1; // provisional: becomes permanent when the text is added
    this.searcher.setCorpus(this.view());
    return [s0, s1];
  }

  private search(s0: number, s1: number, k: number): RougeLQueryResult {
    if (this.top.k !== k) this.top = new TopK(k);
    const top = this.top;
    this.pairsScored += this.searcher.searchPostings(s0, s1, this.postings, top);
    const topK: { index: number; similarity: number }[] = [];
    for (let q = 0; q < top.size; q++) topK.push({ index: top.keys[q]!, similarity: top.scores[q]! });
    // entries sharing no token score 0: fill with the smallest ids not listed
    if (topK.length < k) {
      const taken = new Set(topK.map((x) => x.index));
      for (let e = 0; e < this.entries && topK.length < k; e++) if (!taken.has(e)) topK.push({ index: e, similarity: 0 });
    }
    const first = topK[0];
    return { maxSimilarity: first?.similarity ?? 0, nearest: first ? first.index : null, topK: k > 1 ? topK : [] };
  }

  /** Exact nearest neighbours of `text` among the indexed texts (the text is not added). */
  query(text: string, k = 1): RougeLQueryResult {
    const [s0, s1] = this.stage(text);
    return this.search(s0, s1, Math.max(1, Math.floor(k)));
  }

  /** Add a text; returns its entry id. */
  add(text: string): number {
    const [s0] = this.stage(text);
    this.commit(s0);
    return this.entries - 1;
  }

  private commit(s0: number): void {
    const e = this.entries;
    const s1 = this.seqOff[e + 1]!;
    for (let j = s0; j < s1; j++) if (j === s0 || this.bag[j - 1] !== this.bag[j]) this.postings[this.bag[j]!]!.push(e);
    this.entries++;
  }

  /**
   * Self-instruct's step: compare `text` with everything indexed and add it when its maximum is <= threshold.
   * Returns the verdict with the exact maximum and the entry reaching it.
   */
  addIfNovel(text: string, threshold = 0.7, k = 1): RougeLQueryResult & { kept: boolean; id: number | null } {
    const [s0, s1] = this.stage(text);
    const r = this.search(s0, s1, Math.max(1, Math.floor(k)));
    const kept = r.maxSimilarity <= threshold;
    if (kept) this.commit(s0);
    return { ...r, kept, id: kept ? this.entries - 1 : null };
  }
}
