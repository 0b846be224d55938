// WGSL struct layout from one TypeScript declaration: a struct is a list of fields (name, WGSL type, and where
// its value comes from); from it come the field offsets, alignment and size by WGSL's layout rules (uniform or
// storage address space), the `struct` text for the WGSL prelude, and the bytes written into an ArrayBuffer by
// field name. Nothing else writes a uniform's or an input record's byte offsets.

/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below is in range by construction:
   lay.fields is the layout of decl.fields, one entry per field in the same order, so k indexes both. */

export type Scalar = 'u32' | 'i32' | 'f32';
export type VecN = 2 | 3 | 4;
export type WgslType = Scalar | `vec${VecN}<${Scalar}>` | `array<vec4<${Scalar}>, ${number}>`;

/** A struct field: its WGSL type and the value it takes in a context C (a number, or a vector's components). */
export interface Field<C> {
  name: string;
  type: WgslType;
  value: (c: C) => number | boolean | readonly number[];
  /** a short note emitted as a WGSL comment */
  note?: string;
}

export interface StructDecl<C> {
  name: string;
  space: 'uniform' | 'storage';
  fields: readonly Field<C>[];
}

export interface FieldLayout {
  name: string;
  type: WgslType;
  scalar: Scalar;
  offset: number;
  /** scalar components, and the byte stride between them (4, or 16 for an array of vec4 read one vec4 apart) */
  components: number;
  size: number;
}

export interface StructLayout {
  fields: FieldLayout[];
  align: number;
  size: number;
  offsetOf: (name: string) => number;
}

const roundUp = (a: number, n: number): number => Math.ceil(n / a) * a;

/** Alignment, size and scalar components of a type (WGSL spec, "Alignment and Size"). */
function typeInfo(t: WgslType): { align: number; size: number; scalar: Scalar; components: number } {
  if (t === 'u32' || t === 'i32' || t === 'f32') return { align: 4, size: 4, scalar: t, components: 1 };
  const arr = /^array<vec4<(u32|i32|f32)>, (\d+)>$/.exec(t);
  if (arr !== null) {
    const n = Number(arr[2]);
    return { align: 16, size: 16 * n, scalar: arr[1] as Scalar, components: 4 * n };
  }
  const vec = /^vec([234])<(u32|i32|f32)>$/.exec(t);
  if (vec === null) throw new Error(`unsupported WGSL type ${t}`);
  const n = Number(vec[1]);
  return { align: n === 2 ? 8 : 16, size: 4 * n, scalar: vec[2] as Scalar, components: n };
}

export function layoutOf<C>(decl: StructDecl<C>): StructLayout {
  let offset = 0;
  let align = 4;
  const fields: FieldLayout[] = [];
  for (const f of decl.fields) {
    const t = typeInfo(f.type);
    offset = roundUp(t.align, offset);
    fields.push({ name: f.name, type: f.type, scalar: t.scalar, offset, components: t.components, size: t.size });
    offset += t.size;
    align = Math.max(align, t.align);
  }
  // A uniform buffer binding's struct is rounded to 16 bytes (its alignment there); a storage record to its own.
  if (decl.space === 'uniform') align = roundUp(16, align);
  const size = roundUp(align, offset);
  const byName = new Map(fields.map((f) => [f.name, f.offset]));
  return {
    fields,
    align,
    size,
    offsetOf: (name) => {
      const o = byName.get(name);
      if (o === undefined) throw new Error(`${decl.name} has no field ${name}`);
      return o;
    },
  };
}

/** The struct's WGSL text (offsets in comments, so a reader can check them against the packer). */
export function structWgsl<C>(decl: StructDecl<C>): string {
  const lay = layoutOf(decl);
  const lines = decl.fields.map(
    (f, k) => `  ${f.name}: ${f.type}, // @${lay.fields[k]!.offset}${f.note === undefined ? '' : ` ${f.note}`}`,
  );
  return `struct ${decl.name} { // ${lay.size} bytes\n${lines.join('\n')}\n};\n`;
}

function writeField(dv: DataView, at: number, f: FieldLayout, v: number | boolean | readonly number[], structName: string): void {
  const values = typeof v === 'number' ? [v] : typeof v === 'boolean' ? [v ? 1 : 0] : v;
  if (values.length > f.components) throw new Error(`${structName}.${f.name}: ${values.length} values for ${f.type}`);
  values.forEach((x, k) => {
    const o = at + f.offset + 4 * k;
    if (f.scalar === 'f32') dv.setFloat32(o, x, true);
    else if (f.scalar === 'i32') dv.setInt32(o, x, true);
    else dv.setUint32(o, x >>> 0, true);
  });
}

/** One struct's bytes for context c (padding is zero). */
export function pack<C>(decl: StructDecl<C>, c: C): ArrayBuffer {
  const lay = layoutOf(decl);
  const dv = new DataView(new ArrayBuffer(lay.size));
  decl.fields.forEach((f, k) => writeField(dv, 0, lay.fields[k]!, f.value(c), decl.name));
  return dv.buffer;
}

/** An array of n records (storage layout: stride = the struct's size), record r from context at(r). */
export function packRows<C>(decl: StructDecl<C>, n: number, at: (r: number) => C): ArrayBuffer {
  const lay = layoutOf(decl);
  const dv = new DataView(new ArrayBuffer(lay.size * n));
  for (let r = 0; r < n; r++) {
    const c = at(r);
    decl.fields.forEach((f, k) => writeField(dv, r * lay.size, lay.fields[k]!, f.value(c), decl.name));
  }
  return dv.buffer;
}

/** A declared WGSL constant: emitted as `const NAME: type = value;` and imported by the TypeScript twins. */
export interface ConstDecl {
  name: string;
  type: Scalar;
  value: number;
  note?: string;
}

export function constWgsl(c: ConstDecl): string {
  const v = c.type === 'f32' ? wgslFloat(c.value) : c.type === 'u32' ? `${c.value}u` : `${c.value}i`;
  return `const ${c.name}: ${c.type} = ${v};${c.note === undefined ? '' : ` // ${c.note}`}`;
}

/** A float literal WGSL reads back to the same f32 (JS's shortest round-trip form, with a decimal point). */
export function wgslFloat(x: number): string {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
}
