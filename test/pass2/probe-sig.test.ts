/**
 * The `-p2` probe signature (elaborate/probe-sig.ts, derived_probe::printsig): the location as
 * derived, the builder's suffix, then the derivation chain in one comment. The scripts are
 * derived directly (pass 1 + deriveProbes, no symbol resolution, so conditions print unmangled)
 * and the expected lines are stap 4.8's, with mangled names put back where stap resolves them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { deriveProbes } from '../../server/src/elaborate/derive';
import { derivedProbeSignature, originSignature } from '../../server/src/elaborate/probe-sig';
import { elaborationFor } from './symbols-harness';

/** The signatures of the user script's probes, derived in order. */
function signatures(script: string): string[] {
  const e = elaborationFor(script);
  const file = e.userFiles[0];
  return file.probes.flatMap((p) => deriveProbes(e, p, file)).map(derivedProbeSignature);
}

describe('derived probe signatures', () => {
  test('a plain probe: its location, then itself', () => {
    assert.deepEqual(signatures('probe begin { println(1) }'), ['begin /* <- begin */']);
  });

  test('several locations: one derived probe each, the base lists them all joined by ","', () => {
    assert.deepEqual(signatures('probe timer.sec(2), timer.ms(0x10), begin(-5) { println(1) }'), [
      'timer.sec(2) /* <- timer.sec(2),timer.ms(16),begin(-5) */',
      'timer.ms(16) /* <- timer.sec(2),timer.ms(16),begin(-5) */',
      'begin(-5) /* <- timer.sec(2),timer.ms(16),begin(-5) */',
    ]);
  });

  test('alias levels print their alias signature, nested with " <- "', () => {
    assert.deepEqual(signatures('probe myalias = begin, timer.s(2) { } probe nested = myalias { } probe nested { println(1) }'), [
      'begin /* <- myalias = begin, timer.s(2) <- nested = myalias <- nested */',
      'timer.s(2) /* <- myalias = begin, timer.s(2) <- nested = myalias <- nested */',
    ]);
  });

  test('every name of a multi-name alias, and `+=` for an epilogue alias', () => {
    assert.deepEqual(signatures('probe p1 = p2 = begin { } probe p3 += end { } probe p2, p3 { println(1) }'), [
      'begin /* <- p1 = p2 = begin <- p2,p3 */',
      'end /* <- p3 += end <- p2,p3 */',
    ]);
  });

  test('the kprobe suffix, `?`/`!` kept on locations and in the chain', () => {
    const sigs = signatures('probe syscall.open { println(1) }');
    assert.deepEqual(sigs, [
      'kprobe.function("sys_open")? /*  name = sys_open*/ /* <- nd1_syscall.open = kprobe.function("compat_sys_open")?, ' +
        'kprobe.function("sys32_open")?, kprobe.function("sys_open")? <- nd_syscall.open = nd1_syscall.open!, ' +
        'nd2_syscall.open!, tp_syscall.open <- syscall.open = dw_syscall.open!, nd_syscall.open? <- syscall.open */',
    ]);
  });

  test('conditions: the alias condition && the use condition on the location, originals in the chain', () => {
    // stap prints the location's condition resolved ((__global_g) > (1)); before symbol
    // resolution the names are the written ones.
    assert.deepEqual(signatures('global g probe my = timer.s(1) if (g > 1) { } probe my if (g < 5) { println(1) }'), [
      'timer.s(1) if (((g) > (1)) && ((g) < (5))) /* <- my = timer.s(1) if ((g) > (1)) <- my if ((g) < (5)) */',
    ]);
  });

  test('a suffix goes on the alias locations; the chain shows the use with it', () => {
    assert.deepEqual(signatures('probe myal = kprobe.function("sys_open") { } probe myal.return { println(1) }'), [
      'kprobe.function("sys_open").return /*  name = sys_open*/ /* <- myal = kprobe.function("sys_open") <- myal.return */',
    ]);
  });

  test('an absolute statement re-prints its address in hex with a pc suffix', () => {
    const e = elaborationFor('probe kernel.statement(0x1000).absolute { println(1) }', { guru: true });
    const file = e.userFiles[0];
    const dps = deriveProbes(e, file.probes[0], file);
    assert.deepEqual(dps.map(derivedProbeSignature), ['kernel.statement(0x1000).absolute /* pc=+0x1000 */ /* <- kernel.statement(4096).absolute */']);
  });

  test('originSignature alone is the part inside the comment', () => {
    const e = elaborationFor('probe a = begin { } probe a { }');
    const file = e.userFiles[0];
    const [dp] = deriveProbes(e, file.probes[0], file);
    assert.equal(originSignature(dp.origin), 'a = begin <- a');
  });
});
