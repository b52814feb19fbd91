/**
 * The stap command line for an installed example script, read from the `test_check:` line of
 * its `.meta` file (the line the upstream testsuite runs). Shared by the pass-1 and pass-2
 * differential tests and the `--assume-debuginfo` test.
 *
 * Two flavours:
 * - `dummy` (the differential tests): the options that can change passes 1-2 are kept and each
 *   script argument is replaced by a numeric dummy (`1`, `2`, …), which works both where the
 *   script pastes `$1` into code and where it quotes `@1`;
 * - `meta` (`--assume-debuginfo`): the real arguments of the `test_check:` line, and also the
 *   options that give pass 2 a target process (`-c CMD`, `-x PID`) and `-G` globals.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Splits a shell command line into words (quotes and backslashes; no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Options of stap that take a value (the value may be attached or the next word). */
const VALUE_OPTIONS = new Set('pIeEoRramcxDsldLSBJGT'.split(''));
/** Options kept from a test_check line: the ones that can change pass 1 (and -w/-W/-u, harmless). */
const KEPT_FLAGS = new Set(['g', 'w', 'W', 'u']);
const KEPT_VALUE_OPTIONS = new Set(['I', 'D']);
/** Kept as well in `meta` mode: a target process and command-line globals (pass 2 reads them). */
const META_VALUE_OPTIONS = new Set(['c', 'x', 'G']);

export interface ExampleCommand {
  options: string[];
  args: string[];
  /** How the command was made, for messages. */
  origin: string;
}

/**
 * The test_check line as its shell would run it, for `meta` mode: `` `which X` `` becomes
 * `/usr/bin/X`, any other command substitution (a kernel address from /proc/kallsyms) a fixed
 * kernel address, and a bare `$$` (the shell's pid, for `-x`) the pid 1.
 */
function expandShell(line: string): string {
  return line
    .replace(/`which (\w+)`/g, '/usr/bin/$1')
    .replace(/`[^`]*`/g, 'ffffffff81000000')
    .replace(/(^|\s)\$\$(?=\s|$)/g, '$11');
}

/**
 * The command for an example, from the `test_check:` line of its `.meta` file:
 * - a `stap …` line: its `-g`, `-w`, `-W`, `-u`, `-I DIR` (made absolute from the example's
 *   directory) and `-D X` are kept (in `meta` mode also `-c CMD`, `-x PID`, `-G VAR=VAL`); `-p N`
 *   is dropped (the caller adds its own); options that only matter to later passes (`-d OBJ`,
 *   `--ldd`, `--all-modules`, …) are dropped; script arguments become numeric dummies (`dummy`)
 *   or stay as written (`meta`);
 * - no `.meta`, no `test_check:` line, or one that does not run stap (`./socktop -D`): `-g` and
 *   ten numeric dummy arguments.
 */
export function commandFor(script: string, mode: 'dummy' | 'meta' = 'dummy'): ExampleCommand {
  const meta = script.replace(/\.stp$/, '.meta');
  const line = existsSync(meta)
    ? readFileSync(meta, 'latin1')
        .split('\n')
        .find((l) => l.startsWith('test_check:'))
    : undefined;
  const fallback = (why: string): ExampleCommand => ({
    options: ['-g'],
    args: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
    origin: why,
  });
  if (!line) return fallback(existsSync(meta) ? 'no test_check line' : 'no .meta file');
  const rest = line.slice('test_check:'.length);
  const words = shellWords(mode === 'meta' ? expandShell(rest) : rest);
  if (words[0] !== 'stap') return fallback(`test_check does not run stap: ${line}`);
  const options: string[] = [];
  const operands: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('--')) {
      // Long options of later passes; none of the examples' take a separate value.
      continue;
    }
    if (w.startsWith('-') && w.length > 1) {
      for (let k = 1; k < w.length; k++) {
        const c = w[k];
        if (!VALUE_OPTIONS.has(c)) {
          if (KEPT_FLAGS.has(c)) options.push(`-${c}`);
          continue;
        }
        const value = k + 1 < w.length ? w.slice(k + 1) : words[++i];
        if (KEPT_VALUE_OPTIONS.has(c)) options.push(`-${c}`, c === 'I' ? join(dirname(script), value) : value);
        else if (mode === 'meta' && META_VALUE_OPTIONS.has(c)) options.push(`-${c}`, value);
        break;
      }
      continue;
    }
    operands.push(w);
  }
  // The first operand is the script itself; the rest are its arguments.
  const scriptArgs = operands.slice(1);
  const args = mode === 'meta' ? scriptArgs : scriptArgs.map((_, i) => String(i + 1));
  return { options, args, origin: line.trim() };
}
