/**
 * Shared by the pass-2 example tests (differential, --assume-debuginfo, robustness): run stap-ls
 * in-process without letting an exception escape, compare a `-p2` run with stap's the way the
 * differential tests judge agreement, pick a run's first error, and name a fuzz problem's kind.
 */
import { firstDifference, firstLine, runStapLs, type RunResult } from '../pass1/harness';

/**
 * stap-ls in-process (in `cwd`, with `stdin`); an exception is an outcome (exit 70 and the
 * stack on stderr, like the CLI's `internal error`), so one crash does not stop a whole run.
 */
export function runMine(argv: readonly string[], options: { cwd?: string; stdin?: string } = {}): RunResult {
  try {
    return runStapLs(argv, options);
  } catch (err) {
    return { status: 70, stdout: '', stderr: `stap-ls threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n` };
  }
}

/**
 * stap's stderr without the output of the kernel build it starts for a type-query module
 * (`@cast(…, "kernel<header.h>")` makes stap run `make` in the kernel build tree): `make: …`,
 * `WARNING: kbuild exited with status: N`, `Copy failed (…temp paths…)`. That is the build tool's
 * output, machine-specific (it fails on the fake kbuild, succeeds with real headers) and outside
 * the translator; stap-ls runs no compiler. What stap prints next is compared as usual.
 */
export function withoutKbuildNoise(stderr: string): string {
  return stderr.replace(/^(make(\[\d+\])?: .*|WARNING: kbuild exited with status: \d+|Copy failed \(.*)\n/gm, '');
}

/**
 * '' when stap-ls agrees with stap on a `-p2` run: the same exit status, the same stdout where
 * stap accepts, the same first stderr line where it rejects (after {@link withoutKbuildNoise});
 * else what differs first.
 */
export function compareP2(stapRun: RunResult, mine: RunResult): string {
  stapRun = { ...stapRun, stderr: withoutKbuildNoise(stapRun.stderr) };
  if (mine.status !== stapRun.status) {
    return `exit status: stap ${stapRun.status}, stap-ls ${mine.status}\n--- stap stderr\n${firstLine(stapRun.stderr)}\n+++ stap-ls stderr\n${firstLine(mine.stderr)}`;
  }
  if (stapRun.status === 0) return firstDifference(stapRun.stdout, mine.stdout) ?? '';
  if (firstLine(stapRun.stderr) !== firstLine(mine.stderr)) {
    return `first stderr line:\n--- stap\n${firstLine(stapRun.stderr)}\n+++ stap-ls\n${firstLine(mine.stderr)}`;
  }
  return '';
}

/**
 * The first diagnostic of a run: the first error or warning line, so that `-v`/`-vv` progress
 * lines (`Pass 1: parsed …`, `Session arch: …`) do not count as the first error.
 */
export function firstError(stderr: string): string {
  const lines = stderr.split('\n');
  return lines.find((l) => /^(semantic error|parse error|usage error|WARNING|ERROR|error)\b/.test(l)) ?? lines[0];
}

/**
 * A problem without its particulars (names, numbers, positions, suggestions), so the same bug
 * hit by many mutants is one entry; an exception keeps its first frame.
 */
export function problemKind(problem: string): string {
  if (problem.startsWith('exception ')) {
    const [head, frame] = problem.split(' | ');
    const where = /at (\S+) \(.*\/([^/]+\.ts):/.exec(frame ?? '');
    return `${head}${where ? ` at ${where[1]} (${where[2]})` : ''}`;
  }
  return problem
    .replace(/: (identifier|operator|keyword|string|number|embedded-code|unknown|newline|junk) .*$/, '')
    .replace(/ \(similar[^)]*\)/g, '')
    .replace(/'[^']*'/g, "'X'")
    .replace(/\b\d+\b/g, 'N')
    .slice(0, 200);
}
