/**
 * The server's Node flags (server/src/lsp/node-flags.ts) are the ones the launcher starts the
 * server with: `bin/stap-ls --stdio` execs node with exactly them, and a server started that
 * way runs with them (its own process.execArgv, read from /proc).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { SERVER_NODE_FLAGS } from '../../server/src/lsp/node-flags';
import { LspClient } from './harness';

const ROOT = join(__dirname, '..', '..');

test('bin/stap-ls starts the server with SERVER_NODE_FLAGS', () => {
  const launcher = readFileSync(join(ROOT, 'bin', 'stap-ls'), 'utf8');
  const line = launcher.split('\n').find((l) => /--stdio\|--node-ipc/.test(l) && l.includes('server_flags='));
  assert.ok(line, 'no server-mode flags line in bin/stap-ls');
  const flags = /server_flags="([^"]*)"/.exec(line)![1].split(/\s+/).filter(Boolean);
  assert.deepEqual(flags, [...SERVER_NODE_FLAGS]);
});

test('a server started by the launcher runs with those flags', async () => {
  const client = await LspClient.start({});
  try {
    const pid = (client as unknown as { child: { pid: number } }).child.pid;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    for (const flag of SERVER_NODE_FLAGS) assert.ok(argv.includes(flag), `server argv ${JSON.stringify(argv)} lacks ${flag}`);
  } finally {
    await client.stop();
  }
});

test('the VS Code client starts the server with SERVER_NODE_FLAGS', () => {
  const source = readFileSync(join(ROOT, 'client', 'src', 'extension.ts'), 'utf8');
  assert.match(source, /import \{ SERVER_NODE_FLAGS \} from '\.\.\/\.\.\/server\/src\/lsp\/node-flags'/);
  assert.match(source, /run: \{[^}]*execArgv: \[\.\.\.SERVER_NODE_FLAGS\]/);
});
