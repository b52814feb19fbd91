/**
 * References over stdio: a script's own symbols are found in that script only; a symbol of a
 * library file (here a file of a `systemtap.tapsetDirs` directory inside the workspace folder)
 * is found in every workspace file that resolves to it, open or only on disk; a script that
 * declares its own global of the same name is not one of them.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { LspClient, markers } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');

interface Loc {
  uri: string;
  range: { start: { line: number; character: number } };
}

let client: LspClient;
let work: string;

const LIB = markers('global <|sharedDecl|>shared\nfunction <|helperDecl|>helper(x) { shared++; return x + 1 }\n');
const A = markers('probe begin {\n  <|local1|>n = <|helperA|>helper(1) + <|sharedA|>shared\n  println(<|local2|>n)\n}\nprobe end { <|other|>n = 2 }\n');
const B = markers('probe begin { println(<|helperB|>helper(2), <|sharedB|>shared) }\n');
const C = markers('global shared\nprobe begin { shared = 3; println(<|sharedC|>shared) }\n');

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-refs-'));
  mkdirSync(join(work, 'lib'));
  writeFileSync(join(work, 'lib', 'mylib.stp'), LIB.text);
  writeFileSync(join(work, 'a.stp'), A.text);
  writeFileSync(join(work, 'b.stp'), B.text);
  writeFileSync(join(work, 'c.stp'), C.text);
  client = await LspClient.start({ kernelBuildDir: KBUILD, tapsetDirs: [join(work, 'lib')] }, process.env, undefined, {
    workspaceFolders: [{ uri: LspClient.uri(work), name: 'work' }],
  });
});
after(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

const at = (file: string, pos: { line: number; character: number }) => `${file}:${pos.line}:${pos.character}`;
const where = (l: Loc) => `${fileURLToPath(l.uri).slice(work.length + 1)}:${l.range.start.line}:${l.range.start.character}`;

async function refs(uri: string, position: { line: number; character: number }, includeDeclaration: boolean): Promise<string[]> {
  const got = await client.request<Loc[] | null>('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration } });
  return (got ?? []).map(where).sort();
}

describe('references', () => {
  test("a script's locals are its body's only; a global of the library is found across the workspace", async () => {
    const uri = client.open(join(work, 'a.stp'), A.text);
    await client.diagnostics(uri);
    assert.deepEqual(await refs(uri, A.at.local2, true), [at('a.stp', A.at.local1), at('a.stp', A.at.local2)].sort());
    assert.deepEqual(await refs(uri, A.at.other, true), [at('a.stp', A.at.other)]);

    const helper = [at('lib/mylib.stp', LIB.at.helperDecl), at('a.stp', A.at.helperA), at('b.stp', B.at.helperB)].sort();
    assert.deepEqual(await refs(uri, A.at.helperA, true), helper);
    assert.deepEqual(await refs(uri, A.at.helperA, false), helper.filter((h) => !h.startsWith('lib/')));

    // c.stp declares its own `shared`: its uses are not the library's.
    const sharedLib = markers('global shared\nfunction helper(x) { <|use|>shared++; return x + 1 }\n').at.use;
    assert.deepEqual(await refs(uri, A.at.sharedA, true), [at('lib/mylib.stp', LIB.at.sharedDecl), at('lib/mylib.stp', sharedLib), at('a.stp', A.at.sharedA), at('b.stp', B.at.sharedB)].sort());
  });

  test('an edit of an open document is what references read', async () => {
    const uri = client.open(join(work, 'b.stp'), B.text);
    await client.diagnostics(uri);
    client.change(uri, `\n${B.text}`);
    await client.diagnostics(uri);
    const a = LspClient.uri(join(work, 'a.stp'));
    const got = await refs(a, A.at.helperA, false);
    assert.ok(got.includes(at('b.stp', { line: B.at.helperB.line + 1, character: B.at.helperB.character })), got.join(' '));
    client.close(uri);
  });
});
