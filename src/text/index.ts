/** Text: rouge_score's tokenizer, NLTK's Porter stemmer and Rouge-L, reproduced exactly. */
export { rougeTokenize, cachedPorterStem, type RougeTokenizeOptions } from "./tokenize.js";
export { porterStem } from "./porter.js";
export {
  rougeL,
  rougeLScore,
  rougeLTokens,
  rougeLFromLcs,
  rougeFMeasure,
  lcsLength,
  lcsLengthBitParallel,
  type RougeLScore,
  type RougeLOptions,
} from "./rouge.js";
