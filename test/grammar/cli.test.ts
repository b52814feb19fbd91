/**
 * Runs the tree-sitter CLI (0.22.6, ../shared/tools/tree-sitter) on the grammar: `generate`
 * must reproduce the committed src/ exactly, and `tree-sitter test` (corpus and highlight
 * tests) must pass with at least 200 corpus cases.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const root = join(__dirname, '..', '..');
const grammarDir = join(root, 'grammar');
const cli = join(root, '..', 'shared', 'tools', 'tree-sitter');

function runCli(args: string[], cwd: string) {
  assert.ok(existsSync(cli), `the tree-sitter CLI wrapper is missing at ${cli}`);
  const result = spawnSync('bash', [cli, ...args], { cwd, encoding: 'utf8', timeout: 600_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Counts corpus cases: each case starts with a `===` line, its name, and another `===` line. */
export function countCorpusCases(text: string): number {
  const lines = text.split('\n');
  let cases = 0;
  for (let i = 0; i + 2 < lines.length; i++) {
    if (/^={3,}/.test(lines[i]) && /^={3,}/.test(lines[i + 2]) && lines[i + 1].trim() !== '') {
      cases++;
      i += 2;
    }
  }
  return cases;
}

describe('tree-sitter CLI', () => {
  test('generate reproduces the committed src/', () => {
    const work = mkdtempSync(join(tmpdir(), 'stap-ls-generate-'));
    try {
      mkdirSync(join(work, 'src'));
      cpSync(join(grammarDir, 'grammar.js'), join(work, 'grammar.js'));
      cpSync(join(grammarDir, 'tree-sitter.json'), join(work, 'tree-sitter.json'));
      cpSync(join(grammarDir, 'src', 'scanner.c'), join(work, 'src', 'scanner.c'));
      const { status, output } = runCli(['generate'], work);
      assert.equal(status, 0, output);
      for (const file of ['parser.c', 'grammar.json', 'node-types.json', 'tree_sitter/parser.h']) {
        const fresh = readFileSync(join(work, 'src', file), 'utf8');
        const committed = readFileSync(join(grammarDir, 'src', file), 'utf8');
        assert.ok(fresh === committed, `src/${file} differs from \`tree-sitter generate\`: run npm run build:grammar`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('tree-sitter test passes with at least 200 corpus cases', (t) => {
    const corpusDir = join(grammarDir, 'test', 'corpus');
    const files = readdirSync(corpusDir).filter((f) => f.endsWith('.txt'));
    const cases = files.reduce((n, f) => n + countCorpusCases(readFileSync(join(corpusDir, f), 'utf8')), 0);
    t.diagnostic(`${cases} corpus cases in ${files.length} files`);
    assert.ok(cases >= 200, `only ${cases} corpus cases`);
    const { status, output } = runCli(['test'], grammarDir);
    assert.equal(status, 0, output.slice(-4000));
    // CLI 0.22.6 exits 0 when an `:error` case fails; it marks every failure with ✗.
    const failed = output.split('\n').filter((line) => line.includes('✗'));
    assert.deepEqual(failed, [], 'failing corpus or highlight cases');
    assert.match(output, /syntax highlighting:/, 'the highlight tests did not run');
  });

  test('the corpus counter counts cases and ignores underline-only lines', () => {
    const text = '===\na\n===\nx\n---\n(y)\n\n===\nb\n===\nz\n---\n(w)\n';
    assert.equal(countCorpusCases(text), 2);
    assert.equal(countCorpusCases('===\n\n===\n'), 0);
  });
});
