// The browser entry: reads the embedded lake with the same loader as the CLI (HTTP store + parquet-wasm),
// and checks WebGPU through navigator.gpu with the same device code and kernel as Node. The usage demo of
// issue 9 grows from here.
import wasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import smokeWgsl from '../../shaders/smoke_affine.wgsl?raw';
import { Lake } from '../data/lake.ts';
import { initParquet } from '../data/parquet.ts';
import { frameRows } from '../data/schema.ts';
import { HttpFileStore } from '../data/store-http.ts';
import { ODDS_SNAPSHOT, PLAYER_GAMES } from '../data/tables.ts';
import { describeAdapter, requestGpuDevice } from '../../engine/gpu/device.ts';
import { registerShaderSource } from '../../engine/gpu/shader-source.ts';
import { runSmokeAffine } from '../../engine/gpu/smoke.ts';

registerShaderSource('smoke_affine', smokeWgsl);

const el = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

async function checkGpu(): Promise<void> {
  const out = el('gpu');
  try {
    const { adapter, device } = await requestGpuDevice();
    const input = new Uint32Array(4096).map((_, i) => Math.imul(i, 2654435761) >>> 0);
    const got = await runSmokeAffine(device, 1664525, 1013904223, input);
    const exact = got.every((v, i) => v === ((Math.imul(1664525, input[i] as number) + 1013904223) >>> 0));
    out.textContent = `${describeAdapter(adapter)} — kernel ${exact ? 'exact' : 'MISMATCH'}`;
    out.dataset.state = exact ? 'webgpu' : 'mismatch';
    device.destroy();
  } catch (e) {
    out.textContent = `WebGPU unavailable (${e instanceof Error ? e.message : String(e)}); the CPU path will be used`;
    out.dataset.state = 'cpu';
  }
}

async function showDate(lake: Lake, date: string): Promise<void> {
  const t0 = performance.now();
  const filter = { startDate: date, endDate: date };
  const [players, odds] = await Promise.all([lake.read(PLAYER_GAMES, filter), lake.read(ODDS_SNAPSHOT, filter)]);
  const avail = new Map<string, [number, number]>();
  for (const r of frameRows(players)) {
    const k = `${r.game_id}`;
    const a = avail.get(k) ?? [0, 0];
    a[r.available === true ? 0 : 1]++;
    avail.set(k, a);
  }
  const fmt = (v: unknown): string => (typeof v === 'number' ? v.toFixed(1) : '—');
  const body = el<HTMLTableElement>('games').tBodies[0] as HTMLTableSectionElement;
  body.replaceChildren(
    ...frameRows(odds).map((o) => {
      const tr = document.createElement('tr');
      const [a, out] = avail.get(String(o.game_id)) ?? [0, 0];
      for (const [text, num] of [
        [`${o.away_team} @ ${o.home_team}`, false],
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
      return tr;
    }),
  );
  const status = el('status');
  status.textContent = `${date}: ${odds.numRows} games, ${players.numRows} player rows read from Parquet in ${(performance.now() - t0).toFixed(0)} ms`;
  status.dataset.state = 'done';
  status.dataset.rows = String(players.numRows);
  status.dataset.games = String(odds.numRows);
}

async function start(): Promise<void> {
  await initParquet(async () => new URL(wasmUrl, location.href));
  const lake = new Lake(new HttpFileStore(new URL('data/lake', location.href).href));
  const dates = (await lake.partitions(PLAYER_GAMES)).map((p) => p.partition.game_date as string);
  const select = el<HTMLSelectElement>('date');
  select.replaceChildren(...dates.map((d) => new Option(d, d)));
  const initial = new URLSearchParams(location.search).get('date') ?? dates[dates.length - 1] ?? '';
  select.value = initial;
  select.addEventListener('change', () => void showDate(lake, select.value));
  await showDate(lake, initial);
}

void checkGpu();
start().catch((e: unknown) => {
  const status = el('status');
  status.textContent = `Failed: ${e instanceof Error ? e.message : String(e)}`;
  status.dataset.state = 'error';
});
