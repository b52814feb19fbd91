/**
 * Issue 5, acceptance point 3: the diagnostics the editor shows (analyzeDocument, in process;
 * the server publishes exactly these) on real scripts.
 *
 * 1. Every installed example opened as a document, on the REAL machine's kernel build dir
 *    (test/helpers/real-kbuild.ts, as the pass-2 --assume-debuginfo test), with the settings its
 *    `.meta` test_check line stands for (script arguments, `-g`, `-I`): zero diagnostics of
 *    severity error. Warnings do not count: stap prints them for scripts it accepts, they are
 *    not false errors (their number is printed). The exceptions are those stap rejects on this
 *    kernel too (the list of test/pass2/assume-debuginfo.test.ts, which proves each by running
 *    stap), plus the ones with a reason of the editor's own; each must still fail, with its
 *    reason, so the list cannot go stale. Then every example that is given arguments is opened
 *    with none set: still no error (unset arguments are unknown values, never errors).
 * 2. Every must-fail fixture (test-fixtures/pass2/ko and test-fixtures/pass1/ko): the first
 *    diagnostic is stap's first error or warning from the golden stderr, same message and same
 *    line:column of its token (a token in a tapset: the same place among the related
 *    locations, the diagnostic itself at the user's site). Where the editor mode legitimately
 *    differs, the difference must be explained by one of the editor's flags: running the CLI
 *    with the fixture's own options (-u, -v, …, which have no setting), or without
 *    --assume-debuginfo (a debuginfo error, or `no probes found` for a file that declares no
 *    probe), or without --assume-args, or without --tapset-document (a tapset file as the script)
 *    gives stap's first error line. Fixtures that need what
 *    a document cannot have (stdin, -e/-E, --privilege, -G, -w) are counted apart.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { analyzeDocument, EDITOR_FLAGS, type Diagnostic } from '../../server/src/workspace/analysis';
import { DEFAULT_SETTINGS, settingsArgv, type Settings } from '../../server/src/workspace/settings';
import { commandFor } from '../helpers/example-command';
import { exampleFiles, INSTALL_HINT, listFiles } from '../helpers/installed';
import { makeRealKbuild, type RealKbuild } from '../helpers/real-kbuild';
import { parseHeader } from '../helpers/stap';
import { firstError, runMine } from '../pass2/compare';
import { commandLine, fixtures, ROOT } from '../pass2/fixture-files';
import { LspClient, markers } from './harness';
import { STAP_FAILS } from '../helpers/stap-rejects-here';

const FAKE_KBUILD = join(ROOT, 'test-fixtures', 'pass1', 'kbuild');

/** Examples the editor rejects for a reason of its own: each with the error it gives and why. */
const EDITOR_FAILS: Record<string, { error: RegExp; why: string }> = {};

/**
 * Examples whose arguments are pasted in as code where no placeholder can stand for them, so
 * that without arguments they cannot parse (with each, the error and why). stap rejects them
 * too without arguments; --assume-args makes an unset `$N` a value, not an operator.
 */
const NEED_ARGUMENTS: Record<string, { error: RegExp; why: string }> = {
  'general/measureinterval.stp': { error: /^expected one of ', \)'/, why: '`$3(acc[i])`: $3 is an aggregate operator (@sum), called' },
};

const nameOf = (script: string) => script.replace(/^.*\/examples\//, '');

/** The settings an example's `.meta` command stands for; the options without a setting are returned apart. */
function exampleSettings(script: string, kbuild: string): { settings: Settings; unmapped: string[] } {
  const cmd = commandFor(script, 'meta');
  const settings: Settings = { ...DEFAULT_SETTINGS, kernelBuildDir: kbuild, tapsetDirs: [], scriptArguments: [] };
  // Without a stap test_check line there are no real arguments (the fallback's dummies are not them).
  if (cmd.origin.startsWith('test_check:')) settings.scriptArguments = cmd.args;
  const unmapped: string[] = [];
  for (let i = 0; i < cmd.options.length; i++) {
    const o = cmd.options[i];
    if (o === '-g') settings.guruMode = true;
    else if (o === '-I') settings.tapsetDirs.push(cmd.options[++i]);
    else if (o === '-c') settings.targetCommand = cmd.options[++i];
    else if (o === '-D' || o === '-w' || o === '-W' || o === '-u') {
      // -D is for the C compiler; -w/-W/-u change warnings or optimisation, not errors.
      if (o === '-D') i++;
    } else {
      unmapped.push(o, cmd.options[i + 1]);
      i++;
    }
  }
  return { settings, unmapped };
}

const errorsOf = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'error');
const show = (d: Diagnostic | undefined) => (d ? `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}` : 'none');

describe('acceptance: zero error diagnostics on the installed examples (real kernel build dir)', () => {
  const scripts = exampleFiles();
  let kbuild: RealKbuild;
  let warnings = 0;
  let clean = 0;
  before(() => {
    kbuild = makeRealKbuild();
  });
  after(() => {
    kbuild?.cleanup();
    console.log(
      `# examples as documents on ${kbuild?.release}: ${clean}/${scripts.length} with zero errors, ` +
        `${Object.keys(STAP_FAILS).length} rejected by stap too, ${Object.keys(EDITOR_FAILS).length} editor exceptions; ${warnings} warnings in all (not counted)`,
    );
  });
  test('the examples are installed and the exception lists name only examples', () => {
    assert.ok(scripts.length >= 200, `${scripts.length} example scripts: ${INSTALL_HINT}`);
    const names = new Set(scripts.map(nameOf));
    for (const k of [...Object.keys(STAP_FAILS), ...Object.keys(EDITOR_FAILS)]) assert.ok(names.has(k), `${k} is not an installed example`);
  });
  for (const script of scripts) {
    const name = nameOf(script);
    test(name, () => {
      const { settings } = exampleSettings(script, kbuild.dir);
      const text = readFileSync(script, 'utf8');
      const analysis = analyzeDocument({ path: script, text, version: 1 }, settings);
      const errors = errorsOf(analysis.diagnostics);
      warnings += analysis.diagnostics.filter((d) => d.severity === 'warning').length;
      if (STAP_FAILS[name]) {
        assert.notEqual(errors.length, 0, `${name}: stap rejects it here (${STAP_FAILS[name]}), the editor shows no error`);
        return;
      }
      const editor = EDITOR_FAILS[name];
      if (editor) {
        assert.match(errors[0]?.message ?? 'no error', editor.error, `${name}: ${editor.why}`);
        return;
      }
      assert.deepEqual(errors.map(show), [], `${name} with ${JSON.stringify(settings.scriptArguments)}`);
      // Every diagnostic lies in the document (none at a tapset line passed off as this file's).
      for (const d of analysis.diagnostics) assert.ok(d.range.start.line < text.split('\n').length, show(d));
      clean++;
      if (settings.scriptArguments.length > 0) {
        const bare = analyzeDocument({ path: script, text, version: 2 }, { ...settings, scriptArguments: [] });
        const need = NEED_ARGUMENTS[name];
        if (need) assert.match(errorsOf(bare.diagnostics)[0]?.message ?? 'no error', need.error, `${name}: ${need.why}`);
        else assert.deepEqual(errorsOf(bare.diagnostics).map(show), [], `${name} without its arguments ${JSON.stringify(settings.scriptArguments)}`);
      }
    });
  }
});

/** A golden's first diagnostic: its message (without the token) and the token's file:line:column. */
interface Golden {
  line: string;
  message: string;
  at?: { file: string; line: number; column: number };
}

function goldenFirst(stderr: string): Golden | undefined {
  const lines = stderr.split('\n');
  let i = lines.findIndex((l) => /^(semantic error|parse error|WARNING|ERROR|error)\b/.test(l));
  // No error line (`Input file 'F' is empty.`): the first line stap prints is the diagnostic.
  if (i < 0) i = lines.findIndex((l) => l.trim() !== '' && !/^Pass \d/.test(l));
  if (i < 0) return undefined;
  const block = [lines[i]];
  for (let j = i + 1; j < lines.length && /^\s/.test(lines[j]) && !/^\s+source:/.test(lines[j]); j++) block.push(lines[j]);
  const loc = block.map((l) => / at (\S*):(\d+):(\d+)$/.exec(l)).find((m) => m !== null);
  const message = lines[i]
    .replace(/^(semantic error|parse error|WARNING|ERROR|error): /, '')
    .replace(/: (identifier|operator|string|number|junk) .* at \S*:\d+:\d+$/, '')
    .replace(/: (keyword|embedded-code) at \S*:\d+:\d+$/, '');
  return { line: lines[i], message, at: loc ? { file: loc[1], line: Number(loc[2]), column: Number(loc[3]) } : undefined };
}

interface KoCase {
  key: string;
  /** Relative to the repository root. */
  path: string;
  argv: string[];
  stdin?: string;
  golden: string;
}

function koCases(): KoCase[] {
  const pass2 = fixtures()
    .filter((f) => f.mustFail)
    .map((f): KoCase => {
      const { argv, stdin } = commandLine(f, FAKE_KBUILD);
      return { key: `pass2/${f.key}`, path: f.path, argv, stdin, golden: join(ROOT, 'test-fixtures', 'pass2', 'expected', 'ko', `${f.name}.stderr`) };
    });
  const pass1 = listFiles(join(ROOT, 'test-fixtures', 'pass1', 'ko'), /\.stp$/).map((abs): KoCase => {
    const path = abs.slice(ROOT.length + 1);
    const name = path.replace(/^.*\//, '').replace(/\.stp$/, '');
    const text = readFileSync(abs, 'latin1');
    const json = /^#!\s*stap-argv\s+(\[.*\])/.exec(text);
    const golden = join(ROOT, 'test-fixtures', 'pass1', 'expected', 'pass1', 'ko', `${name}.err`);
    if (json) {
      const words = JSON.parse(json[1]) as string[];
      return { key: `pass1/${name}`, path, argv: ['-r', FAKE_KBUILD, ...words.map((w) => (w === 'FILE' ? path : w))], stdin: words.includes('-') ? text : undefined, golden };
    }
    const header = parseHeader(text) ?? { options: [], args: [] };
    return { key: `pass1/${name}`, path, argv: [...header.options, '-r', FAKE_KBUILD, path, ...header.args], golden };
  });
  return [...pass2, ...pass1];
}

/** The settings for a fixture's command line, and its options that have no setting. */
function fixtureSettings(c: KoCase): { settings: Settings; script?: string; dropped: string[]; impossible: string[] } {
  const settings: Settings = { ...DEFAULT_SETTINGS, tapsetDirs: [], scriptArguments: [] };
  const dropped: string[] = [];
  const impossible: string[] = c.stdin !== undefined ? ['stdin'] : [];
  // Options may follow the script (getopt permutes): a second script is no document either.
  for (const w of c.argv) if (w === '-e' || w === '-E') impossible.push(w);
  let script: string | undefined;
  const a = c.argv;
  for (let i = 0; i < a.length; i++) {
    const w = a[i];
    if (script !== undefined) settings.scriptArguments.push(w);
    else if (w === '-r') settings.kernelBuildDir = a[++i];
    else if (w.startsWith('-I')) settings.tapsetDirs.push(join(ROOT, w.length > 2 ? w.slice(2) : a[++i]));
    else if (/^-g?p\d$/.test(w)) {
      if (w.includes('g')) settings.guruMode = true;
    } else if (w === '-g') settings.guruMode = true;
    else if (w === '-u' || w === '-v' || w === '-W') dropped.push(w);
    else if (w === '-e' || w === '-E') i++;
    else if (w.startsWith('-')) impossible.push(w);
    else script = w;
  }
  if (script === undefined) impossible.push('no script file');
  else if (!existsSync(join(ROOT, script)) || !statSync(join(ROOT, script)).isFile()) impossible.push('not a file');
  return { settings, script, dropped, impossible };
}

describe('acceptance: on every must-fail fixture the first diagnostic is stap\'s first error', () => {
  const cases = koCases();
  const counts = { same: 0, options: 0, debuginfo: 0, assumeArgs: 0, keepGoing: 0, tapsetDocument: 0, impossible: 0 };
  after(() =>
    console.log(
      `# must-fail fixtures: ${counts.same}/${cases.length} first diagnostic = stap's first, ${counts.options} differ by options without a setting (-u/-v/-W), ` +
        `${counts.debuginfo} by --assume-debuginfo, ${counts.assumeArgs} by --assume-args, ${counts.keepGoing} by --keep-going, ${counts.tapsetDocument} by --tapset-document, ${counts.impossible} not a document (stdin, -e/-E, --privilege, -G, -w, no file)`,
    ),
  );
  test('the fixtures and their goldens are there', () => {
    assert.ok(cases.length > 300, `${cases.length} must-fail fixtures`);
    for (const c of cases) assert.ok(existsSync(c.golden), `${c.key}: no golden ${c.golden}`);
  });
  for (const c of cases) {
    test(c.key, () => {
      const golden = goldenFirst(readFileSync(c.golden, 'latin1'));
      assert.ok(golden, `${c.key}: the golden has no error`);
      const { settings, script, dropped, impossible } = fixtureSettings(c);
      if (impossible.length > 0) {
        counts.impossible++;
        return;
      }
      const abs = join(ROOT, script!);
      const analysis = analyzeDocument({ path: abs, text: readFileSync(abs, 'utf8'), version: 1 }, settings);
      const first = analysis.diagnostics.find((d) => d.severity !== 'hint');
      const problem = compareFirst(golden, first, c.path);
      if (problem === '') {
        counts.same++;
        return;
      }
      // The difference must come from one of the editor's flags: the CLI shows it.
      const editorArgv = (flags: string[], extra: string[]) => ['-p2', ...flags, ...extra, ...settingsArgv(settings), c.path, ...settings.scriptArguments];
      const firstLine = (argv: string[]) => firstError(runMine(argv, { cwd: ROOT }).stderr);
      if (dropped.length > 0 && firstLine(editorArgv(EDITOR_FLAGS, dropped)) === golden.line) {
        counts.options++;
        return;
      }
      if (firstLine(editorArgv(EDITOR_FLAGS.filter((f) => f !== '--assume-debuginfo'), dropped)) === golden.line) {
        assert.match(golden.message, /debuginfo|^while resolving probe point|^type definition .* not found|^no probes found/, `${c.key}: not a debuginfo error: ${problem}`);
        counts.debuginfo++;
        return;
      }
      if (firstLine(editorArgv(EDITOR_FLAGS.filter((f) => f !== '--assume-args'), dropped)) === golden.line) {
        assert.match(golden.message, /command line argument/, `${c.key}: ${problem}`);
        counts.assumeArgs++;
        return;
      }
      const scriptArgv = ['-p2', ...EDITOR_FLAGS.filter((f) => f !== '--tapset-document'), ...dropped, ...settingsArgv(settings), script!, ...settings.scriptArguments];
      if (firstLine(scriptArgv).replaceAll(`${ROOT}/`, '') === golden.line) {
        // A tapset file opened as a document is analysed as that tapset (pass1.ts).
        assert.match(golden.message, /^usage error: tapset file .* cannot be run directly/, `${c.key}: ${problem}`);
        counts.tapsetDocument++;
        return;
      }
      if (firstLine(editorArgv(EDITOR_FLAGS.filter((f) => f !== '--keep-going'), dropped)) === golden.line) {
        // Under --keep-going every step runs on; the one fixture here is stap's symbol-table
        // iteration quirk (an `internal error` for bodies resolved late), which a run that goes
        // on past the first error does not reach in the same order.
        assert.match(golden.message, /^internal error/, `${c.key}: ${problem}`);
        counts.keepGoing++;
        return;
      }
      assert.fail(`${c.key}: ${problem}`);
    });
  }
});

/** '' when the editor's first diagnostic is the golden's (message, and place of its token); else what differs. */
function compareFirst(golden: Golden, d: Diagnostic | undefined, path: string): string {
  if (!d) return `stap: ${golden.line} | editor: no diagnostic`;
  const message = d.message.replace(new RegExp(`${ROOT}/`, 'g'), '');
  if (!message.startsWith(golden.message)) return `stap: ${golden.message} | editor: ${message}`;
  if (!golden.at) return '';
  const { file, line, column } = golden.at;
  if (file === '' || file === path || file === '<input>') {
    // `:L:C` (the file printed before) is the document in these fixtures.
    const got = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
    return got === `${line}:${column}` ? '' : `stap at ${line}:${column}, editor at ${got} (${message})`;
  }
  // In another file (a tapset): among the related locations, the diagnostic at the user's site.
  const where = d.related.find((r) => r.path.replace(`${ROOT}/`, '') === file && r.range.start.line + 1 === line && r.range.start.character + 1 === column);
  return where ? '' : `stap at ${file}:${line}:${column}, editor related: ${JSON.stringify(d.related.map((r) => `${r.path}:${r.range.start.line + 1}:${r.range.start.character + 1}`))}`;
}

describe('acceptance over the server: a tapset error at the user\'s call site, and an example with its arguments', () => {
  let client: LspClient;
  let kbuild: RealKbuild;
  let work: string;
  before(async () => {
    kbuild = makeRealKbuild();
    work = mkdtempSync(join(tmpdir(), 'stap-ls-accept-'));
    client = await LspClient.start({ kernelBuildDir: kbuild.dir, tapsetDirs: [join(ROOT, 'test-fixtures', 'pass2', 'tapsets', 'broken')] });
  });
  after(async () => {
    await client.stop();
    kbuild.cleanup();
    rmSync(work, { recursive: true, force: true });
  });
  test('an error inside a tapset function: at the call, the tapset line as related information', async () => {
    const { text, at } = markers('probe begin {\n  println(<|call|>broken_type())\n}\n');
    const uri = client.open(join(work, 'calls-broken.stp'), text);
    const [first] = (await client.diagnostics(uri)).filter((d) => d.severity === 1);
    assert.ok(first, 'no error');
    assert.match(first.message, /^type mismatch \(string\)/);
    assert.deepEqual(first.range.start, at.call);
    const rel = first.relatedInformation?.[0];
    assert.ok(rel, JSON.stringify(first));
    assert.match(rel.location.uri, /tapsets\/broken\/b\.stp$/);
    // stap: `identifier 'x' at …/b.stp:2:33`.
    assert.deepEqual(rel.location.range.start, { line: 1, character: 32 });
    assert.match(rel.message, /in function broken_type, called here/);
  });
  test('an error in a tapset alias body: at the probe point that expands it', async () => {
    const { text, at } = markers('probe <|pp|>broken.alias { println(1) }\n');
    const uri = client.open(join(work, 'alias-broken.stp'), text);
    const [first] = (await client.diagnostics(uri)).filter((d) => d.severity === 1);
    assert.ok(first, 'no error');
    assert.deepEqual(first.range.start, at.pp);
    assert.match(first.relatedInformation?.[0]?.location.uri ?? '', /b\.stp$/);
  });
  test('an installed example that takes arguments, opened with none set: no error', async () => {
    const script = exampleFiles().find((s) => s.endsWith('/general/para-callgraph.stp'));
    assert.ok(script, INSTALL_HINT);
    const text = readFileSync(script, 'utf8');
    const uri = client.open(join(work, 'para-callgraph.stp'), text);
    const errors = (await client.diagnostics(uri)).filter((d) => d.severity === 1);
    assert.deepEqual(errors.map((d) => d.message), []);
  });
});
