/**
 * Processes started under a code-server: its descendants read from /proc (pid, parent, command
 * name), so a test can see the stap and stapbpf of a run and check that none is left after Stop.
 * A process whose parent died is re-parented to init and is no longer a descendant, so the test
 * also remembers the pids it saw and checks those by pid.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface Proc {
  pid: number;
  ppid: number;
  /** /proc/PID/comm (at most 15 characters): `stap`, `stapbpf`, `node`, … */
  comm: string;
  /** `R`, `S`, `Z`, … */
  state: string;
  /** Its process group. */
  pgid: number;
}

/** One process from /proc/PID/stat, or undefined when it is gone. */
export function readProc(pid: number): Proc | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const [state, ppid, pgid] = stat.slice(close + 2).split(' ');
  return { pid, ppid: Number(ppid), pgid: Number(pgid), comm: stat.slice(open + 1, close), state };
}

/** Whether `pid` still exists as a process that is not a zombie. */
export function isAlive(pid: number): boolean {
  const p = readProc(pid);
  return p !== undefined && p.state !== 'Z';
}

/** All living descendants of `root` (not `root` itself). */
export function descendants(root: number): Proc[] {
  const all = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map((n) => readProc(Number(n)))
    .filter((p): p is Proc => p !== undefined && p.state !== 'Z');
  const children = new Map<number, Proc[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: Proc[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** The stap and stapbpf processes below `root`. */
export function stapProcesses(root: number): Proc[] {
  return descendants(root).filter((p) => p.comm === 'stap' || p.comm === 'stapbpf');
}
