/**
 * Bad input never crashes or hangs `stap-ls -p1`: mutants of real scripts (the grammar's
 * mutator) go through the whole pass-1 pipeline (lexer, macros, conditionals, parser, printer)
 * in a worker; the main thread bounds the time per script and terminates a hung worker. Every
 * run must end with exit 0, or exit 1 and stap's pass-1 failure text; never an exception.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Worker } from 'node:worker_threads';

import { generateMutants } from '../grammar/mutate';
import { listFiles } from '../helpers/installed';
import { exampleFiles } from '../helpers/installed';
import { makeFakeKbuild, type FakeKbuild } from '../helpers/stap';

const MUTANTS = Number(process.env.STAP_FUZZ_PASS1_MUTANTS ?? 5000);
const SEED = Number(process.env.STAP_FUZZ_SEED ?? 1234);
/** A script may take this long in pass 1 (the first one also loads the tapset library). */
const PER_SCRIPT_MS = 10_000;

/** How stap's pass 1 fails: its failure line, or one of the fatal messages it prints. */
const STAP_FAILURE = /Pass 1: parse failed\.  \[man error::pass1\]\n|bad lexical cast|Input file '.*' is empty/;

let kbuild: FakeKbuild;
before(() => {
  kbuild = makeFakeKbuild();
});
after(() => kbuild.cleanup());

function corpus(): { name: string; text: string }[] {
  const root = join(__dirname, '..', '..', 'test-fixtures');
  const files = [
    ...exampleFiles().filter((_, i) => i % 4 === 0),
    ...listFiles(join(root, 'parseok'), /\.stp$/),
    ...listFiles(join(root, 'pass1', 'ok'), /\.stp$/),
  ];
  return files.map((f) => ({ name: f, text: readFileSync(f, 'latin1') }));
}

test(`${MUTANTS} mutants through stap-ls -p1: no exception, no hang, stap's failure text`, { timeout: 30 * 60_000 }, async (t) => {
  const mutants = [...generateMutants(corpus(), { count: MUTANTS, seed: SEED })];
  // The worker is TypeScript: register tsx's CommonJS hook in it, then load the file.
  const workerFile = join(__dirname, 'fuzz-worker.ts');
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(workerFile)});`, {
    eval: true,
    workerData: { kbuild: kbuild.dir },
  });
  const problems: string[] = [];
  let failed = 0;
  let slowest = 0;
  try {
    // The worker's first script loads the tapset library (seconds on a busy machine): do that
    // once, untimed, so that the time bound applies to each mutant alone.
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.postMessage({ index: -1, text: 'probe begin { }' });
    });
    for (const mutant of mutants) {
      const started = performance.now();
      const reply = await new Promise<{ status?: number; stderr?: string; exception?: string } | 'hang'>((resolve, reject) => {
        const timer = setTimeout(() => resolve('hang'), PER_SCRIPT_MS);
        worker.once('message', (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        worker.once('error', reject);
        worker.postMessage({ index: mutant.index, text: mutant.text });
      });
      const elapsed = performance.now() - started;
      slowest = Math.max(slowest, elapsed);
      const where = `mutant #${mutant.index} of ${mutant.source} (${mutant.kinds.join('+')})`;
      if (reply === 'hang') {
        problems.push(`${where}: no answer after ${PER_SCRIPT_MS} ms`);
        break; // the worker is stuck; terminate it below
      }
      if (reply.exception) problems.push(`${where}: exception ${reply.exception.split('\n')[0]}`);
      else if (reply.status === 1) {
        failed++;
        if (!STAP_FAILURE.test(reply.stderr ?? '')) problems.push(`${where}: exit 1 without stap's failure text: ${reply.stderr}`);
      } else if (reply.status !== 0) problems.push(`${where}: exit ${reply.status}: ${reply.stderr}`);
      if (problems.length >= 10) break;
    }
  } finally {
    await worker.terminate();
  }
  t.diagnostic(`${mutants.length} mutants, ${failed} rejected with stap's pass-1 failure text; slowest ${slowest.toFixed(0)} ms`);
  assert.deepEqual(problems, []);
});
