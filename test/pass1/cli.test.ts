/**
 * The stap-ls command line (server/src/cli.ts, mirroring stap's option parsing and the checks
 * main.cxx makes before pass 1), the target resolution (server/src/target.ts) and the
 * bin/stap-ls shim. Each usage case runs our CLI in-process and, when stap is installed, the
 * real stap with the same arguments: the exit status and stderr must match, with getopt's
 * program name (`stap:` vs `stap-ls:`) and Debian's `Tip:` line normalised away.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { nodeCliIo, parseCommandLine, runCli, type CliOptions } from '../../server/src/cli';
import { stapWiring } from '../../server/src/passes/pass1';
import { normalizeMachine, parseKernelConfig, resolveTarget, type TargetHost } from '../../server/src/target';
import { findStap, makeFakeKbuild, runStap, type FakeKbuild } from '../helpers/stap';

const ROOT = join(__dirname, '..', '..');
const stap = findStap();
let kbuild: FakeKbuild;
let work: string;

before(() => {
  kbuild = makeFakeKbuild();
  work = mkdtempSync(join(tmpdir(), 'stap-ls-cli-'));
  writeFileSync(join(work, 'ok.stp'), 'probe begin {}\n');
  mkdirSync(join(work, 'norelease'));
  mkdirSync(join(work, 'noconfig', 'include', 'config'), { recursive: true });
  writeFileSync(join(work, 'noconfig', 'include', 'config', 'kernel.release'), '6.2.0-x\n');
});
after(() => {
  kbuild.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** Drops Debian's `Tip:` line and getopt's program name. */
function normalise(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('Tip: /usr/share/doc/systemtap/README.Debian'))
    .join('\n')
    .replace(/^\S*stap(-ls)?: /gm, 'PROG: ');
}

/** Ours, in-process, from the work dir's point of view (absolute paths in the cases). */
function ours(argv: string[]) {
  return runCli(argv, nodeCliIo(), stapWiring);
}

function opts(argv: string[]): CliOptions {
  const r = parseCommandLine(argv);
  assert.ok('perPassVerbose' in r, `expected options, got ${JSON.stringify(r)}`);
  return r;
}

describe('option parsing', () => {
  test('combined short options, attached and separate values, permutation, --', () => {
    let o = opts(['-gp1', '-vv', '-Idir1', '-I', 'dir2', 'script.stp', 'a1', '-u', '--', '-x1']);
    assert.equal(o.lastPass, 1);
    assert.equal(o.guru, true);
    assert.equal(o.unoptimized, true);
    assert.equal(o.verbose, 2);
    assert.deepEqual(o.perPassVerbose, [2, 2, 2, 2, 2]);
    assert.deepEqual(o.includeDirs, ['dir1', 'dir2']);
    assert.equal(o.scriptFile, 'script.stp');
    assert.deepEqual(o.args, ['a1', '-x1']);
    o = opts(['-e', 'probe begin {}', 'x.stp', '-E', 'probe end {}', '-p', ' 1']);
    assert.equal(o.scriptText, 'probe begin {}');
    assert.deepEqual(o.args, ['x.stp'], 'with -e every operand is an argument');
    assert.deepEqual(o.additionalScripts, ['probe end {}']);
    assert.equal(o.lastPass, 1);
  });

  test('long options: prefixes, =value and separate value, --vp', () => {
    const o = opts(['--compat=3.0', '--run', 'bpf', '--vp', '102', '--unpriv', '-p1', 'f']);
    assert.equal(o.compatible, '3.0');
    assert.equal(o.runtime, 'bpf');
    assert.deepEqual(o.perPassVerbose, [1, 0, 2, 0, 0]);
    assert.equal(o.privilege, 'stapusr');
    assert.equal(opts(['--bpf', 'f']).runtime, 'bpf');
    assert.equal(opts(['--privilege=stapsys', 'f']).privilege, 'stapsys');
  });

  test('options that only matter after pass 2 are recorded, not dropped', () => {
    const o = opts(['-k', '-m', 'mod', '--ldd', '-d', '/bin/ls', '-x', '123', '-c', 'ls', '-G', 'a=1', '-DFOO=1', 'f']);
    assert.deepEqual(o.laterPassOptions, ['-k', '-m=mod', '--ldd', '-d=/bin/ls']);
    assert.equal(o.targetPid, '123');
    assert.equal(o.command, 'ls');
    assert.deepEqual(o.globals, ['a=1']);
    assert.deepEqual(o.defines, ['FOO=1']);
  });

  test('unsupported options stop with a clear message', () => {
    for (const argv of [['-l', 'x'], ['-L', 'x'], ['-i'], ['--dump-functions'], ['--remote=h', 'f'], ['--check-version', 'f']]) {
      const r = parseCommandLine(argv);
      assert.ok(!('perPassVerbose' in r), argv.join(' '));
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^stap-ls: option '-[-a-zA-Z]+' is not supported: .+ \(stap-ls implements passes 1 and 2\)\n$/);
    }
  });
});

describe('target', () => {
  const host = (files: Record<string, string>, release = '6.18.1-x', machine = 'x86_64'): TargetHost => ({
    kernelRelease: () => release,
    machine: () => machine,
    readFile: (p) => files[p] ?? new Error('No such file or directory'),
  });

  test('-r DIR reads the release; -r RELEASE and the default use /lib/modules', () => {
    const h = host({
      '/k/include/config/kernel.release': '6.1.0-fake\n',
      '/k/.config': 'CONFIG_X86_64=y\n# CONFIG_Z is not set\nCONFIG_S="s"\n',
      '/lib/modules/5.0/build/.config': '',
      '/lib/modules/6.18.1-x/build/.config': '',
    });
    const a = resolveTarget({ kernel: '/k' }, h);
    assert.ok(!('error' in a));
    assert.equal(a.target.kernelRelease, '6.1.0-fake');
    assert.equal(a.target.kernelBaseRelease, '6.1.0');
    assert.equal(a.buildTree, '/k');
    assert.deepEqual([...a.target.kernelConfig], [['CONFIG_X86_64', 'y'], ['CONFIG_S', '"s"']]);
    const b = resolveTarget({ kernel: '5.0', arch: 'i686', runtime: 'bpf' }, h);
    assert.ok(!('error' in b));
    assert.deepEqual([b.buildTree, b.target.arch, b.target.runtime], ['/lib/modules/5.0/build', 'i686', 'bpf']);
    const c = resolveTarget({}, host({ '/lib/modules/6.18.1-x/build/.config': '' }, '6.18.1-x', 'aarch64'));
    assert.ok(!('error' in c));
    assert.deepEqual([c.target.kernelRelease, c.target.arch], ['6.18.1-x', 'arm64']);
  });

  test('errors', () => {
    assert.deepEqual(resolveTarget({ kernel: '/nonexistent' }, host({})), { error: 'ERROR: kernel release isn\'t found in "/nonexistent"' });
    assert.deepEqual(resolveTarget({ kernel: 'kb/b' }, host({})), {
      error: 'Checking "/lib/modules/kb/b/build/.config" failed with error: No such file or directory',
    });
  });

  test('machine names', () => {
    assert.deepEqual(
      ['i686', 'x86_64', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'mips64', 'riscv64'].map(normalizeMachine),
      ['i386', 'x86_64', 'arm64', 'arm', 'powerpc', 's390', 'mips', 'riscv'],
    );
    assert.deepEqual([...parseKernelConfig('CONFIG_A=1\n CONFIG_B=y\nCONFIG_C=a b\r\n')], [['CONFIG_A', '1'], ['CONFIG_C', 'a b']]);
  });
});

/** Command lines that stop before pass 1; `K` is replaced by the fake kbuild, `W/` by the work dir. */
const USAGE_CASES: string[][] = [
  ['-p1'],
  ['-p1', '-r', 'K', '-E', 'probe end {}'],
  ['-r', 'K', '-p1v', 'W/ok.stp'],
  ['-r', 'K', '-p0', 'W/ok.stp'],
  ['-r', 'K', '-p6', 'W/ok.stp'],
  ['-r', 'K', '-pq', 'W/ok.stp'],
  ['-p'],
  ['-r', 'K', '-p1', '-Z', 'W/ok.stp'],
  ['-r', 'K', '-p1', '--bogus', 'W/ok.stp'],
  ['-r', 'K', '-p1', '--p', 'W/ok.stp'],
  ['-r', 'K', '-p1', '--help=1', 'W/ok.stp'],
  ['-r', 'K', '-p1', '--vp'],
  ['-r', 'K', '-p1', '--vp', '123456', 'W/ok.stp'],
  ['-r', 'K', '-p1', '--vp', '1a', 'W/ok.stp'],
  ['-r', 'K', '-p1', '-e', 'probe begin {}', '-e', 'probe end {}'],
  ['-r', 'K', '-p1', '-g', '--unprivileged', 'W/ok.stp'],
  ['-r', 'K', '-p1', '--unprivileged', '-g', 'W/ok.stp'],
  ['-r', 'K', '-p1', '-g', '--privilege=stapsys', 'W/ok.stp'],
  ['-r', 'K', '-p1', '--privilege', 'bogus', 'W/ok.stp'],
  ['-r', 'K', '-p1', '--compatible=5.0', 'W/ok.stp'],
  ['-r', 'K', '-p1', '--compatible=abc', 'W/ok.stp'],
  ['-r', 'K', '-p1', '-D', 'A B', 'W/ok.stp'],
  ['-r', 'K', '-p1', '-D', '=1', 'W/ok.stp'],
  ['-r', 'K', '-p1', '--runtime=zz', 'W/ok.stp'],
  ['-r', 'W/norelease', '-p1', 'W/ok.stp'],
  ['-r', 'W/noconfig', '-p1', 'W/ok.stp'],
  ['-r', 'no-such-release', '-p1', 'W/ok.stp'],
  ['-r', '/nonexistent', '-p1', 'W/nonexistent.stp'],
];

describe('usage errors, compared with stap', { concurrency: 4 }, () => {
  test('stap availability', (t) => {
    t.diagnostic(stap ? `comparing with ${stap}` : 'stap not found: only our side of each case runs');
  });
  for (const template of USAGE_CASES) {
    test(template.join(' '), async (t) => {
      const argv = template.map((a) => (a === 'K' ? kbuild.dir : a.replace(/^W\//, `${work}/`)));
      const mine = ours(argv);
      assert.equal(mine.stdout, '');
      assert.notEqual(mine.status, 0, mine.stderr);
      if (!stap) return t.diagnostic('stap not installed: not compared');
      const theirs = await runStap(argv);
      assert.equal(mine.status, theirs.status);
      assert.equal(normalise(mine.stderr), normalise(theirs.stderr));
    });
  }
});

describe('bin/stap-ls', () => {
  test('runs from the sources and exits with the CLI status', () => {
    const r = spawnSync(join(ROOT, 'bin', 'stap-ls'), ['--version'], {
      encoding: 'latin1',
      env: { ...process.env, STAP_LS_FROM_SOURCE: '1' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^stap-ls: passes 1-2 of the Systemtap translator\/driver \(version 4\.8\)\n$/);
    const bad = spawnSync(join(ROOT, 'bin', 'stap-ls'), ['-Z'], {
      encoding: 'latin1',
      env: { ...process.env, STAP_LS_FROM_SOURCE: '1' },
    });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^stap-ls: invalid option -- 'Z'\n/);
  });
});

describe('runs that reach pass 1', () => {
  test('-p2 runs pass 2; later passes stop with a clear message after pass 1', () => {
    // Pass 2's own behaviour is tested in test/pass2/cli.test.ts.
    const two = ours(['-r', kbuild.dir, '-p2', `${work}/ok.stp`]);
    assert.doesNotMatch(two.stderr, /not implemented/);
    const five = ours(['-r', kbuild.dir, `${work}/ok.stp`]);
    assert.equal(five.status, 1);
    assert.equal(five.stderr, 'stap-ls: pass 5 is not implemented: stap-ls stops after pass 2 (use -p1 or -p2)\n');
    // A pass-1 failure is reported as such, whatever the last pass.
    const bad = ours(['-r', kbuild.dir, '-p2', '-e', 'probe begin { x = }']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /\nPass 1: parse failed\. {2}\[man error::pass1\]\n$/);
  });

  test('-v: the pass-1 line has stap\'s shape and comes before the failure line', () => {
    const shape =
      /^Pass 1: parsed user script and (\d+) library scripts using \d+virt\/\d+res\/\d+shr\/\d+data kb, in \d+usr\/\d+sys\/\d+real ms\.$/m;
    const ok = ours(['-r', kbuild.dir, '-v', '-p1', '-e', 'probe begin {}']);
    assert.equal(ok.status, 0);
    assert.equal(shape.exec(ok.stderr)?.[1], '484');
    const bad = ours(['-r', kbuild.dir, '-v', '-p1', '-e', 'probe begin { x = }']);
    assert.match(bad.stderr, /\n1 parse error\.\nPass 1: parsed user script and 484 library scripts using .*\nPass 1: parse failed\. {2}\[man error::pass1\]\n$/);
    assert.equal(bad.stdout, '');
  });

  test('-vv: session, build tree and searched-directory lines as stap prints them', async (t) => {
    const argv = ['-r', kbuild.dir, '-vv', '-p1', '-e', 'probe begin {}'];
    const mine = ours(argv);
    assert.equal(mine.status, 0, mine.stderr);
    const pick = (s: string) => s.split('\n').filter((l) => /^(Session arch|Build tree|Searched)/.test(l));
    assert.deepEqual(pick(mine.stderr).slice(0, 2), [`Session arch: x86_64 release: 6.1.0-fake`, `Build tree: "${kbuild.dir}"`]);
    if (!stap) return t.diagnostic('stap not installed: not compared');
    const theirs = await runStap(argv);
    assert.deepEqual(pick(mine.stderr), pick(theirs.stderr));
    assert.equal(mine.stdout, theirs.stdout);
  });

  test('a script argument that names the script a tapset file is refused, as stap does', () => {
    const r = ours(['-r', kbuild.dir, '-p1', '-I', `${work}`, `${work}/ok.stp`]);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      `usage error: tapset file '${work}/ok.stp' cannot be run directly as a session script.\n` +
        'Pass 1: parse failed.  [man error::pass1]\n',
    );
  });
});
