/**
 * The pass-1 diagnostic printer (server/src/passes/parse/report.ts, mirroring session.cxx
 * `print_error`/`print_warning`) on hand-made ParseErrors and warnings. The expected texts are
 * what stap 4.8 printed for the same situations (the scripts are in the comments).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ParseError } from '../../server/src/passes/parse/errors';
import { formatParseError, parseErrorCount, Reporter, sourceLine } from '../../server/src/passes/parse/report';
import type { SourceFile, Token, TokenType } from '../../server/src/passes/parse/token';

function tok(file: SourceFile, type: TokenType, content: string, line: number, column: number, chain?: Token): Token {
  return { type, content, location: { file, line, column }, chain };
}

const reporter = (verbose = 0, suppressWarnings = false) => new Reporter({ verbose, suppressWarnings });

describe('parse error blocks', () => {
  // probe begin { x = }
  const f: SourceFile = { name: 'perr.stp', text: 'probe begin { x = }\n' };
  test('saw: with source line and caret', () => {
    const e = new ParseError('expected literal string or number', tok(f, 'operator', '}', 1, 19), 'parse_literal');
    assert.equal(
      formatParseError(e, f),
      'parse error: expected literal string or number\n' +
        "        saw: operator '}' at perr.stp:1:19\n" +
        '     source: probe begin { x = }\n' +
        '                               ^\n\n',
    );
  });

  test('at: for an error carrying its own token; keywords and embedded code show no content', () => {
    const g: SourceFile = { name: 'a.stp', text: 'x\n\tfoo %{ c %}\n' };
    const e = new ParseError('embedded code in unprivileged script; need stap -g', tok(g, 'embedded-code', ' c ', 2, 6), 's', true);
    assert.equal(
      formatParseError(e, g),
      'parse error: embedded code in unprivileged script; need stap -g\n' +
        '         at: embedded-code at a.stp:2:6\n' +
        '     source: \tfoo %{ c %}\n' +
        '             \t    ^\n\n',
    );
  });

  test('tabs before the column are copied into the caret line', () => {
    // "\treturn @const(...)": the caret under '(' at column 15 keeps the leading tab.
    const g: SourceFile = { name: 'c.stp', text: '\treturn @const("x")\n' };
    const e = new ParseError("expected 'probe', 'global', 'private', 'function', or '%{'", tok(g, 'operator', '(', 1, 15), 's');
    assert.match(formatParseError(e, g), /\n {5}source: \treturn @const\("x"\)\n {13}\t {13}\^\n\n$/);
  });

  test('end of input: `saw: NAME EOF` and no source line', () => {
    const g: SourceFile = { name: '<input>', text: 'probe begin {' };
    assert.equal(formatParseError(new ParseError('expected statement', undefined, 's'), g), 'parse error: expected statement\n        saw: <input> EOF\n\n');
  });

  test('non-printable characters in the token show as ?', () => {
    const g: SourceFile = { name: 'j.stp', text: 'probe begin { \x01 }\n' };
    const e = new ParseError('expected statement', tok(g, 'junk', '\x01', 1, 15), 's', true);
    assert.match(formatParseError(e, g), /at: junk '\?' at j\.stp:1:15\n/);
  });

  test('macro expansion chain: one `in expansion of macro:` block per level', () => {
    // @define foo(a) %( @a %)
    // probe begin { x = @foo(]) }
    const g: SourceFile = { name: 'mac4.stp', text: '@define foo(a) %( @a %)\nprobe begin { x = @foo(]) }\n' };
    const foo = tok(g, 'operator', '@foo', 2, 19);
    const a = tok(g, 'operator', '@a', 1, 19, foo);
    const e = new ParseError('expected literal string or number', tok(g, 'operator', ']', 2, 24, a), 's');
    assert.equal(
      formatParseError(e, g),
      'parse error: expected literal string or number\n' +
        "        saw: operator ']' at mac4.stp:2:24\n" +
        '     source: probe begin { x = @foo(]) }\n' +
        '                                    ^\n' +
        "\tin expansion of macro: operator '@a' at mac4.stp:1:19\n" +
        '     source: @define foo(a) %( @a %)\n' +
        '                               ^\n' +
        "\tin expansion of macro: operator '@foo' at mac4.stp:2:19\n" +
        '     source: probe begin { x = @foo(]) }\n' +
        '                               ^\n\n',
    );
  });

  test('N parse error(s).', () => {
    assert.equal(parseErrorCount(1), '1 parse error.\n');
    assert.equal(parseErrorCount(4), '4 parse errors.\n');
  });

  test('sourceLine', () => {
    const g: SourceFile = { name: 'x', text: 'a\nb\n\nd' };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => sourceLine(g, n)), ['a', 'b', '', 'd', undefined]);
  });
});

describe('session-wide reporting', () => {
  // two.stp: the same parser site twice, another site, and the first site again.
  const f: SourceFile = { name: 'two.stp', text: 'probe begin { x = }\nprobe begin { f( }\nfunction (\nprobe end { x = }\n' };
  const errors = [
    new ParseError('expected literal string or number', tok(f, 'operator', '}', 1, 19), 'literal'),
    new ParseError('expected literal string or number', tok(f, 'operator', '}', 2, 18), 'literal'),
    new ParseError('expected identifier', tok(f, 'operator', '(', 3, 10), 'ident'),
    new ParseError('expected literal string or number', tok(f, 'operator', '}', 4, 17), 'literal'),
  ];

  test('errors from the same site are suppressed without -v and counted', () => {
    const r = reporter();
    errors.forEach((e) => r.parseError(e, f));
    r.write(parseErrorCount(4));
    r.reportSuppression();
    assert.equal(
      r.text,
      'parse error: expected literal string or number\n' +
        "        saw: operator '}' at two.stp:1:19\n" +
        '     source: probe begin { x = }\n' +
        '                               ^\n\n' +
        'parse error: expected identifier\n' +
        "        saw: operator '(' at two.stp:3:10\n" +
        '     source: function (\n' +
        '                      ^\n\n' +
        '4 parse errors.\n' +
        'Number of similar error messages suppressed: 2.\n' +
        'Rerun with -v to see them.\n',
    );
    assert.equal(r.errorCount, 4);
  });

  test('-v prints every error and reports no suppression', () => {
    const r = reporter(1);
    errors.forEach((e) => r.parseError(e, f));
    r.reportSuppression();
    assert.equal(r.text.match(/^parse error:/gm)?.length, 4);
    assert.doesNotMatch(r.text, /suppressed/);
  });

  test('parse errors always name the file', () => {
    const r = reporter();
    r.parseError(errors[0], f);
    r.parseError(errors[2], f);
    assert.equal(r.text.match(/at two\.stp:/g)?.length, 2);
  });

  test('a chained error prints as its own block right after', () => {
    const b: SourceFile = { name: '/t/b.stpm', text: '@define x %( 1 %)\n' };
    const c: SourceFile = { name: '/t/c.stpm', text: '@define x %( 1 %)\n' };
    const first = new ParseError("macro '@x' first defined here", tok(b, 'identifier', 'x', 1, 9), 'first', true);
    const e = Object.assign(new ParseError("duplicate definition of library macro '@x'", tok(c, 'identifier', 'x', 1, 9), 'dup', true), {
      chain: first,
    });
    const r = reporter();
    r.parseError(e, c);
    assert.equal(
      r.text,
      "parse error: duplicate definition of library macro '@x'\n" +
        "         at: identifier 'x' at /t/c.stpm:1:9\n" +
        '     source: @define x %( 1 %)\n' +
        '                     ^\n\n' +
        "parse error: macro '@x' first defined here\n" +
        "         at: identifier 'x' at /t/b.stpm:1:9\n" +
        '     source: @define x %( 1 %)\n' +
        '                     ^\n\n',
    );
  });
});

describe('warnings', () => {
  // w3.stp: @define min … / @define max …: the second warning drops the file name.
  const w: SourceFile = { name: 'w3.stp', text: '@define min %( 1 %)\n@define max %( 2 %)\n' };
  const minW = { message: "macro redefines built-in operator '@min'", token: tok(w, 'identifier', 'min', 1, 9) };
  const maxW = { message: "macro redefines built-in operator '@max'", token: tok(w, 'identifier', 'max', 2, 9) };

  test('layout and file-name abbreviation across messages', () => {
    const r = reporter();
    r.warning(minW);
    r.warning(maxW);
    assert.equal(
      r.text,
      "WARNING: macro redefines built-in operator '@min': identifier 'min' at w3.stp:1:9\n" +
        ' source: @define min %( 1 %)\n' +
        '                 ^\n' +
        "WARNING: macro redefines built-in operator '@max': identifier 'max' at :2:9\n" +
        ' source: @define max %( 2 %)\n' +
        '                 ^\n',
    );
  });

  test('a token from another file prints its name again; parse errors do not reset the state', () => {
    const other: SourceFile = { name: '<input1>', text: '@define max %( 2 %) probe begin { }' };
    const r = reporter();
    r.warning(minW);
    r.parseError(new ParseError('expected literal string or number', tok(w, 'operator', '}', 2, 19), 's'), w);
    r.warning({ message: maxW.message, token: tok(other, 'identifier', 'max', 1, 9) });
    assert.match(r.text, /identifier 'max' at <input1>:1:9\n/);
  });

  test('a file that shares the identity of a failed one is abbreviated (stap reuses its memory)', () => {
    // w6.stp fails to parse; the -E script's stapfile then has the same address in stap.
    const other: SourceFile = { name: '<input1>', text: '@define max %( 2 %) probe begin { }' };
    const r = reporter();
    r.warning(minW);
    r.shareIdentity(other, w);
    r.warning({ message: maxW.message, token: tok(other, 'identifier', 'max', 1, 9) });
    assert.match(r.text, /identifier 'max' at :1:9\n/);
  });

  test('warnings without a token, de-duplication by text, -w', () => {
    const r = reporter();
    r.warning({ message: 'tapset "/t/b.stp" has errors, and will be skipped' });
    r.warning({ message: 'tapset "/t/b.stp" has errors, and will be skipped' });
    assert.equal(r.text, 'WARNING: tapset "/t/b.stp" has errors, and will be skipped\n');
    const quiet = reporter(0, true);
    quiet.warning(minW);
    quiet.warning({ message: 'x' });
    assert.equal(quiet.text, '');
  });
});
