/**
 * The language server over stdio (test/lsp/harness.ts): diagnostics with stap's messages at the
 * right place, after edits, for the version they belong to; the dump requests print what the
 * CLI prints; settings reach the analysis; shutdown ends the process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { nodeCliIo, runCli } from '../../server/src/cli';
import { stapWiring } from '../../server/src/passes/pass1';
import { LspClient, markers } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');
const SETTINGS = { kernelBuildDir: KBUILD };

let client: LspClient;
let work: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-lsp-'));
  client = await LspClient.start(SETTINGS);
});
after(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('language server: diagnostics', () => {
  test('a clean script has none; a type error is reported at its token with stap text and a man page', async () => {
    const clean = client.open(join(work, 'clean.stp'), 'probe begin { printf("%s %d\\n", execname(), pid()) }\n');
    assert.deepEqual(await client.diagnostics(clean), []);

    const { text, at } = markers('probe begin {\n  x = "s"\n  <|bad|>x++\n}\n');
    const uri = client.open(join(work, 'bad.stp'), text);
    const diags = await client.diagnostics(uri);
    assert.equal(diags.length >= 1, true, JSON.stringify(diags));
    const first = diags[0];
    assert.match(first.message, /^type mismatch \(long\)/);
    assert.deepEqual(first.range.start, at.bad);
    assert.equal(first.severity, 1);
    assert.match(String(first.code), /^semantic:/);
    assert.match(first.codeDescription!.href, /error::pass2/);
  });

  test('every independent error is reported (keep-going), parse errors with their token', async () => {
    const src = 'probe begin { a = 1; a = "s"; println(a) }\nprobe end { b = "x"; b++ }\n';
    const uri = client.open(join(work, 'two.stp'), src);
    const diags = await client.diagnostics(uri);
    const errors = diags.filter((d) => d.severity === 1);
    assert.deepEqual([...new Set(errors.map((d) => d.range.start.line))], [0, 1], JSON.stringify(diags));
    const p = markers('probe begin { x = <|here|>) }\n');
    const parse = client.open(join(work, 'parse.stp'), p.text);
    const pd = await client.diagnostics(parse);
    assert.equal(pd[0].code, 'parse');
    assert.deepEqual(pd[0].range.start, p.at.here);
  });

  test('after an edit the diagnostics are those of the new version', async () => {
    const uri = client.open(join(work, 'edit.stp'), 'probe begin { println(1) }\n');
    assert.deepEqual(await client.diagnostics(uri), []);
    client.change(uri, 'probe begin { println(nosuch()) }\n');
    const d = await client.diagnostics(uri);
    assert.match(d[0].message, /^unresolved function nosuch/);
    client.change(uri, 'probe begin { println(2) }\n');
    assert.deepEqual(await client.diagnostics(uri), []);
  });

  test('script arguments that are not set are not errors; set ones are used', async () => {
    const uri = client.open(join(work, 'args.stp'), 'probe timer.ms($1) { println(@2) }\n');
    assert.deepEqual(await client.diagnostics(uri), []);
  });

  test('the server survives garbage and non-ASCII text', async () => {
    const uri = client.open(join(work, 'junk.stp'), '%( %{ "é\u0000 probe }}} @@@ %? \n'.repeat(50));
    const d = await client.diagnostics(uri);
    assert.ok(d.length > 0);
    const ok = client.open(join(work, 'utf8.stp'), '// é è\nprobe begin { x = "é"; <|x|>x++ }\n'.replace('<|x|>', ''));
    const u = await client.diagnostics(ok);
    assert.equal(u[0].range.start.line, 1);
    assert.equal(u[0].range.start.character, 'probe begin { x = "é"; '.length);
  });
});

describe('language server: dumps', () => {
  test('systemtap/dumpPass1 and dumpPass2 print what stap-ls -p1/-p2 print for the unsaved text', async () => {
    const path = join(work, 'dump.stp');
    writeFileSync(path, 'probe begin { println("on disk") }\n');
    const text = 'global g\nprobe begin { g = 1; println(g) }\n';
    const uri = client.open(path, text);
    for (const pass of [1, 2] as const) {
      const got = await client.request<{ stdout: string; stderr: string; status: number }>(`systemtap/dumpPass${pass}`, { textDocument: { uri } });
      writeFileSync(path, text);
      const want = runCli(['-r', KBUILD, `-p${pass}`, path], nodeCliIo(), stapWiring);
      writeFileSync(path, 'probe begin { println("on disk") }\n');
      assert.equal(got.stdout, want.stdout);
      assert.equal(got.status, want.status);
      assert.match(got.stdout, /g/);
    }
  });
});

describe('language server: lifecycle', () => {
  test('shutdown and exit end the process with status 0', async () => {
    const c = await LspClient.start(SETTINGS);
    const uri = c.open(join(work, 'x.stp'), 'probe begin {}\n');
    await c.diagnostics(uri);
    assert.equal(await c.stop(), 0);
  });
});

describe('language server: node IPC', () => {
  test('stap-ls --node-ipc answers initialize and publishes diagnostics over the IPC channel', async () => {
    const { spawn } = await import('node:child_process');
    const { createMessageConnection, IPCMessageReader, IPCMessageWriter } = await import('vscode-jsonrpc/node');
    const child = spawn(join(__dirname, '..', '..', 'bin', 'stap-ls'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const published = new Promise<{ diagnostics: { message: string }[] }>((resolve) =>
      connection.onNotification('textDocument/publishDiagnostics', (p: { diagnostics: { message: string }[] }) => resolve(p)),
    );
    connection.listen();
    const init = await connection.sendRequest<{ capabilities: { textDocumentSync?: unknown } }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions: { settings: SETTINGS },
    });
    assert.ok(init.capabilities.textDocumentSync !== undefined);
    void connection.sendNotification('initialized', {});
    void connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: LspClient.uri(join(work, 'ipc.stp')), languageId: 'systemtap', version: 1, text: 'probe begin { nosuch() }\n' },
    });
    const p = await published;
    assert.match(p.diagnostics[0].message, /^unresolved function nosuch/);
    await connection.sendRequest('shutdown');
    void connection.sendNotification('exit');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 0);
    connection.dispose();
  });
});
