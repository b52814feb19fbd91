// parseStapMessages on REAL stap 4.8 output (the sandbox's stap, BPF runtime): parse and semantic
// errors at their line and column, follow-ups with an empty file name, `<input>`, pass-5 ERROR on
// stdout (coloured), the failed pass and the sentence for the user.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { stapArgv } from '../../../client/src/backend/stap-command';
import { parseStapMessages } from '../../../client/src/backend/stap-messages';
import type { StapOptions } from '../../../client/src/backend/types';
import { sandboxOptions, scriptDir } from './local-sandbox';

function runStap(opts: StapOptions, script: string, cwd?: string) {
  const r = spawnSync(opts.stapPath, stapArgv(opts, script), {
    cwd,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = scriptDir({
  'sem.stp': 'probe begin {\n  x = 1\n  printf("%d\\n", y + "s")\n}\n',
  'parse.stp': 'probe begin {\n  printf("a"\n}\n',
  'err.stp': 'probe begin { printf("ERROR: not stap\'s\\n"); error("boom") }\n',
  'multi.stp': 'probe begin {\n  foo(1)\n}\nprobe nosuch.thing { }\n',
});

test('a pass-2 error gives an error diagnostic at its line and column; follow-ups with an empty file name are the same file', () => {
  const script = join(dir, 'sem.stp');
  const r = runStap(sandboxOptions(), script);
  assert.equal(r.status, 1);
  const m = parseStapMessages(r.stderr, r.stdout, script);
  assert.equal(m.failedPass, 2);
  assert.match(m.message ?? '', /^Pass 2: analysis failed: semantic error: type mismatch: expected long but found string/);
  const errors = m.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => [d.file, d.line, d.column]), [[script, 3, 22]]);
  assert.match(errors[0].message, /^semantic error: type mismatch: expected long but found string: string 's'$/);
  const warnings = m.diagnostics.filter((d) => d.severity === 'warning');
  // 'y' at 3:18 names the file; the two elision warnings have an empty file name (`at :2:5`)
  assert.deepEqual(warnings.map((d) => [d.file, d.line, d.column]), [[script, 3, 18], [script, 2, 5], [script, 2, 3]]);
  assert.match(warnings[0].message, /^never-assigned local variable 'y'/);
});

test('a parse error: the location on the saw: line, pass 1 failed', () => {
  const r = runStap(sandboxOptions(), 'parse.stp', dir);
  const m = parseStapMessages(r.stderr, r.stdout, 'parse.stp');
  assert.equal(m.failedPass, 1);
  assert.deepEqual(m.diagnostics, [
    { file: 'parse.stp', line: 3, column: 1, severity: 'error', message: "parse error: expected one of ', )' (saw: operator '}')" },
  ]);
  assert.equal(m.message, "Pass 1: parse failed: parse error: expected one of ', )' (saw: operator '}')");
});

test('several errors in one file; the probe point errors follow with an empty file name', () => {
  const script = join(dir, 'multi.stp');
  const r = runStap(sandboxOptions({ extraOptions: ['-p2'] }), script);
  const m = parseStapMessages(r.stderr, r.stdout, '/the/editor/multi.stp', (f) => (f === script ? '/the/editor/multi.stp' : f));
  assert.equal(m.failedPass, 2);
  assert.deepEqual(
    m.diagnostics.map((d) => [d.file, d.line, d.column, d.message.slice(0, 40)]),
    [
      ['/the/editor/multi.stp', 2, 3, 'semantic error: unresolved function foo '],
      ['/the/editor/multi.stp', 4, 7, 'semantic error: while resolving probe po'],
      ['/the/editor/multi.stp', 4, 7, 'semantic error: probe point mismatch (si'],
    ],
  );
});

test('a -e script (<input>) maps to the script path; an error without a location sits at 1:1', () => {
  const r = runStap(sandboxOptions({ extraOptions: ['-e', 'probe begin { x }'] }), '/dev/null');
  // stap takes -e's text as the script and /dev/null as $1: still, the messages are about <input>
  const m = parseStapMessages(r.stderr, r.stdout, 'untitled.stp');
  assert.equal(m.failedPass, 2);
  assert.deepEqual(
    m.diagnostics.map((d) => [d.file, d.line, d.column, d.severity]),
    [['untitled.stp', 1, 15, 'warning'], ['untitled.stp', 1, 15, 'warning'], ['untitled.stp', 1, 1, 'warning'], ['untitled.stp', 1, 1, 'error']],
  );
  assert.equal(m.diagnostics[3].message, 'semantic error: no probes found');
});

test("pass 5: error() prints a coloured ERROR on stdout; the script's own 'ERROR:' line is not stap's", () => {
  const script = join(dir, 'err.stp');
  const r = runStap(sandboxOptions(), script);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /\x1b\[/, 'stap no longer colours ERROR: the parser relies on it');
  const m = parseStapMessages(r.stderr, r.stdout, script);
  assert.equal(m.failedPass, 5);
  assert.equal(m.message, 'Pass 5: run failed: boom');
  assert.deepEqual(m.diagnostics, []); // "WARNING: Number of errors: 1" is about the run
});

test('a missing script: pass 1 failed with stap\'s own sentence', () => {
  const r = runStap(sandboxOptions(), join(dir, 'nosuch.stp'));
  const m = parseStapMessages(r.stderr, r.stdout, join(dir, 'nosuch.stp'));
  assert.equal(m.failedPass, 1);
  assert.equal(m.message, `Pass 1: parse failed: Input file '${join(dir, 'nosuch.stp')}' is missing.`);
});

test('file names with spaces, colons and " at " are found by the known script name', () => {
  const f = '/my dir/at x: at y.stp';
  const stderr = `semantic error: type mismatch: string 'a at b' at ${f}:3:7\n        source: x\n\nPass 2: analysis failed.  [man error::pass2]\n`;
  const m = parseStapMessages(stderr, '', f);
  assert.deepEqual(m.diagnostics, [
    { file: f, line: 3, column: 7, severity: 'error', message: "semantic error: type mismatch: string 'a at b'" },
  ]);
});
