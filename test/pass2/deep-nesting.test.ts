/**
 * A script nested thousands deep (stap takes `1+1+…` 6,000 times) overflows the main thread's
 * stack in our recursive passes; the `stap-ls` command then runs it again in a worker with a big
 * stack (cli.ts `rerunWithBigStack`), so the answer is stap's, never an internal error. Run as
 * the real command (bin/stap-ls), with the script from a file and from stdin.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { findStap, makeFakeKbuild, runStap, type FakeKbuild } from '../helpers/stap';

const bin = join(__dirname, '..', '..', 'bin', 'stap-ls');
const DEPTH = 6000;
const SCRIPT = `probe begin { println(${'1+'.repeat(DEPTH)}1) }\n`;
let kbuild: FakeKbuild;
let dir: string;
before(() => {
  kbuild = makeFakeKbuild();
  dir = mkdtempSync(join(tmpdir(), 'stap-ls-deep-'));
  writeFileSync(join(dir, 'deep.stp'), SCRIPT);
});
after(() => {
  kbuild.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function stapLs(args: string[], input?: string) {
  const r = spawnSync(bin, ['-r', kbuild.dir, ...args], {
    input,
    encoding: 'latin1',
    maxBuffer: 64 << 20,
    env: { ...process.env, STAP_LS_CACHE: '0' },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test(`a ${DEPTH}-deep expression: -p2 from a file and from stdin, -p1`, { timeout: 300_000 }, async (t) => {
  const file = stapLs(['-p2', join(dir, 'deep.stp')]);
  assert.doesNotMatch(file.stderr, /internal error/);
  assert.equal(file.status, 0, file.stderr);
  // Constant folding reduces the sum to one number.
  assert.match(file.stdout, /^# probes\nbegin \/\* <- begin \*\/\n$/);
  const stdin = stapLs(['-p2', '-v', '-'], SCRIPT);
  assert.equal(stdin.status, 0, stdin.stderr);
  assert.match(stdin.stdout, new RegExp(`println\\(${DEPTH + 1}\\)`));
  const p1 = stapLs(['-p1', join(dir, 'deep.stp')]);
  assert.equal(p1.status, 0, p1.stderr);
  assert.equal(p1.stdout.split(' + ').length - 1, DEPTH, 'the -p1 dump has every term');
  const stap = findStap();
  if (!stap) return t.diagnostic('stap not installed: not compared');
  const theirs = await runStap(['-r', kbuild.dir, '-p2', join(dir, 'deep.stp')]);
  assert.equal(file.stdout, theirs.stdout);
  assert.equal(file.status, theirs.status);
});
