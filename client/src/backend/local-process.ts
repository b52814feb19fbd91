/**
 * One local stap or stapbpf process as a RunHandle: spawned without a shell as the leader of its
 * own process group, its output streamed chunk by chunk as it arrives, stopped the way stap needs
 * and reaped with everything it started. Follows the sandbox README "Stopping a run":
 *
 * - Stop = SIGINT to the leader's pid only (stap runs `probe end`, forwards the signal to stapbpf
 *   and exits 0). Never a group SIGINT: stapbpf would get it twice and can hang in pause().
 *   The signal waits until stapbpf can take it; a stapbpf that took it too early to wake from
 *   pause() is woken with the signal it still catches (stapbpf-state.ts).
 * - After the grace period: SIGTERM to the group, then SIGKILL to the group.
 * - When the leader has exited, anything of its group still alive (stapbpf orphaned by a killed
 *   stap, a `-c` child left waiting) is SIGKILLed; `done` settles only when the group is empty.
 * - The run gets a temporary directory of its own as TMPDIR, removed when `done` settles: stap
 *   makes its work dir (`stapXXXXXX`, with the compiled module) there, and a stap killed by the
 *   escalation cannot remove it itself. Not with `-k`, which asks stap to keep that dir.
 * - With sudo the leader is `sudo -n`, which relays the SIGINT we send it to stap (we are not in
 *   its process group, so sudo does not take it for a terminal's signal that stap already got).
 *   Group signals to root processes may be refused to a non-root user: then they are sent
 *   through `sudo -n kill`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { groupMembers, processAlive, signalGroup, signalProcess, waitGroupGone } from './process-tree';
import { buildRunResult } from './run-result';
import { stapbpfState } from './stapbpf-state';
import type { OutputEvent, RunHandle, RunResult } from './types';

export interface LocalProcessSpec {
  /** What the user asked to run (`stap`, `stapbpf`) and its path, for messages. */
  program: string;
  programPath: string;
  args: string[];
  /** Run as `sudo -n -- [env K=V...] PROGRAM ARGS`. */
  sudo: boolean;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** The script the messages are about (stap's file names are mapped to it when they match). */
  scriptPath: string;
}

export interface LocalRunOptions {
  /** Stop the run (as {@link RunHandle.stop} does) after this many ms. */
  watchdogMs?: number;
  /** The grace period of a watchdog stop (default {@link DEFAULT_GRACE_MS}). */
  graceMs?: number;
  /** The working directory (default: the script's directory). */
  cwd?: string;
}

/** A local run: also the leader's pid (= its process group id), undefined when it never started. */
export interface LocalRunHandle extends RunHandle {
  readonly pid: number | undefined;
}

export const DEFAULT_GRACE_MS = 5000;
/** Between the group SIGTERM and the group SIGKILL of an escalation. */
const TERM_TO_KILL_MS = 1000;
/** How long the stdio pipes may stay open once the group is gone (a daemon that left the group holds them). */
const PIPE_CLOSE_MS = 2000;
/** stderr kept for the messages; a run that prints more keeps its head and tail. */
const STDERR_LIMIT = 1 << 20;
/** How long a stop waits for stapbpf to be ready for the signal before sending it anyway. */
const READY_WAIT_MS = 3000;
/** Polls in a row that must find stapbpf stuck in pause() with its signal ignored before it is woken. */
const STUCK_POLLS = 3;
const POLL_MS = 20;
/** Group SIGKILLs (one a second) before `done` gives up on processes that cannot be killed (and says so). */
const REAP_TRIES = 10;

/** A run that never started: `done` holds the message. */
export function failedRun(message: string): LocalRunHandle {
  const result: RunResult = { exitCode: null, signal: null, diagnostics: [], stopped: false, message };
  const done = Promise.resolve(result);
  return { done, stop: () => done, pid: undefined };
}

export function startLocalProcess(spec: LocalProcessSpec, onOutput: (e: OutputEvent) => void, runOpts: LocalRunOptions = {}): LocalRunHandle {
  // with sudo the environment goes through `env K=V`: a key env would take for an option or a command is refused
  const badKey = Object.keys(spec.env ?? {}).find((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
  if (badKey !== undefined) return failedRun(`'${badKey}' is not an environment variable name`);
  const runTmp = spec.args.includes('-k') ? undefined : mkdtempSync(join(tmpdir(), 'stap-ls-run-'));
  const env = runTmp ? { ...spec.env, TMPDIR: runTmp } : spec.env;
  const envWords = Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`);
  const command = spec.sudo ? 'sudo' : spec.programPath;
  const args = spec.sudo
    ? ['-n', '--', ...(envWords.length ? ['env', ...envWords] : []), spec.programPath, ...spec.args]
    : spec.args;

  let stderr = '';
  let stdoutErrors = '';
  let stdoutPartial = '';
  let stopped = false;
  let watchdogMs: number | undefined;
  let spawnError: NodeJS.ErrnoException | undefined;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const timers: NodeJS.Timeout[] = [];
  /** Set once `done` settled: the pid and group may be reused, so nothing is signalled any more. */
  let finished = false;
  let leftovers: number[] = [];

  const child = spawn(command, args, {
    cwd: runOpts.cwd ?? spec.cwd,
    env: { ...process.env, ...(spec.sudo ? {} : env) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid; // undefined when spawn failed (the 'error' event follows)

  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    onOutput({ stream: 'stdout', text });
    // keep only stdout lines that can be stap's own ERROR (coloured), not the script's output
    const lines = (stdoutPartial + text).split('\n');
    stdoutPartial = lines.pop() ?? '';
    if (stdoutPartial.length > 4096) stdoutPartial = stdoutPartial.slice(-4096);
    for (const line of lines) if (line.startsWith('\x1b[')) stdoutErrors += `${line}\n`;
  });
  child.stderr.on('data', (text: string) => {
    onOutput({ stream: 'stderr', text });
    stderr += text;
    if (stderr.length > STDERR_LIMIT) stderr = stderr.slice(0, STDERR_LIMIT / 2) + '\n' + stderr.slice(-STDERR_LIMIT / 2);
  });

  const streamsClosed = Promise.all([child.stdout, child.stderr].map((s) => new Promise<void>((resolve) => {
    if (s.closed) resolve();
    s.once('close', () => resolve());
  })));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (pid === undefined) {
        spawnError = err;
        resolve();
      }
    });
  });

  /**
   * `signal` to process `target`, or to process group -`target` when negative; through
   * `sudo -n kill` when we may not signal root's processes ourselves.
   */
  const send = (target: number, signal: NodeJS.Signals): void => {
    if (finished) return;
    const group = target < 0 ? -target : undefined;
    const sent = group !== undefined ? signalGroup(group, signal) : signalProcess(target, signal);
    if (sent || !spec.sudo || (group !== undefined && groupMembers(group).length === 0)) return;
    spawn('sudo', ['-n', 'kill', '-s', signal, '--', String(target)], { stdio: 'ignore' }).on('error', () => {});
  };
  const killGroup = (signal: NodeJS.Signals): void => {
    if (pid !== undefined) send(-pid, signal);
  };

  const done: Promise<RunResult> = (async () => {
    await exited;
    if (pid !== undefined) {
      // leftovers of the group (stapbpf after a killed stap, a `-c` child): SIGKILL, wait until gone
      if (groupMembers(pid).length > 0) {
        for (let tries = 0; tries < REAP_TRIES; tries++) {
          killGroup('SIGKILL');
          if (await waitGroupGone(pid, 1000)) break;
        }
        leftovers = groupMembers(pid);
      }
      const timeout = new Promise<void>((resolve) => timers.push(setTimeout(resolve, PIPE_CLOSE_MS)));
      await Promise.race([streamsClosed, timeout]);
      child.stdout.destroy();
      child.stderr.destroy();
    }
    finished = true;
    for (const t of timers) clearTimeout(t);
    if (runTmp) {
      try {
        rmSync(runTmp, { recursive: true, force: true, maxRetries: 2 });
      } catch {
        // files a sudo'ed stap left there belong to root: they go with the system's temp files
      }
    }
    if (stdoutPartial.startsWith('\x1b[')) stdoutErrors += stdoutPartial;
    const result = buildRunResult({
      program: spec.program,
      programPath: spec.programPath,
      sudo: spec.sudo,
      spawnError,
      exitCode: exit?.code ?? null,
      signal: exit?.signal ?? null,
      stderr,
      stdoutErrors,
      scriptPath: spec.scriptPath,
      stopped,
      watchdogMs,
    });
    if (leftovers.length > 0) {
      const note = `Processes of the run could not be killed: ${leftovers.join(', ')}`;
      result.message = result.message ? `${result.message} ${note}.` : `${note}.`;
    }
    return result;
  })();

  /**
   * SIGINT to the leader once its stapbpf can take it (stapbpf-state.ts); if stapbpf then took
   * the forwarded signal just before pause() and sleeps there for ever, the one signal its
   * handler still catches, sent to stapbpf itself, wakes it. Never a second SIGINT to stap: it
   * ends at once, without `probe end`, on further interrupts. The grace period's escalation
   * covers everything else.
   */
  const interrupt = async (leader: number): Promise<void> => {
    const started = Date.now();
    let sent = false;
    let stuckPolls = 0;
    while (exit === undefined && !finished) {
      const bpf = stapbpfState(leader);
      if (!sent) {
        if (bpf.ready || bpf.stuck || Date.now() - started >= READY_WAIT_MS) {
          signalProcess(leader, 'SIGINT');
          sent = true;
        }
      } else if (bpf.stuck && bpf.pid !== undefined && bpf.wakeSignal !== undefined) {
        // seen on STUCK_POLLS polls in a row: a state /proc shows for an instant on the way out is not it
        if (++stuckPolls >= STUCK_POLLS) {
          send(bpf.pid, bpf.wakeSignal);
          return;
        }
      } else {
        stuckPolls = 0;
      }
      await new Promise((resolve) => timers.push(setTimeout(resolve, POLL_MS)));
    }
  };

  const stop = (graceMs = DEFAULT_GRACE_MS): Promise<RunResult> => {
    if (pid !== undefined && exit === undefined && !stopped) {
      stopped = true;
      void interrupt(pid);
      timers.push(
        setTimeout(() => {
          if (exit !== undefined && groupMembers(pid).length === 0) return;
          killGroup('SIGTERM');
          timers.push(setTimeout(() => killGroup('SIGKILL'), TERM_TO_KILL_MS));
        }, graceMs),
      );
    }
    return done;
  };

  if (runOpts.watchdogMs !== undefined) {
    const ms = runOpts.watchdogMs;
    timers.push(
      setTimeout(() => {
        if (exit !== undefined || (pid !== undefined && !processAlive(pid))) return;
        watchdogMs = ms;
        void stop(runOpts.graceMs);
      }, ms),
    );
  }

  return { done, stop, pid };
}
