/**
 * The built-in probe-point families (server/src/probes/builtin-families.ts): well formed, each
 * pattern parses into components and back, and the list is exactly what the installed stap
 * prints with `--dump-probe-types` (for the kernel and the BPF runtime), when stap is there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { BUILTIN_PROBE_PATTERNS, parsePattern } from '../../server/src/probes/builtin-families';
import { findStap, makeFakeKbuild, runStap } from '../helpers/stap';

test('patterns are unique and parse into components and back', () => {
  assert.equal(new Set(BUILTIN_PROBE_PATTERNS).size, BUILTIN_PROBE_PATTERNS.length);
  for (const pattern of BUILTIN_PROBE_PATTERNS) {
    const components = parsePattern(pattern);
    assert.ok(components.length > 0, pattern);
    const again = components.map((c) => (c.arg ? `${c.name}(${c.arg})` : c.name)).join('.');
    assert.equal(again, pattern);
  }
  assert.deepEqual(parsePattern('kernel.function(string).return.maxactive(number)'), [
    { name: 'kernel' },
    { name: 'function', arg: 'string' },
    { name: 'return' },
    { name: 'maxactive', arg: 'number' },
  ]);
});

test('the list is what stap --dump-probe-types prints', async (t) => {
  if (!findStap()) {
    t.diagnostic('stap not found on PATH: the list is not compared with it');
    return;
  }
  const kbuild = makeFakeKbuild();
  try {
    for (const runtime of [[], ['--runtime=bpf']]) {
      const r = await runStap(['-r', kbuild.dir, ...runtime, '--dump-probe-types']);
      assert.equal(r.status, 0, r.stderr);
      const listed = r.stdout.split('\n').filter((l) => l.trim() !== '');
      assert.deepEqual(listed, [...BUILTIN_PROBE_PATTERNS], `stap ${runtime.join(' ')} --dump-probe-types differs`);
    }
  } finally {
    kbuild.cleanup();
  }
});
