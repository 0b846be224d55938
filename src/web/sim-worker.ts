// The CPU path in the browser: a web worker runs one game's worlds through the engine's run loop on the inline
// CPU backend (the same TypeScript kernels as the CLI), so the page stays responsive, and posts progress and
// the accumulator back.
import { inlineCpuBackend, type GameAccumulator } from '../../engine/core/backend.ts';
import { simulate } from '../../engine/core/simulate.ts';
import type { Profile } from '../../engine/profile.ts';
import type { Slate } from '../../engine/slate.ts';
import type { LineupAccumulator, LineupTable } from '../../engine/kernels/lineups/lineups.ts';

export interface SimRequest {
  id: number;
  /** a one-game slate */
  slate: Slate;
  profile: Profile;
  seed: number;
  worlds: number;
  chunk: number;
  /** a lineup to score in every world */
  lineup?: LineupTable;
}

export type SimReply =
  | { id: number; kind: 'progress'; done: number }
  | { id: number; kind: 'done'; acc: GameAccumulator; lineups?: LineupAccumulator }
  | { id: number; kind: 'error'; message: string };

// The DOM lib types `self` as a Window; a dedicated worker's scope has this shape.
const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<SimRequest>) => void | Promise<void>) | null;
  postMessage(message: SimReply, transfer?: Transferable[]): void;
};

scope.onmessage = async (ev) => {
  const { id, slate, profile, seed, worlds, chunk, lineup } = ev.data;
  try {
    const progress = { start() {}, stop() {}, log() {}, update: (done: number) => scope.postMessage({ id, kind: 'progress', done }) };
    const run = await simulate(slate, profile, inlineCpuBackend({ chunk }), {
      seed,
      worlds,
      progress,
      ...(lineup !== undefined ? { lineups: { table: lineup } } : {}),
    });
    const acc = (run.games[0] as { acc: GameAccumulator }).acc;
    const buffers = Object.values(acc)
      .filter((v): v is Float64Array | Uint32Array => ArrayBuffer.isView(v))
      .map((v) => v.buffer as ArrayBuffer);
    scope.postMessage({ id, kind: 'done', acc, ...(run.lineups !== undefined ? { lineups: run.lineups } : {}) }, buffers);
  } catch (e) {
    scope.postMessage({ id, kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
