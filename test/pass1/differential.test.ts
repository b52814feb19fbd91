/**
 * Differential test of pass 1 against the real stap 4.8 (the acceptance check of the pass-1
 * issue). Needs stap and the installed examples and tapsets; without stap it says so and checks
 * nothing (the fixture goldens cover that case).
 *
 * 1. Every installed example script: `stap -r K -p1 OPTS FILE ARGS` and `stap-ls` with the same
 *    command line must agree on accept/reject (exit status), on stdout where stap accepts, and
 *    on the first stderr line where it rejects. OPTS and ARGS come from the `test_check:` line of
 *    the example's `.meta` file (see {@link commandFor}).
 * 2. `-v -p1` on a one-line script prints the whole tapset library (~67,000 lines): identical for
 *    the default target, for `-a arm64`, for `--runtime=bpf`, and under `--compatible` and
 *    privilege options that the tapsets' conditionals test.
 */
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { commandFor } from '../helpers/example-command';
import { exampleFiles, INSTALL_HINT } from '../helpers/installed';
import { findStap, makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { firstDifference, firstLine, runStapLatin1, runStapLs } from './harness';

/**
 * FIXME: examples where stap-ls disagrees with stap today, with the reason. Each is asserted
 * as it is (so a fix shows up as a failure: then delete the entry).
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

const stap = findStap();
let kbuild: FakeKbuild | undefined;
before(() => {
  if (stap) kbuild = makeFakeKbuild();
});
after(() => kbuild?.cleanup());

interface Outcome {
  script: string;
  agree: boolean;
  detail: string;
}
const outcomes: Outcome[] = [];

describe('installed examples: stap -p1 vs stap-ls -p1', { concurrency: 2 }, () => {
  const scripts = exampleFiles();
  test('the examples are installed', (t) => {
    assert.ok(scripts.length > 0, `no example scripts found: ${INSTALL_HINT}`);
    t.diagnostic(`${scripts.length} example scripts`);
    if (!stap) t.diagnostic('stap not found: the differential checks do not run');
  });

  for (const script of scripts) {
    const name = script.replace(/^.*\/examples\//, '');
    test(name, { timeout: 180_000 }, async () => {
      if (!stap || !kbuild) return;
      const cmd = commandFor(script);
      const argv = ['-r', kbuild.dir, '-p1', ...cmd.options, script, ...cmd.args];
      const theirs = await runStapLatin1(argv);
      const mine = runStapLs(argv);
      let detail = '';
      if (mine.status !== theirs.status) {
        detail = `exit status: stap ${theirs.status}, stap-ls ${mine.status}\n--- stap stderr\n${theirs.stderr}\n+++ stap-ls stderr\n${mine.stderr}`;
      } else if (theirs.status === 0) {
        detail = firstDifference(theirs.stdout, mine.stdout) ?? '';
      } else if (firstLine(theirs.stderr) !== firstLine(mine.stderr)) {
        detail = `first stderr line:\n--- stap\n${firstLine(theirs.stderr)}\n+++ stap-ls\n${firstLine(mine.stderr)}`;
      }
      outcomes.push({ script: name, agree: detail === '', detail });
      const known = KNOWN_DIFFERENCES[name];
      const context = `${basename(script)} (${cmd.origin}): stap-ls ${argv.join(' ')}`;
      if (known === undefined) assert.equal(detail, '', `${context}\n${detail}`);
      else assert.notEqual(detail, '', `${context}: listed in KNOWN_DIFFERENCES (${known}) but now agrees: remove the entry`);
    });
  }

  after(() => {
    if (!stap) return;
    const agree = outcomes.filter((o) => o.agree).length;
    console.log(`# examples agreeing with stap -p1: ${agree}/${scripts.length}`);
  });
});

describe('library dump: stap -v -p1 vs stap-ls -v -p1 on a one-line script', { concurrency: 1 }, () => {
  for (const [name, extra] of [
    ['default target (x86_64, kernel)', []],
    ['-a arm64', ['-a', 'arm64']],
    ['--runtime=bpf', ['--runtime=bpf']],
    // Tapset files of include dir 0 ignore --compatible in the lexer and parser but not in
    // their conditionals (pf_no_compatible); privilege reaches the conditionals too.
    ['--compatible=2.9', ['--compatible=2.9']],
    ['--compatible=1.0 -g', ['--compatible=1.0', '-g']],
    ['--unprivileged', ['--unprivileged']],
  ] as const) {
    test(name, { timeout: 300_000 }, async (t) => {
      if (!stap || !kbuild) return t.diagnostic('stap not installed: not compared');
      const argv = ['-r', kbuild.dir, '-v', '-p1', ...extra, '-e', 'probe begin { println("hi") }'];
      const theirs = await runStapLatin1(argv);
      const mine = runStapLs(argv);
      assert.equal(theirs.status, 0, theirs.stderr);
      const diff = firstDifference(theirs.stdout, mine.stdout);
      assert.equal(diff, undefined, diff);
      const shape = /^Pass 1: parsed user script and (\d+) library scripts using \d+virt\/\d+res\/\d+shr\/\d+data kb, in \d+usr\/\d+sys\/\d+real ms\.$/m;
      const theirCount = shape.exec(theirs.stderr)?.[1];
      assert.ok(theirCount, `stap's -v line: ${theirs.stderr}`);
      assert.equal(shape.exec(mine.stderr)?.[1], theirCount, `stap-ls's -v line: ${mine.stderr}`);
      assert.equal(mine.status, 0);
      t.diagnostic(`${theirs.stdout.split('\n').length} lines identical, ${theirCount} library scripts`);
    });
  }
});
