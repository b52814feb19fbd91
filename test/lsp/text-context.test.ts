/**
 * ide/text-context.ts, the forgiving scan completion and signature help read: comments, strings
 * (an open one ends at its line), `$`/`@` words, and the top-level declarations with their
 * bodies, where an unclosed body ends at the next declaration keyword.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { declarations, probePoints, scanText } from '../../server/src/ide/text-context';

test('tokens: comments, strings open at the line end, sigils, embedded code, preprocessor marks', () => {
  const toks = scanText('# c\nx = "ab\ny = $$vars . @count(s) %{ c %} %( %? %)');
  assert.deepEqual(
    toks.map((t) => `${t.kind}:${t.text}${t.open ? '+' : ''}`),
    ['comment:# c', 'ident:x', 'op:=', 'string:"ab+', 'ident:y', 'op:=', 'target:$$vars', 'op:.', 'at:@count', 'op:(', 'ident:s', 'op:)', 'embedded:%{ c %}', 'pp:%(', 'pp:%?', 'pp:%)'],
  );
});

test('declarations: kinds, bodies, an unclosed body ended by the next keyword, components named function', () => {
  const text = 'global a, b\nprobe kernel.function("f").return { x = 1\nprivate function g(p) { }\nprobe x = y { }, { }\n';
  const toks = scanText(text);
  const decls = declarations(toks);
  assert.deepEqual(decls.map((d) => d.kind), ['global', 'probe', 'function', 'alias']);
  assert.equal(decls[1].bodyClose, undefined);
  assert.equal(toks[decls[1].bodyOpen!].text, '{');
  assert.equal(decls[1].end, decls[2].first);
  assert.notEqual(decls[2].bodyClose, undefined);
  const points = probePoints(toks, decls[1].first + 1, decls[1].bodyOpen!);
  assert.deepEqual(points, [[
    { name: 'kernel', start: 18 },
    { name: 'function', start: 25, arg: 'string' },
    { name: 'return', start: 39 },
  ]]);
  const globbed = scanText('probe sys*call.op*n, timer.ms(10) if (x) { }');
  assert.deepEqual(probePoints(globbed, 1, globbed.length).map((p) => p.map((c) => c.name + (c.arg ? `(${c.arg})` : ''))), [['sys*call', 'op*n'], ['timer', 'ms(number)']]);
});
