#!/usr/bin/env node
// Import direction check, run by `npm run lint`: a file may import only its own layer or a lower one, so
// the data layer never learns about models, models never about the engine, the engine never about the apps.
// Layers: 0 src/data; 1 src/features, src/models, src/shares; 2 engine; 3 the apps (src/cli, src/lake,
// src/backtest, src/diagnostics, src/web, src/index.ts, bench, everything else). Nothing outside src/cli
// and bin imports src/cli. Usage: node scripts/check-layers.mjs [root]; prints each violation as
// `file:line: from -> to (why)` and exits 1 if there is any.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const LAYER_NAMES = ['data', 'features/models/shares', 'engine', 'apps'];

export function layerOf(rel) {
  if (rel.startsWith('src/data/')) return 0;
  if (/^src\/(features|models|shares)\//.test(rel)) return 1;
  if (rel.startsWith('engine/')) return 2;
  return 3;
}

function sourceFiles(root) {
  const files = [];
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      if (n === 'node_modules' || n.startsWith('.') || n === 'dist') continue;
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|tsx|js|mjs)$/.test(n) && !/\.d\.ts$/.test(n)) files.push(p);
    }
  };
  for (const top of ['src', 'engine', 'bench']) {
    try {
      walk(join(root, top));
    } catch {
      // a tree without that folder has nothing there to check
    }
  }
  return files;
}

/** Violations in the tree at `root`, each `file:line: from -> to (why)`. */
export function checkLayers(root) {
  const bad = [];
  for (const f of sourceFiles(root)) {
    const rel = relative(root, f).split(sep).join('/');
    const text = readFileSync(f, 'utf8');
    // static imports and re-exports, `import type`, and dynamic import('...') of a relative path
    const re = /(?:\b(?:import|export)\s[^;]*?\sfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
    for (const m of text.matchAll(re)) {
      const target = relative(root, resolve(dirname(f), m[1]))
        .split(sep)
        .join('/');
      const line = text.slice(0, m.index).split('\n').length;
      const from = layerOf(rel);
      const to = layerOf(target);
      if (to > from) bad.push(`${rel}:${line}: ${rel} -> ${target} (layer ${LAYER_NAMES[from]} imports layer ${LAYER_NAMES[to]} above it)`);
      else if (target.startsWith('src/cli/') && !rel.startsWith('src/cli/'))
        bad.push(`${rel}:${line}: ${rel} -> ${target} (only the CLI imports the CLI)`);
    }
  }
  return bad;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const root = resolve(process.argv[2] ?? process.cwd());
  const bad = checkLayers(root);
  for (const b of bad) console.error(b);
  if (bad.length > 0) {
    console.error(`check-layers: ${bad.length} upward import(s); move the shared code down a layer or pass it in as an interface`);
    process.exit(1);
  }
}
