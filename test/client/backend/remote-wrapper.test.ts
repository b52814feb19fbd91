/**
 * The remote wrapper (client/src/backend/remote-wrapper.ts) run straight under sh, dash, bash and
 * busybox sh (scripts/setup.sh installs busybox), without ssh: the script on stdin, a real stap BPF
 * run, Stop by closing stdin. Each shell must stop it with `probe end`, also when stapbpf took
 * the forwarded SIGTERM before pause() (the wrapper's `look` reads /proc in that shell), and
 * leave no process and no temp dir. The remote backend tests cover the same over ssh with the
 * host's sh.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';

import { groupMembers, signalGroup } from '../../../client/src/backend/process-tree';
import { REMOTE_WRAPPER } from '../../../client/src/backend/remote-wrapper';
import { sandboxEnv } from './local-sandbox';
import { localProcesses, remoteRunProcesses, stillAlive } from './remote-sandbox';
import { makeStapbpfMiss } from './stapbpf-race';

const SILENT = 'probe begin { printf("started\\n") }\nprobe end { printf("end\\n") }\n';

const shells: [string, string[]][] = [['sh', []], ['dash', []], ['bash', []], ['busybox', ['sh']]];

async function gone(pids: number[], group: number): Promise<string[]> {
  const alive = () => stillAlive([...new Set([...pids, ...groupMembers(group)])]);
  // the wrapper's stop job, killed when the command ends, may leave its `sleep 0.05` for that long
  for (let i = 0; i < 50 && alive().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return alive();
}

async function stopRun(shell: string, shellArgs: string[], miss: boolean): Promise<void> {
  const env = sandboxEnv();
  const tag = `wrap${process.pid}${shell}${miss ? 'm' : ''}`;
  const words = ['stap', '--runtime=bpf', '-r', env.STAP_SANDBOX_KBUILD];
  const child = spawn(shell, [...shellArgs, '-c', REMOTE_WRAPPER, 'stap-ls', String(words.length), 'silent.stp', tag, '60', ...words], {
    env: { ...process.env, LD_PRELOAD: env.STAP_SANDBOX_PRELOAD },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const started = new Promise<void>((resolve) => child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.includes('started\n')) resolve();
  }));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdin.write(`${Buffer.byteLength(SILENT)}\n${SILENT}`);
  await started;
  // the wrapper and stap (its temp file's path) hold the tag; stapbpf is stap's child
  const run = remoteRunProcesses(tag, localProcesses());
  const procs = ['stap', 'stapbpf'].map((c) => run.find((p) => p.comm === c)?.pid).filter((p) => p !== undefined);
  const killAll = () => [child.pid!, ...procs].forEach((p) => signalGroup(p, 'SIGKILL'));
  const timer = setTimeout(killAll, 20_000); // the wrapper's own escalation is 60 s away
  try {
    assert.equal(procs.length, 2, `${shell}: stap and stapbpf not found under the wrapper`);
    if (miss) await makeStapbpfMiss(procs[1], 'SIGTERM');
  } catch (e) {
    killAll();
    throw e;
  }
  child.stdin.end();
  const code = await exited;
  clearTimeout(timer);
  assert.equal(code, 0, `${shell}: ${stderr}`);
  assert.equal(stdout, 'started\nend\n', shell);
  assert.equal(stderr, '', shell);
  assert.deepEqual(await gone(procs, child.pid!), [], `${shell}: processes left`);
  assert.deepEqual(readdirSync('/tmp').filter((n) => n.startsWith(`stap-ls-${tag}.`)), [], `${shell}: temp dir left`);
}

test('the shells are installed', () => {
  assert.deepEqual(shells.filter(([s]) => spawnSync('sh', ['-c', `command -v ${s}`]).status !== 0), []);
});

for (const [shell, args] of shells) {
  test(`${shell}: stdin EOF stops the run with probe end, nothing left`, { timeout: 60_000 }, () => stopRun(shell, args, false));
  test(`${shell}: a stapbpf that took the SIGTERM before pause() is woken, probe end prints`, { timeout: 60_000 }, () => stopRun(shell, args, true));
}
