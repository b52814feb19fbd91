/**
 * Rename over stdio: a local, a macro (`@name` at its uses), a user alias, and a function of a
 * tapsetDirs library inside the workspace (edits in every workspace file that calls it, open or
 * not); refused with a message for a tapset function, a local an alias sets, an alias a glob
 * reaches, and names stap would not read as one.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { LspClient, markers } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');

interface Edit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

let client: LspClient;
let work: string;

const LIB = markers('function <|helperDecl|>helper(x) { return x + 1 }\n');
const B = markers('probe begin { println(<|helperB|>helper(2)) }\n');

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-rename-'));
  mkdirSync(join(work, 'lib'));
  writeFileSync(join(work, 'lib', 'mylib.stp'), LIB.text);
  writeFileSync(join(work, 'b.stp'), B.text);
  client = await LspClient.start({ kernelBuildDir: KBUILD, tapsetDirs: [join(work, 'lib')] }, process.env, undefined, {
    workspaceFolders: [{ uri: LspClient.uri(work), name: 'work' }],
  });
});
after(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The edits as `file:line:col:text`, sorted. */
function edits(result: { changes?: Record<string, Edit[]> } | null): string[] {
  const out: string[] = [];
  for (const [uri, list] of Object.entries(result?.changes ?? {})) {
    for (const e of list) out.push(`${fileURLToPath(uri).slice(work.length + 1)}:${e.range.start.line}:${e.range.start.character}-${e.range.end.character}:${e.newText}`);
  }
  return out.sort();
}

async function open(name: string, source: string) {
  const { text, at } = markers(source);
  const uri = client.open(join(work, name), text);
  await client.diagnostics(uri);
  const rename = (m: string, newName: string) => client.request<{ changes?: Record<string, Edit[]> } | null>('textDocument/rename', { textDocument: { uri }, position: at[m], newName });
  const prepare = (m: string) => client.request<{ range: Edit['range']; placeholder: string } | null>('textDocument/prepareRename', { textDocument: { uri }, position: at[m] });
  return { uri, at, rename, prepare };
}

const span = (file: string, p: { line: number; character: number }, len: number, text: string) => `${file}:${p.line}:${p.character}-${p.character + len}:${text}`;

describe('rename', () => {
  test('a local, a macro and a user alias, in the file', async () => {
    const { at, rename, prepare } = await open(
      'a.stp',
      '@define <|mdecl|>twice(x) %( (@x * 2) %)\nprobe <|al|>my.alias = begin { }\nprobe <|aluse|>my.alias {\n  <|l1|>total = @<|m1|>twice(1)\n  println(<|l2|>total + @<|m2|>twice(2))\n}\n',
    );
    assert.deepEqual(edits(await rename('l2', 'sum')), [span('a.stp', at.l1, 5, 'sum'), span('a.stp', at.l2, 5, 'sum')]);
    const m1 = { line: at.m1.line, character: at.m1.character - 1 };
    const m2 = { line: at.m2.line, character: at.m2.character - 1 };
    assert.deepEqual(edits(await rename('m1', 'double')), [span('a.stp', at.mdecl, 5, 'double'), span('a.stp', m1, 6, '@double'), span('a.stp', m2, 6, '@double')].sort());
    assert.deepEqual(edits(await rename('aluse', 'your.probe')), [span('a.stp', at.al, 8, 'your.probe'), span('a.stp', at.aluse, 8, 'your.probe')]);
    const p = await prepare('m2');
    assert.equal(p?.placeholder, '@twice');
  });

  test('a function of a tapsetDirs library in the workspace: every calling file, open or not', async () => {
    const { at, rename } = await open('c.stp', 'probe begin { println(<|call|>helper(1)) }\n');
    assert.deepEqual(edits(await rename('call', 'assist')), [
      span('b.stp', B.at.helperB, 6, 'assist'),
      span('c.stp', at.call, 6, 'assist'),
      span('lib/mylib.stp', LIB.at.helperDecl, 6, 'assist'),
    ]);
  });

  test('refused: a tapset function, a local an alias sets, an alias reached by a glob, bad names', async () => {
    const { rename, prepare } = await open(
      'refused.stp',
      'probe mine.one = begin { }\nprobe <|glob|>mine.* { }\nprobe syscall.read { println(<|exec|>execname(), <|fd|>fd); <|x|>x = 1; println(x) }\n',
    );
    await assert.rejects(rename('exec', 'myname'), /execname.*installed tapset|tapset/);
    await assert.rejects(prepare('exec'), /execname/);
    await assert.rejects(rename('fd', 'filedes'), /probe alias .*sysc_read\.stp/);
    await assert.rejects(rename('glob', 'yours.one'), /wildcard/);
    for (const bad of ['1x', 'probe', 'a-b', '']) await assert.rejects(rename('x', bad), /not a valid|reserved/, bad);
  });
});
