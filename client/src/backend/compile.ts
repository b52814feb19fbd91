/**
 * The compile backend: `stap [options] -p4 -m NAME -- SCRIPT ARGS` run in the output directory.
 * stap 4.8 copies the artifact (`NAME.bo` with `--runtime=bpf`, `NAME.ko` for the kernel runtime)
 * into its current directory and prints its file name on stdout (sandbox README, "Compile
 * backend"). NAME comes from the script's file name, made to pass stap's `-m` check
 * (`^[a-z0-9_]+$`, no more than 54 characters, which stap would truncate). Passes 1–4 need no
 * privilege, so a compile never goes through sudo.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { startLocalProcess, type LocalRunOptions } from './local-process';
import { stapArgv } from './stap-command';
import type { CompileResult, OutputEvent, StapOptions } from './types';

/** The longest module name stap 4.8 keeps whole. */
export const MAX_MODULE_NAME = 54;

/** `-m` NAME for a script: its file name without `.stp`, lower case, other characters as `_`. */
export function moduleNameFor(script: string): string {
  let name = basename(script).replace(/\.stpm?$/, '').toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z_]/.test(name)) name = `stap_${name}`;
  return name.slice(0, MAX_MODULE_NAME);
}

/**
 * Compiles `script` up to pass 4 into `outDir` (created when missing). Resolves with the absolute
 * artifact path, or with the diagnostics and message of the failure; never rejects.
 */
export async function compile(
  script: string,
  opts: StapOptions,
  outDir: string,
  onOutput: (e: OutputEvent) => void = () => {},
  runOpts: LocalRunOptions = {},
): Promise<CompileResult> {
  const scriptPath = resolve(script);
  const dir = resolve(outDir);
  const moduleName = moduleNameFor(scriptPath);
  let args: string[];
  try {
    args = stapArgv(opts, scriptPath, { passes: 4, moduleName });
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    return { exitCode: null, signal: null, diagnostics: [], stopped: false, message: (err as Error).message };
  }
  let stdout = '';
  const run = startLocalProcess(
    { program: 'stap', programPath: opts.stapPath, args, sudo: false, env: opts.env, cwd: dirname(scriptPath), scriptPath },
    (e) => {
      if (e.stream === 'stdout') stdout += e.text;
      onOutput(e);
    },
    { ...runOpts, cwd: dir },
  );
  const result: CompileResult = await run.done;
  if (result.exitCode !== 0) return result;
  // stap prints the artifact's file name (relative to its cwd) as the last line of stdout
  const printed = stdout.split('\n').map((l) => l.trim()).filter(Boolean).pop();
  const artifact = printed !== undefined ? resolve(dir, printed) : undefined;
  if (artifact === undefined || !existsSync(artifact) || basename(artifact).replace(/\.(bo|ko)$/, '') !== moduleName) {
    return { ...result, message: `stap compiled ${scriptPath} but the artifact ${moduleName}.bo/.ko is not in ${dir} (stap printed: ${printed ?? 'nothing'})` };
  }
  return { ...result, artifact };
}
