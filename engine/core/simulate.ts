// The one run loop every caller shares (the CLI's sim, the backtest, the bench, the library API): a slate's
// worlds through a chosen `Backend`, progress reported per chunk, timed. What the worlds mean (projections,
// team points) is read off the accumulators by engine/core/projections.ts; writing files is the caller's.
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import type { Backend, GameResult, WorldSpill } from './backend.ts';
import { silentProgress, type Progress } from './progress.ts';
import type { LineupAccumulator, LineupRequest } from '../kernels/lineups/lineups.ts';

export interface SimulateOptions {
  /** worlds per game */
  worlds: number;
  /** same seed, same bytes, on any backend, chunking or worker count */
  seed: number;
  saveWorlds?: boolean;
  /** stream every world out chunk by chunk instead of keeping it (see WorldSpill) */
  spill?: WorldSpill;
  progress?: Progress;
  /** lineups to score in every world (see engine/kernels/lineups) */
  lineups?: LineupRequest;
  /** the progress label (default: "sim <date> (G games, P players)") */
  label?: string;
}

export interface SimulationRun {
  slate: Slate;
  profile: Profile;
  backend: Backend;
  worlds: number;
  seed: number;
  /** one per game, in slate order: the accumulator (and every world when saveWorlds) */
  games: GameResult[];
  chunkWorlds: number;
  /** what the backend records about itself (see Backend) */
  backendMetrics: Record<string, unknown>;
  warning?: string;
  seconds: number;
  /** with lineups: their histograms and best-of-set counts over every world */
  lineups?: LineupAccumulator;
}

export async function simulate(slate: Slate, profile: Profile, backend: Backend, opts: SimulateOptions): Promise<SimulationRun> {
  const progress = opts.progress ?? silentProgress;
  const started = Date.now();
  progress.start(
    opts.label ?? `sim ${slate.date} (${slate.nGames} games, ${slate.nPlayers} players)`,
    opts.worlds * slate.nGames,
    'game-worlds',
  );
  let done = 0;
  const r = await backend.run(slate, profile, {
    seed: opts.seed,
    worlds: opts.worlds,
    saveWorlds: opts.saveWorlds === true,
    ...(opts.spill !== undefined ? { spill: opts.spill } : {}),
    onProgress: (n) => progress.update((done += n)),
    ...(opts.lineups !== undefined ? { lineups: opts.lineups } : {}),
  });
  progress.stop();
  return {
    slate,
    profile,
    backend,
    worlds: opts.worlds,
    seed: opts.seed,
    games: r.results,
    chunkWorlds: r.chunkWorlds,
    backendMetrics: r.metrics,
    ...(r.warning !== undefined ? { warning: r.warning } : {}),
    ...(r.lineups !== undefined ? { lineups: r.lineups } : {}),
    seconds: (Date.now() - started) / 1000,
  };
}
