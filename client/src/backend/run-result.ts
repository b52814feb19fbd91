/**
 * How a local stap (or stapbpf) process ended, as a RunResult: stap's diagnostics and failed pass
 * (parseStapMessages) and one sentence for the user when something went wrong: the program or
 * sudo missing, sudo wanting a password, permission denied (stap 4.8 pass 5 as non-root:
 * `stapbpf is not executable (Permission denied)`, `could not increase map resource limit ...
 * Operation not permitted`), the pass that failed, a watchdog stop.
 */
import { parseStapMessages, stripAnsi } from './stap-messages';
import type { RunResult } from './types';

export interface ProcessEnd {
  /** Which program the user asked for and where: `stap` at `/usr/bin/stap`. */
  program: string;
  programPath: string;
  /** It ran through `sudo -n`. */
  sudo: boolean;
  /** The error 'spawn' gave (ENOENT, EACCES, ...), when the process never started. */
  spawnError?: NodeJS.ErrnoException;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** The lines of stdout that can be stap's (its coloured pass-5 `ERROR:`), not the script's output. */
  stdoutErrors: string;
  scriptPath: string;
  stopped: boolean;
  /** The watchdog stopped the run after this many ms. */
  watchdogMs?: number;
}

export function buildRunResult(end: ProcessEnd): RunResult {
  const { diagnostics, failedPass, message: stapMessage } = parseStapMessages(end.stderr, end.stdoutErrors, end.scriptPath);
  const result: RunResult = { exitCode: end.exitCode, signal: end.signal, diagnostics, stopped: end.stopped };
  if (failedPass !== undefined) result.failedPass = failedPass;
  const message = endMessage(end, stapMessage, failedPass);
  const full = end.watchdogMs !== undefined ? joinSentences(`Stopped by the watchdog after ${end.watchdogMs} ms`, message) : message;
  if (full !== undefined) result.message = full;
  return result;
}

function endMessage(end: ProcessEnd, stapMessage: string | undefined, failedPass: number | undefined): string | undefined {
  const { program, programPath } = end;
  if (end.spawnError) {
    const code = end.spawnError.code;
    if (end.sudo && code === 'ENOENT') return "sudo was not found: install sudo, or turn off the setting that runs stap through sudo";
    if (code === 'ENOENT') return `${program} was not found at '${programPath}': install SystemTap, or set systemtap.stapPath to where stap is`;
    if (code === 'EACCES') return `Permission denied running '${programPath}' (is it executable?)`;
    return `Could not start '${programPath}': ${end.spawnError.message}`;
  }
  const stderr = stripAnsi(end.stderr);
  if (end.sudo) {
    if (/^sudo: (a terminal is required|a password is required)/m.test(stderr)) {
      return 'sudo wants a password and is never asked to prompt (sudo -n): allow stap without a password in sudoers, or run without sudo';
    }
    // `sudo -n -- stap`: sudo says so; `sudo -n -- env K=V stap` (extra environment): env says so, status 127
    const notFound = /^sudo: .*: command not found/m.test(stderr) || (end.exitCode === 127 && /^env: .*No such file or directory/m.test(stderr));
    if (notFound) return `${program} was not found at '${programPath}' (through sudo): install SystemTap, or set systemtap.stapPath`;
    const notAllowed = /^sudo: .*(not allowed|not in the sudoers|may not run).*$/m.exec(stderr);
    if (notAllowed) return `Permission denied by sudo: ${notAllowed[0]}`;
  }
  const denied = /^.*(Permission denied|Operation not permitted).*$/m.exec(stderr);
  if (denied && end.exitCode !== 0 && !end.stopped) {
    return joinSentences(
      `Permission denied${failedPass !== undefined ? ` in pass ${failedPass}` : ''}: ${denied[0].trim()}`,
      'Running probes needs root, sudo, or membership of the stapusr group',
    );
  }
  if (stapMessage !== undefined) return stapMessage;
  if (end.stopped) return undefined;
  if (end.signal !== null) return `${program} was killed by ${end.signal}`;
  if (end.exitCode !== 0 && end.exitCode !== null) {
    const last = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Tip: ')).pop();
    return `${program} exited with status ${end.exitCode}${last ? `: ${last}` : ''}`;
  }
  return undefined;
}

function joinSentences(a: string, b: string | undefined): string {
  return b === undefined ? `${a}.` : `${a}. ${b}`.replace(/([^.])$/, '$1.');
}
