/**
 * Where the installed SystemTap files are: the tapset library (package systemtap-common) and
 * the example scripts (package systemtap-doc). CI installs both; tests that need them fail
 * with an install hint when they are missing rather than skipping.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The tapset directory stap itself uses: $SYSTEMTAP_TAPSET or the Debian default. */
export function tapsetDir(): string {
  return process.env.SYSTEMTAP_TAPSET ?? '/usr/share/systemtap/tapset';
}

/** The directories systemtap-doc installs example scripts into. */
export const EXAMPLE_DIRS = ['/usr/share/systemtap/examples', '/usr/share/doc/systemtap/examples'];

/** Every file below `dir` whose name matches `pattern`, sorted, as absolute paths. */
export function listFiles(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (pattern.test(name)) out.push(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** All installed tapset files (`.stp` and `.stpm`). */
export function tapsetFiles(): string[] {
  return listFiles(tapsetDir(), /\.stpm?$/);
}

/** All installed example scripts (`.stp`). */
export function exampleFiles(): string[] {
  return EXAMPLE_DIRS.flatMap((d) => listFiles(d, /\.stp$/));
}

export const INSTALL_HINT =
  'install the SystemTap packages: apt-get install -y systemtap systemtap-common systemtap-doc';
