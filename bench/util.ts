// Shared helpers for the benchmarks in bench/: the row/section types every benchmark returns,
// timing and median, number formatting, a plain-text table renderer, file listing, command
// lookup, and a throwaway fake kernel build directory so `stap -p1` runs without kernel headers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One measured line of the report. */
export interface Row {
  /** Stable key so other benchmarks can refer to this result, e.g. `grammar.tapset.warm`. */
  id: string;
  /** Benchmark group, e.g. `grammar (wasm)`. */
  benchmark: string;
  /** What was measured, e.g. `tapset library, warm`. */
  case: string;
  /** Wall time of one measured unit, in milliseconds (a median when `runs` > 1). */
  ms: number;
  /** Number of timed repetitions the figure is the median of (1 = single run). */
  runs: number;
  /** Files processed per unit (enables files/s). */
  files?: number;
  /** UTF-8 bytes processed per unit (enables MB/s). */
  bytes?: number;
  note?: string;
}

/** What a benchmark module returns: its rows plus free-form lines printed under the table. */
export interface Section {
  rows: Row[];
  notes: string[];
}

/** Passed to every benchmark; holds the rows produced so far, so later ones can compare. */
export interface BenchContext {
  rows: Row[];
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` once and returns [result, elapsed ms]. */
export function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const result = fn();
  return [result, performance.now() - t0];
}

export async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await fn();
  return [result, performance.now() - t0];
}

/** Runs `fn` `runs` times and returns the median elapsed ms and every sample. */
export function medianOf(runs: number, fn: () => void): { ms: number; samples: number[] } {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(time(fn)[1]);
  return { ms: median(samples), samples };
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtMB(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

export function fmtRate(count: number, ms: number, digits = 0): string {
  if (!(ms > 0)) return '-';
  return ((count * 1000) / ms).toFixed(digits);
}

export function fmtRatio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}x` : '-';
}

/** Renders rows as an aligned plain-text table; columns listed in `right` are right-aligned. */
export function renderTable(headers: string[], rows: string[][], right: Set<number> = new Set()): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The standard report table for rows of any benchmark. */
export function renderRows(rows: Row[]): string {
  const headers = ['Benchmark', 'Case', 'Files', 'MB', 'Time', 'Runs', 'Files/s', 'MB/s', 'Note'];
  const cells = rows.map((r) => [
    r.benchmark,
    r.case,
    r.files === undefined ? '' : String(r.files),
    r.bytes === undefined ? '' : fmtMB(r.bytes),
    fmtMs(r.ms),
    r.runs > 1 ? `med ${r.runs}` : '1',
    r.files === undefined ? '' : fmtRate(r.files, r.ms),
    r.bytes === undefined ? '' : fmtRate(r.bytes / 1e6, r.ms, 2),
    r.note ?? '',
  ]);
  return renderTable(headers, cells, new Set([2, 3, 4, 6, 7]));
}

/** All files under `dir` (recursively, sorted) whose name passes `accept`; [] if `dir` is missing. */
export function listFiles(dir: string, accept: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile() && accept(name)) out.push(path);
    }
  };
  walk(dir);
  return out;
}

export const isStapSource = (name: string): boolean => /\.stpm?$/.test(name);

/** The absolute path of `command` on PATH, or undefined. */
export function which(command: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v "$1"`, 'sh', command], { encoding: 'utf8' });
  const path = result.stdout.trim();
  return result.status === 0 && path ? path : undefined;
}

export interface FakeKbuild {
  /** Absolute path to pass as `stap -r`. */
  dir: string;
  cleanup(): void;
}

/**
 * A minimal fake kernel build directory in a fresh temp dir: enough for stap passes 1-2
 * (`stap -r DIR -p1`). `-r` must be an absolute path or stap treats it as a release name.
 */
export function makeFakeKbuild(release = '6.1.0-fake'): FakeKbuild {
  const root = mkdtempSync(join(tmpdir(), 'stap-ls-bench-'));
  const dir = join(root, 'K');
  mkdirSync(join(dir, 'include', 'config'), { recursive: true });
  writeFileSync(join(dir, '.config'), 'CONFIG_X86_64=y\nCONFIG_KPROBES=y\n');
  writeFileSync(join(dir, 'include', 'config', 'kernel.release'), `${release}\n`);
  writeFileSync(join(dir, 'Module.symvers'), '');
  writeFileSync(join(dir, 'System.map'), 'ffffffff81000000 T _stext\nffffffff81001000 T sys_open\n');
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
