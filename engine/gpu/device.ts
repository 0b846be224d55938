// Getting a WebGPU device, one code path for Node (Dawn, from the `webgpu` package) and the browser
// (navigator.gpu). A caller may hand in its own GPUDevice instead. Failures become typed errors.
import { UserError } from '../../src/data/errors.ts';

/** No WebGPU adapter here (no driver, or WebGPU disabled). A user-facing condition, not a bug. */
export class GpuUnavailableError extends UserError {}

/** The device was lost (driver reset, out of memory, destroyed); work on it must be retried elsewhere. */
export class GpuDeviceLostError extends Error {
  override readonly name = 'GpuDeviceLostError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A WebGPU validation error (a bug in how a kernel was set up, not a user mistake); names the kernel. */
export class GpuValidationError extends Error {
  override readonly name = 'GpuValidationError';
}

/** The device could not allocate a buffer: fewer worlds per chunk may fit. */
export class GpuOutOfMemoryError extends Error {
  override readonly name = 'GpuOutOfMemoryError';
}

/** A WGSL module that failed to compile; the message names the kernel and the line. */
export class GpuShaderError extends Error {
  override readonly name = 'GpuShaderError';
}

export interface GpuContext {
  adapter: GPUAdapter | null;
  device: GPUDevice;
  /** Resolves when the device is lost; `lost` is set then. */
  lost: Promise<GpuDeviceLostError>;
  uncaptured: string[];
}

let nodeGpu: Promise<GPU | undefined> | undefined;

let dawnVerbose = false;

/** Whether Dawn's own messages (written by the native module straight to stderr) reach the user: `--verbose`. */
export function setDawnVerbose(verbose: boolean): void {
  dawnVerbose = verbose;
}

/** Whether this is Node (Dawn and node:fs can be loaded), not a browser. */
function inNode(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- a browser bundle may shim `process` without `versions`
  return typeof process !== 'undefined' && process.versions?.node !== undefined;
}

/**
 * Runs `f` (Dawn finding its adapters) with file descriptor 2 on /dev/null unless --verbose: Dawn prints warnings
 * such as "maxDynamicUniformBuffersPerPipelineLayout artificially reduced ..." or a Vulkan loader's "Found no
 * drivers!" with the library's build paths, from native code that no JS stream sees. Linux only (the descriptor is
 * put back by reopening /proc/self/fd): elsewhere, or when anything is unusual, `f` runs as it is.
 */
async function quietNative<T>(f: () => Promise<T>): Promise<T> {
  // a browser (navigator.gpu, no Node) has no native module and no node:fs to import
  if (dawnVerbose || !inNode()) return f();
  // a variable specifier keeps bundlers from looking for node:fs in the browser build
  const fsModule = 'node:fs';
  const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs');
  let saved: number;
  try {
    if (process.platform !== 'linux') return await f();
    fs.fstatSync(0);
    fs.fstatSync(1);
    saved = fs.openSync('/proc/self/fd/2', 'a');
  } catch {
    return f(); // stdin/stdout closed, or stderr a socket: leave it alone
  }
  fs.closeSync(2);
  let nul = -1;
  try {
    nul = fs.openSync('/dev/null', 'w'); // the lowest free descriptor: 2
  } catch {
    /* fd 2 stays closed until restored below */
  }
  try {
    return await f();
  } finally {
    if (nul >= 0) fs.closeSync(nul);
    const back = fs.openSync(`/proc/self/fd/${saved}`, 'a'); // 2 again
    if (back !== 2) fs.closeSync(back);
    fs.closeSync(saved);
  }
}

/** navigator.gpu in a browser, else Dawn through the `webgpu` package in Node. */
export async function getGpu(): Promise<GPU | undefined> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu !== undefined) return nav.gpu;
  if (!inNode()) return undefined;
  nodeGpu ??= (async () => {
    // A variable specifier keeps bundlers from pulling Dawn's Node addon into the browser build.
    const dawnModule = 'webgpu';
    const dawn = (await import(/* @vite-ignore */ dawnModule)) as { create: (opts: string[]) => GPU; globals: object };
    // Dawn's globals (GPUBufferUsage, GPUMapMode, ...) are what browser code expects to find.
    Object.assign(globalThis, dawn.globals);
    return quietNative(() => Promise.resolve(dawn.create([])));
  })();
  return nodeGpu;
}

export async function requestGpuDevice(opts: { device?: GPUDevice; powerPreference?: GPUPowerPreference } = {}): Promise<GpuContext> {
  let adapter: GPUAdapter | null = null;
  let device = opts.device;
  if (device === undefined) {
    const gpu = await getGpu();
    if (gpu === undefined) throw new GpuUnavailableError('WebGPU is not available in this runtime');
    adapter = await quietNative(() =>
      gpu.requestAdapter(opts.powerPreference === undefined ? {} : { powerPreference: opts.powerPreference }),
    );
    if (adapter === null) {
      throw new GpuUnavailableError('no WebGPU adapter found (in Node, Dawn needs a Vulkan driver: see .ci/install-system-deps.sh)');
    }
    // Ask for the adapter's own limits: kernels size their chunks from what the device reports.
    const limits: Record<string, number> = {};
    for (const key of [
      'maxStorageBufferBindingSize',
      'maxBufferSize',
      'maxComputeWorkgroupsPerDimension',
      'maxComputeInvocationsPerWorkgroup',
      'maxComputeWorkgroupSizeX',
      'maxStorageBuffersPerShaderStage',
    ] as const) {
      limits[key] = adapter.limits[key];
    }
    // Timestamp queries, where offered, let `slatesim bench` time each kernel on the device.
    const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
    device = await adapter.requestDevice({ requiredLimits: limits, requiredFeatures });
  }
  const uncaptured: string[] = [];
  device.addEventListener('uncapturederror', (ev) => {
    uncaptured.push(ev.error.message);
  });
  const lost = device.lost.then((info) => new GpuDeviceLostError(info.reason, `WebGPU device lost (${info.reason}): ${info.message}`));
  return { adapter, device, lost, uncaptured };
}

export function describeAdapter(adapter: GPUAdapter | null): string {
  if (adapter === null) return 'WebGPU device supplied by the caller';
  const i = adapter.info;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- older Dawn and browser builds leave some of these fields out
  const name = [i.vendor, i.architecture, i.device, i.description].filter((s) => s !== undefined && s !== '').join(' / ');
  return `WebGPU adapter: ${name || 'unnamed'}; maxComputeWorkgroupsPerDimension ${adapter.limits.maxComputeWorkgroupsPerDimension}, maxStorageBufferBindingSize ${adapter.limits.maxStorageBufferBindingSize}`;
}
