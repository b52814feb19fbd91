/**
 * The stap command line (argv after the executable) built from the settings, for local runs,
 * remote runs and compiles. Every value is its own argv element and nothing is ever joined into
 * a shell string; the caller spawns without a shell (or, remotely, quotes each element).
 *
 * stap 4.8 parses its options with GNU getopt, which permutes: an argument after the script that
 * starts with `-` (`stap s.stp -v`) is taken as an option. So the script and its arguments always
 * follow a `--` (`stap [options] -- SCRIPT ARG...`), which makes stap take them literally,
 * including a script file named `-x.stp`. The one name `--` cannot protect is `-` (stap reads the
 * script from stdin then), so a script path `-` is passed as `./-`.
 */
import type { StapOptions } from './types';

/** What a compile adds: `-p N` (stop after pass N) and `-m NAME` (the module / `.bo` name). */
export interface StapArgvExtra {
  passes?: number;
  moduleName?: string;
}

/** stap's `-m` check (`^[a-z0-9_]+$`, case-insensitively) and its truncation (names of 55+ characters are cut). */
export const MODULE_NAME_PATTERN = /^[A-Za-z0-9_]{1,54}$/;

/**
 * The argv after the stap executable, in this fixed order:
 * `--runtime=R`, `-r DIR|RELEASE` (the build dir wins over the release), `-R DIR`, `-a ARCH`,
 * `-I DIR`…, `-D DEF`…, `-g`, `--compatible=V`, `--privilege=L`, `-c CMD`, the extra options,
 * `-p N`, `-m NAME`, `--`, the script, the script arguments.
 * Throws an Error for values stap would misread or refuse (see the checks below).
 */
export function stapArgv(opts: StapOptions, script: string, extra: StapArgvExtra = {}): string[] {
  const argv: string[] = [];
  if (opts.runtime !== undefined) argv.push(`--runtime=${opts.runtime}`);
  const release = opts.kernelBuildDir ?? opts.kernelRelease;
  if (release !== undefined) argv.push('-r', nonEmpty(release, 'kernel build dir / release'));
  if (opts.runtimeDir !== undefined) argv.push('-R', nonEmpty(opts.runtimeDir, 'runtime dir (-R)'));
  if (opts.arch !== undefined) argv.push('-a', nonEmpty(opts.arch, 'architecture (-a)'));
  for (const dir of opts.tapsetDirs) argv.push('-I', nonEmpty(dir, 'tapset dir (-I)'));
  for (const def of opts.defines) argv.push('-D', checkDefine(def));
  if (opts.guru) argv.push('-g');
  if (opts.compatible !== undefined) argv.push(`--compatible=${nonEmpty(opts.compatible, 'compatible version')}`);
  if (opts.privilege !== undefined) argv.push(`--privilege=${opts.privilege}`);
  if (opts.targetCommand !== undefined) argv.push('-c', nonEmpty(opts.targetCommand, 'target command (-c)'));
  for (const option of opts.extraOptions) argv.push(checkExtraOption(option));
  if (extra.passes !== undefined) {
    if (!Number.isInteger(extra.passes) || extra.passes < 1 || extra.passes > 5) {
      throw new Error(`stap: the last pass must be 1 to 5, not ${extra.passes}`);
    }
    argv.push(`-p${extra.passes}`);
  }
  if (extra.moduleName !== undefined) {
    if (!MODULE_NAME_PATTERN.test(extra.moduleName)) {
      throw new Error(`stap: module name '${extra.moduleName}' must be 1 to 54 characters of A-Z, a-z, 0-9 and _`);
    }
    argv.push('-m', extra.moduleName);
  }
  argv.push('--', scriptOperand(script));
  for (const arg of opts.scriptArguments) argv.push(checkNul(arg, 'script argument'));
  return argv;
}

/** The script operand: any path, literally (it follows `--`); only `-` (stdin for stap) becomes `./-`. */
function scriptOperand(script: string): string {
  nonEmpty(script, 'script path');
  return script === '-' ? './-' : script;
}

function checkNul(value: string, what: string): string {
  if (value.includes('\0')) throw new Error(`stap: the ${what} contains a NUL character`);
  return value;
}

function nonEmpty(value: string, what: string): string {
  checkNul(value, what);
  if (value === '') throw new Error(`stap: the ${what} is empty`);
  return value;
}

/** `-D NAME[=VALUE]`: a NAME starting with `-` would be no macro name (stap passes it to the C compiler). */
function checkDefine(def: string): string {
  nonEmpty(def, 'define (-D)');
  if (!/^[A-Za-z_][A-Za-z0-9_]*(=|$)/.test(def)) {
    throw new Error(`stap: the define '${def}' is not NAME or NAME=VALUE`);
  }
  return def;
}

/**
 * Extra options are passed verbatim, each its own element (an option's value may be the next
 * element, as in `-x` `PID`). Only `--` is refused: it would make the rest the script.
 */
function checkExtraOption(option: string): string {
  checkNul(option, 'extra option');
  if (option === '--') throw new Error("stap: '--' is not allowed among the extra options");
  return option;
}
