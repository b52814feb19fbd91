/**
 * Finds the end-to-end tools (../shared/tools/vscode-e2e: code-server, Debian's chromium,
 * playwright-core, vsce) and the stap sandbox (../shared/tools/stap-sandbox: stap with the BPF
 * runtime shim) through the env.sh files their setup scripts write. When one is missing the
 * tests fail with the set-up command to run; they are never skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');

/** Reads the `export NAME="value"` lines of a generated env.sh. */
export function readEnvFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^export ([A-Z0-9_]+)=(?:"([^"]*)"|(\S*))$/.exec(line.trim());
    if (m) env[m[1]] = m[2] ?? m[3];
  }
  return env;
}

export interface E2eTools {
  home: string;
  chromium: string;
  playwrightCore: string;
  vsce: string;
  startServer: string;
  stopServer: string;
}

const E2E_SETUP = 'bash ../shared/tools/vscode-e2e/setup.sh   (from the repository root; ~4 min the first time)';
const SANDBOX_SETUP = 'bash ../shared/tools/stap-sandbox/setup.sh --with-remote   (as root, from the repository root)';

/** The vscode-e2e tools, from $VSCODE_E2E_HOME/env.sh (default /tmp/vscode-e2e). */
export function e2eTools(): E2eTools {
  const home = process.env.VSCODE_E2E_HOME || '/tmp/vscode-e2e';
  const envFile = join(home, 'env.sh');
  if (!existsSync(envFile)) {
    throw new Error(`the VS Code end-to-end tools are not set up (${envFile} is missing): run ${E2E_SETUP}`);
  }
  const env = { ...readEnvFile(envFile), ...pick(process.env, /^VSCODE_E2E_/) };
  const tools: E2eTools = {
    home,
    chromium: env.VSCODE_E2E_CHROMIUM,
    playwrightCore: env.VSCODE_E2E_PLAYWRIGHT_CORE,
    vsce: env.VSCODE_E2E_VSCE,
    startServer: env.VSCODE_E2E_START,
    stopServer: env.VSCODE_E2E_STOP,
  };
  for (const [name, path] of Object.entries(tools)) {
    if (!path || !existsSync(path)) {
      throw new Error(`the VS Code end-to-end tools are incomplete (${name}: ${path || 'not set'} in ${envFile}): run ${E2E_SETUP}`);
    }
  }
  if (!existsSync(join(home, 'bin', 'code-server'))) {
    throw new Error(`code-server is missing from ${home}/bin: run ${E2E_SETUP}`);
  }
  return tools;
}

export interface Sandbox {
  /** stap with `-r KBUILD --runtime=bpf` and the rlimit shim built in (its pid is stap's pid). */
  stap: string;
  kbuild: string;
  preload: string;
}

/** The stap sandbox, from /var/cache/stap-sandbox/env.sh (or $STAP_SANDBOX_DIR/env.sh). */
export function stapSandbox(): Sandbox {
  const dir = process.env.STAP_SANDBOX_DIR || '/var/cache/stap-sandbox';
  const envFile = join(dir, 'env.sh');
  if (!existsSync(envFile)) {
    throw new Error(`the stap sandbox is not set up (${envFile} is missing): run ${SANDBOX_SETUP}`);
  }
  const env = readEnvFile(envFile);
  const sandbox = { stap: env.STAP_SANDBOX_STAP, kbuild: env.STAP_SANDBOX_KBUILD, preload: env.STAP_SANDBOX_PRELOAD };
  for (const [name, path] of Object.entries(sandbox)) {
    if (!path || !existsSync(path)) {
      throw new Error(`the stap sandbox is incomplete (${name}: ${path || 'not set'} in ${envFile}): run ${SANDBOX_SETUP}`);
    }
  }
  return sandbox;
}

function pick(env: NodeJS.ProcessEnv, re: RegExp): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => re.test(e[0]) && !!e[1]));
}
