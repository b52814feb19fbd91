/**
 * The optimiser, probe conditions and the global display (elaborate/optimize*.ts,
 * dead-stmt.ts, void-reducer.ts, conditions.ts, global-display.ts) against stap 4.8: small
 * scripts, each run with `-p2 -v` and `-p2 -v -u` (bodies printed, so every transform shows),
 * comparing stdout, stderr (the `Pass N:` figures masked) and the exit status.
 *
 * Where stap is missing, the test says so and checks only that stap-ls runs each case without
 * an internal error. Cases stap-ls gets wrong today are listed in KNOWN with the reason, and
 * must still differ (a fix shows up as a failure: drop the entry).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { findStap, makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { firstDifference, runStapLatin1, type RunResult } from '../pass1/harness';
import { runMine } from './compare';

/** name → script; each runs with -p2 -v and -p2 -v -u. */
export const CASES: Record<string, string> = {
  'dead-code-mix': `global g, h, arr, st
function f(x) { return x + 1 }
function u() { return 2 }
function v() { }
probe begin { a = 1; b = f(3); println(b); if (0) u(); g = 5; 3 + 4; {{ v(); }} arr["a",1] = "x"; st <<< 1; h <<< 4; println(@count(h))}
probe end { }
probe end { if (b) ; else println(2); for (i=0; i<3; i++) ; while (j < 3) {} foreach ([k,l] in arr) {} try { } catch (e) { println(e) } }
`,
  'never-assigned-and-unresolved': `global g, h
function f(x) { return x + 1 }
function u() { return 2 }
probe begin { a = 1; b = f(3); println(b); if (0) u(); y; g = 5; 3 + 4; }
probe end { }
probe end { println(h) }
`,
  conditions: `global on = 1, cnt
probe timer.s(1) if (on) { println(cnt) }
probe timer.s(2) if (cnt > 3) { cnt++ }
probe begin if (2 > 1) { println(1) }
`,
  'condition-writes': `global on
probe begin if (on++) { println(1) }
`,
  'condition-folded-in-signature': `global on, unused, s1, s2, a2[10], a3%, a4, a5
probe timer.s(1) if (on + (1+2) > 0) { s1 = "x"; s2 <<< 3; a2[1] = 2; a3["x"] = "y"; a4[1,"a"] <<< 5; a5["k"] <<< 4 }
probe begin { x = 1; on = 1 }
`,
  'crement-reads': `probe begin { x = 0; x++; s = "a"; s .= "b"; }
`,
  'display-used-or-not': `global g1, g2, a1, a2, a3, s1, g3, g4
probe begin { g1++; g2 += 1; a1[1] = 1; foreach (k in a1) println(k); a2[1] = 2; if ([1] in a2) println(1); a3[2] = 3; foreach (k in a3) { x = k; println(x) }; s1 <<< 1; y = @count(s1); println(y); g3 = 1; g3 = g3 + 1; g4 = 1; delete g4 }
`,
  'display-read-modify-write': `global g1, g2, g3, h, a, s
probe begin { x = g1++; println(x); g2++; h = 1; g3 += h; a[1]++; s <<< 1; @count(s) }
`,
  'stable-not-pure': `function f:long (a:long) %{ /* stable */ STAP_RETVALUE = 1; %}
function f2:long () %{ /* stable */ STAP_RETVALUE = 2; %}
function f3:long () %{ /* stable */ STAP_RETVALUE = 3; %}
probe end { println(f(1) + f2() + f3()); println(execname()) }
`,
  'display-disabled': `global g, a
probe begin { g = 1; a[1] = "x" }
`,
  'display-with-G': `global s1, r
probe begin { s1 = "x"; println(r) }
`,
  'void-statements': `global g, a, b
function f(x) { g = x; return 1 }
function p(x) { return x + 1 }
probe begin { f(3); p(4); p(g); x = 1; y = 2; x || y; x && p(y); x ? f(1) : y; -x; !f(x); sprintf("%d", x); x = y + 2; "a" . "b"; "x" =~ "a"; [1] in a; a[1]; a[1]++; b <<< 1; @count(b); print(g); g = 7; }
`,
  'dead-control': `function f(x) { if (x) { return 1; println(3) } return 2; println(4) }
probe begin { println(f(1)); if (f(2)) { next; println(2) } println(5); next; println(6); }
probe end { println(1); if (f(2)) { next; println(2) } }
`,
  'merge-and-stable': `function a(x) { return x + 1 }
function b(x) { return x + 1 }
function c(y) { return y + 1 }
function d(x) { return a(x) + b(x) }
probe begin { println(a(1), b(2), c(3), d(4), execname(), pid()); if (pid()) { println(execname()) } else println(execname()) }
probe end { println(execname()) }
`,
  'stable-scopes': `global g
probe begin { if (g) println(1); g = 2; println(execname()) }
probe end { if (g) println(1); println(2) }
probe timer.s(1) { for (i=0;i<3;i++) println(execname()); if (g) println(execname()) else println(3); while (g) { println(execname()); g--} }
function f() { if (g) return execname(); return "" }
probe timer.s(2) { println(f()) }
`,
  'stable-branches': `global g, a
probe begin { if (execname() == "x") println(1); { println(execname()) } }
probe end { if (g) { if (g) println(execname()) } else { println(execname()); println(execname()) } }
probe timer.s(2) { println(g ? execname() : "") ; a[1]=1; g = 1}
`,
  'stable-try': `global a
probe timer.s(1) { foreach (k in a) println(execname()); try { println(execname()) } catch { println(execname()) } a[1] = 1 }
`,
  'elided-probes': `probe myal = begin { }
probe myal { }
probe timer.s(1), end { }
probe begin { println(1) }
`,
  'try-collapse': `probe begin { println(1) ; try { println(2) } catch { } try { println(3) } catch (e) { println(e); println(4) } }
`,
  'all-elided': `probe begin { y = 1; y = "a"; }
`,
  'early-type-mismatch': `probe begin { x = "a"; if (0) x = 1; println(x) }
`,
  'early-types-after-foreach-removal': `global a; probe begin { a[1] = 1; foreach (k in a) { } ; println(1) }
`,
  'early-types-skipped-in-changed-round': `global a; probe begin { z; a[1] = 1; foreach (k in a) { } ; println(a[1]) }
`,
  'defined-folding': `global g = 3, h
function f() { return 2 }
probe begin { x = 1; h = 2; println(@defined(1), @defined("s"), @defined(1+2), @defined(g), @defined(h), @defined(x), @defined(f()), @defined(x+1), @defined(-1), @defined(!x), @defined(execname())) }
probe begin { if (@defined($var)) println($var) else println("none") }
probe begin { y = @defined($nosuch) ? 1 : 2; println(y) }
`,
  'pragma-read-global': `global w
function peek:long() %{ /* pragma:read:w */ STAP_RETVALUE = STAP_GLOBAL_GET_w(); %}
probe begin { w = 1; println(peek()) }
`,
  'const-fold-arith': `probe begin { x = 1; println(5 >> 64, 5 << 100, -8 >> 1, 1 << 63, 5 >> -1, 9223372036854775807 + 1, -9223372036854775808 / -1, -9223372036854775808 % -1, 7 / 0, 7 % 0, 0 * x, x * 0, x + 0, 0 - x, x - 0, x | -1, -1 | x, 1 * x, x / 1, x % 1, x % -1, -1 >> x, 0 << x, x >> 0, x << -3, -1 & x, 0+x, 0|x, 0^x, x^0, x&-1, 5 >> 63, 5<<64, -5 % 3, -7/2) }
`,
  'const-fold-logic': `global g
probe begin { g = 3; println(1 || g, g || 1, 0 && g, g && 0, 0 || g, 1 && 1, !5, ~0, -(3), "a" < "b", "b" == "b", 3 >= 4, g < -9223372036854775808, g <= 9223372036854775807, -9223372036854775808 > g, "a" . "b", "" . sprint(g), sprint(g) . "", 1 ? "t" : "f", g ? 1 : 2) }
`,
  'const-fold-statements': `global g
probe begin { g = 1; if (1) println(1) else println(2); if (0) println(3); for (;0;) println(4); for (g = 2; 0; ) println(5); while (1 < 0) println(6); foreach (k in a limit 0) println(k); foreach (k in a limit 2) println(k); a[1] = 2 }
global a
`,
  'const-fold-unsupported-operator': `probe begin { x = 1; println(7 >>> 1) }
`,
  'overloads-next': `function ov(x) { if (x > 1) next; return 1 }
function ov(x) { return 2 }
function ov2(x) { return 3 }
function ov2(x) { return 4 }
probe begin { println(ov(1), ov2(1)) }
`,
  'for-init-incr-untouched': `probe begin { for (i + 1; i < 3; -i) println(i); for (i || 2; i < 3; i ? 1 : 2) println(i); for (p(i); i<3; p(i)) println(i) }
function p(x) { return x }
`,
  'unused-global-after-folding': `global g, h
probe begin { if (0) g = 1; println(2); if (0) println(h) }
`,
  'embedded-side-effects': `function pure:long () %{ /* pure */ STAP_RETVALUE = 1; %}
function impure:long () %{ STAP_RETVALUE = 1; %}
probe begin { pure(); impure(); %{ /* pure */ 1 %}; %{ 2 %}; println(1) }
`,
};

/** Cases stap-ls gets wrong today: name (`NAME -u` for the -u run) → FIXME reason. */
const KNOWN: Record<string, string> = {
  // (none today) Not covered by a case: `@defined(x);` as a statement under -u, on which stap
  // itself fails with "update_visitor wasn't provided a value"; stap-ls drops the statement.
};

const GUARD_FLAGS: Record<string, string[]> = {
  'embedded-side-effects': ['-g'],
  'pragma-read-global': ['-g'],
  'stable-not-pure': ['-g'],
  'display-disabled': ['--no-global-var-display'],
  'display-with-G': ['-G', 's1=hello', '-G', 'r=4'],
};

function mask(stderr: string): string {
  return stderr.replace(/^Pass (\d): (.*?) using .*$/gm, 'Pass $1: $2 using …');
}

function describeDifference(stapRun: RunResult, mine: RunResult): string | undefined {
  if (stapRun.status !== mine.status) return `exit status: stap ${stapRun.status}, stap-ls ${mine.status}\n${mine.stderr.slice(0, 400)}`;
  const out = firstDifference(stapRun.stdout, mine.stdout);
  if (out) return `stdout: ${out}`;
  const err = firstDifference(mask(stapRun.stderr), mask(mine.stderr));
  if (err) return `stderr: ${err}`;
  return undefined;
}

describe('optimiser against stap -p2 -v (with and without -u)', () => {
  const stap = findStap();
  let kb: FakeKbuild | undefined;
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'stap-ls-optimize-'));
    if (stap) kb = makeFakeKbuild();
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    kb?.cleanup();
  });

  for (const [name, script] of Object.entries(CASES)) {
    for (const unopt of [false, true]) {
      const label = unopt ? `${name} -u` : name;
      test(label, async (t) => {
        const file = join(dir, `${name}.stp`);
        writeFileSync(file, script, 'latin1');
        const flags = ['-p2', '-v', ...(unopt ? ['-u'] : []), ...(GUARD_FLAGS[name] ?? [])];
        const kbuild = kb?.dir ?? '/tmp/kb';
        const mine = runMine(['-r', kbuild, ...flags, `${name}.stp`], { cwd: dir });
        assert.ok(mine.status === 0 || mine.status === 1, `stap-ls failed internally:\n${mine.stderr}`);
        if (!stap) {
          t.diagnostic('stap is not installed: only checked that stap-ls runs');
          return;
        }
        const ref = await runStapLatin1(['-r', kbuild, ...flags, `${name}.stp`], { cwd: dir });
        const diff = describeDifference(ref, mine);
        const known = KNOWN[label];
        if (known) {
          assert.ok(diff, `${label} now agrees with stap: drop it from KNOWN (${known})`);
          t.diagnostic(`FIXME ${label}: ${known}`);
        } else assert.equal(diff, undefined, diff);
      });
    }
  }
});
