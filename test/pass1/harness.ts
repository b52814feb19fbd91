/**
 * Shared by the pass-1 tests: run the real stap and stap-ls on the same command line and read
 * both outputs as latin1 bytes (one char = one byte, as stap-ls writes them), strip Debian's
 * `Tip:` line, and describe the first difference between two long outputs.
 *
 * stap-ls runs in-process through `runCli`, so the tapset library is parsed once per search
 * path and shared by every run of a test file, as the language server will share it.
 */

import { nodeCliIo, runCli, type CliOutput } from '../../server/src/cli';
import { stapWiring } from '../../server/src/passes/pass1';
import { runStap } from '../helpers/stap';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs stap with `argv` in `cwd`, stdout/stderr read as latin1, without Debian's Tip line. */
export async function runStapLatin1(
  argv: readonly string[],
  { cwd, stdin, timeoutMs = 120_000 }: { cwd?: string; stdin?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const r = await runStap(argv, { cwd, stdin, timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: stripTip(r.stderr) };
}

export function stripTip(stderr: string): string {
  return stderr.replace(/^Tip: \/usr\/share\/doc\/systemtap\/README\.Debian[^\n]*\n?/gm, '');
}

/** Runs stap-ls in-process with `argv` in `cwd` (relative paths resolve against it). */
export function runStapLs(argv: readonly string[], { cwd, stdin }: { cwd?: string; stdin?: string } = {}): CliOutput {
  const previous = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const io = nodeCliIo();
    return runCli(argv, { ...io, readStdin: () => stdin ?? '' }, stapWiring);
  } finally {
    if (cwd) process.chdir(previous);
  }
}

/** "line N differs" with a few lines of context from both sides, for long dumps. */
export function firstDifference(expected: string, actual: string, context = 3): string | undefined {
  if (expected === actual) return undefined;
  const e = expected.split('\n');
  const a = actual.split('\n');
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  const from = Math.max(0, i - context);
  const show = (lines: string[]) =>
    lines
      .slice(from, i + context + 1)
      .map((l, k) => `${from + k + 1 === i + 1 ? '>' : ' '} ${from + k + 1}: ${JSON.stringify(l)}`)
      .join('\n');
  return `first difference at line ${i + 1} (expected ${e.length} lines, got ${a.length})\n--- expected (stap)\n${show(e)}\n+++ actual (stap-ls)\n${show(a)}`;
}

/** The first line of a text (stderr), without its newline. */
export function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(0, nl);
}
