/**
 * The stap sandbox for the local backend tests: reads /var/cache/stap-sandbox/env.sh (written by
 * shared/tools/stap-sandbox/setup.sh; CI runs it) and gives StapOptions for a real BPF run
 * (`runtime: 'bpf'`, the sandbox kbuild dir, the rlimit shim in LD_PRELOAD). Fails, never
 * skips, when the sandbox is not set up. Also: which processes of a run are still alive.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StapOptions } from '../../../client/src/backend/types';

const ENV_FILE = '/var/cache/stap-sandbox/env.sh';

export function sandboxEnv(): Record<string, string> {
  assert.ok(existsSync(ENV_FILE), `${ENV_FILE} is missing: run bash shared/tools/stap-sandbox/setup.sh --with-remote`);
  const env: Record<string, string> = {};
  for (const line of readFileSync(ENV_FILE, 'utf8').split('\n')) {
    const m = /^export (\w+)=(?:"([^"]*)"|(\S*))$/.exec(line.trim());
    if (m) env[m[1]] = m[2] ?? m[3];
  }
  assert.ok(env.STAP_SANDBOX_KBUILD && env.STAP_SANDBOX_PRELOAD, `${ENV_FILE} lacks STAP_SANDBOX_KBUILD/PRELOAD`);
  return env;
}

/** Options with every list empty and every switch off: plain `stap SCRIPT` (tests add what they test). */
export function plainOptions(overrides: Partial<StapOptions> = {}): StapOptions {
  return { stapPath: 'stap', tapsetDirs: [], defines: [], guru: false, extraOptions: [], scriptArguments: [], sudo: false, ...overrides };
}

/** Options for the real /usr/bin/stap with the BPF runtime, the sandbox kbuild dir and the shim. */
export function sandboxOptions(overrides: Partial<StapOptions> = {}): StapOptions {
  const env = sandboxEnv();
  return plainOptions({ runtime: 'bpf', kernelBuildDir: env.STAP_SANDBOX_KBUILD, env: { LD_PRELOAD: env.STAP_SANDBOX_PRELOAD }, ...overrides });
}

const scriptDirs: string[] = [];
process.once('exit', () => {
  for (const d of scriptDirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp dir with the given files written into it (removed when the test process exits); returns the dir. */
export function scriptDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stap-ls-local-'));
  scriptDirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Pids (with their command names) still alive in process group `pgid` or equal to one of `pids`. */
export function aliveProcesses(pgid: number, pids: number[] = []): string[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,pgid=,stat=,comm='], { encoding: 'utf8' });
  const alive: string[] = [];
  for (const line of out.split('\n')) {
    const [pid, group, stat, comm] = line.trim().split(/\s+/);
    if (!pid || stat?.startsWith('Z')) continue;
    if (Number(group) === pgid || pids.includes(Number(pid))) alive.push(`${pid} ${comm}`);
  }
  return alive;
}
