/**
 * The `-p2` printer (dump/p2.ts, main.cxx `printscript`).
 *
 * Unit part: elaborations built by hand from parsed scripts written the way pass 2 leaves them
 * (mangled names in bodies, optimised bodies), printed and compared with what stap 4.8 printed
 * for the original scripts (quoted beside each case), so the printer is checked independently
 * of the elaboration steps.
 *
 * Differential part: small begin/end/timer scripts through stap and stap-ls with `-p2`,
 * `-p2 -v` and `-p2 -u -v`, comparing stdout, stderr (figures masked) and the status; what the
 * elaboration cannot do yet is in known-differences.p2-print.json (see known-differences.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { ExpType, Probe, StapFile, Statement, VarDecl } from '../../server/src/ast/staptree';
import { printElaborationDump, printFunctionSig, printVarDeclSig } from '../../server/src/dump/p2';
import type { DerivedProbe, ElabFunction, ElabVar, Elaboration, ProbeOrigin } from '../../server/src/elaborate/model';
import { newElaboration } from '../../server/src/passes/pass2';
import { findStap, makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { firstDifference, runStapLatin1, runStapLs } from '../pass1/harness';
import { checkKnown, loadKnown, saveKnown, UPDATE_KNOWN } from './known-differences';
import { parseScript, testOptions } from './symbols-harness';

/** A parsed user file and an empty elaboration over it (no library: the printer needs none). */
function parsed(text: string): { file: StapFile; e: Elaboration } {
  const { session, userFiles } = parseScript(text, { guru: true });
  return { file: userFiles[0], e: newElaboration(session, testOptions(), userFiles, []) };
}

function typed(v: VarDecl, type: ExpType, indexTypes?: ExpType[]): ElabVar {
  return { ...v, type, arity: indexTypes ? indexTypes.length : 0, indexTypes };
}

function local(name: string, type: ExpType, tokFrom: VarDecl | Probe): ElabVar {
  return { kind: 'vardecl', tok: tokFrom.tok, name, unmangledName: name, maxsize: 0, wrap: false, type, arity: 0, isPrivate: false };
}

function derived(p: Probe, file: StapFile, locals: VarDecl[], origin: ProbeOrigin = { kind: 'probe', probe: p }, body: Statement = p.body): DerivedProbe {
  return { kind: 'derived_probe', tok: p.tok, location: p.locations[0], origin, body, locals, file, family: 'begin', sigSuffix: '' };
}

describe('printing an elaboration', () => {
  // stap -r K -g -p2 -v b.stp, where b.stp is
  //   %{ #include <linux/x.h> %}
  //   global arr[100], w%[5], st, cnt
  //   function h(a, b:string) { l = a; m = b; return l }
  //   probe begin { x = 1; s = "a"; arr[x] = h(x, s); w[2]=3; st <<< 4; cnt["a",1]++; empty(); println(…) }
  const { file, e } = parsed(
    '%{ #include <linux/x.h> %}\n' +
      'global arr[100], w%[5], st, cnt\n' +
      'function h(a, b) { l = a; return l }\n' +
      'probe begin { x = 1; s = "a"; __global_arr[x] = __global_h__overload_0(x, s); __global_w[2] = 3; ' +
      '__global_st <<< 4; __global_cnt["a", 1]++; ' +
      'println(__global_arr[1], __global_w[2], @count(__global_st), __global_cnt["a", 1]) }\n',
  );
  const [arr, w, st, cnt] = file.globals;
  e.embeds.push({ code: file.embeds[0].code, tok: file.embeds[0].tok, file });
  e.globals.push(typed(arr, 'long', ['long']), typed(w, 'long', ['long']), typed(st, 'stats'), typed(cnt, 'long', ['string', 'long']));
  const decl = file.functions[0];
  const h: ElabFunction = {
    ...decl,
    type: 'long',
    formalArgs: [typed(decl.formalArgs[0], 'long'), typed(decl.formalArgs[1], 'string')],
    mangled: '__global_h__overload_0',
    file,
    locals: [local('l', 'long', decl.formalArgs[0])],
  };
  e.functions.set(h.mangled, h);
  const probe = file.probes[0];
  e.probes.push(derived(probe, file, [local('x', 'long', probe), local('s', 'string', probe)]));

  const SIGS = `# global embedded code
%{ #include <linux/x.h> %}
# globals
arr[100]:long [long]
w%[5]:long [long]
st:stats
cnt:long [string, long]
# functions
h:long (a:long, b:string)
  # locals
  l:long
`;

  test('without -v: signatures and locals', () => {
    assert.equal(
      printElaborationDump(e, false),
      `${SIGS}# probes
begin /* <- begin */
  # locals
  x:long
  s:string
`,
    );
  });

  test('with -v: bodies as `{ ` + statement + ` }`, names as pass 2 left them', () => {
    assert.equal(
      printElaborationDump(e, true),
      `${SIGS}{ {
(l) = (a);
return l;
} }
# probes
begin /* <- begin */
  # locals
  x:long
  s:string
{ {
(x) = (1);
(s) = ("a");
(__global_arr[x]) = (__global_h__overload_0(x, s));
(__global_w[2]) = (3);
(__global_st) <<< (4);
(__global_cnt["a", 1])++;
println(__global_arr[1], __global_w[2], @count(__global_st), __global_cnt["a", 1]);
} }
`,
    );
  });

  test('signatures: initialisers only with -v, unknown types, an array whose index types are not known yet', () => {
    const { file: f } = parsed('global total = 0, name = "x", a\nfunction exit() { }\nprobe begin { }\n');
    const [total, name, a] = f.globals;
    assert.equal(printVarDeclSig(typed(total, 'long')), 'total:long');
    assert.equal(printVarDeclSig(typed(total, 'long'), true), 'total:long = 0');
    assert.equal(printVarDeclSig(typed(name, 'string'), true), 'name:string = "x"');
    assert.equal(printVarDeclSig({ ...a, type: 'unknown', arity: 2 }), 'a:unknown [unknown, unknown]');
    const exit: ElabFunction = { ...f.functions[0], mangled: '__global_exit__overload_0', file: f, locals: [] };
    assert.equal(printFunctionSig(exit), 'exit:unknown ()');
  });

  test('sections appear only when not empty; an elided body prints `{ ; }`, a collapsed one bare', () => {
    // stap -p2 -v -e 'global on = 1 probe timer.s(1) if (on) { println(1) }': the condition's begin probe.
    const { file: f, e: e2 } = parsed('probe begin { println(1) }\nprobe begin { }\n');
    assert.equal(printElaborationDump(e2, true), '');
    const [one, empty] = f.probes;
    e2.probes.push(derived(one, f, [], undefined, (one.body.statements[0] as Statement)));
    e2.probes.push(derived(empty, f, [], undefined, { kind: 'null_statement', tok: empty.tok }));
    assert.equal(printElaborationDump(e2, true), '# probes\nbegin /* <- begin */\n{ println(1) }\nbegin /* <- begin */\n{ ; }\n');
  });

  test('embedded-C function bodies print as `{ %{…%} }`', () => {
    const { file: f, e: e3 } = parsed('function exit() %{ /* unprivileged */\n   _stp_exit ();\n%}\nprobe begin { }\n');
    const exit: ElabFunction = { ...f.functions[0], mangled: '__global_exit__overload_0', file: f, locals: [] };
    e3.functions.set(exit.mangled, exit);
    assert.equal(printElaborationDump(e3, true), '# functions\nexit:unknown ()\n{ %{ /* unprivileged */\n   _stp_exit ();\n%} }\n');
  });

  test('functions print in mangled-name order with their unmangled names', () => {
    const { file: f, e: e4 } = parsed('function b() { return 1 }\nfunction a() { return 2 }\nprobe begin { }\n');
    const [b, a] = f.functions;
    for (const [fn, mangled] of [
      [b, '__global_b__overload_0'],
      [a, '__private_x_stp_a__overload_0'],
      [b, '__global_b__overload_1'],
    ] as const) {
      e4.functions.set(mangled, { ...fn, type: 'long', mangled, file: f, locals: [] });
    }
    assert.equal(printElaborationDump(e4, false), '# functions\nb:long ()\nb:long ()\na:long ()\n');
  });

  test('alias chains in the probe signature (derived_probe::printsig)', () => {
    // stap -p2: `begin /* <- myalias = begin, timer.s(2) <- nested = myalias <- nested */`
    const { file: f, e: e5 } = parsed('probe myalias = begin, timer.s(2) { }\nprobe nested = myalias { }\nprobe nested { println(1) }\n');
    const [myalias, nested] = f.aliases;
    const user = f.probes[0];
    const origin: ProbeOrigin = { kind: 'alias', alias: myalias, base: { kind: 'alias', alias: nested, base: { kind: 'probe', probe: user } } };
    e5.probes.push({ ...derived(user, f, [], origin), location: myalias.locations[0] });
    e5.probes.push({ ...derived(user, f, [], origin), location: myalias.locations[1] });
    assert.equal(
      printElaborationDump(e5, false),
      '# probes\nbegin /* <- myalias = begin, timer.s(2) <- nested = myalias <- nested */\n' +
        'timer.s(2) /* <- myalias = begin, timer.s(2) <- nested = myalias <- nested */\n',
    );
    // A builder's own text follows the location: kprobe_derived_probe::printsig.
    const kp = parsed('probe kprobe.function("sys_open")? { }\n');
    const p = kp.file.probes[0];
    kp.e.probes.push({ ...derived(p, kp.file, []), sigSuffix: ' /*  name = sys_open*/' });
    assert.equal(
      printElaborationDump(kp.e, false),
      '# probes\nkprobe.function("sys_open")? /*  name = sys_open*/ /* <- kprobe.function("sys_open")? */\n',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Whole scripts against stap.

const SCRIPTS: Record<string, string> = {
  hello: 'probe begin { println("hello") }',
  globals:
    'global zz, aa, mm\nglobal total = 0\nfunction f(x) { return x + 1 }\nfunction g:string (s:string) { return s . "x" }\n' +
    'probe begin { mm = 1; aa = f(2); zz = g("a"); total++; println(total, mm, aa, zz) }\nprobe end { ; }\nprobe timer.s(2) { exit() }',
  arrays: 'global arr[100], w%[5], st, cnt\nprobe begin { x = 1; arr[x] = 2; w[2] = 3; st <<< 4; cnt["a", 1]++; println(arr[1], w[2], @count(st), cnt["a", 1]) }',
  locals: 'function h(a, b:string) { l = a; m = b; return l }\nprobe begin { x = 1; s = "a"; println(h(x, s)) }',
  'display-unread-global': 'global g\nprobe begin { g[1] = "a" }',
  'condition-begin': 'global on = 1\nprobe timer.s(1) if (on) { println(1) }',
  'alias-chain': 'probe myalias = begin, timer.s(2) { a = 1 }\nprobe nested = myalias { }\nprobe nested { println(a) }',
  'tapset-function': 'probe begin { println(execname(), pid()) }',
  'empty-probes': 'probe begin { println(1) }\nprobe end { }',
  foreach: 'global a\nprobe begin { a[1] = 2; foreach (k in a) println(k) }',
  'try-catch': 'probe begin { try { error("x") } catch { } try { println(2) } catch (e) { println(e) } println(1) }',
  statements:
    'global a, s\nprobe begin {\n  a[1,"x"] = 2; s <<< 3\n  printf("%d %s\\n", a[1,"x"], "q\\"t")\n' +
    '  foreach ([i, j] in a- limit 5) { println(i, j) }\n  foreach (v = [i, j] in a[*, "x"]) { printd(",", v, i) }\n' +
    '  if ("abc" =~ "a.c") println(matched(0))\n  print(@hist_log(s))\n  delete a[1, "x"]\n' +
    '  x = a[1,"x"] > 1 ? "y" : "n"\n  println(x, sprintf("%5s", x), @max(s))\n  while (x != "") { x = substr(x, 1, 10) }\n  exit()\n}',
};
const MODES: Record<string, string[]> = { '': [], '-v': ['-v'], '-u -v': ['-u', '-v'] };

const LIST = 'p2-print';
const known = loadKnown(LIST);
const stap = findStap();
let kbuild: FakeKbuild | undefined;
const outcomes = new Map<string, string>();

before(() => {
  if (stap) kbuild = makeFakeKbuild();
});
after(() => {
  kbuild?.cleanup();
  if (UPDATE_KNOWN) saveKnown(LIST, outcomes);
});

describe('-p2 dumps against stap', () => {
  test('the FIXME list names only cases of this file', () => {
    const keys = new Set(Object.keys(SCRIPTS).flatMap((s) => Object.keys(MODES).map((m) => `${s} ${m}`.trim())));
    assert.deepEqual(Object.keys(known).filter((k) => !keys.has(k)), []);
  });
  for (const [name, script] of Object.entries(SCRIPTS)) {
    for (const [mode, options] of Object.entries(MODES)) {
      const key = `${name} ${mode}`.trim();
      test(key, { timeout: 120_000 }, async (t) => {
        if (!stap || !kbuild) {
          t.diagnostic('stap not found: nothing to compare with');
          return;
        }
        const argv = ['-r', kbuild.dir, '-p2', ...options, '-e', script];
        const theirs = await runStapLatin1(argv);
        const mine = runStapLs(argv);
        const figures = (s: string) => s.replace(/ using \S+ kb, in \S+ ms\./g, ' using … ms.');
        let detail = '';
        if (mine.status !== theirs.status) detail = `status ${mine.status}, stap ${theirs.status}\n${mine.stderr}`;
        else detail = firstDifference(theirs.stdout, mine.stdout) ?? firstDifference(figures(theirs.stderr), figures(mine.stderr)) ?? '';
        outcomes.set(key, detail);
        checkKnown(known, key, detail, key);
      });
    }
  }
});
