// A real Redis for the distributed-run tests: Debian's redis-server on a free 127.0.0.1 port, its files in a
// temporary directory, append-only with an fsync per write (a killed server loses nothing it acknowledged),
// stopped after the file's tests. Without redis-server the tests skip saying why, except in CI (or with
// SLATESIM_REQUIRE_REDIS=1), where that is a failure. Also: `slatesim worker` processes the tests start and kill.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ROOT, tempDir } from './helpers.ts';

export const REQUIRE_REDIS = process.env.CI === 'true' || process.env.CI === '1' || process.env.SLATESIM_REQUIRE_REDIS === '1';

/** The redis-server binary, or undefined (outside CI) with the reason. */
export function findRedisServer(): { bin?: string; reason: string } {
  const bin = process.env.SLATESIM_REDIS_SERVER ?? 'redis-server';
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return { bin, reason: '' };
  const reason = `no redis-server (${bin}: ${r.error?.message ?? r.stderr.trim()}); .ci/install-system-deps.sh installs Debian's`;
  if (REQUIRE_REDIS) throw new Error(`${reason}; CI requires it`);
  return { reason };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** SIGKILL, as a crash: nothing but the append-only file survives */
  kill(): Promise<void>;
  /** starts it again on the same port and directory (it reloads the append-only file) */
  start(): Promise<void>;
  /** a redis-cli-like call through a fresh connection */
  cli(...args: string[]): string;
}

const started: ChildProcess[] = [];
afterAll(() => {
  for (const p of started.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

export async function startRedis(bin: string): Promise<TestRedis> {
  const dir = await tempDir('redis');
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--save',
    '',
  ];
  const cli = (...a: string[]): string => {
    const r = spawnSync('redis-cli', ['-p', String(port), ...a], { encoding: 'utf8' });
    return (r.stdout || '').trim();
  };
  const start = async (): Promise<void> => {
    proc = spawn(bin, args, { stdio: 'ignore' });
    started.push(proc);
    for (let i = 0; i < 100; i++) {
      if (cli('ping') === 'PONG') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`redis-server on port ${port} did not answer`);
  };
  const kill = async (): Promise<void> => {
    const p = proc;
    if (p === undefined || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, dir, kill, start, cli };
}

/** A `slatesim worker` process; `log` gathers its stderr (one line per job). */
export interface TestWorker {
  proc: ChildProcess;
  log: () => string;
  /** resolves when the log matches */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  /**
   * Sends `signal` the moment a line matching `re` arrives (from the stream's own event, not a poll, so a short
   * shard is still running when it lands); resolves then.
   */
  signalOn(re: RegExp, signal: NodeJS.Signals): Promise<void>;
}

const workers: ChildProcess[] = [];
afterAll(() => {
  for (const p of workers.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

export function startWorker(url: string, extra: string[] = []): TestWorker {
  if (!extra.includes('--backend')) extra = ['--backend', 'cpu', ...extra];
  const proc = spawn(process.execPath, [join(ROOT, 'bin/slatesim.js'), 'worker', '--redis', url, '--lock-duration', '2000', ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  workers.push(proc);
  let text = '';
  const triggers: { re: RegExp; fire: () => void }[] = [];
  proc.stderr.on('data', (d: Buffer) => {
    text += d.toString();
    for (const t of triggers.splice(0)) {
      if (t.re.test(text)) t.fire();
      else triggers.push(t);
    }
  });
  return {
    proc,
    log: () => text,
    signalOn: (re, signal) =>
      new Promise<void>((resolve) => {
        triggers.push({
          re,
          fire: () => {
            proc.kill(signal);
            resolve();
          },
        });
      }),
    waitFor: async (re, timeoutMs = 60_000) => {
      const t0 = Date.now();
      while (!re.test(text)) {
        if (Date.now() - t0 > timeoutMs) throw new Error(`worker ${proc.pid}: no line matching ${re} in ${timeoutMs} ms; log:\n${text}`);
        if (proc.exitCode !== null) throw new Error(`worker ${proc.pid} exited (${proc.exitCode}); log:\n${text}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Stops the workers: SIGTERM (they finish the job in hand), SIGKILL after 5 s. */
export async function stopWorkers(ws: readonly TestWorker[]): Promise<void> {
  await Promise.all(
    ws.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.proc.exitCode !== null || w.proc.signalCode !== null) {
            resolve();
            return;
          }
          const t = setTimeout(() => w.proc.kill('SIGKILL'), 5000);
          w.proc.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          w.proc.kill('SIGCONT');
          w.proc.kill('SIGTERM');
        }),
    ),
  );
}
