/**
 * Worker for test/pass2/robustness.test.ts: runs `stap-ls -p2` in-process (runCli) on each
 * script it is sent and posts back a summary (exit status, the end of stderr, the time taken),
 * so the main thread can bound the time of every script and terminate the worker if one hangs.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { nodeCliIo, runCli } from '../../server/src/cli';
import { stapWiring } from '../../server/src/passes/pass1';

const { kbuild } = workerData as { kbuild: string };
const io = nodeCliIo();
const args = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];

parentPort!.on('message', (msg: { index: number; text: string; options: string[] }) => {
  const started = performance.now();
  try {
    const out = runCli(['-r', kbuild, '-g', '-p2', ...msg.options, '-e', msg.text, ...args], io, stapWiring);
    parentPort!.postMessage({ index: msg.index, status: out.status, stderr: out.stderr.slice(-2000), ms: performance.now() - started });
  } catch (err) {
    parentPort!.postMessage({ index: msg.index, exception: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
