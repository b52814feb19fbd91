/**
 * The probe-point privilege rules (server/src/elaborate/privilege.ts): the built-in families open
 * to each privilege level are exactly what the installed stap lists with
 * `--privilege=LEVEL --dump-probe-types`, and an alias makes its node allowed. Whole scripts are
 * covered by the `privilege-*` pass-2 fixtures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { familyAllowed, nodeAllowed } from '../../server/src/elaborate/privilege';
import { BUILTIN_PROBE_PATTERNS } from '../../server/src/probes/builtin-families';
import type { Privilege } from '../../server/src/session';
import { findStap, makeFakeKbuild, runStap } from '../helpers/stap';

const LEVELS: Privilege[] = ['stapusr', 'stapsys', 'stapdev'];

test('stapusr: begin/end/error/never, timer.* but profile.tick, process.* but insn', () => {
  const allowed = BUILTIN_PROBE_PATTERNS.filter((p) => familyAllowed(p, 'stapusr'));
  assert.equal(allowed.length, 171);
  for (const p of ['begin', 'never', 'timer.ms(number)', 'process.begin', 'process(string).function(string).return']) {
    assert.ok(familyAllowed(p, 'stapusr'), p);
  }
  for (const p of ['timer.profile.tick', 'process(number).insn.block', 'kprobe.function(string)', 'procfs.read', 'perf.type(number).config(number)']) {
    assert.ok(!familyAllowed(p, 'stapusr'), p);
    assert.ok(familyAllowed(p, 'stapsys'), p);
  }
  assert.ok(!nodeAllowed([{ kind: 'family', pattern: 'procfs.read' }], 'stapusr'));
  assert.ok(nodeAllowed([{ kind: 'family', pattern: 'begin' }], 'stapusr'));
  assert.ok(nodeAllowed([{ kind: 'family', pattern: 'procfs.read' }], 'stapdev'));
});

test('the families open to each level are what stap --privilege=LEVEL --dump-probe-types lists', async (t) => {
  if (!findStap()) {
    t.diagnostic('stap not found on PATH: the rules are not compared with it');
    return;
  }
  const kbuild = makeFakeKbuild();
  try {
    for (const level of LEVELS) {
      const r = await runStap(['-r', kbuild.dir, `--privilege=${level}`, '--dump-probe-types']);
      assert.equal(r.status, 0, r.stderr);
      const listed = r.stdout.split('\n').filter((l) => l.trim() !== '');
      const ours = BUILTIN_PROBE_PATTERNS.filter((p) => familyAllowed(p, level));
      assert.deepEqual(ours, listed, `--privilege=${level}`);
    }
  } finally {
    kbuild.cleanup();
  }
});
