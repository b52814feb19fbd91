/**
 * Puts a real, running stapbpf into the state the Stop race leaves it in, on purpose: its stop
 * signal taken after the handlers were installed but before pause(), so the handler has set that
 * signal to SIG_IGN and the main thread sleeps in pause() for ever (stapbpf-state.ts). gdb
 * attaches to stapbpf sleeping in pause() and has it raise the signal inside a call, which runs
 * the handler without waking pause(); after the detach pause() goes on sleeping. This is the
 * state stap's forwarded SIGTERM produced in CI (and a SIGINT straight to a stapbpf run without
 * stap), made deterministic.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { stapbpfProcessState } from '../../../client/src/backend/stapbpf-state';

/** Waits until stapbpf `pid` is ready (handlers installed, in pause()), then makes it miss `signal`. */
export async function makeStapbpfMiss(pid: number, signal: 'SIGTERM' | 'SIGINT'): Promise<void> {
  const [name, number, other] = signal === 'SIGTERM' ? ['SIGTERM', 15, 'SIGINT'] : ['SIGINT', 2, 'SIGTERM'];
  const deadline = Date.now() + 30_000;
  while (!stapbpfProcessState(pid).ready) {
    assert.ok(Date.now() < deadline, `stapbpf ${pid} never got ready`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  execFileSync('gdb', ['-q', '-nx', '-batch', '-p', String(pid),
    '-ex', `handle ${name} nostop noprint pass`, '-ex', `call (int)raise(${number})`, '-ex', 'detach'], { stdio: 'ignore', timeout: 60_000 });
  // the state is read until it settles: gdb's detach lets pause() restart
  while (!stapbpfProcessState(pid).stuck) {
    assert.ok(Date.now() < deadline, `stapbpf ${pid} is not stuck after gdb: ${JSON.stringify(stapbpfProcessState(pid))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(stapbpfProcessState(pid).wakeSignal, other);
}
