// Benchmark: `stap-ls -p1` (the bundled CLI, dist/stap-ls.js, in a fresh node process each run)
// against the real `stap -p1` on the same inputs, measured in the same run: CPU time (user+sys)
// and peak RSS from /usr/bin/time, median of 5 runs, on a one-line script and on the largest
// installed example script. Cold means a new process per run, as a user's shell would start it.
// stap-ls is measured with its persistent library cache filled (the state after its first run
// on a machine; a temporary cache dir) and without it (STAP_LS_CACHE=0: it parses every tapset).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { exampleFiles } from '../test/helpers/installed';
import { makeFakeKbuild, median, which, type BenchContext, type Row, type Section } from './util';

const RUNS = 5;
const root = join(__dirname, '..');
const cli = join(root, 'dist', 'stap-ls.js');

interface Usage {
  cpuMs: number;
  rssKb: number;
  status: number | null;
}

/** Runs `command args` under /usr/bin/time and returns its CPU time and peak RSS. */
function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Usage {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', command, ...args], {
    encoding: 'latin1',
    maxBuffer: 256 * 1024 * 1024,
    env,
  });
  const last = (r.stderr ?? '').trim().split('\n').pop() ?? '';
  const [user, sys, rss] = last.split(' ').map(Number);
  return { cpuMs: (user + sys) * 1000, rssKb: rss, status: r.status };
}

function medianUsage(command: string, args: string[], env?: NodeJS.ProcessEnv): Usage {
  const runs = Array.from({ length: RUNS }, () => measure(command, args, env));
  return {
    cpuMs: median(runs.map((u) => u.cpuMs)),
    rssKb: median(runs.map((u) => u.rssKb)),
    status: runs[0].status,
  };
}

export async function benchPass1(_ctx: BenchContext): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  if (!existsSync(cli)) {
    notes.push('dist/stap-ls.js is missing: run `npm run build` first (pass-1 benchmark skipped).');
    return { rows, notes };
  }
  if (!existsSync('/usr/bin/time')) {
    notes.push('/usr/bin/time is missing (apt-get install time): pass-1 benchmark skipped.');
    return { rows, notes };
  }
  const haveStap = Boolean(which('stap'));
  const kbuild = makeFakeKbuild();
  const work = mkdtempSync(join(tmpdir(), 'stap-ls-bench-'));
  try {
    const oneLine = join(work, 'oneline.stp');
    writeFileSync(oneLine, 'probe begin { println("hello") }\n');
    const largest = exampleFiles()
      .map((f) => [f, statSync(f).size] as const)
      .sort((a, b) => b[1] - a[1])[0]?.[0];
    const cases: Array<[string, string[]]> = [['one-line script', [oneLine]]];
    if (largest) cases.push([`largest example (${largest.split('/').slice(-2).join('/')})`, ['-g', largest]]);
    const cached = { ...process.env, STAP_LS_CACHE: '1', STAP_LS_CACHE_DIR: join(work, 'cache') };
    const uncached = { ...process.env, STAP_LS_CACHE: '0' };
    const rss = (u: Usage) => `peak RSS ${(u.rssKb / 1024).toFixed(0)} MiB, exit ${u.status}`;
    for (const [label, args] of cases) {
      const full = ['-r', kbuild.dir, '-p1', ...args];
      measure(process.execPath, [cli, ...full], cached); // fills the cache
      const ours = medianUsage(process.execPath, [cli, ...full], cached);
      const bare = medianUsage(process.execPath, [cli, ...full], uncached);
      rows.push({ id: `pass1.${label}.ours`, benchmark: 'stap-ls -p1', case: `${label}: CPU, library cache filled`, ms: ours.cpuMs, runs: RUNS, note: rss(ours) });
      rows.push({ id: `pass1.${label}.bare`, benchmark: 'stap-ls -p1', case: `${label}: CPU, no library cache`, ms: bare.cpuMs, runs: RUNS, note: rss(bare) });
      if (haveStap) {
        const stap = medianUsage('stap', full);
        rows.push({ id: `pass1.${label}.stap`, benchmark: 'stap -p1', case: `${label}: CPU`, ms: stap.cpuMs, runs: RUNS, note: rss(stap) });
        notes.push(
          `${label}: stap-ls CPU / stap CPU = ${(ours.cpuMs / stap.cpuMs).toFixed(2)} with the library cache (target <= 0.50), ` +
            `${(bare.cpuMs / stap.cpuMs).toFixed(2)} without; peak RSS ratio ${(ours.rssKb / stap.rssKb).toFixed(2)}`,
        );
      }
    }
    if (!haveStap) notes.push('stap is not installed: only stap-ls figures.');
  } finally {
    rmSync(work, { recursive: true, force: true });
    kbuild.cleanup();
  }
  return { rows, notes };
}
