/**
 * The extension package the end-to-end tests install: `npm run package` (esbuild bundle + vsce),
 * run only when no .vsix in dist-vsix/ is newer than every source it is built from.
 * `STAP_E2E_VSIX=/path/to.vsix` (or an unpacked extension folder) overrides it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { npmRunPackage } from '../helpers/npm-package';
import { repoRoot } from './tools';

/** Files and folders the .vsix is built from; a change to any of them means packaging again. */
const SOURCES = [
  'package.json',
  '.vscodeignore',
  'README.md',
  'LICENSE',
  'language-configuration.json',
  'syntaxes',
  'client/src',
  'server/src',
  'scripts/bundle.mjs',
  'scripts/bundle-config.mjs',
  'grammar/tree-sitter-systemtap.wasm',
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Where `npm run package` writes the .vsix. */
export const vsixDir = join(repoRoot, 'dist-vsix');

/** The newest .vsix `npm run package` wrote, if any. */
function newestVsix(): { path: string; mtime: number } | undefined {
  if (!existsSync(vsixDir)) return undefined;
  return readdirSync(vsixDir)
    .filter((n) => n.endsWith('.vsix'))
    .map((n) => ({ path: join(vsixDir, n), mtime: statSync(join(vsixDir, n)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)[0];
}

export interface Vsix {
  path: string;
  /** Whether this call ran `npm run package` (false: an up-to-date one was reused). */
  packaged: boolean;
}

/** A .vsix of the current sources: reused when fresh, else built with `npm run package`. */
export function freshVsix(): Vsix {
  const override = process.env.STAP_E2E_VSIX;
  if (override) {
    if (!existsSync(override)) throw new Error(`STAP_E2E_VSIX=${override} does not exist`);
    return { path: override, packaged: false };
  }
  const sourcesMtime = Math.max(...SOURCES.map((s) => newestMtime(join(repoRoot, s))));
  const existing = newestVsix();
  if (existing && existing.mtime > sourcesMtime) return { path: existing.path, packaged: false };

  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  if (!manifest.scripts?.package) throw new Error('package.json has no "package" script: the extension cannot be packaged yet');
  const started = Date.now();
  const run = npmRunPackage();
  if (run.status !== 0) {
    throw new Error(`npm run package failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  const built = newestVsix();
  if (!built || built.mtime < started - 1000) {
    throw new Error(`npm run package succeeded but wrote no .vsix into ${vsixDir}:\n${run.stdout}`);
  }
  return { path: built.path, packaged: true };
}
