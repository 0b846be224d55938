// `slatesim sim`: one date's slate through N worlds, reduced to per-player distributions, written atomically
// as <out>/game_date=D/run=R/{projections.parquet, projections.csv, metrics.json} (+ worlds with --save-worlds).
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../src/data/errors.ts';
import type { Lake } from '../src/data/lake.ts';
import { frameToParquet } from '../src/data/parquet.ts';
import { col, frameFromRows, type TableSchema, type Value } from '../src/data/schema.ts';
import { NodeFileStore } from '../src/data/store-node.ts';
import { PLAYER_GAMES, PLAYER_SLATE_KEYS } from '../src/data/tables.ts';
import { candidatesOf, matchSalaries, parseDkCsv } from '../src/lake/salaries.ts';
import type { Progress } from '../src/cli/progress.ts';
import { NSTAT, STAT_INDEX, STATS } from './kernels/kernels.ts';
import { DK_BINS, DK_MIN, MIN_BIN, MIN_BINS, type GameAccumulator, type GameResult } from './cpu/simulate.ts';
import { runGpu, type GpuRunInfo } from './gpu/simulate-gpu.ts';
import { runCpu } from './cpu/pool.ts';
import type { Profile } from './profile.ts';
import type { ShareModel } from '../src/shares/model.ts';
import { loadSlate, type Slate } from './slate.ts';

export const PROJECTIONS_SCHEMA: TableSchema = {
  name: 'projections',
  columns: [
    ...PLAYER_SLATE_KEYS,
    col('salary', 'int32', true),
    col('dk_position', 'utf8', true),
    col('play_prob', 'float64'),
    ...['minutes_mean', 'minutes_p10', 'minutes_p50', 'minutes_p90', 'pts_mean', 'reb_mean', 'ast_mean', 'stl_mean', 'blk_mean', 'tov_mean', 'fga_mean', 'fta_mean', 'fg3m_mean'].map((c) => col(c, 'float64')),
    ...['dk_fpts_mean', 'dk_fpts_std', 'dk_fpts_p05', 'dk_fpts_p10', 'dk_fpts_p25', 'dk_fpts_p50', 'dk_fpts_p75', 'dk_fpts_p90', 'dk_fpts_p95', 'dk_fpts_p99'].map((c) => col(c, 'float64')),
    col('p_double_double', 'float64'),
    col('p_triple_double', 'float64'),
  ],
};

const WORLDS_SCHEMA: TableSchema = {
  name: 'worlds',
  columns: [
    col('world', 'int32'),
    col('game_id', 'utf8'),
    col('team_id', 'int64'),
    col('player_id', 'int64'),
    col('minutes', 'float32'),
    ...STATS.map((c) => col(c, 'int32')),
    col('dk_fpts', 'float32'),
  ],
};

const TEAM_WORLDS_SCHEMA: TableSchema = {
  name: 'team_worlds',
  columns: [
    col('world', 'int32'),
    col('game_id', 'utf8'),
    col('team_id', 'int64'),
    col('fga_total', 'int32'),
    col('fta_total', 'int32'),
    col('tov_total', 'int32'),
    col('pts', 'int32'),
    col('pace_factor', 'float32'),
  ],
};

export interface SimOptions {
  lake: Lake;
  date: string;
  profile: Profile;
  profileName: string;
  worlds: number;
  seed: number;
  /** worlds per chunk (default: 2048 on the CPU, sized from the adapter's limits on the GPU) */
  chunk?: number;
  workers: number;
  out: string;
  run: string;
  saveWorlds: boolean;
  dkCsv?: { text: string; file: string };
  playerOut?: ReadonlySet<number>;
  /** The WebGPU device when the GPU path runs (absent: the CPU path). */
  gpu?: { device: GPUDevice; adapter: string };
  /** Share model for the usage-share base logits (rate_weighted without one). */
  shareModel?: ShareModel;
  progress: Progress;
}

/** Worlds per chunk on the CPU path: small enough to stay in cache, large enough to amortise the calls. */
export const CPU_CHUNK = 2048;

export interface SimResult {
  dir: string;
  rows: Record<string, Value>[];
  metrics: Record<string, unknown>;
}

/** The smallest bin value v with CDF(v) >= q (counts in a histogram), mapped through `valueOf(bin)`. */
function histQuantile(hist: Uint32Array, offset: number, bins: number, total: number, q: number, valueOf: (bin: number) => number): number {
  const need = Math.max(1, Math.ceil(q * total));
  let cum = 0;
  for (let k = 0; k < bins; k++) {
    cum += hist[offset + k] as number;
    if (cum >= need) return valueOf(k);
  }
  return valueOf(bins - 1);
}

async function salariesFor(lake: Lake, dk: { text: string; file: string } | undefined, date: string): Promise<Map<number, { salary: number; position: string }>> {
  const out = new Map<number, { salary: number; position: string }>();
  if (dk === undefined) return out;
  const rows = parseDkCsv(dk.text, dk.file).filter((r) => r.gameDate === date);
  if (rows.length === 0) throw new UserError(`--dk-csv ${dk.file}: no players on ${date}`);
  // Candidates: the date's box-score players (the slate plus who is out), so names meet their own team.
  const candidates = candidatesOf(await lake.read(PLAYER_GAMES, { startDate: date, endDate: date }, { columns: ['team_id', 'player_id', 'player_name'] }));
  for (const m of matchSalaries(rows, candidates)) if (m.candidate !== null) out.set(m.candidate.playerId, { salary: m.row.salary, position: m.row.position });
  return out;
}

export async function runSim(opts: SimOptions): Promise<SimResult> {
  const { profile, progress } = opts;
  const slate = await loadSlate(opts.lake, opts.date, opts.playerOut, opts.shareModel);
  const salaries = await salariesFor(opts.lake, opts.dkCsv, opts.date);
  const started = Date.now();
  progress.start(`sim ${opts.date} (${slate.nGames} games, ${slate.nPlayers} players)`, opts.worlds * slate.nGames, 'game-worlds');
  let done = 0;
  const common = { seed: opts.seed, worlds: opts.worlds, saveWorlds: opts.saveWorlds, onProgress: (n: number) => progress.update((done += n)) };
  let gpuInfo: Omit<GpuRunInfo, 'results'> | undefined;
  let results: GameResult[];
  let chunk = opts.chunk ?? CPU_CHUNK;
  if (opts.gpu !== undefined) {
    const { results: r, ...info } = await runGpu(opts.gpu.device, slate, profile, { ...common, ...(opts.chunk !== undefined ? { chunk: opts.chunk } : {}) });
    results = r;
    gpuInfo = info;
    chunk = info.chunkWorlds;
    if (info.failure !== undefined) process.stderr.write(`slatesim: the GPU failed (${info.failure}); ${info.cpuChunks} chunks ran on the CPU path instead\n`);
  } else {
    results = await runCpu(slate, profile, { ...common, chunk, workers: opts.workers });
  }
  progress.stop();
  const seconds = (Date.now() - started) / 1000;

  const rows: Record<string, Value>[] = [];
  const teams: Record<string, unknown>[] = [];
  let violations = 0;
  let minutesViolations = 0;
  let fallbacks = 0;
  let overtime = 0;
  let maxAnchorError = 0;
  for (const { acc } of results) {
    const g = acc.g;
    const p0 = slate.playerStart[2 * g] as number;
    violations += acc.conservationViolations;
    minutesViolations += acc.minutesViolations;
    fallbacks += acc.fallbacks;
    overtime += acc.overtimeWorlds;
    for (let j = 0; j < acc.nP; j++) rows.push(playerRow(slate, acc, p0, j, opts.date, salaries));
    for (let team = 0; team < 2; team++) {
      const t = 2 * g + team;
      const mean = (acc.teamPtsSum[team] as number) / acc.worlds;
      const sd = Math.sqrt(Math.max(0, (acc.teamPtsSumSq[team] as number) / acc.worlds - mean * mean));
      const implied = slate.teamItt[t] as number;
      if (Number.isFinite(implied)) maxAnchorError = Math.max(maxAnchorError, Math.abs(mean / implied - 1));
      teams.push({
        game_id: slate.gameId[g],
        team_id: slate.teamId[t],
        home: team === 0,
        implied_total: Number.isFinite(implied) ? implied : null,
        points_mean: mean,
        points_sd: sd,
        points_mean_over_implied: Number.isFinite(implied) ? mean / implied : null,
        anchor_scale: acc.anchor[team],
      });
    }
  }
  const metrics = {
    date: opts.date,
    profile: opts.profileName,
    seed: opts.seed,
    worlds: opts.worlds,
    backend: opts.gpu === undefined ? 'cpu' : 'gpu',
    ...(opts.gpu === undefined
      ? { workers: opts.workers }
      : {
          adapter: opts.gpu.adapter,
          gpu_chunks_retried_on_cpu: gpuInfo?.cpuChunks ?? 0,
          gpu_failure: gpuInfo?.failure ?? null,
          kernels_on_cpu: gpuInfo?.cpuKernels ?? [],
          gpu_buffers: gpuInfo?.buffers ?? null,
        }),
    chunk_worlds: chunk,
    runtime_s: seconds,
    player_worlds_per_s: (slate.nPlayers * opts.worlds) / Math.max(seconds, 1e-9),
    slate: { players: slate.nPlayers, teams: slate.nTeams, games: slate.nGames },
    players_ruled_out: [...(opts.playerOut ?? [])],
    conservation: { team_worlds_checked: slate.nTeams * opts.worlds, target_violations: violations, minutes_violations: minutesViolations },
    fallbacks: { team_worlds_with_no_eligible_player: fallbacks, fallback: profile.usage_shares.fallback },
    share_base: slate.shareSource,
    overtime_rate: overtime / (slate.nGames * opts.worlds),
    vegas_anchoring: { enabled: profile.vegas_anchoring.enabled, max_abs_relative_error: maxAnchorError },
    teams,
    profile_settings: profile,
  };
  const dir = await writeOutputs(opts, slate, rows, metrics, results.map((r) => r.worldRows));
  return { dir, rows, metrics };
}

function playerRow(s: Slate, acc: GameAccumulator, p0: number, j: number, date: string, salaries: Map<number, { salary: number; position: string }>): Record<string, Value> {
  const i = p0 + j;
  const n = acc.worlds;
  const stat = (name: keyof typeof STAT_INDEX): number => (acc.statSum[j * NSTAT + STAT_INDEX[name]] as number) / n;
  const dkMean = (acc.dkSum[j] as number) / 4 / n;
  const dkVar = Math.max(0, (acc.dkSumSq[j] as number) / 16 / n - dkMean * dkMean);
  const dkQ = (q: number): number => histQuantile(acc.dkHist, j * DK_BINS, DK_BINS, n, q, (k) => k / 4 + DK_MIN);
  const minQ = (q: number): number => histQuantile(acc.minHist, j * MIN_BINS, MIN_BINS, n, q, (k) => (k === 0 ? 0 : (k + 0.5) * MIN_BIN));
  const sal = salaries.get(s.playerId[i] as number);
  return {
    game_date: date,
    game_id: s.gameId[acc.g] as string,
    team_id: s.teamId[s.playerTeam[i] as number] as number,
    player_id: s.playerId[i] as number,
    player_name: s.playerName[i] as string,
    salary: sal?.salary ?? null,
    dk_position: sal?.position ?? null,
    play_prob: s.playProb[i] as number,
    minutes_mean: (acc.minSum[j] as number) / n,
    minutes_p10: minQ(0.1),
    minutes_p50: minQ(0.5),
    minutes_p90: minQ(0.9),
    pts_mean: stat('pts'),
    reb_mean: stat('oreb') + stat('dreb'),
    ast_mean: stat('ast'),
    stl_mean: stat('stl'),
    blk_mean: stat('blk'),
    tov_mean: stat('tov'),
    fga_mean: stat('fga'),
    fta_mean: stat('fta'),
    fg3m_mean: stat('fg3m'),
    dk_fpts_mean: dkMean,
    dk_fpts_std: Math.sqrt(dkVar),
    dk_fpts_p05: dkQ(0.05),
    dk_fpts_p10: dkQ(0.1),
    dk_fpts_p25: dkQ(0.25),
    dk_fpts_p50: dkQ(0.5),
    dk_fpts_p75: dkQ(0.75),
    dk_fpts_p90: dkQ(0.9),
    dk_fpts_p95: dkQ(0.95),
    dk_fpts_p99: dkQ(0.99),
    p_double_double: (acc.doubleDouble[j] as number) / n,
    p_triple_double: (acc.tripleDouble[j] as number) / n,
  };
}

function csvValue(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'string') return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  return String(v);
}

export function toCsv(schema: TableSchema, rows: readonly Record<string, Value>[]): string {
  const names = schema.columns.map((c) => c.name);
  return `${[names.join(','), ...rows.map((r) => names.map((n) => csvValue(r[n] ?? null)).join(','))].join('\n')}\n`;
}

/** Writes into a temporary run directory, then renames it into place: a failed run leaves nothing. */
async function writeOutputs(opts: SimOptions, slate: Slate, rows: Record<string, Value>[], metrics: Record<string, unknown>, worldRows: (import('./cpu/simulate.ts').WorldRows | undefined)[]): Promise<string> {
  const parent = join(opts.out, `game_date=${opts.date}`);
  const dir = join(parent, `run=${opts.run}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const store = new NodeFileStore(tmp);
    await store.writeFileAtomic('projections.parquet', frameToParquet(frameFromRows(PROJECTIONS_SCHEMA, rows)));
    await store.writeFileAtomic('projections.csv', new TextEncoder().encode(toCsv(PROJECTIONS_SCHEMA, rows)));
    if (opts.saveWorlds) {
      const [w, t] = worldFrames(slate, opts.worlds, worldRows);
      await store.writeFileAtomic('worlds.parquet', frameToParquet(w));
      await store.writeFileAtomic('team_worlds.parquet', frameToParquet(t));
    }
    await store.writeFileAtomic('metrics.json', new TextEncoder().encode(`${JSON.stringify(metrics, null, 2)}\n`));
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

function worldFrames(s: Slate, worlds: number, parts: (import('./cpu/simulate.ts').WorldRows | undefined)[]): [ReturnType<typeof frameFromRows>, ReturnType<typeof frameFromRows>] {
  const wr: Record<string, Value>[] = [];
  const tr: Record<string, Value>[] = [];
  parts.forEach((rows, g) => {
    if (rows === undefined) return;
    const p0 = s.playerStart[2 * g] as number;
    const nP = (s.playerEnd[2 * g + 1] as number) - p0;
    for (let w = 0; w < worlds; w++) {
      for (let j = 0; j < nP; j++) {
        const i = p0 + j;
        const at = (w * nP + j) * NSTAT;
        const r: Record<string, Value> = {
          world: w,
          game_id: s.gameId[g] as string,
          team_id: s.teamId[s.playerTeam[i] as number] as number,
          player_id: s.playerId[i] as number,
          minutes: rows.minutes[w * nP + j] as number,
          dk_fpts: rows.dk[w * nP + j] as number,
        };
        for (const [k, name] of STATS.entries()) r[name] = rows.stats[at + k] as number;
        wr.push(r);
      }
      for (let team = 0; team < 2; team++) {
        tr.push({
          world: w,
          game_id: s.gameId[g] as string,
          team_id: s.teamId[2 * g + team] as number,
          fga_total: rows.totals[(w * 2 + team) * 3] as number,
          fta_total: rows.totals[(w * 2 + team) * 3 + 1] as number,
          tov_total: rows.totals[(w * 2 + team) * 3 + 2] as number,
          pts: rows.teamPts[w * 2 + team] as number,
          pace_factor: rows.pace[w] as number,
        });
      }
    }
  });
  return [frameFromRows(WORLDS_SCHEMA, wr), frameFromRows(TEAM_WORLDS_SCHEMA, tr)];
}
