/**
 * The pass-2 fixture files (test-fixtures/pass2/{ok,ko}/*.stp): listing them, the command line
 * their first line asks for, and the one normaliser applied to stap's and stap-ls's output. Shared
 * by fixtures.test.ts and assume-debuginfo.test.ts (a plain module: importing a test file would
 * register its tests). The header format is described in fixtures.test.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The command line (starting with `-r KBUILD`) and stdin for a fixture. */
export { fixtureCommandLine as commandLine } from '../helpers/stap';

export const ROOT = join(__dirname, '..', '..');
export const BASE = join(ROOT, 'test-fixtures', 'pass2');
export const EXPECTED = join(BASE, 'expected');
export const DIRS = ['ok', 'ko'] as const;

export interface Fixture {
  /** `ok/foo.stp`, relative to test-fixtures/pass2/. */
  key: string;
  dir: (typeof DIRS)[number];
  name: string;
  /** Path relative to the repository root, as passed to both programs. */
  path: string;
  mustFail: boolean;
}

export function fixtures(): Fixture[] {
  return DIRS.flatMap((dir) => {
    const abs = join(BASE, dir);
    if (!existsSync(abs)) return [];
    return readdirSync(abs)
      .filter((n) => n.endsWith('.stp'))
      .sort()
      .map((n) => ({
        key: `${dir}/${n}`,
        dir,
        name: n.slice(0, -'.stp'.length),
        path: relative(ROOT, join(abs, n)),
        mustFail: dir === 'ko',
      }));
  });
}

/**
 * The one normaliser, applied to stap's and stap-ls's output alike before comparing or storing:
 * - the fake kernel build dir (a new temp dir each run) becomes `KBUILD`;
 * - `-v` resource figures (`using …kb, in …ms.` in `Pass N:` lines) become `using ...`.
 */
export function normalise(text: string, kbuildDir: string): string {
  return text
    .split(kbuildDir)
    .join('KBUILD')
    .replace(/^(Pass \d+: .*?) using \d+virt\/\d+res\/\d+shr\/\d+data kb, in \d+usr\/\d+sys\/\d+real ms\.$/gm, '$1 using ...');
}

