/**
 * The end-to-end harness itself: missing tools make the tests fail with the set-up command to
 * run (never a skip), and a VS Code session leaves nothing behind, neither after a normal close
 * nor when starting it failed half-way (code-server up, the browser not).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { descendants, isAlive } from './processes';
import { startVSCode } from './session';
import { e2eTools, stapSandbox } from './tools';
import { freshVsix } from './vsix';
import { makeWorkspace } from './workspace';

function withEnv<T>(name: string, value: string, fn: () => T): T {
  const old = process.env[name];
  process.env[name] = value;
  try {
    return fn();
  } finally {
    if (old === undefined) delete process.env[name];
    else process.env[name] = old;
  }
}

/** Pids of living processes whose command line mentions `marker`. */
function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker) && isAlive(Number(name))) pids.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return pids;
}

test('missing VS Code e2e tools fail with the command that sets them up', () => {
  const empty = mkdtempSync(join(tmpdir(), 'stap-ls-e2e-none-'));
  try {
    assert.throws(() => withEnv('VSCODE_E2E_HOME', empty, e2eTools), /run bash \.\.\/shared\/tools\/vscode-e2e\/setup\.sh/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('a missing stap sandbox fails with the command that sets it up', () => {
  assert.throws(() => withEnv('STAP_SANDBOX_DIR', '/nonexistent-stap-sandbox', stapSandbox), /run bash \.\.\/shared\/tools\/stap-sandbox\/setup\.sh/);
});

test('closing a session stops code-server (its whole process group) and the browser', { timeout: 180_000 }, async () => {
  const tools = e2eTools();
  const workspace = makeWorkspace(stapSandbox());
  const vscode = await startVSCode(tools, workspace.dir, freshVsix().path);
  try {
    assert.ok(isAlive(vscode.serverPid), 'code-server is not running');
    assert.ok(processesMentioning(workspace.dir).includes(vscode.serverPid), 'code-server is not found by its workspace argument');
    const browsers = descendants(process.pid).filter((p) => /chrom/.test(p.comm));
    assert.ok(browsers.length > 0, 'no chromium process below the test');
    await vscode.close();
    assert.ok(!isAlive(vscode.serverPid), 'code-server still runs after close()');
    assert.deepEqual(processesMentioning(workspace.dir), [], 'processes of the session left');
    assert.deepEqual(browsers.filter((p) => isAlive(p.pid)), [], 'chromium processes left');
  } finally {
    await vscode.close();
    workspace.remove();
  }
});

test('a start that fails after code-server is up (no browser) stops the server', { timeout: 180_000 }, async () => {
  const tools = { ...e2eTools(), chromium: '/nonexistent/chromium' };
  const workspace = makeWorkspace(stapSandbox());
  try {
    await assert.rejects(startVSCode(tools, workspace.dir, freshVsix().path), /nonexistent\/chromium|executable/i);
    assert.deepEqual(processesMentioning(workspace.dir), [], 'code-server left running after the failed start');
  } finally {
    workspace.remove();
  }
});
