/**
 * The pass-1 preprocessor (server/src/passes/parse/preprocess.ts, macros.ts, conditionals.ts):
 * macro definition and expansion, conditionals, their errors and the state they leave, and
 * `.stpm` library macro files. Every expectation here was observed with stap 4.8
 * (`stap -p1` on the same text); the comments say what stap printed.
 *
 * Text goes through the real lexer. A run pulls every token as stap's parser does, recording
 * each error and carrying on. When stap is installed, the last blocks run every text of this
 * file through it and compare, and check the whole installed tapset library.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ParseError, type TokenSource } from '../../server/src/passes/parse/errors';
import { Lexer } from '../../server/src/passes/parse/lexer';
import {
  ChainedParseError,
  FatalError,
  Preprocessor,
  builtinAtWords,
  collectLibraryMacros,
  evalPpConditional,
  type MacroDefinition,
} from '../../server/src/passes/parse/preprocess';
import { parseConfigNumber } from '../../server/src/passes/parse/conditionals';
import { formatToken, type SourceFile, type Token, type TokenType } from '../../server/src/passes/parse/token';
import type { Session, Target } from '../../server/src/session';
import { INSTALL_HINT, tapsetDir } from '../helpers/installed';
import { findStap, makeFakeKbuild, runStap } from '../helpers/stap';
import { pool } from '../helpers/pool';

// ---------------------------------------------------------------------------------------------
// Helpers

function session(target: Partial<Target> = {}, rest: Partial<Session> = {}): Session {
  return {
    target: {
      kernelRelease: '6.1.0-fake',
      kernelBaseRelease: '6.1.0',
      arch: 'x86_64',
      runtime: 'kernel',
      kernelConfig: new Map([
        ['CONFIG_X86_64', 'y'],
        ['CONFIG_KPROBES', 'y'],
        ['CONFIG_HZ', '250'],
        ['CONFIG_HEX', '0x10'],
        ['CONFIG_NEG', '-5'],
        ['CONFIG_STR', '"abc"'],
        ['CONFIG_NFSD', 'm'],
      ]),
      ...target,
    },
    compatible: '4.8',
    privilege: 'stapdev',
    guru: false,
    includePath: [],
    args: [],
    verbose: 0,
    lastPass: 1,
    suppressWarnings: false,
    warningsAsErrors: false,
    ...rest,
  };
}

/** stap's keywords, which the -p1 dump prints but which are not identifiers. */
const KEYWORDS = new Set(['probe', 'global', 'function', 'if', 'else', 'for', 'foreach', 'in', 'limit', 'return', 'delete', 'while', 'break', 'continue', 'next', 'string', 'long', 'try', 'catch', 'private']);

/** The real lexer over a file, as pass 1 runs it (no script arguments). */
function lex(file: SourceFile, compatible = '4.8'): TokenSource {
  return new Lexer(file, { args: [], compatible });
}

interface Outcome {
  /** Token contents joined by spaces. */
  out: string;
  tokens: Token[];
  /** Each error: `MESSAGE @ TOKEN` with ` [at]`/` [saw]`, then `| chain: TOKEN` lines. */
  errors: string[];
  raw: ParseError[];
  warnings: string[];
  pre: Preprocessor;
}

function describeError(e: ParseError): string {
  let s = `${e.message} @ ${e.token ? formatToken(e.token) : '(none)'} [${e.ownToken ? 'at' : 'saw'}]`;
  for (let t = e.token?.chain; t; t = t.chain) s += ` | in expansion of ${formatToken(t)}`;
  if (e instanceof ChainedParseError) s += ` || ${describeError(e.chain)}`;
  return s;
}

/** Runs text through the preprocessor as stap's parser pulls it: every token, every error. */
/**
 * Every text run with the default session, or with stap flags that give its session: the
 * last describe block runs each through stap and compares the preprocessor's diagnostics.
 */
const RUNS: { text: string; sess: Session; flags: string[] }[] = [];

function run(
  text: string,
  {
    sess,
    flags,
    library = new Map<string, MacroDefinition>(),
    name = 'a.stp',
  }: { sess?: Session; flags?: string[]; library?: Map<string, MacroDefinition>; name?: string } = {},
): Outcome {
  if (library.size === 0 && name === 'a.stp' && (sess === undefined || flags !== undefined)) RUNS.push({ text, sess: sess ?? session(), flags: flags ?? [] });
  sess ??= session();
  const file = { name, text };
  const pre = new Preprocessor(lex(file, sess.compatible), { session: sess, libraryMacros: library, file });
  const tokens: Token[] = [];
  const raw: ParseError[] = [];
  for (let guard = 0; guard < 100_000; guard++) {
    try {
      const t = pre.next();
      if (!t) break;
      tokens.push(t);
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      raw.push(e);
    }
  }
  return {
    out: tokens.map((t) => t.content).join(' '),
    tokens,
    errors: raw.map(describeError),
    raw,
    warnings: pre.warnings.map((w) => `${w.message}: ${w.token ? formatToken(w.token) : ''}`),
    pre,
  };
}

/** Library macros from `.stpm` texts, in order. Returns the table and each file's errors. */
/** Every set of `.stpm` texts read with the default session, for the comparison with stap. */
const LIBRARY_RUNS: Record<string, string>[] = [];

/**
 * Library macros from `.stpm` texts, read in name order as stap reads one directory (file names
 * get `dir` in front). Returns the table and each file's errors and warnings.
 */
function libraryOf(files: Record<string, string>, sess?: Session, dir = '') {
  if (!sess && !dir) LIBRARY_RUNS.push(files);
  sess ??= session();
  const into = new Map<string, MacroDefinition>();
  const errors: Record<string, string[]> = {};
  const warnings: string[] = [];
  for (const name of Object.keys(files).sort()) {
    const file = { name: dir + name, text: files[name] };
    const r = collectLibraryMacros(file, lex(file, sess.compatible), sess, into);
    errors[name] = r.errors.map(describeError);
    warnings.push(...r.warnings.map((w) => `${w.message}: ${w.token ? formatToken(w.token) : ''}`));
  }
  return { into, errors, warnings };
}

/** Session options a condition case needs; also the stap flags that give them. */
interface CondOptions {
  compatible?: string;
  arch?: string;
  runtime?: 'kernel' | 'bpf';
  privilege?: 'stapusr' | 'stapsys' | 'stapdev';
  guru?: boolean;
}

function condSession(o: CondOptions = {}): Session {
  return session(
    { ...(o.arch ? { arch: o.arch } : {}), ...(o.runtime ? { runtime: o.runtime } : {}) },
    { ...(o.compatible ? { compatible: o.compatible } : {}), ...(o.privilege ? { privilege: o.privilege } : {}), ...(o.guru ? { guru: true } : {}) },
  );
}

/** The stap options that make stap's session match `condSession(o)`. */
function stapFlags(o: CondOptions = {}): string[] {
  const flags: string[] = [];
  if (o.compatible) flags.push(`--compatible=${o.compatible}`);
  if (o.arch) flags.push('-a', o.arch);
  if (o.runtime) flags.push(`--runtime=${o.runtime}`);
  if (o.privilege) flags.push(`--privilege=${o.privilege}`);
  if (o.guru) flags.push('-g');
  return flags;
}

/** The value of `%( COND %? 1 %: 0 %)`, or its first error. */
function cond(condition: string, options: CondOptions = {}): string {
  const r = run(`%( ${condition} %? 1 %: 0 %)`, { sess: condSession(options), flags: stapFlags(options) });
  return r.errors.length ? r.errors[0] : r.out;
}

// ---------------------------------------------------------------------------------------------
// Macros

describe('macro definitions and expansion', () => {
  test('a macro without parameters expands in place; definitions leave nothing', () => {
    const r = run('@define foo %( 1 + 2 %) x = @foo');
    assert.equal(r.out, 'x = 1 + 2');
    assert.deepEqual(r.errors, []);
  });

  test('parameters are referenced as @name and substituted', () => {
    const r = run('@define add(a, b) %( (@a) + (@b) %) x = @add(1, 2)');
    assert.equal(r.out, 'x = ( 1 ) + ( 2 )');
  });

  test('the body keeps nested %( %) pairs, which the conditional pass then evaluates', () => {
    const r = run('@define p %( %( arch == "x86_64" %? private %) %) @p global g');
    assert.equal(r.out, 'private global g');
    assert.equal(run('@define p %( %( arch == "arm64" %? private %) %) @p global g').out, 'global g');
  });

  test('a macro can supply a whole condition, like tapset @_IS_SREG_KERNEL', () => {
    const body = '@define SREG %( arch == "x86_64" && kernel_vr >= "4.17.0" || arch == "arm64" && kernel_vr >= "4.19.0" %)';
    assert.equal(run(`${body} %( @SREG %? yes %: no %)`).out, 'yes');
    assert.equal(run(`${body} %( @SREG %? yes %: no %)`, { sess: session({ kernelRelease: '4.18.0', kernelBaseRelease: '4.18.0', arch: 'arm64' }) }).out, 'no');
  });

  test('arguments split on top-level commas; ( and [ share one depth; braces do not nest', () => {
    const two = '@define f(a, b) %( <@a> <@b> %)';
    assert.equal(run(`${two} @f([1,2],(3,4))`).out, '< [ 1 , 2 ] > < ( 3 , 4 ) >');
    // stap: `]` closes a `(` (one shared depth) …
    assert.deepEqual(run(`${two} @f((1,2]),3)`).errors, ["too few parameters for macro '@f' (expected 2) @ operator ')' at a.stp:1:41 [at]"]);
    // … a `]` at depth 0 is an ordinary token …
    assert.equal(run(`${two} @f(1],2)`).out, '< 1 ] > < 2 >');
    // … and braces are not brackets.
    assert.deepEqual(run(`${two} @f({1,2},3)`).errors, ["too many parameters for macro '@f' (expected 2) @ operator ',' at a.stp:1:41 [at]"]);
  });

  test('empty arguments are allowed', () => {
    assert.equal(run('@define f(a) %( <@a> %) @f()').out, '< >');
    assert.equal(run('@define f(a, b) %( <@a|@b> %) @f(,)').out, '< | >');
  });

  test('a parameterless macro invoked with ( leaves the parentheses', () => {
    // stap -p1: `x = @f(1)` with `@define f %( 7 %)` prints `(x) = (7);` and `1;`.
    assert.equal(run('@define f %( 7 %) x = @f(1)').out, 'x = 7 ( 1 )');
  });

  test('arguments are expanded lazily, in the scope of the caller', () => {
    // A parameter of the caller is visible in an argument …
    assert.equal(run('@define foo(a, b) %( @a + @b %) @define bar(b) %( @foo(@b, 5) %) x = @bar(7)').out, 'x = 7 + 5');
    // … a parameter of the callee is not: stap reports `unknown operator @b` (the parser does).
    assert.equal(run('@define foo(a, b) %( @a %) x = @foo(@b, 2)').out, 'x = @b');
    assert.equal(run('@define foo(a) %( @a %) @define bar(b) %( @foo(@foo(@b)) %) x = @bar(7)').out, 'x = 7');
  });

  test('a repeated parameter name means the last argument', () => {
    // stap: `@define f(a, a) %( @a %)`, `@f(1, 2)` gives 2.
    assert.equal(run('@define f(a, a) %( @a %) @f(1, 2)').out, '2');
  });

  test('an unknown @name passes through unchanged, for the parser to report', () => {
    const r = run('x = @nosuch + @cast(p, "t")');
    assert.equal(r.out, 'x = @nosuch + @cast ( p , t )');
    assert.equal(r.tokens[2].chain, undefined);
  });

  test('a macro defined after a use is not known at the use', () => {
    assert.equal(run('x = @m @define m %( 1 %) y = @m').out, 'x = @m y = 1');
  });

  test('a definition may follow a macro that ended at top level', () => {
    assert.equal(run('@define m %( 1 %) @m @define n %( 2 %) @n').out, '1 2');
  });

  test('$-names are macro names too', () => {
    // stap: `@define $x %( 1 %)` then `@$x` gives 1.
    assert.equal(run('@define $x %( 1 %) y = @$x').out, 'y = 1');
  });
});

describe('expanded tokens and their chain', () => {
  test('body tokens keep their location and chain to the invocation', () => {
    const r = run('@define foo %( ) %)\nx = @foo');
    const t = r.tokens[2];
    assert.equal(formatToken(t), "operator ')' at a.stp:1:16");
    assert.equal(formatToken(t.chain!), "operator '@foo' at a.stp:2:5");
    assert.equal(t.chain!.chain, undefined);
  });

  test('an argument token chains to the @param, then to each enclosing invocation', () => {
    // stap: saw `]` at 4:4, in expansion of @a 2:20, @b 1:17, @g 2:17, @f 4:1.
    const r = run('@define g(b) %( @b %)\n@define f(a) %( @g(@a) %)\nx =\n@f(])');
    const t = r.tokens[2];
    const chain: string[] = [];
    for (let c = t.chain; c; c = c.chain) chain.push(formatToken(c));
    assert.equal(formatToken(t), "operator ']' at a.stp:4:4");
    assert.deepEqual(chain, ["operator '@a' at a.stp:2:20", "operator '@b' at a.stp:1:17", "operator '@g' at a.stp:2:17", "operator '@f' at a.stp:4:1"]);
  });

  test('a macro in an argument is expanded where the parameter is used', () => {
    // stap: `]` at 1:16, in expansion of @baz 4:6, @a 2:21, @foo 4:1.
    const r = run('@define baz %( ] %)\n@define foo(a) %( ( @a %)\nx =\n@foo(@baz)');
    const chain: string[] = [];
    for (let c = r.tokens[3].chain; c; c = c.chain) chain.push(formatToken(c));
    assert.equal(formatToken(r.tokens[3]), "operator ']' at a.stp:1:16");
    assert.deepEqual(chain, ["operator '@baz' at a.stp:4:6", "operator '@a' at a.stp:2:21", "operator '@foo' at a.stp:4:1"]);
  });

  test('tokens that did not come from a macro are the lexer tokens themselves', () => {
    const file = { name: 'a.stp', text: 'x = 1' };
    const source = lex(file);
    const seen: Token[] = [];
    const pre = new Preprocessor({ next: () => { const t = source.next(); if (t) seen.push(t); return t; } }, { session: session(), libraryMacros: new Map() });
    assert.equal(pre.next(), seen[0]);
  });
});

/** [name, text, the preprocessor errors stap reports]: checked against stap below. */
const MACRO_ERROR_CASES: [string, string, string[]][] = [
  ['missing name at EOF', '@define', ['expected identifier @ (none) [saw]']],
  ['keyword as name', '@define probe %( 1 %)', ['expected identifier @ keyword at a.stp:1:9 [at]', "incomplete condition after '%(' @ operator '%(' at a.stp:1:15 [at]"]],
  ['number as name', '@define 1 %( %)', ['expected identifier @ number \'1\' at a.stp:1:9 [at]', "incomplete condition after '%(' @ operator '%(' at a.stp:1:11 [at]"]],
  ['no body', '@define foo', ["expected '%(' or '(' @ (none) [saw]"]],
  ['not a body', '@define foo 1', ["expected '%(' or '(' @ number '1' at a.stp:1:13 [at]"]],
  ['params then not a body', '@define foo(a) 1', ["expected '%(' @ number '1' at a.stp:1:16 [at]"]],
  ['params at EOF', '@define foo(', ['expected identifier @ (none) [saw]']],
  ['params unterminated', '@define foo(a', ["expected ',' or ')' @ (none) [saw]"]],
  ['params without comma', '@define foo(a b) %( %)', ["expected ',' or ')' @ identifier 'b' at a.stp:1:15 [at]", "incomplete condition after '%(' @ operator '%(' at a.stp:1:18 [at]"]],
  ['empty params', '@define foo() %( 1 %)', ["expected identifier @ operator ')' at a.stp:1:13 [at]", "incomplete condition after '%(' @ operator '%(' at a.stp:1:15 [at]"]],
  ['trailing comma', '@define foo(a,) %( %)', ["expected identifier @ operator ')' at a.stp:1:15 [at]", "incomplete condition after '%(' @ operator '%(' at a.stp:1:17 [at]"]],
  ['keyword param', '@define foo(string) %( 1 %)', ['expected identifier @ keyword at a.stp:1:13 [at]', "incomplete condition after '%(' @ operator '%(' at a.stp:1:21 [at]"]],
  ['unterminated body', '@define foo %( 1', ["incomplete macro definition - missing '%)' @ identifier 'foo' at a.stp:1:9 [at]"]],
  ['unterminated nested body', '@define foo %( %( 1 %)', ["incomplete macro definition - missing '%)' @ identifier 'foo' at a.stp:1:9 [at]"]],
  ['@define @define', '@define define %( 1 %)', ["attempt to redefine '@define' @ identifier 'define' at a.stp:1:9 [at]", "incomplete condition after '%(' @ operator '%(' at a.stp:1:16 [at]"]],
  [
    'redefinition in the same file',
    '@define foo %( 1 %) @define foo %( 2 %) == 2 %? x %)',
    [
      "attempt to redefine macro '@foo' in the same file @ identifier 'foo' at a.stp:1:29 [at] || macro '@foo' first defined here @ identifier 'foo' at a.stp:1:9 [at]",
      "expected 'arch', 'kernel_v', 'kernel_vr', 'systemtap_v',\n             'runtime', 'systemtap_privilege', 'CONFIG_...', or\n             comparison between strings or integers @ number '2' at a.stp:1:36 [at]",
      "incomplete conditional - missing '%(' @ operator '%?' at a.stp:1:46 [at]",
      "incomplete conditional - missing '%(' @ operator '%)' at a.stp:1:51 [at]",
    ],
  ],
  [
    '@define inside a macro body',
    '@define foo %( @define bar %( 1 %) %) probe begin { @foo }',
    [
      "'@define' forbidden inside macro body @ operator '@define' at a.stp:1:16 [at] | in expansion of operator '@foo' at a.stp:1:53",
      "expected 'arch', 'kernel_v', 'kernel_vr', 'systemtap_v',\n             'runtime', 'systemtap_privilege', 'CONFIG_...', or\n             comparison between strings or integers @ number '1' at a.stp:1:31 [at] | in expansion of operator '@foo' at a.stp:1:53",
    ],
  ],
  ['@define inside an argument', '@define f(a) %( @a %) x = @f(2 @define )', ["'@define' forbidden inside macro body @ operator '@define' at a.stp:1:32 [at] | in expansion of operator '@a' at a.stp:1:17 | in expansion of operator '@f' at a.stp:1:27"]],
  ['too few', '@define f(a,b) %( @a + @b %) x = @f(1)', ["too few parameters for macro '@f' (expected 2) @ operator ')' at a.stp:1:38 [at]"]],
  ['too few, empty', '@define f(a,b) %( @a + @b %) x = @f()', ["too few parameters for macro '@f' (expected 2) @ operator ')' at a.stp:1:37 [at]"]],
  ['too many', '@define f(a,b) %( @a + @b %) x = @f(1,2,3,4)', ["too many parameters for macro '@f' (expected 2) @ operator ',' at a.stp:1:40 [at]"]],
  ['no ( at EOF', '@define g(x) %( @x %) @g', ["expected '(' in invocation of macro '@g' taking 1 parameter @ (none) [saw]"]],
  ['no ( before a keyword, which is consumed', '@define g(x, y) %( @x %) @g probe', ["expected '(' in invocation of macro '@g' taking 2 parameters @ keyword at a.stp:1:29 [at]"]],
  ['unterminated invocation', '@define g(x) %( @x %) @g(1', ['could not find end of macro invocation @ operator \'@g\' at a.stp:1:23 [at]']],
];

describe('macro errors (exact text, token, at/saw) and the state they leave', () => {
  for (const [name, text, expected] of MACRO_ERROR_CASES) {
    test(name, () => assert.deepEqual(run(text).errors, expected));
  }

  test('arguments must lie within the body or argument of the invocation', () => {
    // stap: `expected '(' in invocation of macro '@g' taking 1 parameter`, saw: the parser's last token.
    const g = '@define g(x) %( 10 * @x %)';
    assert.deepEqual(run(`${g} @define f(a) %( @a(1) %) x = @f(@g)`).errors, ["expected '(' in invocation of macro '@g' taking 1 parameter @ (none) [saw]"]);
    assert.deepEqual(run(`${g} @define f %( @g %) x = @f(3)`).errors, ["expected '(' in invocation of macro '@g' taking 1 parameter @ (none) [saw]"]);
    assert.deepEqual(run('@define g(x,y) %( @x @y %) @define f %( @g(1, %) x = @f 3)').errors, [
      "could not find end of macro invocation @ operator '@g' at a.stp:1:41 [at] | in expansion of operator '@f' at a.stp:1:54",
    ]);
  });

  test('after a failed invocation the tokens read so far are gone', () => {
    // stap reports no error for `probe begin { y = }` here: `probe` was eaten by the failed
    // invocation, and the parser skipped to the next `probe`.
    assert.equal(run('@define g(x) %( @x %) @g probe begin { y = } probe end { z = }').out, 'begin { y = } probe end { z = }');
    assert.equal(run('@define f(a,b) %( 1 %) @f(1,2,3) x').out, '3 ) x');
    assert.equal(run('@define f(a,b) %( 1 %) @f(1) x').out, 'x');
  });

  test('a definition that fails after its name still exists, with what was read', () => {
    // stap: `@define foo(a b)` then `x = @foo(1)` gives an empty expansion (parser error at `}`).
    assert.equal(run('@define foo(a b) x = @foo(1) }').out, ') x = }');
    assert.equal(run('@define foo(a) 3 x = @foo(1) }').out, 'x = }');
    // stap: `too few parameters for macro '@foo' (expected 2)`.
    assert.deepEqual(run('@define foo(a, b) 3 x = @foo(1)').errors.slice(1), ["too few parameters for macro '@foo' (expected 2) @ operator ')' at a.stp:1:31 [at]"]);
    // A rejected redefinition keeps the first definition.
    assert.equal(run('@define foo %( 1 %) @define foo 4 x = @foo').out, '4 x = 1');
  });

  test('each distinct throw site has its own site name', () => {
    const r = run('@define a(x y) %( %) @define b(1) %( %) @define 2 %( %)');
    const sites = r.raw.map((e) => e.site);
    assert.equal(new Set(sites).size >= 3, true);
    assert.notEqual(sites[0], sites[2]);
  });
});

describe('macro redefines built-in operator', () => {
  test('warns with the name token, per --compatible', () => {
    const text = '@define const %( 1 %) @define kderef %( 1 %) @define variance %( 1 %) @define enum %( 1 %) @define hist_log %( 1 %) @define avg(a) %( 1 %) @avg(1)';
    const names = (compatible: string) => run(text, { sess: condSession({ compatible }), flags: stapFlags({ compatible }) }).warnings.map((w) => /'@(\w+)'/.exec(w)![1]);
    assert.deepEqual(names('3.0'), ['hist_log', 'avg']);
    assert.deepEqual(names('3.1'), ['const', 'variance', 'hist_log', 'avg']);
    assert.deepEqual(names('3.9'), ['const', 'variance', 'hist_log', 'avg']);
    assert.deepEqual(names('4.8'), ['const', 'kderef', 'variance', 'hist_log', 'avg']);
    assert.deepEqual(run('@define defined(x) %( 44 %)').warnings, ["macro redefines built-in operator '@defined': identifier 'defined' at a.stp:1:9"]);
  });

  test('the user macro then replaces the operator', () => {
    assert.equal(run('@define avg(a) %( 1 %) x = @avg(s)').out, 'x = 1');
  });

  test('the built-in sets', () => {
    assert.equal(builtinAtWords('4.8').size, 19);
    assert.equal(builtinAtWords('1.0').has('const'), false);
  });
});

describe('library macros', () => {
  const lib = () =>
    libraryOf({
      'a.stpm': '@define la %( 100 %)\n@define lb(x) %( @la + @x %)\n@define lu %( @um %)',
      'c.stpm': '@define choose_defined(value_if_defined, alternate) %( ( @defined(@value_if_defined) ? (@value_if_defined) : (@alternate) ) %)',
    }).into;

  test('are visible in every file; a file macro of the same name shadows them at top level', () => {
    assert.equal(run('x = @la', { library: lib() }).out, 'x = 100');
    assert.equal(run('@define la %( 6 %) x = @la', { library: lib() }).out, 'x = 6');
  });

  test('inside a library macro, file macros are not consulted, but arguments are the caller\'s', () => {
    // stap: `@lb(@la)` with a user `@la` of 6 gives `(100) + (6)`; `@lu` with a user `@um` gives `unknown operator @um`.
    assert.equal(run('@define la %( 6 %) @define um %( 5 %) x = @lb(@la) y = @lu', { library: lib() }).out, 'x = 100 + 6 y = @um');
    // stap: user macros named like the parameters or like @defined do not leak in.
    assert.equal(
      run('@define alternate %( 42 %) @define value_if_defined %( 43 %) x = @choose_defined(1, 2)', { library: lib() }).out,
      'x = ( @defined ( 1 ) ? ( 1 ) : ( 2 ) )',
    );
    assert.equal(run('@define mine %( 42 %) x = @choose_defined(@mine, 1)', { library: lib() }).out, 'x = ( @defined ( 42 ) ? ( 42 ) : ( 1 ) )');
  });

  test('a user macro may take the name of a library macro without an error', () => {
    assert.deepEqual(run('@define choose_defined(a,b) %( 77 %) x = @choose_defined(1,2)', { library: lib() }).errors, []);
  });
});

describe('collectLibraryMacros (.stpm files)', () => {
  test('adds the definitions of a clean file; its own macros and conditionals work while reading it', () => {
    const { into, errors } = libraryOf({ 'd.stpm': '%( arch == "x86_64" %? @define lf %( 64 %) %: @define lf %( 32 %) %)\n@define lg %( %)\n@lg' });
    assert.deepEqual(errors['d.stpm'], []);
    assert.deepEqual([...into.keys()], ['lf', 'lg']);
    assert.equal(into.get('lf')!.body[0].content, '64');
    assert.equal(into.get('lf')!.file.name, 'd.stpm');
  });

  test('a token that survives preprocessing is an error and nothing is added', () => {
    const { into, errors } = libraryOf({ 'b.stpm': '@define lc %( 1 %)\njunk\n@define ld %( 1 %)' });
    assert.deepEqual(errors['b.stpm'], ["unexpected token in library macro file 'b.stpm' @ identifier 'junk' at b.stpm:2:1 [at]"]);
    assert.equal(into.size, 0);
    // stap: the token can come from a macro of the file.
    assert.deepEqual(libraryOf({ 'd.stpm': '@define ee %( 1 %)\n@ee\n' }).errors['d.stpm'], ["unexpected token in library macro file 'd.stpm' @ number '1' at d.stpm:1:15 [at] | in expansion of operator '@ee' at d.stpm:2:1"]);
  });

  test('only the first error is reported', () => {
    assert.deepEqual(libraryOf({ 'c.stpm': '@define cc(x %( 2 %)\n@define dd %( 2 %) junk\n' }).errors['c.stpm'], ["expected ',' or ')' @ operator '%(' at c.stpm:1:14 [at]"]);
  });

  test('a duplicate skips the whole file, reporting the first duplicate by name', () => {
    const { into, errors } = libraryOf({
      'a.stpm': '@define zz %( 1 %)\n@define aa %( 1 %)\n',
      'b.stpm': '@define zz %( 2 %)\n@define aa %( 2 %)\n@define bb %( 2 %)\n',
    });
    assert.deepEqual(errors['b.stpm'], ["duplicate definition of library macro '@aa' @ identifier 'aa' at b.stpm:2:9 [at] || macro '@aa' first defined here @ identifier 'aa' at a.stpm:2:9 [at]"]);
    assert.deepEqual([...into.keys()].sort(), ['aa', 'zz']);
    assert.equal(into.get('aa')!.body[0].content, '1');
  });

  test('returns the built-in operator warnings', () => {
    const r = libraryOf({ 'w.stpm': '@define max(a,b) %( 1 %)' });
    assert.deepEqual(r.errors['w.stpm'], []);
    assert.deepEqual(r.warnings, ["macro redefines built-in operator '@max': identifier 'max' at w.stpm:1:9"]);
  });

  test('library macros can use each other, and an earlier file\'s', () => {
    const { into, errors } = libraryOf({ 'a.stpm': '@define one %( 1 %)', 'b.stpm': '@define two %( @one + @one %) @define none %( %) @none' });
    assert.deepEqual(errors, { 'a.stpm': [], 'b.stpm': [] });
    assert.equal(run('x = @two', { library: into }).out, 'x = 1 + 1');
  });
});

describe('runaway recursion', () => {
  test('stops with stap\'s out-of-memory message instead of hanging', () => {
    // stap: `Out of memory.   Please check --rlimit-as …` and `std::bad_alloc`, exit 1.
    assert.throws(() => run('@define f %( @f %) x = @f'), (e: unknown) => e instanceof FatalError && e.message.startsWith('Out of memory.'));
    assert.throws(() => run('@define f %( 1 + @f %) x = @f'), FatalError);
    assert.throws(() => run('@define f(a) %( @f(@a @a) %) x = @f(1)'), FatalError);
  });
});

describe('sawInput', () => {
  test('is false for no tokens, true once any token was read, even if preprocessing removed it', () => {
    assert.equal(run('').pre.sawInput, false);
    assert.equal(run('# only a comment').pre.sawInput, false);
    const r = run('@define foo %( 1 %)');
    assert.equal(r.out, '');
    assert.equal(r.pre.sawInput, true);
    assert.equal(run('%( 1 == 0 %? probe %)').pre.sawInput, true);
  });
});

// ---------------------------------------------------------------------------------------------
// Conditionals

/** [condition, value of `%( condition %? 1 %: 0 %)`, options]: each checked against stap below. */
const COND_VALUES: [string, '0' | '1', CondOptions?][] = [
  // kernel_v is the base release, kernel_vr the full one, compared with strverscmp.
  ['kernel_v == "6.1.0"', '1'],
  ['kernel_vr == "6.1.0"', '0'],
  ['kernel_vr == "6.1.0-fake"', '1'],
  ['kernel_v >= "4.17.0"', '1'],
  ['kernel_v < "6.1.0"', '0'],
  ['kernel_v <= "6.1.0"', '1'],
  ['kernel_v > "6.1"', '1'],
  ['kernel_v != "6.1.0"', '0'],
  ['kernel_vr > "6.1.0"', '1'],
  ['kernel_v >= "6.10"', '0'],
  ['kernel_v > "6.01.0"', '1'],
  // A wildcard RHS uses fnmatch (== and != only).
  ['kernel_v == "6.*"', '1'],
  ['kernel_v != "6.*"', '0'],
  ['kernel_vr == "*-fake"', '1'],
  ['kernel_v == "[5-6].1.?"', '1'],
  ['kernel_v == "2.6.*"', '0'],
  // systemtap_v is --compatible.
  ['systemtap_v >= "3.0"', '1'],
  ['systemtap_v >= "3.0"', '0', { compatible: '2.9' }],
  ['systemtap_v <= "1.4"', '1', { compatible: '1.4' }],
  ['systemtap_v == "4.*"', '1'],
  ['systemtap_v < "4.10"', '1'],
  // Privilege and guru mode.
  ['systemtap_privilege == "stapdev"', '1'],
  ['systemtap_privilege != "stapusr"', '1'],
  ['systemtap_privilege == "stapusr"', '1', { privilege: 'stapusr' }],
  ['systemtap_privilege == "stap*"', '0'],
  ['guru_mode == 0', '1'],
  ['guru_mode == 1', '1', { guru: true }],
  ['guru_mode != 1', '1'],
  ['guru_mode == 00', '1'],
  // arch and runtime use fnmatch.
  ['arch == "x86_64"', '1'],
  ['arch == "x86*"', '1'],
  ['arch != "i?86"', '1'],
  ['arch == "arm64"', '1', { arch: 'arm64' }],
  ['arch == "arm*"', '0'],
  ['runtime == "kernel"', '1'],
  ['runtime == "bpf"', '1', { runtime: 'bpf' }],
  ['runtime != "dyn*"', '1'],
  // CONFIG_ options: fnmatch on a string; an absent option is "".
  ['CONFIG_X86_64 == "y"', '1'],
  ['CONFIG_NFSD == "[ym]"', '1'],
  ['CONFIG_NOPE == ""', '1'],
  ['CONFIG_NOPE == "n"', '0'],
  ['CONFIG_STR == "abc"', '0'], // stap keeps the quotes of a string option
  ['CONFIG_STR == "\\"abc\\""', '1'],
  ['CONFIG_HZ == "2*"', '1'],
  ['CONFIG_HZ != "2[4-6]0"', '0'],
  // … a number: the value is read by strtoll with base 0, and an absent option is 0 …
  ['CONFIG_HZ >= 250', '1'],
  ['CONFIG_HEX == 16', '1'],
  ['CONFIG_NEG < 0', '1'],
  ['CONFIG_NOPE == 0', '1'],
  // … another option: numbers if both are, else strings.
  ['CONFIG_HZ > CONFIG_HEX', '1'],
  ['CONFIG_HZ < CONFIG_X86_64', '1'],
  ['CONFIG_KPROBES == CONFIG_X86_64', '1'],
  ['CONFIG_KPROBES >= CONFIG_X86_64', '1'],
  ['CONFIG_NOPE == CONFIG_NOPE2', '1'],
  // Strings with strings, numbers with numbers.
  ['"b" > "a"', '1'],
  ['"abc" == "a*"', '0'],
  ['"abc" < "abd"', '1'],
  ['1 == 1', '1'],
  ['010 == 10', '1'],
  ['08 == 8', '1'],
  ['2 >= 3', '0'],
  ['9223372036854775807 > 1', '1'],
  // && binds tighter than ||.
  ['1 == 1 || 1 == 0 && 1 == 0', '1'],
  ['1 == 0 && 1 == 1 || 1 == 1', '1'],
  ['1 == 0 || 1 == 1 && 1 == 0', '0'],
  ['1 == 1 && 1 == 1 && 1 == 0 || 1 == 0', '0'],
];

describe('conditions: every left-hand side', () => {
  for (const [c, value, options] of COND_VALUES) {
    test(`${c}${options ? ` ${JSON.stringify(options)}` : ''} is ${value}`, () => assert.equal(cond(c, options), value));
  }

  test('the systemtap_v token is remembered', () => {
    assert.equal(run('%( systemtap_v >= "3.0" %? 1 %)').pre.systemtapVSeen?.content, 'systemtap_v');
    assert.equal(run('%( 1 == 1 %? 1 %)').pre.systemtapVSeen, undefined);
  });

  test('a number that is not a decimal int64 is a fatal bad lexical cast', () => {
    // stap prints `bad lexical cast` and exits 1.
    for (const c of ['0x10 == 16', '16 == 0x10', '1x == 1', '99999999999999999999 == 1', '9223372036854775808 > 1', 'guru_mode == 0x0', 'CONFIG_HZ == 0xfa']) {
      assert.throws(() => run(`%( ${c} %? 1 %)`), (e: unknown) => e instanceof FatalError && e.message === 'bad lexical cast', c);
    }
  });

  test('config values are numbers as strtoll(s, &end, 0) reads them whole', () => {
    const cases: [string, bigint | undefined][] = [
      ['', 0n],
      ['250', 250n],
      ['0x10', 16n],
      ['0X1f', 31n],
      ['010', 8n],
      ['08', undefined],
      ['0x', undefined],
      [' 5', 5n],
      ['5 ', undefined],
      ['+5', 5n],
      ['-5', -5n],
      ['-0x10', -16n],
      ['-', undefined],
      ['  ', undefined],
      ['y', undefined],
      ['"5"', undefined],
      ['9223372036854775807', 9223372036854775807n],
      ['9223372036854775808', undefined],
      ['-9223372036854775808', -9223372036854775808n],
      ['-9223372036854775809', undefined],
    ];
    for (const [text, value] of cases) assert.equal(parseConfigNumber(text), value, JSON.stringify(text));
  });

  test('evalPpConditional is usable on its own', () => {
    const t = (type: TokenType, content: string): Token => ({ type, content, location: { file: { name: 'x', text: '' }, line: 1, column: 1 } });
    assert.equal(evalPpConditional(session(), t('identifier', 'arch'), t('operator', '=='), t('string', 'x86_64')), true);
  });
});

const THREE = "expected 'arch', 'kernel_v', 'kernel_vr', 'systemtap_v',\n             'runtime', 'systemtap_privilege', 'CONFIG_...', or\n             comparison between strings or integers";
/** [condition, the error of `%( condition %? 1 %: 0 %)`]: checked against stap below. */
const COND_ERROR_CASES: [string, string][] = [
  ['kernel_v >= 6', "expected string literal @ number '6' at a.stp:1:16 [at]"],
  ['kernel_v = "6"', "expected comparison operator @ operator '=' at a.stp:1:13 [at]"],
  ['systemtap_privilege < "stapdev"', "expected '==' or '!=' @ operator '<' at a.stp:1:24 [at]"],
  ['systemtap_privilege == stapdev', "expected string literal @ identifier 'stapdev' at a.stp:1:27 [at]"],
  ['guru_mode == "1"', "expected number @ string '1' at a.stp:1:17 [at]"],
  ['guru_mode == 2', "expected 0 or 1 @ operator '==' at a.stp:1:14 [at]"],
  ['guru_mode < 1', "expected '==' or '!=' @ operator '<' at a.stp:1:14 [at]"],
  ['guru_mode < 3', "expected 0 or 1 @ operator '<' at a.stp:1:14 [at]"],
  ['arch < "x"', "expected '==' or '!=' @ operator '<' at a.stp:1:9 [at]"],
  ['arch == x', "expected string literal @ identifier 'x' at a.stp:1:12 [at]"],
  ['runtime <= "x"', "expected '==' or '!=' @ operator '<=' at a.stp:1:12 [at]"],
  ['runtime == 1', "expected string literal @ number '1' at a.stp:1:15 [at]"],
  ['CONFIG_X86_64 < "y"', "expected '==' or '!=' @ operator '<' at a.stp:1:18 [at]"],
  ['CONFIG_X86_64 == foo', "expected string, number literal or other CONFIG_... as right side operand @ identifier 'foo' at a.stp:1:21 [at]"],
  ['CONFIG_HZ = 250', "expected comparison operator @ operator '=' at a.stp:1:14 [at]"],
  ['CONFIG_HZ = CONFIG_HZ', "expected comparison operator @ operator '=' at a.stp:1:14 [at]"],
  ['"a" == 1', "expected string literal as right value @ number '1' at a.stp:1:11 [at]"],
  ['1 == "a"', "expected number literal as right value @ string 'a' at a.stp:1:9 [at]"],
  ['1 = 1', "expected comparison operator @ operator '=' at a.stp:1:6 [at]"],
  ['"a" = "a"', "expected comparison operator @ operator '=' at a.stp:1:8 [at]"],
  ['foo == 1', `${THREE} @ identifier 'foo' at a.stp:1:4 [at]`],
  ['"a" foo 1', `${THREE} @ string 'a' at a.stp:1:4 [at]`],
  ['1 foo "a"', `${THREE} @ number '1' at a.stp:1:4 [at]`],
  ['-1 < 0', `${THREE} @ operator '-' at a.stp:1:4 [at]`],
  // A bare option is not a condition: three tokens are read whatever they are.
  ['CONFIG_X86_64 %? x', "expected string, number literal or other CONFIG_... as right side operand @ identifier 'x' at a.stp:1:21 [at]"],
];

describe('conditions: errors (exact text and token)', () => {
  for (const [c, expected] of COND_ERROR_CASES) {
    test(c, () => assert.equal(cond(c), expected));
  }

  test('after an error in a term, the rest of the condition is read as ordinary tokens', () => {
    // stap: three errors for `%( kernel_v >= 6 %? 1 %)`.
    assert.deepEqual(run('%( kernel_v >= 6 %? 1 %)').errors, [
      "expected string literal @ number '6' at a.stp:1:16 [at]",
      "incomplete conditional - missing '%(' @ operator '%?' at a.stp:1:18 [at]",
      "incomplete conditional - missing '%(' @ operator '%)' at a.stp:1:23 [at]",
    ]);
    assert.equal(run('%( kernel_v >= 6 %? 1 %)').out, '1');
  });

  test('the structure errors', () => {
    assert.deepEqual(run('%( 1 == 1 %)').errors, ["expected '%?' marker for conditional @ operator '%(' at a.stp:1:1 [at]"]);
    assert.deepEqual(run('%( 1 == 1').errors, ["expected '%?' marker for conditional @ operator '%(' at a.stp:1:1 [at]"]);
    assert.deepEqual(run('%( 1 == 1 1 %? 2 %)').errors, [
      "expected '%?' marker for conditional @ operator '%(' at a.stp:1:1 [at]",
      "incomplete conditional - missing '%(' @ operator '%?' at a.stp:1:13 [at]",
      "incomplete conditional - missing '%(' @ operator '%)' at a.stp:1:18 [at]",
    ]);
    assert.deepEqual(run('%( 1 == 1 %? 2').errors, ["incomplete conditional at end of file @ operator '%(' at a.stp:1:1 [at]"]);
    assert.deepEqual(run('%( 1 == 1 %? 2 %: 3 %: 4 %)').errors, ["invalid conditional - duplicate '%:' @ operator '%:' at a.stp:1:21 [at]"]);
    assert.deepEqual(run('%? 1').errors, ["incomplete conditional - missing '%(' @ operator '%?' at a.stp:1:1 [at]"]);
    assert.deepEqual(run('%: 1').errors, ["incomplete conditional - missing '%(' @ operator '%:' at a.stp:1:1 [at]"]);
    assert.deepEqual(run('%) 1').errors, ["incomplete conditional - missing '%(' @ operator '%)' at a.stp:1:1 [at]"]);
    assert.deepEqual(run('%( 1 == 1 && %? 2 %)').errors, [`${THREE} @ operator '%?' at a.stp:1:14 [at]`]);
    assert.deepEqual(run('%( 1 ==').errors, ["incomplete condition after '%(' @ operator '%(' at a.stp:1:1 [at]"]);
  });

  test('the three %( misuse errors and the two kinds of %: errors have distinct sites', () => {
    const r = run('%? %: %) %( 1 == 1 %? %: %: %)');
    assert.equal(new Set(r.raw.map((e) => e.site)).size, 4);
  });

  test('open conditionals at end of file are reported innermost first, one per call', () => {
    // stap: two `incomplete conditional at end of file` errors.
    assert.deepEqual(run('%( 1 == 1 %? %( 1 == 1 %? probe').errors, [
      "incomplete conditional at end of file @ operator '%(' at a.stp:1:14 [at]",
      "incomplete conditional at end of file @ operator '%(' at a.stp:1:1 [at]",
    ]);
  });
});

describe('throw sites (stap prints only the first error of a site without -v)', () => {
  /** [text, message, whether its two errors with that message share a site]. */
  const pairs: [string, string, boolean][] = [
    ['%( kernel_v = "6" %? 1 %) %( systemtap_v = "6" %? 1 %)', 'expected comparison operator', true],
    ['%( kernel_v = "6" %? 1 %) %( 1 = 2 %? 1 %)', 'expected comparison operator', false],
    ['%( "a" = "b" %? 1 %) %( 1 = 2 %? 1 %)', 'expected comparison operator', true],
    ['%( CONFIG_HZ = 250 %? 1 %) %( CONFIG_HZ = CONFIG_X %? 1 %)', 'expected comparison operator', true],
    ['%( kernel_v >= 6 %? 1 %) %( kernel_vr >= 6 %? 1 %)', 'expected string literal', true],
    ['%( kernel_v >= 6 %? 1 %) %( arch == 6 %? 1 %)', 'expected string literal', false],
    ['%( arch == 1 %? 1 %) %( runtime == 1 %? 1 %)', 'expected string literal', false],
    ['%( arch < "x" %? 1 %) %( runtime < "x" %? 1 %)', "expected '==' or '!='", false],
    ['%( guru_mode < 1 %? 1 %) %( systemtap_privilege < "x" %? 1 %)', "expected '==' or '!='", false],
    ['%( CONFIG_X < "y" %? 1 %) %( arch < "x" %? 1 %)', "expected '==' or '!='", false],
    ['%( arch < "x" %? 1 %) %( arch < "y" %? 1 %)', "expected '==' or '!='", true],
    ['@define 1 %( %) @define f(2) %( %)', 'expected identifier', false],
    ['@define f(a) %( 1 %) @f 1 @f 2', "expected '(' in invocation of macro '@f' taking 1 parameter", true],
    ['%? %:', "incomplete conditional - missing '%('", false],
    ['%( 1 == 1 %? %) %) %)', "incomplete conditional - missing '%('", true],
  ];
  for (const [text, message, same] of pairs) {
    test(`${text}: ${same ? 'one site' : 'two sites'}`, () => {
      const errors = run(text).raw.filter((e) => e.message === message);
      assert.equal(errors.length, 2);
      assert.equal(errors[0].site === errors[1].site, same);
    });
  }
});

describe('conditions: && and ||', () => {
  test('every term is evaluated: an error after a decided result is still an error', () => {
    assert.equal(cond('1 == 1 || arch < "x"'), "expected '==' or '!=' @ operator '<' at a.stp:1:19 [at]");
    assert.equal(cond('1 == 0 && arch < "x"'), "expected '==' or '!=' @ operator '<' at a.stp:1:19 [at]");
  });
});

describe('branches', () => {
  test('then, else, nesting', () => {
    assert.equal(run('%( 1 == 1 %? a %: b %) c').out, 'a c');
    assert.equal(run('%( 1 == 0 %? a %: b %) c').out, 'b c');
    assert.equal(run('%( 1 == 0 %? a %) c').out, 'c');
    assert.equal(run('%( 1 == 1 %? %( 2 == 2 %? a %: b %) %: %( 3 == 3 %? c %: d %) %)').out, 'a');
    assert.equal(run('%( 1 == 0 %? %( 2 == 2 %? a %: b %) %: %( 3 == 0 %? c %: d %) %)').out, 'd');
  });

  test('a skipped branch is only scanned for markers: errors in it are ignored', () => {
    assert.deepEqual(run('x = %( 1 == 0 %? %( foo %) %: 5 %) y').errors, []);
    assert.equal(run('x = %( 1 == 0 %? %( foo %: %: %? %) %: 5 %)').out, 'x = 5');
    assert.equal(run('x = %( 1 == 0 %? %( kernel_v < "6*" %? 1 %) %: 5 %)').out, 'x = 5');
  });

  test('@define in a skipped branch is not catalogued', () => {
    // stap: `unknown operator @foo` for the later use.
    assert.equal(run('%( 1 == 0 %? @define foo %( 1 %) %) x = @foo').out, 'x = @foo');
    assert.equal(run('%( 1 == 1 %? @define foo %( 1 %) %) x = @foo').out, 'x = 1');
    // Its tokens are skipped like others: a `%:` right after @define still switches branches.
    assert.equal(run('x = %( 1 == 0 %? @define %: 5 %)').out, 'x = 5');
    assert.equal(run('x = %( 1 == 0 %? @define f(a %( %) %: 5 %)').out, 'x = 5');
  });

  test('macros are still expanded in a skipped branch', () => {
    assert.equal(run('@define f(a) %( 3 %) x = %( 1 == 0 %? @f(%) ) %: 2 %)').out, 'x = 2');
    // A macro body can switch the branch …
    assert.equal(run('@define m %( %: %) x = %( 1 == 0 %? @m 5 %)').out, 'x = 5');
    assert.equal(run('@define m %( %: %) x = %( 1 == 1 %? 4 @m 5 %)').out, 'x = 4');
    assert.equal(run('@define m %( 4 %: %) x = %( 1 == 1 %? @m 5 %)').out, 'x = 4');
    assert.deepEqual(run('@define m %( %: %) x = %( 1 == 1 %? 4 %: 3 @m 5 %)').errors, ["invalid conditional - duplicate '%:' @ operator '%:' at a.stp:1:14 [at] | in expansion of operator '@m' at a.stp:1:44"]);
  });

  test('a failed invocation in a skipped branch eats tokens silently', () => {
    // stap: `%:` is taken as the missing `(`, so the else branch is skipped too.
    assert.equal(run('@define f(a) %( 3 %) x = %( 1 == 0 %? @f %: 5 %) 7').out, 'x = 7');
    assert.equal(run('@define f(a) %( 3 %) x = %( 1 == 0 %? @f(1,2) %: 5 %)').out, 'x = 5');
    assert.deepEqual(run('@define f(a) %( 3 %) x = %( 1 == 0 %? @f(1 %: 5 %) y').errors, ["incomplete conditional at end of file @ operator '%(' at a.stp:1:26 [at]"]);
  });

  test('conditionals span macro boundaries', () => {
    // stap: the argument `%( 1 == 1 %? 2` opens a conditional that is still open at end of file.
    const r = run('@define f(a,b) %( @a %) x = @f(%( 1 == 1 %? 2, 3 %: 4 %)) }');
    assert.equal(r.out, 'x = 2 }');
    assert.deepEqual(r.errors, ["incomplete conditional at end of file @ operator '%(' at a.stp:1:32 [at] | in expansion of operator '@a' at a.stp:1:19 | in expansion of operator '@f' at a.stp:1:29"]);
  });

  test('a stray marker from an argument is reported where it was written', () => {
    assert.deepEqual(run('@define f(a) %( @a %) x = @f(2 %) )').errors, ["incomplete conditional - missing '%(' @ operator '%)' at a.stp:1:32 [at] | in expansion of operator '@a' at a.stp:1:17 | in expansion of operator '@f' at a.stp:1:27"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Against the real stap

/** The preprocessor's messages, to pick its errors out of stap's (the parser's are mixed in). */
const PREPROCESSOR_MESSAGES = [
  /^unexpected token in library macro file/,
  /^duplicate definition of library macro/,
  /^expected identifier$/,
  /^expected '%\(' or '\('$/,
  /^expected '%\('$/,
  /^expected ',' or '\)'$/,
  /^incomplete macro definition/,
  /^attempt to redefine/,
  /^'@define' forbidden/,
  /^too (many|few) parameters/,
  /^expected '\(' in invocation/,
  /^could not find end of macro invocation/,
  /^incomplete condition/,
  /^invalid conditional/,
  /^expected '%\?' marker/,
  /^expected string literal/,
  /^expected comparison operator/,
  /^wildcard not allowed/,
  /^expected '==' or '!='/,
  /^expected number$/,
  /^expected 0 or 1$/,
  /^Config option value/,
  /^expected string, number literal/,
  /^expected (string|number) literal as right value/,
  /^expected 'arch', 'kernel_v'/,
];

/**
 * stap's preprocessor diagnostics in this file's format, from `stap -v` stderr (no duplicate
 * suppression). A `saw:` token is the parser's, so it reads `(none) [saw]` as ours do.
 */
function stapDiagnostics(stderr: string): { errors: string[]; warnings: string[] } {
  const lines = stderr.split('\n');
  const errors: string[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const w = /^WARNING: (macro redefines built-in operator .*)$/.exec(lines[i]);
    if (w) warnings.push(w[1].replace(/ at [^ ]*:(\d+:\d+)$/, ' at :$1'));
    const m = /^parse error: (.*)$/.exec(lines[i]);
    if (!m) continue;
    let message = m[1];
    while (/^ {13}\S/.test(lines[i + 1] ?? '')) message += `\n${lines[++i]}`;
    const where = lines[++i] ?? '';
    let text = `${message} @ ${/^ {8}saw: /.test(where) ? '(none) [saw]' : `${where.replace(/^ {9}at: /, '')} [at]`}`;
    while (i + 1 < lines.length && lines[i + 1] !== '' && !lines[i + 1].startsWith('parse error:')) {
      const c = /^\tin expansion of macro: (.*)$/.exec(lines[++i]);
      if (c) text += ` | in expansion of ${c[1]}`;
    }
    if (/^macro '@.*' first defined here$/.test(message) && errors.length > 0) errors[errors.length - 1] += ` || ${text}`;
    else if (PREPROCESSOR_MESSAGES.some((r) => r.test(message))) errors.push(text);
  }
  return { errors, warnings };
}

/**
 * Runs stap on a script with an empty tapset library (the texts here use no library macros, and
 * stap is ten times faster without one). Resolves to its stdout and stderr.
 */
function stapRun(stap: string, args: string[], emptyTapsets: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, SYSTEMTAP_TAPSET: emptyTapsets, XDG_DATA_DIRS: emptyTapsets };
    const child = spawn(stap, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('latin1').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('latin1').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ stdout, stderr });
    });
  });
}


describe('against stap 4.8', () => {
  const stap = findStap();
  let root = '';
  let kbuild = '';
  let emptyTapsets = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'stap-preprocess-'));
    kbuild = join(root, 'build');
    emptyTapsets = join(root, 'tapsets');
    mkdirSync(emptyTapsets);
    mkdirSync(join(kbuild, 'include', 'config'), { recursive: true });
    const config = [...session().target.kernelConfig].map(([k, v]) => `${k}=${v}\n`).join('');
    writeFileSync(join(kbuild, '.config'), config);
    writeFileSync(join(kbuild, 'include', 'config', 'kernel.release'), '6.1.0-fake\n');
    writeFileSync(join(kbuild, 'Module.symvers'), '');
    writeFileSync(join(kbuild, 'System.map'), 'ffffffff81000000 T _stext\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('every text above gives stap\'s preprocessor errors and warnings, and the same throw sites', async (t) => {
    if (!stap) {
      t.diagnostic('stap is not installed: not compared');
      return;
    }
    // Texts whose expansion never ends make stap exhaust memory: not run.
    const runs = RUNS.filter((r, i) => RUNS.findIndex((q) => q.text === r.text && q.flags.join() === r.flags.join()) === i);
    const jobs = runs.map((r, i) => async () => {
      let ours: { errors: string[]; warnings: string[]; firstPerSite: string[] } | string;
      try {
        const o = run(r.text, { sess: r.sess, flags: [] });
        // Without -v stap prints only the first error of each throw site.
        const sites = new Set<string>();
        const firstPerSite = o.errors.filter((_, k) => !sites.has(o.raw[k].site) && !!sites.add(o.raw[k].site));
        ours = { errors: o.errors, warnings: o.warnings.map((w) => w.replace(/ at [^ ]*:(\d+:\d+)$/, ' at :$1')), firstPerSite };
      } catch (e) {
        if (!(e instanceof FatalError)) throw e;
        if (e.message !== 'bad lexical cast') return undefined;
        ours = e.message;
      }
      const dir = join(root, `case${i}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'a.stp'), r.text);
      const script = join(dir, 'a.stp');
      const res = await stapRun(stap, ['-r', kbuild, '-v', '-p1', ...r.flags, script], emptyTapsets);
      if (typeof ours === 'string') return { text: r.text, flags: r.flags, ours, theirs: res.stderr.split('\n')[0] };
      const quiet = await stapRun(stap, ['-r', kbuild, '-p1', ...r.flags, script], emptyTapsets);
      const theirs = {
        ...stapDiagnostics(res.stderr.replaceAll(`${script}:`, 'a.stp:')),
        firstPerSite: stapDiagnostics(quiet.stderr.replaceAll(`${script}:`, 'a.stp:')).errors,
      };
      return { text: r.text, flags: r.flags, ours, theirs };
    });
    const results = (await pool(jobs, cpus().length * 2)).filter((x) => x !== undefined);
    const differ = results.filter((x) => JSON.stringify(x.ours) !== JSON.stringify(x.theirs));
    assert.deepEqual(differ, []);
    t.diagnostic(`${results.length} texts compared`);
  });

  test('every .stpm set above gives stap\'s errors and warnings', async (t) => {
    if (!stap) {
      t.diagnostic('stap is not installed: not compared');
      return;
    }
    const jobs = LIBRARY_RUNS.map((files, i) => async () => {
      const dir = join(root, `lib${i}`);
      mkdirSync(dir);
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      const lib = libraryOf(files, session(), `${dir}/`);
      const ours = {
        errors: Object.keys(files).sort().flatMap((name) => lib.errors[name]),
        warnings: lib.warnings.map((w) => w.replace(/ at [^ ]*:(\d+:\d+)$/, ' at :$1')),
      };
      writeFileSync(join(dir, 'script.stp'), 'probe begin {}\n');
      const res = await stapRun(stap, ['-r', kbuild, '-v', '-p1', '-I', dir, join(dir, 'script.stp')], emptyTapsets);
      return { files, ours, theirs: stapDiagnostics(res.stderr) };
    });
    const results = await pool(jobs, cpus().length * 2);
    assert.deepEqual(results.filter((r) => JSON.stringify(r.ours) !== JSON.stringify(r.theirs)), []);
    t.diagnostic(`${results.length} sets compared`);
  });

  test('every condition value is stap\'s', async (t) => {
    if (!stap) {
      t.diagnostic('stap is not installed: not compared');
      return;
    }
    // One script per set of options: `x0 = %( C0 %? 1 %: 0 %)` … read back from the -p1 dump.
    const groups = new Map<string, { options: CondOptions; cases: [string, string][] }>();
    for (const [c, value, options = {}] of COND_VALUES) {
      const key = JSON.stringify(options);
      if (!groups.has(key)) groups.set(key, { options, cases: [] });
      groups.get(key)!.cases.push([c, value]);
    }
    const jobs = [...groups.values()].map((g, i) => async () => {
      const file = join(root, `cond${i}.stp`);
      writeFileSync(file, `probe begin {\n${g.cases.map(([c], k) => `x${k} = %( ${c} %? 1 %: 0 %)\n`).join('')}}\n`);
      const res = await stapRun(stap, ['-r', kbuild, '-p1', ...stapFlags(g.options), file], emptyTapsets);
      const values = new Map([...res.stdout.matchAll(/^\(x(\d+)\) = \((\d)\);$/gm)].map((m) => [Number(m[1]), m[2]]));
      return g.cases.map(([c, value], k) => ({ c, options: g.options, ours: value, theirs: values.get(k) ?? res.stderr }));
    });
    const results = (await pool(jobs, cpus().length * 2)).flat();
    assert.deepEqual(results.filter((r) => r.ours !== r.theirs), []);
    t.diagnostic(`${results.length} conditions compared`);
  });
});

// ---------------------------------------------------------------------------------------------
// The installed tapset library, through the real lexer

/** A tapset target: the session it means and the stap options that give it. */
interface TapsetTarget {
  name: string;
  arch: string;
  runtime: 'kernel' | 'bpf';
  flags: string[];
}

const TAPSET_TARGETS: TapsetTarget[] = [
  { name: 'x86_64', arch: 'x86_64', runtime: 'kernel', flags: [] },
  { name: 'arm64', arch: 'arm64', runtime: 'kernel', flags: ['-a', 'arm64'] },
  { name: 'bpf', arch: 'x86_64', runtime: 'bpf', flags: ['--runtime=bpf'] },
];

/** The session of `makeFakeKbuild` (release 6.1.0-fake, X86_64 and KPROBES set) for a target. */
function tapsetSession(t: TapsetTarget): Session {
  return session({ arch: t.arch, runtime: t.runtime, kernelConfig: new Map([['CONFIG_X86_64', 'y'], ['CONFIG_KPROBES', 'y']]) });
}

/**
 * The library files of one kind in stap's order, for the installed tapset dir alone: each
 * version/arch suffix dir (§4.3), files by name, the first of each path below the dir kept.
 * A test helper only; the driver's search path lives in server/src/tapsets/.
 */
function libraryFiles(sess: Session, ext: '.stp' | '.stpm'): string[] {
  const { kernelRelease, kernelBaseRelease, arch, runtime } = sess.target;
  const releases = [kernelRelease, ...(kernelBaseRelease !== kernelRelease ? [kernelBaseRelease] : [])];
  for (let r = kernelBaseRelease; r.lastIndexOf('.') > r.indexOf('.'); ) releases.push((r = r.slice(0, r.lastIndexOf('.'))));
  const plain = [...releases.flatMap((r) => [`/${r}/${arch}`, `/${r}`]), `/${arch}`, ''];
  const prefix = { kernel: '/linux', dyninst: '/dyninst', bpf: '/bpf' }[runtime];
  const root = tapsetDir();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const suffix of [...plain.map((s) => prefix + s), ...plain]) {
    const dir = root + suffix;
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const path = `${dir}/${name}`;
      if (!name.endsWith(ext) || !statSync(path).isFile() || seen.has(path.slice(root.length))) continue;
      seen.add(path.slice(root.length));
      out.push(path);
    }
  }
  return out;
}

/** Lexer → Preprocessor over a file: its errors, and its identifiers as the -p1 dump shows them. */
function sweepFile(path: string, sess: Session, library: Map<string, MacroDefinition>) {
  const file = { name: path, text: readFileSync(path, 'latin1') };
  const pre = new Preprocessor(new Lexer(file, { args: [], compatible: sess.compatible }), { session: sess, libraryMacros: library, library: true, file });
  const errors: string[] = [];
  const identifiers = new Map<string, number>();
  // The dump drops the second body of `probe a = b { X }, { Y }`: so do these counts.
  let depth = 0;
  let secondBodyDepth = -1;
  const recent: (Token | undefined)[] = [undefined, undefined];
  const isOp = (t: Token | undefined, c: string) => t?.type === 'operator' && t.content === c;
  for (;;) {
    let t: Token | undefined;
    try {
      t = pre.next();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      errors.push(describeError(e));
      continue;
    }
    if (!t) break;
    if (t.type === 'junk') errors.push(`junk ${formatToken(t)}`);
    if (isOp(t, '{')) {
      if (depth === 0 && isOp(recent[1], ',') && isOp(recent[0], '}')) secondBodyDepth = 0;
      depth++;
    } else if (isOp(t, '}') && --depth === secondBodyDepth) {
      secondBodyDepth = -1;
      recent.splice(0, 2, recent[1], t);
      continue;
    }
    recent.splice(0, 2, recent[1], t);
    if (secondBodyDepth >= 0 || t.type !== 'identifier') continue;
    // `$var$` prints as `$var->$`.
    const name = t.content.replace(/([^$])\$+$/, '$1');
    identifiers.set(name, (identifiers.get(name) ?? 0) + 1);
  }
  return { errors, identifiers };
}

/** The identifiers of a -p1 dump section, outside embedded code and string literals. */
function dumpIdentifiers(section: string): Map<string, number> {
  const counts = new Map<string, number>();
  const code = section.replace(/%\{[\s\S]*?%\}/g, ' ').replace(/"(?:\\.|[^"\\\n])*"/g, ' ');
  for (const w of code.match(/[A-Za-z_$@][A-Za-z0-9_$]*/g) ?? []) {
    if (w.startsWith('@') || /^\$+$/.test(w)) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

describe('the installed tapset library', () => {
  const stap = findStap();
  for (const target of TAPSET_TARGETS) {
    test(`${target.name}: every .stpm and .stp file preprocesses without error, as stap -v -p1 shows it`, async (t) => {
      assert.ok(existsSync(tapsetDir()), INSTALL_HINT);
      const sess = tapsetSession(target);
      const library = new Map<string, MacroDefinition>();
      const macroErrors: string[] = [];
      for (const path of libraryFiles(sess, '.stpm')) {
        const file = { name: path, text: readFileSync(path, 'latin1') };
        const r = collectLibraryMacros(file, new Lexer(file, { args: [], compatible: sess.compatible }), sess, library);
        macroErrors.push(...r.errors.map((e) => `${path}: ${describeError(e)}`));
      }
      assert.deepEqual(macroErrors, []);
      assert.ok(library.has('choose_defined') && library.has('__private30'));

      const files = libraryFiles(sess, '.stp');
      const swept = new Map(files.map((path) => [path, sweepFile(path, sess, library)]));
      const errors = [...swept].flatMap(([path, r]) => r.errors.map((e) => `${path}: ${e}`));
      assert.deepEqual(errors, []);

      if (!stap) {
        t.diagnostic('stap is not installed: not compared with its dump');
        return;
      }
      // stap's dump of the same library: the same .stp files in the same order, and in each
      // the identifiers the preprocessed tokens contain (which branch, which expansion).
      const kb = makeFakeKbuild();
      try {
        const res = await runStap(['-r', kb.dir, '-p1', '-v', ...target.flags, '-e', 'probe begin {}']);
        const sections = res.stdout.split(/^# file /m).slice(1).map((s) => [s.slice(0, s.indexOf('\n')), s.slice(s.indexOf('\n') + 1)] as const);
        const stapFiles = sections.filter(([name]) => name.endsWith('.stp'));
        assert.deepEqual(stapFiles.map(([name]) => name), files);
        const differ: string[] = [];
        for (const [name, body] of stapFiles) {
          const theirs = dumpIdentifiers(body);
          const ours = swept.get(name)!.identifiers;
          const names = new Set([...ours.keys(), ...theirs.keys()].filter((n) => !KEYWORDS.has(n)));
          const diff = [...names].filter((n) => (ours.get(n) ?? 0) !== (theirs.get(n) ?? 0));
          if (diff.length) differ.push(`${name}: ${diff.map((n) => `${n} ${ours.get(n) ?? 0}/${theirs.get(n) ?? 0}`).join(', ')}`);
        }
        assert.deepEqual(differ, []);
        t.diagnostic(`${files.length} files compared with stap's dump`);
      } finally {
        kb.cleanup();
      }
    });
  }
});
