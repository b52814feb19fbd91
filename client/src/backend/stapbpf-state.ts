/**
 * Whether the stapbpf of a run can take a stop signal now. stap 4.8 forwards our SIGINT to
 * stapbpf as SIGTERM, and stapbpf runs the `begin` probes (whose output we may already have
 * shown) before it installs its INT/TERM handlers and sleeps in pause(). Measured here: a Stop
 * sent right after the first `begin` line killed stapbpf without its `end` probe in 7 of 20 tries
 * (handlers not yet installed: `stapbpf exited with signal: 15`), and in 2 of 20 stapbpf took
 * the signal just before pause() and then slept in it for ever. So the stop waits until the
 * handlers are installed and stapbpf's main thread sleeps, and signals again while it is still in
 * pause() (it is not running the `end` probe then, where a second signal aborts it).
 * Reads /proc; a process whose files cannot be read counts as ready.
 */
import { readFileSync } from 'node:fs';
import { groupMembers } from './process-tree';

export interface StapbpfState {
  /** The run's stapbpf (not its pre-forked `-c` child); undefined when the group has none. */
  pid?: number;
  /** Its SIGINT/SIGTERM handlers are installed and its main thread sleeps in a system call. */
  ready: boolean;
  /** Its main thread sleeps in pause(): it waits for a signal, and one more is safe. */
  inPause: boolean;
}

const SIGINT_BIT = 1n << 1n;
const SIGTERM_BIT = 1n << 14n;

export function stapbpfState(pgid: number): StapbpfState {
  const stapbpfs = groupMembers(pgid).filter((p) => read(`/proc/${p}/comm`)?.trim() === 'stapbpf');
  const pid = stapbpfs.find((p) => !stapbpfs.includes(parentOf(p) ?? -1)) ?? stapbpfs[0];
  if (pid === undefined) return { ready: true, inPause: false };
  const status = read(`/proc/${pid}/status`);
  const caught = status && /^SigCgt:\s*([0-9a-f]+)$/m.exec(status);
  const state = status && /^State:\s*(\S)/m.exec(status);
  const wchan = read(`/proc/${pid}/wchan`);
  if (!caught || !state) return { pid, ready: true, inPause: false };
  const mask = BigInt(`0x${caught[1]}`);
  const handlers = (mask & SIGINT_BIT) !== 0n && (mask & SIGTERM_BIT) !== 0n;
  const inPause = wchan !== undefined && /pause/.test(wchan);
  return { pid, ready: handlers && (state[1] === 'S' || inPause), inPause };
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
