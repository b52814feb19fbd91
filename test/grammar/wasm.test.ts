// Smoke test for the committed grammar wasm: it loads in web-tree-sitter through loadLanguage(),
// reports a compatible ABI version (and the name `systemtap`, where the ABI records one), parses a
// small script into source_file/probe_declaration with UTF-16 code-unit indexes, and
// scripts/check-wasm.mjs confirms the wasm was built from the committed grammar sources.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, test } from 'node:test';

import { LANGUAGE_VERSION, MIN_COMPATIBLE_VERSION } from 'web-tree-sitter';

import { createParser, grammarWasmPath, loadLanguage, type Language, type Parser } from '../../server/src/syntax/parser';

const REPO = join(__dirname, '..', '..');

let language: Language;
let parser: Parser;

before(async () => {
  language = await loadLanguage();
  parser = await createParser();
});

test('the wasm is found in grammar/ and loads once', async () => {
  assert.equal(grammarWasmPath(), join(REPO, 'grammar', 'tree-sitter-systemtap.wasm'));
  assert.equal(await loadLanguage(), language, 'loadLanguage() should cache the language');
});

test('the language reports its name and a compatible ABI version', () => {
  // Language.name comes from the ABI 15 metadata; ABI 14 languages report null.
  const name = language.name;
  if (name !== null) assert.equal(name, 'systemtap');
  else assert.ok(language.abiVersion < 15, 'an ABI >= 15 language should report its name');
  assert.ok(Number.isInteger(language.abiVersion));
  assert.ok(
    language.abiVersion >= MIN_COMPATIBLE_VERSION && language.abiVersion <= LANGUAGE_VERSION,
    `ABI ${language.abiVersion} outside web-tree-sitter's ${MIN_COMPATIBLE_VERSION}..${LANGUAGE_VERSION}`,
  );
  assert.ok(language.types.includes('probe_declaration'));
  assert.ok(language.fieldCount > 0);
});

test('a small script parses into source_file with a probe_declaration', () => {
  const text = '# comment\nprobe begin {\n  printf("hello\\n")\n  exit()\n}\n';
  const tree = parser.parse(text);
  assert.ok(tree);
  try {
    const root = tree.rootNode;
    assert.equal(root.type, 'source_file');
    assert.equal(root.hasError, false, root.toString());
    const probes = root.namedChildren.filter((n) => n?.type === 'probe_declaration');
    assert.equal(probes.length, 1);
    assert.equal(probes[0]!.text, text.slice(text.indexOf('probe'), text.lastIndexOf('}') + 1));
    assert.equal(root.endIndex, text.length);
  } finally {
    tree.delete();
  }
});

test('node indexes are UTF-16 code units (JavaScript string indexes), not UTF-8 bytes', () => {
  // web-tree-sitter hands tree-sitter the text as UTF-16, so é is 1 unit and 😀 is 2.
  const text = 'probe begin { println("é😀") }  ';
  const tree = parser.parse(text);
  assert.ok(tree);
  try {
    assert.equal(tree.rootNode.hasError, false, tree.rootNode.toString());
    assert.equal(tree.rootNode.endIndex, text.length);
    const string = tree.rootNode.descendantsOfType('string')[0];
    assert.ok(string);
    assert.equal(string.startIndex, text.indexOf('"'));
    assert.equal(string.endIndex, text.lastIndexOf('"') + 1);
    assert.equal(string.text, '"é😀"');
  } finally {
    tree.delete();
  }
});

test('scripts/check-wasm.mjs: the committed wasm matches the committed sources', () => {
  const result = spawnSync(process.execPath, [join(REPO, 'scripts', 'check-wasm.mjs')], { cwd: REPO, encoding: 'utf8' });
  assert.equal(result.status, 0, `check-wasm failed:\n${result.stdout}${result.stderr}`);
});
