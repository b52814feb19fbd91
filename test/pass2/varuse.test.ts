/**
 * The optimiser's side-effect model (elaborate/varuse.ts, stap's varuse_collecting_visitor):
 * which variables a statement reads, writes and "uses" (consumes the value of), and when it
 * counts as having an embedded side effect. The expectations follow stap's behaviour as seen
 * through `-p2 -v` (which assignments opt3 drops, which statements opt4 drops, which globals
 * get an end-of-run display); optimize.test.ts checks those end to end against stap.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Statement } from '../../server/src/ast/staptree';
import { walk } from '../../server/src/ast/walk';
import { SemanticError, type Annotated, type ElabFunction, type ElabVar } from '../../server/src/elaborate/model';
import { VarUse } from '../../server/src/elaborate/varuse';
import { parseScript } from './symbols-harness';

/** The first statement of `probe begin { … }`, symbols resolved by name, calls to `functions`. */
function statement(text: string, functions: string[] = []): Statement {
  const fns = functions.length ? `${functions.join('\n')}\n` : '';
  const { userFiles } = parseScript(`${fns}probe begin { ${text} }`, { guru: true });
  const file = userFiles[0];
  const vars = new Map<string, ElabVar>();
  const resolve = (n: Parameters<Parameters<typeof walk>[1]>[0]) => {
    if (n.kind === 'symbol') {
      let v = vars.get(n.name);
      if (!v) {
        v = { kind: 'vardecl', tok: n.tok, name: n.name, unmangledName: n.name, maxsize: 0, wrap: false, type: 'long', arity: 0, isPrivate: false };
        vars.set(n.name, v);
      }
      (n as Annotated).referent = v;
    }
  };
  const elab: ElabFunction[] = file.functions.map((f) => ({ ...f, mangled: f.name, file, locals: [] }));
  for (const f of elab) walk(f.body, resolve);
  const body = file.probes[0].body;
  walk(body, (n) => {
    resolve(n);
    if (n.kind === 'functioncall') (n as Annotated).referents = elab.filter((f) => f.unmangledName === n.function);
  });
  return body.statements[0];
}

function names(set: Set<ElabVar>): string {
  return [...set].map((v) => v.name).sort().join(' ');
}

function use(text: string, functions: string[] = []): { read: string; written: string; used: string; embedded: boolean } {
  const vu = new VarUse();
  vu.visit(statement(text, functions));
  return { read: names(vu.read), written: names(vu.written), used: names(vu.used), embedded: vu.embeddedSeen };
}

describe('varuse_collecting_visitor', () => {
  // `used` is stap's current_lvalue_read: reads inside an `=`, a condition, an argument… count.
  test('= writes the left side only, reads the right', () => {
    assert.deepEqual(use('x = y'), { read: 'y', written: 'x', used: 'y', embedded: false });
  });
  test('compound assignment, ++ and delete read and write', () => {
    assert.deepEqual(use('x += y'), { read: 'x y', written: 'x', used: 'y', embedded: false });
    assert.deepEqual(use('x++'), { read: 'x', written: 'x', used: '', embedded: false });
    assert.deepEqual(use('delete a'), { read: 'a', written: 'a', used: 'a', embedded: false });
  });
  test('an array element as lvalue writes the array and reads the index', () => {
    assert.deepEqual(use('a[i] = 1'), { read: 'i', written: 'a', used: 'i', embedded: false });
    assert.deepEqual(use('a[i]++'), { read: 'a i', written: 'a', used: 'i', embedded: false });
    assert.deepEqual(use('x = a[i]++'), { read: 'a i', written: 'a x', used: 'a i', embedded: false });
    assert.deepEqual(use('a[i]'), { read: 'a i', written: '', used: 'a i', embedded: false });
  });
  test('foreach writes its indexes and value, and its array when sorted', () => {
    assert.deepEqual(use('foreach (v = [k] in a) x = 1'), { read: 'a', written: 'k v x', used: 'a', embedded: false });
    assert.deepEqual(use('foreach ([k] in a-) x = 1'), { read: 'a', written: 'a k x', used: 'a', embedded: false });
  });
  test('a catch variable is written', () => {
    assert.deepEqual(use('try { x = 1 } catch (e) { }'), { read: '', written: 'e x', used: '', embedded: false });
  });
  test('printing is an embedded side effect, sprint is not', () => {
    assert.equal(use('println(x)').embedded, true);
    assert.equal(use('y = sprint(x)').embedded, false);
  });
  test('embedded C is a side effect unless tagged /* pure */', () => {
    assert.equal(use('x = %{ 1 %}').embedded, true);
    assert.equal(use('x = %{ /* pure */ 1 %}').embedded, false);
  });
  test('calls are followed into the body (arguments do not write the parameters)', () => {
    const fns = ['function w(a) { g = a; return 1 }', 'function c:long () %{ /* pure */ STAP_RETVALUE = 1; %}'];
    assert.deepEqual(use('x = w(y)', fns), { read: 'a y', written: 'g x', used: 'a y', embedded: false });
    assert.equal(use('x = c()', fns).embedded, false);
  });
  test('recursion stops', () => {
    const fns = ['function r(n) { return n ? r(n - 1) : 0 }'];
    assert.deepEqual(use('x = r(3)', fns), { read: 'n', written: 'x', used: 'n', embedded: false });
  });
  test('an assignment to an unresolved $target is an embedded side effect, a read is not', () => {
    assert.equal(use('$x = 1').embedded, true);
    assert.equal(use('y = $x').embedded, false);
  });
  test('side_effect_free_wrt counts only writes to the given variables', () => {
    const vu = new VarUse();
    vu.visit(statement('x = 1'));
    const [x] = vu.written;
    assert.equal(vu.sideEffectFree(), false);
    assert.equal(vu.sideEffectFreeWrt(new Set()), true);
    assert.equal(vu.sideEffectFreeWrt(new Set([x])), false);
  });
  test('a symbol without referent is stap\'s "symbol without referent"', () => {
    const { userFiles } = parseScript('probe begin { x = 1 }');
    assert.throws(
      () => new VarUse().visit(userFiles[0].probes[0].body),
      (err: unknown) => err instanceof SemanticError && err.message === 'symbol without referent',
    );
  });
});
