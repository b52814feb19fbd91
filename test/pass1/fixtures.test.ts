/**
 * Pass-1 golden fixtures: stap-ls must print exactly what stap 4.8 printed for each fixture.
 *
 * Fixtures (`.stp`), by directory under test-fixtures/:
 * - `parseok/`, `parseko/`: the syntax fixtures the grammar tests use too;
 * - `pass1/ok/`, `pass1/ko/`: pass-1 cases the tree-sitter grammar does not judge (macros,
 *   conditionals, arguments, `-e`/`-E`, empty files, library macros, lexer errors, …).
 * `*ok` fixtures must be accepted (status 0), `*ko` fixtures rejected.
 *
 * The command line comes from the first line: `#! stap OPTIONS [ARGS]` (see parseHeader) runs
 * `stap OPTIONS -r KBUILD FIXTURE ARGS`; `#! stap-argv [JSON array]` runs exactly those words
 * after `-r KBUILD`, with `"FILE"` replaced by the fixture's path (for `-e`, `-E`, stdin `-`, and
 * options with separate values; with `-` the fixture's text is the standard input). Everything
 * runs in the repository root with relative paths, so the goldens hold no machine paths.
 *
 * Goldens live in test-fixtures/pass1/expected/<dir>/NAME.p1 (stdout), NAME.err (stderr without
 * Debian's Tip line) and NAME.rc (exit status); an empty .p1/.err is not written. They are stap's
 * output, never ours: `UPDATE_EXPECT=1 npm test -- test/pass1/fixtures` rewrites them by running
 * the real stap, and refuses when stap is not installed. A normal run compares stap-ls with them.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { findStap, fixtureCommandLine as commandLine, makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { firstDifference, runStapLatin1, runStapLs, type RunResult } from './harness';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test-fixtures');
const EXPECTED = join(FIXTURES, 'pass1', 'expected');
const DIRS = ['parseok', 'parseko', 'pass1/ok', 'pass1/ko'] as const;
const UPDATE = process.env.UPDATE_EXPECT === '1';
/** The issue asks for at least this many accepted and rejected pass-1 fixtures. */
const MIN_OK = 100;
const MIN_KO = 100;

/**
 * FIXME: fixtures where stap-ls differs from stap's golden today, with the reason (usually a
 * bug in a pass-1 module). Asserted as they are: a fix makes the entry fail, then delete it.
 */
const KNOWN_FAILURES: Record<string, string> = {};

interface Fixture {
  /** `parseok/foo.stp`, relative to test-fixtures/. */
  key: string;
  dir: (typeof DIRS)[number];
  name: string;
  /** Path relative to the repository root, as passed to stap. */
  path: string;
  mustFail: boolean;
}

function fixtures(): Fixture[] {
  return DIRS.flatMap((dir) => {
    const abs = join(FIXTURES, dir);
    if (!existsSync(abs)) return [];
    return readdirSync(abs)
      .filter((n) => n.endsWith('.stp'))
      .sort()
      .map((n) => ({
        key: `${dir}/${n}`,
        dir,
        name: n.slice(0, -'.stp'.length),
        path: relative(ROOT, join(abs, n)),
        mustFail: dir.endsWith('ko'),
      }));
  });
}

/** Makes outputs comparable across machines: the -v timing line keeps its shape only. */
function normalise(stderr: string): string {
  return stderr.replace(
    /^(Pass 1: parsed user script and \d+ library scripts? using )\d+virt\/\d+res\/\d+shr\/\d+data kb, in \d+usr\/\d+sys\/\d+real ms\.$/gm,
    '$1...',
  );
}

interface Golden {
  stdout: string;
  stderr: string;
  status: number;
}

function goldenPaths(f: Fixture) {
  const base = join(EXPECTED, f.dir, f.name);
  return { p1: `${base}.p1`, err: `${base}.err`, rc: `${base}.rc` };
}

function readGolden(f: Fixture): Golden | undefined {
  const p = goldenPaths(f);
  if (!existsSync(p.rc)) return undefined;
  const read = (path: string) => (existsSync(path) ? readFileSync(path, 'latin1') : '');
  return { stdout: read(p.p1), stderr: read(p.err), status: Number(read(p.rc).trim()) };
}

function writeGolden(f: Fixture, r: RunResult): void {
  const p = goldenPaths(f);
  mkdirSync(join(EXPECTED, f.dir), { recursive: true });
  const put = (path: string, text: string) => {
    if (text) writeFileSync(path, Buffer.from(text, 'latin1'));
    else rmSync(path, { force: true });
  };
  put(p.p1, r.stdout);
  put(p.err, normalise(r.stderr));
  writeFileSync(p.rc, `${r.status}\n`);
}

const stap = findStap();
let kbuild: FakeKbuild | undefined;
const all = fixtures();
const results = new Map<string, boolean>();

before(() => {
  kbuild = makeFakeKbuild();
});
after(() => kbuild?.cleanup());

test(`there are at least ${MIN_OK} accepted and ${MIN_KO} rejected fixtures`, () => {
  const ok = all.filter((f) => !f.mustFail).length;
  const ko = all.filter((f) => f.mustFail).length;
  assert.ok(ok >= MIN_OK, `${ok} *ok fixtures, want at least ${MIN_OK}`);
  assert.ok(ko >= MIN_KO, `${ko} *ko fixtures, want at least ${MIN_KO}`);
});

test('every KNOWN_FAILURES entry names a fixture', () => {
  for (const key of Object.keys(KNOWN_FAILURES)) assert.ok(all.some((f) => f.key === key), `KNOWN_FAILURES: no fixture ${key}`);
});

test('no golden without a fixture', () => {
  for (const dir of DIRS) {
    const abs = join(EXPECTED, dir);
    if (!existsSync(abs)) continue;
    for (const n of readdirSync(abs)) {
      const name = n.replace(/\.(p1|err|rc)$/, '');
      assert.ok(all.some((f) => f.dir === dir && f.name === name), `stale golden ${dir}/${n}`);
    }
  }
});

if (UPDATE) {
  describe('UPDATE_EXPECT=1: rewriting the goldens from the real stap', { concurrency: 4 }, () => {
    test('stap is installed', () => {
      assert.ok(stap, 'UPDATE_EXPECT=1 needs the real stap (the goldens are its output); it is not installed');
    });
    for (const f of all) {
      test(f.key, async () => {
        if (!stap || !kbuild) return;
        const { argv, stdin } = commandLine(f, kbuild.dir);
        const r = await runStapLatin1(argv, { cwd: ROOT, stdin });
        if (f.mustFail) assert.notEqual(r.status, 0, `${f.key}: stap accepted it`);
        else assert.equal(r.status, 0, `${f.key}: stap rejected it:\n${r.stderr}`);
        writeGolden(f, r);
      });
    }
  });
} else {
  describe('stap-ls matches the stap goldens', () => {
    for (const f of all) {
      test(f.key, () => {
        const golden = readGolden(f);
        assert.ok(golden, `${f.key}: no golden; run UPDATE_EXPECT=1 npm test -- test/pass1/fixtures (needs stap)`);
        assert.equal(golden.status !== 0, f.mustFail, `${f.key}: the golden's status ${golden.status} contradicts its directory`);
        const { argv, stdin } = commandLine(f, kbuild!.dir);
        const mine = runStapLs(argv, { cwd: ROOT, stdin });
        const problems: string[] = [];
        if (mine.status !== golden.status) problems.push(`exit status: stap ${golden.status}, stap-ls ${mine.status}`);
        const out = firstDifference(golden.stdout, mine.stdout);
        if (out) problems.push(`stdout: ${out}`);
        const err = firstDifference(golden.stderr, normalise(mine.stderr));
        if (err) problems.push(`stderr: ${err}`);
        results.set(f.key, problems.length === 0);
        const known = KNOWN_FAILURES[f.key];
        if (known === undefined) assert.deepEqual(problems, [], `stap-ls ${argv.join(' ')}\n${problems.join('\n')}`);
        else assert.notDeepEqual(problems, [], `${f.key} is in KNOWN_FAILURES (${known}) but now matches: remove the entry`);
      });
    }
    after(() => {
      const passing = [...results.values()].filter(Boolean).length;
      console.log(`# pass-1 fixtures matching stap: ${passing}/${all.length}`);
    });
  });

  // Where stap is installed (CI), the goldens themselves are checked against it, so that a
  // golden can never drift from what stap prints.
  describe('the goldens are what the installed stap prints', { concurrency: 4 }, () => {
    if (!stap) {
      test('stap is not installed: goldens not re-checked', (t) => {
        t.diagnostic('stap not found on PATH: the goldens are not compared with it in this run');
      });
      return;
    }
    for (const f of all) {
      test(f.key, async () => {
        const golden = readGolden(f)!;
        assert.ok(golden, `${f.key}: no golden`);
        const { argv, stdin } = commandLine(f, kbuild!.dir);
        const r = await runStapLatin1(argv, { cwd: ROOT, stdin });
        const problems: string[] = [];
        if (r.status !== golden.status) problems.push(`exit status: golden ${golden.status}, stap ${r.status}`);
        const out = firstDifference(golden.stdout, r.stdout);
        if (out) problems.push(`stdout: ${out}`);
        const err = firstDifference(golden.stderr, normalise(r.stderr));
        if (err) problems.push(`stderr: ${err}`);
        assert.deepEqual(problems, [], `${f.key}: the golden is stale; run UPDATE_EXPECT=1 npm test -- test/pass1/fixtures`);
      });
    }
  });
}
