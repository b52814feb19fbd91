/**
 * The session: what stap calls `systemtap_session` (session.h), as plain data. It holds the
 * options that passes 1 and 2 depend on: the target (kernel release, arch, runtime, kernel
 * config), the compatibility version, privilege and guru mode, the tapset search path and the
 * script arguments. Built by the CLI from stap's options and by the language server from its
 * settings; the passes only read it.
 */

export type Runtime = 'kernel' | 'dyninst' | 'bpf';
export type Privilege = 'stapusr' | 'stapsys' | 'stapdev';

export interface Target {
  /** Full kernel release, e.g. `6.1.0-fake` (`kernel_vr`). */
  kernelRelease: string;
  /** The release up to the first `-`, e.g. `6.1.0` (`kernel_v`). */
  kernelBaseRelease: string;
  /** e.g. `x86_64` (`arch`). */
  arch: string;
  runtime: Runtime;
  /** `CONFIG_*` values from the kernel build dir's `.config` (`y`, `m`, numbers, strings). */
  kernelConfig: ReadonlyMap<string, string>;
}

export interface Session {
  target: Target;
  /** `--compatible`, default `4.8` (`systemtap_v`). */
  compatible: string;
  privilege: Privilege;
  /** `-g` */
  guru: boolean;
  /** Tapset directories in search order: `$SYSTEMTAP_TAPSET` or the default, then each `-I`. */
  includePath: string[];
  /** Script arguments: `$1`… and `@1`…. */
  args: string[];
  /**
   * `--assume-args` (stap-ls only, the editor's mode): in the user's scripts, a `$N`/`@N` whose
   * N is beyond `args` is an unknown argument (a number / a string of unknown value) instead of
   * the `command line argument out of range` error. `$#` stays the count of `args`.
   */
  assumeArgs?: boolean;
  /**
   * `--tapset-document` (stap-ls only, the editor's mode): when the user's script is one of the
   * library's files, it is analysed as that tapset (parsed as the library parses it, its own
   * errors as errors, no usage error) in place of the library's copy of it (passes/pass1.ts).
   */
  tapsetDocument?: boolean;
  /** `-v` count. */
  verbose: number;
  /** `-p N`: the last pass to run (1 or 2 here). */
  lastPass: number;
  /** `-w`: suppress warnings. */
  suppressWarnings: boolean;
  /** `-W`: turn warnings into errors. */
  warningsAsErrors: boolean;
}

/** The version of stap whose behaviour we mirror, the default for `--compatible`. */
export const STAP_VERSION = '4.8';

/** `kernel_v`: the release up to its first `-`. */
export function baseRelease(release: string): string {
  const dash = release.indexOf('-');
  return dash < 0 ? release : release.slice(0, dash);
}
