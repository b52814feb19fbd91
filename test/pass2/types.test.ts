/**
 * Type inference (elaborate/types.ts, types-resolver.ts) and the checks after it (checks.ts):
 * every message of semantic_pass_types / semantic_pass_vars / semantic_pass_stats, on small
 * scripts, against the real stap 4.8.
 *
 * Each case states a line our stderr (or stdout) must contain, so the test means something
 * without stap; where stap is installed, our whole stdout, stderr and exit status must equal
 * stap's on the same command line (timings in `-v` lines masked). Known gaps are asserted as they
 * are today, with a FIXME.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { findStap, makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { pool } from '../helpers/pool';
import { firstDifference, runStapLatin1, type RunResult } from '../pass1/harness';
import { runMine } from './compare';

interface Case {
  script: string;
  /** Extra options (before `-e`). */
  options?: string[];
  /** A line (or part of one) our output must contain. */
  expect: string;
}

const CASES: Case[] = [
  // typeresolution_info::mismatch, the declaration form, chained "first inferred here"
  { script: 'probe begin { x = 1; x = "s"; println(x) }', expect: "semantic error: type mismatch (string): identifier 'x' at <input>:1:22" },
  { script: 'probe begin { x = 1; x = "s"; println(x) }', expect: "semantic error: type was first inferred here (long): identifier 'x' at :1:15" },
  { script: 'global a; probe begin { a[1] = 1; a["s"] = 2; println(a[1]) }', expect: 'index 0 type mismatch (string)' },
  { script: 'global a; probe begin { a[1, "x"] = 1; println(a[1, 2]) }', options: ['-v'], expect: 'type of index 1 was first inferred here (long)' },
  { script: 'function f(a) { return a } probe begin { println(f(1)); println(f("s")) }', expect: 'type of index 0 was first inferred here (long)' },
  { script: 'function f(a, b) { return a . b } probe begin { println(f(1, "x")) }', expect: "index 0 type mismatch (string): identifier 'a'" },
  { script: 'function f() { if (1) return 1; return "s" } probe begin { println(f()) }', options: ['-v'], expect: 'type was first inferred here (long)' },
  { script: 'function f() { return 1 } probe begin { x = "s"; x = f(); println(x) }', expect: 'type mismatch (long)' },
  // the same with a declared type: no chain, the expected/found wording (another throw site)
  { script: 'global x = 1; probe begin { x = "s" }', expect: 'type mismatch: expected string but found long' },
  { script: 'function f:long() { return "s" } probe begin { println(f()) }', options: ['-v'], expect: 'expected string but found long' },
  { script: 'function f(a:long) { return a } probe begin { println(f("s")) }', options: ['-v'], expect: 'expected long but found string' },
  // the expected/found and left/right forms; mismatch_complexity hides the simpler ones without -v
  { script: 'probe begin { printf("%d", "a") }', expect: 'type mismatch: expected long but found string' },
  { script: 'probe begin { println(1 < "s") }', expect: "expected string but found long: number '1'" },
  { script: 'probe begin { println(1 < "s") }', options: ['-v'], expect: "left and right sides don't agree (long vs string)" },
  { script: 'probe begin { x = 1; x = "s"; println(x); println(1 < "s") }', expect: 'type mismatch (string)' },
  { script: 'probe begin { x = 1; x = "s"; println(x); println(1 < "s") }', options: ['-v'], expect: "left and right sides don't agree" },
  { script: 'probe begin { s = "a" . (1 + 2); println(s) }', expect: "expected string but found long: operator '+'" },
  { script: 'probe begin { s = "a" . ([1] in g); println(s) } global g', expect: 'expected string but found long: keyword' },
  { script: 'probe begin { x = 1 ? "a" : 2; println(x) }', expect: 'expected string but found long' },
  { script: 'probe begin { try { println(1) } catch (e) { println(e+1) } }', expect: 'type was first inferred here (string)' },
  { script: 'global a; probe begin { a["x"] = "y"; foreach (v = [k] in a) printf("%d %s\\n", v, k) }', expect: 'type mismatch' },
  { script: 'global a; probe begin { a["x"] = "y"; foreach (v = [k] in a limit "s") printf("%s %s\\n", k, v) }', expect: 'expected long but found string' },
  { script: 'probe begin { printf("%*d\\n", "3", 4) }', expect: 'expected long but found string' },
  // the early run (the const folder's): mismatches in dead code, types that stay
  { script: 'probe begin { if (0) { x = 1; x = "s"; println(x) } }', expect: 'type mismatch (string)' },
  { script: 'probe begin { if (0) { y = x; x = 1; y = "s"; println(y) } }', expect: "type mismatch (string): identifier 'x'" },
  { script: 'probe begin { if (0) { println(y) } }', expect: 'semantic error: no probes found' },
  { script: 'probe begin { if (0) { println(@entry(1)) } }', expect: 'semantic error: no probes found' },
  { script: 'probe begin { if (0) { x = "s" } ; println(x) }', expect: 'x:string' },
  { script: 'function f(a) { println(a) } probe begin { if (0) { f("s") } ; f(y) }', expect: 'f:unknown (a:string)' },
  { script: 'probe begin { if (0) { x = 1 + ("a" . "b"); println(x) } }', options: ['-v'], expect: 'invalid operator' },
  { script: 'probe begin { if (0) { s = "a" . (1 < 2); println(s) } }', expect: "Probe 'begin' has been elided" },
  { script: 'probe begin { 1 < "s"; println(2) }', expect: 'begin /* <- begin */' },
  { script: 'probe begin { x = 1; if (0) { x = "s" } }', options: ['-u'], expect: 'type mismatch (string)' },
  // unresolved, invalid
  { script: 'probe begin { println(x) }', options: ['-v'], expect: "semantic error: unresolved type : identifier 'println'" },
  { script: 'global g; probe begin { g = y; println(z) }', options: ['-v'], expect: "unresolved type : identifier 'g' at :1:8" },
  { script: 'function f(a) { return 1 } probe begin { println(f(z)) }', expect: 'unresolved type ' },
  { script: 'global s; probe begin { s <<< 1; x = s; println(x) }', expect: "semantic error: invalid type stats: identifier 's'" },
  { script: 'probe begin { s = "a" . ("x" =~ "y"); println(s) }', expect: "invalid operator: operator '=~'" },
  { script: 'global a; probe begin { a[1] = 1; foreach (k in a @sum +) println(k) }', expect: "invalid type long: identifier 'a'" },
  { script: 'global s; probe begin { s <<< 1; println(s + 1) }', expect: 'type was first inferred here (stats)' },
  { script: 'global x; probe begin { x = 1; println(@count(x)) }', expect: 'type mismatch (stats)' },
  { script: 'global x; probe begin { x = 1; println(@hist_log(x)) }', expect: 'type mismatch (stats)' },
  { script: 'global s; probe begin { s <<< 1; println(s) }', expect: 's:stats' },
  // check_local, globals
  { script: 'probe begin { x <<< 1; println(@count(x)) }', expect: 'stat locals not supported, missing global declaration? ' },
  { script: 'global a%; probe begin { a = 1; println(a) }', expect: 'semantic error: wrapping not supported for scalars' },
  // print formats
  { script: 'probe begin { printf("%d %s", 1) }', expect: 'Wrong number of args to formatted print operator' },
  { script: 'probe begin { println(2 < "t"); printf("%d %d", 1) }', options: ['-v'], expect: 'Wrong number of args' },
  { script: 'probe begin { printf("%d %d", 1); println(y) }', expect: "never-assigned local variable 'y'" },
  { script: 'probe begin { printf("%5b %c %p %m %M %x %o %u %i\\n", 1, 2, 3, 4, 5, 6, 7, 8, 9) }', expect: '# probes' },
  { script: 'probe begin { printf("%z", 1) }', expect: 'parse error: invalid or missing conversion specifier' },
  { script: 'probe begin { printf("%5", 1) }', expect: 'parse error: trailing incomplete print format conversion' },
  // target expressions without debuginfo, @entry, @defined
  { script: 'probe begin { println($x) }', options: ['-v'], expect: "unresolved target-symbol expression: identifier '$x'" },
  { script: 'probe begin { x = $$vars; println(x) }', options: ['-v'], expect: "unresolved target-symbol expression: identifier '$$vars'" },
  { script: 'probe begin { println(@cast(0, "task_struct")->pid) }', options: ['-v'], expect: "type definition 'task_struct' not found in ''" },
  { script: 'probe begin { println(@var("jiffies")) }', expect: 'unresolved @var() expression' },
  { script: 'probe begin { x = 0; println(x->foo) }', expect: "unknown type in dereference: operator '->'" },
  { script: 'probe begin { println(@defined($x) ? $x : 5) }', options: ['-v'], expect: '{ println(5) }' },
  { script: 'probe begin { println(@entry(1)) }', expect: 'semantic error: while processing probe begin' },
  { script: 'function f() { println(@entry(1)) } probe begin { f() }', expect: 'semantic error: while processing function f' },
  { script: 'probe syscall.open { println(@entry(1)) }', expect: 'while processing probe nd1_syscall.open from: nd_syscall.open from: syscall.open from: syscall.open' },
  { script: 'probe a = begin,end {} probe b = a {} probe b { println(@entry(1)) }', expect: 'while processing probe a from: b from: b' },
  { script: 'probe a.* { println(@entry(1)) } probe a.x = end {}', expect: 'while processing probe a.x from: a.*' },
  // semantic_pass_vars, semantic_pass_stats
  { script: 'global a; probe begin { a[1] = 1; foreach (k in a) a[k] = 2 }', expect: "variable 'a' modified during 'foreach' iteration" },
  { script: 'global a; probe begin { a[1] = 1; foreach (k in a) delete a[k] }', expect: "variable 'a' modified during 'foreach' iteration" },
  { script: 'global a; function f() { a[2]=1 } probe begin { a[1] = 1; foreach (k in a) f() }', expect: "function call modifies var 'a' during 'foreach' iteration" },
  { script: 'global s; probe begin { s <<< 1; print(@hist_log(s)) ; print(@hist_linear(s, 0, 10, 1))}', expect: "multiple histogram types declared on '__global_s'" },
  { script: 'global s; probe begin { s <<< 1; println(@variance(s, 3)); println(@variance(s)) }', expect: 'conflicting bit shifts declared (previously 3)' },
  { script: 'global s; probe begin { s <<< 1; println(@variance(s)); println(@variance(s, 3)) }', expect: 's:stats' },
  { script: 'global s; probe begin { s <<< 1; println(@variance(s, 63)) }', expect: 'bit shift (63) out of range <0..62>' },
];

/** `-v` lines carry memory and time figures: mask them. */
function normalise(text: string): string {
  return text.replace(/ using \d+virt.*$/gm, ' using ...');
}

const stap = findStap();
let kbuild: FakeKbuild;
const stapResults = new Map<number, RunResult>();

function argv(c: Case): string[] {
  return ['-r', kbuild.dir, '-p2', ...(c.options ?? []), '-e', c.script];
}

before(async () => {
  kbuild = makeFakeKbuild();
  if (!stap) return;
  const jobs = CASES.map((c, i) => async () => {
    stapResults.set(i, await runStapLatin1(argv(c)));
  });
  await pool(jobs, 2);
});
after(() => kbuild.cleanup());

describe('type inference and the checks after it, against stap 4.8', () => {
  CASES.forEach((c, i) => {
    const label = `${(c.options ?? []).join(' ')} ${c.script}`.trim();
    test(label, () => {
      const mine = runMine(argv(c));
      assert.ok(
        (mine.stderr + mine.stdout).includes(c.expect),
        `stap-ls output lacks ${JSON.stringify(c.expect)}:\n${mine.stderr}${mine.stdout}`,
      );
      const theirs = stapResults.get(i);
      if (!theirs) return; // stap is not installed: the expectation above is the check
      assert.equal(mine.status, theirs.status, `exit status\n--- stap\n${theirs.stderr}\n+++ stap-ls\n${mine.stderr}`);
      const err = firstDifference(normalise(theirs.stderr), normalise(mine.stderr));
      assert.equal(err, undefined, `stderr differs from stap's:\n${err}`);
      const out = firstDifference(theirs.stdout, mine.stdout);
      assert.equal(out, undefined, `stdout differs from stap's:\n${out}`);
    });
  });

  test('stap is installed (else only the expectations above were checked)', () => {
    if (!stap) console.log('# stap not found: types.test.ts checked stap-ls against its own expectations only');
    assert.ok(CASES.length > 50);
  });
});
