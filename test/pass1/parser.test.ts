/**
 * Unit tests of the pass-1 parser (server/src/passes/parse/parser.ts and parse-*.ts, mirroring
 * parse.cxx) and of the -p1 printer on what it builds: precedence and every construct through
 * the printed dump, each error message with the token stap shows (`saw:`/`at:`), throw sites
 * (stap's duplicate-suppression key), recovery, and the empty-file messages.
 *
 * The expected dumps and error lines were produced by stap 4.8 (`stap -p1`, and `-g -p1` for
 * the dumps) on exactly these one-line scripts; the tests themselves do not need stap.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ForeachLoop, ForLoop, ProbeAlias, StapFile } from '../../server/src/ast/staptree';
import { printStapFile } from '../../server/src/dump/p1';
import type { ParseError, TokenSource } from '../../server/src/passes/parse/errors';
import { Lexer } from '../../server/src/passes/parse/lexer';
import { parse, type ParseResult } from '../../server/src/passes/parse/parser';
import { Preprocessor } from '../../server/src/passes/parse/preprocess';
import { formatToken, type Token } from '../../server/src/passes/parse/token';
import { STAP_VERSION, type Session } from '../../server/src/session';

function session(overrides: Partial<Session> = {}): Session {
  return {
    target: {
      kernelRelease: '6.1.0-fake',
      kernelBaseRelease: '6.1.0',
      arch: 'x86_64',
      runtime: 'kernel',
      kernelConfig: new Map([
        ['CONFIG_X86_64', 'y'],
        ['CONFIG_KPROBES', 'y'],
      ]),
    },
    compatible: STAP_VERSION,
    privilege: 'stapdev',
    guru: false,
    includePath: [],
    args: [],
    verbose: 0,
    lastPass: 1,
    suppressWarnings: false,
    warningsAsErrors: false,
    ...overrides,
  };
}

interface Options {
  guru?: boolean;
  args?: string[];
  compatible?: string;
  library?: boolean;
  /** Run the macro and conditional passes too. */
  preprocess?: boolean;
  name?: string;
}

function parseText(text: string, o: Options = {}): ParseResult {
  const s = session({ guru: !!o.guru, args: o.args ?? [], compatible: o.compatible ?? STAP_VERSION });
  const file = { name: o.name ?? 'x.stp', text };
  let tokens: TokenSource = new Lexer(file, { args: s.args, compatible: s.compatible });
  if (o.preprocess) tokens = new Preprocessor(tokens, { session: s, libraryMacros: new Map(), file });
  return parse(file, tokens, { session: s, privileged: !!o.guru, library: o.library });
}

/** The file's dump after `# file NAME`. */
function dump(text: string, o: Options = {}): string {
  const r = parseText(text, { guru: true, ...o });
  assert.deepEqual(r.errors.map(describeError), [], text);
  assert.ok(r.stapfile);
  return printStapFile(r.stapfile).replace(/^# file [^\n]*\n/, '');
}

/** `message` and stap's `saw:`/`at:` line (without its indentation). */
function describeError(e: ParseError): [string, string] {
  const where = e.token ? formatToken(e.token) : `${'x.stp'} EOF`;
  return [e.message, `${e.ownToken ? 'at' : 'saw'}: ${where}`];
}

function firstError(text: string, o: Options = {}): [string, string] | undefined {
  const r = parseText(text, o);
  return r.errors.length ? describeError(r.errors[0]) : undefined;
}

/** [script, stap -p1 dump of it after `# file NAME`], from stap 4.8 with -g. */
const DUMPS: [string, string][] = [
  [
    "probe begin { x = a || b && c | d ^ e & f == g < h << i . j + k * -l }",
    "probe begin{\n(x) = ((a) || ((b) && ((c) | ((d) ^ ((e) & (((f) == (g)) < ((h) << ((i) . ((j) + ((k) * (-(l))))))))))));\n}\n",
  ],
  [
    "probe begin { x = a = b += c }",
    "probe begin{\n(x) = ((a) = ((b) += (c)));\n}\n",
  ],
  [
    "probe begin { x = a ? b : c ? d : e }",
    "probe begin{\n(x) = ((a)?(b):((c)?(d):(e)));\n}\n",
  ],
  [
    "probe begin { x = a - b - c; y = a / b % c; z = a . b . c }",
    "probe begin{\n(x) = (((a) - (b)) - (c));\n(y) = (((a) / (b)) % (c));\n(z) = (((a) . (b)) . (c));\n}\n",
  ],
  [
    "probe begin { x = a < b == c != d }",
    "probe begin{\n(x) = ((((a) < (b)) == (c)) != (d));\n}\n",
  ],
  [
    "probe begin { x = ! ~-+a; y = - -a; z = ++a + b-- }",
    "probe begin{\n(x) = (!(~(-(+(a)))));\n(y) = (-(-(a)));\n(z) = ((++(a)) + ((b)--));\n}\n",
  ],
  [
    "probe begin { x = [1, \"a\"] in m; y = 1 in m; z = [a, *] in m }",
    "probe begin{\n(x) = ([1, \"a\"] in m);\n(y) = ([1] in m);\n(z) = ([a, *] in m);\n}\n",
  ],
  [
    "probe begin { x = s =~ \"a\" \"b\"; y = s !~ \"c\" }",
    "probe begin{\n(x) = ((s) =~ \"ab\");\n(y) = ((s) !~ \"c\");\n}\n",
  ],
  [
    "probe begin { x = (a)[1]; y = a[1][2]; z = f(1)->b; w = &a->b }",
    "probe begin{\n(x) = ((a)[1]);\n(y) = ((a[1])[2]);\n(z) = ((f(1))->b);\n(w) = (&(a)->b);\n}\n",
  ],
  [
    "probe begin { x = $a->b[1][$c]->d$; y = $$parms$$; z = &$a }",
    "probe begin{\n(x) = ($a->b[1][$c]->d->$);\n(y) = ($$parms->$$);\n(z) = (&$a);\n}\n",
  ],
  [
    "probe begin { x = @cast(p, \"task_struct\", \"kernel<linux/sched.h>\")->pid[0] }",
    "probe begin{\n(x) = (@cast(p, \"task_struct\", \"kernel<linux/sched.h>\")->pid[0]);\n}\n",
  ],
  [
    "probe begin { x = @var(\"jiffies@kernel/time.c\", \"kernel\") }",
    "probe begin{\n(x) = (@var(\"jiffies@kernel/time.c\", \"kernel\"));\n}\n",
  ],
  [
    "probe begin { x = @defined($a) ? @entry($b) : @perf(\"x\") }",
    "probe begin{\n(x) = ((@defined($a))?(@entry($b)):(@perf(\"x\")));\n}\n",
  ],
  [
    "probe begin { x = @count(s) + @sum(s) + @min(s) + @max(s) + @avg(s) + @variance(s, 3) }",
    "probe begin{\n(x) = ((((((@count(s)) + (@sum(s))) + (@min(s))) + (@max(s))) + (@avg(s))) + (@variance(s, 3)));\n}\n",
  ],
  [
    "probe begin { print(@hist_linear(s, -10, 0x10, 1)); println(@hist_log(s)[2]); x = @hist_log(s)[*] }",
    "probe begin{\nprint(@hist_linear(s, -10, 16, 1));\nprintln(@hist_log(s)[2]);\n(x) = (@hist_log(s)[*]);\n}\n",
  ],
  [
    "probe begin { printf(\"a\\tb\\\"c\\\\n\", 1, \"s\"); printd(\", \", 1, 2); printdln(\"|\", a, b); sprintln(); println() }",
    "probe begin{\nprintf(\"a\\\\tb\\\"c\\\\\\\\n\", 1, \"s\");\nprintd(\", \", 1, 2);\nprintdln(\"|\", a, b);\nsprintln();\nprintln();\n}\n",
  ],
  [
    "probe begin { print(\"x\" \"y\", 1); s = sprintf(\"%d\" \"\\n\", 2) }",
    "probe begin{\nprint(\"xy\", 1);\n(s) = (sprintf(\"%d\\\\n\", 2));\n}\n",
  ],
  [
    "probe begin { x = \"tab\tand \\\"quote\\\" and \\n\" }",
    "probe begin{\n(x) = (\"tab\tand \\\"quote\\\" and \\n\");\n}\n",
  ],
  [
    "probe begin { x = 0777 + 0x10 + 0xffffffffffffffff + 18446744073709551615 + 9223372036854775808 }",
    "probe begin{\n(x) = (((((511) + (16)) + (-1)) + (-1)) + (-9223372036854775808));\n}\n",
  ],
  [
    "probe begin { if (a) b else if (c) d else e; if (a) ; else ; }",
    "probe begin{\nif (a) b\nelse if (c) d\nelse e\n\n;\nif (a) ;\nelse ;\n;\n}\n",
  ],
  [
    "probe begin { for (;;) break; for (i = 0; i < 3; i++) continue; while (x) { next } }",
    "probe begin{\nfor (; 1; ) break;\nfor ((i) = (0); (i) < (3); (i)++) continue;\nfor (; x; ) {\nnext;\n};\n}\n",
  ],
  [
    "probe begin { foreach (v = [k, l+] in a limit 3) x; foreach (k- in a) x; foreach (v- = k in a[1, *]) x }",
    "probe begin{\nforeach (v = [k, l+] in a limit 3) x;\nforeach ([k-] in a) x;\nforeach (v = [k] in a[1, *]-) x;\n}\n",
  ],
  [
    "probe begin { foreach ([k] in a @avg+) x; foreach (k in a @variance-) x; foreach (k in @hist_log(s)) x }",
    "probe begin{\nforeach ([k] in a @avg+) x;\nforeach ([k] in a-) x;\nforeach ([k] in @hist_log(s)) x;\n}\n",
  ],
  [
    "probe begin { try { x } catch { y }; try { } catch (e) { } }",
    "probe begin{\ntry {\n{\nx;\n}\n} catch {\n{\ny;\n}\n}\n;\n;;\ntry {\n{\n}\n} catch (e) {\n{\n}\n}\n;\n}\n",
  ],
  [
    "probe begin { delete a[*, 1]; delete a; delete $x; ;; {} }",
    "probe begin{\ndelete a[*, 1];\ndelete a;\ndelete $x;\n;;\n;;\n{\n};\n}\n",
  ],
  [
    "probe a.b(1).c(\"s\")?, d!, e if (x > 1), f? if (y), *.g**h* { }",
    "probe a.b(1).c(\"s\")?,d!,e if ((x) > (1)),f? if (y),*.g**h*{\n}\n",
  ],
  [
    "probe a.{b,c}.{d?,e} if (z), {f,g}!, h.{i, j.{k, l}} { }",
    "probe a.b.d? if (z),a.b.e if (z),a.c.d? if (z),a.c.e if (z),f!,g!,h.i,h.j.k,h.j.l{\n}\n",
  ],
  [
    "probe a(-1), b(0x10), c(\"a\" \"b\"), d(-0) { }",
    "probe a(-1),b(16),c(\"ab\"),d(0){\n}\n",
  ],
  [
    "probe a = b, c { x = 1 }",
    "probe a = b, c{\n(x) = (1);\n}\n",
  ],
  [
    "probe a.b += c, d? { }",
    "probe a.b += c, d?{\n}\n",
  ],
  [
    "probe a = b = c { }, { y = 2 }",
    "probe a = b = c{\n}\n",
  ],
  [
    "probe a += b = c { }",
    "probe a = b += c{\n}\n",
  ],
  [
    "global a, b[10], c%, d%[5], e = 1, f = -2, g = \"s\\\"x\", h = 0x10;",
    "global a\nglobal b[10]\nglobal c%\nglobal d%[5]\nglobal e = 1\nglobal f = -2\nglobal g = \"s\\\"x\"\nglobal h = 16\n",
  ],
  [
    "private global p = 1",
    "global p = 1\n",
  ],
  [
    "private q",
    "global q\n",
  ],
  [
    "function f(a, b) { return a + b }",
    "function f (a, b)\n{\nreturn (a) + (b);\n}\n",
  ],
  [
    "function g:long (a:long, b:string) : 3 { return }",
    "function g (a, b)\n{\nreturn;\n}\n",
  ],
  [
    "private function h() %{ /* pure */ %}",
    "function h ()\n%{ /* pure */ %}\n",
  ],
  [
    "function string(x) { } function long() { }",
    "function string (x)\n{\n}\nfunction long ()\n{\n}\n",
  ],
  [
    "%{ top1 %} %{ top2 %} probe begin { x = %{ e %} } global z",
    "%{ top1 %}%{ top2 %}global z\nprobe begin{\n(x) = (%{  e  %});\n}\n",
  ],
];

/** [script, first error message, its token line], from stap 4.8 (without -g). */
const FIRST_ERRORS: [string, string, string][] = [
  ["probe begin { x = 1 + }", "expected literal string or number", "saw: operator '}' at x.stp:1:23"],
  ["probe begin { x = ; }", "expected literal string or number", "saw: operator ';' at x.stp:1:19"],
  ["probe begin { x = @ + 1 }", "unknown operator @", "saw: operator '@' at x.stp:1:19"],
  ["probe begin { x = (1 + 2; }", "expected ')'", "saw: operator ';' at x.stp:1:25"],
  ["probe begin { x = () }", "expected literal string or number", "saw: operator ')' at x.stp:1:20"],
  ["probe begin { x = a || = 1 }", "expected literal string or number", "saw: operator '=' at x.stp:1:24"],
  ["probe begin { x = a ? : 2 }", "expected literal string or number", "saw: operator ':' at x.stp:1:23"],
  ["probe begin { x = a ? 1 }", "expected ':'", "saw: operator '}' at x.stp:1:25"],
  ["probe begin { x = [1, 2] }", "unexpected comma-separated expression list", "saw: operator '}' at x.stp:1:26"],
  ["probe begin { x = [1 2] in a }", "expected ',' or ']'", "saw: number '2' at x.stp:1:22"],
  ["probe begin { x = 1 in }", "expected identifier or statistical operation", "saw: operator '}' at x.stp:1:24"],
  ["probe begin { x = 1 in 2 }", "expected identifier or statistical operation", "saw: number '2' at x.stp:1:24"],
  ["probe begin { x = s =~ \"a\" =~ \"b\" }", "expected literal string or number", "saw: operator '=~' at x.stp:1:28"],
  ["probe begin { x = s =~ t }", "expected literal string", "saw: identifier 't' at x.stp:1:24"],
  ["probe begin { x = s !~ 1 }", "expected literal string", "saw: number '1' at x.stp:1:24"],
  ["probe begin { x = $a-> }", "expected identifier or keyword", "saw: operator '}' at x.stp:1:24"],
  ["probe begin { x = $a->1 }", "expected identifier or keyword", "saw: number '1' at x.stp:1:23"],
  ["probe begin { x = $a[1 }", "expected ']'", "saw: operator '}' at x.stp:1:24"],
  ["probe begin { x = $a$->b }", "-> and [ are not accepted for a pretty-printing variable", "saw: operator '->' at x.stp:1:22"],
  ["probe begin { x = $a $ [1] }", "-> and [ are not accepted for a pretty-printing variable", "saw: operator '[' at x.stp:1:24"],
  ["probe begin { x = &&a }", "expected literal string or number", "saw: operator '&&' at x.stp:1:19"],
  ["probe begin { x = & }", "expected literal string or number", "saw: operator '}' at x.stp:1:21"],
  ["probe begin { x = @cast }", "expected '('", "saw: operator '}' at x.stp:1:25"],
  ["probe begin { x = @cast(p) }", "expected ','", "saw: operator ')' at x.stp:1:26"],
  ["probe begin { x = @cast(p, t) }", "expected string", "saw: identifier 't' at x.stp:1:28"],
  ["probe begin { x = @cast(p, \"\") }", "expected non-empty string", "saw: operator ')' at x.stp:1:30"],
  ["probe begin { x = @cast(p, \"t\", m) }", "expected string", "saw: identifier 'm' at x.stp:1:33"],
  ["probe begin { x = @cast(p, \"t\", \"m\", \"x\") }", "expected ')'", "saw: operator ',' at x.stp:1:36"],
  ["probe begin { x = @var }", "expected '('", "saw: operator '}' at x.stp:1:24"],
  ["probe begin { x = @var(a) }", "expected string", "saw: identifier 'a' at x.stp:1:24"],
  ["probe begin { x = @var(\"a\", b) }", "expected string", "saw: identifier 'b' at x.stp:1:29"],
  ["probe begin { x = @var(\"a\" c) }", "expected ')'", "saw: identifier 'c' at x.stp:1:28"],
  ["probe begin { x = @defined() }", "expected literal string or number", "saw: operator ')' at x.stp:1:28"],
  ["probe begin { x = @defined(1 }", "expected ')'", "saw: operator '}' at x.stp:1:30"],
  ["probe begin { x = @entry }", "expected '('", "saw: operator '}' at x.stp:1:26"],
  ["probe begin { x = @perf(1) }", "expected literal string", "saw: number '1' at x.stp:1:25"],
  ["probe begin { x = @perf(\"a\" }", "expected ')'", "saw: operator '}' at x.stp:1:29"],
  ["probe begin { x = @probewrite(1) }", "expected identifier", "saw: number '1' at x.stp:1:31"],
  ["probe begin { x = @probewrite(a }", "expected ')'", "saw: operator '}' at x.stp:1:33"],
  ["probe begin { x = @foo }", "unknown operator @foo", "saw: operator '@foo' at x.stp:1:19"],
  ["probe begin { x = @count }", "expected '('", "saw: operator '}' at x.stp:1:26"],
  ["probe begin { x = @count(s, 1) }", "not more than 1 parameter allowed", "at: operator ',' at x.stp:1:27"],
  ["probe begin { x = @variance(s, 1, 2) }", "not more than 2 parameters allowed", "at: operator ',' at x.stp:1:33"],
  ["probe begin { x = @variance(s, a) }", "expected number", "saw: identifier 'a' at x.stp:1:32"],
  ["probe begin { x = @hist_log(s) }", "base histogram operator where expression expected", "at: operator '@hist_log' at x.stp:1:19"],
  ["probe begin { x = @hist_log(s, 1) }", "expected ')'", "saw: operator ',' at x.stp:1:30"],
  ["probe begin { x = @hist_linear(s, 1, 2) }", "expected ','", "saw: operator ')' at x.stp:1:39"],
  ["probe begin { x = @hist_linear(s, 1, 2, a) }", "expected number", "saw: identifier 'a' at x.stp:1:41"],
  ["probe begin { print(@hist_log(s), 1) }", "expected ')'", "saw: operator ',' at x.stp:1:33"],
  ["probe begin { printf(@hist_log(s)) }", "expected literal string", "saw: operator '@hist_log' at x.stp:1:22"],
  ["probe begin { print(1, @hist_log(s)) }", "base histogram operator where expression expected", "at: operator '@hist_log' at x.stp:1:24"],
  ["probe begin { print(@hist_log(s)[1] 2) }", "expected one of ', )'", "saw: number '2' at x.stp:1:37"],
  ["probe begin { x = @hist_log(s)[1 2] }", "expected one of '] ,'", "saw: number '2' at x.stp:1:34"],
  ["probe begin { x = a[] }", "expected literal string or number", "saw: operator ']' at x.stp:1:21"],
  ["probe begin { x = a[1,] }", "expected literal string or number", "saw: operator ']' at x.stp:1:23"],
  ["probe begin { x = a[1 2] }", "expected one of '] ,'", "saw: number '2' at x.stp:1:23"],
  ["probe begin { f(1 2) }", "expected one of ') ,'", "saw: number '2' at x.stp:1:19"],
  ["probe begin { f(1,) }", "expected literal string or number", "saw: operator ')' at x.stp:1:19"],
  ["probe begin { f(1 }", "expected one of ') ,'", "saw: operator '}' at x.stp:1:19"],
  ["probe begin { print() }", "expected literal string or number", "saw: operator ')' at x.stp:1:21"],
  ["probe begin { printf() }", "expected literal string", "saw: operator ')' at x.stp:1:22"],
  ["probe begin { printf(\"%d\" 1) }", "expected one of ', )'", "saw: number '1' at x.stp:1:27"],
  ["probe begin { printd(\"x\") }", "expected literal string or number", "saw: operator '}' at x.stp:1:27"],
  ["probe begin { printd(\"x\", 1) }", "expected literal string or number", "saw: operator '}' at x.stp:1:30"],
  ["probe begin { print \"x\" }", "expected '('", "saw: string 'x' at x.stp:1:21"],
  ["probe begin { x = print }", "expected '('", "saw: operator '}' at x.stp:1:25"],
  ["probe begin { x = string(1) }", "expected literal string or number", "saw: keyword at x.stp:1:19"],
  ["probe begin { x = 08 }", "number invalid or out of range", "saw: number '08' at x.stp:1:19"],
  ["probe begin { x = 0x }", "number invalid or out of range", "saw: number '0x' at x.stp:1:19"],
  ["probe begin { x = 99999999999999999999 }", "number invalid or out of range", "saw: number '99999999999999999999' at x.stp:1:19"],
  ["probe begin { x = 1x }", "number invalid or out of range", "saw: number '1x' at x.stp:1:19"],
  ["probe begin { x = `a` }", "expected literal string or number", "saw: operator '`' at x.stp:1:19"],
  ["probe begin { x = \"abc }", "Could not find matching closing quote", "at: junk '' at x.stp:1:19"],
  ["probe begin { x = %{ 1 %} }", "embedded expression code in unprivileged script; need stap -g", "saw: embedded-code at x.stp:1:19"],
  ["probe begin { x = @const(\"X\") }", "using @const operator not permitted; need stap -g", "saw: operator '@const' at x.stp:1:19"],
  ["probe begin { x = @kregister(1) }", "using @kregister operator not permitted; need stap -g", "saw: operator '@kregister' at x.stp:1:19"],
  ["probe begin { x = @kderef(4, 1) }", "using @kderef operator not permitted; need stap -g", "saw: operator '@kderef' at x.stp:1:19"],
  ["probe begin { if x > 1 }", "expected '('", "saw: identifier 'x' at x.stp:1:18"],
  ["probe begin { if (x; }", "expected ')'", "saw: operator ';' at x.stp:1:20"],
  ["probe begin { if (x) else }", "expected statement", "saw: keyword at x.stp:1:22"],
  ["probe begin { else }", "expected statement", "saw: keyword at x.stp:1:15"],
  ["probe begin { for (long i = 0;;) x }", "expected literal string or number", "saw: keyword at x.stp:1:20"],
  ["probe begin { for (i = 0; i < 3) x }", "expected ';'", "saw: operator ')' at x.stp:1:32"],
  ["probe begin { for (;;;) x }", "expected literal string or number", "saw: operator ';' at x.stp:1:22"],
  ["probe begin { for (;; i++ ;) x }", "expected ')'", "saw: operator ';' at x.stp:1:27"],
  ["probe begin { while x }", "expected '('", "saw: identifier 'x' at x.stp:1:21"],
  ["probe begin { while (x }", "expected ')'", "saw: operator '}' at x.stp:1:24"],
  ["probe begin { do { x } while (x) }", "expected literal string or number", "saw: operator '}' at x.stp:1:34"],
  ["probe begin { foreach (k a) x }", "expected 'in'", "saw: identifier 'a' at x.stp:1:26"],
  ["probe begin { foreach (k in) x }", "expected identifier or statistical operation", "saw: operator ')' at x.stp:1:28"],
  ["probe begin { foreach (k in a-+) x }", "expected ')'", "saw: operator '+' at x.stp:1:31"],
  ["probe begin { foreach (v = w = [k] in a) x }", "expected 'in'", "saw: operator '=' at x.stp:1:30"],
  ["probe begin { foreach ([] in a) x }", "expected identifier", "saw: operator ']' at x.stp:1:25"],
  ["probe begin { foreach ([k + 1] in a) x }", "expected ',' or ']'", "saw: number '1' at x.stp:1:29"],
  ["probe begin { foreach ([i+, j-] in a) x }", "multiple sort directives", "saw: operator '-' at x.stp:1:30"],
  ["probe begin { foreach (k in a @sum) x }", "expected sort directive", "saw: operator ')' at x.stp:1:35"],
  ["probe begin { foreach (k in a @foo+) x }", "expected statistical operation", "saw: operator '@foo' at x.stp:1:31"],
  ["probe begin { foreach (k in a limit) x }", "expected literal string or number", "saw: operator ')' at x.stp:1:36"],
  ["probe begin { foreach (k in a[]) x }", "expected literal string or number", "saw: operator ']' at x.stp:1:31"],
  ["probe begin { foreach (k in a[1 2]) x }", "expected ',' or ']'", "saw: number '2' at x.stp:1:33"],
  ["probe begin { foreach (k in f()) x }", "expected ')'", "saw: operator '(' at x.stp:1:30"],
  ["probe begin { try x = 1 catch { } }", "expected '{'", "saw: identifier 'x' at x.stp:1:19"],
  ["probe begin { try { } }", "expected 'catch'", "saw: operator '}' at x.stp:1:23"],
  ["probe begin { try { } catch (1) { } }", "expected identifier", "saw: number '1' at x.stp:1:30"],
  ["probe begin { try { } catch (x { } }", "expected ')'", "saw: operator '{' at x.stp:1:32"],
  ["probe begin { catch { } }", "expected statement", "saw: keyword at x.stp:1:15"],
  ["probe begin { return }", "found 'return' not in function context", "saw: keyword at x.stp:1:15"],
  ["probe begin { delete; }", "expected literal string or number", "saw: operator ';' at x.stp:1:21"],
  ["probe begin { global x }", "expected statement", "saw: keyword at x.stp:1:15"],
  ["probe begin { probe end { } }", "expected statement", "saw: keyword at x.stp:1:15"],
  ["probe begin { x = 1 } }", "expected 'probe', 'global', 'private', 'function', or '%{'", "saw: operator '}' at x.stp:1:23"],
  ["probe begin", "expected one of ', { } = +='", "saw: x.stp EOF"],
  ["probe begin print(\"x\")", "expected one of ', { } = +='", "saw: identifier 'print' at x.stp:1:13"],
  ["probe begin if () { }", "expected literal string or number", "saw: operator ')' at x.stp:1:17"],
  ["probe begin if enabled { }", "expected '('", "saw: identifier 'enabled' at x.stp:1:16"],
  ["probe begin if (a) if (b) { }", "expected one of ', { } = +='", "saw: keyword at x.stp:1:20"],
  ["probe begin if (a) ? { }", "expected one of ', { } = +='", "saw: operator '?' at x.stp:1:20"],
  ["probe begin?? { }", "expected one of ', { } = +='", "saw: operator '?' at x.stp:1:13"],
  ["probe {a?}? { }", "'?' or '!' respecified", "saw: operator '?' at x.stp:1:11"],
  ["probe {a if (1)} if (2) { }", "condition respecified", "saw: operator ')' at x.stp:1:23"],
  ["probe timer.ms(100 + 5) { }", "expected ')'", "saw: operator '+' at x.stp:1:20"],
  ["probe kernel.function(vfs_read) { }", "expected literal string or number", "saw: identifier 'vfs_read' at x.stp:1:23"],
  ["probe timer.ms(1)(2) { }", "expected one of ', { } = +='", "saw: operator '(' at x.stp:1:18"],
  ["probe a.b() { }", "expected literal string or number", "saw: operator ')' at x.stp:1:11"],
  ["probe a..b { }", "expected identifier or '*' or '{'", "saw: operator '.' at x.stp:1:9"],
  ["probe 123 { }", "expected identifier or '*' or '{'", "saw: number '123' at x.stp:1:7"],
  ["probe end(-) { }", "expected literal string or number", "saw: operator ')' at x.stp:1:12"],
  ["probe \"begin\" { }", "expected identifier or '*' or '{'", "saw: string 'begin' at x.stp:1:7"],
  ["probe begin, { }", "expected identifier or '*' or '{'", "saw: operator '}' at x.stp:1:16"],
  ["probe begin. { }", "expected identifier or '*' or '{'", "saw: operator '}' at x.stp:1:16"],
  ["probe p(\"a\", \"b\") { }", "expected ')'", "saw: operator ',' at x.stp:1:12"],
  ["probe timer.ms(100 { }", "expected ')'", "saw: operator '{' at x.stp:1:20"],
  ["probe {} { }", "expected identifier or '*' or '{'", "saw: operator '}' at x.stp:1:8"],
  ["probe a.{b, c { }", "expected '}'", "saw: operator '{' at x.stp:1:15"],
  ["probe a.{b?, c}.d { }", "'?', '!' or condition must only be specified in suffix", "at: identifier 'a' at x.stp:1:7"],
  ["probe = begin { }", "expected identifier or '*' or '{'", "saw: operator '=' at x.stp:1:7"],
  ["probe a = { }", "expected identifier or '*' or '{'", "saw: operator '}' at x.stp:1:13"],
  ["probe a? = b { }", "probe point alias name cannot be optional nor sufficient", "at: identifier 'a' at x.stp:1:7"],
  ["probe a, b = c { }", "expected probe point specifier", "saw: operator '=' at x.stp:1:12"],
  ["probe a = b { }, x", "expected '{'", "saw: identifier 'x' at x.stp:1:18"],
  ["probe a = b { } x", "expected 'probe', 'global', 'private', 'function', or '%{'", "saw: identifier 'x' at x.stp:1:17"],
  ["probe foo *bar { }", "expected one of ', { } = +='", "saw: operator '*' at x.stp:1:11"],
  ["x = 1", "expected 'probe', 'global', 'private', 'function', or '%{'", "saw: identifier 'x' at x.stp:1:1"],
  [";", "expected 'probe', 'global', 'private', 'function', or '%{'", "saw: operator ';' at x.stp:1:1"],
  ["global", "unexpected end-of-file", "saw: x.stp EOF"],
  ["global x,", "unexpected end-of-file", "saw: x.stp EOF"],
  ["global x[]", "expected number", "saw: operator ']' at x.stp:1:10"],
  ["global x[100 + 1]", "expected ']'", "saw: operator '+' at x.stp:1:14"],
  ["global x[0]", "array size out of range", "saw: x.stp EOF"],
  ["global x[1][2]", "expected 'probe', 'global', 'private', 'function', or '%{'", "saw: operator '[' at x.stp:1:12"],
  ["global x%%", "expected 'probe', 'global', 'private', 'function', or '%{'", "saw: operator '%' at x.stp:1:10"],
  ["global x[10] = 1", "only scalar globals can be initialized", "saw: operator '=' at x.stp:1:14"],
  ["global x = y", "expected literal string or number", "saw: identifier 'y' at x.stp:1:12"],
  ["global x = -", "unexpected end-of-file", "saw: x.stp EOF"],
  ["global x = -9223372036854775809", "number invalid or out of range", "saw: number '9223372036854775809' at x.stp:1:13"],
  ["global x = 18446744073709551616", "number invalid or out of range", "saw: number '18446744073709551616' at x.stp:1:12"],
  ["global x, x", "duplicate global name", "saw: identifier 'x' at x.stp:1:11"],
  ["global y private y", "global versus private variable declaration conflict", "saw: identifier 'y' at x.stp:1:18"],
  ["private", "unexpected end-of-file", "saw: x.stp EOF"],
  ["private 1", "expected 'function' or identifier", "saw: number '1' at x.stp:1:9"],
  ["private probe begin { }", "expected 'function' or identifier", "saw: keyword at x.stp:1:9"],
  ["private private function f() { }", "expected 'function' or identifier", "saw: keyword at x.stp:1:9"],
  ["function", "unexpected end-of-file", "saw: x.stp EOF"],
  ["function if() { }", "expected identifier", "saw: keyword at x.stp:1:10"],
  ["function f { }", "expected '('", "saw: operator '{' at x.stp:1:12"],
  ["function f:int () { }", "expected 'string' or 'long'", "saw: identifier 'int' at x.stp:1:12"],
  ["function f:long:string () { }", "expected '('", "saw: operator ':' at x.stp:1:16"],
  ["function f(a, b = 1) { }", "expected ',' or ')'", "saw: operator '=' at x.stp:1:17"],
  ["function f(string) { }", "expected identifier", "saw: keyword at x.stp:1:12"],
  ["function f(a:long, b:) { }", "expected 'string' or 'long'", "saw: operator ')' at x.stp:1:22"],
  ["function f(a b) { }", "expected ',' or ')'", "saw: identifier 'b' at x.stp:1:14"],
  ["function f(a, a) { }", "duplicate parameter names", "saw: identifier 'a' at x.stp:1:15"],
  ["function f(a):long { }", "expected literal string or number", "saw: keyword at x.stp:1:15"],
  ["function f() : \"x\" { }", "expected literal number", "saw: operator '{' at x.stp:1:20"],
  ["function f() : 0 { }", "specified priority must be > 0", "saw: number '0' at x.stp:1:16"],
  ["function f() : -1 { }", "specified priority must be > 0", "saw: number '1' at x.stp:1:17"],
  ["function f() : 10 : 3 { }", "expected '{'", "saw: operator ':' at x.stp:1:19"],
  ["function f() x", "expected '{'", "saw: identifier 'x' at x.stp:1:14"],
  ["function f() %{ x %}", "embedded code in unprivileged script; need stap -g", "saw: embedded-code at x.stp:1:14"],
  ["%{ x %}", "embedded code in unprivileged script; need stap -g", "saw: embedded-code at x.stp:1:1"],
  ["%)", "incomplete conditional - missing '%('", "at: operator '%)' at x.stp:1:1"],
  ["%:", "incomplete conditional - missing '%('", "at: operator '%:' at x.stp:1:1"],
  ["probe begin { x = 1 %? 2 }", "incomplete conditional - missing '%('", "at: operator '%?' at x.stp:1:21"],
];

/**
 * [script cut short, first error, token line], from stap 4.8: which token an error shows
 * depends on stap's `last_t` (peek and next set it, swallow and the expect_* helpers clear it),
 * so each place that reads a token is pinned here by the end of the file arriving right there.
 */
const EOF_ERRORS: [string, string, string][] = [
  ["function f", "unexpected end-of-file", "saw: identifier 'f' at x.stp:1:10"],
  ["function f:", "unexpected end-of-file", "saw: x.stp EOF"],
  ["function f(", "unexpected end-of-file", "saw: x.stp EOF"],
  ["function f(a", "unexpected end-of-file", "saw: identifier 'a' at x.stp:1:12"],
  ["function f(a,", "unexpected end-of-file", "saw: x.stp EOF"],
  ["function f(a:long", "unexpected end-of-file", "saw: x.stp EOF"],
  ["function f(a:long,", "unexpected end-of-file", "saw: x.stp EOF"],
  ["function f(a) :", "unexpected end-of-file", "saw: x.stp EOF"],
  ["function pid2:long ", "unexpected end-of-file", "saw: x.stp EOF"],
  ["global", "unexpected end-of-file", "saw: x.stp EOF"],
  ["global x = ", "unexpected end-of-file", "saw: operator '=' at x.stp:1:10"],
  ["global x = -", "unexpected end-of-file", "saw: x.stp EOF"],
  ["global x[0]", "array size out of range", "saw: x.stp EOF"],
  ["global x[-", "unexpected end-of-file", "saw: x.stp EOF"],
  ["global x,", "unexpected end-of-file", "saw: x.stp EOF"],
  ["private", "unexpected end-of-file", "saw: x.stp EOF"],
  ["private function", "unexpected end-of-file", "saw: x.stp EOF"],
  ["private global", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe", "unexpected end-of-file", "saw: keyword at x.stp:1:1"],
  ["probe {", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe a.", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe a(", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe a(1", "unexpected end-of-file", "saw: number '1' at x.stp:1:9"],
  ["probe a,", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe a if", "expected '('", "saw: x.stp EOF"],
  ["probe a if (", "expected value", "saw: x.stp EOF"],
  ["probe a if (1", "expected ')'", "saw: x.stp EOF"],
  ["probe a = b {} ,", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { if", "unexpected end-of-file", "saw: keyword at x.stp:1:15"],
  ["probe begin { if (x", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { try", "unexpected end-of-file", "saw: keyword at x.stp:1:15"],
  ["probe begin { try {} catch", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { try {} catch (x", "unexpected end-of-file", "saw: identifier 'x' at x.stp:1:29"],
  ["probe begin { foreach (", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { foreach (v- = [i", "expected ',' or ']'", "saw: x.stp EOF"],
  ["probe begin { foreach ([k] in a[1", "expected ',' or ']'", "saw: x.stp EOF"],
  ["probe begin { foreach (k in ", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { x = @variance(s,", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { x = @sum(d }", "unexpected end-of-file", "saw: operator '}' at x.stp:1:26"],
  ["probe begin { x = @sum(d 1 2) ; y = }", "expected literal string or number", "saw: operator '}' at x.stp:1:37"],
  ["probe begin { x = [1,", "expected value", "saw: x.stp EOF"],
  ["probe begin { x = [1", "expected ',' or ']'", "saw: x.stp EOF"],
  ["probe begin { x = a[1", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { x = $a->", "unexpected end-of-file", "saw: operator '->' at x.stp:1:21"],
  ["probe begin { x = $a[1", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { x = @cast(1", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { x = (", "expected value", "saw: x.stp EOF"],
  ["probe begin { f(1", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { print(1", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { printd(\",\", 1", "unexpected end-of-file", "saw: x.stp EOF"],
  ["probe begin { x = 1 ? 2", "unexpected end-of-file", "saw: x.stp EOF"],
];

describe('parser: dumps of every construct match stap -p1', () => {
  for (const [script, expected] of DUMPS) {
    test(script, () => assert.equal(dump(script), expected));
  }
});

describe('parser: first error message and token match stap', () => {
  for (const [script, message, token] of FIRST_ERRORS) {
    test(script, () => assert.deepEqual(firstError(script), [message, token]));
  }

  for (const [script, message, token] of EOF_ERRORS) {
    test(`cut short: ${script}`, () => assert.deepEqual(firstError(script), [message, token]));
  }

  test('stray conditional markers: the same error from the preprocessor', () => {
    for (const script of ['%)', '%:', 'probe begin { x = 1 %? 2 }']) {
      assert.deepEqual(firstError(script, { preprocess: true }), firstError(script), script);
    }
  });

  test("a preprocessor error without a token shows the parser's last token, message intact", () => {
    assert.deepEqual(firstError('@define m(a) %( @a %)\nprobe begin { x = 1 + @m', { preprocess: true }), [
      "expected '(' in invocation of macro '@m' taking 1 parameter",
      "saw: operator '+' at x.stp:2:21",
    ]);
    assert.deepEqual(firstError('@define m(a) %( @a %)\nprobe begin { x = @m }', { preprocess: true }), [
      "expected '(' in invocation of macro '@m' taking 1 parameter",
      "at: operator '}' at x.stp:2:22",
    ]);
  });

  test('a call or index list forgets its closing token (an error right after shows EOF)', () => {
    assert.deepEqual(firstError('@define m(a) %( @a %)\nprobe b { f(1)\n@m', { preprocess: true }), [
      "expected '(' in invocation of macro '@m' taking 1 parameter",
      'saw: x.stp EOF',
    ]);
  });

  test('a token from $1 is located at the $1', () => {
    assert.deepEqual(firstError('probe begin { x = 1 + $1 }', { args: ['1 + )'] }), [
      'expected literal string or number',
      "saw: operator ')' at x.stp:1:23",
    ]);
  });

  test('lexer junk replaces the message and shows at:', () => {
    assert.deepEqual(firstError('probe begin { x = $2 }', { args: ['a'] }), [
      'command line argument out of range [1-1]',
      "at: junk '' at x.stp:1:19",
    ]);
    assert.deepEqual(firstError('probe begin { x = $1 }', { args: ['@1'] }), [
      'invalid nested substitution of command line arguments',
      "at: junk '' at x.stp:1:19",
    ]);
    assert.deepEqual(firstError('%{\nx'), [
      "Could not find matching '%}' to close embedded function block",
      "at: junk '' at x.stp:1:1",
    ]);
  });

  test('a junk byte without a message is an ordinary "saw:" token', () => {
    assert.deepEqual(firstError('probe begin { x = \x01 }'), [
      'expected literal string or number',
      "saw: junk '\\x01' at x.stp:1:19",
    ]);
  });

  test('guru-only constructs parse with -g', () => {
    for (const script of [
      '%{ x %} probe begin { x = %{ 1 %} }',
      'function f() %{ x %}',
      'probe begin { x = @const("X") + @kregister(1) + @kderef(4, 1) }',
    ]) {
      assert.equal(firstError(script, { guru: true }), undefined, script);
    }
    assert.equal(firstError('probe begin { x = @uregister(1) + @uderef(4, 1) }'), undefined);
  });

  test('--compatible gates @kregister (4.0), private (3.0), & on any value (2.6) and the ternary (4.0)', () => {
    // @const and @variance are not gated (only their redefinition as macros warns by version).
    assert.equal(firstError('probe begin { x = @const("X") + @variance(s, 1) }', { guru: true, compatible: '1.0' }), undefined);
    assert.deepEqual(firstError('probe begin { x = &a }', { compatible: '2.5' }), ['expected @cast, @var or $var', "saw: identifier 'a' at x.stp:1:20"]);
    assert.deepEqual(firstError('probe begin { x = a->b }', { compatible: '2.5' }), [
      'expected literal string or number',
      "saw: operator '->' at x.stp:1:20",
    ]);
    assert.deepEqual(firstError('probe begin { x = @kregister(1) }', { guru: true, compatible: '3.9' })?.[0], 'unknown operator @kregister');
    assert.deepEqual(firstError('private x', { compatible: '2.9' })?.[0], "expected 'probe', 'global', 'private', 'function', or '%{'");
    // Before 4.0 the false branch of ?: is a whole expression (so it can hold an assignment).
    assert.equal(dump('probe begin { a ? b : c = d }', { compatible: '3.9' }), 'probe begin{\n(a)?(b):((c) = (d));\n}\n');
    assert.equal(dump('probe begin { a ? b : c = d }'), 'probe begin{\n((a)?(b):(c)) = (d);\n}\n');
  });

  test('before --compatible 2.0 a comment keeps adjacent string literals apart', () => {
    const script = 'probe begin { x = "a" /* c */ "b"; y = "c" "d"; z = "e" # x\n"f" }';
    assert.equal(dump(script, { compatible: '1.8' }), 'probe begin{\n(x) = ("a");\n"b";\n(y) = ("cd");\n(z) = ("e");\n"f";\n}\n');
    assert.equal(dump(script), 'probe begin{\n(x) = ("ab");\n(y) = ("cd");\n(z) = ("ef");\n}\n');
  });
});

describe('parser: recovery, throw sites and skipped errors', () => {
  function errors(text: string, o: Options = {}): string[] {
    return parseText(text, o).errors.map((e) => `${e.message} @${e.token ? `${e.token.location.line}:${e.token.location.column}` : 'EOF'}`);
  }

  test('after an error, tokens are skipped up to the next probe/global/function/private/%{', () => {
    assert.deepEqual(errors('probe begin { x = 1 + } } ; global x = y\nfunction f( { }\nprobe end { }'), [
      'expected literal string or number @1:23',
      'expected literal string or number @1:40',
      'expected identifier @2:13',
    ]);
  });

  test('guru errors do not skip: parsing resumes right after (or at) the token', () => {
    assert.deepEqual(errors('probe begin { x = %{ 1 %} }'), [
      'embedded expression code in unprivileged script; need stap -g @1:19',
      'embedded code in unprivileged script; need stap -g @1:19',
      "expected 'probe', 'global', 'private', 'function', or '%{' @1:27",
    ]);
    assert.deepEqual(errors('function f() %{ x %} probe begin { x = @const("X") }'), [
      'embedded code in unprivileged script; need stap -g @1:14',
      'using @const operator not permitted; need stap -g @1:40',
      "expected 'probe', 'global', 'private', 'function', or '%{' @1:46",
    ]);
  });

  function sites(text: string): string[] {
    return parseText(text).errors.map((e) => e.site);
  }

  test('the same throw site for errors stap suppresses as similar', () => {
    // stap prints only the first of each pair without -v.
    for (const pair of [
      ['probe begin { x = 1 + }', 'probe end { y = ( }'],
      ['probe begin { foreach (1 in a) x }', 'probe end { foreach ([1] in a) x }'],
      ['probe begin { x = @cast 1 }', 'probe end { x = @var x }'],
      ['probe begin { x = f(1 2) }', 'probe end { x = a[1 2] }'],
    ]) {
      const [a, b] = sites(pair.join('\n'));
      assert.equal(a, b, pair.join(' / '));
    }
  });

  test('different throw sites for errors stap prints both of', () => {
    for (const pair of [
      ['probe begin { if x }', 'probe end { while x }'],
      ['probe begin { for x }', 'probe end { foreach x }'],
      ['probe begin { x = (1 }', 'probe end { if (x; }'],
      ['probe begin { x = @cast 1 }', 'probe end { if x }'],
      ['global x, x', 'global y private y'],
    ]) {
      const [a, b] = sites(pair.join('\n'));
      assert.notEqual(a, b, pair.join(' / '));
    }
  });

  test('onError sees each error as it is found', () => {
    const seen: string[] = [];
    const s = session();
    const file = { name: 'x.stp', text: 'probe begin { x = } probe end { y = }' };
    const r = parse(file, new Lexer(file, { args: [], compatible: '4.8' }), { session: s, privileged: false, onError: (e) => seen.push(e.message) });
    assert.deepEqual(seen, r.errors.map((e) => e.message));
    assert.equal(seen.length, 2);
  });

  test('`[*]` alone: stap parses on (and segfaults later); it is our error only if there is no other', () => {
    assert.deepEqual(errors('probe begin { x = [*] }'), ["unexpected '*' @1:19"]);
    assert.deepEqual(errors('probe begin { x = [*] + 1 ; y = }'), ['expected literal string or number @1:33']);
  });

  test('nesting deeper than the JavaScript stack is an error, not an exception', () => {
    // stap parses a few thousand levels and segfaults somewhere below 20,000; we stop earlier.
    const deep = `probe begin { x = ${'('.repeat(5000)}1${')'.repeat(5000)} } probe end { y = }`;
    const r = parseText(deep);
    assert.deepEqual(
      r.errors.map((e) => e.message),
      ['expression nested too deeply to parse', 'expected literal string or number'],
    );
    assert.equal(parseText(`probe begin { x = ${'('.repeat(200)}1${')'.repeat(200)} }`).errors.length, 0);
  });

  test('a file with errors has no stapfile', () => {
    assert.equal(parseText('probe begin { } probe end { x = }').stapfile, undefined);
  });
});

describe('parser: empty files', () => {
  test('an empty or comment-only user file is "empty"', () => {
    for (const text of ['', '  \n', '# only a comment\n/* and another */']) {
      const r = parseText(text);
      assert.equal(r.stapfile, undefined);
      assert.deepEqual(r.errors, []);
      assert.equal(r.emptyMessage, "Input file 'x.stp' is empty.");
    }
  });

  test('a user file whose tokens the preprocessor removed is "empty after preprocessing"', () => {
    for (const text of ['%( arch == "foo" %? probe begin { } %)', '@define x %( 1 %)']) {
      const r = parseText(text, { preprocess: true });
      assert.equal(r.emptyMessage, "Input file 'x.stp' is empty after preprocessing.", text);
    }
  });

  test('an empty tapset file is an empty stapfile, with no message', () => {
    const r = parseText('%( arch == "foo" %? probe begin { } %)', { preprocess: true, library: true, guru: true });
    assert.equal(r.emptyMessage, undefined);
    assert.equal(r.stapfile && printStapFile(r.stapfile), '# file x.stp\n');
  });
});

describe('parser: the AST', () => {
  function file(text: string, o: Options = {}): StapFile {
    const r = parseText(text, { guru: true, ...o });
    assert.deepEqual(r.errors, []);
    return r.stapfile!;
  }

  test('while is a for_loop without init and incr; for (;;) has the condition 1', () => {
    const body = file('probe begin { while (x) y; for (;;) z }').probes[0].body.statements;
    const [w, f] = body as ForLoop[];
    assert.equal(w.kind, 'for_loop');
    assert.equal(w.init, undefined);
    assert.equal(w.incr, undefined);
    assert.equal(w.tok.content, 'while');
    assert.equal(f.cond.kind === 'literal_number' && f.cond.value, 1n);
  });

  test('foreach sort directives', () => {
    const [a, b, c] = file('probe begin { foreach (v- = [k] in a) x; foreach ([k, l+] in a) x; foreach (k in a @sum+ limit 2) x }').probes[0]
      .body.statements as ForeachLoop[];
    assert.deepEqual([a.sortDirection, a.sortColumn, a.value?.name], [-1, 0, 'v']);
    assert.deepEqual([b.sortDirection, b.sortColumn], [1, 2]);
    assert.deepEqual([c.sortDirection, c.sortColumn, c.sortAggregate, c.limit?.kind], [1, 0, 'sum', 'literal_number']);
  });

  test('aliases keep both bodies of the combined form and their style', () => {
    const [a, b] = file('probe a = b { x = 1 }, { y = 2 } probe c += d { }').aliases as ProbeAlias[];
    assert.equal(a.body2?.statements.length, 1);
    assert.equal(a.epilogueStyle, false);
    assert.equal(b.epilogueStyle, true);
  });

  test('globals and functions carry stap\'s mangled names, privacy, types and priority', () => {
    const f = file('private global g = "s"\nglobal h[3]\nfunction f:string (a:long) : 5 { }\nprivate function p() { }', { name: 'dir/p2d.stp' });
    assert.deepEqual(
      f.globals.map((g) => [g.name, g.unmangledName, g.isPrivate, g.type, g.maxsize]),
      [
        ['__private_dir_p2d_stp_g', 'g', true, 'string', 0],
        ['__global_h', 'h', false, 'unknown', 3],
      ],
    );
    assert.deepEqual(
      f.functions.map((fn) => [fn.name, fn.type, fn.formalArgs.map((a) => `${a.name}:${a.type}`), fn.priority, fn.isPrivate]),
      [
        ['__global_f', 'string', ['a:long'], 5, false],
        ['__private_dir_p2d_stp_p', 'unknown', [], 0, true],
      ],
    );
    assert.equal(file('function f() { }', { library: true }).functions[0].priority, 1);
  });

  test('literal numbers are int64 and probe-point literals fold a leading minus', () => {
    const f = file('global a = 0xffffffffffffffff, b = -9223372036854775808 probe p(-5) { x = -5 }');
    assert.deepEqual(f.globals.map((g) => g.init?.kind === 'literal_number' && g.init.value), [-1n, -9223372036854775808n]);
    assert.deepEqual(f.probes[0].locations[0].components[0].arg, {
      kind: 'literal_number',
      tok: f.probes[0].locations[0].components[0].arg!.tok,
      value: -5n,
    });
    const stmt = f.probes[0].body.statements[0];
    assert.equal(stmt.kind === 'expr_statement' && stmt.value.kind === 'assignment' && stmt.value.right.kind, 'unary_expression');
  });

  test('@const becomes an embedded expression', () => {
    const stmt = file('probe begin { @const("PAGE_SIZE") }').probes[0].body.statements[0];
    assert.equal(stmt.kind === 'expr_statement' && stmt.value.kind === 'embedded_expr' && stmt.value.code, '/* pure */ /* unprivileged */ /* stable */ PAGE_SIZE');
  });

  test('declarations inside a systemtap_v condition remember its token (for --check-version)', () => {
    const f = file('%( systemtap_v >= "1.0" %? probe begin { } global g %)\nprobe end { }', { preprocess: true });
    assert.equal(f.probes[0].systemtapVConditional?.content, 'systemtap_v');
    // stap forgets the token at each declaration, so only the first one of the branch has it.
    assert.equal(f.globals[0].systemtapVConditional, undefined);
    assert.equal(f.probes[1].systemtapVConditional, undefined);
  });

  test('every node has a token', () => {
    const f = file(DUMPS.map(([s]) => s).join('\n'));
    const missing: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if ('location' in o && 'type' in o) return; // a token
        if ('kind' in o && o.kind !== 'stapfile' && !isToken(o.tok)) missing.push(path);
        for (const [k, x] of Object.entries(o)) if (k !== 'file' && k !== 'tok') walk(x, `${path}.${k}`);
      }
    };
    walk(f, 'file');
    assert.deepEqual(missing, []);
  });
});

function isToken(t: unknown): t is Token {
  return !!t && typeof t === 'object' && 'location' in t && 'content' in t;
}
