/**
 * The lexer, preprocessor, parser and -p1 printer together, against the real stap 4.8:
 *
 * - test-fixtures/parseok/*.stp (options and arguments from their `#! stap` line): our
 *   `printParseTreeDump` must equal `stap -p1`'s stdout byte for byte;
 * - test-fixtures/parseko/*.stp: our first error (message and `saw:`/`at:` line) must equal
 *   stap's first `parse error:` block;
 * - every installed example script, run with `-g` and the arguments 1 … 10: the dump where stap
 *   accepts it, the first error where it does not;
 * - every tapset .stp of the x86_64 search path parses without errors, and, with `-v`, the whole
 *   `stap -p1 -v` dump (all 484 library files) is identical.
 *
 * Without stap on PATH only the hermetic halves run (parseok parses, parseko fails, tapsets
 * parse) and a diagnostic says so. Known differences are listed with their reason and asserted
 * as they are today, never skipped.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { emptyStapFile, type StapFile } from '../../server/src/ast/staptree';
import { printParseTreeDump } from '../../server/src/dump/p1';
import { Lexer } from '../../server/src/passes/parse/lexer';
import { parse, type ParseResult } from '../../server/src/passes/parse/parser';
import { collectLibraryMacros, Preprocessor, type MacroDefinition } from '../../server/src/passes/parse/preprocess';
import { formatParseError } from '../../server/src/passes/parse/report';
import type { SourceFile } from '../../server/src/passes/parse/token';
import { STAP_VERSION, type Session } from '../../server/src/session';
import { discoverLibrary, type TapsetFs } from '../../server/src/tapsets/search-path';
import { exampleFiles, INSTALL_HINT, tapsetDir } from '../helpers/installed';
import { findStap, makeFakeKbuild, parseHeader, runStap, stapArgs, type FakeKbuild, type StapResult } from '../helpers/stap';
import { pool } from '../helpers/pool';
import { stripTip } from './harness';

const FIXTURES = join(__dirname, '..', '..', 'test-fixtures');
const EXAMPLE_ARGS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
const STAP_TIMEOUT_MS = 120_000;

/**
 * FIXME: inputs where we differ from stap 4.8, keyed `parseok/NAME`, `parseko/NAME` or the
 * example path, with the reason; the test asserts today's (different) result. Empty today.
 * Not listed because stap has no answer to compare with: inputs on which stap 4.8 segfaults
 * (`x = [*]`, a `return` or function declaration cut off at the end of the file); we report a
 * parse error for those.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

const TARGET = {
  kernelRelease: '6.1.0-fake',
  kernelBaseRelease: '6.1.0',
  arch: 'x86_64',
  runtime: 'kernel' as const,
  kernelConfig: new Map([
    ['CONFIG_X86_64', 'y'],
    ['CONFIG_KPROBES', 'y'],
  ]),
};

function makeSession(guru: boolean, args: string[]): Session {
  return {
    target: TARGET,
    compatible: STAP_VERSION,
    privilege: 'stapdev',
    guru,
    includePath: [tapsetDir()],
    args,
    verbose: 0,
    lastPass: 1,
    suppressWarnings: false,
    warningsAsErrors: false,
  };
}

const nodeFs: TapsetFs = {
  readdir: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return undefined;
    }
  },
  stat: (path) => {
    try {
      const st = statSync(path);
      return { dev: st.dev, ino: st.ino, isFile: st.isFile(), isDirectory: st.isDirectory() };
    } catch {
      return undefined;
    }
  },
};

interface Library {
  macros: Map<string, MacroDefinition>;
  /** stap's `library_files`: the `.stpm`s (empty in the dump), then the `.stp`s. */
  files: StapFile[];
  /** Tapset .stp files that did not parse, with their first error. */
  failures: string[];
}

/** Reads the tapset library the way stap -p1 does for the default x86_64 target. */
function loadLibrary(): Library {
  const session = makeSession(false, []);
  const found = discoverLibrary([tapsetDir()], TARGET, nodeFs);
  const macros = new Map<string, MacroDefinition>();
  const files: StapFile[] = [];
  const failures: string[] = [];
  for (const dir of found.macroDirs) {
    for (const ref of dir.files) {
      const file: SourceFile = { name: ref.path, text: readFileSync(ref.path, 'latin1') };
      const r = collectLibraryMacros(file, new Lexer(file, { args: [], compatible: STAP_VERSION }), session, macros);
      if (r.errors.length) failures.push(`${ref.path}: ${r.errors[0].message}`);
      else files.push(emptyStapFile(file, true));
    }
  }
  for (const dir of found.scriptDirs) {
    for (const ref of dir.files) {
      const file: SourceFile = { name: ref.path, text: readFileSync(ref.path, 'latin1') };
      const r = parseFile(file, session, macros, { privileged: true, library: true });
      if (r.stapfile) files.push(r.stapfile);
      else failures.push(`${ref.path}: ${r.errors[0]?.message ?? r.emptyMessage}`);
    }
  }
  return { macros, files, failures };
}

function parseFile(
  file: SourceFile,
  session: Session,
  macros: Map<string, MacroDefinition>,
  { privileged, library = false }: { privileged: boolean; library?: boolean },
): ParseResult {
  const lexer = new Lexer(file, { args: session.args, compatible: session.compatible });
  const tokens = new Preprocessor(lexer, { session, libraryMacros: macros, file, library });
  return parse(file, tokens, { session, privileged, library });
}

interface Ours {
  /** `stap -p1`'s stdout when the file parses, else ''. */
  stdout: string;
  /** The first error block's first two lines, or the empty-file line. */
  firstError: string | undefined;
  errorCount: number;
}

function runOurs(name: string, text: string, guru: boolean, args: string[], lib: Library): Ours {
  const file: SourceFile = { name, text };
  const r = parseFile(file, makeSession(guru, args), lib.macros, { privileged: guru });
  const firstError = r.errors.length
    ? formatParseError(r.errors[0], file).split('\n').slice(0, 2).join('\n')
    : r.emptyMessage;
  return { stdout: r.stapfile ? printParseTreeDump([r.stapfile], [], false) : '', firstError, errorCount: r.errors.length };
}

/** stap's first `parse error:` block's first two lines (or its first line for other failures). */
function stapFirstError(stderr: string): string {
  const lines = stderr.split('\n');
  const i = lines.findIndex((l) => l.startsWith('parse error:'));
  return i >= 0 ? lines.slice(i, i + 2).join('\n') : lines[0];
}

function fixtureNames(kind: 'parseok' | 'parseko'): string[] {
  const dir = join(FIXTURES, kind);
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.stp')).sort() : [];
}


/** Runs stap; stdout and stderr read as latin1 (stap's bytes, as our strings hold them). */
async function runStapLatin1(args: string[], cwd?: string): Promise<StapResult> {
  const r = await runStap(args, { cwd, timeoutMs: STAP_TIMEOUT_MS });
  return { ...r, stderr: stripTip(r.stderr) };
}

const stap = findStap();
let kbuild: FakeKbuild | undefined;
let lib: Library;

before(() => {
  lib = loadLibrary();
  if (stap) kbuild = makeFakeKbuild();
});
after(() => kbuild?.cleanup());

test('stap availability for the differential checks', (t) => {
  const line = stap
    ? `stap -p1 differential checks use ${stap}`
    : 'stap not found on PATH: only the hermetic checks run (parseok parses, parseko fails, tapsets parse)';
  t.diagnostic(line);
  if (!stap) console.log(`# ${line}`);
});

describe('tapsets', () => {
  test('every x86_64 tapset .stp parses without errors through lexer, preprocessor and parser', () => {
    assert.ok(lib.files.length > 400, `only ${lib.files.length} library files: ${INSTALL_HINT}`);
    assert.deepEqual(lib.failures, []);
  });

  test('stap -p1 -v: the whole dump, every library file included, is identical', async (t) => {
    if (!stap || !kbuild) return t.diagnostic('stap not installed: not compared');
    const result = await runStapLatin1(['-r', kbuild.dir, '-p1', '-v', '-e', 'probe begin {}']);
    assert.equal(result.status, 0, result.stderr);
    const userFile = parseFile({ name: '<input>', text: 'probe begin {}' }, makeSession(false, []), lib.macros, {
      privileged: false,
    }).stapfile!;
    const actual = printParseTreeDump([userFile], lib.files, true);
    const expected = result.stdout;
    if (actual !== expected) {
      const a = actual.split('\n');
      const e = expected.split('\n');
      let i = 0;
      while (i < a.length && a[i] === e[i]) i++;
      assert.fail(`-v dump differs at line ${i + 1}:\n  stap: ${JSON.stringify(e[i])}\n  ours: ${JSON.stringify(a[i])}`);
    }
    t.diagnostic(`-p1 -v dump identical: ${lib.files.length} library files, ${expected.split('\n').length} lines`);
  });
});

describe('parseok fixtures', () => {
  const names = fixtureNames('parseok');
  const dir = join(FIXTURES, 'parseok');

  test('each parses without errors', () => {
    const failing: string[] = [];
    for (const name of names) {
      const text = readFileSync(join(dir, name), 'latin1');
      const header = parseHeader(text) ?? { options: [], args: [] };
      const guru = header.options.some((o) => /^-[A-Za-z]*g/.test(o));
      const ours = runOurs(name, text, guru, header.args, lib);
      if (ours.errorCount || !ours.stdout) failing.push(`${name}: ${ours.firstError}`);
    }
    assert.deepEqual(failing, []);
  });

  test('each dump equals stap -p1 byte for byte', async (t) => {
    if (!stap || !kbuild) return t.diagnostic('stap not installed: not compared');
    const k = kbuild.dir;
    const results = await pool(
      names.map((name) => async () => {
        const text = readFileSync(join(dir, name), 'latin1');
        const header = parseHeader(text) ?? { options: ['-p1'], args: [] };
        const r = await runStapLatin1(stapArgs(header, k, name), dir);
        const guru = header.options.some((o) => /^-[A-Za-z]*g/.test(o));
        const ours = runOurs(name, text, guru, header.args, lib);
        return { name, same: r.status === 0 && ours.stdout === r.stdout, stap: r, ours };
      }),
    );
    checkAll(t, 'parseok', results, (r) => `stap status ${r.stap.status}; first differing output:\n${diffLine(r.stap.stdout, r.ours.stdout)}`);
  });
});

describe('parseko fixtures', () => {
  const names = fixtureNames('parseko');
  const dir = join(FIXTURES, 'parseko');

  test('each fails to parse', () => {
    const passing: string[] = [];
    for (const name of names) {
      const text = readFileSync(join(dir, name), 'latin1');
      const header = parseHeader(text) ?? { options: [], args: [] };
      const guru = header.options.some((o) => /^-[A-Za-z]*g/.test(o));
      if (runOurs(name, text, guru, header.args, lib).firstError === undefined) passing.push(name);
    }
    assert.deepEqual(passing, []);
  });

  test("each first error (message and token line) equals stap's", async (t) => {
    if (!stap || !kbuild) return t.diagnostic('stap not installed: not compared');
    const k = kbuild.dir;
    const results = await pool(
      names.map((name) => async () => {
        const text = readFileSync(join(dir, name), 'latin1');
        const header = parseHeader(text) ?? { options: ['-p1'], args: [] };
        const r = await runStapLatin1(stapArgs(header, k, name), dir);
        const guru = header.options.some((o) => /^-[A-Za-z]*g/.test(o));
        const ours = runOurs(name, text, guru, header.args, lib);
        return { name, same: r.status !== 0 && ours.firstError === stapFirstError(r.stderr), stap: r, ours };
      }),
    );
    checkAll(t, 'parseko', results, (r) => `stap:\n${stapFirstError(r.stap.stderr)}\nours:\n${r.ours.firstError}`);
  });
});

describe('installed examples', () => {
  test('each (with -g and the arguments 1 … 10) gives the dump or the first error stap gives', async (t) => {
    const files = exampleFiles();
    if (files.length === 0) return assert.fail(`no example scripts: ${INSTALL_HINT}`);
    // Hermetic half: nothing throws.
    for (const path of files) runOurs(path, readFileSync(path, 'latin1'), true, EXAMPLE_ARGS, lib);
    if (!stap || !kbuild) return t.diagnostic('stap not installed: not compared');
    const k = kbuild.dir;
    const results = await pool(
      files.map((path) => async () => {
        const r = await runStapLatin1(['-r', k, '-p1', '-g', path, ...EXAMPLE_ARGS]);
        const ours = runOurs(path, readFileSync(path, 'latin1'), true, EXAMPLE_ARGS, lib);
        const same =
          r.status === 0 ? ours.stdout === r.stdout : ours.stdout === '' && ours.firstError === stapFirstError(r.stderr);
        return { name: path, same, stap: r, ours };
      }),
    );
    checkAll(t, 'examples', results, (r) =>
      r.stap.status === 0
        ? `stap accepts; first differing line:\n${diffLine(r.stap.stdout, r.ours.stdout)}`
        : `stap:\n${stapFirstError(r.stap.stderr)}\nours:\n${r.ours.firstError}`,
    );
  });
});

interface Compared {
  name: string;
  same: boolean;
  stap: StapResult;
  ours: Ours;
}

/** Asserts every result agrees with stap, except the known differences (asserted as such). */
function checkAll(t: { diagnostic(s: string): void }, kind: string, results: Compared[], explain: (r: Compared) => string): void {
  const failures: string[] = [];
  let same = 0;
  for (const r of results) {
    const key = kind === 'examples' ? r.name : `${kind}/${r.name}`;
    if (r.same) same++;
    if (key in KNOWN_DIFFERENCES) {
      if (r.same) failures.push(`${key} now agrees with stap: remove it from KNOWN_DIFFERENCES`);
    } else if (!r.same) {
      failures.push(`${key}: ${explain(r)}`);
    }
  }
  t.diagnostic(`${kind}: ${same}/${results.length} identical to stap`);
  assert.deepEqual(failures, []);
}

function diffLine(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  return `  line ${i + 1}\n  stap: ${JSON.stringify(e[i])}\n  ours: ${JSON.stringify(a[i])}`;
}
