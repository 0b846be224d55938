// Tonight's inputs (issue 13): the one import the `sim` command and the feature layer need. Read and
// validate the user's files (inputs.ts), then resolve them against the lake (slate.ts).
export { parseGameInfo, type DkSlateRow, type SlateGame } from './dk.ts';
export {
  readPregameInputs,
  type InjuryEntry,
  type LineEntry,
  type MinutesEntry,
  type NamedEntry,
  type PregameFiles,
  type PregameInputs,
} from './inputs.ts';
export { fallbackTotal, LEAGUE_TOTAL_DEFAULT, resolveGameLines, type FallbackTotal, type GameLine } from './lines.ts';
export { matchPregamePlayers, type MatchMethod, type MatchSummary, type PlayerMatch } from './match.ts';
export { applyMinutesOverride, type MinutesQuantiles } from './minutes.ts';
export { noHistoryPrior, type NoHistoryPrior } from './no-history.ts';
export {
  pregameNotices,
  resolvePregameSlate,
  type PregameMetrics,
  type PregamePlayer,
  type PregameSlate,
  type TeamStarters,
} from './slate.ts';
export { finerStatus, STATUS_TABLE, statusRule, type InjuryStatus, type StatusRule } from './status.ts';
