#!/usr/bin/env node
// Bundles the TypeScript entry points with esbuild into dist/ (CommonJS, Node 20): the CLI and
// language server `stap-ls` (dist/stap-ls.js) and the VS Code extension (dist/extension.js,
// which starts dist/stap-ls.js with --node-ipc). Also copies the grammar wasm and
// web-tree-sitter's runtime wasm beside the bundles, since esbuild does not bundle wasm.
// `--production` minifies and writes no source maps (what `npm run package` puts in the .vsix).
// Each file is written to a temporary name and renamed over the old one, so a test or a
// language server that starts from dist/ while this runs never reads a half-written file.
import { build } from 'esbuild';

import { cliBundleOptions, extensionBundleOptions } from './bundle-config.mjs';
import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
const production = process.argv.includes('--production');
const entries = [
  { in: 'server/src/cli.ts', out: 'stap-ls', options: cliBundleOptions },
  { in: 'client/src/extension.ts', out: 'extension', options: extensionBundleOptions },
].filter((e) => existsSync(join(root, e.in)));

/** Writes `data` to `path` through a temporary file and a rename (atomic on one file system). */
function writeAtomically(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

mkdirSync(dist, { recursive: true });
for (const e of entries) {
  const options = e.options(join(root, e.in), join(dist, `${e.out}.js`), { production, sourcemap: !production });
  const result = await build({ ...options, write: false });
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
}
const require = createRequire(import.meta.url);
function copyAtomically(from, to) {
  const tmp = `${to}.${process.pid}.tmp`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
}
copyAtomically(join(root, 'grammar', 'tree-sitter-systemtap.wasm'), join(dist, 'tree-sitter-systemtap.wasm'));
copyAtomically(join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'), join(dist, 'web-tree-sitter.wasm'));
console.log(`bundled ${entries.map((e) => e.out).join(', ') || 'nothing'} into dist/${production ? ' (production)' : ''}`);
