// Where a kernel's WGSL comes from, by name. 'contract' is the prelude generated from the TypeScript
// declarations (engine/kernels/prelude.ts); a kernel unit's WGSL lives beside its TypeScript twin in
// engine/kernels/<name>/<name>.wgsl; shaders/ keeps the device smoke test (smoke_affine). In Node the files are
// read from the package; the browser build imports the same files as strings through vite's `?raw` and
// registers them with `registerShaderSource`; tests register their own test-only shaders the same way.
import { PRELUDE_NAME, preludeWgsl } from '../kernels/prelude.ts';

const registered = new Map<string, string>();

export function registerShaderSource(name: string, wgsl: string): void {
  registered.set(name, wgsl);
}

/** The file of a named shader, relative to this module. */
function shaderUrl(name: string): URL {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad shader name ${name}`);
  return name.startsWith('smoke_')
    ? new URL(`../../shaders/${name}.wgsl`, import.meta.url)
    : new URL(`../kernels/${name}/${name}.wgsl`, import.meta.url);
}

export async function shaderSource(name: string): Promise<string> {
  if (name === PRELUDE_NAME) return preludeWgsl();
  const known = registered.get(name);
  if (known !== undefined) return known;
  const fsModule = 'node:fs/promises'; // a variable specifier: browser bundles register sources instead
  const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  const wgsl = await readFile(shaderUrl(name), 'utf8');
  registered.set(name, wgsl);
  return wgsl;
}
