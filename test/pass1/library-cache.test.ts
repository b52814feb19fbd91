/**
 * The persistent library cache (server/src/tapsets/library-cache.ts) changes nothing but speed:
 * `stap-ls` run as a new process with the cache on gives byte-identical output on the run that
 * fills it and on the runs that read it, for `-p1` and `-v -p1`; an edited tapset file, other
 * script arguments or a lost dump entry are never served stale.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { summarizeStapFile } from '../../server/src/ast/file-summary';
import { nodeCliIo } from '../../server/src/cli';
import { printStapFile } from '../../server/src/dump/p1';
import { stapFrontend } from '../../server/src/passes/pass1';
import { getLibrary } from '../../server/src/tapsets/library';
import { includePath } from '../../server/src/tapsets/search-path';
import { makeFakeKbuild, type FakeKbuild } from '../helpers/stap';

const bin = join(__dirname, '..', '..', 'bin', 'stap-ls');
let work: string;
let cacheDir: string;
let kbuild: FakeKbuild;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-cache-test-'));
  cacheDir = join(work, 'cache');
  kbuild = makeFakeKbuild();
});
after(() => {
  rmSync(work, { recursive: true, force: true });
  kbuild.cleanup();
});

function run(args: string[], cache: boolean): { stdout: string; stderr: string; status: number | null } {
  const env = { ...process.env, STAP_LS_CACHE: cache ? '1' : '0', STAP_LS_CACHE_DIR: cacheDir };
  const r = spawnSync(bin, ['-r', kbuild.dir, ...args], { env, encoding: 'latin1', maxBuffer: 64 << 20 });
  // The -v line's figures differ from run to run.
  const stderr = (r.stderr ?? '').replace(/using \d+virt.*real ms\./, 'using … ms.');
  return { stdout: r.stdout ?? '', stderr, status: r.status };
}

test('cold, filled and warm runs print the same as an uncached run', () => {
  const script = join(work, 'a.stp');
  writeFileSync(script, 'probe begin { printf("%d %s\\n", @choose_defined($x, 1), @1) }\n');
  for (const args of [['-p1', script, 'A'], ['-v', '-p1', script, 'A']]) {
    const plain = run(args, false);
    assert.equal(plain.status, 0, plain.stderr);
    const filling = run(args, true);
    const warm = run(args, true);
    for (const [label, got] of [['filling the cache', filling], ['a cache hit', warm]] as const) {
      assert.ok(got.stdout === plain.stdout, `${label} changed the stdout of ${args.join(' ')}`);
      assert.equal(got.stderr, plain.stderr, `${label} changed the stderr of ${args.join(' ')}`);
      assert.equal(got.status, plain.status);
    }
  }
  assert.ok(readdirSync(cacheDir).some((f) => f.endsWith('.json')), 'nothing was cached');
});

test('an edited tapset file, or other arguments, are not served from the cache', () => {
  const tapsets = join(work, 'tapsets');
  mkdirSync(tapsets, { recursive: true });
  const tapset = join(tapsets, 'mine.stp');
  const script = join(work, 'b.stp');
  writeFileSync(script, 'probe begin { println(mine()) }\n');
  writeFileSync(tapset, 'function mine() { return 1 }\n');
  const first = run(['-v', '-p1', '-I', tapsets, script], true);
  assert.match(first.stdout, /return 1/);
  writeFileSync(tapset, 'function mine() { return 22222 }\n');
  const second = run(['-v', '-p1', '-I', tapsets, script], true);
  assert.match(second.stdout, /return 22222/, 'an edited tapset was served from the cache');
  assert.deepEqual(second, run(['-v', '-p1', '-I', tapsets, script], false));

  // tapset/argv.stp reads $# and @1, so the arguments are part of the fingerprint.
  const a = run(['-v', '-p1', script, 'one'], true);
  const b = run(['-v', '-p1', script, 'one', 'two'], true);
  assert.deepEqual(b, run(['-v', '-p1', script, 'one', 'two'], false));
  assert.notEqual(a.stdout, b.stdout);
});

test('a lost dump entry falls back to parsing the library', () => {
  const script = join(work, 'c.stp');
  writeFileSync(script, 'probe begin { exit() }\n');
  const plain = run(['-v', '-p1', script], false);
  run(['-p1', script], true);
  for (const f of readdirSync(cacheDir)) if (f.endsWith('.dump')) unlinkSync(join(cacheDir, f));
  assert.deepEqual(run(['-v', '-p1', script], true), plain);
});

test('a restored library parses a file only when its tree is asked for, into the same tree', () => {
  const entries = new Map<string, string>();
  const store = { buildId: 'test', load: (n: string) => entries.get(n), save: (n: string, d: string) => void entries.set(n, d) };
  let parses = 0;
  const counting = { ...stapFrontend, parseScript: (...a: Parameters<typeof stapFrontend.parseScript>) => (parses++, stapFrontend.parseScript(...a)) };
  const session = {
    target: { kernelRelease: '6.1.0-fake', kernelBaseRelease: '6.1.0', arch: 'x86_64', runtime: 'kernel' as const, kernelConfig: new Map([['CONFIG_KPROBES', 'y']]) },
    compatible: '4.8',
    privilege: 'stapdev' as const,
    guru: false,
    includePath: includePath({}, []),
    args: [],
    verbose: 0,
    lastPass: 2,
    suppressWarnings: false,
    warningsAsErrors: false,
  };
  const io = { ...nodeCliIo().files, libraryStore: store };
  const fresh = getLibrary(session, counting, io, { fresh: true });
  assert.ok(entries.size > 0, 'the clean library was not stored');
  const parsedFresh = parses;
  const restored = getLibrary(session, counting, io, { fresh: false });
  // getLibrary's in-memory cache would hand back `fresh`: force the persistent path.
  assert.equal(restored, fresh);
  const again = getLibrary({ ...session, args: [] }, { ...counting }, io);
  assert.notEqual(again, fresh);
  assert.equal(parses, parsedFresh, 'restoring the library parsed files');
  const i = again.files.findIndex((f) => f.ref.path.endsWith('/linux/context.stp'));
  assert.ok(i >= 0);
  assert.deepEqual(again.files[i].summary, summarizeStapFile(fresh.files[i].stapfile));
  assert.equal(printStapFile(again.files[i].stapfile), printStapFile(fresh.files[i].stapfile));
  assert.equal(parses, parsedFresh + 1, 'asking for one tree parsed more than one file');
});
