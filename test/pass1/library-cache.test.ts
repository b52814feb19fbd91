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
  const r = spawnSync(process.execPath, [bin, '-r', kbuild.dir, ...args], { env, encoding: 'latin1', maxBuffer: 64 << 20 });
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
