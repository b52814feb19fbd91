// Benchmark: the packaged extension in a real VS Code (code-server + chromium, the e2e harness
// in test/e2e/) with the stap sandbox's stap (BPF runtime):
// (a) activation to first diagnostics: from opening a script with a pass-2 error (Quick Open)
//     in a freshly started code-server to the error squiggle (the extension activates on it);
// (b) "SystemTap: Run Probe" to the first output line of a timer probe in the Output channel,
//     against spawning the same stap directly to its first stdout line, as a ratio;
// (c) the .vsix size.
// Each session is a new code-server, so every activation is a cold one. Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { signalGroup } from '../client/src/backend/process-tree';
import { stapProcesses } from '../test/e2e/processes';
import { startVSCode, type VSCodeSession } from '../test/e2e/session';
import { e2eTools, stapSandbox, type Sandbox } from '../test/e2e/tools';
import { freshVsix } from '../test/e2e/vsix';
import { openFile, outputLineOrError, runCommand } from '../test/e2e/workbench';
import { makeWorkspace } from '../test/e2e/workspace';
import { median, type BenchContext, type Row, type Section } from './util';

const RUNS = Number(process.env.STAP_BENCH_RUNS ?? 3);

/**
 * Spawns stap on `script` and resolves with the ms until its first stdout line. Then the whole
 * run is SIGKILLed (its `probe end` is not measured, and a SIGINT this early is the stapbpf race
 * the backends wait out), and the TMPDIR it had of its own, with stap's work dir, is removed.
 */
function directFirstLine(sandbox: Sandbox, script: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const tmp = mkdtempSync(join(tmpdir(), 'stap-ls-bench-direct-'));
    const t0 = performance.now();
    const child = spawn(sandbox.stap, [script], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, TMPDIR: tmp } });
    let first: number | undefined;
    let out = '';
    let err = '';
    const killRun = () => signalGroup(child.pid!, 'SIGKILL');
    const watchdog = setTimeout(killRun, 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (first === undefined && out.includes('\n')) {
        first = performance.now() - t0;
        killRun();
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(watchdog);
      rmSync(tmp, { recursive: true, force: true });
      if (first === undefined) reject(new Error(`stap printed no line: ${err}`));
      else resolve(first);
    });
  });
}

export async function benchExtension(_ctx: BenchContext): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const tools = e2eTools();
  const sandbox = stapSandbox();
  const vsix = freshVsix();
  const size = statSync(vsix.path).size;
  rows.push({ id: 'extension.vsix-size', benchmark: 'extension (.vsix)', case: `${vsix.path.split('/').pop()} size (KB, not ms)`, ms: size / 1024, runs: 1 });
  notes.push(`.vsix size: ${(size / 1024).toFixed(0)} KB (${size} bytes)`);

  const activation: number[] = [];
  const runFirst: number[] = [];
  const runErrors: string[] = [];
  const toSpawn: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const workspace = makeWorkspace(sandbox);
    let vscode: VSCodeSession | undefined;
    try {
      vscode = await startVSCode(tools, workspace.dir, vsix.path);
      const { page } = vscode;
      const t0 = performance.now();
      await openFile(page, 'broken.stp');
      await page.locator('.part.editor .squiggly-error').first().waitFor({ timeout: 120_000 });
      activation.push(performance.now() - t0);

      await openFile(page, 'ticks.stp');
      try {
        // Where the time goes: the click to stap's spawn (polled in /proc every 5 ms), then to the line.
        let spawnedAt: number | undefined;
        const serverPid = vscode.serverPid;
        const poll = setInterval(() => {
          if (spawnedAt === undefined && stapProcesses(serverPid).some((p) => p.comm === 'stap')) spawnedAt = performance.now();
        }, 5);
        const t1 = await runCommand(page, 'SystemTap: Run Probe'); // from the click on the command
        await outputLineOrError(page, /tick\s\d+/, 60_000); // Monaco renders spaces as U+00A0
        runFirst.push(performance.now() - t1);
        clearInterval(poll);
        if (spawnedAt !== undefined) toSpawn.push(spawnedAt - t1);
        await runCommand(page, 'SystemTap: Stop');
        await outputLineOrError(page, /stopped\safter/, 30_000);
      } catch (err) {
        runErrors.push(String(err instanceof Error ? err.message.split('\n')[0] : err));
      }
    } finally {
      await vscode?.close();
      workspace.remove();
    }
  }
  rows.push({ id: 'extension.activation', benchmark: 'extension (code-server)', case: 'open a script to first diagnostics (cold activation)', ms: median(activation), runs: activation.length });
  notes.push(`activation to first diagnostics: median ${median(activation).toFixed(0)} ms of ${activation.map((ms) => ms.toFixed(0)).join(', ')}`);

  const direct: number[] = [];
  const fixture = join(__dirname, '..', 'test-fixtures', 'e2e', 'ticks.stp');
  for (let i = 0; i < RUNS; i++) direct.push(await directFirstLine(sandbox, fixture));
  rows.push({ id: 'extension.stap-direct-first-line', benchmark: 'stap (sandbox, bpf)', case: 'spawn stap to its first stdout line (timer.ms(100))', ms: median(direct), runs: direct.length });
  if (runFirst.length) {
    const ratio = median(runFirst) / median(direct);
    rows.push({ id: 'extension.run-first-line', benchmark: 'extension (code-server)', case: '"Run Probe" to the first line in the Output channel', ms: median(runFirst), runs: runFirst.length, note: `${ratio.toFixed(2)}x stap directly` });
    notes.push(`Run Probe to the first output line: median ${median(runFirst).toFixed(0)} ms vs stap directly ${median(direct).toFixed(0)} ms: ${ratio.toFixed(2)}x (from the click on the command in the palette to the line rendered in the Output view; stap was spawned ${median(toSpawn).toFixed(0)} ms after the click)`);
  } else {
    notes.push(`Run Probe to the first output line: not measured (${runErrors[0] ?? 'no run'}); stap directly: ${median(direct).toFixed(0)} ms`);
  }
  return { rows, notes };
}
