/**
 * Constant folding (elaborate/const-fold.ts, stap's const_folder) on parsed expressions, without
 * the rest of pass 2: each case is folded until nothing changes and printed, and compared with
 * what stap 4.8 printed for the same expression (`stap -p2 -v -u`, recorded beside each case;
 * test/pass2/optimize.test.ts runs the same expressions through stap itself).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Expression, Statement } from '../../server/src/ast/staptree';
import { walk } from '../../server/src/ast/walk';
import { printExpression, printStatement } from '../../server/src/dump/p1';
import { ConstFolder } from '../../server/src/elaborate/const-fold';
import { SemanticError, type Annotated, type ElabVar } from '../../server/src/elaborate/model';
import { parseScript } from './symbols-harness';

/** The statements of `probe begin { … }`, with every symbol given a (long) variable. */
function body(text: string): Statement[] {
  const { userFiles } = parseScript(`probe begin { ${text} }`);
  const b = userFiles[0].probes[0].body;
  const vars = new Map<string, ElabVar>();
  walk(b, (n) => {
    if (n.kind !== 'symbol') return;
    let v = vars.get(n.name);
    if (!v) {
      v = { kind: 'vardecl', tok: n.tok, name: n.name, unmangledName: n.name, maxsize: 0, wrap: false, type: 'long', arity: 0, isPrivate: false };
      vars.set(n.name, v);
    }
    (n as Annotated).referent = v;
  });
  return b.statements;
}

/** Folds to a fixpoint, as the optimiser's rounds do. */
function foldStatement(s: Statement): Statement {
  for (let i = 0; i < 20; i++) {
    const cf = new ConstFolder();
    s = cf.statement(s);
    if (!cf.changed) return s;
  }
  throw new Error('folding did not settle');
}

function foldExpression(text: string): string {
  const [s] = body(`println(${text})`);
  const folded = foldStatement(s);
  assert.equal(folded.kind, 'expr_statement');
  const call = (folded as { value: Expression }).value;
  assert.equal(call.kind, 'print_format');
  return (call as { args: Expression[] }).args.map(printExpression).join(', ');
}

describe('const_folder on expressions (stap -p2 -v -u)', () => {
  // stap: println(5, 5, -4, -9223372036854775808, 5, -9223372036854775808, -9223372036854775808, 0, (7) / (0), (7) % (0), …)
  const cases: [string, string][] = [
    ['5 >> 64', '5'],
    ['5 << 100', '5'],
    ['-8 >> 1', '-4'],
    ['1 << 63', '-9223372036854775808'],
    ['5 >> -1', '5'],
    ['9223372036854775807 + 1', '-9223372036854775808'],
    ['-9223372036854775808 / -1', '-9223372036854775808'],
    ['-9223372036854775808 % -1', '0'],
    ['7 / 0', '(7) / (0)'],
    ['7 % 0', '(7) % (0)'],
    ['0 * x', '0'],
    ['x * 0', '0'],
    ['x + 0', 'x'],
    ['0 - x', '(0) - (x)'],
    ['x - 0', 'x'],
    ['x | -1', '-1'],
    ['-1 | x', '-1'],
    ['1 * x', 'x'],
    ['x / 1', 'x'],
    ['x % 1', '0'],
    ['x % -1', '0'],
    ['-1 >> x', '-1'],
    ['0 << x', '0'],
    ['x >> 0', 'x'],
    ['x << -3', 'x'],
    ['-1 & x', 'x'],
    ['0 ^ x', 'x'],
    ['5 >> 63', '0'],
    ['5 << 64', '5'],
    ['-5 % 3', '-2'],
    ['-7 / 2', '-3'],
    ['(1 + 2) * 3', '9'],
    ['x++ * 0', '((x)++) * (0)'],
    ['1 || x', '1'],
    ['x || 1', '1'],
    ['x++ || 1', '((x)++) || (1)'],
    ['0 && x', '0'],
    ['0 || x', '(0) || (x)'],
    ['!5', '0'],
    ['~0', '-1'],
    ['"a" < "b"', '1'],
    ['"b" == "b"', '1'],
    ['3 >= 4', '0'],
    ['x < -9223372036854775808', '0'],
    ['x <= 9223372036854775807', '1'],
    ['-9223372036854775808 > x', '0'],
    ['"a" . "b"', '"ab"'],
    ['"" . sprint(x)', 'sprint(x)'],
    ['1 ? "t" : "f"', '"t"'],
    ['x ? 1 : 2', '(x)?(1):(2)'],
    ['@defined(1)', '1'],
    ['@defined("s")', '1'],
    ['@defined(1+2)', '0'],
    ['@defined(x)', '0'],
  ];
  for (const [input, expected] of cases) {
    test(input, () => assert.equal(foldExpression(input), expected));
  }

  test('>>> is not folded: stap reports "unsupported binary operator >>>" without a token', () => {
    assert.throws(
      () => foldExpression('7 >>> 1'),
      (err: unknown) => err instanceof SemanticError && err.message === 'unsupported binary operator >>>' && err.tok === undefined,
    );
  });

  test('a literal made in this round is constant for its parent at once (stap: next round)', () => {
    const [s] = body('println((1 + 2) * 3)');
    const cf = new ConstFolder();
    assert.equal(printStatement(cf.statement(s)), 'println(9)');
    assert.equal(cf.changed, true);
  });
});

describe('const_folder on statements', () => {
  const cases: [string, string][] = [
    ['if (1) println(1) else println(2)', 'println(1)'],
    ['if (0) println(3)', ';'],
    ['for (;0;) println(4)', ';'],
    ['for (x = 2; 0; ) println(5)', '(x) = (2)'],
    ['while (1 < 0) println(6)', ';'],
    ['foreach (k in a limit 0) println(k)', ';'],
    ['foreach (k in a limit 2) println(k)', 'foreach ([k] in a limit 2) println(k)'],
    ['if (@defined($x)) println(1) else println(2)', 'println(2)'],
  ];
  for (const [input, expected] of cases) {
    test(input, () => assert.equal(printStatement(foldStatement(body(input)[0])), expected));
  }

  test('with collapseDefines, every @defined folds to 0', () => {
    const [s] = body('println(@defined(1))');
    const cf = new ConstFolder({ collapseDefines: true });
    assert.equal(printStatement(cf.statement(s)), 'println(0)');
  });
});
