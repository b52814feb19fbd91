/**
 * Keeps the external scanner (grammar/src/scanner.c) in step with the grammar: the scanner's
 * token enum and reserved-word table must list the grammar's `externals` in the same order,
 * since tree-sitter passes valid_symbols by position. Also checks the scanner's word rules
 * through the wasm: a keyword is never an identifier, trailing `$`s are a pretty-print suffix.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';

import { createParser, type Parser } from '../../server/src/syntax/parser';

const grammarDir = join(__dirname, '..', '..', 'grammar');
const scanner = readFileSync(join(grammarDir, 'src', 'scanner.c'), 'utf8');
const externals: { type: string; name?: string; value?: string }[] = JSON.parse(
  readFileSync(join(grammarDir, 'src', 'grammar.json'), 'utf8'),
).externals;

let parser: Parser;
before(async () => {
  parser = await createParser();
});

test('the scanner enum and reserved words list the grammar externals in order', () => {
  const enumBody = /enum TokenType \{([^}]*)\}/.exec(scanner)?.[1] ?? '';
  const enumNames = [...enumBody.matchAll(/^\s*([A-Z_]+)\s*,/gm)].map((m) => m[1]);
  const words = [...(/RESERVED_WORDS\[\] = \{([^}]*)\}/.exec(scanner)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map(
    (m) => m[1],
  );
  assert.ok(enumNames.length > 5 && words.length > 20, 'could not read the scanner tables');
  assert.equal(enumNames.at(-1), 'KEYWORD_FIRST');
  const symbolic = externals.filter((e) => e.type === 'SYMBOL').map((e) => e.name);
  const literal = externals.filter((e) => e.type === 'STRING').map((e) => e.value);
  // Symbols first, then the words, exactly as the enum and table lay them out.
  assert.deepEqual(externals.slice(0, symbolic.length).map((e) => e.type), symbolic.map(() => 'SYMBOL'));
  const toEnum = (name: string) => name.replace(/^_/, '').toUpperCase();
  assert.deepEqual(symbolic.map((n) => toEnum(n ?? '')), enumNames.slice(0, -1));
  assert.deepEqual(literal, words);
});

test('a keyword is an error wherever it is not valid', () => {
  for (const text of ['probe begin { x = if }', 'probe begin { else x = 1 }', 'function if() {}']) {
    assert.ok(parser.parse(text)?.rootNode.hasError, text);
  }
  assert.equal(parser.parse('probe begin { iffy = 1; elsewhere = 2 }')?.rootNode.hasError, false);
});

test('trailing $s after a member name are a pretty-print suffix; inner $s belong to the name', () => {
  const tree = parser.parse('probe begin { x = $a->b$$; y = dtv$pointer$val }');
  assert.ok(tree && !tree.rootNode.hasError);
  const text = tree.rootNode.toString();
  assert.match(text, /\(member_access field: \(identifier\)\) \(pretty_print\)/);
  const ids = tree.rootNode.descendantsOfType('identifier').map((n) => n?.text);
  assert.ok(ids.includes('dtv$pointer$val'), ids.join(' '));
  assert.ok(ids.includes('b'), ids.join(' '));
});

test('globs are words only in probe points', () => {
  const tree = parser.parse('probe syscall.*, kernel.function("x").re*, a**b { x = a*b }');
  assert.ok(tree && !tree.rootNode.hasError, tree?.rootNode.toString());
  assert.deepEqual(
    tree.rootNode.descendantsOfType('glob').map((n) => n?.text),
    ['*', 're*', 'a**b'],
  );
  assert.equal(tree.rootNode.descendantsOfType('binary_expression').length, 1);
});
