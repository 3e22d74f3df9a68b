/**
 * Judge stage: dual-sided LLM judging as AlpaCare ran it (prompts, both orders, the upstream parser and averaging,
 * bit for bit), a robust parser, the statistics the paper left out (bootstrap interval, standard error, paired
 * differences, position bias, length effects, judge agreement), the run store, and the AlpaCare / AlpacaEval file
 * formats.
 */
export { cohenKappa, judgeAgreement, type JudgeAgreement } from "./agreement.js";
export {
  lengthDiagnosticsFigure, verdictMatrixFigure, winRateIntervalFigure, type WinRateIntervalRow,
} from "./charts.js";
export { compareVerdictGroups, type GroupAgreement, type GroupDifference } from "./comparisons.js";
export { judgeDeviations, slotDeviations } from "./deviations.js";
export {
  type AlpacaEvalAnnotation, alpacaEvalDiscreteWinRate, alpacaEvalWinRate, type AlpacaEvalWinRate,
  pairAlpacareComparisonFiles, readAlpacaEvalAnnotations, readAlpacareComparisonFiles,
  type ReadAlpacareComparisonOptions, toAlpacaEvalAnnotations, writeAlpacaEvalAnnotations,
  writeAlpacareComparisonFiles,
} from "./formats.js";
export { groupVerdicts, type VerdictGroup, type VerdictGroupKey, type WinRateRow, winRateTable } from "./groups.js";
export { lengthAdjustedWinRate, type LengthAdjustedWinRate } from "./length-adjusted.js";
export { lengthDiagnostics, type LengthDiagnosticsOptions, type LengthDiffBin } from "./length-diagnostics.js";
export {
  parseVerdict, parseVerdictAllModes, parseVerdictAlpacare, parseVerdictRobust, positionToScore, type PositionVerdict,
  readVerdictRobust, reparseVerdicts, type RobustReading, scoreToPosition, type UnparsedVerdict, unparsedVerdicts,
  type VerdictNames,
} from "./parse.js";
export { positionBias, type PositionBias, type VerdictLabel, verdictMatrix } from "./position-bias.js";
export { judgeCharCount, type JudgePlan, type JudgeTask, planJudgeRun } from "./run-plan.js";
export { judgeRun, type JudgeRunOptions, type JudgeRunResult } from "./run.js";
export {
  type BootstrapInterval, bootstrapWinRate, dualSidedScores, itemScore, itemVerdicts, pairedBootstrap,
  type PairedDifference, summariseVerdicts, type VerdictScoreOptions, winRate, type WinRateBootstrapOptions,
  winRateStandardError, type WinRateSummary,
} from "./score.js";
export { loadVerdicts, readVerdictFile, type VerdictFilter, verdictSafeName } from "./store.js";
export {
  buildJudgePrompt, buildJudgeRequest, fillJudgeTemplate, JUDGE_SYSTEM_PROMPT, judgedInstruction,
  type JudgeModelConfig, type JudgePair, type JudgePrompt, type JudgeTemplate, loadJudgeTemplate,
  type LoadJudgeTemplateOptions, makeJudgeTemplate,
} from "./templates.js";
export {
  type ItemVerdicts, JUDGE_ORDERS, type JudgeOrder, type ScoringPolicy, type VerdictParseMode, type VerdictRecord,
  type VerdictScore,
} from "./types.js";
export { verdictTexts, type VerdictTexts } from "./verdict-texts.js";
