/**
 * Running the real `stap` (SystemTap 4.8) as an oracle in tests: find it on PATH, make the
 * throw-away fake kernel build directory it needs even for `-p1`, run it with a timeout, and
 * read the `#! stap OPTIONS [ARGS]` header line that fixtures start with.
 *
 * stap is optional on developer machines; CI installs it. Tests should run their own checks
 * either way and print a diagnostic when `findStap()` returns undefined.
 */
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The stap executable: `$STAP` if set (empty means "no stap"), else the first on PATH. */
export function findStap(): string | undefined {
  const override = process.env.STAP;
  if (override !== undefined) return override === '' ? undefined : override;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'stap');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface FakeKbuild {
  /** Absolute path, for `stap -r DIR` (stap reads a relative `-r` value as a release name). */
  dir: string;
  /** Removes the directory. */
  cleanup(): void;
}

/**
 * A fake kernel build directory in a new temp dir: x86_64 with kprobes, release `6.1.0-fake`,
 * and a two-symbol System.map (without it stap warns about a missing symbol table).
 */
export function makeFakeKbuild(): FakeKbuild {
  const root = mkdtempSync(join(tmpdir(), 'stap-kbuild-'));
  const dir = join(root, 'build');
  mkdirSync(join(dir, 'include', 'config'), { recursive: true });
  writeFileSync(join(dir, '.config'), 'CONFIG_X86_64=y\nCONFIG_KPROBES=y\n');
  writeFileSync(join(dir, 'include', 'config', 'kernel.release'), '6.1.0-fake\n');
  writeFileSync(join(dir, 'Module.symvers'), '');
  writeFileSync(join(dir, 'System.map'), 'ffffffff81000000 T _stext\nffffffff81001000 T sys_open\n');
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface StapResult {
  /** Exit status, or null when killed (see `timedOut`). */
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs stap with `args` (no shell); kills it with SIGKILL after `timeoutMs` (default 60 s). Output is decoded as latin1 (one char per byte), as stap-ls reads and writes it. */
export function runStap(
  args: readonly string[],
  {
    timeoutMs = 60_000,
    stap = findStap(),
    cwd,
    stdin,
  }: { timeoutMs?: number; stap?: string; cwd?: string; stdin?: string } = {},
): Promise<StapResult> {
  if (!stap) return Promise.reject(new Error('stap is not installed (see findStap())'));
  return new Promise((resolve, reject) => {
    const child = spawn(stap, [...args], { cwd, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (stdin !== undefined) child.stdin!.end(Buffer.from(stdin, 'latin1'));
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('latin1').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('latin1').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut });
    });
  });
}

export interface StapHeader {
  /** The words starting with `-` before the first other word, e.g. `['-gp1']`. */
  options: string[];
  /** Script arguments: the first word not starting with `-` and everything after it. */
  args: string[];
}

/**
 * Reads a first line `#! stap -p1 [more options] [script args]`; undefined if there is none.
 * Options that take a value must be written attached (`-DNAME=1`, `-Idir`), since any
 * separate word not starting with `-` begins the script arguments.
 */
export function parseHeader(text: string): StapHeader | undefined {
  const match = /^#!\s*stap((?:[ \t][^\n]*)?)(?:\r?\n|$)/.exec(text);
  if (!match) return undefined;
  const words = match[1].trim().split(/\s+/).filter(Boolean);
  const firstArg = words.findIndex((w) => !w.startsWith('-'));
  const split = firstArg < 0 ? words.length : firstArg;
  return { options: words.slice(0, split), args: words.slice(split) };
}

/** The stap command line for a fixture: its options, `-r KBUILD`, the script, its arguments. */
export function stapArgs(header: StapHeader, kbuildDir: string, script: string): string[] {
  return [...header.options, '-r', kbuildDir, script, ...header.args];
}

/**
 * The command line (starting with `-r KBUILD`) and stdin of a fixture script (`path` relative to
 * the repository root): from its `#! stap …` header, or from a `#! stap-argv [...]` header whose
 * words are used as given (`FILE` stands for the script; a `-` reads the script on stdin).
 */
export function fixtureCommandLine(f: { path: string; key: string }, kbuildDir: string): { argv: string[]; stdin?: string } {
  const text = readFileSync(join(__dirname, '..', '..', f.path), 'latin1');
  const json = /^#!\s*stap-argv\s+(\[.*\])\s*(?:\n|$)/.exec(text);
  if (json) {
    const words = JSON.parse(json[1]) as string[];
    assert.ok(Array.isArray(words) && words.every((w) => typeof w === 'string'), `${f.key}: bad stap-argv header`);
    return {
      argv: ['-r', kbuildDir, ...words.map((w) => (w === 'FILE' ? f.path : w))],
      stdin: words.includes('-') ? text : undefined,
    };
  }
  const header = parseHeader(text);
  assert.ok(header, `${f.key}: the first line must be '#! stap …' or '#! stap-argv [...]'`);
  return { argv: [...header.options, '-r', kbuildDir, f.path, ...header.args] };
}
