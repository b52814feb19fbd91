/**
 * Unit tests of the pass-1 lexer (server/src/passes/parse/lexer.ts, parse.cxx `lexer::scan`):
 * token kinds, contents and locations, command-line argument substitution and junk. Every
 * expectation was checked against stap 4.8 (`-p1` dumps and error messages of small scripts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  ateWhitespaceBefore,
  JUNK_NESTED_ARG,
  JUNK_UNCLOSED_EMBEDDED,
  JUNK_UNCLOSED_QUOTE,
  Lexer,
  lexCastQstring,
  type LexerOptions,
} from '../../server/src/passes/parse/lexer';
import type { Token } from '../../server/src/passes/parse/token';

function tokens(text: string, options: Partial<LexerOptions> = {}): Token[] {
  const lexer = new Lexer({ name: 'x.stp', text }, { args: [], compatible: '4.8', ...options });
  const out: Token[] = [];
  for (let t = lexer.next(); t; t = lexer.next()) out.push(t);
  return out;
}

/** `type:content@line:column` for each token. */
function lex(text: string, options: Partial<LexerOptions> = {}): string[] {
  return tokens(text, options).map((t) => `${t.type}:${t.content}@${t.location.line}:${t.location.column}`);
}

describe('lexer: token kinds and contents', () => {
  test('identifiers, keywords, @-words and $-words', () => {
    assert.deepEqual(lex('probe foo_1 $x $$parms$ @cast @my_macro @ $'), [
      'keyword:probe@1:1',
      'identifier:foo_1@1:7',
      'identifier:$x@1:13',
      'identifier:$$parms$@1:16',
      'operator:@cast@1:25',
      'operator:@my_macro@1:31',
      'operator:@@1:41',
      'identifier:$@1:43',
    ]);
  });

  test('all keywords; string and long are keywords too', () => {
    const words = 'probe global function if else for foreach in limit return delete while break continue next string long try catch';
    assert.ok(tokens(words).every((t) => t.type === 'keyword'));
  });

  test('private is a keyword only from --compatible 3.0', () => {
    assert.deepEqual(lex('private', { compatible: '3.0' }), ['keyword:private@1:1']);
    assert.deepEqual(lex('private', { compatible: '2.9' }), ['identifier:private@1:1']);
  });

  test('numbers are a digit and any alphanumerics, checked later by the parser', () => {
    assert.deepEqual(lex('0x1F 08 1x2y 12_3'), [
      'number:0x1F@1:1',
      'number:08@1:6',
      'number:1x2y@1:9',
      'number:12@1:14',
      'identifier:_3@1:16',
    ]);
  });

  test('string escapes: some stay two characters, others lose the backslash', () => {
    const [t] = tokens(String.raw`"\a\b\t\n\v\f\r\\\0\7\x41\"\q\%"`);
    assert.equal(t.type, 'string');
    assert.equal(t.content, String.raw`\a\b\t\n\v\f\r\\\0\7\x41"q%`);
  });

  test('\\x stays escaped only from --compatible 2.3', () => {
    assert.equal(tokens(String.raw`"\x41"`, { compatible: '2.2' })[0].content, 'x41');
    assert.equal(tokens(String.raw`"\x41"`, { compatible: '2.3' })[0].content, String.raw`\x41`);
  });

  test('a backslash before a newline keeps the string open', () => {
    assert.deepEqual(lex('"a\\\nb" x'), ['string:a\nb@1:1', 'identifier:x@2:4']);
  });

  test('embedded C is one token with the text between the delimiters', () => {
    assert.deepEqual(lex('%{ int x; %}%{%}'), ['embedded-code: int x; @1:1', 'embedded-code:@1:13']);
  });

  test('operators, longest match first', () => {
    assert.deepEqual(
      tokens('<<< >>> <<= >>= <<= == != <= >= =~ !~ += -= *= /= %= &= ^= |= .= && || ++ -- -> << >> %( %? %: %) >>>=').map(
        (t) => t.content,
      ),
      '<<< >>> <<= >>= <<= == != <= >= =~ !~ += -= *= /= %= &= ^= |= .= && || ++ -- -> << >> %( %? %: %) >>> ='.split(' '),
    );
    assert.deepEqual(lex('a-->b'), ['identifier:a@1:1', 'operator:--@1:2', 'operator:>@1:4', 'identifier:b@1:5']);
  });

  test('any other punctuation is a one-character operator, even ` and \\', () => {
    const text = "` \\ ' { } ( ) [ ] , ; : ? . + - * / % < > = ! ~ & | ^";
    const ts = tokens(text);
    assert.deepEqual(
      ts.map((t) => `${t.type} ${t.content}`),
      text.split(' ').map((c) => `operator ${c}`),
    );
  });

  test('other bytes are junk shown as \\xNN, without a message of their own', () => {
    const ts = tokens('a \x01 \xc3\xa9 \x7f');
    assert.deepEqual(
      ts.map((t) => [t.type, t.content, t.junkMessage]),
      [
        ['identifier', 'a', undefined],
        ['junk', '\\x01', undefined],
        ['junk', '\\xc3', undefined],
        ['junk', '\\xa9', undefined],
        ['junk', '\\x7f', undefined],
      ],
    );
  });
});

describe('lexer: comments and locations', () => {
  test('#, // and /* */ comments are skipped; /* does not nest', () => {
    assert.deepEqual(lex('a # x\nb // y\nc /* z /* */ d */ e'), [
      'identifier:a@1:1',
      'identifier:b@2:1',
      'identifier:c@3:1',
      'identifier:d@3:14',
      'operator:*@3:16',
      'operator:/@3:17',
      'identifier:e@3:19',
    ]);
  });

  test('an unterminated block comment runs to the end of the file', () => {
    assert.deepEqual(lex('a /* b'), ['identifier:a@1:1']);
  });

  test('a tab counts as one column', () => {
    assert.deepEqual(lex('\t\tx\n\ty'), ['identifier:x@1:3', 'identifier:y@2:2']);
  });

  test('whether whitespace or a comment came before a token (for probe-point globs)', () => {
    const [a, star, b, star2, c] = tokens('a*b /**/* c');
    assert.equal(ateWhitespaceBefore(a), false);
    assert.equal(ateWhitespaceBefore(star), false);
    assert.equal(ateWhitespaceBefore(b), false);
    assert.equal(ateWhitespaceBefore(star2), true);
    assert.equal(ateWhitespaceBefore(c), true);
  });
});

describe('lexer: junk with a message', () => {
  test('an unterminated string is junk at the quote', () => {
    const [x, j] = tokens('x "abc\n"');
    assert.equal(x.content, 'x');
    assert.deepEqual([j.type, j.content, j.junkMessage, j.location.line, j.location.column], ['junk', '', JUNK_UNCLOSED_QUOTE, 1, 3]);
  });

  test('a string running into the end of input is junk too', () => {
    assert.equal(tokens('"abc')[0].junkMessage, JUNK_UNCLOSED_QUOTE);
    assert.equal(tokens('"abc\\')[0].junkMessage, JUNK_UNCLOSED_QUOTE);
  });

  test('unterminated embedded C is junk at the %{', () => {
    const [j] = tokens('\n  %{ x }');
    assert.deepEqual([j.type, j.content, j.junkMessage, j.location.line, j.location.column], ['junk', '', JUNK_UNCLOSED_EMBEDDED, 2, 3]);
  });

  test('}% inside embedded C warns, once per occurrence, with the embedded token', () => {
    const warnings: string[] = [];
    const ts = tokens('%{ a }% b }% %}', { warn: (m, t) => warnings.push(`${m} ${t.type}@${t.location.column}`) });
    assert.equal(ts[0].content, ' a }% b }% ');
    assert.deepEqual(warnings, Array(2).fill("possible erroneous closing '}%', use '%}'? embedded-code@1"));
  });
});

describe('lexer: command-line arguments', () => {
  const args = ['1 + )', 'a"b', 'c'];

  test('$N pastes the raw text, lexed as tokens located at the $N', () => {
    assert.deepEqual(lex('x = $1 y', { args }), [
      'identifier:x@1:1',
      'operator:=@1:3',
      'number:1@1:5',
      'operator:+@1:5',
      'operator:)@1:5',
      'identifier:y@1:8',
    ]);
  });

  test('a newline inside an argument does not move the location either', () => {
    assert.deepEqual(lex('$1 z', { args: ['a\nb'] }), ['identifier:a@1:1', 'identifier:b@1:1', 'identifier:z@1:4']);
  });

  test('after an empty $N the cursor stays put at the $N: later columns are off by its length', () => {
    assert.deepEqual(lex('probe $1 { }\nx', { args: [''] }), ['keyword:probe@1:1', 'operator:{@1:8', 'operator:}@1:10', 'identifier:x@2:1']);
    assert.deepEqual(lex('@1 x', { args: [''] }), ['string:@1:1', 'identifier:x@1:4']);
  });

  test('@N pastes a quoted string', () => {
    assert.deepEqual(lex('@2', { args }), ['string:a"b@1:1']);
  });

  test('$# and @# give the argument count', () => {
    assert.deepEqual(lex('$# @#', { args }), ['number:3@1:1', 'string:3@1:4']);
  });

  test('pasted text runs on into what follows it', () => {
    assert.deepEqual(lex('$3x $#x @#x', { args }), ['identifier:cx@1:1', 'number:3x@1:5', 'string:3@1:9', 'identifier:x@1:11']);
    assert.deepEqual(lex('$3$3', { args }), ['identifier:c$3@1:1']);
  });

  test('out of range: $0, past the end, and the digit loop stops once past the count', () => {
    for (const [text, column] of [
      ['$0', 1],
      ['$4', 1],
      ['x @12', 3],
    ] as const) {
      const [t] = tokens(text, { args }).filter((u) => u.type === 'junk');
      assert.deepEqual([t.content, t.junkMessage, t.location.column], ['', 'command line argument out of range [1-3]', column], text);
    }
    assert.deepEqual(lex('$123', { args: ['a'] }).slice(1), ['number:3@1:4']);
  });

  test('an argument that contains $N, @N, $# or @# is a nested substitution', () => {
    for (const arg of ['$1', '@1', '$#', 'x $5']) {
      const junk = tokens('y = $1', { args: [arg] }).find((t) => t.type === 'junk');
      assert.equal(junk?.junkMessage, JUNK_NESTED_ARG, arg);
      assert.equal(junk?.location.column, 5, arg);
    }
  });
});

test('lexCastQstring escapes \\ and " and writes other non-printables in octal', () => {
  assert.equal(lexCastQstring('a\tb"c\\d\x01\xe9~'), '"a\\011b\\"c\\\\d\\001\\351~"');
});
