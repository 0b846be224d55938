#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx's loader, so `npm ci` leaves it runnable
// with no build step and the browser demo (vite) and the CLI share one source tree.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
