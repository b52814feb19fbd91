// Benchmark driver (`npm run bench`): runs each benchmark module in order, in one process, and
// prints one table plus each module's notes. To add a benchmark, write a module exporting an
// async function (ctx: BenchContext) => Promise<Section> and list it in BENCHMARKS; later
// benchmarks can compare against earlier rows through ctx.rows. Benchmarks never assert timings.
// `npm run bench -- NAME…` runs only the named ones.
import { cpus } from 'node:os';

import { benchExtension } from './extension';
import { benchGrammar } from './grammar';
import { benchLsp } from './lsp';
import { benchPass1 } from './pass1';
import { benchPass2 } from './pass2';
import { benchStap } from './stap';
import { renderRows, type BenchContext, type Section } from './util';

const BENCHMARKS: Array<{ name: string; run: (ctx: BenchContext) => Promise<Section> }> = [
  { name: 'grammar', run: benchGrammar },
  { name: 'stap', run: benchStap },
  { name: 'pass1', run: benchPass1 },
  { name: 'pass2', run: benchPass2 },
  { name: 'lsp', run: benchLsp },
  { name: 'extension', run: benchExtension },
];

async function main(): Promise<void> {
  const ctx: BenchContext = { rows: [] };
  const notes: string[] = [];
  const started = performance.now();
  // `npm run bench -- pass2` runs only the benchmarks named on the command line.
  const only = process.argv.slice(2);
  for (const bench of BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name))) {
    process.stderr.write(`running ${bench.name}...\n`);
    const section = await bench.run(ctx);
    ctx.rows.push(...section.rows);
    notes.push(...section.notes);
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`stap-ls benchmarks: node ${process.version}, ${cpus().length} x ${cpu}`);
  console.log('');
  console.log(renderRows(ctx.rows));
  if (notes.length) {
    console.log('');
    for (const note of notes) console.log(`- ${note}`);
  }
  console.log('');
  console.log(`total bench time ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
