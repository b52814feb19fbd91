/**
 * The startup snapshot of the `stap-ls` command (server/src/cli-snapshot.ts, bin/stap-ls), with
 * real processes: an install of the current sources in a temp dir (test/helpers/install-cli.ts),
 * its own cache dir, and a `-I` tapset dir of the test's own.
 *
 * - the first run prints what stap-ls prints without any cache, and starts a snapshot build;
 * - once the build is done the next runs start from the image and print the same bytes, for
 *   `-p2`, `-p1 -v` (the library dump) and a run with an error;
 * - editing a tapset file is seen at once (the image's library is checked against the files);
 * - a changed bundle is never served from an old image (the bundle on disk runs instead);
 * - the build leaves no process behind, and the launcher's node flags and blob name are the
 *   ones the builder uses (V8 refuses an image made under other flags).
 * Expected outputs come from the same install run without any cache (STAP_LS_CACHE=0).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { BLOB_FORMAT, blobPath, NODE_FLAGS, signature } from '../server/src/cli-snapshot';
import { installCli, type CliInstall } from './helpers/install-cli';

const root = join(__dirname, '..');
const KBUILD = join(root, 'test-fixtures', 'pass1', 'kbuild');

let work: string;
let cli: CliInstall;
let cacheDir: string;
let tapsets: string;
let script: string;

interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
  /** The `stap-ls snapshot:` trace lines, taken out of stderr. */
  trace: string[];
}

/** The `-v` pass lines' memory and time figures, which differ from run to run. */
const figures = (text: string) => text.replace(/using \d+virt\/\d+res\/\d+shr\/\d+data kb, in \d+usr\/\d+sys\/\d+real ms/g, 'using … ms');

function run(argv: string[], cache = true): Run {
  const env = cache
    ? { ...process.env, STAP_LS_CACHE: '1', STAP_LS_CACHE_DIR: cacheDir, STAP_LS_SNAPSHOT: '1', STAP_LS_SNAPSHOT_TRACE: '1' }
    : { ...process.env, STAP_LS_CACHE: '0', STAP_LS_SNAPSHOT_TRACE: '1' };
  const r = spawnSync(cli.command, argv, { cwd: work, encoding: 'latin1', env });
  const trace = r.stderr.split('\n').filter((l) => l.startsWith('stap-ls snapshot: '));
  // Nothing else may differ: the launcher's own line says which blob it looked for.
  const stderr = figures(r.stderr.replace(/^stap-ls snapshot: .*\n/gm, ''));
  return { stdout: r.stdout, stderr, status: r.status, trace };
}

/** What stap-ls prints for `argv` without any cache or image (every tapset parsed afresh). */
function assertSame(actual: Run, argv: string[]): void {
  const want = run(argv, false);
  assert.deepEqual(want.trace, [], 'no image without the cache');
  assert.equal(actual.stderr, want.stderr, `stderr of ${argv.join(' ')}`);
  assert.equal(actual.stdout, want.stdout, `stdout of ${argv.join(' ')}`);
  assert.equal(actual.status, want.status, `exit status of ${argv.join(' ')}`);
}

async function buildDone(): Promise<void> {
  const lock = join(cacheDir, 'snapshot.lock');
  for (let i = 0; i < 1200 && existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!existsSync(lock), 'the snapshot build did not finish within two minutes');
}

const blobs = () => readdirSync(cacheDir).filter((f) => f.endsWith('.blob'));
const p2 = () => ['-r', KBUILD, '-I', tapsets, '-p2', script];

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-snapshot-'));
  cli = await installCli(join(work, 'install'));
  cacheDir = join(work, 'cache');
  tapsets = join(work, 'tapsets');
  mkdirSync(tapsets);
  writeFileSync(join(tapsets, 'mine.stp'), 'function mine() { return 41 }\n');
  script = join(work, 'script.stp');
  writeFileSync(script, 'probe begin { println(mine(), execname()) }\n');
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('startup snapshot of the stap-ls command', () => {
  test('the launcher runs node with the flags and blob name the builder uses', () => {
    const launcher = readFileSync(join(root, 'bin', 'stap-ls'), 'utf8');
    assert.match(launcher, new RegExp(`^flags="${NODE_FLAGS.join(' ')}"$`, 'm'));
    assert.ok(launcher.includes(`/snapshot-${BLOB_FORMAT}-$id-`), 'bin/stap-ls names the blob as blobPath() does');
  });

  test('the launcher computes the same command-line signature and blob as cli-snapshot.ts', () => {
    writeFileSync(join(work, 'with space.stp'), 'probe begin {}\n');
    const cases = [
      [],
      ['--version'],
      ['-p2', script],
      ['-r', KBUILD, '-p2', '-I', tapsets, script, 'arg one', 'two'],
      ['-p2', 'with space.stp', '-x', '1'],
      ['-e', 'probe begin { exit() }', '-p2', '-g'],
      ['-p2', 'missing.stp', '$(touch /tmp/x)', '-e'],
      ['-p1', '--', '-e', 'x', 'é'],
    ];
    for (const argv of cases) {
      const r = run(['--version', ...argv]);
      const looked = r.trace.find((l) => l.startsWith('stap-ls snapshot: launcher looks for '));
      assert.equal(looked?.slice('stap-ls snapshot: launcher looks for '.length), blobPath(cacheDir, signature(['--version', ...argv], work)), JSON.stringify(argv));
    }
  });

  test('first run: same output as without any cache, and a snapshot build starts', async () => {
    const first = run(p2());
    assertSame(first, p2());
    assert.deepEqual(first.trace.filter((l) => !l.includes('launcher')).map((l) => l.replace(/ \/.*$/, '')), ['stap-ls snapshot: building']);
    await buildDone();
    assert.equal(blobs().length, 1, `one blob in the cache dir: ${readdirSync(cacheDir).join(', ')}`);
  });

  test('later runs start from the image and print the same bytes', async () => {
    // A second run may still parse a file the first build had not seen; then one more build.
    run(p2());
    await buildDone();
    const again = run(p2());
    assert.deepEqual(again.trace.filter((l) => !l.includes('launcher')), ['stap-ls snapshot: used (1 libraries)']);
    assertSame(again, p2());
    const dump = ['-r', KBUILD, '-I', tapsets, '-p1', '-v', script];
    assertSame(run(dump), dump);
    const bad = join(work, 'bad.stp');
    writeFileSync(bad, 'probe begin { x = "s"; x++ }\n');
    const failing = ['-r', KBUILD, '-I', tapsets, '-p2', bad];
    const r = run(failing);
    assert.equal(r.status, 1);
    assertSame(r, failing);
  });

  test('an edited tapset file is seen by the next run', async () => {
    await buildDone();
    const before_ = run(p2());
    assert.match(before_.stdout, /^mine:long \(\)$/m);
    writeFileSync(join(tapsets, 'mine.stp'), 'function mine() { return "forty-two" }\n');
    const after_ = run(p2());
    assert.match(after_.stdout, /^mine:string \(\)$/m);
    assertSame(after_, p2());
    await buildDone();
  });

  test('a changed bundle is run from disk, never from the old image', async () => {
    await buildDone();
    assert.ok(run(p2()).trace.some((l) => l.startsWith('stap-ls snapshot: used')));
    appendFileSync(cli.bundle, '\n// changed\n');
    const r = run(p2());
    assert.ok(r.trace.includes('stap-ls snapshot: stale: the bundle changed; running it from disk'), r.trace.join('\n'));
    assertSame(r, p2());
    await buildDone();
  });

  test('no snapshot builder is left running', async () => {
    await buildDone();
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    assert.deepEqual(ps.split('\n').filter((l) => l.includes('--build-snapshot') && l.includes(work)), []);
  });
});
