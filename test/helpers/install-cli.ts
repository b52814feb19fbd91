/**
 * An install of the `stap-ls` command made from the current sources in a directory of its own:
 * `bin/stap-ls` (the launcher, copied) and `dist/stap-ls.js` (bundled as `npm run build` does,
 * with scripts/bundle-config.mjs). Being outside the repository, the launcher always takes the
 * bundle (no sources to compare with), so tests and benchmarks run exactly what a user runs,
 * startup snapshot included, and a stale dist/ or another build never gets in the way.
 */
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface CliInstall {
  /** The command to run: `<dir>/bin/stap-ls`. */
  command: string;
  /** The bundle the launcher runs. */
  bundle: string;
}

export async function installCli(dir: string): Promise<CliInstall> {
  const { build } = await import('esbuild');
  const { cliBundleOptions } = await import('../../scripts/bundle-config.mjs');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'dist'), { recursive: true });
  const bundle = join(dir, 'dist', 'stap-ls.js');
  await build({ ...cliBundleOptions(join(root, 'server', 'src', 'cli.ts'), bundle, { sourcemap: false }), logLevel: 'error' });
  const command = join(dir, 'bin', 'stap-ls');
  copyFileSync(join(root, 'bin', 'stap-ls'), command);
  chmodSync(command, 0o755);
  return { command, bundle };
}
