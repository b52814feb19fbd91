/**
 * Mutations that keep a script parseable but break its meaning, so fuzzed scripts reach pass 2
 * (most of the grammar mutator's edits stop in the parser): rename an identifier to another one
 * of the script or of the tapsets, turn a number into a string and back, swap a probe point for
 * another family (built-in, tapset alias, DWARF, nonsense), and wrap a statement or an expression
 * in a construct that stresses a pass-2 rule (conditions, foreach, stats, @defined, try).
 * Deterministic for a seed; no IO, no parser.
 */
import { Rng, tokenize } from '../grammar/mutate';

export const SEMANTIC_KINDS = ['rename-identifier', 'swap-literal', 'swap-probe-point', 'insert-statement'] as const;
export type SemanticKind = (typeof SEMANTIC_KINDS)[number];

/** Names a renamed identifier may become: tapset functions and variables, keywords of pass 2. */
const NAMES = [
  'execname', 'pid', 'tid', 'gettimeofday_s', 'print', 'printf', 'sprintf', 'println', 'exit', 'log', 'ppfunc',
  'probefunc', 'cpu', 'HZ', 'jiffies', 'kernel_string', 'user_string', 'strlen', 'substr', 'isinstr', 'task_current',
  'signal_str', 'errno_str', 'target', 'argv', 'argc', 'x', 'y', 'nosuch_function', '$var', '$$parms', '@var("x")',
  '$return', 'name', 'argstr', 'retstr',
];

/** Probe points of every kind pass 2 derives differently. */
const PROBE_POINTS = [
  'begin', 'end', 'error', 'never', 'begin(-1)', 'end?', 'timer.s(1)', 'timer.ms(100)', 'timer.profile', 'timer.jiffies(5).randomize(2)',
  'kprobe.function("sys_open")', 'kprobe.function("nosuch")?', 'kernel.function("vfs_read")', 'kernel.function("*").return',
  'module("ext4").function("*")', 'process.begin', 'process("/bin/ls").function("main")', 'process("/bin/ls").mark("x")',
  'syscall.open', 'syscall.*', 'syscall.read.return', 'nd_syscall.write', 'signal.send', 'scheduler.cpu_on', 'vm.pagefault',
  'procfs("x").read', 'procfs.write.maxsize(10)', 'perf.sw.cpu_clock', 'kernel.trace("sched_switch")', 'netdev.receive',
  'tcp.sendmsg', 'ioblock.request', 'nosuch.point', 'begin, end', 'timer.s(1) if (x > 1)', 'begin!, never',
];

/** Statements that exercise a pass-2 rule when dropped into a body. */
const STATEMENTS = [
  'x = "s"', 'x = 1', 'x <<< 1', 'println(@count(x))', 'foreach (k in x) println(k)', 'foreach ([a, b] in x- limit 2) next',
  'delete x', 'delete x[1]', 'if (@defined($nosuch)) println(1)', 'try { error("e") } catch (m) { println(m) }',
  'printf("%d %s\\n", 1)', 'printf("%s\\n", 1)', 'x[1, "a"] = 2', 'x[1] = 2', 'println(x[1])', 'return 1', 'next',
  'println(@hist_linear(x, 0, 10, 1))', 'println(@max(x))', 'y = x . "a"', 'x++', 'x = y = z', 'exit()',
  'println(f(1))', 'println(f("a", 2))', 'println($var->field)', 'println(@cast(0, "task_struct")->pid)',
  'x = @entry($arg)', 'println(%{ 1 %})', 'println(@const("1"))', 'println(pid())', 'println(execname())',
  'while (1) break', 'for (i = 0; i < 10; i++) continue', 'println(x ? "a" : 1)', 'println(-"a")', 'println("a" < 1)',
];

/** One semantic mutation of `text` (may return the text unchanged when nothing applies). */
export function applySemanticMutation(text: string, kind: SemanticKind, rng: Rng): string {
  const tokens = tokenize(text);
  const words = tokens.filter((t) => /^[A-Za-z_]/.test(text.slice(t.start, t.end)));
  switch (kind) {
    case 'rename-identifier': {
      if (words.length === 0) return text;
      const t = rng.pick(words);
      const other = rng.chance(0.5) ? text.slice(rng.pick(words).start, rng.pick(words).end) : rng.pick(NAMES);
      return text.slice(0, t.start) + other + text.slice(t.end);
    }
    case 'swap-literal': {
      const literals = tokens.filter((t) => /^["0-9]/.test(text.slice(t.start, t.end)));
      if (literals.length === 0) return text;
      const t = rng.pick(literals);
      const lit = text.slice(t.start, t.end);
      const replacement = lit.startsWith('"') ? rng.pick(['0', '1', '-1', '9223372036854775807', '0x10']) : rng.pick(['"1"', '""', '"%d"']);
      return text.slice(0, t.start) + replacement + text.slice(t.end);
    }
    case 'swap-probe-point': {
      const probes = [...text.matchAll(/\bprobe\s+([^{]+?)\s*\{/g)];
      if (probes.length === 0) return `${text}\nprobe ${rng.pick(PROBE_POINTS)} { println(1) }\n`;
      const m = rng.pick(probes);
      const start = (m.index ?? 0) + m[0].indexOf(m[1]);
      return text.slice(0, start) + rng.pick(PROBE_POINTS) + text.slice(start + m[1].length);
    }
    case 'insert-statement': {
      const braces = tokens.filter((t) => text[t.start] === '{' && t.end === t.start + 1);
      const stmt = rng.pick(STATEMENTS);
      if (braces.length === 0) return `${text}\nprobe begin { ${stmt} }\n`;
      const at = rng.pick(braces).end;
      return `${text.slice(0, at)} ${stmt}; ${text.slice(at)}`;
    }
  }
}

export interface SemanticMutant {
  index: number;
  source: string;
  kinds: SemanticKind[];
  text: string;
}

/** `count` mutants of the corpus (cycling through it), one to three semantic mutations each. */
export function* generateSemanticMutants(
  corpus: ReadonlyArray<{ name: string; text: string }>,
  { count, seed }: { count: number; seed: number },
): Generator<SemanticMutant> {
  if (corpus.length === 0) return;
  const rng = new Rng(seed);
  for (let index = 0; index < count; index++) {
    const { name, text: original } = corpus[index % corpus.length];
    let text = original;
    const kinds: SemanticKind[] = [];
    do {
      const kind = rng.pick(SEMANTIC_KINDS);
      text = applySemanticMutation(text, kind, rng);
      kinds.push(kind);
    } while (kinds.length < 3 && rng.chance(0.35));
    yield { index, source: name, kinds, text };
  }
}
