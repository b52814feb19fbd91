/**
 * Document symbols (the outline, each declaration's whole range) and workspace symbols (the
 * workspace's files, the tapsetDirs library and the installed tapsets, by substring) over stdio,
 * for a client that resolves symbol ranges later (workspaceSymbol/resolve) and one that does not.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { LspClient, markers } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');
const CONTEXT = '/usr/share/systemtap/tapset/linux/context.stp';

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface DocSymbol {
  name: string;
  kind: number;
  detail?: string;
  range: Range;
  selectionRange: Range;
}
interface WsSymbol {
  name: string;
  kind: number;
  containerName?: string;
  location: { uri: string; range?: Range };
  data?: unknown;
}

let work: string;
let eager: LspClient;
let lazy: LspClient;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-symbols-'));
  mkdirSync(join(work, 'lib'));
  writeFileSync(join(work, 'lib', 'mylib.stp'), 'function stapls_helper(x) { return x }\n');
  writeFileSync(join(work, 'disk.stp'), 'global stapls_disk_global\nprobe begin { stapls_disk_global = 1 }\n');
  const settings = { kernelBuildDir: KBUILD, tapsetDirs: [join(work, 'lib')] };
  const folders = { workspaceFolders: [{ uri: LspClient.uri(work), name: 'work' }] };
  eager = await LspClient.start(settings, process.env, undefined, folders);
  lazy = await LspClient.start(settings, process.env, undefined, {
    ...folders,
    capabilities: { workspace: { configuration: false, symbol: { resolveSupport: { properties: ['location.range'] } } } },
  });
});
after(async () => {
  await Promise.all([eager.stop(), lazy.stop()]);
  rmSync(work, { recursive: true, force: true });
});

describe('document symbols', () => {
  test('probes, aliases, functions, globals and macros in source order, with their whole ranges', async () => {
    const { text, at } = markers(
      [
        '<|m0|>@define <|m|>twice(x) %( (@x * 2) %<|m1|>)',
        'global <|g|>counts',
        '<|f0|>function <|f|>f:long (a:long, b) {',
        '  return a + b',
        '}<|f1|>',
        '<|a0|>probe <|a|>my.alias = begin { }<|a1|>',
        '<|p0|>probe <|p|>begin, end {',
        '  counts[f(1, 2)] <<< @twice(1)',
        '}<|p1|>',
        '',
      ].join('\n'),
    );
    const uri = eager.open(join(work, 'outline.stp'), text);
    await eager.diagnostics(uri);
    const got = (await eager.request<DocSymbol[] | null>('textDocument/documentSymbol', { textDocument: { uri } })) ?? [];
    const after1 = (p: { line: number; character: number }) => ({ line: p.line, character: p.character + 1 });
    assert.deepEqual(
      got.map((s) => [s.name, s.kind, s.detail, s.range.start, s.range.end, s.selectionRange.start]),
      [
        ['@twice', 14, '@define(x)', at.m0, after1(at.m1), at.m],
        ['counts', 13, 'global', at.g, { line: at.g.line, character: at.g.character + 6 }, at.g],
        ['f', 12, 'function:long (a:long, b)', at.f0, at.f1, at.f],
        ['my.alias', 11, '= begin', at.a0, at.a1, at.a],
        ['begin, end', 24, 'probe', at.p0, at.p1, at.p],
      ],
    );
  });
});

describe('workspace symbols', () => {
  test('the workspace files, the tapsetDirs library and the installed tapsets, by substring', async () => {
    const got = (await eager.request<WsSymbol[]>('workspace/symbol', { query: 'stapls_' })) ?? [];
    assert.deepEqual(got.map((s) => [s.name, fileURLToPath(s.location.uri).slice(work.length + 1)]).sort(), [
      ['stapls_disk_global', 'disk.stp'],
      ['stapls_helper', 'lib/mylib.stp'],
    ]);
    const exec = (await eager.request<WsSymbol[]>('workspace/symbol', { query: 'ExecNam' })) ?? [];
    const hit = exec.find((s) => s.name === 'execname' && fileURLToPath(s.location.uri) === CONTEXT);
    assert.ok(hit, JSON.stringify(exec.map((s) => s.name)));
    const line = readFileSync(CONTEXT, 'latin1').split('\n').findIndex((l) => /^function execname\b/.test(l));
    assert.equal(hit.location.range?.start.line, line);
    assert.equal(exec[0].name, 'execname', 'the exact match comes first');
    const aliases = (await eager.request<WsSymbol[]>('workspace/symbol', { query: 'syscall.read' })) ?? [];
    assert.ok(aliases.some((s) => s.name === 'syscall.read' && s.kind === 11));
    const macros = (await eager.request<WsSymbol[]>('workspace/symbol', { query: 'choose_def' })) ?? [];
    assert.ok(macros.some((s) => s.name === '@choose_defined' && s.location.range));
  });

  test('a client that resolves gets library symbols without ranges, and the range on resolve', async () => {
    const got = (await lazy.request<WsSymbol[]>('workspace/symbol', { query: 'execname' })) ?? [];
    const hit = got.find((s) => s.name === 'execname' && fileURLToPath(s.location.uri) === CONTEXT);
    assert.ok(hit);
    assert.equal(hit.location.range, undefined);
    const resolved = await lazy.request<WsSymbol>('workspaceSymbol/resolve', hit);
    const line = readFileSync(CONTEXT, 'latin1').split('\n').findIndex((l) => /^function execname\b/.test(l));
    assert.equal(resolved.location.range?.start.line, line);
  });
});
