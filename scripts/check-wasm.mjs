#!/usr/bin/env node
// Checks that grammar/tree-sitter-systemtap.wasm was built from the committed grammar sources:
// grammar/parser.info records the SHA-256 of src/parser.c and src/scanner.c the wasm came
// from. `--write` records the current hashes (called by scripts/build-wasm.sh).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const grammar = new URL('../grammar/', import.meta.url).pathname;
const sha = (path) => createHash('sha256').update(readFileSync(join(grammar, path))).digest('hex');
const sources = ['src/parser.c', 'src/scanner.c', 'tree-sitter-systemtap.wasm'];
const current = Object.fromEntries(sources.filter((s) => existsSync(join(grammar, s))).map((s) => [s, sha(s)]));
const infoPath = join(grammar, 'parser.info');

if (process.argv.includes('--write')) {
  const info = {
    note: 'Provenance of tree-sitter-systemtap.wasm: built by scripts/build-wasm.sh from these sources.',
    'tree-sitter-cli': '0.22.6 (../shared/tools/tree-sitter)',
    compiler: 'clang --target=wasm32-unknown-emscripten, wasm-ld (Debian clang 14, lld)',
    sha256: current,
  };
  writeFileSync(infoPath, JSON.stringify(info, null, 2) + '\n');
  console.log('wrote grammar/parser.info');
  process.exit(0);
}

if (!existsSync(infoPath)) {
  console.error('grammar/parser.info is missing: run `npm run build:wasm`');
  process.exit(1);
}
const recorded = JSON.parse(readFileSync(infoPath, 'utf8')).sha256;
const stale = sources.filter((s) => recorded[s] !== current[s]);
if (stale.length) {
  console.error(`grammar wasm is stale (${stale.join(', ')} changed): run \`npm run build:wasm\``);
  process.exit(1);
}
console.log('grammar wasm is up to date with src/parser.c and src/scanner.c');
