// A CPU worker thread of the pool (engine/cpu/pool.ts). It lives across runs and answers messages:
// - 'run': the slate, profile and settings of the next run (kept until the next 'run');
// - 'anchor': the Vegas pilot of one game, posted back as its two scales;
// - 'shard': one game's range of worlds (engine/shards), posted back as its partial accumulator;
// - 'slate': a range of worlds of every game with the run's lineups scored on them, posted back as its partial;
// - 'games': whole games, saved worlds included (streamed to their spill files), posted back as their results.
import { parentPort } from 'node:worker_threads';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';
import { runAnchor, runShardCpu, runSlateShardCpu, type ShardSpec, type SlateShardSpec } from '../shards/shard.ts';
import type { LineupTable } from '../kernels/lineups/lineups.ts';
import { simulateGame } from './simulate.ts';
import { spillSink } from './spill.ts';

export interface WorkerRun {
  slate: Slate;
  profile: Profile;
  seed: number;
  worlds: number;
  chunk: number;
  saveWorlds: boolean;
  /** saved worlds streamed to per-game spill files in this folder instead of kept (engine/cpu/spill.ts) */
  spillDir?: string;
  /** lineups scored in every world ('slate' shards) */
  lineups?: LineupTable;
}

export type WorkerRequest =
  | { type: 'run'; run: WorkerRun }
  | { type: 'anchor'; game: number }
  | { type: 'shard'; spec: ShardSpec }
  | { type: 'slate'; spec: SlateShardSpec }
  | { type: 'games'; games: number[] };

let run: WorkerRun | undefined;
const port = parentPort;

function handle(m: WorkerRequest): void {
  if (m.type === 'run') {
    run = m.run;
    return;
  }
  if (run === undefined) throw new Error(`CPU worker: '${m.type}' before any run`);
  const r = run;
  const progress = (n: number): void => port?.postMessage({ type: 'progress', n });
  if (m.type === 'anchor') {
    port?.postMessage({ type: 'anchor', game: m.game, anchor: runAnchor(r.slate, r.profile, r.seed, m.game, r.chunk, r.worlds) });
  } else if (m.type === 'shard') {
    port?.postMessage({ type: 'partial', partial: runShardCpu(r.slate, r.profile, m.spec, progress) });
  } else if (m.type === 'slate') {
    if (r.lineups === undefined) throw new Error("CPU worker: a 'slate' shard in a run without lineups");
    port?.postMessage({ type: 'slate', partial: runSlateShardCpu(r.slate, r.profile, r.lineups, m.spec, progress) });
  } else {
    const spillDir = r.spillDir;
    const save = spillDir !== undefined ? (g: number) => spillSink(spillDir, g) : r.saveWorlds;
    const results = m.games.map((g) => simulateGame(r.slate, r.profile, r.seed, g, r.worlds, r.chunk, save, progress));
    port?.postMessage({ type: 'result', results });
  }
}

port?.on('message', (m: WorkerRequest) => {
  try {
    handle(m);
  } catch (e) {
    port.postMessage({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
