/** client/src/output-lines.ts: chunks pass through for one source; whole prefixed lines for several hosts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { OutputLines } from '../../client/src/output-lines';

test('one source: every chunk is written as it comes, a partial line at once', () => {
  const out: string[] = [];
  const lines = new OutputLines(false, (t) => out.push(t));
  lines.push({ stream: 'stdout', text: 'tick 1\ntic' });
  assert.deepEqual(out, ['tick 1\ntic']);
  lines.push({ stream: 'stdout', text: 'k 2\n' });
  lines.flush();
  assert.equal(out.join(''), 'tick 1\ntick 2\n');
});

test('several hosts: whole lines, prefixed by host, never mixed mid-line; the rest flushed at the end', () => {
  const out: string[] = [];
  const lines = new OutputLines(true, (t) => out.push(t));
  lines.push({ host: 'a', stream: 'stdout', text: 'hel' });
  lines.push({ host: 'b', stream: 'stdout', text: 'one\ntw' });
  lines.push({ host: 'a', stream: 'stdout', text: 'lo\n\nx' });
  lines.push({ host: 'b', stream: 'stderr', text: 'warn\n' });
  assert.equal(out.join(''), '[b] one\n[a] hello\n[a] \n[b] warn\n');
  lines.flush();
  assert.equal(out.join(''), '[b] one\n[a] hello\n[a] \n[b] warn\n[a] x\n[b] tw\n');
  lines.flush();
  assert.equal(out.join('').split('\n').length, 7, 'a second flush writes nothing');
});
