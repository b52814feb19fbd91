/**
 * Go to definition / declaration over stdio (test/lsp/harness.ts): into the installed tapset
 * files at the line where the installed file declares the name (found by searching the file now,
 * never hard-coded), every overload of a function, every alias a glob matches, macros of the
 * file and of a .stpm, globals, parameters and locals (a local an alias sets lands in the alias).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { LspClient, markers } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');
const TAPSETS = '/usr/share/systemtap/tapset';

interface Loc {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

let client: LspClient;
let work: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-def-'));
  client = await LspClient.start({ kernelBuildDir: KBUILD });
});
after(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The 0-based line of the first line of `file` matching `re`, and the column of `word` there. */
function lineOf(file: string, re: RegExp, word: string): { line: number; character: number } {
  const lines = readFileSync(file, 'latin1').split('\n');
  const line = lines.findIndex((l) => re.test(l));
  assert.ok(line >= 0, `${re} not found in ${file}`);
  return { line, character: lines[line].indexOf(word) };
}

function where(l: Loc): string {
  return `${fileURLToPath(l.uri)}:${l.range.start.line}:${l.range.start.character}`;
}

async function open(name: string, source: string) {
  const { text, at } = markers(source);
  const uri = client.open(join(work, name), text);
  await client.diagnostics(uri);
  const def = (m: string, method = 'textDocument/definition') => client.request<Loc[] | null>(method, { textDocument: { uri }, position: at[m] });
  return { uri, at, def };
}

describe('definition: the installed tapsets (acceptance 1)', () => {
  test('execname, syscall.read and @choose_defined land at their declarations in the installed files', async () => {
    const { def } = await open(
      'tapsets.stp',
      'probe syscall.<|read|>read { printf("%s %d\\n", <|exec|>execname(), <|choose|>@choose_defined($fd, 0)) }\n',
    );
    const cases: [string, string, RegExp, string][] = [
      ['exec', join(TAPSETS, 'linux', 'context.stp'), /^function execname\b/, 'execname'],
      ['read', join(TAPSETS, 'linux', 'sysc_read.stp'), /^probe syscall\.read\s*=/, 'syscall.read'],
      ['choose', join(TAPSETS, 'choose_defined.stpm'), /^@define choose_defined\b/, 'choose_defined'],
    ];
    for (const [m, file, re, word] of cases) {
      for (const method of ['textDocument/definition', 'textDocument/declaration']) {
        const got = await def(m, method);
        const want = lineOf(file, re, word);
        assert.deepEqual(got?.map(where), [`${file}:${want.line}:${want.character}`], `${m} via ${method}`);
      }
    }
  });

  test('a glob probe point lists every alias it matches', async () => {
    const { def } = await open('glob.stp', 'probe syscall.<|glob|>rea* { println(1) }\n');
    const got = (await def('glob')) ?? [];
    const names = got.map((l) => {
      const lines = readFileSync(fileURLToPath(l.uri), 'latin1').split('\n');
      return /^probe\s+([\w.]+)/.exec(lines[l.range.start.line].slice(l.range.start.character - 'probe '.length))?.[1];
    });
    for (const n of ['syscall.read', 'syscall.readv', 'syscall.readlink', 'syscall.readahead']) assert.ok(names.includes(n), `${n} in ${names.join(' ')}`);
    assert.ok(names.every((n) => n?.startsWith('syscall.rea')), names.join(' '));
    assert.ok(!names.includes('syscall.read.return'));
  });

  test('a local that the probe alias sets leads into the alias body', async () => {
    const { def } = await open('local-from-alias.stp', 'probe syscall.read { println(<|fd|>fd) }\n');
    const got = (await def('fd')) ?? [];
    assert.equal(got.length >= 1, true);
    for (const l of got) {
      assert.match(fileURLToPath(l.uri), /sysc_read\.stp$/);
      const line = readFileSync(fileURLToPath(l.uri), 'latin1').split('\n')[l.range.start.line];
      assert.match(line.slice(l.range.start.character), /^fd\s*=/);
    }
  });
});

describe('definition: the user script', () => {
  test('functions (every overload), globals, parameters, locals, macros and their parameters, user aliases', async () => {
    const src = [
      '@define <|mdecl|>twice(<|pdecl|>x) %( (@<|puse|>x * 2) %)',
      'global <|gdecl|>counts',
      'function <|f1|>f(a) { return <|ause|>a + 1 }',
      'function <|f2|>f(a, b) { return a + b }',
      'probe <|aldecl|>my.alias = begin { }',
      'probe <|aluse|>my.alias {',
      '  <|ldecl|>total = <|fcall|>f(1) + @<|muse|>twice(3)',
      '  <|guse|>counts[1] <<< <|luse|>total',
      '}',
      '',
    ].join('\n');
    const { def, at, uri } = await open('user.stp', src);
    const here = (m: string) => `${fileURLToPath(uri)}:${at[m].line}:${at[m].character}`;
    const cases: [string, string[]][] = [
      ['fcall', [here('f1'), here('f2')]],
      ['f1', [here('f1'), here('f2')]],
      ['guse', [here('gdecl')]],
      ['ause', [here('f1').replace(/:\d+$/, `:${at.f1.character + 2}`)]],
      ['luse', [here('ldecl')]],
      ['muse', [here('mdecl')]],
      ['puse', [here('pdecl')]],
      ['aluse', [here('aldecl')]],
    ];
    for (const [m, want] of cases) assert.deepEqual((await def(m))?.map(where), want, m);
  });

  test('a document with a parse error still leads to its declarations and the tapsets', async () => {
    const { def, at, uri } = await open(
      'broken.stp',
      'function <|decl|>g(x) { return x }\nprobe begin { println(<|call|>g(1), <|exec|>execname()) }\nprobe end { x = ) }\n',
    );
    assert.deepEqual((await def('call'))?.map(where), [`${fileURLToPath(uri)}:${at.decl.line}:${at.decl.character}`]);
    assert.match((await def('exec'))?.map(where).join() ?? '', /linux\/context\.stp:/);
  });

  test('nothing at a keyword, a number or white space', async () => {
    const { def } = await open('none.stp', '<|kw|>probe begin { x = <|num|>42 <|sp|> }\n');
    for (const m of ['kw', 'num', 'sp']) assert.deepEqual((await def(m)) ?? [], [], m);
  });
});
