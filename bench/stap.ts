// Benchmark: real `stap -p1` on a one-line script (`probe begin {}`), which makes stap parse its
// tapset library, against a fake kernel build in a temp dir (removed afterwards). Wall time is the
// median of 5 runs; stap's own "Pass 1 ... real ms" is reported too. Also parses exactly the
// library files stap read (from `stap -vvv`) with our grammar, and prints stap/ours ratios.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { createParser } from '../server/src/syntax/parser';
import { readCorpus, warmRow } from './grammar';
import { fmtRatio, makeFakeKbuild, median, which, type BenchContext, type Row, type Section } from './util';

const RUNS = 5;
const SCRIPT = 'probe begin {}\n';

interface StapRun {
  ms: number;
  status: number | null;
  stderr: string;
}

function runStap(args: string[]): StapRun {
  const t0 = performance.now();
  const result = spawnSync('stap', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ms: performance.now() - t0, status: result.status, stderr: result.stderr ?? '' };
}

export async function benchStap(ctx: BenchContext): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  if (!which('stap')) {
    notes.push('stap is not installed (not on PATH): no stap comparison, only our numbers above.');
    return { rows, notes };
  }
  const v = spawnSync('stap', ['-V'], { encoding: 'utf8' });
  const version = `${v.stdout ?? ''}${v.stderr ?? ''}`.split('\n')[0].trim();
  const group = `stap -p1`;

  const kbuild = makeFakeKbuild();
  try {
    const script = join(dirname(kbuild.dir), 'one.stp');
    writeFileSync(script, SCRIPT);
    const base = ['-r', kbuild.dir, '-p1', script];

    // Untimed: which library files does stap read? (Also warms the page cache.)
    const listing = runStap(['-vvv', ...base]);
    if (listing.status !== 0) {
      notes.push(`stap -p1 failed (exit ${listing.status}); no stap comparison:\n${listing.stderr.slice(0, 800)}`);
      return { rows, notes };
    }
    const libraryFiles = [...listing.stderr.matchAll(/Processing tapset "([^"]+)"/g)].map((m) => m[1]);

    const wall: number[] = [];
    const pass1: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = runStap(['-v', ...base]);
      if (run.status !== 0) {
        notes.push(`stap -p1 run ${i + 1} failed (exit ${run.status}):\n${run.stderr.slice(0, 800)}`);
        return { rows, notes };
      }
      wall.push(run.ms);
      const m = /Pass 1: parsed user script and \d+ library scripts .* in \d+usr\/\d+sys\/(\d+)real ms/.exec(run.stderr);
      if (m) pass1.push(Number(m[1]));
    }
    const corpus = libraryFiles.length ? readCorpus(libraryFiles) : undefined;
    // Our grammar on exactly the files stap parsed (stap skips other architectures' tapsets).
    if (corpus) {
      const parser = await createParser();
      rows.push(warmRow(parser, corpus, 'grammar.stapset.warm', `stap's ${corpus.paths.length} library files`));
      parser.delete();
    }
    rows.push({
      id: 'stap.p1.wall',
      benchmark: group,
      case: `'probe begin {}', wall (process)`,
      files: corpus?.paths.length,
      bytes: corpus?.bytes,
      ms: median(wall),
      runs: RUNS,
      note: version.replace(/^Systemtap translator\/driver\s*/, '').replace(/^\((.*)\)$/, '$1'),
    });
    if (pass1.length === RUNS) {
      rows.push({
        id: 'stap.p1.self',
        benchmark: group,
        case: `'probe begin {}', pass 1 as reported by stap -v`,
        files: corpus?.paths.length,
        bytes: corpus?.bytes,
        ms: median(pass1),
        runs: RUNS,
        note: 'ms resolution',
      });
    }

    const find = (id: string) => [...ctx.rows, ...rows].find((r) => r.id === id);
    const ratio = (num: string, den: string, label: string) => {
      const a = find(num);
      const b = find(den);
      if (a && b) notes.push(`${label}: ${fmtRatio(a.ms / b.ms)}`);
    };
    ratio('stap.p1.wall', 'grammar.tapset.warm', 'stap -p1 wall / our full-library parse (warm)');
    ratio('stap.p1.wall', 'grammar.tapset.cold', 'stap -p1 wall / our full-library parse (cold, incl. reading)');
    ratio('stap.p1.wall', 'grammar.stapset.warm', "stap -p1 wall / our parse of stap's file set (warm)");
    ratio('stap.p1.self', 'grammar.stapset.warm', "stap pass-1 self-reported / our parse of stap's file set (warm)");
    notes.push(
      `stap read ${libraryFiles.length} library files (its architecture's subset); wall time includes process ` +
        'start-up and session setup; fake kernel build in a temp dir, removed afterwards',
    );
  } finally {
    kbuild.cleanup();
  }
  return { rows, notes };
}
