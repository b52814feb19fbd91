// Tokenizes the SystemTap fixtures in test-fixtures/textmate/ with the real TextMate engine (vscode-textmate +
// vscode-oniguruma) and compares them with the golden snapshots in test/textmate/snapshots/ (rewrite them with
// UPDATE_EXPECT=1). Targeted assertions below check individual tokens, so they fail independently of snapshots.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { IGrammar } from 'vscode-textmate';
import { loadGrammar, renderSnapshot, repoRoot, tokenize, type Token } from './textmate-helpers';

const fixtureDir = join(repoRoot, 'test-fixtures', 'textmate');
const snapshotDir = join(__dirname, 'snapshots');
const updating = process.env.UPDATE_EXPECT === '1';
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.stp'))
  .sort();

let grammar: IGrammar;
before(async () => {
  grammar = await loadGrammar();
});

/** All tokens of a snippet, whitespace-only tokens dropped. */
function tokensOf(source: string): Token[] {
  return tokenize(grammar, source)
    .tokens.flat()
    .filter((t) => t.text.trim() !== '');
}

/** The nth token (0-based) whose text is exactly `text`. */
function token(tokens: Token[], text: string, nth = 0): Token {
  const found = tokens.filter((t) => t.text === text);
  assert.ok(found.length > nth, `no token #${nth} "${text}" in: ${tokens.map((t) => JSON.stringify(t.text)).join(' ')}`);
  return found[nth];
}

/** TextMate selector semantics: `scope` matches a token scope equal to it or starting with `scope.`. */
function has(tok: Token, scope: string): boolean {
  return tok.scopes.some((s) => s === scope || s.startsWith(scope + '.'));
}

function assertScope(tokens: Token[], text: string, scope: string, nth = 0): void {
  const tok = token(tokens, text, nth);
  assert.ok(has(tok, scope), `"${text}" should have ${scope}, has: ${tok.scopes.join(' ')}`);
}

function assertNoScope(tokens: Token[], text: string, scope: string, nth = 0): void {
  const tok = token(tokens, text, nth);
  assert.ok(!has(tok, scope), `"${text}" should not have ${scope}, has: ${tok.scopes.join(' ')}`);
}

describe('snapshots', () => {
  test('there are fixtures', () => {
    assert.ok(fixtures.length >= 10, `expected fixtures in ${fixtureDir}`);
  });

  for (const fixture of fixtures) {
    const name = basename(fixture, '.stp');
    test(`${name}.stp matches snapshots/${name}.snap`, () => {
      const doc = tokenize(grammar, readFileSync(join(fixtureDir, fixture), 'utf8'));
      const actual = renderSnapshot(doc);
      const snapshotPath = join(snapshotDir, `${name}.snap`);
      if (updating) {
        mkdirSync(snapshotDir, { recursive: true });
        writeFileSync(snapshotPath, actual);
        return;
      }
      assert.ok(existsSync(snapshotPath), `missing snapshot ${snapshotPath}; run with UPDATE_EXPECT=1`);
      assert.equal(actual, readFileSync(snapshotPath, 'utf8'));
    });

    test(`${name}.stp ends with the rule stack back at the root`, () => {
      const doc = tokenize(grammar, readFileSync(join(fixtureDir, fixture), 'utf8'));
      assert.equal(doc.finalDepth, doc.initialDepth, `still open at EOF: ${doc.openScopes.join(' ')}`);
    });
  }

  test('no stale snapshots (every .snap has a fixture)', () => {
    const expected = new Set(fixtures.map((f) => basename(f, '.stp') + '.snap'));
    const stale = existsSync(snapshotDir) ? readdirSync(snapshotDir).filter((f) => !expected.has(f)) : [];
    if (updating) {
      for (const f of stale) unlinkSync(join(snapshotDir, f));
      return;
    }
    assert.deepEqual(stale, []);
  });

  test('every scope ends in .systemtap (the snapshots omit that suffix)', () => {
    // Scopes that legitimately lack the suffix: the root, the embedded C region and the C stub's own scopes.
    const allowed = /^(source\.systemtap|meta\.embedded\.block\.c|[a-z.-]+\.c)$/;
    const bad = new Set<string>();
    for (const fixture of fixtures) {
      const doc = tokenize(grammar, readFileSync(join(fixtureDir, fixture), 'utf8'));
      for (const tok of doc.tokens.flat()) {
        for (const s of tok.scopes) if (!s.endsWith('.systemtap') && !allowed.test(s)) bad.add(s);
      }
    }
    assert.deepEqual([...bad], []);
  });
});

describe('comments', () => {
  test('# starts a comment, but $# and @# are the argument count', () => {
    const t = tokensOf('probe begin { if ($# > 1 || @# < 3) # trailing\n  x = 1 }');
    assertScope(t, '#', 'comment.line.number-sign.systemtap');
    assertScope(t, ' trailing', 'comment.line.number-sign.systemtap');
    assertScope(t, '$#', 'variable.language.script-argument-count.systemtap');
    assertNoScope(t, '$#', 'comment');
    assertScope(t, '@#', 'variable.language.script-argument-count.systemtap');
    assertNoScope(t, '@#', 'comment');
    assertNoScope(t, 'x', 'comment');
  });

  test('// and /* */ comments, which do not nest', () => {
    const t = tokensOf('/* a /* b */ c = 1 // d\n');
    assertScope(t, ' a /* b ', 'comment.block.systemtap');
    assertNoScope(t, 'c', 'comment');
    assertScope(t, ' d', 'comment.line.double-slash.systemtap');
  });

  test('a multi-line block comment ends on a later line', () => {
    const t = tokensOf('/* one\n two */ global g\n');
    assertScope(t, ' two ', 'comment.block.systemtap');
    assertScope(t, 'g', 'variable.other.global.systemtap');
  });

  test('comment markers inside strings are text', () => {
    const t = tokensOf('probe begin { s = "# // /* not comments" }');
    assertScope(t, '# // /* not comments', 'string.quoted.double.systemtap');
    assertNoScope(t, '# // /* not comments', 'comment');
  });

  test('a shebang line is a comment; /** */ is a documentation comment', () => {
    const t = tokensOf('#!/usr/bin/stap\n/**\n * @arg: doc\n */\n');
    assertScope(t, '#!', 'comment.line.shebang.systemtap');
    assertScope(t, '@arg', 'comment.block.documentation.systemtap');
    assertScope(t, '@arg', 'variable.parameter.documentation.systemtap');
  });
});

describe('strings and format specifiers', () => {
  test('escapes are constant.character.escape', () => {
    const t = tokensOf('probe begin { s = "\\a\\b\\t\\n\\v\\f\\r\\\\\\"\\101\\x4f" }');
    for (const esc of ['\\a', '\\b', '\\t', '\\n', '\\v', '\\f', '\\r', '\\\\', '\\"', '\\101', '\\x4f']) {
      assertScope(t, esc, 'constant.character.escape.systemtap');
    }
    assertScope(t, '"', 'punctuation.definition.string.end.systemtap', 1);
  });

  test('printf format specifiers are single placeholder tokens', () => {
    const t = tokensOf('probe begin { printf("%d %s %-10s %#x %p %*d %.3s %llu %%\\n", 1) }');
    for (const spec of ['%d', '%s', '%-10s', '%#x', '%p', '%*d', '%.3s', '%llu', '%%']) {
      assertScope(t, spec, 'constant.other.placeholder.systemtap');
    }
    assertScope(t, 'printf', 'support.function.print.systemtap');
  });

  test('a % outside strings is never a placeholder', () => {
    const g = tokensOf('global f%[10], keyrings%\n');
    assertScope(g, '%', 'storage.modifier.wrap.systemtap');
    assertNoScope(g, '%', 'constant.other.placeholder');
    assertScope(g, '%', 'storage.modifier.wrap.systemtap', 1);
    const e = tokensOf('probe begin { x = y % 3; x %= 2 }');
    assertScope(e, '%', 'keyword.operator.arithmetic.systemtap');
    assertScope(e, '%=', 'keyword.operator.assignment.compound.systemtap');
  });

  test('an unterminated string stops at the end of its line', () => {
    const t = tokensOf('probe begin {\n  s = "open\n  n = 1\n}\n');
    assertScope(t, 'open', 'string.quoted.double.systemtap');
    assertNoScope(t, 'n', 'string');
    assertScope(t, 'n', 'variable.other.systemtap');
  });
});

describe('numbers', () => {
  const cases: Array<[string, string]> = [
    ['42', 'constant.numeric.integer.decimal.systemtap'],
    ['0', 'constant.numeric.integer.decimal.systemtap'],
    ['0x1F', 'constant.numeric.integer.hexadecimal.systemtap'],
    ['0777', 'constant.numeric.integer.octal.systemtap'],
    ['08', 'invalid.illegal.numeric.systemtap'],
    ['12abc', 'invalid.illegal.numeric.systemtap'],
  ];
  for (const [text, scope] of cases) {
    test(`${text} is ${scope}`, () => {
      assertScope(tokensOf(`probe begin { x = ${text} }`), text, scope);
    });
  }
});

describe('keywords', () => {
  const cases: Array<[string, string, string]> = [
    ['if', 'probe begin { if (x) next else delete a }', 'keyword.control.conditional.systemtap'],
    ['else', 'probe begin { if (x) next else delete a }', 'keyword.control.conditional.systemtap'],
    ['next', 'probe begin { if (x) next else delete a }', 'keyword.control.flow.systemtap'],
    ['delete', 'probe begin { if (x) next else delete a }', 'keyword.other.delete.systemtap'],
    ['for', 'probe begin { for (i = 0; i < 2; i++) break }', 'keyword.control.loop.systemtap'],
    ['break', 'probe begin { for (i = 0; i < 2; i++) break }', 'keyword.control.flow.systemtap'],
    ['foreach', 'probe begin { foreach (k in a limit 3) continue }', 'keyword.control.loop.systemtap'],
    ['in', 'probe begin { foreach (k in a limit 3) continue }', 'keyword.operator.in.systemtap'],
    ['limit', 'probe begin { foreach (k in a limit 3) continue }', 'keyword.other.limit.systemtap'],
    ['continue', 'probe begin { foreach (k in a limit 3) continue }', 'keyword.control.flow.systemtap'],
    ['while', 'probe begin { while (1) { } }', 'keyword.control.loop.systemtap'],
    ['try', 'probe begin { try { } catch (e) { } }', 'keyword.control.exception.systemtap'],
    ['catch', 'probe begin { try { } catch (e) { } }', 'keyword.control.exception.systemtap'],
    ['return', 'function f() { return 1 }', 'keyword.control.flow.systemtap'],
    ['probe', 'probe begin { }', 'storage.type.probe.systemtap'],
    ['global', 'global g', 'storage.type.global.systemtap'],
    ['function', 'function f() { }', 'storage.type.function.systemtap'],
    ['private', 'private function f() { }', 'storage.modifier.private.systemtap'],
    ['string', 'function f:string (s:long) { }', 'storage.type.primitive.systemtap'],
    ['long', 'function f:string (s:long) { }', 'storage.type.primitive.systemtap'],
  ];
  for (const [kw, source, scope] of cases) {
    test(`${kw} is ${scope}`, () => assertScope(tokensOf(source), kw, scope));
  }

  test('foreach sort markers are not arithmetic', () => {
    const t = tokensOf('probe end { foreach ([a, b+] in arr- limit 5) x = a - b }');
    assertScope(t, '+', 'keyword.operator.sort.systemtap');
    assertScope(t, '-', 'keyword.operator.sort.systemtap');
    assertScope(t, '-', 'keyword.operator.arithmetic.systemtap', 1);
  });
});

describe('target variables, script arguments and @-operators', () => {
  test('$$parms and the other context variables are variable.other.target', () => {
    const t = tokensOf('probe kernel.function("f") { print($$parms, $$vars, $$locals, $$return, $x, $return) }');
    for (const v of ['$$parms', '$$vars', '$$locals', '$$return', '$x', '$return']) {
      assertScope(t, v, 'variable.other.target.systemtap');
    }
  });

  test('pretty-print suffixes are separate tokens', () => {
    const t = tokensOf('probe begin { print($var$, $var$$, $$parms$, $p->f$$) }');
    assertScope(t, '$var', 'variable.other.target.systemtap');
    assertScope(t, '$', 'keyword.operator.pretty-print.systemtap');
    assertScope(t, '$$', 'keyword.operator.pretty-print.systemtap');
    assertScope(t, '$$parms', 'variable.other.target.systemtap');
    assertScope(t, 'f', 'variable.other.member.systemtap');
    assertScope(t, '$$', 'keyword.operator.pretty-print.systemtap', 1);
  });

  test('member chains: $var->field[2]->x', () => {
    const t = tokensOf('probe kernel.function("f") { y = $var->field[2]->x }');
    assertScope(t, '$var', 'variable.other.target.systemtap');
    assertScope(t, '->', 'punctuation.accessor.arrow.systemtap');
    assertScope(t, 'field', 'variable.other.member.systemtap');
    assertScope(t, '2', 'constant.numeric.integer.decimal.systemtap');
    assertScope(t, 'x', 'variable.other.member.systemtap');
  });

  test('& is address-of before $x and @cast, bitwise between operands', () => {
    const t = tokensOf('probe kernel.function("f") { a = &$x; b = &@cast(p, "t")->m; c = a & $y }');
    assertScope(t, '&', 'keyword.operator.address-of.systemtap');
    assertScope(t, '&', 'keyword.operator.address-of.systemtap', 1);
    assertScope(t, '&', 'keyword.operator.bitwise.systemtap', 2);
  });

  test('script arguments $1 @1 $# @#', () => {
    const t = tokensOf('probe $1 { print(@1, $2, $#, @#) }');
    assertScope(t, '$1', 'variable.language.script-argument.systemtap');
    assertScope(t, '@1', 'variable.language.script-argument.quoted.systemtap');
    assertScope(t, '$2', 'variable.language.script-argument.systemtap');
    assertScope(t, '$#', 'variable.language.script-argument-count.systemtap');
    assertScope(t, '@#', 'variable.language.script-argument-count.systemtap');
  });

  test('built-in @-operators and aggregates are not macro invocations', () => {
    const ops = ['@cast', '@var', '@defined', '@entry', '@perf', '@probewrite', '@const', '@kregister', '@uregister', '@kderef', '@uderef'];
    const aggs = ['@count', '@sum', '@min', '@max', '@avg', '@variance', '@hist_log', '@hist_linear'];
    const t = tokensOf(`probe begin { x = ${[...ops, ...aggs].map((o) => `${o}(a)`).join(' + ')} }`);
    for (const op of ops) {
      assertScope(t, op, 'keyword.operator.at.systemtap');
      assertNoScope(t, op, 'entity.name.function.macro');
    }
    for (const agg of aggs) assertScope(t, agg, 'support.function.aggregate.systemtap');
  });

  test('other @names are macro invocations', () => {
    const t = tokensOf('probe begin { x = @choose_defined($a, $b) + @cast_module_sizeof("m", "t") + @MY_CONST }');
    assertScope(t, '@choose_defined', 'entity.name.function.macro.call.systemtap');
    assertScope(t, '@cast_module_sizeof', 'entity.name.function.macro.call.systemtap');
    assertScope(t, '@MY_CONST', 'entity.name.function.macro.call.systemtap');
  });
});

describe('embedded C', () => {
  const positions: Array<[string, string, string]> = [
    ['file level', '%{\n#include <linux/sched.h>\n%}\nglobal after\n', '#include <linux/sched.h>'],
    ['function body', 'function f:long (x:long) %{ /* pure */ STAP_RETVALUE = STAP_ARG_x; %}\nglobal after\n', ' STAP_RETVALUE = STAP_ARG_x; '],
    ['expression', 'probe begin { hz = %{ HZ %} + 1 }\nglobal after\n', ' HZ '],
  ];
  for (const [where, source, cText] of positions) {
    test(`%{ starts meta.embedded.block.c (${where})`, () => {
      const t = tokensOf(source);
      const open = token(t, '%{');
      const close = token(t, '%}');
      assert.ok(has(open, 'punctuation.section.embedded.begin.systemtap'));
      assert.ok(has(close, 'punctuation.section.embedded.end.systemtap'));
      // The delimiters stay SystemTap; everything between them is C.
      assert.ok(!has(open, 'meta.embedded.block.c') && !has(close, 'meta.embedded.block.c'));
      const inside = t.slice(t.indexOf(open) + 1, t.indexOf(close));
      assert.ok(inside.length > 0);
      for (const tok of inside) assert.ok(has(tok, 'meta.embedded.block.c'), `${tok.text}: ${tok.scopes.join(' ')}`);
      assertScope(t, cText, 'meta.embedded.block.c');
      // After %} the grammar is back in SystemTap.
      assertScope(t, 'after', 'variable.other.global.systemtap');
      assertNoScope(t, 'after', 'meta.embedded');
    });
  }

  test('translator tags inside embedded C', () => {
    const t = tokensOf('function f() %{ /* pure */ /* pragma:read:x */ %}');
    assertScope(t, 'pure', 'keyword.other.tag.systemtap');
    assertScope(t, 'pragma:read:x', 'keyword.other.tag.systemtap');
  });

  test('SystemTap comment rules do not apply inside embedded C', () => {
    const t = tokensOf('%{\n#define X 1\n%}\n');
    assertNoScope(t, '#define X 1', 'comment.line.number-sign.systemtap');
  });
});

describe('preprocessor conditionals', () => {
  test('at file level', () => {
    const t = tokensOf('%( kernel_v >= "2.6.30" && arch == "x86_64" %?\nglobal a\n%:\nglobal b\n%)\nglobal c\n');
    assertScope(t, '%(', 'keyword.control.directive.if.systemtap');
    assertScope(t, 'kernel_v', 'support.variable.preprocessor.systemtap');
    assertScope(t, 'arch', 'support.variable.preprocessor.systemtap');
    assertScope(t, '>=', 'keyword.operator.comparison.systemtap');
    assertScope(t, '&&', 'keyword.operator.logical.systemtap');
    assertScope(t, '2.6.30', 'string.quoted.double.systemtap');
    assertScope(t, '%?', 'keyword.control.directive.then.systemtap');
    assertScope(t, '%:', 'keyword.control.directive.else.systemtap');
    assertScope(t, '%)', 'keyword.control.directive.endif.systemtap');
    assertScope(t, 'a', 'variable.other.global.systemtap');
    assertScope(t, 'b', 'meta.preprocessor.conditional.systemtap');
    assertNoScope(t, 'c', 'meta.preprocessor.conditional');
  });

  test('condition identifiers', () => {
    for (const id of ['kernel_v', 'kernel_vr', 'systemtap_v', 'systemtap_privilege', 'guru_mode', 'arch', 'runtime']) {
      assertScope(tokensOf(`%( ${id} == "x" %? global g %)`), id, 'support.variable.preprocessor.systemtap');
    }
    assertScope(tokensOf('%( CONFIG_SMP == "y" %? global g %)'), 'CONFIG_SMP', 'support.variable.preprocessor.config.systemtap');
  });

  test('inside statements, with code in the branches', () => {
    const t = tokensOf('probe begin {\n  %( $# >= 1 %? printf("%s\\n", @1) %: exit() %)\n  after = 1\n}\n');
    assertScope(t, '%(', 'meta.block.systemtap');
    assertScope(t, '$#', 'variable.language.script-argument-count.systemtap');
    assertScope(t, 'printf', 'support.function.print.systemtap');
    assertScope(t, '%s', 'constant.other.placeholder.systemtap');
    assertScope(t, 'exit', 'support.function.tapset.systemtap');
    assertNoScope(t, 'after', 'meta.preprocessor');
    assertScope(t, 'after', 'meta.block.systemtap');
  });

  test('inside an expression', () => {
    const t = tokensOf('probe begin { w = %( arch == "i?86" %? 32 %: 64 %) * 2 }');
    assertScope(t, '32', 'meta.preprocessor.conditional.systemtap');
    assertScope(t, '64', 'constant.numeric.integer.decimal.systemtap');
    assertScope(t, '*', 'keyword.operator.arithmetic.systemtap');
    assertNoScope(t, '*', 'meta.preprocessor');
  });

  test('inside a probe point list and as a choice of function bodies', () => {
    const t = tokensOf(
      'probe a.b = %( kernel_v > "3" %? kernel.function("x") ? %: kernel.function("y") %) { }\n' +
        'function f:long () %( arch == "x" %? %{ 1 %} %: { return 2 } %)\nglobal after\n',
    );
    assertScope(t, 'function', 'support.function.probe-point.systemtap');
    assertScope(t, '?', 'keyword.operator.optional.systemtap');
    assertScope(t, 'f', 'entity.name.function.systemtap');
    assertScope(t, ' 1 ', 'meta.embedded.block.c');
    assertScope(t, 'return', 'keyword.control.flow.systemtap');
    assertScope(t, 'after', 'variable.other.global.systemtap');
    assertNoScope(t, 'after', 'meta.preprocessor');
  });

  test('braces split across branches do not swallow the rest of the file', () => {
    const t = tokensOf(
      'function f(x) {\n%( arch == "x" %?\n  if (x) {\n%)\n  x = 1\n%( arch == "x" %?\n  }\n%)\n  return x\n}\nglobal after\n',
    );
    assertScope(t, 'after', 'variable.other.global.systemtap');
    assertNoScope(t, 'after', 'meta.block');
  });
});

describe('macros', () => {
  test('@define with parameters and a body', () => {
    const t = tokensOf('@define clamp(v, lo) %( (@v < @lo ? @lo : @v) %)\nglobal after\n');
    assertScope(t, '@define', 'keyword.control.directive.define.systemtap');
    assertScope(t, 'clamp', 'entity.name.function.macro.systemtap');
    assertScope(t, 'v', 'variable.parameter.macro.systemtap');
    assertScope(t, 'lo', 'variable.parameter.macro.systemtap');
    assertScope(t, '%(', 'punctuation.definition.macro.begin.systemtap');
    assertNoScope(t, '%(', 'keyword.control.directive.if');
    assertScope(t, '@v', 'meta.macro.body.systemtap');
    assertScope(t, '?', 'keyword.operator.ternary.systemtap');
    assertScope(t, '%)', 'punctuation.definition.macro.end.systemtap');
    assertNoScope(t, 'after', 'meta.preprocessor.macro');
  });

  test('a macro body on later lines with a nested conditional', () => {
    const t = tokensOf('@define P\n%(\n  %( systemtap_v >= "3.0" %? private %)\n%)\n@P function f() { }\n');
    assertScope(t, 'P', 'entity.name.function.macro.systemtap');
    assertScope(t, 'systemtap_v', 'support.variable.preprocessor.systemtap');
    assertScope(t, 'private', 'storage.modifier.private.systemtap');
    assertScope(t, '@P', 'entity.name.function.macro.call.systemtap');
    assertScope(t, 'f', 'entity.name.function.systemtap');
  });
});

describe('declarations', () => {
  test('probe points: components, parameters, globs, ? and !', () => {
    const t = tokensOf('probe kernel.function("vfs_*").return ?, syscall.*, timer.ms(100), tcp.** !, begin { }');
    assertScope(t, 'kernel', 'support.function.probe-point.systemtap');
    assertScope(t, 'return', 'support.function.probe-point.systemtap');
    assertNoScope(t, 'return', 'keyword');
    assertScope(t, 'vfs_*', 'string.quoted.double.systemtap');
    assertScope(t, '?', 'keyword.operator.optional.systemtap');
    assertScope(t, '*', 'keyword.operator.wildcard.systemtap');
    assertScope(t, '**', 'keyword.operator.wildcard.systemtap');
    assertScope(t, '!', 'keyword.operator.sufficient.systemtap');
    assertScope(t, '100', 'constant.numeric.integer.decimal.systemtap');
    assertScope(t, '{', 'punctuation.section.block.begin.systemtap');
  });

  test('probe aliases with = and +=, and brace groups in probe points', () => {
    const t = tokensOf('probe my.read = kernel.{function("a"), function("b")}.return { }\nprobe my.read += begin { }\n');
    assertScope(t, 'my.read', 'entity.name.function.probe-alias.systemtap');
    assertScope(t, '=', 'keyword.operator.alias.systemtap');
    assertScope(t, '{', 'punctuation.section.braces.begin.systemtap');
    assertScope(t, '}', 'punctuation.section.braces.end.systemtap');
    assertScope(t, '{', 'punctuation.section.block.begin.systemtap', 1);
    assertScope(t, 'my.read', 'entity.name.function.probe-alias.systemtap', 1);
    assertScope(t, '+=', 'keyword.operator.alias.systemtap');
  });

  test('probe point condition', () => {
    const t = tokensOf('probe timer.profile if (enabled > 0) { }');
    assertScope(t, 'if', 'keyword.control.conditional.systemtap');
    assertScope(t, 'enabled', 'variable.other.systemtap');
    assertScope(t, '>', 'keyword.operator.comparison.systemtap');
  });

  test('function declarations with types and priority', () => {
    const t = tokensOf('function name:long (a:long, b:string, c) : 10 { return a }');
    assertScope(t, 'name', 'entity.name.function.systemtap');
    assertScope(t, 'long', 'storage.type.primitive.systemtap');
    assertScope(t, 'a', 'variable.parameter.systemtap');
    assertScope(t, 'b', 'variable.parameter.systemtap');
    assertScope(t, 'string', 'storage.type.primitive.systemtap');
    assertScope(t, 'c', 'variable.parameter.systemtap');
    assertScope(t, '10', 'constant.numeric.integer.decimal.systemtap');
    assertScope(t, ':', 'punctuation.separator.priority.systemtap', 3);
    assertScope(t, 'a', 'variable.other.systemtap', 1);
  });

  test('global declarations: arrays, wrap markers, initializers, continuation lines', () => {
    const t = tokensOf('global x, arr[100], w%[5], s = "x", n = -3\nglobal first, // more\n  second\nprobe begin { }\n');
    for (const v of ['x', 'arr', 'w', 's', 'n', 'first', 'second']) assertScope(t, v, 'variable.other.global.systemtap');
    assertScope(t, '100', 'constant.numeric.integer.decimal.systemtap');
    assertScope(t, '%', 'storage.modifier.wrap.systemtap');
    assertScope(t, '-', 'keyword.operator.arithmetic.systemtap');
    assertScope(t, ' more', 'comment.line.double-slash.systemtap');
    assertNoScope(t, 'probe', 'meta.declaration.global');
  });

  test('private globals', () => {
    const t = tokensOf('private global a\nprivate b = 1\n');
    assertScope(t, 'private', 'storage.modifier.private.systemtap');
    assertScope(t, 'a', 'variable.other.global.systemtap');
    assertScope(t, 'b', 'variable.other.global.systemtap');
  });
});
