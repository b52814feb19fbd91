/**
 * `stap-ls --assume-args` (the editor's mode, no stap equivalent): a `$N`/`@N` beyond the
 * script arguments given is an unknown argument instead of stap's `command line argument out of
 * range` parse error (parse.cxx `lexer::scan` substitutes arguments; derive.ts, types-resolver.ts
 * and const-fold.ts treat the unknown ones).
 *
 * - In an expression `$N` is a number and `@N` a string of unknown value: types infer, nothing
 *   folds on the value; the dump prints them as written (`$1`, `@2 "x"`), which stap never does.
 * - In a probe point (a `$N` component, or an unknown argument of a component) the location is
 *   accepted unresolved (`/* unresolved: unknown argument *\/` in the dump); the names that do not
 *   depend on the value still have to exist; its `$vars` are typed by use.
 * - `$#` stays the count; a condition, printf format, … that needs the value is still the error.
 *
 * Each case asserts stap-ls's exact outcome with the flag; without it, stap-ls gives stap's
 * status and first error line (the real stap is run where installed).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { parseCommandLine } from '../../server/src/cli';
import { junkArgRange, Lexer } from '../../server/src/passes/parse/lexer';
import { INSTALL_HINT } from '../helpers/installed';
import { findStap, makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { firstLine, runStapLatin1, runStapLs } from '../pass1/harness';

let kbuild: FakeKbuild;
before(() => {
  kbuild = makeFakeKbuild();
});
after(() => kbuild.cleanup());

/** stap-ls `-p2 -v` (bodies in the dump), stderr without the `-v` progress lines. */
function run(flags: string[], script: string, args: string[] = []): { status: number; stdout: string; stderr: string } {
  const r = runStapLs(['-r', kbuild.dir, '-p2', '-v', ...flags, '-e', script, ...args]);
  const stderr = r.stderr
    .split('\n')
    .filter((l) => !/^(Pass [12]:|Parsed kernel)/.test(l))
    .join('\n');
  return { status: r.status, stdout: r.stdout, stderr };
}

describe('--assume-args: the option and the lexer', () => {
  test('a stap-ls option, spelt in full, off by default', () => {
    const on = parseCommandLine(['--assume-args', 'f']);
    const off = parseCommandLine(['f']);
    assert.ok('perPassVerbose' in on && 'perPassVerbose' in off);
    assert.equal(on.assumeArgs, true);
    assert.equal(off.assumeArgs, false);
  });

  test('$N/@N beyond the arguments are number/string tokens keeping the junk stap gives', () => {
    const lex = (text: string, assumeArgs: boolean) => {
      const lexer = new Lexer({ name: 'x.stp', text }, { args: ['a'], compatible: '4.8', assumeArgs });
      const out: string[] = [];
      for (let t = lexer.next(); t; t = lexer.next()) out.push(`${t.type}:${t.content}${t.unknownArg ? `!${t.unknownArg.junkMessage}` : ''}`);
      return out;
    };
    const range = junkArgRange(1);
    // $1 is given; $12 is read whole (stap stops at the digit that goes out of range); $0 stays junk.
    assert.deepEqual(lex('$1 $2 @3 $12 $0 $# @#', true), [
      'identifier:a',
      `number:$2!${range}`,
      `string:@3!${range}`,
      `number:$12!${range}`,
      'junk:',
      'number:1',
      'string:1',
    ]);
    assert.deepEqual(lex('$1 $2 @3', false), ['identifier:a', 'junk:', 'junk:']);
  });
});

interface Case {
  name: string;
  script: string;
  args?: string[];
  flags?: string[];
  status: number;
  stdout: string;
  stderr: string;
  /** The exit status without the flag (default 1: stap's out-of-range parse error). */
  offStatus?: number;
}

const UNRESOLVED = '/* unresolved: unknown argument */';

const CASES: Case[] = [
  {
    name: 'expression $N: a long, never folded',
    script: 'probe begin { x = $1 + 2; println(x * 3, 100 / $1, -$1) }',
    status: 0,
    stdout: '# probes\nbegin /* <- begin */\n  # locals\n  x:long\n{ {\n(x) = (($1) + (2));\nprintln((x) * (3), (100) / ($1), -($1));\n} }\n',
    stderr: '',
  },
  {
    name: 'expression @N: a string, also concatenated with literals',
    script: 'global g = $2 probe begin { s = @1 . "x"; println(s, g, @2 "-" @3) }',
    status: 0,
    stdout:
      '# globals\ng:long = $2\n# probes\nbegin /* <- begin */\n  # locals\n  s:string\n' +
      '{ {\n(s) = ((@1) . ("x"));\nprintln(s, __global_g, @2 "-" @3);\n} }\n',
    stderr: '',
  },
  {
    name: 'no dead branch is chosen from an unknown value (a known one still folds)',
    script: 'probe begin { if ($1) println("a") else println("b"); if (@1 == "x") println("c"); if (0) println("d") }',
    status: 0,
    stdout: '# probes\nbegin /* <- begin */\n{ {\nif ($1) println("a")\nelse println("b")\n;\nif ((@1) == ("x")) println("c")\n;\n} }\n',
    stderr: '',
  },
  {
    name: '$N is a number: assigning a string after it is a type mismatch',
    script: 'probe begin { x = $1; x = "s"; println(x) }',
    status: 1,
    stdout: '',
    stderr:
      "semantic error: type mismatch (string): identifier 'x' at <input>:1:23\n" +
      '        source: probe begin { x = $1; x = "s"; println(x) }\n' +
      '                                      ^\n\n' +
      "semantic error: type was first inferred here (long): identifier 'x' at :1:15\n" +
      '        source: probe begin { x = $1; x = "s"; println(x) }\n' +
      '                              ^\n\n',
  },
  {
    name: 'a whole probe-point component: accepted unresolved, its $vars typed by use',
    script: 'probe $1.call, $2.return? { println($x) }',
    status: 0,
    stdout:
      `# probes\n$1.call ${UNRESOLVED} /* <- $1.call,$2.return? */\n{ println($x) }\n` +
      `$2.return? ${UNRESOLVED} /* <- $1.call,$2.return? */\n{ println($x) }\n`,
    stderr: '',
  },
  {
    name: 'an argument inside a family: process(@1).function("x")',
    script: 'probe process(@1).function("x") { println($y) }',
    status: 0,
    stdout: `# probes\nprocess(@1).function("x") ${UNRESOLVED} /* <- process(@1).function("x") */\n{ println($y) }\n`,
    stderr: '',
  },
  {
    name: 'an argument inside a family: kernel.function(@1).return, @entry kept',
    script: 'probe kernel.function(@1).return { println(@entry($a)) }',
    status: 0,
    stdout: `# probes\nkernel.function(@1).return ${UNRESOLVED} /* <- kernel.function(@1).return */\n{ println(@entry($a)) }\n`,
    stderr: '',
  },
  {
    name: 'an argument inside a family: timer.ms($1) (no range check on an unknown interval)',
    script: 'probe timer.ms($1) { println(1) }',
    status: 0,
    stdout: `# probes\ntimer.ms($1) ${UNRESOLVED} /* <- timer.ms($1) */\n{ println(1) }\n`,
    stderr: '',
  },
  {
    name: 'a name after the unknown argument must still exist (stap with any value says the same)',
    script: 'probe process(@1).nosuch { }',
    status: 1,
    stdout: '',
    stderr:
      "semantic error: while resolving probe point: identifier 'process' at <input>:1:7\n" +
      '        source: probe process(@1).nosuch { }\n' +
      '                      ^\n\n' +
      "semantic error: probe point mismatch (similar: end, insn, plt, mark, begin): identifier 'nosuch' at :1:19\n" +
      '        source: probe process(@1).nosuch { }\n' +
      '                                  ^\n\n',
  },
  {
    name: 'a family that takes no such argument is still a mismatch',
    script: 'probe nosuch(@1) { }',
    status: 1,
    stdout: '',
    stderr:
      "semantic error: while resolving probe point: identifier 'nosuch' at <input>:1:7\n" +
      '        source: probe nosuch(@1) { }\n' +
      '                      ^\n\n' +
      "semantic error: probe point mismatch (similar: tcp, udp, module, nfs, nfsd): identifier 'nosuch' at :1:7\n" +
      '        source: probe nosuch(@1) { }\n' +
      '                      ^\n\n',
  },
  {
    name: 'an alias family with an unknown name: no alias is chosen, so its variables are plain locals',
    script: 'probe syscall.$1 { printf("%s\\n", name) }',
    status: 0,
    stdout: `# probes\nsyscall.$1 ${UNRESOLVED} /* <- syscall.$1 */\n  # locals\n  name:string\n{ printf("%s\\\\n", name) }\n`,
    stderr:
      "WARNING: never-assigned local variable 'name': identifier 'name' at <input>:1:35\n" +
      ' source: probe syscall.$1 { printf("%s\\n", name) }\n' +
      '                                           ^\n',
  },
  {
    name: '$# and @# stay the count of the arguments given, and conditionals on them work as before',
    script: 'probe begin { println($#, @#, %( $# >= 1 %? $1 %: 5 %)) }',
    status: 0,
    stdout: '# probes\nbegin /* <- begin */\n{ println(0, "0", 5) }\n',
    stderr: '',
    offStatus: 0,
  },
  {
    name: 'given arguments are substituted; the unused-argument warning is unchanged',
    script: 'probe begin { println($1, $3) }',
    args: ['7', '8'],
    status: 0,
    stdout: '# probes\nbegin /* <- begin */\n{ println(7, $3) }\n',
    stderr: 'WARNING: unused command line option $2/@2\n',
  },
  {
    name: 'a printf format needs the value: still the out-of-range error',
    script: 'probe begin { printf(@1, 1) }',
    status: 1,
    stdout: '',
    stderr:
      'parse error: command line argument out of range [1-0]\n' +
      "         at: junk '' at <input>:1:22\n" +
      '     source: probe begin { printf(@1, 1) }\n' +
      '                                  ^\n\n1 parse error.\n',
  },
];

describe('--assume-args: each position, exact outcome', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const r = run(['--assume-args', ...(c.flags ?? [])], c.script, c.args);
      assert.equal(r.stderr, c.stderr);
      assert.equal(r.stdout, c.stdout);
      assert.equal(r.status, c.status);
    });
  }

  test('a preprocessor condition on an unknown argument: the same errors as without the flag', () => {
    const script = 'probe begin { %( $1 == 5 %? println(1) %) }';
    const on = run(['--assume-args'], script);
    const off = run([], script);
    assert.equal(on.status, 1);
    assert.match(on.stderr, /parse error: command line argument out of range \[1-0\]\n {9}at: junk '' at <input>:1:18\n/);
    assert.deepEqual(on, off);
  });

  test('the unknown probe point also passes with --assume-debuginfo', () => {
    const r = run(['--assume-args', '--assume-debuginfo'], 'probe kernel.function(@1).return { println(@entry($a) + $b) }');
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });
});

describe('--assume-args: an installed example that needs arguments', () => {
  const pyexample = '/usr/share/systemtap/examples/general/pyexample.stp';
  test('general/pyexample.stp with --assume-debuginfo --assume-args and no argument: no error', () => {
    assert.ok(existsSync(pyexample), `${pyexample} missing: ${INSTALL_HINT}`);
    const r = runStapLs(['-r', kbuild.dir, '-p2', '--assume-debuginfo', '--assume-args', pyexample]);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\$1\.module\("pyexample"\)\.function\("celsius_to_farenheit"\) \/\* unresolved: unknown argument \*\/ /m);
    // Without the flag: stap's parse error, as before.
    const off = runStapLs(['-r', kbuild.dir, '-p2', '--assume-debuginfo', pyexample]);
    assert.equal(off.status, 1);
    assert.equal(firstLine(off.stderr), 'parse error: command line argument out of range [1-0]');
  });
});

describe("--assume-args: without the flag the same scripts give stap's outcome", () => {
  const stap = findStap();
  for (const c of CASES) {
    test(c.name, async () => {
      const mine = runStapLs(['-r', kbuild.dir, '-p2', ...(c.flags ?? []), '-e', c.script, ...(c.args ?? [])]);
      // Every case but the `$#` one uses an argument beyond those given, which stap refuses.
      assert.equal(mine.status, c.offStatus ?? 1);
      if (mine.status !== 0) assert.match(firstLine(mine.stderr), /^parse error: command line argument out of range \[1-\d\]$/);
      if (!stap) return;
      const theirs = await runStapLatin1(['-r', kbuild.dir, '-p2', ...(c.flags ?? []), '-e', c.script, ...(c.args ?? [])]);
      assert.equal(mine.status, theirs.status);
      assert.equal(firstLine(mine.stderr), firstLine(theirs.stderr));
    });
  }
  test('a mismatch around an unknown argument is what stap says for any value of it', async () => {
    if (!stap) return;
    for (const script of ['probe process(@1).nosuch { }', 'probe nosuch(@1) { }']) {
      const mine = runStapLs(['-r', kbuild.dir, '-p2', '--assume-args', '-e', script]);
      const theirs = await runStapLatin1(['-r', kbuild.dir, '-p2', '-e', script, 'x']);
      assert.equal(mine.stderr, theirs.stderr.replace(/WARNING: unused command line option \$1\/@1\n/, ''));
      assert.equal(mine.status, theirs.status);
    }
  });

  test('stap is installed (else only stap-ls was checked above)', () => {
    assert.ok(stap, 'stap not found: install systemtap (or set STAP) to compare with it');
  });
});
