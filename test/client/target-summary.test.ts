/**
 * client/src/target-summary.ts: the status bar's target (release from the settings, from the
 * build tree's include/config/kernel.release, or this machine's) and the `stap -V` probe with
 * the real stap, a missing command and a command that is not stap.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { probeStap, targetSummary } from '../../client/src/target-summary';

test('the target: this machine by default, the setting, or the build tree\'s release', () => {
  const here = targetSummary({});
  assert.equal(here.kernelRelease, release());
  assert.equal(here.runtime, 'kernel');
  assert.ok(['x86_64', 'aarch64'].includes(here.arch) || here.arch.length > 0);
  assert.deepEqual(targetSummary({ kernelRelease: '5.10.0-x', arch: 'arm64', runtime: 'bpf' }), { kernelRelease: '5.10.0-x', arch: 'arm64', runtime: 'bpf' });
  const dir = mkdtempSync(join(tmpdir(), 'stap-kbuild-'));
  try {
    assert.equal(targetSummary({ kernelBuildDir: dir }).kernelRelease, dir, 'no kernel.release: the directory');
    mkdirSync(join(dir, 'include', 'config'), { recursive: true });
    writeFileSync(join(dir, 'include', 'config', 'kernel.release'), '6.1.0-test\n');
    assert.equal(targetSummary({ kernelBuildDir: dir, kernelRelease: 'other' }).kernelRelease, '6.1.0-test');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stap -V: the real stap is found with its version', async () => {
  const p = await probeStap('stap');
  assert.ok(p.found, JSON.stringify(p));
  assert.match(p.version, /^\d+\.\d+/);
});

test('stap -V: a missing command and a command that is not stap are reported, not thrown', async () => {
  const missing = await probeStap('/nonexistent/stap');
  assert.deepEqual(missing, { found: false, message: '/nonexistent/stap was not found (set systemtap.stapPath)' });
  const notStap = await probeStap('/bin/true');
  assert.equal(notStap.found, false);
  assert.match((notStap as { message: string }).message, /did not print stap's version/);
});
