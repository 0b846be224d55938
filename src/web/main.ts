// The browser demo of conserved usage. It reads the embedded lake with the same loader as the CLI (HTTP store
// + parquet-wasm), builds a one-game slate with the same code (engine/slate.ts, the shipped share model), and
// runs the engine on WebGPU through navigator.gpu, or on the CPU kernels in a web worker without an adapter.
// Each run is simulated twice with the same seed: as listed ("before") and with the ticked players ruled out
// ("after"), so the difference is the rule-out and not sampling noise.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction: the
   state's data, lake and engine are set by start() before any handler runs; the listed slate's per-player arrays are
   indexed within [playerStart, playerEnd) of the chosen team, and the page's HTML has the elements and table bodies
   read here. */

import wasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import profilesJson from '../../config/profiles.json';
import { runSmokeAffine } from '../../engine/gpu/smoke.ts';
import { parseProfile, pickProfile, TARGETS, type Profile, type Target } from '../../engine/profile.ts';
import { SLATE_COLUMNS, slateFromRows, type Slate } from '../../engine/slate.ts';
import { Lake } from '../data/lake.ts';
import { initParquet } from '../data/parquet.ts';
import { frameRows, type Value } from '../data/schema.ts';
import { HttpFileStore } from '../data/store-http.ts';
import { ODDS_SNAPSHOT, PLAYER_GAMES, RATES_TRAINING_BASE } from '../data/tables.ts';
import { UserError } from '../data/errors.ts';
import { parseShareModel, type ShareModel } from '../shares/model.ts';
import { parseMinutesModel, type MinutesModel } from '../features/minutes-model.ts';
import { BrowserEngine, CancelledRun, type RunOutput } from './backend.ts';
import { COLORS, drawBars, type Series } from './charts.ts';
import { LINEUP_LO_POINTS, lineupTable } from '../../engine/kernels/lineups/lineups.ts';
import { histogramStats } from '../lineups/report.ts';
import { actualShares, dkValue, rebin, ruleOutEffect, summarise, type ActualLine, type GameSummary, type Side } from './usage.ts';

const PROFILE = 'usage_shares_v1';
const SEED = 20240131;
const MAX_WORLDS = 100_000;
const TARGET_LABEL: Record<Target, string> = { fga: 'FGA', fta: 'FTA', tov: 'TOV' };

type Row = Record<string, Value>;

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T is the element kind the page's HTML gives #id
const el = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page has no #${id}`);
  return e as T;
};
const input = (id: string): HTMLInputElement => el<HTMLInputElement>(id);
const select = (id: string): HTMLSelectElement => el<HTMLSelectElement>(id);

/** One line for the page: a user's mistake as it is, anything else without its stack. */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

function showMessage(text: string): void {
  const m = el('message');
  m.textContent = text;
  m.dataset.state = text === '' ? 'ok' : 'error';
}

interface DateData {
  date: string;
  slateRows: Row[];
  box: Row[];
  odds: Row[];
}

interface Simulated {
  key: string;
  slate: Slate;
  summary: GameSummary;
  run: RunOutput;
}

const state = {
  lake: undefined as Lake | undefined,
  engine: undefined as BrowserEngine | undefined,
  shareModel: undefined as ShareModel | undefined,
  /** the shipped minutes model: ruling a player out re-predicts his teammates' minutes (as the CLI's --player-out) */
  minutesModel: undefined as MinutesModel | undefined,
  baseProfile: undefined as Profile | undefined,
  data: undefined as DateData | undefined,
  game: '',
  /** the game's slate as listed (nobody ruled out): the roster and the player picker */
  listed: undefined as Slate | undefined,
  out: new Set<number>(),
  /** the lineup scored in every world of the listed run: player ids of this game */
  lineup: [] as number[],
  before: undefined as Simulated | undefined,
  after: undefined as Simulated | undefined,
  actual: new Map<number, ActualLine>(),
  generation: 0,
  runs: 0,
  queue: Promise.resolve(),
};

// ---------------------------------------------------------------------------------------------------------
// The lake: a date's slate rows, box scores and lines.

async function loadDate(date: string): Promise<DateData> {
  const lake = state.lake!;
  const filter = { startDate: date, endDate: date };
  const t0 = performance.now();
  const [rates, box, odds] = await Promise.all([
    lake.read(RATES_TRAINING_BASE, filter, { columns: [...SLATE_COLUMNS] }),
    lake.read(PLAYER_GAMES, filter),
    lake.read(ODDS_SNAPSHOT, filter),
  ]);
  const status = el('status');
  status.textContent = `${date}: ${odds.numRows} games, ${box.numRows} player rows read from Parquet in ${(performance.now() - t0).toFixed(0)} ms`;
  status.dataset.state = 'done';
  status.dataset.rows = String(box.numRows);
  status.dataset.games = String(odds.numRows);
  return { date, slateRows: frameRows(rates), box: frameRows(box), odds: frameRows(odds) };
}

function gameLabel(o: Row): string {
  return `${String(o.away_team)} @ ${String(o.home_team)}`;
}

function renderGames(data: DateData): void {
  const avail = new Map<string, [number, number]>();
  for (const r of data.box) {
    const a = avail.get(String(r.game_id)) ?? [0, 0];
    a[r.available === true ? 0 : 1]++;
    avail.set(String(r.game_id), a);
  }
  const fmt = (v: Value | undefined): string => (typeof v === 'number' ? v.toFixed(1) : '—');
  const body = el<HTMLTableElement>('games').tBodies[0]!;
  body.replaceChildren(
    ...data.odds.map((o) => {
      const tr = document.createElement('tr');
      tr.dataset.gameId = String(o.game_id);
      const [a, out] = avail.get(String(o.game_id)) ?? [0, 0];
      for (const [text, num] of [
        [gameLabel(o), false],
        [fmt(o.spread_home), true],
        [fmt(o.total), true],
        [fmt(o.away_implied_total), true],
        [fmt(o.home_implied_total), true],
        [String(a), true],
        [String(out), true],
      ] as const) {
        const td = document.createElement('td');
        td.textContent = text;
        if (num) td.className = 'num';
        tr.append(td);
      }
      tr.addEventListener('click', () => {
        select('game').value = String(o.game_id);
        guard(selectGame(String(o.game_id), new Set()));
      });
      return tr;
    }),
  );
  const games = [...new Set(data.slateRows.map((r) => String(r.game_id)))].sort();
  const label = new Map(data.odds.map((o) => [String(o.game_id), gameLabel(o)]));
  select('game').replaceChildren(...games.map((g) => new Option(label.get(g) ?? g, g)));
}

// ---------------------------------------------------------------------------------------------------------
// A game: its roster (with rule-out boxes), the team picker, and the real night's shares.

function gameRows(): Row[] {
  return (state.data?.slateRows ?? []).filter((r) => String(r.game_id) === state.game);
}

// eslint-disable-next-line @typescript-eslint/require-await -- async so that a throw reaches guard()/the caller as a rejection
async function selectGame(gameId: string, out: Set<number>): Promise<void> {
  const data = state.data!;
  if (!data.slateRows.some((r) => String(r.game_id) === gameId)) {
    throw new UserError(`game ${gameId}: no game with available players on ${data.date} (pick one from the list)`);
  }
  const listed = slateFromRows(
    data.date,
    data.slateRows.filter((r) => String(r.game_id) === gameId),
    new Set(),
    modelFor(data.date),
  );
  for (const id of out)
    if (!listed.playerId.includes(id)) throw new UserError(`out ${id}: no available player with that id in game ${gameId}`);
  state.game = gameId;
  state.listed = listed;
  state.out = out;
  state.before = undefined;
  state.after = undefined;
  select('game').value = gameId;
  for (const tr of el<HTMLTableElement>('games').tBodies[0]?.rows ?? [])
    tr.setAttribute('aria-selected', String(tr.dataset.gameId === gameId));
  state.actual = actualShares(data.box, gameId);
  const odds = data.odds.find((o) => String(o.game_id) === gameId);
  const teamName = (side: Side): string => String((side === 0 ? odds?.home_team : odds?.away_team) ?? `team ${listed.teamId[side]!}`);
  const team = select('team');
  const keep = team.value;
  team.replaceChildren(new Option(`${teamName(1)} (away)`, '1'), new Option(`${teamName(0)} (home)`, '0'));
  // Show the team of a player ruled out from the URL; else keep home or away as it was.
  const firstOut = [...out][0];
  const outSide = firstOut === undefined ? undefined : listed.playerTeam[listed.playerId.indexOf(firstOut)]! % 2;
  team.value = outSide !== undefined ? String(outSide) : keep === '0' ? '0' : '1';
  renderRoster(listed, teamName);
  fillPlayers(listed);
  state.lineup = [];
  fillLineupPicker(listed);
  schedule(0);
}

/** The lineup picker: every player of the game, both teams. */
function fillLineupPicker(listed: Slate): void {
  const pick = select('lineup-pick');
  pick.replaceChildren(
    ...Array.from({ length: listed.nPlayers }, (_, i) => {
      const o = new Option(listed.playerName[i], String(listed.playerId[i]!));
      o.selected = state.lineup.includes(listed.playerId[i]!);
      return o;
    }),
  );
  input('lineup-paste').value = '';
}

/** Player ids of a pasted lineup: ids or names (case-insensitive) of this game, comma-separated. */
function pastedLineup(text: string, listed: Slate): number[] {
  const ids: number[] = [];
  for (const part of text
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')) {
    let i = /^\d+$/.test(part) ? listed.playerId.indexOf(Number(part)) : -1;
    if (i < 0) i = listed.playerName.findIndex((n) => n.toLowerCase() === part.toLowerCase());
    if (i < 0) throw new UserError(`lineup: ${JSON.stringify(part)} is not a player id or name of this game`);
    if (!ids.includes(listed.playerId[i]!)) ids.push(listed.playerId[i]!);
  }
  if (ids.length > 8) throw new UserError(`lineup: ${ids.length} players, a DraftKings lineup has at most 8`);
  return ids;
}

function renderRoster(listed: Slate, teamName: (side: Side) => string): void {
  const data = state.data!;
  const boxes = ([1, 0] as const).map((side) => {
    const fs = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = `${teamName(side)} (${side === 0 ? 'home' : 'away'}): projected minutes`;
    fs.append(legend);
    for (let i = listed.playerStart[side]!; i < listed.playerEnd[side]!; i++) {
      const id = listed.playerId[i]!;
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.dataset.playerId = String(id);
      box.checked = state.out.has(id);
      box.addEventListener('change', () => {
        if (box.checked) {
          state.out.add(id);
          select('team').value = String(side); // show the team that loses him
        } else state.out.delete(id);
        fillPlayers(listed);
        schedule(0);
      });
      const name = document.createElement('span');
      name.append(box, ` ${listed.playerName[i]!} out`);
      const min = document.createElement('span');
      min.className = 'min';
      min.textContent = listed.p50[i]!.toFixed(1);
      label.append(name, min);
      fs.append(label);
    }
    const teamId = listed.teamId[side]!;
    const already = data.box.filter((r) => String(r.game_id) === state.game && r.team_id === teamId && r.available !== true);
    if (already.length > 0) {
      const p = document.createElement('p');
      p.className = 'unavailable';
      p.textContent = `Already out that night: ${already.map((r) => `${String(r.player_name)} (${String(r.dnp_category)})`).join(', ')}`;
      fs.append(p);
    }
    return fs;
  });
  el('roster').replaceChildren(...boxes);
}

function fillPlayers(listed: Slate): void {
  const side = Number(select('team').value) as Side;
  const player = select('player');
  const keep = player.value;
  const options: HTMLOptionElement[] = [];
  for (let i = listed.playerStart[side]!; i < listed.playerEnd[side]!; i++) {
    options.push(new Option(listed.playerName[i], String(listed.playerId[i]!)));
  }
  player.replaceChildren(...options);
  const firstIn = options.find((o) => !state.out.has(Number(o.value)));
  player.value = options.some((o) => o.value === keep) && !state.out.has(Number(keep)) ? keep : (firstIn?.value ?? options[0]?.value ?? '');
}

// ---------------------------------------------------------------------------------------------------------
// Knobs and runs.

function modelFor(date: string): ShareModel | undefined {
  // As the CLI does: the shipped model only for dates after its training.
  const m = state.shareModel;
  return m !== undefined && m.training.end_date < date ? m : undefined;
}

function readKnobs(): { profile: Profile; worlds: number; backend: 'auto' | 'cpu'; key: string } {
  const temperature = Number(input('temperature').value);
  const noise = Number(input('noise').value);
  const cutoff = Number(input('cutoff').value);
  const worldsText = input('worlds').value.trim();
  const worlds = Number(worldsText);
  if (!/^\d+$/.test(worldsText) || worlds < 100 || worlds > MAX_WORLDS) {
    throw new UserError(
      `worlds must be a whole number from 100 to ${MAX_WORLDS.toLocaleString('en-US')}, got ${JSON.stringify(worldsText)}`,
    );
  }
  const base = state.baseProfile!;
  const profile = parseProfile(
    {
      ...base,
      usage_shares: { ...base.usage_shares, share_temperature: temperature, share_noise_std: noise, min_minutes_active_cutoff: cutoff },
    },
    'controls',
  );
  const backend = select('backend-choice').value === 'cpu' ? 'cpu' : 'auto';
  return {
    profile,
    worlds,
    backend,
    key: JSON.stringify([state.data?.date, state.game, temperature, noise, cutoff, worlds, backend, state.lineup]),
  };
}

let timer: ReturnType<typeof setTimeout> | undefined;

/**
 * Reruns after `delay` ms of quiet. A newer request supersedes an older one at once: a worker run in progress
 * is stopped, a WebGPU run finishes but is dropped, and runs never overlap on the device.
 */
function schedule(delay = 200): void {
  clearTimeout(timer);
  const gen = ++state.generation;
  state.engine?.cancel();
  timer = setTimeout(() => {
    state.queue = state.queue.then(() => simulate(gen)).catch((e: unknown) => fail(e));
  }, delay);
}

function fail(e: unknown): void {
  if (e instanceof CancelledRun) return;
  showMessage(oneLine(e));
  const run = el('run');
  run.dataset.state = 'error';
}

async function simulate(gen: number): Promise<void> {
  if (gen !== state.generation || state.data === undefined || state.game === '') return;
  const run = el('run');
  const progress = el<HTMLProgressElement>('progress');
  let knobs: ReturnType<typeof readKnobs>;
  try {
    knobs = readKnobs();
  } catch (e) {
    fail(e);
    return;
  }
  showMessage('');
  const engine = state.engine!;
  const date = state.data.date;
  const outKey = [...state.out].sort((a, b) => a - b).join(',');
  const jobs: { which: 'before' | 'after'; key: string; out: Set<number> }[] = [];
  if (state.before?.key !== knobs.key) jobs.push({ which: 'before', key: knobs.key, out: new Set() });
  if (state.out.size === 0) state.after = undefined;
  else if (state.after?.key !== `${knobs.key}|${outKey}`)
    jobs.push({ which: 'after', key: `${knobs.key}|${outKey}`, out: new Set(state.out) });
  if (jobs.length === 0) {
    render();
    return;
  }
  run.dataset.state = 'running';
  run.textContent = `Simulating ${knobs.worlds.toLocaleString('en-US')} worlds${jobs.length > 1 ? ' twice (as listed, then with players out)' : ''}…`;
  const total = knobs.worlds * jobs.length;
  let finished = 0;
  progress.value = 0;
  const times: string[] = [];
  for (const job of jobs) {
    const slate = slateFromRows(date, gameRows(), job.out, modelFor(date), state.minutesModel);
    // the lineup rides on the listed run: the same worlds as every figure above
    const lineup =
      job.which === 'before' && state.lineup.length > 0
        ? lineupTable(slate, [state.lineup.map((id) => ({ player: slate.playerId.indexOf(id), weight: 1 }))], 4)
        : undefined;
    const out = await engine.run(slate, knobs.profile, {
      seed: SEED,
      worlds: knobs.worlds,
      backend: knobs.backend,
      ...(lineup !== undefined ? { lineup } : {}),
      onProgress: (n) => (progress.value = (finished + n) / total),
    });
    if (gen !== state.generation) return;
    finished += knobs.worlds;
    state[job.which] = { key: job.key, slate, summary: summarise(slate, out.acc), run: out };
    times.push(`${job.which === 'before' ? 'as listed' : 'with players out'} ${(out.ms / 1000).toFixed(2)} s`);
  }
  progress.value = 1;
  const last = state[jobs[jobs.length - 1]?.which ?? 'before']!;
  const backendText =
    last.run.backend === 'webgpu'
      ? (engine.gpuDescription.replace(/^WebGPU adapter: /, '').split(';')[0] ?? '')
      : 'TypeScript kernels in a web worker';
  const ms = jobs.reduce((a, j) => a + state[j.which]!.run.ms, 0);
  state.runs++;
  run.dataset.state = 'done';
  run.dataset.backend = last.run.backend;
  run.dataset.ms = ms.toFixed(0);
  run.dataset.runs = String(state.runs);
  run.dataset.worlds = String(knobs.worlds);
  const cpuChunks = jobs.reduce((a, j) => a + state[j.which]!.run.cpuChunks, 0);
  run.dataset.cpuChunks = String(cpuChunks);
  run.textContent = `${backendText}: ${knobs.worlds.toLocaleString('en-US')} worlds per run in ${(ms / 1000).toFixed(2)} s (${times.join(', ')})`;
  if (last.run.fallback !== undefined) showMessage(last.run.fallback);
  else if (cpuChunks > 0)
    showMessage(`${cpuChunks} chunk(s) were rerun on the CPU after a WebGPU failure: ${last.run.gpuFailure ?? 'see the console'}`);
  render();
}

// ---------------------------------------------------------------------------------------------------------
// Views.

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const signedPts = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(1)} pts`;

function render(): void {
  const before = state.before;
  if (before === undefined) return;
  const after = state.after;
  const side = Number(select('team').value) as Side;
  const target = select('target').value as Target;
  const stat = TARGET_LABEL[target];
  const date = state.data?.date ?? '';
  const teamText = select('team').selectedOptions[0]?.textContent ?? '';
  const rows = ruleOutEffect(before.summary, after?.summary, side, target);
  const outNames = before.summary.players.filter((p) => state.out.has(p.playerId)).map((p) => p.name);

  // Who gains: the table.
  el('effect-title').textContent =
    outNames.length === 0 ? `${teamText}: ${stat} shares` : `Who gains with ${outNames.join(', ')} out: ${teamText} ${stat}`;
  el('effect-mean').textContent = `${stat} mean`;
  el('effect-note').textContent =
    outNames.length === 0
      ? `Tick a player above to rule him out; his minutes and usage move to his teammates (the minutes model re-predicts their minutes, the engine's allocation fills 240 in each world, the softmax moves the usage). Share = his expected ${stat} / the team's expected ${stat}. Share model: ${before.slate.shareSource}.`
      : `Both runs use the same seed, so the change is the rule-out, not sampling noise. Conservation: ${before.summary.conservationViolations + (after?.summary.conservationViolations ?? 0)} team-worlds where players' counts missed the team total.`;
  const body = el<HTMLTableElement>('effect').tBodies[0]!;
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.playerId = String(r.playerId);
      tr.dataset.shareBefore = r.shareBefore.toFixed(6);
      if (r.shareAfter !== null) tr.dataset.shareAfter = r.shareAfter.toFixed(6);
      if (r.ruledOut) tr.className = 'out';
      const change = r.shareAfter === null ? null : r.shareAfter - r.shareBefore;
      const actual = state.actual.get(r.playerId);
      const pair = (a: number, b: number | null, digits: number): string =>
        b === null ? a.toFixed(digits) : `${a.toFixed(digits)} → ${b.toFixed(digits)}`;
      const cells: [string, string][] = [
        [r.name, ''],
        [r.minutesP50.toFixed(1), 'num opt'],
        [pct(r.shareBefore), 'num'],
        [r.shareAfter === null ? '—' : r.ruledOut ? 'out' : pct(r.shareAfter), 'num'],
        [
          change === null || r.ruledOut ? '—' : signedPts(change),
          `num${change === null || r.ruledOut ? '' : change > 0.0005 ? ' up' : change < -0.0005 ? ' down' : ''}`,
        ],
        [pair(r.meanBefore, r.meanAfter, 1), 'num'],
        [pair(r.minutesBefore, r.minutesAfter, 1), 'num opt'],
        [pair(r.dkBefore, r.dkAfter, 1), 'num'],
        [actual === undefined ? '—' : `${pct(actual.share[target])} (${actual.counts[target]})`, 'num'],
      ];
      for (const [text, cls] of cells) {
        const td = document.createElement('td');
        td.textContent = text;
        if (cls !== '') td.className = cls;
        tr.append(td);
      }
      return tr;
    }),
  );

  // The share vector: simulated (before, after) against the real night.
  const afterLabel = `simulated, ${outNames.join(', ')} out`;
  const series: Series[] = [{ label: 'simulated, as listed', data: rows.map((r) => r.shareBefore), color: COLORS.before }];
  if (after !== undefined) series.push({ label: afterLabel, data: rows.map((r) => r.shareAfter ?? 0), color: COLORS.after });
  series.push({
    label: `actual on ${date}`,
    data: rows.map((r) => state.actual.get(r.playerId)?.share[target] ?? 0),
    color: COLORS.actual,
  });
  el('shares-caption').textContent = `${teamText}: share of team ${stat}, simulated vs actual on ${date}`;
  drawBars(
    el<HTMLCanvasElement>('chart-shares'),
    rows.map((r) => r.name),
    series,
    { horizontal: true, valueTitle: `share of team ${stat}`, categoryTitle: '' },
  );

  // The team total across worlds.
  const k = TARGETS.indexOf(target);
  const teamHists = [before.summary.teamTotalHist[side]![k]!];
  if (after !== undefined) teamHists.push(after.summary.teamTotalHist[side]![k]!);
  const teamHist = rebin(teamHists, 1, (b) => b);
  const actualTotal = [...state.actual.values()]
    .filter((a) => a.teamId === before.slate.teamId[side])
    .reduce((a, l) => a + l.counts[target], 0);
  el('team-caption').textContent =
    `${teamText}: team ${stat} total across ${before.summary.worlds.toLocaleString('en-US')} worlds (actual: ${actualTotal})`;
  drawBars(el<HTMLCanvasElement>('chart-team'), teamHist.edges.map(String), histSeries(teamHist.probs, after !== undefined, afterLabel), {
    histogram: true,
    valueTitle: 'share of worlds',
    categoryTitle: `team ${stat}`,
  });

  // One player's FGA and DK points across worlds.
  const playerId = Number(select('player').value);
  const pb = before.summary.players.find((p) => p.playerId === playerId);
  if (pb !== undefined) {
    const pa = after?.summary.players.find((p) => p.playerId === playerId);
    const gone = after !== undefined && pa === undefined;
    const fga = rebin(pa === undefined ? [pb.fgaHist] : [pb.fgaHist, pa.fgaHist], 1, (b) => b);
    const dk = rebin(pa === undefined ? [pb.dkHist] : [pb.dkHist, pa.dkHist], 8, dkValue, 0.002);
    const real = state.actual.get(playerId);
    const suffix = gone ? ' (ruled out: only the listed run)' : '';
    el('fga-caption').textContent =
      `${pb.name}: FGA, mean ${pb.mean.fga.toFixed(1)}${pa === undefined ? '' : ` → ${pa.mean.fga.toFixed(1)}`}${real === undefined ? '' : `, actual ${real.counts.fga}`}${suffix}`;
    el('dk-caption').textContent =
      `${pb.name}: DraftKings points, mean ${pb.mean.dk.toFixed(1)}${pa === undefined ? '' : ` → ${pa.mean.dk.toFixed(1)}`}${suffix}`;
    drawBars(el<HTMLCanvasElement>('chart-player-fga'), fga.edges.map(String), histSeries(fga.probs, pa !== undefined, afterLabel), {
      histogram: true,
      valueTitle: 'share of worlds',
      categoryTitle: 'FGA',
    });
    drawBars(
      el<HTMLCanvasElement>('chart-player-dk'),
      dk.edges.map((v) => v.toFixed(0)),
      histSeries(dk.probs, pa !== undefined, afterLabel),
      { histogram: true, valueTitle: 'share of worlds', categoryTitle: 'DK points (2-point bins)' },
    );
  }
  renderLineup(before);
}

/** The lineup's score across the listed run's worlds, and the sum of its players' means as a check. */
function renderLineup(before: Simulated): void {
  const summary = el('lineup-summary');
  const acc = before.run.lineups;
  if (state.lineup.length === 0 || acc === undefined) {
    summary.dataset.state = 'empty';
    summary.textContent = 'Pick players above (or paste ids or names) to score a lineup in every world.';
    drawBars(el<HTMLCanvasElement>('chart-lineup'), [], [], {
      histogram: true,
      valueTitle: 'share of worlds',
      categoryTitle: 'lineup DK points',
    });
    return;
  }
  const st = histogramStats(acc.hist, 0, LINEUP_LO_POINTS * 4, 4);
  const names = state.lineup.map((id) => before.summary.players.find((p) => p.playerId === id)?.name ?? String(id));
  const playersMean = state.lineup.reduce((s, id) => s + (before.summary.players.find((p) => p.playerId === id)?.mean.dk ?? 0), 0);
  summary.dataset.state = 'done';
  summary.dataset.mean = st.mean.toFixed(6);
  summary.dataset.playersMean = playersMean.toFixed(6);
  summary.dataset.worlds = String(st.n);
  summary.textContent = `${names.join(', ')}: DraftKings points across ${st.n.toLocaleString('en-US')} worlds, mean ${st.mean.toFixed(1)} (the players' means add to ${playersMean.toFixed(1)}), sd ${st.sd.toFixed(1)}, p10 ${st.quantile(0.1)}, p50 ${st.quantile(0.5)}, p90 ${st.quantile(0.9)}, P(>= ${Math.round(playersMean * 1.25)}) ${(100 * st.atLeast(Math.round(playersMean * 1.25))).toFixed(1)}%`;
  // 5-point bins over the range the worlds reach
  const edges: number[] = [];
  const probs: number[] = [];
  for (let b = 0; b < acc.hist.length; b++) {
    const c = acc.hist[b]!;
    if (c === 0) continue;
    const points = (b + LINEUP_LO_POINTS * 4) / 4;
    const edge = Math.floor(points / 5) * 5;
    if (edges.length === 0 || edges[edges.length - 1]! < edge) {
      for (let e = edges.length === 0 ? edge : edges[edges.length - 1]! + 5; e <= edge; e += 5) {
        edges.push(e);
        probs.push(0);
      }
    }
    probs[probs.length - 1]! += c / st.n;
  }
  drawBars(el<HTMLCanvasElement>('chart-lineup'), edges.map(String), [{ label: 'lineup', data: probs, color: COLORS.before }], {
    histogram: true,
    valueTitle: 'share of worlds',
    categoryTitle: 'lineup DK points (5-point bins)',
  });
}

function histSeries(probs: number[][], withAfter: boolean, afterLabel: string): Series[] {
  const s: Series[] = [{ label: 'as listed', data: probs[0] ?? [], color: COLORS.before }];
  if (withAfter) s.push({ label: afterLabel.replace(/^simulated, /, ''), data: probs[1] ?? [], color: COLORS.after });
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Start-up.

/** Runs an async handler, showing its failure as one line on the page. */
function guard(p: Promise<unknown>): void {
  p.catch((e: unknown) => fail(e));
}

async function checkGpu(engine: BrowserEngine): Promise<void> {
  const out = el('gpu');
  if (engine.gpu === undefined) {
    out.textContent = `WebGPU unavailable (${engine.gpuDescription}); the engine runs on the CPU in a web worker`;
    out.dataset.state = 'cpu';
    return;
  }
  // A known-answer kernel first, so a broken adapter shows here and not as odd charts.
  const inputWords = new Uint32Array(4096).map((_, i) => Math.imul(i, 2654435761) >>> 0);
  const got = await runSmokeAffine(engine.gpu.device, 1664525, 1013904223, inputWords);
  const exact = got.every((v, i) => v === (Math.imul(1664525, inputWords[i]!) + 1013904223) >>> 0);
  out.textContent = `${engine.gpuDescription} — kernel ${exact ? 'exact' : 'MISMATCH'}`;
  out.dataset.state = exact ? 'webgpu' : 'mismatch';
}

function bindControls(): void {
  for (const [id, digits] of [
    ['temperature', 2],
    ['noise', 2],
    ['cutoff', 1],
  ] as const) {
    const range = input(id);
    const shown = el<HTMLOutputElement>(`${id}-value`);
    range.addEventListener('input', () => {
      shown.value = Number(range.value).toFixed(digits);
      schedule();
    });
  }
  input('worlds').addEventListener('change', () => schedule(0));
  select('backend-choice').addEventListener('change', () => schedule(0));
  select('target').addEventListener('change', () => render());
  select('player').addEventListener('change', () => render());
  select('lineup-pick').addEventListener('change', () => {
    const picked = [...select('lineup-pick').selectedOptions].map((o) => Number(o.value));
    if (picked.length > 8) {
      showMessage(`lineup: ${picked.length} players picked, a DraftKings lineup has at most 8`);
      return;
    }
    state.lineup = picked;
    schedule(0);
  });
  input('lineup-paste').addEventListener('change', () => {
    if (state.listed === undefined) return;
    try {
      state.lineup = pastedLineup(input('lineup-paste').value, state.listed);
    } catch (e) {
      fail(e);
      return;
    }
    for (const o of select('lineup-pick').options) o.selected = state.lineup.includes(Number(o.value));
    schedule(0);
  });
  select('team').addEventListener('change', () => {
    if (state.listed !== undefined) fillPlayers(state.listed);
    render();
  });
  select('game').addEventListener('change', () => guard(selectGame(select('game').value, new Set())));
  select('date').addEventListener('change', () =>
    guard(
      (async () => {
        state.data = await loadDate(select('date').value);
        renderGames(state.data);
        const first = select('game').options[0]?.value;
        if (first !== undefined) await selectGame(first, new Set());
      })(),
    ),
  );
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const [engine] = await Promise.all([BrowserEngine.create(), initParquet(() => Promise.resolve(new URL(wasmUrl, location.href)))]);
  state.engine = engine;
  state.baseProfile = pickProfile(profilesJson, PROFILE, 'config/profiles.json');
  const gpuChecked = checkGpu(engine).catch((e: unknown) => {
    el('gpu').textContent = `WebGPU check failed: ${oneLine(e)}`;
    el('gpu').dataset.state = 'error';
  });
  state.lake = new Lake(new HttpFileStore(new URL('data/lake', location.href).href));
  const modelFile = 'data/models/shares_v1.json';
  const minutesFile = 'data/models/minutes_v1.json';
  const fetchText = (file: string): Promise<string> =>
    fetch(new URL(file, location.href)).then((r) => {
      if (!r.ok) throw new UserError(`${file}: HTTP ${r.status}`);
      return r.text();
    });
  const [partitions, modelText, minutesText] = await Promise.all([
    state.lake.partitions(PLAYER_GAMES),
    fetchText(modelFile),
    fetchText(minutesFile),
  ]);
  state.shareModel = parseShareModel(modelText, modelFile);
  state.minutesModel = parseMinutesModel(minutesText, minutesFile);
  const dates = partitions.map((p) => p.partition.game_date!);
  const dateSelect = select('date');
  dateSelect.replaceChildren(...dates.map((d) => new Option(d, d)));
  bindControls();

  const date = params.get('date') ?? dates[dates.length - 1] ?? '';
  if (!dates.includes(date))
    throw new UserError(`date ${date}: not in the embedded lake (${dates[0] ?? '?'} .. ${dates[dates.length - 1] ?? '?'})`);
  dateSelect.value = date;
  const worlds = params.get('worlds');
  if (worlds !== null) input('worlds').value = worlds;
  if (params.get('backend') === 'cpu') select('backend-choice').value = 'cpu';
  state.data = await loadDate(date);
  renderGames(state.data);
  const out = new Set(
    (params.get('out') ?? '')
      .split(',')
      .filter((s) => s !== '')
      .map((s) => {
        if (!/^\d+$/.test(s)) throw new UserError(`out ${JSON.stringify(s)}: expected player ids separated by commas`);
        return Number(s);
      }),
  );
  await gpuChecked;
  await selectGame(params.get('game') ?? select('game').options[0]?.value ?? '', out);
}

start().catch((e: unknown) => {
  const status = el('status');
  status.textContent = `Failed: ${oneLine(e)}`;
  status.dataset.state = 'error';
  const run = el('run');
  run.dataset.state = 'error';
  run.textContent = 'Nothing simulated.';
});
