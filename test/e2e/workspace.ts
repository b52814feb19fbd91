/**
 * The workspace the end-to-end tests open: a copy of test-fixtures/e2e in a fresh temp folder,
 * with a `.vscode/settings.json` pointing the extension at the stap sandbox (stap with the BPF
 * runtime shim, its kernel build dir, `--runtime=bpf`), so that analysis and real runs use it.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoRoot, type Sandbox } from './tools';

export interface TestWorkspace {
  /** Absolute path of the folder VS Code opens. */
  dir: string;
  /** The settings written into its .vscode/settings.json. */
  settings: Record<string, unknown>;
  remove(): void;
}

export function makeWorkspace(sandbox: Sandbox): TestWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'stap-ls-e2e-'));
  // The folder name shows in the Explorer and in screenshots.
  const dir = join(root, 'systemtap-scripts');
  cpSync(join(repoRoot, 'test-fixtures', 'e2e'), dir, { recursive: true });
  const settings = {
    'systemtap.stapPath': sandbox.stap,
    'systemtap.runtime': 'bpf',
    'systemtap.kernelBuildDir': sandbox.kbuild,
  };
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  return { dir, settings, remove: () => rmSync(root, { recursive: true, force: true }) };
}
