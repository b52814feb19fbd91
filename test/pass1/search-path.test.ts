/**
 * The tapset search path (server/src/tapsets/search-path.ts, mirroring main.cxx `passes_0_4`
 * and session.cxx's include path): suffix dirs, file order, PATH recursion and de-duplication,
 * on temporary `-I` trees. When stap is installed, the same trees are run through
 * `stap -vv -p1 -I TREE` and the order of its `Searched:` lines and `# file` sections must be ours.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';

import { nodeCliIo } from '../../server/src/cli';
import { baseRelease, type Target } from '../../server/src/session';
import { discoverLibrary, includePath, joinDir, versionSuffixes } from '../../server/src/tapsets/search-path';
import { tapsetDir } from '../helpers/installed';
import { findStap, makeFakeKbuild, runStap } from '../helpers/stap';

const fs = nodeCliIo().files;
const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function target(release = '6.1.0-fake', arch = 'x86_64', runtime: Target['runtime'] = 'kernel'): Target {
  return { kernelRelease: release, kernelBaseRelease: baseRelease(release), arch, runtime, kernelConfig: new Map() };
}

/** A temp tree with the given files (path → content); symlinks as `{ link: target }`. */
function tree(files: Record<string, string | { link: string }>): string {
  const root = mkdtempSync(join(tmpdir(), 'stap-ls-tree-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof content === 'string') writeFileSync(path, content);
    else symlinkSync(content.link, path);
  }
  return root;
}

describe('version suffixes (§4.3)', () => {
  test('6.1.0-fake on x86_64, kernel runtime', () => {
    assert.deepEqual(versionSuffixes(target()), [
      '/linux/6.1.0-fake/x86_64', '/linux/6.1.0-fake', '/linux/6.1.0/x86_64', '/linux/6.1.0',
      '/linux/6.1/x86_64', '/linux/6.1', '/linux/x86_64', '/linux',
      '/6.1.0-fake/x86_64', '/6.1.0-fake', '/6.1.0/x86_64', '/6.1.0', '/6.1/x86_64', '/6.1', '/x86_64', '',
    ]);
  });
  test('bpf runtime and another arch', () => {
    assert.deepEqual(versionSuffixes(target('6.1', 'arm64', 'bpf')), [
      '/bpf/6.1/arm64', '/bpf/6.1', '/bpf/arm64', '/bpf', '/6.1/arm64', '/6.1', '/arm64', '',
    ]);
  });
  test('release families stop at major.minor; a release without a dot has none', () => {
    const only = (r: string) => versionSuffixes(target(r)).filter((s) => !s.startsWith('/linux') && !s.includes('x86_64'));
    assert.deepEqual(only('6.1.0.1.2'), ['/6.1.0.1.2', '/6.1.0.1', '/6.1.0', '/6.1', '']);
    assert.deepEqual(only('5.10.0-21-amd64'), ['/5.10.0-21-amd64', '/5.10.0', '/5.10', '']);
    assert.deepEqual(only('6.1-rc3'), ['/6.1-rc3', '/6.1', '']);
    assert.deepEqual(only('6'), ['/6', '']);
  });
});

describe('include path', () => {
  test('stock dir, then XDG_DATA_DIRS entries, then -I dirs', () => {
    assert.deepEqual(includePath({}, ['a', '/b']), ['/usr/share/systemtap/tapset', 'a', '/b']);
    assert.deepEqual(includePath({ SYSTEMTAP_TAPSET: '/t', XDG_DATA_DIRS: '/x:/y' }, ['a']), [
      '/t', '/x/systemtap/tapset', '/y/systemtap/tapset', 'a',
    ]);
  });
  test('file paths fold trailing slashes of the dir but keep inner ones', () => {
    assert.equal(joinDir('rel/', 'a.stp'), 'rel/a.stp');
    assert.equal(joinDir('rel//', 'a.stp'), 'rel/a.stp');
    assert.equal(joinDir('rel//x86_64', 'a.stp'), 'rel//x86_64/a.stp');
    assert.equal(joinDir('/tmp//rel', 'a.stp'), '/tmp//rel/a.stp');
  });
});

const FN = (n: string) => `function ${n}() { return 1 }\n`;
const MACRO = (n: string) => `@define ${n} %( 1 %)\n`;

/** A tree exercising every rule: suffix dirs, PATH, hidden files, symlink and tail duplicates. */
function ruleTree(): string {
  return tree({
    'linux/6.1.0-fake/x86_64/a.stp': FN('a1'),
    'linux/6.1/b.stp': FN('b1'),
    'linux/x86_64/zz.stp': FN('zz'),
    'linux/x86_64/aa.stp': FN('aa'),
    'linux/x86_64/m.stpm': MACRO('lx'),
    'linux/PATH/not-walked.stp': FN('nw'),
    'x86_64/PATH/not-walked.stp': FN('nw2'),
    'x86_64/link.stp': { link: '../linux/x86_64/aa.stp' },
    '6.1.0/c.stp': FN('c1'),
    'dyninst/d.stp': FN('d1'),
    '6/ignored.stp': FN('ig'),
    'PATH/p.stp': FN('p1'),
    'PATH/deeper/q.stp': FN('q1'),
    'PATH/deeper/q.stpm': MACRO('q'),
    'PATH/e.stpm.d/f.stp': FN('f1'),
    '.hidden.stp': FN('h1'),
    'top.stp': FN('top'),
    'top.stpm': MACRO('top'),
    'notes.txt': 'not a tapset',
    'dir.stp/inner.stp': FN('inner'),
  });
}

describe('discovery', () => {
  test('order, PATH recursion, hidden files, symlink de-duplication', () => {
    const root = ruleTree();
    const { macroDirs, scriptDirs } = discoverLibrary([root], target(), fs);
    const rel = (p: string) => p.slice(root.length);
    assert.deepEqual(
      macroDirs.flatMap((d) => d.files.map((f) => rel(f.path))),
      ['/linux/x86_64/m.stpm', '/PATH/deeper/q.stpm', '/top.stpm'],
    );
    assert.deepEqual(
      scriptDirs.flatMap((d) => d.files.map((f) => rel(f.path))),
      [
        '/linux/6.1.0-fake/x86_64/a.stp', '/linux/6.1/b.stp', '/linux/x86_64/aa.stp', '/linux/x86_64/zz.stp',
        '/6.1.0/c.stp', '/.hidden.stp', '/PATH/deeper/q.stp', '/PATH/e.stpm.d/f.stp', '/PATH/p.stp', '/top.stp',
      ],
    );
    const x86 = scriptDirs.find((d) => d.dir === `${root}/x86_64`);
    assert.deepEqual(x86 && { found: x86.found, kept: x86.files.length }, { found: 1, kept: 0 }, 'the symlink is a duplicate');
    assert.ok(scriptDirs.flatMap((d) => d.files).every((f) => f.autoPath === f.path.includes('/PATH/')));
  });

  test('the first include dir wins for the same path below it', () => {
    const one = tree({ 'linux/same.stp': FN('one'), 'x86_64/x.stp': FN('x1') });
    const two = tree({ 'linux/same.stp': FN('two'), 'same.stp': FN('four'), 'x86_64/x.stp': FN('x2') });
    const { scriptDirs } = discoverLibrary([one, two], target(), fs);
    const files = scriptDirs.flatMap((d) => d.files.map((f) => f.path));
    assert.deepEqual(files, [`${one}/linux/same.stp`, `${one}/x86_64/x.stp`, `${two}/same.stp`]);
    assert.deepEqual(scriptDirs.map((d) => [d.dir, d.found, d.files.length]), [
      [`${one}/linux`, 1, 1], [`${one}/x86_64`, 1, 1], [`${two}/linux`, 1, 0], [`${two}/x86_64`, 1, 0], [two, 1, 1],
    ]);
    assert.deepEqual(scriptDirs.flatMap((d) => d.files.map((f) => f.includeIndex)), [0, 0, 1]);
  });

  test('the installed library: 18 macro files and 466 scripts for x86_64', () => {
    const { macroDirs, scriptDirs } = discoverLibrary([tapsetDir()], target(), fs);
    assert.equal(macroDirs.flatMap((d) => d.files).length, 18);
    assert.equal(scriptDirs.flatMap((d) => d.files).length, 466);
  });
});

const stap = findStap();

describe('the same trees through stap -vv -p1', { concurrency: 2 }, () => {
  test('stap availability', (t) => {
    t.diagnostic(stap ? `comparing with ${stap}` : 'stap not found: the comparison with stap -vv did not run');
  });
  for (const [name, make, release, arch] of [
    ['rule tree, 6.1.0-fake x86_64', ruleTree, '6.1.0-fake', undefined],
    ['rule tree, -a arm64', ruleTree, '6.1.0-fake', 'arm64'],
    [
      'version dirs, 5.10.0-21-amd64',
      () =>
        tree({
          '5.10.0-21-amd64/x86_64/v1.stp': FN('v1'),
          '5.10.0-21-amd64/v2.stp': FN('v2'),
          '5.10.0/v3.stp': FN('v3'),
          '5.10/x86_64/v4.stp': FN('v4'),
          '5.10/v5.stp': FN('v5'),
          '5/v6.stp': FN('v6'),
          'linux/5.10/v7.stp': FN('v7'),
          'linux/5.10.0-21-amd64/v8.stpm': MACRO('v8'),
        }),
      '5.10.0-21-amd64',
      undefined,
    ],
    // Files named like default tapsets: the path tail decides, and `-I DIR/` cuts it one
    // character further (stap keeps DIR/input.stp then, but not DIR//linux/context.stp).
    ['tails like the default tapsets, -I DIR', () => tree({ 'input.stp': FN('i1'), 'linux/context.stp': FN('c2') }), '6.1.0-fake', undefined],
    ['tails like the default tapsets, -I DIR/', () => `${tree({ 'input.stp': FN('i1'), 'linux/context.stp': FN('c2') })}/`, '6.1.0-fake', undefined],
  ] as const) {
    test(name, async (t) => {
      if (!stap) return t.diagnostic('stap is not installed: not compared');
      const root = make();
      const kbuild = makeFakeKbuild();
      try {
        if (release !== '6.1.0-fake') writeFileSync(join(kbuild.dir, 'include', 'config', 'kernel.release'), `${release}\n`);
        const args = ['-r', kbuild.dir, '-vv', '-p1', '-I', root, ...(arch ? ['-a', arch] : []), '-e', 'probe begin {}'];
        const r = await runStap(args);
        assert.equal(r.status, 0, r.stderr);
        const theirSearched = r.stderr
          .split('\n')
          .filter((l) => l.startsWith('Searched') && l.includes(root));
        const theirFiles = r.stdout
          .split('\n')
          .filter((l) => l.startsWith('# file ') && l.includes(root))
          .map((l) => l.slice('# file '.length));
        const { macroDirs, scriptDirs } = discoverLibrary([tapsetDir(), root], target(release, arch ?? 'x86_64'), fs);
        const line = (macro: boolean) => (d: (typeof macroDirs)[number]) =>
          `Searched${macro ? ' for library macro files' : ''}: "${d.dir}", found: ${d.found}, processed: ${d.files.length}`;
        const ourSearched = [...macroDirs.map(line(true)), ...scriptDirs.map(line(false))].filter((l) => l.includes(root));
        const ourFiles = [...macroDirs, ...scriptDirs].flatMap((d) => d.files.map((f) => f.path)).filter((p) => p.includes(root));
        assert.deepEqual(ourSearched, theirSearched);
        assert.deepEqual(ourFiles, theirFiles);
      } finally {
        kbuild.cleanup();
      }
    });
  }
});
