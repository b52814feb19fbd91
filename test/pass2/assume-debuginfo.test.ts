/**
 * `stap-ls --assume-debuginfo` (the editor's mode, no stap equivalent) on the REAL machine's
 * kernel: the build dir is assembled from /proc/kallsyms, /proc/config.gz and `uname -r`
 * (test/helpers/real-kbuild.ts). The flag assumes exactly what needs DWARF debuginfo, the
 * binaries or the kernel headers; everything the build dir tells (System.map, Module.symvers,
 * `.config`, the architecture) is consulted as stap consults it (elaborate/builders.ts).
 *
 * 1. Every installed example, with the options and the REAL arguments of its `.meta`
 *    `test_check:` line (test/helpers/example-command.ts, `meta` mode; without one, `-g` and no
 *    arguments), plus `--assume-args` (an unset `$N` is a placeholder), passes pass 2 with zero
 *    errors (exit 0), except the ones in {@link STAP_FAILS}: those fail
 *    with stap too, whatever the debuginfo, and the test proves it by running stap on the same
 *    build dir (same first error, not a debuginfo one; a failing `.meta` `test_support:` stap
 *    command is named too).
 * 2. Every must-fail pass-2 fixture (test-fixtures/pass2/ko/) is run by the real stap on the
 *    real build dir, with the fixture's own command line: where stap's first error is a
 *    debuginfo one ({@link debuginfoCause}) it is only counted; where stap fails otherwise,
 *    stap-ls with the flag fails with the same first error line; where stap accepts (a kprobe on
 *    a symbol the committed fake kbuild lacks), stap-ls accepts too.
 *
 * stap runs in a pool of 2 (test/helpers/pool.ts), started before the examples so that both
 * sides run at once. FIXME list: known-differences.assume-debuginfo.json, keys
 * `examples/<script>` and `ko/<fixture>`, regenerated with
 * `UPDATE_KNOWN=1 npm test -- test/pass2/assume-debuginfo`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { commandFor, shellWords } from '../helpers/example-command';
import { exampleFiles, INSTALL_HINT } from '../helpers/installed';
import { pool } from '../helpers/pool';
import { makeRealKbuild, type RealKbuild } from '../helpers/real-kbuild';
import { findStap } from '../helpers/stap';
import { runStapLatin1, type RunResult } from '../pass1/harness';
import { firstError, runMine, withoutKbuildNoise } from './compare';
import { commandLine, fixtures, ROOT, type Fixture } from './fixture-files';
import { checkKnown, loadKnown, saveKnown, UPDATE_KNOWN } from './known-differences';
import { STAP_FAILS } from '../helpers/stap-rejects-here';

const LIST = 'assume-debuginfo';
const FLAG = '--assume-debuginfo';
/** Unset script arguments become placeholders (examples only: fixtures test missing arguments). */
const ARGS_FLAG = '--assume-args';

/**
 * The error of a stap run that names the actual cause: its first diagnostic, or, when that is a
 * `while resolving probe point` chain, the first chained error that is not.
 */
function firstCause(stderr: string): string {
  const lines = stderr.split('\n');
  const start = lines.indexOf(firstError(stderr));
  if (start < 0 || !lines[start].startsWith('semantic error: while resolving probe point')) return lines[start] ?? '';
  return lines.slice(start).find((l) => /^semantic error: /.test(l) && !l.startsWith('semantic error: while resolving')) ?? lines[start];
}

/** Probe points that need debuginfo, binaries or kernel headers (what the flag assumes). */
const ASSUMED_POINT = /^(kernel\.(trace|mark|function|statement)|module\s*\(|process)/;

/**
 * Whether stap's first error exists only for lack of debuginfo, binaries or kernel headers (what
 * --assume-debuginfo assumes): `missing … debuginfo`, a type-query module (`@cast` with headers)
 * that found no type, a probed binary that is not there, or a `no match` where the probe point
 * being resolved is a tracepoint, a marker, a DWARF or process family. A kprobe's `no match`
 * (System.map), a missing perf export, a `.config` check are not: the build dir tells them.
 * A `no match` on an alias is `'alias'`: whether a DWARF probe inside it failed needs stap's
 * derivation trace ({@link aliasNeedsDebuginfo}).
 */
function debuginfoCause(stderr: string): boolean | 'alias' {
  const clean = withoutKbuildNoise(stderr);
  const first = firstError(clean);
  if (/debuginfo/.test(first)) return true;
  const cause = firstCause(clean);
  if (/debuginfo|^semantic error: type definition '.*' not found in |cannot find executable|glob .* error \(\d+\)/.test(cause)) return true;
  if (cause !== 'semantic error: no match') return false;
  // The probe point whose resolution found nothing: the caret of the last `while resolving`
  // excerpt before the cause.
  const lines = clean.split('\n');
  const at = lines.indexOf(cause, lines.indexOf(first));
  for (let i = at - 1; i > 0; i--) {
    const caret = lines[i].indexOf('^');
    if (caret < 0 || !lines[i - 1].includes('source: ')) continue;
    const point = lines[i - 1].slice(caret);
    if (ASSUMED_POINT.test(point)) return true;
    return /^(kprobe|timer|begin|end|error|never|procfs|netfilter|perf)\b/.test(point) ? false : 'alias';
  }
  return false;
}

/**
 * For an alias that expanded to nothing: whether stap's derivation trace (`--vp 03`, its
 * `derive-probes … : POINT of …` lines) tried a probe point the flag assumes.
 */
function aliasNeedsDebuginfo(traceStderr: string): boolean {
  return traceStderr.split('\n').some((l) => {
    const m = /^derive-probes \(location #\d+\): (.*) of /.exec(l);
    return m !== null && ASSUMED_POINT.test(m[1]);
  });
}

/** {@link debuginfoCause}, running stap again with its derivation trace for an alias. */
async function stapFailsForDebuginfo(stderr: string, argv: readonly string[], opts: { cwd?: string; stdin?: string } = {}): Promise<boolean> {
  const verdict = debuginfoCause(stderr);
  if (verdict !== 'alias') return verdict;
  const traced = await runStapLatin1(['--vp', '03', ...argv], opts);
  return aliasNeedsDebuginfo(traced.stderr);
}

const known = loadKnown(LIST);
const outcomes = new Map<string, string>();
const scripts = exampleFiles();
const nameOf = (script: string) => script.replace(/^.*\/examples\//, '');
const stap = findStap();

let kbuild: RealKbuild;
/** stap's runs of the must-fail fixtures (started before the examples, read by the fixture tests). */
let stapKo: Promise<Map<string, RunResult>>;

before(() => {
  assert.ok(stap, 'stap is not installed: this test runs it on the real kernel build dir');
  kbuild = makeRealKbuild();
  const all = koFixtures();
  stapKo = pool(
    all.map((f) => async (): Promise<[string, RunResult]> => {
      const { argv, stdin } = commandLine(f, kbuild.dir);
      return [f.name, await runStapLatin1(argv, { cwd: ROOT, stdin })];
    }),
    2,
  ).then((runs) => new Map(runs));
  // Awaited by the fixture tests; a rejection here must not be reported as unhandled before then.
  stapKo.catch(() => undefined);
});
after(() => kbuild?.cleanup());

/** Lets the stap pool's child processes be read between two in-process (synchronous) runs. */
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The `.meta` `test_support:` line when it is a plain stap command, run on the real kbuild. */
async function testSupport(script: string): Promise<string | undefined> {
  const meta = script.replace(/\.stp$/, '.meta');
  if (!existsSync(meta)) return undefined;
  const line = readFileSync(meta, 'latin1')
    .split('\n')
    .find((l) => l.startsWith('test_support:'));
  if (!line) return undefined;
  const command = line.slice('test_support:'.length).trim();
  const words = shellWords(command);
  if (words[0] !== 'stap' || /[`|;&<>$]/.test(command)) return `test_support \`${command}\` (not run: not a plain stap command)`;
  const r = await runStapLatin1(['-r', kbuild.dir, ...words.slice(1)], { cwd: dirname(script) });
  return `test_support \`${command}\` ${r.status === 0 ? 'succeeds' : `fails here (exit ${r.status}: ${firstError(r.stderr)})`}`;
}

describe(`installed examples: stap-ls -p2 ${FLAG} ${ARGS_FLAG} on the real kernel has zero errors`, () => {
  test('the examples are installed and the lists name only examples and fixtures', () => {
    assert.ok(scripts.length > 0, `no example scripts found: ${INSTALL_HINT}`);
    const examples = new Set(scripts.map(nameOf));
    assert.deepEqual(Object.keys(STAP_FAILS).filter((k) => !examples.has(k)), [], 'STAP_FAILS names examples that do not exist');
    const names = new Set([...scripts.map((s) => `examples/${nameOf(s)}`), ...koFixtures().map((f) => `ko/${f.name}`)]);
    assert.deepEqual(Object.keys(known).filter((k) => !names.has(k)), [], `known-differences.${LIST}.json lists cases that do not exist`);
  });
  for (const script of scripts) {
    const name = nameOf(script);
    test(name, async () => {
      await yieldToIo();
      const cmd = commandFor(script, 'meta');
      // Without a stap test_check line there are no real arguments: --assume-args stands for them.
      const args = cmd.origin.startsWith('test_check:') ? cmd.args : [];
      const stapArgv = ['-r', kbuild.dir, '-p2', ...cmd.options, script, ...args];
      const argv = [FLAG, ARGS_FLAG, ...stapArgv];
      const mine = runMine(argv);
      const reason = STAP_FAILS[name];
      let detail: string;
      if (reason === undefined) {
        detail = mine.status === 0 ? '' : `exit ${mine.status}: ${firstError(mine.stderr)}`;
      } else {
        // Expected to fail as stap fails here: prove it with stap on the same build dir.
        const theirs = await runStapLatin1(stapArgv);
        const support = await testSupport(script);
        const why = `${reason}${support ? `; ${support}` : ''}`;
        assert.notEqual(theirs.status, 0, `${name}: stap accepts it on this kernel, so "${reason}" is wrong`);
        if (support && /test_support .* succeeds/.test(support)) assert.fail(`${name}: ${support}, so "${reason}" is wrong`);
        const stapStderr = withoutKbuildNoise(theirs.stderr);
        const mineFirst = firstError(mine.stderr);
        const mineCause = firstCause(mine.stderr);
        if (mine.status === 0) detail = `accepted, but stap fails (${why}): ${firstCause(stapStderr)}`;
        else if (debuginfoCause(mine.stderr) === true) detail = `fails for lack of debuginfo under ${FLAG}: ${mineCause}`;
        else if (!(await stapFailsForDebuginfo(stapStderr, stapArgv))) {
          // stap's first error is the one stap-ls gives.
          detail = mineFirst === firstError(stapStderr) && mineCause === firstCause(stapStderr) ? '' : `first error: stap ${firstCause(stapStderr)} | stap-ls ${mineCause} (${why})`;
        } else {
          // stap stops first on a debuginfo error the flag assumes away; stap-ls's error is a later one of stap's.
          const lines = new Set(stapStderr.split('\n'));
          detail = lines.has(mineFirst) && lines.has(mineCause) ? '' : `stap does not report stap-ls's first error ${mineCause} (${why})`;
        }
      }
      outcomes.set(`examples/${name}`, detail);
      checkKnown(known, `examples/${name}`, detail, `stap-ls ${argv.join(' ')} (${cmd.origin})`);
    });
  }
  after(() => {
    const clean = [...outcomes].filter(([k, d]) => k.startsWith('examples/') && d === '' && !STAP_FAILS[k.slice('examples/'.length)]).length;
    console.log(
      `# examples with zero errors under ${FLAG} on ${kbuild.release}: ${clean}/${scripts.length}` +
        ` (${Object.keys(STAP_FAILS).length} fail with stap too, not for debuginfo)`,
    );
  });
});

/**
 * Whether the user script of a `-p2` command line declares no probe (aliases, functions and
 * globals only), read off stap-ls's `-p1` dump: a probe prints as `probe POINTS{`, an alias as
 * `probe NAME = POINTS{`.
 */
function declaresNoProbe(argv: readonly string[], opts: { cwd?: string; stdin?: string }): boolean {
  const p1 = argv.map((w) => (/^-[a-zA-Z]*p2$/.test(w) ? w.replace(/2$/, '1') : w));
  assert.notDeepEqual(p1, argv, `no -p2 in ${argv.join(' ')}`);
  const dump = runMine(p1, opts);
  assert.equal(dump.status, 0, dump.stderr);
  const user = dump.stdout.split(/^# file /m)[1] ?? '';
  return !/^probe (?![^{\n]* = )/m.test(user);
}

/** The must-fail fixtures (fixture-files.ts). */
function koFixtures(): Fixture[] {
  return fixtures().filter((f) => f.mustFail);
}

describe(`must-fail pass-2 fixtures under ${FLAG} fail as stap fails on the real kernel`, () => {
  const all = koFixtures();
  let same = 0;
  let accepted = 0;
  let library = 0;
  let debuginfo = 0;
  test('the must-fail fixtures are there', () => {
    assert.ok(all.length > 0, 'no must-fail fixtures in test-fixtures/pass2/ko');
  });
  for (const f of all) {
    test(`ko/${f.name}`, async () => {
      const theirs = (await stapKo).get(f.name)!;
      assert.ok(theirs.status !== null, `stap timed out on ${f.path}`);
      const stapStderr = withoutKbuildNoise(theirs.stderr).split(kbuild.dir).join('KBUILD');
      const { argv, stdin } = commandLine(f, kbuild.dir);
      if (theirs.status !== 0 && (await stapFailsForDebuginfo(theirs.stderr, argv, { cwd: ROOT, stdin }))) {
        debuginfo++;
        return;
      }
      const mine = runMine([FLAG, ...argv], { cwd: ROOT, stdin });
      mine.stderr = mine.stderr.split(kbuild.dir).join('KBUILD');
      let detail: string;
      if (theirs.status === 0) {
        detail = mine.status === 0 ? '' : `stap accepts on this kernel, stap-ls: ${firstError(mine.stderr)}`;
        if (detail === '') accepted++;
      } else if (firstError(stapStderr) === 'semantic error: no probes found' && declaresNoProbe(argv, { cwd: ROOT, stdin })) {
        // A library file being edited (passes/pass2.ts): no `no probes found` under the flag.
        detail = mine.status === 0 ? '' : `declares no probe, yet under ${FLAG}: ${firstError(mine.stderr)}`;
        if (detail === '') library++;
      } else {
        detail =
          mine.status === 0
            ? `accepted under ${FLAG} (stap: ${firstError(stapStderr)})`
            : firstError(mine.stderr) === firstError(stapStderr)
              ? ''
              : `first error: stap ${firstError(stapStderr)} | stap-ls ${firstError(mine.stderr)}`;
        if (detail === '') same++;
      }
      outcomes.set(`ko/${f.name}`, detail);
      checkKnown(known, `ko/${f.name}`, detail, `stap-ls ${[FLAG, ...argv].join(' ')}`);
    });
  }
  after(() => {
    console.log(
      `# must-fail fixtures under ${FLAG} on the real kernel: ${same} fail with stap's first error, ${accepted} accepted as stap` +
        ` accepts them, ${library} declare no probe (accepted by design), ${debuginfo} fail with stap only for lack of debuginfo (counted, not asserted); ${all.length} in all`,
    );
  });
});

after(() => {
  if (UPDATE_KNOWN) saveKnown(LIST, outcomes);
});
