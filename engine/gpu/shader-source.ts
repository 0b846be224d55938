// WGSL lives in shaders/<name>.wgsl. In Node the source is read from the package; the browser build imports
// the same files as strings through vite's `?raw` and registers them with `registerShaderSource`.
const registered = new Map<string, string>();

export function registerShaderSource(name: string, wgsl: string): void {
  registered.set(name, wgsl);
}

export async function shaderSource(name: string): Promise<string> {
  const known = registered.get(name);
  if (known !== undefined) return known;
  const fsModule = 'node:fs/promises'; // a variable specifier: browser bundles register sources instead
  const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  const url = new URL(`../../shaders/${name}.wgsl`, import.meta.url);
  const wgsl = await readFile(url, 'utf8');
  registered.set(name, wgsl);
  return wgsl;
}
