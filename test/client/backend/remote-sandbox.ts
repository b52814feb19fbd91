/**
 * The stap sandbox's ssh "remote" for the remote backend tests: the host aliases of its ssh config
 * (`ssh -F $STAP_SANDBOX_SSH_CONFIG`), StapOptions for a remote BPF run (no `-r`: the remote's
 * stap finds the kbuild via /lib/modules), and which processes of a run are alive on the remote
 * (its netns, `ip netns pids`) and locally.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

import type { RemoteHost, StapOptions } from '../../../client/src/backend/types';
import { plainOptions, sandboxEnv } from './local-sandbox';

export function sandboxHost(alias = sandboxEnv().STAP_SANDBOX_SSH_HOST, destination = alias): RemoteHost {
  return { destination, sshOptions: ['-F', sandboxEnv().STAP_SANDBOX_SSH_CONFIG] };
}

export function remoteOptions(overrides: Partial<StapOptions> = {}): StapOptions {
  return plainOptions({ runtime: 'bpf', ...overrides });
}

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return {
      pid,
      ppid: Number(fields[1]),
      comm: stat.slice(stat.indexOf('(') + 1, close),
      cmdline: readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' '),
    };
  } catch {
    return undefined;
  }
}

/** Live processes in the sandbox remote's netns (the remote's sshd and everything it runs). */
export function remoteProcesses(): Proc[] {
  const netns = sandboxEnv().STAP_SANDBOX_NETNS;
  const out = execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => /^\d+$/.test(l.trim()))
    .map((l) => readProc(Number(l.trim())))
    .filter((p): p is Proc => p !== undefined);
}

/** Live processes of this machine (every netns). */
export function localProcesses(): Proc[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map((n) => readProc(Number(n)))
    .filter((p): p is Proc => p !== undefined);
}

/** The remote processes of one run: those whose command line holds its tag, and their descendants. */
export function remoteRunProcesses(tag: string, all = remoteProcesses()): Proc[] {
  const ours = new Set(all.filter((p) => p.cmdline.includes(tag)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) if (!ours.has(p.pid) && ours.has(p.ppid)) (ours.add(p.pid), (grew = true));
  }
  return all.filter((p) => ours.has(p.pid));
}

/** Which of `pids` are still alive (not zombies), as `pid comm`. */
export function stillAlive(pids: number[]): string[] {
  return pids.map(readProc).filter((p): p is Proc => p !== undefined).map((p) => `${p.pid} ${p.comm}`);
}

/** stap/stapbpf processes in the remote netns (pids). */
export function remoteStapPids(): number[] {
  return remoteProcesses().filter((p) => p.comm === 'stap' || p.comm === 'stapbpf').map((p) => p.pid);
}

/** Polls `check` every 50 ms until it returns a value, or throws after `ms`. */
export async function waitFor<T>(what: string, check: () => T | undefined, ms = 30000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
