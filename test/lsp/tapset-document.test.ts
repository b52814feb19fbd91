/**
 * A tapset file opened in the editor is analysed as that tapset (`--tapset-document`, pass1.ts):
 * the installed files, read and never written, opened with their own text, give no error (no
 * usage error, no embedded-code errors, no "no probes found"); an edit's parse error is at its
 * line; the unsaved text replaces the library's copy (a function renamed in the document is no
 * longer found; a definition lands in the document once; another document never sees the
 * unsaved text as the library's, even when the tapset document loaded the library first);
 * definition reaches the other tapsets, hover shows a declaration's signature and documentation.
 * The CLI without the option still prints stap's usage error, byte for byte as the real stap.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { runStapLatin1, runStapLs } from '../pass1/harness';
import { LspClient, type LspDiagnostic } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');
const TAPSETS = '/usr/share/systemtap/tapset';
const CONTEXT = join(TAPSETS, 'linux', 'context.stp');
const CONTAINER_OF = join(TAPSETS, 'container_of.stpm');

interface Loc {
  uri: string;
  range: { start: { line: number; character: number } };
}

let client: LspClient;

before(async () => {
  client = await LspClient.start({ kernelBuildDir: KBUILD });
});
after(async () => {
  const pid = client.child.pid;
  await client.stop();
  assert.throws(() => process.kill(pid!, 0), 'the server is gone');
});

const errors = (ds: LspDiagnostic[]) => ds.filter((d) => d.severity === 1);
const show = (ds: LspDiagnostic[]) => ds.map((d) => `${d.range.start.line}: ${d.message}`).join('\n');

/** The 0-based line of the first line of `text` matching `re`, and the column of `word` on it. */
function at(text: string, re: RegExp, word: string): { line: number; character: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => re.test(l));
  assert.ok(line >= 0, `${re} not found`);
  return { line, character: lines[line].indexOf(word) + 1 };
}

describe('a tapset file opened as a document', () => {
  const text = readFileSync(CONTEXT, 'utf8');
  let uri: string;

  test('the installed linux/context.stp, as it is, has no error and no usage error', async () => {
    uri = client.open(CONTEXT, text);
    const ds = await client.diagnostics(uri);
    assert.deepEqual(errors(ds), [], show(ds));
    assert.ok(!ds.some((d) => /usage error|cannot be run directly|no probes found|need stap -g/.test(d.message)), show(ds));
  });

  test('definition from inside it reaches another tapset, and its own function once, in the document', async () => {
    const call = at(text, /__arg = user_string\(__arg_start/, 'user_string');
    const defs = await client.request<Loc[] | null>('textDocument/definition', { textDocument: { uri }, position: call });
    assert.ok(defs && defs.length > 0, 'user_string has a definition');
    for (const d of defs) assert.equal(fileURLToPath(d.uri), join(TAPSETS, 'uconversions.stp'));
    const own = at(text, /return cmdline_args\(0, -1/, 'cmdline_args');
    const ownDefs = await client.request<Loc[] | null>('textDocument/definition', { textDocument: { uri }, position: own });
    assert.deepEqual(
      ownDefs?.map((d) => [fileURLToPath(d.uri), d.range.start.line]),
      [[CONTEXT, at(text, /^function cmdline_args:string/, 'cmdline_args').line]],
    );
  });

  test('hover on a function it declares shows the signature and its kernel-doc comment', async () => {
    const decl = at(text, /^function cmdline_str:string\(\)/, 'cmdline_str');
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: decl });
    assert.match(hover?.contents.value ?? '', /cmdline_str: \(\) -> string[^]*Fetch all command line arguments/);
  });

  test('an edit introducing a syntax error gives that parse error at its line, as an error', async () => {
    const line = at(text, /^function cmdline_str:string\(\)/, 'cmdline_str').line;
    const lines = text.split('\n');
    lines.splice(line, 0, 'function broken:long ( {');
    client.change(uri, lines.join('\n'));
    const ds = await client.diagnostics(uri);
    const errs = errors(ds);
    assert.ok(errs.length > 0, show(ds));
    assert.equal(errs[0].range.start.line, line, show(ds));
    assert.equal(errs[0].code, 'parse');
    assert.ok(!ds.some((d) => /has errors, and will be skipped|usage error/.test(d.message)), show(ds));
  });

  test('the unsaved text replaces the library copy: a function renamed in the document is no longer found', async () => {
    client.change(uri, text.replace(/^function cmdline_args:string/m, 'function cmdline_args_renamed:string'));
    assert.deepEqual(errors(await client.diagnostics(uri)), []);
    const call = at(text, /return cmdline_args\(n, n, ""\)/, 'cmdline_args');
    const defs = await client.request<Loc[] | null>('textDocument/definition', { textDocument: { uri }, position: call });
    assert.deepEqual(defs ?? [], [], 'the on-disk copy of the function is not in the library');
    client.change(uri, text);
    assert.deepEqual(errors(await client.diagnostics(uri)), []);
    client.close(uri);
  });

  test('a tapset .stpm as it is has no error; a broken @define is an error at its line', async () => {
    const stpm = readFileSync(CONTAINER_OF, 'utf8');
    const doc = client.open(CONTAINER_OF, stpm);
    const ds = await client.diagnostics(doc);
    assert.deepEqual(errors(ds), [], show(ds));
    assert.ok(!ds.some((d) => /usage error|no probes found/.test(d.message)), show(ds));
    const line = stpm.split('\n').length - 1;
    client.change(doc, `${stpm}@define broken(x) %( @x\n`);
    const broken = errors(await client.diagnostics(doc));
    assert.ok(broken.length > 0 && broken.every((d) => d.range.start.line >= line), show(broken));
    client.close(doc);
  });
});

describe("a tapset document's unsaved text stays its own", () => {
  test('opened first in a fresh server with execname renamed, other documents still find execname', async () => {
    const fresh = await LspClient.start({ kernelBuildDir: KBUILD });
    try {
      const text = readFileSync(CONTEXT, 'utf8');
      const doc = fresh.open(CONTEXT, text.replace(/^function execname:string/m, 'function execname_renamed:string'));
      assert.deepEqual(errors(await fresh.diagnostics(doc)), []);
      const user = fresh.open(join(__dirname, 'not-on-disk-user.stp'), 'probe begin { println(execname()) }\n');
      const ds = await fresh.diagnostics(user);
      assert.deepEqual(errors(ds), [], show(ds));
    } finally {
      const pid = fresh.child.pid;
      await fresh.stop();
      assert.throws(() => process.kill(pid!, 0), 'the second server is gone');
    }
  });
});

describe('the CLI on the same file', () => {
  test('stap-ls -p2 prints the usage error and the guru errors byte for byte as stap', async () => {
    const argv = ['-r', KBUILD, '-p2', CONTEXT];
    const mine = runStapLs(argv);
    const theirs = await runStapLatin1(argv);
    assert.match(mine.stderr, /^usage error: tapset file '\/usr\/share\/systemtap\/tapset\/linux\/context\.stp' cannot be run directly as a session script\.\n/);
    assert.equal(mine.stderr, theirs.stderr);
    assert.equal(mine.stdout, theirs.stdout);
    assert.equal(mine.status, theirs.status);
  });
});
