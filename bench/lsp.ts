// Benchmark: the language server as an editor uses it, over stdio (test/lsp/harness.ts), from an
// install of the current sources (test/helpers/install-cli.ts).
//
// 1. Cold start to the first diagnostics of a small script: spawn → initialize → didOpen →
//    publishDiagnostics, with the persistent library cache filled (the usual case) and without.
// 2. Memory (the server's RSS) after the first diagnostics, and after a 2,000-line script.
// 3. On the 2,000-line script (bench/gen-large-script.ts): p50/p99 latency of hover,
//    definition and completion at positions spread over it, and of diagnostics after an edit
//    (didChange → publishDiagnostics of that version, the debounce set to 0 so that the
//    analysis itself is timed; the server waits DIAGNOSTICS_DELAY_MS more while typing).
// Targets from the issue: hover/definition p99 ≤ 5 ms, completion p99 ≤ 20 ms, diagnostics
// ≤ 30 ms after an edit, cold start ≤ 1 s, ≤ 150 MiB. Prints figures; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { installCli } from '../test/helpers/install-cli';
import { LspClient } from '../test/lsp/harness';
import { largeScript } from './gen-large-script';
import { makeFakeKbuild, median, type BenchContext, type Row, type Section } from './util';

const COLD_RUNS = Number(process.env.STAP_BENCH_RUNS ?? 5);
const EDITS = 40;
const QUERIES = 200;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export async function benchLsp(_ctx: BenchContext): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'stap-ls-bench-lsp-'));
  const kbuild = makeFakeKbuild();
  try {
    const { command } = await installCli(join(work, 'install'));
    const settings = { kernelBuildDir: kbuild.dir };
    const cached = { ...process.env, STAP_LS_CACHE: '1', STAP_LS_CACHE_DIR: join(work, 'cache'), STAP_LS_DIAGNOSTICS_DELAY_MS: '0' };
    const uncached = { ...process.env, STAP_LS_CACHE: '0', STAP_LS_DIAGNOSTICS_DELAY_MS: '0' };
    const small = 'probe begin { printf("%s %d\\n", execname(), pid()); exit() }\n';

    // 1. Cold start.
    const cold = async (env: NodeJS.ProcessEnv) => {
      const t0 = performance.now();
      const client = await LspClient.start(settings, env, command);
      const uri = client.open(join(work, 'small.stp'), small);
      await client.diagnostics(uri, 120000);
      const ms = performance.now() - t0;
      const rss = client.rssKb();
      await client.stop();
      return { ms, rss };
    };
    await cold(cached); // fills the cache
    for (const [label, env] of [['library cache filled', cached], ['no cache (first start on a machine)', uncached]] as const) {
      const runs = [];
      for (let i = 0; i < COLD_RUNS; i++) runs.push(await cold(env));
      const ms = median(runs.map((r) => r.ms));
      const rss = median(runs.map((r) => r.rss));
      rows.push({ id: `lsp.cold.${label}`, benchmark: 'stap-ls --stdio', case: `start to first diagnostics, ${label}`, ms, runs: COLD_RUNS, note: `RSS then ${(rss / 1024).toFixed(0)} MiB` });
      notes.push(`cold start to first diagnostics (${label}): ${ms.toFixed(0)} ms wall (target <= 1000 ms); RSS ${(rss / 1024).toFixed(0)} MiB (target <= 150)`);
    }

    // 2-3. The 2,000-line script.
    const client = await LspClient.start(settings, cached, command);
    try {
      const text = largeScript();
      const lines = text.split('\n');
      const uri = client.open(join(work, 'large.stp'), text);
      await client.diagnostics(uri, 120000);
      const diagMs: number[] = [];
      for (let i = 0; i < EDITS; i++) {
        // Change the string literal of a sprintf in the middle: the script stays valid.
        const line = lines.findIndex((l, n) => n > lines.length / 2 && l.includes('sprintf("%s-%d"'));
        const col = lines[line].indexOf('%s-%d') + 3;
        const t0 = performance.now();
        client.edit(uri, { start: { line, character: col }, end: { line, character: col + 1 } }, String.fromCharCode(97 + (i % 26)));
        await client.diagnostics(uri, 60000);
        if (i >= 5) diagMs.push(performance.now() - t0); // the first edits warm the JIT up
      }
      rows.push({ id: 'lsp.diagnostics-after-edit', benchmark: 'stap-ls --stdio', case: '2,000-line script: diagnostics after an edit, p50', ms: percentile(diagMs, 50), runs: diagMs.length, note: `p99 ${percentile(diagMs, 99).toFixed(1)} ms (debounce excluded)` });
      notes.push(`diagnostics after an edit, 2,000 lines: p50 ${percentile(diagMs, 50).toFixed(1)} ms, p99 ${percentile(diagMs, 99).toFixed(1)} ms (target <= 30 ms; the server also waits 150 ms of quiet while typing)`);
      const rss = client.rssKb();
      notes.push(`memory with the 2,000-line script open: ${(rss / 1024).toFixed(0)} MiB RSS (target <= 150)`);
      rows.push({ id: 'lsp.rss-large', benchmark: 'stap-ls --stdio', case: 'RSS with the 2,000-line script open (MiB, not ms)', ms: rss / 1024, runs: 1 });

      // Positions on identifiers spread over the script.
      const positions: { line: number; character: number }[] = [];
      for (let i = 0; i < QUERIES; i++) {
        const line = Math.floor(((i + 0.5) / QUERIES) * (lines.length - 2));
        const m = /[A-Za-z_]\w*/.exec(lines[line].slice(2));
        positions.push({ line, character: m ? m.index + 3 : 0 });
      }
      for (const [method, label, target] of [
        ['textDocument/hover', 'hover', 5],
        ['textDocument/definition', 'definition', 5],
        ['textDocument/completion', 'completion', 20],
      ] as const) {
        const times: number[] = [];
        let failed = 0;
        for (const position of positions) {
          const t0 = performance.now();
          try {
            await client.request(method, { textDocument: { uri }, position });
          } catch {
            failed++;
          }
          times.push(performance.now() - t0);
        }
        if (failed === positions.length) {
          notes.push(`${label}: not answered by the server (${failed} errors): not implemented yet`);
          continue;
        }
        rows.push({ id: `lsp.${label}`, benchmark: 'stap-ls --stdio', case: `2,000-line script: ${label}, p50`, ms: percentile(times, 50), runs: times.length, note: `p99 ${percentile(times, 99).toFixed(2)} ms${failed ? `, ${failed} errors` : ''}` });
        notes.push(`${label}, 2,000 lines: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (target p99 <= ${target} ms)`);
      }
    } finally {
      await client.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    kbuild.cleanup();
  }
  return { rows, notes };
}
