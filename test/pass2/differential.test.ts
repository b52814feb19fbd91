/**
 * Differential test of pass 2 against the real stap 4.8 on every installed example script.
 *
 * For each example, `stap -r K -p2 OPTS FILE ARGS` and `stap-ls` (in-process) with the same
 * command line must agree on accept/reject (exit status), print an identical stdout (the `-p2`
 * dump) where stap accepts, and an identical first stderr line where it rejects. OPTS and ARGS
 * come from the `test_check:` line of the example's `.meta` file, with numeric dummy arguments,
 * exactly as the pass-1 differential test builds them (test/helpers/example-command.ts). The
 * output of the kernel build stap starts for @cast type queries is not compared (see compare.ts).
 *
 * Most examples fail here for lack of debuginfo; agreeing on that first error line is the check.
 * stap runs through the shared pool, two at a time, while stap-ls runs in this process.
 *
 * FIXME list: known-differences.differential.json (see known-differences.ts), regenerated with
 * `UPDATE_KNOWN=1 npm test -- test/pass2/differential`. Without stap the test says so and checks
 * nothing but the list's consistency.
 */
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { commandFor } from '../helpers/example-command';
import { exampleFiles, INSTALL_HINT } from '../helpers/installed';
import { pool } from '../helpers/pool';
import { findStap, makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { runStapLatin1, type RunResult } from '../pass1/harness';
import { compareP2, runMine } from './compare';
import { checkKnown, loadKnown, saveKnown, UPDATE_KNOWN } from './known-differences';

const LIST = 'differential';
const known = loadKnown(LIST);
const stap = findStap();
const scripts = exampleFiles();
const nameOf = (script: string) => script.replace(/^.*\/examples\//, '');

let kbuild: FakeKbuild | undefined;
/** stap's result per script, started in `before` (two at a time) and awaited by each test. */
const theirs = new Map<string, Promise<RunResult>>();
const outcomes = new Map<string, string>();

function argvFor(script: string, kbuildDir: string): string[] {
  const cmd = commandFor(script);
  return ['-r', kbuildDir, '-p2', ...cmd.options, script, ...cmd.args];
}

before(() => {
  if (!stap) return;
  kbuild = makeFakeKbuild();
  const dir = kbuild.dir;
  const promises = new Map<string, { resolve: (r: RunResult) => void; reject: (e: unknown) => void }>();
  for (const script of scripts) {
    theirs.set(script, new Promise((resolve, reject) => promises.set(script, { resolve, reject })));
  }
  void pool(
    scripts.map((script) => async () => {
      const p = promises.get(script)!;
      try {
        p.resolve(await runStapLatin1(argvFor(script, dir)));
      } catch (err) {
        p.reject(err);
      }
    }),
    2,
  );
});
after(() => kbuild?.cleanup());

describe('installed examples: stap -p2 vs stap-ls -p2', () => {
  test('the examples are installed and the FIXME list names only examples', (t) => {
    assert.ok(scripts.length > 0, `no example scripts found: ${INSTALL_HINT}`);
    const names = new Set(scripts.map(nameOf));
    assert.deepEqual(Object.keys(known).filter((k) => !names.has(k)), [], 'known-differences.differential.json lists scripts that do not exist');
    t.diagnostic(`${scripts.length} example scripts, ${Object.keys(known).length} known differences`);
    if (!stap) t.diagnostic('stap not found: the differential checks do not run');
  });

  for (const script of scripts) {
    const name = nameOf(script);
    test(name, { timeout: 300_000 }, async () => {
      if (!stap || !kbuild) return;
      const argv = argvFor(script, kbuild.dir);
      const stapRun = await theirs.get(script)!;
      assert.ok(stapRun.status !== null, `stap was killed (timeout?) on ${name}`);
      const detail = compareP2(stapRun, runMine(argv));
      outcomes.set(name, detail);
      checkKnown(known, name, detail, `${basename(script)} (${commandFor(script).origin}): stap-ls ${argv.join(' ')}`);
    });
  }

  after(() => {
    if (!stap) return;
    const agree = [...outcomes.values()].filter((d) => d === '').length;
    console.log(`# examples agreeing with stap -p2: ${agree}/${scripts.length}`);
    if (UPDATE_KNOWN) {
      saveKnown(LIST, outcomes);
      console.log(`# wrote known-differences.${LIST}.json (${outcomes.size - agree} entries)`);
    }
  });
});
