/** client/src/run-report.ts: the sentence a run or compile ends with, and diagnostics by file. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { CompileResult, RunResult } from '../../client/src/backend/types';
import { diagnosticsByFile, summarize } from '../../client/src/run-report';

const ok: RunResult = { exitCode: 0, signal: null, diagnostics: [], stopped: false };

test('how a run ended', () => {
  assert.deepEqual(summarize('Run', ok), { level: 'info', text: 'Run finished.' });
  assert.deepEqual(summarize('Run', { ...ok, stopped: true }), { level: 'info', text: 'Run stopped.' });
  assert.deepEqual(summarize('Run', { ...ok, stopped: true, signal: 'SIGKILL', exitCode: null }), { level: 'info', text: 'Run stopped (killed by SIGKILL).' });
  assert.deepEqual(summarize('Run', { ...ok, exitCode: 1, failedPass: 2 }), { level: 'error', text: 'Run failed: pass 2 failed (exit status 1).' });
  assert.deepEqual(summarize('Run', { ...ok, exitCode: 3 }), { level: 'error', text: 'Run failed (exit status 3).' });
  assert.deepEqual(summarize('Run on h', { ...ok, exitCode: 255, message: 'host h is unreachable.' }), { level: 'error', text: 'Run on h failed: host h is unreachable.' });
  assert.deepEqual(summarize('Run', { ...ok, exitCode: 1, failedPass: 2, message: 'unresolved function foo' }), { level: 'error', text: 'Run failed: pass 2 failed: unresolved function foo.' });
  assert.deepEqual(summarize('Run', { ...ok, exitCode: 1, failedPass: 2, message: 'Pass 2: analysis failed' }), { level: 'error', text: 'Run failed: Pass 2: analysis failed.' });
  const compiled: CompileResult = { ...ok, artifact: '/tmp/x/stap_1.bo' };
  assert.deepEqual(summarize('Compile', compiled), { level: 'info', text: 'Compile finished: /tmp/x/stap_1.bo.' });
});

test('diagnostics by file, in order, duplicates dropped', () => {
  const d = (file: string, line: number, message = 'm') => ({ file, line, column: 1, severity: 'error' as const, message });
  const by = diagnosticsByFile([d('/a.stp', 3), d('/b.stp', 1), d('/a.stp', 1), d('/a.stp', 3)]);
  assert.deepEqual([...by.keys()], ['/a.stp', '/b.stp']);
  assert.deepEqual(by.get('/a.stp')!.map((x) => x.line), [3, 1]);
});
