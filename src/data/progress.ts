// The progress interface that long work (lake builds, share training, backtests, the engine's worlds) reports
// through. It lives in the data layer so every layer can accept one; the terminal bar and the CI line printer
// that implement it belong to the CLI (src/cli/progress.ts), the browser uses its own.
export interface Progress {
  start(label: string, total: number, unit: string): void;
  update(done: number): void;
  stop(): void;
  log(message: string): void;
}

export const silentProgress: Progress = { start() {}, update() {}, stop() {}, log() {} };
