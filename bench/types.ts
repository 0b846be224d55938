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
}
