/**
 * Bad input never crashes or hangs `stap-ls -p2`, and pass 2 leaves nothing behind between runs.
 *
 * 1. Fuzzing: mutants of real scripts (examples, pass-1/pass-2 fixtures, a few tapset files) go
 *    through pass 1 + pass 2 in a worker (fuzz-worker.ts); the main thread bounds the time per
 *    script and terminates (then restarts) a hung worker. Two mutators: the grammar's (mostly
 *    syntax damage: exercises pass 1's exits) and semantic-mutate.ts (valid syntax, broken
 *    meaning: reaches pass 2). Options rotate through none, `-u`, `--assume-debuginfo`,
 *    `--keep-going`, `-v` (an option the CLI does not know is dropped, and said). Every run ends
 *    with exit 0, or exit 1 and stap's pass-1/pass-2 failure text; never an exception.
 * 2. Adversarial scripts for the fixpoint loops and recursive walks (type inference over long
 *    chains, optimiser chains, alias chains and cycles, deep trees, thousands of probes): each
 *    within a time bound and with no exception. Known problems: known-differences.robustness.json.
 * 3. Idempotence: the same scripts run twice in one process print the same bytes (pass 2 must not
 *    mutate the shared, cached tapset ASTs).
 *
 * Sizes: STAP_FUZZ_PASS2_MUTANTS (default 1000, half per mutator), STAP_FUZZ_SEED.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'node:worker_threads';

import { generateMutants } from '../grammar/mutate';
import { exampleFiles, listFiles, tapsetDir } from '../helpers/installed';
import { makeFakeKbuild, type FakeKbuild } from '../helpers/stap';
import { problemKind, runMine } from './compare';
import { checkKnown, loadKnown, saveKnown, UPDATE_KNOWN } from './known-differences';
import { generateSemanticMutants } from './semantic-mutate';

const MUTANTS = Number(process.env.STAP_FUZZ_PASS2_MUTANTS ?? 1000);
const SEED = Number(process.env.STAP_FUZZ_SEED ?? 2024);
/** A fuzzed script may take this long (the first one also loads the tapset library). */
const PER_SCRIPT_MS = 15_000;
/** The bound for a new worker's first, library-loading run. */
const WARM_UP_MS = 300_000;
/** An adversarial script may take this long. */
const ADVERSARIAL_MS = 30_000;
const ROOT = join(__dirname, '..', '..');

/** How stap's passes 1-2 fail: a failure line, or one of pass 1's fatal messages. */
const STAP_FAILURE =
  /Pass 1: parse failed\.  \[man error::pass1\]\n|Pass 2: analysis failed\.  \[man error::pass2\]\n|bad lexical cast|Input file '.*' is empty/;

const LIST = 'robustness';
const known = loadKnown(LIST);
const outcomes = new Map<string, string>();

let kbuild: FakeKbuild;
before(() => {
  kbuild = makeFakeKbuild();
});
after(() => {
  kbuild.cleanup();
  if (UPDATE_KNOWN) saveKnown(LIST, outcomes);
});

interface Reply {
  status?: number;
  stderr?: string;
  exception?: string;
  ms?: number;
}

/** A worker running stap-ls -p2, restarted after a hang. */
class Runner {
  private worker?: Worker;
  private readonly file = join(__dirname, 'fuzz-worker.ts');

  constructor(private readonly kbuildDir: string) {}

  private start(): Worker {
    // The worker is TypeScript: register tsx's CommonJS hook in it, then load the file.
    this.worker ??= new Worker(`require('tsx/cjs'); require(${JSON.stringify(this.file)});`, {
      eval: true,
      workerData: { kbuild: this.kbuildDir },
    });
    return this.worker;
  }

  /** Runs one script; 'hang' when it took longer than `limitMs` (the worker is then replaced). */
  async run(index: number, text: string, options: string[], limitMs: number): Promise<Reply | 'hang'> {
    if (!this.worker) {
      // A new worker's first script loads the tapset library (seconds on a busy machine): do
      // that untimed, so that the bound applies to each mutant alone.
      const warm = await this.send(this.start(), -1, 'probe begin { }', [], WARM_UP_MS);
      if (warm === 'hang') await this.stop();
    }
    return this.send(this.start(), index, text, options, limitMs);
  }

  private async send(worker: Worker, index: number, text: string, options: string[], limitMs: number): Promise<Reply | 'hang'> {
    const reply = await new Promise<Reply | 'hang'>((resolve, reject) => {
      const timer = setTimeout(() => resolve('hang'), limitMs);
      const onMessage = (m: Reply) => {
        clearTimeout(timer);
        worker.off('error', onError);
        resolve(m);
      };
      const onError = (e: unknown) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        reject(e);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage({ index, text, options });
    });
    if (reply === 'hang') await this.stop();
    return reply;
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}

/** '' when the run ended as stap-ls must, else the problem. */
function judge(reply: Reply | 'hang', limitMs: number): string {
  if (reply === 'hang') return `no answer after ${limitMs} ms`;
  if (reply.exception) return `exception ${reply.exception.split('\n').slice(0, 3).join(' | ')}`;
  if (reply.status === 0) return '';
  if (reply.status === 1) {
    const internal = (reply.stderr ?? '').split('\n').find((l) => /internal error/.test(l));
    if (internal !== undefined) return internal;
    return STAP_FAILURE.test(reply.stderr ?? '') ? '' : `exit 1 without stap's failure text: ${reply.stderr}`;
  }
  return `exit ${reply.status}: ${reply.stderr}`;
}

function corpus(): { name: string; text: string }[] {
  const fixtures = join(ROOT, 'test-fixtures');
  const tapsets = ['linux/signal.stp', 'linux/task.stp', 'timestamp.stp', 'linux/context.stp', 'string.stp', 'linux/conversions.stp']
    .map((f) => join(tapsetDir(), f))
    .filter((f) => existsSync(f));
  const files = [
    ...exampleFiles().filter((_, i) => i % 2 === 0),
    ...listFiles(join(fixtures, 'pass2', 'ok'), /\.stp$/),
    ...listFiles(join(fixtures, 'pass2', 'ko'), /\.stp$/),
    ...listFiles(join(fixtures, 'pass1', 'ok'), /\.stp$/),
    ...tapsets,
  ];
  return files.map((f) => ({ name: f.replace(/^.*\/(examples|test-fixtures|tapset)\//, '$1/'), text: readFileSync(f, 'latin1') }));
}

/** The options a run may get; the CLI must know them (checked once, see the first test). */
const OPTION_SETS: string[][] = [[], ['-u'], ['--assume-debuginfo'], ['--keep-going'], ['-v']];
let usableOptions: string[][] = OPTION_SETS;

describe('fuzzed scripts through stap-ls -p2', { concurrency: 1 }, () => {
  test('the CLI knows the options the fuzzer rotates through', (t) => {
    usableOptions = OPTION_SETS.filter((o) => {
      const r = runMine(['-r', kbuild.dir, '-p2', ...o, '-e', 'probe begin { println(1) }']);
      const refused = /unrecognized option|unknown to stap-ls/.test(r.stderr);
      if (refused) t.diagnostic(`${o.join(' ')} is refused by the CLI today: not fuzzed (${r.stderr.split('\n')[0]})`);
      return !refused;
    });
    assert.deepEqual(usableOptions, OPTION_SETS, 'the CLI refuses options the fuzzer needs');
  });

  for (const [label, make] of [
    ['grammar mutator', () => generateMutants(corpus(), { count: Math.ceil(MUTANTS / 2), seed: SEED })],
    ['semantic mutator', () => generateSemanticMutants(corpus(), { count: Math.ceil(MUTANTS / 2), seed: SEED + 1 })],
  ] as const) {
    test(`${Math.ceil(MUTANTS / 2)} mutants (${label}): no exception, no hang, stap's failure text`, { timeout: 30 * 60_000 }, async (t) => {
      const runner = new Runner(kbuild.dir);
      /** One example per kind of problem (see {@link problemKind}). */
      const problems = new Map<string, string>();
      let failed = 0;
      let reachedPass2 = 0;
      let slowest = 0;
      let slowestName = '';
      let count = 0;
      try {
        for (const mutant of make()) {
          const options = usableOptions[mutant.index % usableOptions.length];
          const reply = await runner.run(mutant.index, mutant.text, options, PER_SCRIPT_MS);
          count++;
          if (reply !== 'hang' && reply.ms !== undefined && mutant.index > 0 && reply.ms > slowest) {
            slowest = reply.ms;
            slowestName = `#${mutant.index} of ${mutant.source}`;
          }
          if (reply !== 'hang' && reply.status === 1) failed++;
          if (reply !== 'hang' && !reply.exception && !/Pass 1: parse failed|bad lexical cast|Input file '.*' is empty/.test(reply.stderr ?? '')) reachedPass2++;
          const problem = judge(reply, PER_SCRIPT_MS);
          const kind = problem && problemKind(problem);
          if (kind && !problems.has(kind)) {
            problems.set(kind, `mutant #${mutant.index} of ${mutant.source} (${mutant.kinds.join('+')}, ${options.join(' ') || 'no options'}): ${problem}`);
          }
        }
      } finally {
        await runner.stop();
      }
      t.diagnostic(
        `${count} mutants, ${reachedPass2} reached pass 2, ${failed} rejected with stap's failure text; ` +
          `slowest ${slowest.toFixed(0)} ms (${slowestName}); ${problems.size} kinds of problem`,
      );
      // The semantic mutator exists to get past the parser: most of its mutants must reach pass 2.
      if (label === 'semantic mutator') assert.ok(reachedPass2 >= count * 0.5, `only ${reachedPass2}/${count} semantic mutants reached pass 2`);
      // The FIXME list holds the kinds of problem seen today, one example each.
      const prefix = `fuzz/${label}/`;
      for (const [kind, example] of problems) outcomes.set(prefix + kind, example);
      if (UPDATE_KNOWN) return;
      const listed = Object.keys(known).filter((k) => k.startsWith(prefix));
      const unexpected = [...problems].filter(([kind]) => !(prefix + kind in known)).map(([, example]) => example);
      const gone = listed.filter((k) => !problems.has(k.slice(prefix.length)));
      assert.deepEqual(unexpected, [], 'new kinds of problem (a crash, a hang, an internal error)');
      assert.deepEqual(gone, [], `listed in known-differences.${LIST}.json but not seen any more: regenerate the list (UPDATE_KNOWN=1)`);
    });
  }
});

/** Scripts built to push pass 2's fixpoint loops and recursive walks to their bounds. */
export function adversarialScripts(): { name: string; text: string }[] {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const out: { name: string; text: string }[] = [];
  // Type inference: each iteration of semantic_pass_types resolves one more link (stap accepts N=1500
  // in 0.8 s; a clear error after an iteration bound is acceptable too).
  for (const n of [200, 1500]) {
    out.push({
      name: `type chain of ${n} locals in reverse order`,
      text: `probe begin {\n${range(n).map((i) => `a${n - i} = a${n - i - 1};`).join('\n')}\na0 = "s"; println(a${n}) }\n`,
    });
  }
  out.push({
    name: 'type chain through 400 functions',
    text: `${range(400).map((i) => `function f${i}(x) { return f${i + 1}(x) }`).join('\n')}\nfunction f400(x) { return x }\nprobe begin { println(f0("s")) }\n`,
  });
  out.push({
    name: 'type chain through 300 globals in reverse order',
    text: `global ${range(301).map((i) => `g${i}`).join(', ')}\n${range(300).map((i) => `probe begin { g${300 - i} = g${299 - i} }`).join('\n')}\nprobe begin { g0 = 1 }\nprobe end { println(g300) }\n`,
  });
  out.push({ name: 'mutually recursive untyped functions', text: 'function f(x) { return g(x) }\nfunction g(x) { return f(x) }\nprobe begin { f(1) }\n' });
  // The optimiser: each round elides one more dead assignment (quadratic in stap too: 1500 take it 5 s).
  out.push({
    name: 'dead assignment chain of 600',
    text: `probe begin {\na0 = 1;\n${range(600).map((i) => `a${i + 1} = a${i};`).join('\n')}\nprintln(1) }\n`,
  });
  out.push({
    name: 'unused function chain of 500',
    text: `${range(500).map((i) => `function u${i}() { return u${i + 1}() }`).join('\n')}\nfunction u500() { return 1 }\nprobe begin { println(1) }\n`,
  });
  // Aliases: long chains, wide wildcards, cycles.
  out.push({
    name: 'alias chain of 300',
    text: `${range(300).map((i) => `probe a${i} = a${i + 1} { }`).join('\n')}\nprobe a300 = begin { }\nprobe a0 { println(1) }\n`,
  });
  out.push({
    name: '500 aliases matched by one wildcard',
    text: `${range(500).map((i) => `probe my.p${i} = begin { x${i} = ${i} }`).join('\n')}\nprobe my.* { println(1) }\n`,
  });
  out.push({ name: 'alias cycle', text: 'probe a = b { }\nprobe b = c { }\nprobe c = a { }\nprobe a { println(1) }\n' });
  out.push({ name: 'self-recursive alias with suffix', text: 'probe a = a.b { }\nprobe a.b { println(1) }\n' });
  // Deep trees for the recursive walkers (walk, deepCopy, printers).
  out.push({ name: 'string concatenation of 5000 terms (stap: 0.15 s)', text: `probe begin { x = ${range(5000).map(() => '"a"').join(' . ')}; println(x) }\n` });
  out.push({ name: 'sum of 5000 terms', text: `probe begin { x = ${range(5000).map((i) => `${i}`).join(' + ')}; println(x) }\n` });
  out.push({ name: '300 nested ifs', text: `probe begin { x = 1; ${range(300).map(() => 'if (x) {').join(' ')} println(x) ${range(300).map(() => '}').join(' ')} }\n` });
  out.push({ name: '300 nested blocks', text: `probe begin { ${range(300).map(() => '{').join('')} println(1) ${range(300).map(() => '}').join('')} }\n` });
  out.push({ name: '2000 chained else-ifs', text: `probe begin { x = 1; ${range(2000).map((i) => `if (x == ${i}) println(${i})`).join(' else ')} }\n` });
  // Width: many probes, globals, functions, overloads, locals.
  out.push({ name: '3000 begin probes', text: range(3000).map((i) => `probe begin { println(${i}) }`).join('\n') + '\n' });
  out.push({ name: '3000 globals written and read', text: `global ${range(3000).map((i) => `g${i}`).join(', ')}\nprobe begin { ${range(3000).map((i) => `g${i} = ${i}`).join('; ')} }\nprobe end { println(${range(3000).map((i) => `g${i}`).join(' + ')}) }\n` });
  out.push({ name: '1000 functions all called', text: `${range(1000).map((i) => `function f${i}(x) { return x + ${i} }`).join('\n')}\nprobe begin { println(${range(1000).map((i) => `f${i}(1)`).join(' + ')}) }\n` });
  out.push({ name: '200 overloads of one function', text: `${range(200).map((i) => `function f(${range(i + 1).map((j) => `a${j}`).join(', ')}) { return ${i} }`).join('\n')}\nprobe begin { println(f(1)) }\n` });
  out.push({ name: '2000 unread globals (display probe)', text: `global ${range(2000).map((i) => `g${i}`).join(', ')}\nprobe begin { ${range(2000).map((i) => `g${i}[${i}] = "${i}"`).join('; ')} }\n` });
  out.push({ name: 'probe condition on 300 globals', text: `global ${range(300).map((i) => `g${i}`).join(', ')}\nprobe begin { ${range(300).map((i) => `g${i} = 1`).join('; ')} }\nprobe timer.s(1) if (${range(300).map((i) => `g${i}`).join(' && ')}) { println(1) }\n` });
  out.push({ name: 'many tapset functions pulled in', text: `probe begin { println(${['execname()', 'pid()', 'tid()', 'ppid()', 'uid()', 'gettimeofday_ns()', 'cpu()', 'pp()', 'probefunc()', 'jiffies()', 'signal_str(9)', 'errno_str(1)', 'ctime(0)', 'kernel_v', 'task_current()', 'sprint_ustack(0)', 'user_mode()', 'is_return()', 'backtrace()'].join(' . " " . ')}) }\n` });
  return out;
}

describe('adversarial scripts: bounded time, no exception', { concurrency: 1 }, () => {
  let runner: Runner;
  before(() => {
    runner = new Runner(kbuild.dir);
  });
  after(() => runner.stop());
  adversarialScripts().forEach((s, index) => {
    test(s.name, { timeout: ADVERSARIAL_MS * 3 }, async (t) => {
      let reply = await runner.run(index, s.text, [], ADVERSARIAL_MS);
      if (reply !== 'hang' && index === 0 && reply.ms !== undefined) {
        // The first script also loaded the library: time it again, warm.
        reply = await runner.run(index, s.text, [], ADVERSARIAL_MS);
      }
      const problem = judge(reply, ADVERSARIAL_MS);
      if (reply !== 'hang') t.diagnostic(`exit ${reply.status ?? '-'} in ${reply.ms?.toFixed(0) ?? '-'} ms${reply.status === 1 ? `: ${(reply.stderr ?? '').split('\n')[0]}` : ''}`);
      outcomes.set(`adversarial/${s.name}`, problem);
      checkKnown(known, `adversarial/${s.name}`, problem, s.name);
    });
  });
});

describe('idempotence: the same scripts twice in one process print the same bytes', () => {
  test('examples and pass-2 fixtures, run twice', { timeout: 20 * 60_000 }, (t) => {
    const scripts = [
      ...exampleFiles().filter((_, i) => i % 6 === 0),
      ...listFiles(join(ROOT, 'test-fixtures', 'pass2', 'ok'), /\.stp$/).filter((_, i) => i % 2 === 0),
    ];
    const argv = (s: string) => ['-r', kbuild.dir, '-p2', '-v', '-g', s, '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
    /** -v timing figures differ from run to run. */
    const stable = (text: string) => text.replace(/ using \d+virt\/.*ms\.$/gm, ' using ...');
    const first = scripts.map((s) => runMine(argv(s)));
    const problems: string[] = [];
    scripts.forEach((s, i) => {
      const again = runMine(argv(s));
      if (again.status !== first[i].status || again.stdout !== first[i].stdout || stable(again.stderr) !== stable(first[i].stderr)) {
        problems.push(`${s}: the second run differs (exit ${first[i].status} then ${again.status})`);
      }
    });
    const accepted = first.filter((r) => r.status === 0).length;
    t.diagnostic(`${scripts.length} scripts (${accepted} accepted), each run twice`);
    assert.deepEqual(problems.slice(0, 10), []);
  });
});
