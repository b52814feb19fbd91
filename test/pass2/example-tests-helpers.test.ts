/**
 * The helpers behind the pass-2 example tests (differential, --assume-debuginfo, robustness):
 * the command lines read from `.meta` files, the kbuild-noise filter, the first-error picker, the
 * grouping of fuzz problems and the semantic mutator's determinism. No stap needed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';

import { Rng } from '../grammar/mutate';
import { commandFor, shellWords } from '../helpers/example-command';
import { EXAMPLE_DIRS } from '../helpers/installed';
import { compareP2, firstError, problemKind, withoutKbuildNoise } from './compare';
import { applySemanticMutation, generateSemanticMutants, SEMANTIC_KINDS } from './semantic-mutate';

const EX = EXAMPLE_DIRS[0];
const installed = existsSync(`${EX}/general/varwatch.stp`);

describe('example command lines from .meta test_check lines', () => {
  test('shell words: quotes and backslashes', () => {
    assert.deepEqual(shellWords(`stap -p4 a.stp 'kernel.function("x")' "a b" c\\ d`), ['stap', '-p4', 'a.stp', 'kernel.function("x")', 'a b', 'c d']);
  });
  test('dummy mode: kept options, numeric arguments (as the pass-1 differential)', (t) => {
    if (!installed) return t.diagnostic('examples not installed');
    assert.deepEqual(commandFor(`${EX}/general/varwatch.stp`), {
      options: ['-w'],
      args: ['1', '2'],
      origin: `test_check: stap -wp4 varwatch.stp 'kernel.statement("do_sys_open@fs/open.c:*")' '$$vars'`,
    });
    assert.deepEqual(commandFor(`${EX}/process/pfiles.stp`).options, ['-g']);
  });
  test("meta mode: the real arguments, -c/-x/-G, the shell's $$ and command substitutions", (t) => {
    if (!installed) return t.diagnostic('examples not installed');
    assert.deepEqual(commandFor(`${EX}/general/varwatch.stp`, 'meta').args, ['kernel.statement("do_sys_open@fs/open.c:*")', '$$vars']);
    assert.deepEqual(commandFor(`${EX}/process/pfiles.stp`, 'meta').options, ['-g', '-x', '1']);
    assert.deepEqual(commandFor(`${EX}/process/threadstacks.stp`, 'meta'), {
      options: ['-g', '-G', 'size=65536'],
      args: [],
      origin: 'test_check: stap -gp4 threadstacks.stp -Gsize=65536 -d `which stap`',
    });
    assert.deepEqual(commandFor(`${EX}/memory/hw_watch_addr.stp`, 'meta').args, ['0xffffffff81000000']);
    assert.deepEqual(commandFor(`${EX}/profiling/ucalls.stp`, 'meta').options, ['-c', `python -c 'print("hello world")'`]);
  });
});

describe('comparison helpers', () => {
  test("stap's kbuild output is not compared, what follows is", () => {
    const stderr =
      "make: *** No rule to make target 'modules'.  Stop.\nWARNING: kbuild exited with status: 2\n" +
      'Copy failed ("/tmp/x/typequery_kmod_1.ko" to "/root/.systemtap/cache/ea/t.ko"): No such file or directory\n' +
      "semantic error: type definition 'task_struct' not found in 'kernel<linux/sched.h>': operator '@cast' at f.stp:2:5\n";
    assert.equal(withoutKbuildNoise(stderr), "semantic error: type definition 'task_struct' not found in 'kernel<linux/sched.h>': operator '@cast' at f.stp:2:5\n");
    const mine = { status: 1, stdout: '', stderr: withoutKbuildNoise(stderr) };
    assert.equal(compareP2({ status: 1, stdout: '', stderr }, mine), '');
    assert.notEqual(compareP2({ status: 1, stdout: '', stderr }, { ...mine, stderr: 'semantic error: other\n' }), '');
    assert.notEqual(compareP2({ status: 0, stdout: '# probes\n', stderr: '' }, { status: 0, stdout: '# probes\nx\n', stderr: '' }), '');
  });
  test('the first error skips -v progress lines', () => {
    assert.equal(firstError('Pass 1: parsed user script and 484 library scripts using ...\nsemantic error: no probes found\n'), 'semantic error: no probes found');
    assert.equal(firstError('WARNING: x\nsemantic error: y\n'), 'WARNING: x');
    assert.equal(firstError('odd\n'), 'odd');
  });
  test('fuzz problems are grouped without their particulars', () => {
    assert.equal(
      problemKind("semantic error: internal error: unresolved function call to 'ov_prio': identifier 'ov_prio' at :2:23"),
      "semantic error: internal error: unresolved function call to 'X'",
    );
    assert.equal(
      problemKind('exception RangeError: Maximum call stack size exceeded |     at copy (/work/main/server/src/ast/walk.ts:49:16) | at x'),
      'exception RangeError: Maximum call stack size exceeded at copy (walk.ts)',
    );
    assert.equal(problemKind('no answer after 15000 ms'), 'no answer after N ms');
  });
});

describe('semantic mutator', () => {
  const corpus = [{ name: 'a', text: 'global g\nprobe begin { g = 1; println(g, "x") }\nfunction f(x) { return x + 1 }\n' }];
  test('deterministic for a seed', () => {
    const a = [...generateSemanticMutants(corpus, { count: 30, seed: 7 })].map((m) => m.text);
    const b = [...generateSemanticMutants(corpus, { count: 30, seed: 7 })].map((m) => m.text);
    const c = [...generateSemanticMutants(corpus, { count: 30, seed: 8 })].map((m) => m.text);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
  test('every kind changes a script that has what it needs', () => {
    for (const kind of SEMANTIC_KINDS) {
      const rng = new Rng(3);
      const changed = Array.from({ length: 5 }, () => applySemanticMutation(corpus[0].text, kind, rng)).some((t) => t !== corpus[0].text);
      assert.ok(changed, `${kind} never changed the script`);
    }
  });
});
