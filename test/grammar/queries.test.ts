/**
 * Loads each tree-sitter query in grammar/queries/ (highlights, injections, locals, tags,
 * folds) with web-tree-sitter against the wasm grammar, checks the captures each produces on
 * test-fixtures/queries/sample.stp, and runs all five over every installed tapset and example
 * script (none may throw; highlights must capture something in every file).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { Query, type QueryCapture, type QueryMatch } from 'web-tree-sitter';

import { createParser, loadLanguage, type Language, type Node, type Parser, type Tree } from '../../server/src/syntax/parser';
import { exampleFiles, INSTALL_HINT, tapsetFiles } from '../helpers/installed';

const ROOT = join(__dirname, '..', '..');
const QUERY_DIR = join(ROOT, 'grammar', 'queries');
const FIXTURE = join(ROOT, 'test-fixtures', 'queries', 'sample.stp');
const QUERY_NAMES = ['highlights', 'injections', 'locals', 'tags', 'folds'] as const;
type QueryName = (typeof QUERY_NAMES)[number];

/** The capture names highlights.scm may use (the common tree-sitter set). */
const HIGHLIGHT_NAMES = new Set([
  'keyword', 'keyword.directive', 'function', 'function.call', 'function.builtin',
  'function.macro', 'variable', 'variable.parameter', 'variable.builtin', 'property', 'constant',
  'string', 'string.escape', 'number', 'comment', 'operator', 'punctuation.bracket',
  'punctuation.delimiter', 'embedded', 'type', 'preproc',
]);

let language: Language;
let parser: Parser;
const compiled = new Map<QueryName, Query>();
let source: string;
let tree: Tree;

/** The compiled query `name` (compiled on first use; throws if the .scm does not compile). */
function query(name: QueryName): Query {
  let q = compiled.get(name);
  if (!q) {
    q = new Query(language, querySource(name));
    compiled.set(name, q);
  }
  return q;
}
function querySource(name: QueryName): string {
  return readFileSync(join(QUERY_DIR, `${name}.scm`), 'utf8');
}

/** The row and column of the `nth` (1-based) occurrence of `needle` in `text`. */
function locate(text: string, needle: string, nth = 1): { row: number; column: number } {
  let index = -1;
  for (let i = 0; i < nth; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `fixture has no occurrence ${nth} of ${JSON.stringify(needle)}`);
  }
  const before = text.slice(0, index).split('\n');
  return { row: before.length - 1, column: before[before.length - 1].length };
}

function contains(node: Node, p: { row: number; column: number }): boolean {
  const s = node.startPosition;
  const e = node.endPosition;
  const afterStart = p.row > s.row || (p.row === s.row && p.column >= s.column);
  const beforeEnd = p.row < e.row || (p.row === e.row && p.column < e.column);
  return afterStart && beforeEnd;
}

function depth(node: Node): number {
  let d = 0;
  for (let n = node.parent; n; n = n.parent) d++;
  return d;
}

/**
 * The highlight the tree-sitter CLI would show at the `nth` occurrence of `needle`: the capture
 * on the innermost node there, and of several patterns on that node the last one.
 */
function highlightAt(needle: string, nth = 1): string | undefined {
  const point = locate(source, needle, nth);
  const candidates = query('highlights').captures(tree.rootNode).filter((c) => contains(c.node, point));
  candidates.sort((a, b) =>
    (a.node.endIndex - a.node.startIndex) - (b.node.endIndex - b.node.startIndex)
    || depth(b.node) - depth(a.node)
    || b.patternIndex - a.patternIndex);
  return candidates[0]?.name;
}

/** The captures called `name` whose node starts at the `nth` occurrence of `needle`. */
function capturesAt(captures: QueryCapture[], name: string, needle: string, nth = 1): QueryCapture[] {
  const point = locate(source, needle, nth);
  return captures.filter((c) => c.name === name
    && c.node.startPosition.row === point.row && c.node.startPosition.column === point.column);
}

before(async () => {
  language = await loadLanguage();
  parser = await createParser();
  source = readFileSync(FIXTURE, 'utf8');
  const parsed = parser.parse(source);
  assert.ok(parsed, 'no tree for the fixture');
  tree = parsed;
  assert.equal(tree.rootNode.hasError, false, 'the fixture must parse without errors');
});

describe('query files compile against the wasm grammar', () => {
  for (const name of QUERY_NAMES) {
    test(`${name}.scm`, () => {
      assert.ok(query(name).patternCount() > 0);
    });
  }
});

describe('highlights.scm', () => {
  test('uses only the common capture names', () => {
    const unknown = query('highlights').captureNames.filter((n) => !HIGHLIGHT_NAMES.has(n));
    assert.deepEqual(unknown, []);
  });

  test('keywords, types and literals', () => {
    assert.equal(highlightAt('probe kernel'), 'keyword');
    assert.equal(highlightAt('function scale:'), 'keyword');
    assert.equal(highlightAt('global'), 'keyword');
    assert.equal(highlightAt('foreach'), 'keyword');
    assert.equal(highlightAt('limit'), 'keyword');
    assert.equal(highlightAt('try'), 'keyword');
    assert.equal(highlightAt('catch'), 'keyword');
    assert.equal(highlightAt('return result'), 'keyword');
    assert.equal(highlightAt('long (value'), 'type');
    assert.equal(highlightAt('"vfs_read"'), 'string');
    assert.equal(highlightAt('\\n"'), 'string.escape');
    assert.equal(highlightAt('100]'), 'number');
    assert.equal(highlightAt('# Fixture'), 'comment');
    assert.equal(highlightAt(' * several'), 'comment');
  });

  test('functions, calls, builtins and parameters', () => {
    assert.equal(highlightAt('scale:long'), 'function');
    assert.equal(highlightAt('value:long'), 'variable.parameter');
    assert.equal(highlightAt('factor)'), 'variable.parameter');
    assert.equal(highlightAt('scale(bytes'), 'function.call');
    assert.equal(highlightAt('execname()'), 'function.call');
    assert.equal(highlightAt('printf'), 'function.builtin');
    assert.equal(highlightAt('println'), 'function.builtin');
    assert.equal(highlightAt('@count('), 'function.builtin');
  });

  test('target symbols, members, script arguments and variables', () => {
    assert.equal(highlightAt('$count }'), 'variable.builtin');
    assert.equal(highlightAt('$file'), 'variable.builtin');
    assert.equal(highlightAt('f_owner'), 'property');
    // A keyword as a member name is still a member.
    assert.equal(highlightAt('next'), 'property');
    assert.equal(highlightAt('@1'), 'constant');
    assert.equal(highlightAt('total +='), 'variable');
    assert.equal(highlightAt('+='), 'operator');
    assert.equal(highlightAt('->'), 'operator');
  });

  test('probe points, foreach sort markers and punctuation', () => {
    assert.equal(highlightAt('kernel.function("vfs_read").return'), 'function');
    assert.equal(highlightAt('.return'), 'punctuation.delimiter');
    assert.equal(highlightAt('return,'), 'function');
    assert.equal(highlightAt('my.alias {'), 'function');
    assert.equal(highlightAt('-] in'), 'operator');
    assert.equal(highlightAt('{ bytes'), 'punctuation.bracket');
    assert.equal(highlightAt(', factor'), 'punctuation.delimiter');
  });

  test('preprocessor, macros and embedded C', () => {
    assert.equal(highlightAt('@define MAX'), 'keyword.directive');
    assert.equal(highlightAt('MAX %('), 'function.macro');
    assert.equal(highlightAt('%( kernel_v'), 'keyword.directive');
    assert.equal(highlightAt('%?'), 'keyword.directive');
    assert.equal(highlightAt('%:'), 'keyword.directive');
    assert.equal(highlightAt('kernel_v'), 'variable.builtin');
    assert.equal(highlightAt('x) %('), 'variable.parameter');
    assert.equal(highlightAt('@twice'), 'function.macro');
    assert.equal(highlightAt('@MAX'), 'function.macro');
    assert.equal(highlightAt('STAP_RETVALUE'), 'embedded');
  });

  test('a token_sequence fallback stays unhighlighted', () => {
    const point = locate(source, 'if (total');
    assert.equal(tree.rootNode.descendantForPosition(point)?.type, 'token_sequence');
    assert.equal(highlightAt('if (total'), undefined);
    assert.equal(highlightAt('arch'), 'variable.builtin');
  });
});

describe('injections.scm', () => {
  test('embedded code is injected as C, with #offset! trimming the %{ %} delimiters', () => {
    const matches = query('injections').matches(tree.rootNode);
    assert.equal(matches.length, 1);
    const [match] = matches;
    assert.equal(match.setProperties?.['injection.language'], 'c');
    const content = match.captures.find((c) => c.name === 'injection.content');
    assert.ok(content);
    assert.equal(content.node.type, 'embedded_code');
    assert.equal(content.node.text, '%{ STAP_RETVALUE = 1; %}');
    // web-tree-sitter does not apply #offset!; it reports it for the caller to apply.
    const offset = query('injections').predicatesForPattern(match.patternIndex)
      .find((p) => p.operator === 'offset!');
    assert.ok(offset, 'the #offset! directive is reported');
    const args = offset.operands.map((o) => (o.type === 'capture' ? `@${o.name}` : o.value));
    assert.deepEqual(args, ['@injection.content', '0', '2', '0', '-2']);
    const [, startRow, startColumn, endRow, endColumn] = args.map(Number);
    assert.equal(startRow, 0);
    assert.equal(endRow, 0);
    assert.equal(content.node.text.slice(startColumn, content.node.text.length + endColumn),
      ' STAP_RETVALUE = 1; ');
  });
});

describe('locals.scm', () => {
  let captures: QueryCapture[];
  before(() => {
    captures = query('locals').captures(tree.rootNode);
  });

  /** The definition a reference resolves to: the latest earlier one in its enclosing scopes. */
  function resolve(reference: Node): Node | undefined {
    const scopes = captures.filter((c) => c.name === 'local.scope').map((c) => c.node);
    const definitions = captures.filter((c) => c.name === 'local.definition').map((c) => c.node);
    for (let scope = reference.parent; scope; scope = scope.parent) {
      if (!scopes.some((s) => s.equals(scope!))) continue;
      const inScope = definitions.filter((d) => d.text === reference.text
        && d.startIndex >= scope!.startIndex && d.endIndex <= scope!.endIndex
        && d.startIndex < reference.startIndex);
      if (inScope.length) return inScope[inScope.length - 1];
    }
    return undefined;
  }

  test('probes, aliases, functions and macros are scopes; blocks and loops are not', () => {
    const types = new Set(captures.filter((c) => c.name === 'local.scope').map((c) => c.node.type));
    assert.deepEqual([...types].sort(),
      ['function_declaration', 'macro_definition', 'probe_alias_declaration', 'probe_declaration']);
  });

  test('a parameter is defined once and its use in the body resolves to it', () => {
    const [definition] = capturesAt(captures, 'local.definition', 'factor)');
    assert.ok(definition, 'parameter `factor` is a definition');
    assert.equal(definition.node.parent?.type, 'parameter');
    const [reference] = capturesAt(captures, 'local.reference', 'factor > 0');
    assert.ok(reference, '`factor` in the body is a reference');
    assert.ok(resolve(reference.node)?.equals(definition.node));
  });

  test('a local first assigned inside an if block resolves after the block', () => {
    const [reference] = capturesAt(captures, 'local.reference', 'result\n');
    assert.ok(reference);
    const definition = resolve(reference.node);
    assert.ok(definition);
    assert.equal(definition.parent?.type, 'assignment_expression');
  });

  test('foreach keys, the catch variable and macro parameters are definitions', () => {
    assert.equal(capturesAt(captures, 'local.definition', 'name-]').length, 1);
    assert.equal(capturesAt(captures, 'local.definition', 'msg)').length, 1);
    assert.equal(capturesAt(captures, 'local.definition', 'x) %(').length, 1);
    const [use] = capturesAt(captures, 'local.reference', 'name, @count');
    assert.ok(use);
    assert.equal(resolve(use.node)?.parent?.type, 'foreach_variable');
  });

  test('function, member and probe-point names are not references', () => {
    assert.deepEqual(capturesAt(captures, 'local.reference', 'scale(bytes'), []);
    assert.deepEqual(capturesAt(captures, 'local.reference', 'f_owner'), []);
    assert.deepEqual(capturesAt(captures, 'local.reference', 'kernel_v'), []);
    assert.equal(capturesAt(captures, 'local.reference', 'bytes, @1').length, 1);
  });
});

describe('tags.scm', () => {
  function tags(): string[] {
    const out: string[] = [];
    for (const match of query('tags').matches(tree.rootNode) as QueryMatch[]) {
      const kind = match.captures.find((c) => /^(definition|reference)\./.test(c.name));
      const name = match.captures.find((c) => c.name === 'name');
      assert.ok(kind && name, `pattern ${match.patternIndex} has a kind and a name`);
      out.push(`${kind.name} ${name.node.text}`);
    }
    return out;
  }

  test('functions, probe aliases, macros, globals and calls', () => {
    const found = tags();
    for (const expected of [
      'definition.function scale',
      'definition.function ptr_pid',
      'definition.module my.alias',
      'definition.macro MAX',
      'definition.macro twice',
      'definition.variable counts',
      'definition.variable total',
      'reference.call scale',
      'reference.call execname',
      'reference.call printf',
    ]) {
      assert.ok(found.includes(expected), `missing tag ${expected} in ${JSON.stringify(found)}`);
    }
    // The alias is defined in both branches of its %( %) conditional.
    assert.equal(found.filter((t) => t === 'definition.module my.alias').length, 2);
    // Macro invocations and @-operators are not calls.
    assert.ok(!found.some((t) => t.startsWith('reference.call @')));
  });

  test('a doc comment before a function is captured as @doc', () => {
    const match = query('tags').matches(tree.rootNode)
      .find((m) => m.captures.some((c) => c.name === 'name' && c.node.text === 'scale'
        && c.node.parent?.type === 'function_declaration'));
    const doc = match?.captures.find((c) => c.name === 'doc');
    assert.ok(doc?.node.text.startsWith('/** sfunction scale'));
  });
});

describe('folds.scm', () => {
  let folds: Node[];
  before(() => {
    folds = query('folds').captures(tree.rootNode).filter((c) => c.name === 'fold').map((c) => c.node);
  });

  function foldAt(type: string, needle: string): Node | undefined {
    const p = locate(source, needle);
    return folds.find((n) => n.type === type
      && n.startPosition.row === p.row && n.startPosition.column === p.column);
  }

  test('the probe body, function body and inner blocks fold', () => {
    const body = foldAt('block', '{\n  counts');
    assert.ok(body, 'probe body folds');
    assert.equal(body.parent?.type, 'probe_declaration');
    assert.ok(body.endPosition.row - body.startPosition.row >= 7);
    assert.ok(foldAt('block', '{\n  if (factor'), 'function body folds');
    assert.ok(foldAt('block', '{ result = value *'), 'an inner block folds');
  });

  test('a preprocessor conditional, macros, embedded C and block comments fold', () => {
    const conditional = foldAt('preproc_conditional', '%( kernel_v');
    assert.ok(conditional);
    assert.equal(conditional.endPosition.row - conditional.startPosition.row, 4);
    assert.ok(foldAt('macro_definition', '@define MAX'));
    assert.ok(foldAt('embedded_code', '%{'));
    assert.ok(foldAt('comment', '/*\n'));
    assert.equal(foldAt('comment', '# Fixture'), undefined, 'line comments do not fold');
  });
});

describe('queries over the installed tapsets and examples', () => {
  test('no query throws, and highlights captures something in every file', (t) => {
    const files = [...tapsetFiles(), ...exampleFiles()];
    assert.ok(files.length > 700, `expected the installed tapsets and examples: ${INSTALL_HINT}`);
    const empty: string[] = [];
    const totals = Object.fromEntries(QUERY_NAMES.map((n) => [n, 0])) as Record<QueryName, number>;
    for (const file of files) {
      const parsed = parser.parse(readFileSync(file, 'latin1'));
      assert.ok(parsed, `no tree for ${file}`);
      try {
        for (const name of QUERY_NAMES) {
          let captures: QueryCapture[];
          try {
            captures = query(name).captures(parsed.rootNode);
          } catch (error) {
            assert.fail(`${name}.scm throws on ${file}: ${String(error)}`);
          }
          assert.equal(query(name).didExceedMatchLimit(), false, `${name}.scm hit the match limit on ${file}`);
          totals[name] += captures.length;
          if (name === 'highlights' && captures.length === 0) empty.push(file);
        }
      } finally {
        parsed.delete();
      }
    }
    t.diagnostic(`${files.length} files; captures: ${JSON.stringify(totals)}`);
    assert.deepEqual(empty, [], 'files without a single highlight');
  });
});
