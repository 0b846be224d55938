// The CPU path in the browser: a web worker runs one game's worlds through the same TypeScript kernels as the
// CLI (engine/cpu/simulate.ts), so the page stays responsive, and posts progress and the accumulator back.
import { simulateGame, type GameAccumulator } from '../../engine/cpu/simulate.ts';
import type { Profile } from '../../engine/profile.ts';
import type { Slate } from '../../engine/slate.ts';

export interface SimRequest {
  id: number;
  /** a one-game slate */
  slate: Slate;
  profile: Profile;
  seed: number;
  worlds: number;
  chunk: number;
}

export type SimReply =
  | { id: number; kind: 'progress'; done: number }
  | { id: number; kind: 'done'; acc: GameAccumulator }
  | { id: number; kind: 'error'; message: string };

// The DOM lib types `self` as a Window; a dedicated worker's scope has this shape.
const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<SimRequest>) => void) | null;
  postMessage(message: SimReply, transfer?: Transferable[]): void;
};

scope.onmessage = (ev) => {
  const { id, slate, profile, seed, worlds, chunk } = ev.data;
  try {
    let done = 0;
    const { acc } = simulateGame(slate, profile, seed, 0, worlds, chunk, false, (n) => scope.postMessage({ id, kind: 'progress', done: (done += n) }));
    const buffers = Object.values(acc).filter((v): v is Float64Array | Uint32Array => ArrayBuffer.isView(v)).map((v) => v.buffer as ArrayBuffer);
    scope.postMessage({ id, kind: 'done', acc }, buffers);
  } catch (e) {
    scope.postMessage({ id, kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
