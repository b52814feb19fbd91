/**
 * What the status bar says about the target and the stap in use, in plain Node (no `vscode`):
 * the kernel release (the setting, the release of the configured build tree as stap reads it
 * from include/config/kernel.release, or this machine's), the architecture in stap's names,
 * the runtime, and whether `<stapPath> -V` runs (stap prints its version on stderr).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch as nodeArch, release } from 'node:os';
import { join } from 'node:path';

import type { StapOptions } from './backend/types';

export interface TargetSummary {
  kernelRelease: string;
  arch: string;
  runtime: 'kernel' | 'bpf' | 'dyninst';
}

/** Node's `os.arch()` in stap's (uname -m) spelling. */
const STAP_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i386', ppc64: 'powerpc', s390x: 's390', arm: 'arm' };

export function targetSummary(opts: Pick<StapOptions, 'kernelBuildDir' | 'kernelRelease' | 'arch' | 'runtime'>): TargetSummary {
  let kernelRelease = opts.kernelRelease ?? release();
  if (opts.kernelBuildDir) {
    try {
      kernelRelease = readFileSync(join(opts.kernelBuildDir, 'include', 'config', 'kernel.release'), 'utf8').trim() || opts.kernelBuildDir;
    } catch {
      kernelRelease = opts.kernelBuildDir;
    }
  }
  return { kernelRelease, arch: opts.arch ?? STAP_ARCH[nodeArch()] ?? nodeArch(), runtime: opts.runtime ?? 'kernel' };
}

export type StapProbe = { found: true; version: string } | { found: false; message: string };

/** Runs `<stapPath> -V` (no shell, 15 s watchdog) and reports its version line or why it failed. */
export function probeStap(stapPath: string): Promise<StapProbe> {
  return new Promise((resolve) => {
    execFile(stapPath, ['-V'], { timeout: 15_000, windowsHide: true }, (error, stdout, stderr) => {
      const text = `${stderr}\n${stdout}`;
      const m = /Systemtap translator\/driver \(version ([^)]*)\)/.exec(text);
      if (m) return resolve({ found: true, version: m[1] });
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') return resolve({ found: false, message: `${stapPath} was not found (set systemtap.stapPath)` });
      if (code === 'EACCES') return resolve({ found: false, message: `${stapPath} is not executable` });
      const first = text.trim().split('\n')[0] || String(error?.message ?? 'no version line');
      resolve({ found: false, message: `${stapPath} -V did not print stap's version: ${first}` });
    });
  });
}
