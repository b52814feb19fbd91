/**
 * The compilation target: which kernel release, build tree, architecture and runtime a session
 * is for, and the kernel's `.config`. Mirrors how stap fills `systemtap_session` from `-r`, `-a`,
 * `--runtime` and `uname` (session.cxx: `systemtap_session` constructor, `setup_kernel_release`,
 * `parse_kernel_config`; util.cxx: `normalize_machine`).
 *
 * - `-r /ABS/DIR`: DIR is the kernel build tree and the release is read from
 *   `DIR/include/config/kernel.release`. Any value not starting with `/` is a release name, whose
 *   build tree is `/lib/modules/RELEASE/build` (so `-r kb/b` is a release, as in stap).
 * - no `-r`: the running kernel (`uname -r`) and `/lib/modules/$(uname -r)/build`.
 * - `-a ARCH` is taken literally (stap does not normalise it); the default is `uname -m`
 *   normalised the way kbuild names architectures (`i686` → `i386`, `aarch64` → `arm64`, …).
 * - `.config` must exist in the build tree, even for `-p1`, or stap stops with
 *   `Checking "BUILD/.config" failed with error: No such file or directory`.
 *
 * All host access goes through {@link TargetHost} so tests can fake a machine.
 */
import { readFileSync } from 'node:fs';
import { machine, release } from 'node:os';

import { baseRelease, type Runtime, type Target } from './session';

/** What target resolution needs from the machine. */
export interface TargetHost {
  /** `uname -r`. */
  kernelRelease(): string;
  /** `uname -m`. */
  machine(): string;
  /** A file's text, or an Error whose message is the strerror text (e.g. `No such file or directory`). */
  readFile(path: string): string | Error;
}

/** C library strerror texts for the errno codes Node reports, for stap-style messages. */
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ELOOP: 'Too many levels of symbolic links',
  EPERM: 'Operation not permitted',
};

/** The strerror(3) text for a Node fs error. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && STRERROR[code]) return STRERROR[code];
  return err instanceof Error ? err.message : String(err);
}

/** The real machine. Files are read as latin1 so that every byte round-trips. */
export const nodeTargetHost: TargetHost = {
  kernelRelease: () => release(),
  machine: () => machine(),
  readFile(path) {
    try {
      return readFileSync(path, 'latin1');
    } catch (err) {
      return new Error(strerror(err));
    }
  },
};

export interface TargetOptions {
  /** `-r DIR|RELEASE`. */
  kernel?: string;
  /** `-a ARCH`. */
  arch?: string;
  /** `--runtime`, default kernel. */
  runtime?: Runtime;
}

export interface ResolvedTarget {
  target: Target;
  /** The kernel build tree (`Build tree: "…"` at `-vv`), spelt as stap spells it. */
  buildTree: string;
}

/**
 * The architecture name kbuild uses for a `uname -m` value (util.cxx `normalize_machine`).
 * Only applied to the default; `-a` is used as given.
 */
export function normalizeMachine(m: string): string {
  if (/^i[3-6]86$/.test(m)) return 'i386';
  if (m === 'sun4u' || m === 'sparc64') return 'sparc64';
  if (m.startsWith('sparc')) return 'sparc';
  if (m === 'aarch64' || m === 'arm64') return 'arm64';
  if (m.startsWith('arm') || m === 'sa110') return 'arm';
  if (m === 's390x' || m === 's390') return 's390';
  if (m.startsWith('ppc') || m.startsWith('powerpc')) return 'powerpc';
  if (m.startsWith('mips')) return 'mips';
  if (/^sh[2-4]/.test(m)) return 'sh';
  if (m.startsWith('riscv')) return 'riscv';
  return m;
}

/**
 * Reads a kernel `.config`: `CONFIG_X=value` lines, the value kept as written (quotes included,
 * as stap keeps them); comments and `# CONFIG_X is not set` lines are skipped.
 */
export function parseKernelConfig(text: string): Map<string, string> {
  const config = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(CONFIG_[A-Za-z0-9_]+)=(.*?)\r?$/.exec(line);
    if (m) config.set(m[1], m[2]);
  }
  return config;
}

/**
 * Resolves the target as stap does before pass 1. Returns the target, or the error line stap
 * prints (and stap then exits with status 1, before any pass).
 */
export function resolveTarget(
  options: TargetOptions,
  host: TargetHost = nodeTargetHost,
): ResolvedTarget | { error: string } {
  let kernelRelease: string;
  let buildTree: string;
  if (options.kernel !== undefined && options.kernel.startsWith('/')) {
    buildTree = options.kernel;
    const text = host.readFile(`${trimSlashes(buildTree)}/include/config/kernel.release`);
    const first = text instanceof Error ? '' : (text.split('\n')[0] ?? '').trim();
    if (!first) return { error: `ERROR: kernel release isn't found in "${buildTree}"` };
    kernelRelease = first;
  } else {
    kernelRelease = options.kernel ?? host.kernelRelease();
    buildTree = `/lib/modules/${kernelRelease}/build`;
  }
  const configPath = `${buildTree}/.config`;
  const configText = host.readFile(configPath);
  if (configText instanceof Error) {
    return { error: `Checking "${configPath}" failed with error: ${configText.message}` };
  }
  return {
    buildTree,
    target: {
      kernelRelease,
      kernelBaseRelease: baseRelease(kernelRelease),
      arch: options.arch ?? normalizeMachine(host.machine()),
      runtime: options.runtime ?? 'kernel',
      kernelConfig: parseKernelConfig(configText),
    },
  };
}

function trimSlashes(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}
