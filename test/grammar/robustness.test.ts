// Robustness (fuzz) test for the SystemTap grammar wasm: mutates a deterministic sample of real
// scripts (installed tapsets and examples, plus test-fixtures/**/*.stp) into thousands of broken
// variants (see mutate.ts) and checks that web-tree-sitter parses each one without throwing,
// within a time bound, into a tree that covers the whole input. Then checks the parser still works.
// Knobs: STAP_FUZZ_MUTANTS (default 20000), STAP_FUZZ_SEED (default 0x5ea1), SYSTEMTAP_TAPSET.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, test } from 'node:test';

import { createParser, type Parser } from '../../server/src/syntax/parser';
import { generateMutants, minimise, MUTATION_KINDS, Rng, type MutationKind } from './mutate';

const REPO = join(__dirname, '..', '..');
const TAPSET_DIR = process.env.SYSTEMTAP_TAPSET ?? '/usr/share/systemtap/tapset';
const EXAMPLES_DIR = '/usr/share/systemtap/examples';
const FIXTURES_DIR = join(REPO, 'test-fixtures');

const MUTANT_COUNT = Number(process.env.STAP_FUZZ_MUTANTS ?? 20000);
const SEED = Number(process.env.STAP_FUZZ_SEED ?? 0x5ea1);
/** Files sampled from each installed tree. */
const SAMPLE_PER_TREE = 100;
/** Larger files (installed or fixtures) are left out to keep the run short (the bench parses them all). */
const MAX_SAMPLE_BYTES = 48 * 1024;
/** A single parse that takes longer than this is cancelled and counted as a hang. */
const PARSE_DEADLINE_MS = 2000;

/** What tree-sitter skips before the first token: the grammar's /\s/ (ASCII) and a BOM. */
const LEADING_SPACE = /^[\t\n\v\f\r \ufeff]*$/;

function walk(dir: string, accept: (name: string) => boolean, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) walk(path, accept, out);
    else if (st.isFile() && accept(name)) out.push(path);
  }
  return out;
}

interface Source {
  name: string;
  text: string;
}

/** A deterministic sample: sorted paths, seeded shuffle, first `n` under the size cap. */
function sample(paths: string[], n: number, seed: number): string[] {
  const small = paths.filter((p) => statSync(p).size <= MAX_SAMPLE_BYTES);
  return new Rng(seed).shuffle(small).slice(0, n).sort();
}

function loadCorpus(): Source[] {
  const isStp = (name: string) => /\.stpm?$/.test(name);
  const paths = [
    ...sample(walk(TAPSET_DIR, isStp), SAMPLE_PER_TREE, SEED),
    ...sample(walk(EXAMPLES_DIR, isStp), SAMPLE_PER_TREE, SEED + 1),
    ...(existsSync(FIXTURES_DIR) ? walk(FIXTURES_DIR, (n) => n.endsWith('.stp')) : []).filter(
      (p) => statSync(p).size <= MAX_SAMPLE_BYTES,
    ),
  ];
  return paths.map((path) => ({
    name: path.startsWith(REPO) ? relative(REPO, path) : path,
    text: readFileSync(path, 'utf8'),
  }));
}

type Problem = 'exception' | 'hang' | 'leading-gap' | 'end-mismatch';

interface Outcome {
  problem?: Problem;
  detail?: string;
  hasError: boolean;
  /** The root is an ERROR node (tree-sitter's answer when nothing parses as source_file). */
  errorRoot?: boolean;
  ms: number;
}

/**
 * Parses once with a deadline and checks coverage. web-tree-sitter feeds the text to tree-sitter
 * as UTF-16, and node indexes are UTF-16 code units, i.e. JavaScript string indexes: the whole
 * input ends at `text.length` even when it holds non-ASCII characters (wasm.test.ts checks this).
 */
function check(parser: Parser, text: string, deadlineMs = PARSE_DEADLINE_MS): Outcome {
  const t0 = performance.now();
  const deadline = t0 + deadlineMs;
  let tree;
  try {
    tree = parser.parse(text, null, { progressCallback: () => performance.now() > deadline });
  } catch (e) {
    return { problem: 'exception', detail: String(e), hasError: true, ms: performance.now() - t0 };
  }
  const ms = performance.now() - t0;
  if (!tree) {
    parser.reset(); // otherwise the next parse would resume the cancelled one
    return { problem: 'hang', detail: `cancelled after ${ms.toFixed(0)} ms`, hasError: true, ms };
  }
  try {
    const root = tree.rootNode;
    const end = text.length;
    if (!LEADING_SPACE.test(text.slice(0, root.startIndex))) {
      return { problem: 'leading-gap', detail: `root starts at ${root.startIndex}`, hasError: root.hasError, ms };
    }
    if (root.endIndex !== end) {
      return { problem: 'end-mismatch', detail: `root ends at ${root.endIndex}, input length ${end}`, hasError: root.hasError, ms };
    }
    return { hasError: root.hasError, errorRoot: root.type === 'ERROR', ms };
  } finally {
    tree.delete();
  }
}

const VALID = 'global count\nprobe begin { count++; printf("%d\\n", count) }\nprobe end { exit() }\n';

let parser: Parser;
let corpus: Source[];
let baseline: string | undefined;

before(async () => {
  parser = await createParser();
  corpus = loadCorpus();
  if (corpus.length > 0) {
    const tree = parser.parse(corpus[0].text)!;
    baseline = tree.rootNode.toString();
    tree.delete();
  }
});

test('the mutator is deterministic and produces every kind of mutation', () => {
  const sample = corpus.length ? corpus.slice(0, 3) : [{ name: 'inline', text: VALID }];
  const run = () => [...generateMutants(sample, { count: 200, seed: SEED })];
  const first = run();
  assert.deepEqual(run(), first);
  assert.deepEqual(new Set(first.flatMap((m) => m.kinds)), new Set(MUTATION_KINDS));
  assert.ok(first.filter((m) => m.text !== sample[m.index % sample.length].text).length > 190);
});

test('mutated scripts parse without exception or hang, and the tree covers the input', async (t) => {
  if (corpus.length === 0) {
    t.skip(`no SystemTap sources found under ${TAPSET_DIR}, ${EXAMPLES_DIR} or test-fixtures/`);
    return;
  }
  const started = performance.now();
  let parsed = 0;
  let withErrors = 0;
  let errorRoots = 0;
  let bytes = 0;
  let slowest = { ms: 0, index: -1, source: '' };
  const perKind = new Map<MutationKind, { n: number; errors: number }>(MUTATION_KINDS.map((k) => [k, { n: 0, errors: 0 }]));
  const failures: Array<{ index: number; source: string; kinds: MutationKind[]; problem: Problem; detail?: string; text: string }> = [];

  for (const mutant of generateMutants(corpus, { count: MUTANT_COUNT, seed: SEED })) {
    const outcome = check(parser, mutant.text);
    parsed++;
    bytes += mutant.text.length;
    if (outcome.hasError) withErrors++;
    if (outcome.errorRoot) errorRoots++;
    const stats = perKind.get(mutant.kinds[0])!;
    stats.n++;
    if (outcome.hasError) stats.errors++;
    if (outcome.ms > slowest.ms) slowest = { ms: outcome.ms, index: mutant.index, source: mutant.source };
    if (outcome.problem) {
      failures.push({ ...mutant, problem: outcome.problem, detail: outcome.detail });
      if (outcome.problem === 'exception') parser = await createParser(); // the old one may be broken
    }
  }
  const seconds = (performance.now() - started) / 1000;

  t.diagnostic(
    `corpus: ${corpus.length} files; seed ${SEED}; ${parsed} mutants parsed (${(bytes / 1e6).toFixed(1)}M chars) in ${seconds.toFixed(1)} s`,
  );
  t.diagnostic(
    `mutants with error nodes: ${withErrors} (${((100 * withErrors) / parsed).toFixed(1)}%), ` +
      `of which ${errorRoots} have an ERROR root instead of source_file`,
  );
  t.diagnostic(
    'by first mutation (errors/total): ' +
      [...perKind].map(([k, s]) => `${k} ${s.errors}/${s.n}`).join(', '),
  );
  t.diagnostic(`slowest parse: ${slowest.ms.toFixed(1)} ms (mutant #${slowest.index} of ${slowest.source})`);

  if (failures.length > 0) {
    // Shrink the first few failures to a small reproducer for the report.
    const shown = failures.slice(0, 3).map((f) => {
      const same = (text: string) => check(parser, text, Math.min(PARSE_DEADLINE_MS, 500)).problem === f.problem;
      const minimal = minimise(f.text, same, f.problem === 'hang' ? 40 : 1500);
      return `#${f.index} ${f.source} [${f.kinds.join('+')}]: ${f.problem} (${f.detail}); minimal input: ${JSON.stringify(minimal)}`;
    });
    const counts = new Map<Problem, number>();
    for (const f of failures) counts.set(f.problem, (counts.get(f.problem) ?? 0) + 1);
    assert.fail(
      `${failures.length} of ${parsed} mutants failed (${[...counts].map(([p, n]) => `${p}: ${n}`).join(', ')})\n` +
        shown.join('\n'),
    );
  }
  assert.ok(parsed >= Math.min(MUTANT_COUNT, 5000), `only ${parsed} mutants were parsed`);
});

test('the time bound really cancels a parse (so a hang would be caught)', () => {
  const big = 'probe begin { x = 1 + 2 }\n'.repeat(20000);
  const outcome = check(parser, big, -1); // deadline already passed: the first progress check cancels
  assert.equal(outcome.problem, 'hang');
  assert.equal(check(parser, big).problem, undefined, 'the parser did not recover from a cancelled parse');
});

// Hand-written worst cases: deep nesting, long chains, and runs of unterminated openers
// (which make tree-sitter's lexer rescan to the end of input at every opener: quadratic, so
// the counts stay small here).
const ADVERSARIAL: Record<string, string> = {
  'nested parens': 'probe begin { x = ' + '('.repeat(20000) + '1' + ')'.repeat(20000) + ' }',
  'unclosed parens': 'probe begin { x = ' + '('.repeat(20000),
  'nested blocks': 'probe begin ' + '{'.repeat(20000) + '}'.repeat(20000),
  'unary chain': 'probe begin { x = ' + '-!~'.repeat(10000) + '1 }',
  'nested conditionals': 'probe begin { ' + '%( $# > 1 %? '.repeat(2000) + 'x' + ' %)'.repeat(2000) + ' }',
  'unclosed conditionals': '%( arch == "x86_64" %? '.repeat(2000),
  // Every `%?` looks ahead for the end of its branch; the look-ahead is capped so that this
  // stays linear. (At file level, where `x = 1` is itself an error, tree-sitter's error
  // recovery over 20,000 open conditionals is quadratic: minutes. Not covered here.)
  'unclosed conditionals, long probe': 'probe begin { ' + '%( a == b %? x = 1\n'.repeat(10000),
  'raw branches': 'probe begin { %( $# > 1 %? if (x) { '.repeat(1000),
  'markers only': '%? %: %) '.repeat(2000),
  // These three once took seconds (each opener rescanned the rest of the input).
  'unterminated embedded C': '%{ '.repeat(20000),
  'unterminated comments': '/* '.repeat(20000),
  'dollars': '$'.repeat(50000),
  'macro openers': '@define m %( '.repeat(2000),
  'NULs': '\0'.repeat(10000),
  'lone surrogates': 'probe begin { "\ud800" }\n\udc00'.repeat(1000),
};

test('adversarial inputs parse without exception or hang, and the tree covers the input', () => {
  const problems: string[] = [];
  for (const [name, text] of Object.entries(ADVERSARIAL)) {
    const outcome = check(parser, text);
    if (outcome.problem) problems.push(`${name}: ${outcome.problem} (${outcome.detail})`);
  }
  assert.deepEqual(problems, []);
});

test('the parser still works after the mutant run', () => {
  const tree = parser.parse(VALID);
  assert.ok(tree, 'parse returned null');
  try {
    assert.equal(tree.rootNode.type, 'source_file');
    assert.equal(tree.rootNode.hasError, false, tree.rootNode.toString());
    assert.equal(tree.rootNode.endIndex, VALID.length);
    assert.equal(tree.rootNode.namedChildren.filter((n) => n?.type === 'probe_declaration').length, 2);
  } finally {
    tree.delete();
  }
  if (baseline !== undefined) {
    const again = parser.parse(corpus[0].text)!;
    assert.equal(again.rootNode.toString(), baseline, `${corpus[0].name} parses differently after the run`);
    again.delete();
  }
});
