#!/usr/bin/env node
// Bundles the TypeScript entry points with esbuild into dist/ (CommonJS, Node 20): the CLI
// `stap-ls` (dist/stap-ls.js). Also copies the grammar wasm and web-tree-sitter's runtime wasm
// beside the bundle, since esbuild does not bundle wasm. `--production` minifies.
import { build } from 'esbuild';

import { cliBundleOptions } from './bundle-config.mjs';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const production = process.argv.includes('--production');
const entries = [{ in: 'server/src/cli.ts', out: 'stap-ls' }].filter((e) => existsSync(join(root, e.in)));

mkdirSync(dist, { recursive: true });
for (const e of entries) {
  await build(cliBundleOptions(join(root, e.in), join(dist, `${e.out}.js`), { production }));
}
const require = createRequire(import.meta.url);
copyFileSync(join(root, 'grammar', 'tree-sitter-systemtap.wasm'), join(dist, 'tree-sitter-systemtap.wasm'));
copyFileSync(
  join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'),
  join(dist, 'web-tree-sitter.wasm'),
);
console.log(`bundled ${entries.map((e) => e.out).join(', ') || 'nothing'} into dist/`);
