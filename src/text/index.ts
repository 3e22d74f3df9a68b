/** Text: rouge_score's tokenizer, NLTK's Porter stemmer and Rouge-L, reproduced exactly. */
export { porterStem } from "./porter.js";
export {
  lcsLength, lcsLengthBitParallel, rougeFMeasure, rougeL, rougeLFromLcs, type RougeLOptions, rougeLScore,
  type RougeLScore, rougeLTokens,
} from "./rouge.js";
export { cachedPorterStem, rougeTokenize, type RougeTokenizeOptions } from "./tokenize.js";
