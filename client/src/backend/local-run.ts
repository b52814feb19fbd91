/**
 * The local run backend: "Run Probe" on this machine. `runLocal` runs `stap [options] -- SCRIPT
 * ARGS` (stap's five passes, pass 5 loads and runs the probes); `runCompiled` runs an artifact
 * made by `compile` (`stapbpf -- FILE.bo`, as stap itself does in pass 5 of a BPF run). Both
 * stream output as it arrives and stop as local-process.ts describes.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { failedRun, startLocalProcess, type LocalRunHandle, type LocalRunOptions } from './local-process';
import { stapArgv } from './stap-command';
import type { OutputEvent, StapOptions } from './types';

export type { LocalRunHandle, LocalRunOptions } from './local-process';

export interface CompiledRunOptions extends LocalRunOptions {
  /** The stapbpf executable (default: see {@link stapbpfPath}). */
  stapbpfPath?: string;
}

/** Runs `script` with stap. Never throws: bad options end the run at once with their message. */
export function runLocal(
  script: string,
  opts: StapOptions,
  onOutput: (e: OutputEvent) => void,
  runOpts: LocalRunOptions = {},
): LocalRunHandle {
  const scriptPath = resolve(script);
  let args: string[];
  try {
    args = stapArgv(opts, scriptPath);
  } catch (err) {
    return failedRun((err as Error).message);
  }
  return startLocalProcess(
    { program: 'stap', programPath: opts.stapPath, args, sudo: opts.sudo, env: opts.env, cwd: dirname(scriptPath), scriptPath },
    onOutput,
    runOpts,
  );
}

/**
 * Runs a compiled `.bo` with stapbpf (`-c` from the options' target command; the script
 * arguments were fixed at compile time). A `.ko` would need staprun and the kernel runtime,
 * which this backend does not run.
 */
export function runCompiled(
  artifact: string,
  opts: StapOptions,
  onOutput: (e: OutputEvent) => void,
  runOpts: CompiledRunOptions = {},
): LocalRunHandle {
  const artifactPath = resolve(artifact);
  if (!artifactPath.endsWith('.bo')) {
    return failedRun(`Only a BPF artifact (.bo) can be run this way, not '${artifactPath}'`);
  }
  const program = runOpts.stapbpfPath ?? stapbpfPath(opts);
  const args = [...(opts.targetCommand !== undefined ? ['-c', opts.targetCommand] : []), '--', artifactPath];
  if (args.some((a) => a.includes('\0'))) return failedRun('stapbpf: an argument contains a NUL character');
  return startLocalProcess(
    { program: 'stapbpf', programPath: program, args, sudo: opts.sudo, env: opts.env, cwd: dirname(artifactPath), scriptPath: artifactPath },
    onOutput,
    runOpts,
  );
}

/**
 * Where stapbpf is: `SYSTEMTAP_STAPBPF` (stap's own override) from the options' environment or
 * ours, else beside the stap executable when there is one there, else `stapbpf` on PATH.
 */
export function stapbpfPath(opts: StapOptions): string {
  const override = opts.env?.SYSTEMTAP_STAPBPF ?? process.env.SYSTEMTAP_STAPBPF;
  if (override) return override;
  if (opts.stapPath.includes('/')) {
    const beside = join(dirname(opts.stapPath), 'stapbpf');
    if (existsSync(beside)) return beside;
  }
  return 'stapbpf';
}
