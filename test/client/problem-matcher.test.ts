/**
 * The `$stap` and `$stap-parse` problem matchers of package.json (used by the `stap` task type)
 * applied to what the real stap prints: a semantic error and a warning on one line each, and the
 * two-line parse error (message, then `saw: TOKEN at FILE:LINE:COL`). The matching follows VS Code's:
 * a one-pattern matcher is tried on each line; a multi-line one needs its patterns on
 * consecutive lines.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const KBUILD = join(ROOT, 'test-fixtures', 'pass1', 'kbuild');

interface Pattern {
  regexp: string;
  file?: number;
  line?: number;
  column?: number;
  message?: number;
  severity?: number;
}
interface Matcher {
  name: string;
  severity?: string;
  pattern: Pattern | Pattern[];
}
interface Problem {
  file: string;
  line: number;
  column: number;
  severity: string;
  message: string;
}

const matchers = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.problemMatchers as Matcher[]);

function apply(matcher: Matcher, output: string): Problem[] {
  const patterns = Array.isArray(matcher.pattern) ? matcher.pattern : [matcher.pattern];
  const lines = output.split('\n');
  const out: Problem[] = [];
  for (let i = 0; i + patterns.length <= lines.length; i++) {
    const found: Record<string, string> = {};
    const ok = patterns.every((p, k) => {
      const m = new RegExp(p.regexp).exec(lines[i + k]);
      if (!m) return false;
      for (const field of ['file', 'line', 'column', 'message', 'severity'] as const) {
        if (p[field] !== undefined) found[field] = m[p[field]!];
      }
      return true;
    });
    if (!ok) continue;
    out.push({
      file: found.file,
      line: Number(found.line),
      column: Number(found.column),
      severity: (found.severity ?? matcher.severity ?? 'error').toLowerCase(),
      message: found.message,
    });
  }
  return out;
}

function stapErrors(dir: string, name: string, text: string): { file: string; stderr: string } {
  const file = join(dir, name);
  writeFileSync(file, text);
  const r = spawnSync('stap', ['-r', KBUILD, '-p2', file], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.error, undefined, `stap did not run: ${r.error}`);
  return { file, stderr: r.stderr };
}

describe('problem matchers on the real stap output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stap-matcher-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const byName = (name: string) => matchers.find((m) => m.name === name)!;

  test('package.json declares $stap and $stap-parse', () => {
    assert.deepEqual(matchers.map((m) => m.name).sort(), ['stap', 'stap-parse']);
  });

  test('a semantic error: $stap finds it at its line and column; $stap-parse does not', () => {
    const { file, stderr } = stapErrors(dir, 'sem.stp', 'probe begin {\n  x = foo(1)\n}\n');
    assert.match(stderr, /semantic error: unresolved function foo/);
    const problems = apply(byName('stap'), stderr);
    assert.equal(problems.length, 1, stderr);
    assert.deepEqual({ ...problems[0], message: undefined }, { file, line: 2, column: 7, severity: 'error', message: undefined });
    assert.match(problems[0].message, /^unresolved function foo/);
    assert.deepEqual(apply(byName('stap-parse'), stderr), []);
  });

  test('a parse error: $stap-parse takes the message from the first line and the place from the saw: line', () => {
    const { file, stderr } = stapErrors(dir, 'parse.stp', 'probe begin {\n  x = 1 +\n}\n');
    const problems = apply(byName('stap-parse'), stderr);
    assert.deepEqual(problems, [{ file, line: 3, column: 1, severity: 'error', message: 'expected literal string or number' }]);
    assert.deepEqual(apply(byName('stap'), stderr), []);
  });

  test('a warning: $stap gives a warning at its place (and skips the one stap prints without a file)', () => {
    const { file, stderr } = stapErrors(dir, 'warn.stp', 'probe begin {\n  y = 1\n  exit()\n}\n');
    assert.match(stderr, /WARNING: Eliding assignment to 'y'/);
    const problems = apply(byName('stap'), stderr);
    assert.ok(problems.length >= 1, stderr);
    assert.ok(problems.every((p) => p.severity === 'warning' && p.file === file), JSON.stringify(problems));
    assert.deepEqual([problems[0].line, problems[0].column], [2, 5]);
  });
});
