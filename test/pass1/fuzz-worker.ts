/**
 * Worker for test/pass1/robustness.test.ts: runs `stap-ls -p1` in-process (runCli) on each
 * mutant it is sent and posts back a summary, so the main thread can time every script and
 * terminate the worker if one hangs.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { nodeCliIo, runCli } from '../../server/src/cli';
import { stapWiring } from '../../server/src/passes/pass1';

const { kbuild } = workerData as { kbuild: string };
const io = nodeCliIo();
const args = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];

parentPort!.on('message', (msg: { index: number; text: string }) => {
  try {
    const out = runCli(['-r', kbuild, '-g', '-p1', '-e', msg.text, ...args], io, stapWiring);
    parentPort!.postMessage({ index: msg.index, status: out.status, stderr: out.stderr.slice(-2000) });
  } catch (err) {
    parentPort!.postMessage({ index: msg.index, exception: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
