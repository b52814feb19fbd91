/**
 * The language server under a long editing session (issue 5, robustness): 10,000 random edits
 * through `textDocument/didChange` (insertions of fragments of the installed example scripts,
 * deletions, pasted lines, a fresh example now and then), and after each one a hover, a
 * completion and the diagnostics of that version. The server must answer every request (an
 * error response is an answer; a time-out is not), never exit, and its memory must not keep
 * growing: the live heap (after a full collection, `systemtap/memoryUsage`) at the end within
 * {@link HEAP_GROWTH_MIB} of what it was after the warm-up. RSS is reported, not bounded: it
 * follows how V8 sizes its spaces more than what the server keeps.
 * The edits come from a seeded generator (`STAP_LS_FUZZ_SEED` repeats a run; EDITS can be
 * lowered with `STAP_LS_FUZZ_EDITS` for a quick look, never below the 10,000 in CI).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { mulberry32 } from '../grammar/mutate';
import { exampleFiles } from '../helpers/installed';
import { LspClient } from './harness';

const EDITS = Number(process.env.STAP_LS_FUZZ_EDITS ?? 10000);
const SEED = Number(process.env.STAP_LS_FUZZ_SEED ?? 20261126);
const WARM_UP = Math.min(1000, Math.floor(EDITS / 10));
const HEAP_GROWTH_MIB = 32;
const REQUEST_TIMEOUT_MS = 20000;
const MAX_TEXT = 12000;
const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`unanswered: ${what} after ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS)),
  ]);
}

let client: LspClient;
before(async () => {
  client = await LspClient.start({ kernelBuildDir: KBUILD }, { ...process.env, STAP_LS_DIAGNOSTICS_DELAY_MS: '0' });
});
after(async () => {
  await client.stop();
});

/** Position of a UTF-16 offset in `text`. */
function positionAt(text: string, offset: number): { line: number; character: number } {
  const before_ = text.slice(0, offset);
  const line = before_.split('\n').length - 1;
  return { line, character: offset - (before_.lastIndexOf('\n') + 1) };
}

test(`${EDITS} random edits: every request answered, the server alive, memory bounded`, { timeout: 30 * 60 * 1000 }, async () => {
  const corpus = exampleFiles().map((f) => readFileSync(f, 'latin1'));
  assert.ok(corpus.length > 0, 'no installed examples to take fragments from');
  const random = mulberry32(SEED);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const fragment = (): string => {
    const src = pick(corpus);
    const start = Math.floor(random() * src.length);
    return src.slice(start, start + 1 + Math.floor(random() * 80));
  };

  let text = pick(corpus);
  const uri = client.open('/tmp/stap-ls-robustness.stp', text);
  await withTimeout(client.diagnostics(uri, REQUEST_TIMEOUT_MS), 'first diagnostics');
  let warm = { heapUsed: NaN, rss: NaN };
  const memory = () => withTimeout(client.request<{ heapUsed: number; rss: number }>('systemtap/memoryUsage', { gc: true }), 'memoryUsage');
  const errors = new Map<string, number>();
  for (let i = 0; i < EDITS; i++) {
    const r = random();
    let start = Math.floor(random() * (text.length + 1));
    let end = start;
    let insert = '';
    if (text.length > MAX_TEXT || r < 0.02) {
      start = 0;
      end = text.length;
      insert = pick(corpus);
    } else if (r < 0.45) {
      insert = fragment();
    } else if (r < 0.8) {
      end = Math.min(text.length, start + 1 + Math.floor(random() * 50));
    } else if (r < 0.9) {
      const lines = pick(corpus).split('\n');
      const from = Math.floor(random() * lines.length);
      insert = `${lines.slice(from, from + 1 + Math.floor(random() * 6)).join('\n')}\n`;
    } else {
      insert = pick(['{', '}', '(', ')', '%(', '%?', '%:', '%)', '%{', '%}', '"', '@', '$', 'probe ', 'function ', ';', '\n', 'é']);
    }
    const range = { start: positionAt(text, start), end: positionAt(text, end) };
    text = text.slice(0, start) + insert + text.slice(end);
    client.edit(uri, range, insert);
    const at = positionAt(text, Math.floor(random() * (text.length + 1)));
    for (const method of ['textDocument/hover', 'textDocument/completion']) {
      try {
        await withTimeout(client.request(method, { textDocument: { uri }, position: at }), `${method} after edit ${i}`);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (message.startsWith('unanswered')) throw err;
        // An error response is an answer (e.g. a method not offered yet); count them.
        errors.set(method, (errors.get(method) ?? 0) + 1);
      }
    }
    await withTimeout(client.diagnostics(uri, REQUEST_TIMEOUT_MS), `diagnostics after edit ${i}`);
    assert.equal(client.child.exitCode, null, `the server exited after edit ${i}`);
    if (i === WARM_UP) warm = await memory();
  }
  const end = await memory();
  const mib = (n: number) => (n / 1048576).toFixed(0);
  const growth = (end.heapUsed - warm.heapUsed) / 1048576;
  process.stdout.write(
    `# robustness: ${EDITS} edits (seed ${SEED}); live heap after warm-up ${mib(warm.heapUsed)} MiB, at the end ${mib(end.heapUsed)} MiB; ` +
      `RSS ${mib(warm.rss)} → ${mib(end.rss)} MiB; error answers ${JSON.stringify(Object.fromEntries(errors))}\n`,
  );
  assert.ok(growth < HEAP_GROWTH_MIB, `the live heap grew by ${growth.toFixed(0)} MiB after the warm-up (bound ${HEAP_GROWTH_MIB})`);
  // The server reported no internal error while it went on.
  assert.deepEqual(client.stderr.filter((l) => /internal error|Error: /.test(l)), []);
});
