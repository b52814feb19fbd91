/**
 * `npm run package` for the tests that need the packaged extension (test/packaging.test.ts,
 * test/e2e): one at a time. Test files run in parallel, and two packagings rewrite dist/ and
 * dist-vsix/stap-ls-VERSION.vsix under each other (seen in CI: the .vsix gone between vsce's
 * write and the other run's stat). A lock directory holding the owner's pid serialises them; a
 * lock whose owner is gone is taken over.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const LOCK = join(ROOT, 'dist-vsix', '.package-lock');

function ownerAlive(): boolean {
  try {
    process.kill(Number(readFileSync(join(LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `npm run -s package` in the repository once no other test process is packaging. */
export function npmRunPackage(): SpawnSyncReturns<string> {
  mkdirSync(join(ROOT, 'dist-vsix'), { recursive: true });
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      if (waited > 1000 && !ownerAlive()) rmSync(LOCK, { recursive: true, force: true });
      else sleep(200);
    }
  }
  try {
    return spawnSync('npm', ['run', '-s', 'package'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
