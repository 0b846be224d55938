// The bench's shapes, shared by the runner (bench.ts) and the plot (plot.ts), which must not import each other.
import type { Profile } from '../engine/profile.ts';
import type { ShareModel } from '../src/shares/model.ts';

export type Scope = 'slate' | 'game';
export type BenchBackend = 'cpu1' | 'cpu' | 'gpu';

export interface ChildConfig {
  lake: string;
  date: string;
  profile: Profile;
  shareModel?: ShareModel;
  scope: Scope;
  backend: BenchBackend;
  worlds: number;
  reps: number;
  seed: number;
  /** lineups scored in every world (8 slate players each, a fixed rule), or none */
  lineups?: number;
  /** WebGPU: games per dispatch (default: the adapter's, see GpuDispatch) */
  gpuDispatch?: 'slate' | 'game';
}

export interface BenchResult {
  backend: 'cpu' | 'gpu';
  workers: number | null;
  adapter: string | null;
  scope: Scope;
  players: number;
  worlds: number;
  reps: number;
  seconds: number; // median
  seconds_all: number[];
  player_worlds_per_s: number;
  peak_rss_mb: number;
  gpu_chunks_retried_on_cpu?: number;
  /** WebGPU: games per dispatch in this run */
  gpu_dispatch?: string;
  /** lineups scored in every world (absent: none) */
  lineups?: number;
  /** with lineups: lineup-worlds per second of the time they added to the same run without them */
  lineup_worlds_per_s?: number;
  /** with lineups: the run's time over the same run without them, minus 1 */
  lineup_overhead?: number;
}
