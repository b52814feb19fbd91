/**
 * `stap-ls -p2` as a command (cli.ts): the options pass 2 adds, the exit status, what goes to
 * stdout and stderr and in which order (main.cxx `passes_0_4` after pass 1: the diagnostics,
 * the `-v` line, the unused-argument warnings, the failure line, the dump).
 *
 * The option checks are unit tests. The runs are compared with the real stap where one is
 * installed (stderr with the `-v` figures masked, stdout, status); cases that need pass-2 steps
 * not finished yet are in the FIXME list known-differences.cli.json (see known-differences.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { HELP, parseCommandLine, pass2VerboseLine, STAP_BANNER, type CliOptions } from '../../server/src/cli';
import type { Elaboration } from '../../server/src/elaborate/model';
import { PASS2_FAILED } from '../../server/src/elaborate/report';
import { findStap, makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { firstDifference, runStapLatin1, runStapLs } from '../pass1/harness';
import { checkKnown, loadKnown, saveKnown, UPDATE_KNOWN } from './known-differences';

function opts(argv: string[]): CliOptions {
  const r = parseCommandLine(argv);
  assert.ok('perPassVerbose' in r, JSON.stringify(r));
  return r;
}

describe('options for pass 2', () => {
  test('--assume-debuginfo and --keep-going are stap-ls options, spelt in full only', () => {
    const o = opts(['--assume-debuginfo', '--keep-going', 'f']);
    assert.equal(o.assumeDebuginfo, true);
    assert.equal(o.keepGoing, true);
    assert.equal(opts(['f']).assumeDebuginfo, false);
    assert.equal(opts(['f']).keepGoing, false);
    // stap's own prefix matching is unchanged: `--a` is still `--all-modules`, `--kee` unknown.
    assert.deepEqual(opts(['--a', 'f']).laterPassOptions, ['--all-modules']);
    const r = parseCommandLine(['--kee', 'f']);
    assert.ok(!('perPassVerbose' in r));
    assert.match(r.stderr, /^stap-ls: unrecognized option '--kee'\n/);
    assert.match(HELP, /--assume-debuginfo/);
    assert.match(HELP, /--keep-going/);
  });

  test('--no-global-var-display and -G reach pass 2', () => {
    const o = opts(['--no-global-var-display', '-G', 'a=1', '-G', 'S_2=x.y-z', 'f']);
    assert.equal(o.noGlobalVarDisplay, true);
    assert.deepEqual(o.laterPassOptions, []);
    assert.deepEqual(o.globals, ['a=1', 'S_2=x.y-z']);
  });

  test("-G values must match stap's safety pattern", () => {
    for (const bad of ['s="abc"', 'x', '1a=2', 'a=']) {
      const r = parseCommandLine(['-G', bad, 'f']);
      assert.ok(!('perPassVerbose' in r), bad);
      assert.equal(r.status, 1);
      assert.equal(r.stderr, `ERROR: Safety pattern mismatch for -G parameter ('${bad}' vs. '^[a-z_][a-z0-9_]*=[a-z0-9_.-]+$') rc=1\n`);
    }
  });

  test('the -v line counts with singular forms', () => {
    const e = (probes: number, functions: number, embeds: number, globals: number) =>
      ({
        probes: new Array(probes),
        functions: new Map(Array.from({ length: functions }, (_, i) => [String(i), undefined])),
        embeds: new Array(embeds),
        globals: new Array(globals),
      }) as unknown as Elaboration;
    const u = { virtKb: 1, resKb: 2, shrKb: 3, dataKb: 4, userMs: 10, sysMs: 0, realMs: 100 };
    const v = { virtKb: 5, resKb: 6, shrKb: 7, dataKb: 8, userMs: 20.4, sysMs: 0, realMs: 117.6 };
    assert.equal(
      pass2VerboseLine(e(3, 8, 1, 4), u, v),
      'Pass 2: analyzed script: 3 probes, 8 functions, 1 embed, 4 globals using 5virt/6res/7shr/8data kb, in 10usr/0sys/18real ms.\n',
    );
    assert.equal(
      pass2VerboseLine(e(1, 1, 0, 1), u, v),
      'Pass 2: analyzed script: 1 probe, 1 function, 0 embeds, 1 global using 5virt/6res/7shr/8data kb, in 10usr/0sys/18real ms.\n',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Runs.

let kbuild: FakeKbuild | undefined;
let noMap: string;
let noSymvers: string;
let work: string;

before(() => {
  kbuild = makeFakeKbuild();
  work = mkdtempSync(join(tmpdir(), 'stap-ls-cli2-'));
  noMap = join(work, 'kb-nomap');
  mkdirSync(join(noMap, 'include', 'config'), { recursive: true });
  writeFileSync(join(noMap, '.config'), 'CONFIG_X86_64=y\nCONFIG_KPROBES=y\n');
  writeFileSync(join(noMap, 'include', 'config', 'kernel.release'), '6.1.0-fake\n');
  writeFileSync(join(noMap, 'Module.symvers'), '');
  noSymvers = join(work, 'kb-nosymvers');
  mkdirSync(join(noSymvers, 'include', 'config'), { recursive: true });
  writeFileSync(join(noSymvers, '.config'), 'CONFIG_X86_64=y\n');
  writeFileSync(join(noSymvers, 'include', 'config', 'kernel.release'), '6.1.0-fake\n');
});
after(() => {
  kbuild?.cleanup();
  rmSync(work, { recursive: true, force: true });
  if (UPDATE_KNOWN) saveKnown(LIST, outcomes);
});

describe('stap-ls -p2 runs (checked without stap)', () => {
  test('success: the dump on stdout, status 0, nothing on stderr', () => {
    const r = runStapLs(['-r', kbuild!.dir, '-p2', '-e', 'probe begin { println("hello") }']);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '# probes\nbegin /* <- begin */\n');
  });

  test('failure: status 1, no dump, the failure line last', () => {
    const r = runStapLs(['-r', kbuild!.dir, '-p2', '-e', 'function f() { return 1 }']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `semantic error: no probes found\n\n${PASS2_FAILED}`);
  });

  test('-v: the pass-2 line after the diagnostics, then unused arguments, then the failure line', () => {
    const r = runStapLs(['-r', kbuild!.dir, '-p2', '-v', '-e', 'function f() { return @2 }', 'a', 'b', 'c']);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /\nsemantic error: no probes found\n\nPass 2: analyzed script: 0 probes, 0 functions, 0 embeds, 0 globals using \d+virt\/\d+res\/\d+shr\/\d+data kb, in \d+usr\/\d+sys\/\d+real ms\.\nWARNING: unused command line option \$1\/@1\nWARNING: unused command line option \$3\/@3\nPass 2: analysis failed\. {2}\[man error::pass2\]\n$/,
    );
  });

  test('-vvv: the banner, and the dump even when pass 2 fails', () => {
    const r = runStapLs(['-r', kbuild!.dir, '-p2', '-vvv', '-e', 'probe begin { println("hello") } probe end { nosuch() }']);
    assert.equal(r.status, 1);
    assert.ok(r.stdout.startsWith(STAP_BANNER), r.stdout);
    assert.match(r.stdout, /# probes\nbegin \/\* <- begin \*\//);
  });

  test('-W: a warning from pass 1 fails pass 2', () => {
    const r = runStapLs(['-r', kbuild!.dir, '-p2', '-W', '-e', '@define min %( 1 %) probe begin { println(1) }']);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.ok(r.stderr.endsWith(PASS2_FAILED), r.stderr);
    const w = runStapLs(['-r', kbuild!.dir, '-p2', '-W', '-w', '-e', '@define min %( 1 %) probe begin { println(1) }']);
    assert.equal(w.status, 0, w.stderr);
  });

  test('--keep-going: later steps still run after an error, so independent errors all show', () => {
    const script = 'probe begin { foo() } probe end { a = 1; a = "s"; println(a) }';
    const first = runStapLs(['-r', kbuild!.dir, '-p2', '-e', script]);
    const all = runStapLs(['-r', kbuild!.dir, '-p2', '--keep-going', '-e', script]);
    assert.equal(first.status, 1);
    assert.equal(all.status, 1);
    assert.match(first.stderr, /unresolved function foo/);
    assert.doesNotMatch(first.stderr, /type mismatch/);
    assert.match(all.stderr, /unresolved function foo[^]*type mismatch/);
    assert.ok(all.stderr.endsWith(PASS2_FAILED), all.stderr);
  });

  test('a missing System.map warns at every pass, unless -w', () => {
    const r = runStapLs(['-r', noMap, '-p1', '-e', 'probe begin { }']);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, 'WARNING: Kernel function symbol table missing [man warning::symbols]\n');
    assert.equal(runStapLs(['-r', noMap, '-p1', '-w', '-e', 'probe begin { }']).stderr, '');
  });
});

/**
 * name → argv after `-r KBUILD` (`NOMAP` stands for a build dir without System.map, `NOSYMVERS`
 * for one without Module.symvers and with a one-line .config).
 */
const RUNS: Record<string, string[]> = {
  hello: ['-p2', '-e', 'probe begin { println("hello") }'],
  'hello -v': ['-p2', '-v', '-e', 'probe begin { println("hello") }'],
  'no probes': ['-p2', '-e', 'function f() { return 1 }'],
  'no probes -v, unused arguments': ['-p2', '-v', '-e', 'function f() { return @2 }', 'a', 'b', 'c'],
  'unused arguments on success': ['-p2', '-e', 'probe begin { println(@1) }', 'a', 'b'],
  'unused arguments with -w': ['-p2', '-w', '-e', 'probe begin { println(@1) }', 'a', 'b'],
  '-W with a pass-1 warning': ['-p2', '-W', '-e', '@define min %( 1 %) probe begin { println(1) }'],
  '-W with only unused arguments': ['-p2', '-W', '-e', 'probe begin { println(1) }', 'a'],
  '-vvv failure prints the dump': ['-p2', '-vvv', '-e', 'probe begin { println("hello") } probe end { nosuch() }'],
  'missing System.map -p1': ['NOMAP', '-p1', '-e', 'probe begin { }'],
  'missing System.map -p2 -W': ['NOMAP', '-p2', '-W', '-e', 'probe begin { println(1) }'],
  'missing System.map -p1 -W': ['NOMAP', '-p1', '-W', '-e', '@define min %( 1 %) probe begin { }'],
  'missing System.map -vvv': ['NOMAP', '-p1', '-vvv', '-e', 'probe begin { }'],
  'kernel files at -vvv': ['-p2', '-vvv', '-e', 'probe begin { println(1) }'],
  'missing Module.symvers': ['NOSYMVERS', '-p2', '-e', 'probe begin { println(1) }'],
  'missing Module.symvers -vvv': ['NOSYMVERS', '-p1', '-vvv', '-e', 'probe begin { println(1) }'],
  '-G bad value': ['-p2', '-G', 's="abc"', '-e', 'probe begin { println(1) }'],
  '-G suppresses never-assigned': ['-p2', '-G', 'g=5', '-e', 'global g probe begin { println(g + 1) }'],
  '--vp 01 prints bodies': ['-p2', '--vp', '01', '-e', 'probe begin { println(1) }'],
};

const LIST = 'cli';
const known = loadKnown(LIST);
const stap = findStap();
const outcomes = new Map<string, string>();

/**
 * stderr of -vv/-vvv runs: stap's temp-directory lines, the per-file library lines and the
 * pass-2 trace lines are not printed by stap-ls.
 */
function normalise(stderr: string): string {
  return stderr
    .replace(/ using \S+ kb, in \S+ ms\./g, ' using … ms.')
    .split('\n')
    .filter((l) => !/^(Created temporary directory|Running rm -rf|Spawn waitpid|Removed temporary directory|Searched|Processing|derive-probes|symbol resolution for|number of probes with|      (global|local|function))/.test(l))
    .join('\n');
}

describe('stap-ls -p2 runs against stap', () => {
  test('the FIXME list names only cases of this file', () => {
    assert.deepEqual(Object.keys(known).filter((k) => !(k in RUNS)), []);
  });
  for (const [name, argv0] of Object.entries(RUNS)) {
    test(name, { timeout: 120_000 }, async (t) => {
      if (!stap) {
        t.diagnostic('stap not found: nothing to compare with');
        return;
      }
      const dirs: Record<string, string> = { NOMAP: noMap, NOSYMVERS: noSymvers };
      const argv = dirs[argv0[0]] ? ['-r', dirs[argv0[0]], ...argv0.slice(1)] : ['-r', kbuild!.dir, ...argv0];
      const theirs = await runStapLatin1(argv);
      const mine = runStapLs(argv);
      let detail = '';
      if (mine.status !== theirs.status) detail = `status ${mine.status}, stap ${theirs.status}\n${mine.stderr}`;
      else detail = firstDifference(theirs.stdout, mine.stdout) ?? firstDifference(normalise(theirs.stderr), normalise(mine.stderr)) ?? '';
      outcomes.set(name, detail);
      checkKnown(known, name, detail, name);
    });
  }
});
