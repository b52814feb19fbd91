/**
 * The remote run backend: runs a script with `stap` (or a compiled `.bo` with `stapbpf`) on a host
 * over ssh, streaming its output, and stops it the way the stap-sandbox README's "Remote run
 * backend" prescribes: OpenSSH forwards no signals without a tty, so the script (or `.bo`) goes
 * to the remote wrapper (remote-wrapper.ts) on stdin, stdin stays open, and Stop closes it; the
 * wrapper then sends SIGINT to the remote stap pid only, once its stapbpf can take it, and wakes a
 * stapbpf that took it too early (`probe end` runs, its output arrives, the exit status comes back
 * as ssh's). Fallback after the grace period: SIGTERM to ssh (sshd
 * closes the session, the wrapper sees EOF), then SIGKILL to ssh's process group (a ProxyCommand).
 *
 * ssh is spawned without a shell, `detached: true`, as `ssh [host options] [ours] -- DESTINATION
 * COMMAND`; COMMAND is one string for the remote login shell whose every word is single-quoted
 * (ssh-args.ts). Plain Node, no `vscode` import.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { groupMembers, signalGroup, signalProcess } from './process-tree';
import { REMOTE_WRAPPER } from './remote-wrapper';
import { shellCommand, sshArgv } from './ssh-args';
import { stapArgv } from './stap-command';
import { parseStapMessages, stripAnsi } from './stap-messages';
import type { OutputEvent, RemoteHost, RunHandle, RunResult, StapOptions } from './types';

/** A remote run: the local ssh pid (its process group's id too) and the tag in the remote temp dir's name. */
export interface RemoteRunHandle extends RunHandle {
  readonly pid: number | undefined;
  /** `stap-ls-TAG.XXXXXX` is the remote temp dir; the wrapper's command line holds it too. */
  readonly tag: string;
}

/** How a remote run is made, beyond the settings. */
export interface RemoteRunOptions {
  /** The local ssh executable (default `ssh`, from PATH). */
  sshPath?: string;
  /** The program on the host (default `stap`, or `stapbpf` for a compiled run), found in the remote PATH unless absolute. */
  remoteProgram?: string;
  /** Default grace period of {@link RunHandle.stop} before ssh is killed (ms). */
  graceMs?: number;
  /**
   * Seconds the remote wrapper waits after its SIGINT before SIGTERM to the program, then SIGKILL
   * to its process group 2 s later (default 5): a program that does not end on SIGINT (the stapbpf
   * hang) is not left on the host even when ssh is gone.
   */
  remoteKillAfterSec?: number;
}

/** ms between SIGTERM to ssh and SIGKILL to its group, when the graceful stop did not end the run. */
const KILL_AFTER_TERM_MS = 2000;
const DEFAULT_GRACE_MS = 10000;
/** How much of stderr is kept for the messages (stap's are short; a chatty script could print a lot). */
const STDERR_KEEP = 1 << 20;

/**
 * Runs `script` (whose text is `scriptText`, shipped as is: the remote host need not have the
 * file) with `stap` on `host`, with the settings' options (`opts.sudo`/`opts.env` are local-only
 * and ignored). Throws synchronously for a destination or option that cannot be passed safely.
 */
export function runRemote(
  script: string,
  scriptText: string,
  opts: StapOptions,
  host: RemoteHost,
  onOutput: (event: OutputEvent) => void,
  options: RemoteRunOptions = {},
): RemoteRunHandle {
  const argv = stapArgv(opts, script);
  const scriptIndex = argv.length - opts.scriptArguments.length - 1;
  const program = options.remoteProgram ?? 'stap';
  return runOverSsh({
    host,
    words: [program, ...argv.slice(0, scriptIndex), ...argv.slice(scriptIndex + 1)],
    fileIndex: scriptIndex + 1,
    fileName: remoteFileName(script, '.stp'),
    payload: Buffer.from(scriptText, 'utf8'),
    localPath: script,
    program,
    onOutput,
    options,
  });
}

/** What a compiled run passes to stapbpf (its options before the `.bo`). */
export interface StapbpfOptions {
  /** `-w`: no warnings. */
  noWarnings?: boolean;
  /** `-v`, repeated. */
  verbose?: number;
  /** `-c CMD`. */
  targetCommand?: string;
  /** `-x PID`. */
  targetPid?: number;
  /** `-o FILE` (on the host). */
  outputFile?: string;
}

/** The argv of stapbpf before the `.bo` file. */
export function stapbpfArgv(o: StapbpfOptions): string[] {
  const argv: string[] = [];
  for (let i = 0; i < (o.verbose ?? 0); i++) argv.push('-v');
  if (o.noWarnings) argv.push('-w');
  if (o.targetCommand !== undefined) argv.push('-c', o.targetCommand);
  if (o.targetPid !== undefined) {
    if (!Number.isInteger(o.targetPid) || o.targetPid <= 0) throw new Error(`stapbpf: -x wants a pid, not ${o.targetPid}`);
    argv.push('-x', String(o.targetPid));
  }
  if (o.outputFile !== undefined) argv.push('-o', o.outputFile);
  return argv;
}

/**
 * Runs a compiled BPF program (the compile backend's `.bo`, read from `boPath`) with `stapbpf` on
 * `host`, with the same stop protocol as {@link runRemote}.
 */
export function runRemoteCompiled(
  boPath: string,
  stapbpf: StapbpfOptions,
  host: RemoteHost,
  onOutput: (event: OutputEvent) => void,
  options: RemoteRunOptions = {},
): RemoteRunHandle {
  const program = options.remoteProgram ?? 'stapbpf';
  const words = [program, ...stapbpfArgv(stapbpf)];
  return runOverSsh({
    host,
    words,
    fileIndex: words.length,
    fileName: remoteFileName(boPath, '.bo'),
    payload: readFileSync(boPath),
    localPath: boPath,
    program,
    onOutput,
    options,
  });
}

/** The file's name on the host: the local base name with anything but `[A-Za-z0-9._-]` made `_` (it shows in stap's messages). */
export function remoteFileName(localPath: string, fallbackExtension: string): string {
  const name = basename(localPath).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]/, '_');
  return name === '' ? `script${fallbackExtension}` : name;
}

/** The remote command string: `exec sh -c WRAPPER stap-ls K NAME TAG GRACE WORD...`, every word single-quoted. */
export function remoteCommand(words: readonly string[], fileIndex: number, fileName: string, tag: string, killAfterSec: number): string {
  if (!Number.isInteger(killAfterSec) || killAfterSec < 0) throw new Error(`remoteKillAfterSec must be a whole number of seconds, not ${killAfterSec}`);
  return `exec ${shellCommand(['sh', '-c', REMOTE_WRAPPER, 'stap-ls', String(fileIndex), fileName, tag, String(killAfterSec), ...words])}`;
}

interface SshRun {
  host: RemoteHost;
  /** The remote command's words, without the shipped file. */
  words: string[];
  /** Where the shipped file's remote path goes among `words`. */
  fileIndex: number;
  fileName: string;
  payload: Buffer;
  /** The file as the user knows it (diagnostics point there). */
  localPath: string;
  program: string;
  onOutput: (event: OutputEvent) => void;
  options: RemoteRunOptions;
}

function runOverSsh(run: SshRun): RemoteRunHandle {
  const { host, onOutput } = run;
  const tag = randomBytes(6).toString('hex');
  const sshPath = run.options.sshPath ?? 'ssh';
  const args = sshArgv(host.sshOptions, host.destination, remoteCommand(run.words, run.fileIndex, run.fileName, tag, run.options.remoteKillAfterSec ?? 5));
  // The remote temp file as stap names it: `/tmp/stap-ls-TAG.XXXXXX/NAME` (TMPDIR may differ).
  const remoteFile = new RegExp(`(^|/)stap-ls-${tag}\\.[A-Za-z0-9]+/${escapeRegExp(run.fileName)}$`);
  const mapFile = (f: string): string => (remoteFile.test(f) ? run.localPath : f);

  let stderr = '';
  let stdoutTail = '';
  let stdoutErrors = '';
  let stopRequested = false;
  let spawnError: NodeJS.ErrnoException | undefined;
  let settle!: (r: RunResult) => void;
  const done = new Promise<RunResult>((resolve) => (settle = resolve));
  let settled = false;

  const child = spawn(sshPath, args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid;

  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    // stap's own pass-5 `ERROR:` lines come on stdout (coloured); keep those for the messages.
    const lines = (stdoutTail + text).split('\n');
    stdoutTail = lines.pop() ?? '';
    for (const line of lines) if (line.includes('\x1b[31mERROR: ')) stdoutErrors += `${line}\n`;
    if (stdoutTail.length > 65536) stdoutTail = '';
    onOutput({ host: host.destination, stream: 'stdout', text });
  });
  // stderr is shown by whole lines, with the remote temp file's name replaced by the user's (stap
  // writes its messages a line at a time; the script's own output is stdout, passed on as it comes).
  const remoteFileShown = new RegExp(`[^\\s:'"]*/stap-ls-${tag}\\.[A-Za-z0-9]+/${escapeRegExp(run.fileName)}`, 'g');
  let stderrTail = '';
  const showStderr = (text: string): void => {
    if (text !== '') onOutput({ host: host.destination, stream: 'stderr', text: text.replace(remoteFileShown, () => run.localPath) });
  };
  child.stderr.on('data', (text: string) => {
    if (stderr.length < STDERR_KEEP) stderr += text;
    const all = stderrTail + text;
    const end = all.lastIndexOf('\n');
    stderrTail = all.slice(end + 1);
    showStderr(all.slice(0, end + 1));
  });
  child.stdin.on('error', () => {
    // EPIPE when ssh is gone before the file went out: its exit status tells why.
  });
  child.on('error', (err: NodeJS.ErrnoException) => {
    spawnError = err;
    if (pid === undefined) finish(null, null);
  });
  // When ssh exits, whatever else is in its group (a ProxyCommand, which shares our stderr pipe)
  // goes too; otherwise 'close' would wait for it.
  child.on('exit', () => {
    if (pid !== undefined && groupMembers(pid).length > 0) signalGroup(pid, 'SIGKILL');
  });
  child.on('close', (code, signal) => finish(code, signal));

  if (pid !== undefined) {
    child.stdin.write(`${run.payload.length}\n`);
    child.stdin.write(run.payload);
  }

  function finish(code: number | null, signal: NodeJS.Signals | null): void {
    if (settled) return;
    settled = true;
    if (pid !== undefined && groupMembers(pid).length > 0) signalGroup(pid, 'SIGKILL');
    if (stdoutTail.includes('\x1b[31mERROR: ')) stdoutErrors += stdoutTail;
    showStderr(stderrTail);
    stderrTail = '';
    settle(
      remoteResult({
        destination: host.destination,
        program: run.program,
        sshPath,
        spawnError,
        exitCode: code,
        signal,
        stderr,
        stdoutErrors,
        localPath: run.localPath,
        mapFile,
        stopped: stopRequested,
      }),
    );
  }

  async function stop(graceMs = run.options.graceMs ?? DEFAULT_GRACE_MS): Promise<RunResult> {
    if (settled) return done;
    stopRequested = true;
    child.stdin.end();
    if (await settlesWithin(done, graceMs)) return done;
    if (pid !== undefined) signalProcess(pid, 'SIGTERM');
    if (await settlesWithin(done, KILL_AFTER_TERM_MS)) return done;
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
    return done;
  }

  return { done, stop, pid, tag };
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const result = await Promise.race([p.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface RemoteEnd {
  destination: string;
  program: string;
  sshPath: string;
  spawnError?: NodeJS.ErrnoException;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdoutErrors: string;
  localPath: string;
  mapFile: (f: string) => string;
  stopped: boolean;
}

/** ssh's own failures (exit 255), from its stderr, as the reason shown to the user. */
const SSH_FAILURES: [RegExp, string][] = [
  [/Could not resolve hostname|Name or service not known|nodename nor servname/, 'the host name is unknown'],
  [/Connection refused/, 'the connection was refused (no ssh server on that port?)'],
  [/Connection timed out|Operation timed out|No route to host|Network is unreachable|Connection closed by|Connection reset/, 'the host is unreachable'],
  [/Permission denied \(|Too many authentication failures|no mutual signature/, 'authentication failed (ssh key not accepted)'],
  [/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/, "the host key is not trusted (connect once with ssh to accept it)"],
  [/kex_exchange_identification|banner exchange/, 'the ssh handshake failed'],
  [/proxy|ProxyCommand/i, 'the ssh ProxyCommand failed'],
];

/** The RunResult of a remote run: stap's diagnostics mapped back to the local file, and a message naming the host. */
export function remoteResult(end: RemoteEnd): RunResult {
  const host = `'${end.destination}'`;
  const { diagnostics, failedPass, message: stapMessage } = parseStapMessages(end.stderr, end.stdoutErrors, end.localPath, end.mapFile);
  const result: RunResult = { exitCode: end.exitCode, signal: end.signal, diagnostics, stopped: end.stopped };
  if (failedPass !== undefined) result.failedPass = failedPass;
  const stderrLines = stripAnsi(end.stderr)
    .split('\n')
    .map((l) => l.replace(/\r$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('Tip: '));
  const lastLine = stderrLines[stderrLines.length - 1];
  let message: string | undefined;
  if (end.spawnError) {
    message =
      end.spawnError.code === 'ENOENT'
        ? `ssh was not found at '${end.sshPath}': install an OpenSSH client to run probes on ${host}`
        : `Could not start '${end.sshPath}' for ${host}: ${end.spawnError.message}`;
  } else if (end.exitCode === 255 && failedPass === undefined) {
    const sshLine = stderrLines.find((l) => SSH_FAILURES.some(([re]) => re.test(l))) ?? lastLine;
    const reason = SSH_FAILURES.find(([re]) => sshLine !== undefined && re.test(sshLine))?.[1] ?? 'ssh failed';
    message = `Cannot run on host ${host}: ${reason}${sshLine ? ` (${sshLine})` : ''}`;
  } else if (end.exitCode === 127 && failedPass === undefined) {
    const notFound = stderrLines.find((l) => /not found|No such file or directory/.test(l));
    message = `${end.program} was not found on host ${host}${notFound ? ` (${notFound})` : ''}: install SystemTap there, or give the path of ${end.program} on that host`;
  } else if (end.exitCode === 126 && failedPass === undefined) {
    message = `Permission denied running ${end.program} on host ${host}${lastLine ? ` (${lastLine})` : ''}`;
  } else if (stapMessage !== undefined) {
    const denied = /Permission denied|Operation not permitted/.test(end.stderr) && end.exitCode !== 0 && !end.stopped;
    message = `On host ${host}: ${stapMessage}${denied ? '. Running probes there needs root or membership of the stapusr group' : ''}`;
  } else if (!end.stopped && end.signal !== null) {
    message = `ssh to host ${host} was killed by ${end.signal}`;
  } else if (!end.stopped && end.exitCode !== 0 && end.exitCode !== null) {
    message = `${end.program} on host ${host} exited with status ${end.exitCode}${lastLine ? `: ${lastLine}` : ''}`;
  }
  if (message !== undefined) result.message = message;
  return result;
}
