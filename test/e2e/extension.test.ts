/**
 * Issue 6, acceptance 2: the packaged extension in a real VS Code (code-server + chromium, see
 * ../shared/tools/vscode-e2e/README.md), used through its UI as a person would, with the real
 * stap of the stap sandbox (BPF runtime) for the run:
 * a pass-2 error in the Problems panel, hover types, F12 into the installed tapsets, the -p2
 * dump view, and Run Probe / Stop on a timer probe with no stap or stapbpf left behind.
 * The tests share one VS Code session and run in order. Screenshots of each step are kept in
 * test-artifacts/e2e/; `UPDATE_SCREENSHOTS=1` also copies the README's into docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { isAlive, stapProcesses, type Proc } from './processes';
import { updateDocsScreenshots } from './screenshots';
import { artifactsDir, startVSCode, type Page, type VSCodeSession } from './session';
import { e2eTools, stapSandbox, type Sandbox } from './tools';
import { freshVsix } from './vsix';
import {
  activeTab,
  breadcrumbsPath,
  clickWord,
  dismiss,
  editorText,
  hoverWord,
  mainArea,
  norm,
  openFile,
  outputLineOrError,
  problems,
  runCommand,
  waitForCursorLine,
} from './workbench';
import { makeWorkspace, type TestWorkspace } from './workspace';

const STEP_TIMEOUT = 120_000;
/** The artifacts that become the README's screenshots. */
const DOCS_SHOTS = ['problems', 'hover', 'definition', 'dump-p2', 'run-stop'];

describe('the extension in VS Code (code-server + chromium)', { timeout: 15 * 60_000 }, () => {
  let vscode: VSCodeSession;
  let workspace: TestWorkspace;
  let sandbox: Sandbox;
  /** Screenshots of the tests that passed (only those may become the README's). */
  const shots = new Map<string, string>();
  let taken: Array<[string, string]> = [];
  /** A screenshot of the editor area and panel (a modest size for the README). */
  const shoot = async (name: string, editorOnly = false) =>
    taken.push([name, await vscode.screenshot(name, editorOnly ? await vscode.page.locator('.part.editor').boundingBox() : await mainArea(vscode.page))]);
  /** A test body that keeps its screenshots when it passes and leaves test-artifacts/e2e/failed-NAME.png when not. */
  const step = (name: string, body: () => Promise<void>) => async () => {
    taken = [];
    try {
      await body();
      for (const [shot, path] of taken) shots.set(shot, path);
    } catch (err) {
      await vscode?.screenshot(`failed-${name}`).catch(() => undefined);
      throw err;
    }
  };

  before(async () => {
    // This run's failure screenshots only.
    for (const f of existsSync(artifactsDir) ? readdirSync(artifactsDir) : []) if (f.startsWith('failed-')) rmSync(join(artifactsDir, f));
    const tools = e2eTools();
    sandbox = stapSandbox();
    const vsix = freshVsix();
    workspace = makeWorkspace(sandbox);
    vscode = await startVSCode(tools, workspace.dir, vsix.path);
  });

  after(async () => {
    await vscode?.close();
    workspace?.remove();
    updateDocsScreenshots(DOCS_SHOTS.filter((n) => shots.has(n)).map((n) => shots.get(n)!));
  });

  test('opening a script shows its pass-2 error in the Problems panel, at its line', { timeout: STEP_TIMEOUT }, step('problems', async () => {
    const { page } = vscode;
    await openFile(page, 'broken.stp');
    // The squiggle is the sign that the extension is active and the server has analysed the file.
    await page.locator('.part.editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    const rows = await problems(page, 'type mismatch');
    await shoot('problems');
    const row = rows.find((r) => r.includes('type mismatch'));
    assert.ok(row, `no 'type mismatch' row in ${JSON.stringify(rows)}`);
    assert.match(row, /type mismatch \(string\)/);
    // n = "one" is line 6, column 3 of broken.stp.
    assert.match(row, /\[Ln 6, Col 3\]/, row);
  }));

  test('the status bar shows the target (kernel release, arch, runtime) and that stap was found', { timeout: STEP_TIMEOUT }, step('status', async () => {
    const { page } = vscode;
    // The sandbox's kernel build dir is for the running kernel; the runtime setting is bpf.
    const item = page.locator('.statusbar-item', { hasText: `stap ${release()}` }).first();
    await item.waitFor();
    // $(pulse) when `stap -V` ran, $(warning) when stap was not found.
    await item.locator('.codicon-pulse').waitFor({ timeout: 30_000 });
    const text = norm(await item.innerText()).trim();
    assert.match(text, new RegExp(`^stap ${release().replace(/[.]/g, '\\.')} \\S+ bpf$`), text);
  }));

  test('hovering a variable shows its type', { timeout: STEP_TIMEOUT }, step('hover', async () => {
    const { page } = vscode;
    await dismiss(page);
    await openFile(page, 'counts.stp');
    // `counts` where it is used (line 5), so the hover shows below the tabs.
    const global = await hoverWord(page, 'counts', 'stats', 1);
    assert.match(global, /counts: stats \[string\]/, global);
    await shoot('hover');
    await dismiss(page);
    const local = await hoverWord(page, 'name', 'name:');
    assert.match(local, /name: string/, local);
  }));

  test('go to definition (F12) on a tapset function opens the tapset file at its definition', { timeout: STEP_TIMEOUT }, step('definition', async () => {
    const { page } = vscode;
    await dismiss(page);
    await openFile(page, 'counts.stp');
    await clickWord(page, 'execname');
    await page.keyboard.press('F12');
    await activeTab(page, 'context.stp');
    const path = await breadcrumbsPath(page, 'context.stp');
    assert.match(path, /^\/usr\/share\/systemtap\/tapset\/(bpf\/)?context\.stp$/, `breadcrumbs: ${path}`);
    // The line of `function execname` in that very file: the runtime setting (bpf) picks the file.
    const expected = readFileSync(path, 'utf8').split('\n').findIndex((l) => /^function execname\b/.test(l)) + 1;
    assert.ok(expected > 0, `no 'function execname' in ${path}`);
    const pos = await waitForCursorLine(page, expected);
    await shoot('definition', true);
    assert.equal(pos.line, expected, `cursor at ${JSON.stringify(pos)}, definition at line ${expected} of ${path}`);
  }));

  test('"Show Pass 2 (-p2)" shows the dump, with the lines stap -p2 prints', { timeout: STEP_TIMEOUT }, step('dump', async () => {
    const { page } = vscode;
    await runCommand(page, 'View: Close All Editors'); // one script and its dump, for the screenshot
    await openFile(page, 'counts.stp');
    await runCommand(page, 'SystemTap: Show Pass 2 (-p2)');
    await page.locator('.part.editor .editor-instance .view-line', { hasText: '# probes' }).first().waitFor({ timeout: 60_000 });
    const dump = await editorText(page, 'counts.p2.stp');
    await shoot('dump-p2');
    // The oracle: the real stap's -p2 dump of the same script with the same settings.
    const stap = spawnSync(sandbox.stap, ['-p2', join(workspace.dir, 'counts.stp')], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(stap.status, 0, stap.stderr);
    for (const line of ['# globals', 'counts:stats [string]', '# probes', 'timer.ms(100) /* <- timer.ms(100) */']) {
      assert.ok(stap.stdout.includes(line), `stap -p2 itself no longer prints ${line}`);
      assert.ok(dump.includes(line), `the dump view lacks ${JSON.stringify(line)}:\n${dump}`);
    }
  }));

  test('"Run Probe" streams a real timer probe into the Output channel and "Stop" ends it, leaving no process', { timeout: STEP_TIMEOUT }, step('run', async () => {
    const { page } = vscode;
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'ticks.stp');
    await runCommand(page, 'SystemTap: Run Probe');
    // The Output view scrolls and shows only some lines, so the test reads the latest tick shown.
    // (Monaco renders spaces as U+00A0: patterns on the page use \s.)
    const first = lastTick(await outputLineOrError(page, /tick\s\d+/, 60_000));
    // Streamed while it runs: a later tick shows before Stop.
    await waitForTick(page, first + 2, 30_000);
    const running = stapProcesses(vscode.serverPid);
    assert.ok(running.some((p) => p.comm === 'stap'), `no stap process below code-server while running: ${JSON.stringify(running)}`);
    assert.ok(running.some((p) => p.comm === 'stapbpf'), `no stapbpf process below code-server while running: ${JSON.stringify(running)}`);
    await shoot('run');
    const beforeStop = lastTick(await outputLineOrError(page, /tick\s\d+/));
    await runCommand(page, 'SystemTap: Stop');
    // `probe end` ran: its line counts at least the ticks shown before Stop.
    const text = await outputLineOrError(page, /stopped\safter\s\d+\sticks/, 30_000);
    await shoot('run-stop');
    const stopped = Number(/stopped after (\d+) ticks/.exec(text)![1]);
    assert.ok(stopped >= beforeStop && beforeStop > first, `ticks: first ${first}, before Stop ${beforeStop}, end probe ${stopped}`);
    // Nothing is left: neither below the server nor any pid seen while running (an orphaned stapbpf is re-parented).
    const left = await waitUntilGone(vscode.serverPid, running, 20_000);
    assert.deepEqual(left, [], `left after Stop: ${JSON.stringify(left)}`);
  }));
});

/** The highest `tick N` in the Output view's text. */
function lastTick(text: string): number {
  return Math.max(-1, ...[...text.matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
}

/** Polls the Output view until it shows `tick N` with N >= `min`. */
async function waitForTick(page: Page, min: number, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  for (let last = -1; last < min; ) {
    if (Date.now() > deadline) throw new Error(`the Output view shows no tick >= ${min} (last: ${last}): the output does not stream`);
    await page.waitForTimeout(100);
    last = lastTick(norm(await page.locator('.output-view .view-lines').innerText()));
  }
}

/** Polls until no stap/stapbpf is below `root` and none of `seen` lives; returns what is left at the deadline. */
async function waitUntilGone(root: number, seen: Proc[], timeout: number): Promise<Proc[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const below = stapProcesses(root);
    const left = [...below, ...seen.filter((p) => isAlive(p.pid) && !below.some((b) => b.pid === p.pid))];
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}
