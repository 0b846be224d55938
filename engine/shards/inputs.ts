// The inputs of a distributed run as one blob: the slate (typed arrays and names), the profile and, for a lineup
// run, the lineup table, as JSON with typed arrays tagged and base64-encoded and non-finite numbers spelled out,
// so a worker rebuilds the very same values. The blob is addressed by its SHA-256 (src/distributed), so a
// worker never sees half of one.
import type { LineupTable } from '../kernels/lineups/lineups.ts';
import type { Profile } from '../profile.ts';
import type { Slate } from '../slate.ts';

export interface RunInputs {
  slate: Slate;
  profile: Profile;
  /** the lineups scored in every world (a lineup run) */
  lineups?: LineupTable;
}

const TYPED = { Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array, Int8Array, Uint16Array, Int16Array } as const;
type TypedName = keyof typeof TYPED;

function toBase64(u8: Uint8Array): string {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The inputs as bytes (the same inputs always give the same bytes). */
export function encodeInputs(inputs: RunInputs): Uint8Array {
  const json = JSON.stringify({ version: 1, ...inputs }, function (this: unknown, _key: string, v: unknown): unknown {
    if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) };
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const name = v.constructor.name;
      if (!(name in TYPED)) throw new Error(`cannot encode a ${name}`);
      return { $typed: name, $b64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
    return v;
  });
  return new TextEncoder().encode(json);
}

export function decodeInputs(bytes: Uint8Array): RunInputs {
  const parsed = JSON.parse(new TextDecoder().decode(bytes), (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null) {
      const o = v as { $num?: string; $typed?: TypedName; $b64?: string };
      if (o.$num !== undefined) return Number(o.$num);
      if (o.$typed !== undefined && o.$b64 !== undefined) {
        const raw = fromBase64(o.$b64);
        const Ctor = TYPED[o.$typed];
        return new Ctor(raw.buffer, 0, raw.byteLength / Ctor.BYTES_PER_ELEMENT);
      }
    }
    return v;
  }) as { version: number } & RunInputs;
  if (parsed.version !== 1) throw new Error(`inputs version ${parsed.version}, this slatesim reads version 1`);
  return { slate: parsed.slate, profile: parsed.profile, ...(parsed.lineups !== undefined ? { lineups: parsed.lineups } : {}) };
}
