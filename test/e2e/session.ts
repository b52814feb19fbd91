/**
 * One VS Code session for the end-to-end tests: code-server started with the .vsix installed
 * (vscode-e2e's start-server.sh, its own process group), Debian's chromium driven by
 * playwright-core on the workspace, and a `close()` that always stops both, whatever failed.
 * Screenshots go to test-artifacts/e2e/ (gitignored).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { isAlive, stapProcesses, type Proc } from './processes';
import { repoRoot, type E2eTools } from './tools';

export const artifactsDir = join(repoRoot, 'test-artifacts', 'e2e');

/* playwright-core is loaded at run time from the e2e tools folder (not a project dependency),
   so its objects are typed loosely here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Page = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Browser = any;

export interface VSCodeSession {
  page: Page;
  /** The code-server's pid (= its process group): the extension host and stap runs are below it. */
  serverPid: number;
  url: string;
  /** The server's log, for failure messages. */
  serverLog(): string;
  /** Saves a screenshot as test-artifacts/e2e/NAME.png and returns its path. */
  screenshot(name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<string>;
  /** Closes the browser and stops the server (idempotent; never throws). */
  close(): Promise<void>;
}

export const VIEWPORT = { width: 1280, height: 800 };

export async function startVSCode(tools: E2eTools, workspace: string, vsix: string): Promise<VSCodeSession> {
  const state = mkdtempSync(join(tmpdir(), 'stap-ls-e2e-server-'));
  let browser: Browser | undefined;
  let serverPid: number | undefined;
  let closed = false;
  const stopServer = () => {
    spawnSync('bash', [tools.stopServer, state], { stdio: 'ignore' });
    rmSync(state, { recursive: true, force: true });
  };
  // Should the test process end without close() (an uncaught error, process.exit), the server still goes.
  process.once('exit', stopServer);
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await browser?.close();
    } catch {
      /* the browser may already be gone */
    }
    const staps = serverPid ? stapProcesses(serverPid) : [];
    stopServer();
    process.removeListener('exit', stopServer);
    // A run the extension did not stop (a test that failed half-way): its stap has its own
    // process group, so stopping the server's group does not end it.
    await reapLeftovers(staps);
  };
  const serverLog = () => {
    try {
      return readFileSync(join(state, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  };
  try {
    // code-server's sockets (vscode-ipc-*.sock, vscode-git-*.sock) go to its TMPDIR: the session's dir.
    const start = spawnSync('bash', [tools.startServer, state, workspace, vsix], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, TMPDIR: state },
    });
    if (start.status !== 0) throw new Error(`start-server.sh failed (exit ${start.status}):\n${start.stderr}`);
    const url = start.stdout.trim().split('\n').pop()!;
    serverPid = Number(readFileSync(join(state, 'pid'), 'utf8').trim());

    const { chromium } = require(tools.playwrightCore);
    // Playwright makes the browser's profile and artifacts dirs in os.tmpdir() and may leave them
    // behind: under the session's own dir they go with it.
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = state;
    try {
      browser = await chromium.launch({
        executablePath: tools.chromium,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });

    mkdirSync(artifactsDir, { recursive: true });
    const screenshot = async (name: string, clip?: { x: number; y: number; width: number; height: number }) => {
      const path = join(artifactsDir, `${name}.png`);
      await page.screenshot({ path, clip });
      return path;
    };
    return { page, serverPid, url, serverLog, screenshot, close };
  } catch (err) {
    const log = serverLog();
    await close();
    if (err instanceof Error && log) err.message += `\n--- code-server log (tail) ---\n${log.split('\n').slice(-30).join('\n')}`;
    throw err;
  }
}

/** Gives `procs` 5 s to exit after their parent went, then SIGKILLs their process groups. */
async function reapLeftovers(procs: Proc[]): Promise<void> {
  const deadline = Date.now() + 5000;
  while (procs.some((p) => isAlive(p.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const p of procs.filter((p) => isAlive(p.pid) && p.pgid > 1 && p.pgid !== process.pid)) {
    try {
      process.kill(-p.pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
