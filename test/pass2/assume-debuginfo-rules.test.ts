/**
 * What `--assume-debuginfo` assumes and what it does not (builders.ts, passes/pass2.ts), as unit
 * cases on small build dirs: it assumes DWARF debuginfo, binaries and kernel headers; the build
 * dir's System.map, Module.symvers exports and `.config` are consulted as in the default mode;
 * and a user script that declares no probe at all is a library file, not a `no probes found`.
 *
 * The default-mode expectations were read off the real stap 4.8 on the same build dirs
 * (assume-debuginfo.test.ts compares the two modes with stap on the running kernel's build dir).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { firstError, runMine } from './compare';

const FLAG = '--assume-debuginfo';

/** A fake build dir (x86_64, CONFIG_KPROBES, System.map `_stext sys_open`), `.config` and Module.symvers overridable. */
function kbuild(config?: string, symvers?: string): FakeKbuild {
  const k = makeFakeKbuild();
  if (config !== undefined) writeFileSync(join(k.dir, '.config'), config);
  if (symvers !== undefined) writeFileSync(join(k.dir, 'Module.symvers'), symvers);
  return k;
}

let plain: FakeKbuild;
let full: FakeKbuild;
before(() => {
  plain = kbuild();
  full = kbuild(
    'CONFIG_X86_64=y\nCONFIG_KPROBES=y\nCONFIG_PERF_EVENTS=y\nCONFIG_HAVE_HW_BREAKPOINT=y\nCONFIG_TRACEPOINTS=y\nCONFIG_ARCH_SUPPORTS_UPROBES=y\nCONFIG_UPROBES=y\n',
    '0x00000000\tperf_event_create_kernel_counter\tvmlinux\tEXPORT_SYMBOL_GPL\t\n',
  );
});
after(() => {
  plain.cleanup();
  full.cleanup();
});

function run(k: FakeKbuild, script: string, flag: boolean) {
  const r = runMine(['-r', k.dir, '-p2', ...(flag ? [FLAG] : []), '-e', script]);
  const lines = r.stderr.split('\n');
  // The first error and the message of its chained cause (the line after the source excerpt).
  const cause = lines.find((l, i) => i > 0 && /^semantic error: /.test(l) && !/while resolving/.test(l));
  return { status: r.status, first: firstError(r.stderr), cause, stdout: r.stdout };
}

describe(`${FLAG} assumes debuginfo, binaries and headers`, () => {
  for (const script of [
    'probe kernel.function("vfs_read") { println($file) }',
    'probe module("ext4").function("ext4_*") { println(1) }',
    'probe kernel.trace("sched_switch") { println(1) }',
  ]) {
    test(script, () => {
      assert.equal(run(plain, script, false).status, 1);
      assert.equal(run(plain, script, true).status, 0);
    });
  }
  test('process("/bin/ls").function("main") resolves when the config has uprobes', () => {
    const script = 'probe process("/bin/ls").function("main") { println(1) }';
    // stap reads the binary's ELF symbols and finds no DWARF there; stap-ls reads no binary.
    assert.equal(run(full, script, false).status, 1);
    assert.equal(run(full, script, true).status, 0);
  });
});

describe(`${FLAG} consults the build dir as the default mode does`, () => {
  const cases: { name: string; script: string; k: () => FakeKbuild; cause?: RegExp; dump?: string }[] = [
    {
      name: 'kprobe.function on a symbol System.map lacks',
      script: 'probe kprobe.function("vfs_read") { println(1) }',
      k: () => plain,
      cause: /^semantic error: no match \(similar functions: _stext, sys_open\)$/,
    },
    {
      name: 'kprobe.function on a System.map symbol',
      script: 'probe kprobe.function("sys_open") { println(1) }',
      k: () => plain,
      dump: 'kprobe.function("sys_open") /*  name = sys_open*/ /* <- kprobe.function("sys_open") */',
    },
    {
      name: 'perf without the export',
      script: 'probe perf.type(1).config(0) { println(1) }',
      k: () => plain,
      cause: /^semantic error: perf probes not available without exported perf_event_create_kernel_counter$/,
    },
    { name: 'perf with the export', script: 'probe perf.type(1).config(0).sample(100) { println(1) }', k: () => full },
    {
      name: 'timer.profile.tick',
      script: 'probe timer.profile.tick { println(1) }',
      k: () => full,
      cause: /^semantic error: profiling timer support \(register_timer_hook\) not found in kernel!$/,
    },
    {
      name: 'kernel.data without CONFIG_PERF_EVENTS',
      script: 'probe kernel.data("jiffies").write { println(1) }',
      k: () => plain,
      cause: /^semantic error: CONFIG_PERF_EVENTS not available on this kernel: identifier 'kernel' at :1:7$/,
    },
    {
      name: 'kernel.data with CONFIG_PERF_EVENTS and CONFIG_HAVE_HW_BREAKPOINT',
      script: 'probe kernel.data("jiffies").write { println(1) }',
      k: () => full,
      dump: 'kernel.data("jiffies").length(1).write /* <- kernel.data("jiffies").write */',
    },
    {
      name: 'process.begin without the uprobes config',
      script: 'probe process.begin { println(1) }',
      k: () => plain,
      cause: /^semantic error: process probes not available without kernel CONFIG_UTRACE or CONFIG_TRACEPOINTS\/CONFIG_ARCH_SUPPORTS_UPROBES\/CONFIG_UPROBES$/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const k = c.k();
      const plainRun = run(k, c.script, false);
      const flagRun = run(k, c.script, true);
      assert.deepEqual(flagRun, plainRun, 'the flag changes nothing here');
      if (c.cause) {
        assert.equal(flagRun.status, 1);
        assert.match(flagRun.cause ?? '', c.cause);
      } else {
        assert.equal(flagRun.status, 0, flagRun.first);
        if (c.dump) assert.ok(flagRun.stdout.includes(`\n${c.dump}\n`), flagRun.stdout);
      }
    });
  }
});

describe(`${FLAG}: no probes found`, () => {
  const library = 'global g\nfunction f() { return g }\nprobe my.alias = begin { }\n';
  test('a script that declares no probe is a library file: no error under the flag', () => {
    const r = runMine(['-r', plain.dir, '-p2', FLAG, '-e', library]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
  test('without the flag it is stap\'s "no probes found"', () => {
    const r = runMine(['-r', plain.dir, '-p2', '-e', library]);
    assert.equal(r.status, 1);
    assert.equal(firstError(r.stderr), 'semantic error: no probes found');
  });
  test('a script whose probes all resolve to nothing still gets it under the flag', () => {
    for (const script of ['probe kprobe.function("nosuch") ? { println(1) }', 'probe begin { }']) {
      const r = runMine(['-r', plain.dir, '-p2', FLAG, '-e', script]);
      assert.equal(r.status, 1, script);
      assert.equal(firstError(r.stderr).replace(/^WARNING: .*/, 'WARNING'), script.includes('nosuch') ? 'semantic error: no probes found' : 'WARNING', script);
      assert.match(r.stderr, /^semantic error: no probes found$/m, script);
    }
  });
});
