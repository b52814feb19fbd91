#!/usr/bin/env node
// Runs every test file under test/ (and server/, client/ when they have tests) with Node's own
// test runner, TypeScript through tsx. Extra arguments are passed on: `npm test -- --test-name-pattern=X`.
// The last lines are node:test's summary (`# pass N`, `# fail N`), which CI reads.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['test', 'server/test', 'client/test'].map((d) => join(root, d));

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.test\.(ts|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('-'));
const options = args.filter((a) => a.startsWith('-'));
let files = roots.flatMap((d) => walk(d, []));
if (filters.length) files = files.filter((f) => filters.some((p) => relative(root, f).includes(p)));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
// Tests run stap-ls without its persistent library cache, so that every run exercises the
// parser; test/pass1/library-cache.test.ts turns it on in a temporary directory.
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...options, ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, STAP_LS_CACHE: '0' } },
);
process.exit(result.status ?? 1);
