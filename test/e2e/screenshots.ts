/**
 * The README's screenshots are taken by the end-to-end test: with UPDATE_SCREENSHOTS=1
 * (`UPDATE_SCREENSHOTS=1 npm test -- test/e2e`), the chosen artifacts of the run are copied from
 * test-artifacts/e2e/ into docs/screenshots/, to be reviewed and committed like any golden.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './tools';

export const docsScreenshotsDir = join(repoRoot, 'docs', 'screenshots');

/** Copies `shots` (absolute artifact paths) into docs/screenshots/ when UPDATE_SCREENSHOTS=1; returns the copies. */
export function updateDocsScreenshots(shots: string[]): string[] {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return [];
  mkdirSync(docsScreenshotsDir, { recursive: true });
  return shots.map((shot) => {
    const target = join(docsScreenshotsDir, shot.split('/').pop()!);
    copyFileSync(shot, target);
    return target;
  });
}
