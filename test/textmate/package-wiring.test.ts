// Checks the VS Code wiring in package.json (language id, extensions, grammar and language-configuration paths)
// and the language configuration itself: it parses, and its regular expressions behave as intended.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from './textmate-helpers';

interface Contributes {
  languages: Array<{ id: string; extensions?: string[]; configuration?: string }>;
  grammars: Array<{ language?: string; scopeName: string; path: string; embeddedLanguages?: Record<string, string> }>;
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: Contributes };
const language = pkg.contributes.languages.find((l) => l.id === 'systemtap');
const grammarEntry = pkg.contributes.grammars.find((g) => g.language === 'systemtap');

interface LanguageConfiguration {
  comments: { lineComment: string; blockComment: [string, string] };
  brackets: Array<[string, string]>;
  autoClosingPairs: Array<{ open: string; close: string; notIn?: string[] }>;
  surroundingPairs: Array<[string, string]>;
  folding: { markers: { start: string; end: string } };
  wordPattern: string;
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  onEnterRules?: Array<{ beforeText: string; afterText?: string; previousLineText?: string }>;
}

function readConfiguration(): LanguageConfiguration {
  assert.ok(language?.configuration, 'the systemtap language has no configuration');
  return JSON.parse(readFileSync(join(repoRoot, language.configuration), 'utf8')) as LanguageConfiguration;
}

describe('package.json wiring', () => {
  test('contributes the systemtap language with .stp and .stpm', () => {
    assert.ok(language, 'no language with id "systemtap"');
    assert.ok(language.extensions?.includes('.stp'));
    assert.ok(language.extensions?.includes('.stpm'));
  });

  test('the grammar path exists and its scopeName matches', () => {
    assert.ok(grammarEntry, 'no grammar for language "systemtap"');
    const path = join(repoRoot, grammarEntry.path);
    assert.ok(existsSync(path), `${grammarEntry.path} does not exist`);
    const grammar = JSON.parse(readFileSync(path, 'utf8')) as { scopeName: string };
    assert.equal(grammar.scopeName, grammarEntry.scopeName);
    assert.equal(grammarEntry.scopeName, 'source.systemtap');
  });

  test('embedded C is mapped to the c language under the scope the grammar uses', () => {
    assert.equal(grammarEntry?.embeddedLanguages?.['meta.embedded.block.c'], 'c');
    const text = readFileSync(join(repoRoot, grammarEntry!.path), 'utf8');
    assert.match(text, /"contentName": "meta\.embedded\.block\.c"/);
  });

  test('the language configuration path exists and parses as JSON', () => {
    assert.ok(language?.configuration);
    assert.ok(existsSync(join(repoRoot, language.configuration)), `${language.configuration} does not exist`);
    assert.doesNotThrow(readConfiguration);
  });
});

describe('language configuration', () => {
  test('comments: // line comments and /* */ blocks', () => {
    const cfg = readConfiguration();
    assert.equal(cfg.comments.lineComment, '//');
    assert.deepEqual(cfg.comments.blockComment, ['/*', '*/']);
  });

  test('brackets, auto-closing and surrounding pairs include %{ %} and %( %)', () => {
    const cfg = readConfiguration();
    for (const pair of [['{', '}'], ['[', ']'], ['(', ')'], ['%{', '%}'], ['%(', '%)']]) {
      assert.ok(cfg.brackets.some((b) => b[0] === pair[0] && b[1] === pair[1]), `brackets lack ${pair.join(' ')}`);
    }
    const closes = new Map(cfg.autoClosingPairs.map((p) => [p.open, p.close]));
    assert.equal(closes.get('%{'), '%}');
    assert.equal(closes.get('"'), '"');
    assert.equal(closes.get('{'), '}');
    assert.ok(cfg.surroundingPairs.some((p) => p[0] === '"'));
  });

  test('every regular expression is a valid JavaScript RegExp', () => {
    const cfg = readConfiguration();
    const sources = [
      cfg.wordPattern,
      cfg.folding.markers.start,
      cfg.folding.markers.end,
      cfg.indentationRules.increaseIndentPattern,
      cfg.indentationRules.decreaseIndentPattern,
      ...(cfg.onEnterRules ?? []).flatMap((r) => [r.beforeText, r.afterText, r.previousLineText]),
    ].filter((s): s is string => s !== undefined);
    for (const s of sources) assert.doesNotThrow(() => new RegExp(s), s);
  });

  test('wordPattern keeps $var, $$vars, @name, $1 and $# as one word', () => {
    const word = new RegExp(readConfiguration().wordPattern, 'g');
    const words = (s: string) => s.match(word) ?? [];
    assert.deepEqual(words('print($$vars, $var$, @cast(p), @choose_defined(x), $1, @2, $#, @#, x_1)'), [
      'print', '$$vars', '$var', '@cast', 'p', '@choose_defined', 'x', '$1', '@2', '$#', '@#', 'x_1',
    ]);
    assert.deepEqual(words('$p->field[0x1f]'), ['$p', 'field', '0x1f']);
  });

  test('indentation rules', () => {
    const { increaseIndentPattern, decreaseIndentPattern } = readConfiguration().indentationRules;
    const inc = new RegExp(increaseIndentPattern);
    const dec = new RegExp(decreaseIndentPattern);
    for (const line of ['probe begin {', 'function f:long (x:long) %{', '  foo(a,', '%( arch == "x86_64" %?', '%:']) {
      assert.match(line, inc);
    }
    for (const line of ['probe begin { x = 1 }', '  x = "{"', '// {', '%( arch == "x" %? 1 %: 2 %)']) {
      assert.doesNotMatch(line, inc);
    }
    for (const line of ['}', '  )', '%}', '%)', '%:']) assert.match(line, dec);
    assert.doesNotMatch('  x = 1 }', dec);
  });

  test('folding markers for %{ %}, multi-line %( %) and region comments', () => {
    const { start, end } = readConfiguration().folding.markers;
    const s = new RegExp(start);
    const e = new RegExp(end);
    for (const line of ['%{', 'function f() %{ /* pure */', '%( kernel_v >= "2.6" %?', '// region helpers', '# #region']) {
      assert.match(line, s);
    }
    for (const line of ['x = %{ HZ %}', '  %( $# > 1 %? a %: b %)']) assert.doesNotMatch(line, s);
    for (const line of ['%}', '%)', '  %)', '// endregion']) assert.match(line, e);
  });
});
