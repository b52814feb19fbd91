/**
 * One run on several hosts at once (issue 6: "output prefixed per host when there are several"):
 * a run per host in parallel, their output cut into whole lines prefixed `[host] `, and one
 * RunHandle whose stop stops them all and whose result aggregates theirs. A host's partial line
 * is held until its newline or the end of that host's run, so a chunk from one host never splits
 * another host's line. Plain Node, no `vscode` import.
 */
import { runRemote, type RemoteRunOptions } from './remote-run';
import { destinationError } from './ssh-args';
import type { OutputEvent, RemoteHost, RunHandle, RunResult, StapDiagnostic, StapOptions } from './types';

/** One host's part of a multi-host run. */
export interface HostRun {
  /** The prefix used for this host's lines (its destination; `#2`, `#3` for repeats). */
  label: string;
  host: RemoteHost;
  result: RunResult;
}

export interface MultiHostResult extends RunResult {
  /** Each host's own result, in the order the hosts were given. */
  hosts: HostRun[];
}

export interface MultiHostHandle extends RunHandle {
  readonly done: Promise<MultiHostResult>;
  stop(graceMs?: number): Promise<MultiHostResult>;
  /** Each host's run, in the order the hosts were given. */
  readonly runs: readonly RunHandle[];
  readonly labels: readonly string[];
}

/** Each host's prefix: its destination, with `#N` added to the Nth repeat of the same destination. */
export function hostLabels(hosts: readonly RemoteHost[]): string[] {
  const seen = new Map<string, number>();
  return hosts.map((h) => {
    const n = (seen.get(h.destination) ?? 0) + 1;
    seen.set(h.destination, n);
    return n === 1 ? h.destination : `${h.destination}#${n}`;
  });
}

/** Cuts one host's output into whole lines prefixed `[label] `, per stream; {@link flush} ends a partial line. */
export class HostLinePrefixer {
  private readonly pending: Record<OutputEvent['stream'], string> = { stdout: '', stderr: '' };

  constructor(
    private readonly label: string,
    private readonly emit: (event: OutputEvent) => void,
  ) {}

  push(event: OutputEvent): void {
    const text = this.pending[event.stream] + event.text;
    const end = text.lastIndexOf('\n');
    this.pending[event.stream] = text.slice(end + 1);
    if (end < 0) return;
    const lines = text.slice(0, end).split('\n');
    this.emit({ host: this.label, stream: event.stream, text: lines.map((l) => `[${this.label}] ${l}\n`).join('') });
  }

  /** The host's run ended: what is left of a line goes out with a newline. */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.pending[stream];
      this.pending[stream] = '';
      if (rest !== '') this.emit({ host: this.label, stream, text: `[${this.label}] ${rest}\n` });
    }
  }
}

/**
 * Starts `start(host, onOutput)` for every host at once. Every destination is validated first,
 * so a bad one fails the whole call before any run starts.
 */
export function runOnHosts(
  hosts: readonly RemoteHost[],
  start: (host: RemoteHost, onOutput: (event: OutputEvent) => void) => RunHandle,
  onOutput: (event: OutputEvent) => void,
): MultiHostHandle {
  if (hosts.length === 0) throw new Error('no remote hosts to run on');
  for (const h of hosts) {
    const error = destinationError(h.destination);
    if (error) throw new Error(error);
  }
  const labels = hostLabels(hosts);
  const failures: HostRun[] = [];
  let stopRequested = false;
  const runs: RunHandle[] = [];
  const perHost: Promise<HostRun>[] = [];
  try {
    hosts.forEach((host, i) => {
      const prefixer = new HostLinePrefixer(labels[i], onOutput);
      const run = start(host, (event) => prefixer.push(event));
      runs.push(run);
      perHost.push(
        run.done.then((result) => {
          prefixer.flush();
          const hostRun = { label: labels[i], host, result };
          if (isFailure(result)) failures.push(hostRun);
          return hostRun;
        }),
      );
    });
  } catch (err) {
    // A host's start threw (e.g. an option stap cannot take): stop the ones already started.
    for (const run of runs) void run.stop();
    throw err;
  }

  const done = Promise.all(perHost).then((hostRuns) => aggregate(hostRuns, failures, stopRequested));
  async function stop(graceMs?: number): Promise<MultiHostResult> {
    stopRequested = true;
    await Promise.all(runs.map((r) => r.stop(graceMs)));
    return done;
  }
  return { done, stop, runs, labels };
}

/** {@link runOnHosts} with {@link runRemote}: the same script, options and arguments on every host. */
export function runScriptOnHosts(
  hosts: readonly RemoteHost[],
  script: string,
  scriptText: string,
  opts: StapOptions,
  onOutput: (event: OutputEvent) => void,
  options: RemoteRunOptions = {},
): MultiHostHandle {
  return runOnHosts(hosts, (host, out) => runRemote(script, scriptText, opts, host, out, options), onOutput);
}

function isFailure(r: RunResult): boolean {
  return r.message !== undefined || r.signal !== null || (r.exitCode !== 0 && !r.stopped);
}

/**
 * The whole run's result: the first failure to happen (in time) gives the exit status, pass and
 * message; else 0. Diagnostics of all hosts, the same one (same script on every host) once.
 */
function aggregate(hostRuns: HostRun[], failures: HostRun[], stopped: boolean): MultiHostResult {
  const first = failures[0]?.result;
  const diagnostics: StapDiagnostic[] = [];
  const seen = new Set<string>();
  for (const { result } of hostRuns) {
    for (const d of result.diagnostics) {
      const key = JSON.stringify([d.file, d.line, d.column, d.severity, d.message]);
      if (!seen.has(key)) (seen.add(key), diagnostics.push(d));
    }
  }
  const result: MultiHostResult = {
    exitCode: first ? first.exitCode : 0,
    signal: first ? first.signal : null,
    diagnostics,
    stopped,
    hosts: hostRuns,
  };
  if (first?.failedPass !== undefined) result.failedPass = first.failedPass;
  if (first?.message !== undefined) {
    const others = failures.length - 1;
    result.message = others > 0 ? `${first.message} (and ${others} more host${others > 1 ? 's' : ''} failed)` : first.message;
  }
  return result;
}
