/**
 * Whether the stapbpf of a run can take a stop signal now, and whether it missed one.
 *
 * What stapbpf 4.8 does, seen with strace: it runs the `begin` probes (whose output we may
 * already have shown), then installs one handler for SIGINT and SIGTERM, starts a thread and
 * sleeps in a single pause(). The handler sets the signal it got to SIG_IGN and flags the exit;
 * when pause() returns, stapbpf installs both handlers again, runs the `end` probes and exits.
 * stap 4.8 forwards our SIGINT to stapbpf as SIGTERM. So:
 * - a signal before the handlers are installed kills stapbpf without its `end` probe (7 of 20
 *   Stops sent right after the first `begin` line, here): the stop waits until stapbpf is
 *   `ready`, its handlers installed and its main thread in pause();
 * - a signal after the handlers but before pause() is taken, and stapbpf then sleeps in pause()
 *   for ever with that signal ignored (2 of 20 here; once in CI after waiting for a sleeping
 *   main thread that was not yet in pause()). That is `stuck`: a signal ignored, main thread
 *   in pause(). The signal it still catches (`wakeSignal`, SIGINT after stap's SIGTERM) wakes
 *   it and the `end` probe runs; nothing else does but SIGKILL.
 * Reads /proc. When the kernel hides wchan (it reads "0" for a sleeping task), a sleeping main
 * thread counts as in pause(); a process whose files cannot be read counts as ready.
 */
import { readFileSync } from 'node:fs';
import { groupMembers } from './process-tree';

export interface StapbpfState {
  /** The run's stapbpf (not its pre-forked `-c` child); undefined when the group has none. */
  pid?: number;
  /** Its SIGINT/SIGTERM handlers are installed and its main thread sleeps in pause(). */
  ready: boolean;
  /** It took a stop signal (now ignored) and its main thread sleeps in pause() all the same. */
  stuck: boolean;
  /** A stop signal its handler still catches: what wakes it when `stuck`. */
  wakeSignal?: 'SIGINT' | 'SIGTERM';
}

const SIGINT_BIT = 1n << 1n;
const SIGTERM_BIT = 1n << 14n;

/** The state of the stapbpf in process group `pgid` (stap is its leader). */
export function stapbpfState(pgid: number): StapbpfState {
  const stapbpfs = groupMembers(pgid).filter((p) => read(`/proc/${p}/comm`)?.trim() === 'stapbpf');
  const pid = stapbpfs.find((p) => !stapbpfs.includes(parentOf(p) ?? -1)) ?? stapbpfs[0];
  if (pid === undefined) return { ready: true, stuck: false };
  return stapbpfProcessState(pid);
}

/** The state of stapbpf process `pid`. */
export function stapbpfProcessState(pid: number): StapbpfState {
  const status = read(`/proc/${pid}/status`);
  const field = (name: string) => (status ? new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(status)?.[1] : undefined);
  const caughtHex = field('SigCgt');
  const ignoredHex = field('SigIgn');
  const state = field('State');
  if (caughtHex === undefined || ignoredHex === undefined || state === undefined) return { pid, ready: true, stuck: false };
  const caught = BigInt(`0x${caughtHex}`);
  const ignored = BigInt(`0x${ignoredHex}`);
  const wchan = read(`/proc/${pid}/wchan`)?.trim();
  const sleeping = state === 'S';
  const inPause = sleeping && (wchan === undefined || wchan === '0' || wchan === '' ? true : /pause/.test(wchan));
  const wakeSignal = (caught & SIGINT_BIT) !== 0n ? 'SIGINT' : (caught & SIGTERM_BIT) !== 0n ? 'SIGTERM' : undefined;
  const bothCaught = (caught & SIGINT_BIT) !== 0n && (caught & SIGTERM_BIT) !== 0n;
  const oneIgnored = (ignored & (SIGINT_BIT | SIGTERM_BIT)) !== 0n;
  return {
    pid,
    ready: bothCaught && inPause,
    stuck: oneIgnored && wakeSignal !== undefined && inPause,
    wakeSignal,
  };
}

function parentOf(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}
