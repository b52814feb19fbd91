/**
 * Folding ranges over the real server (textDocument/foldingRange): probe and function bodies,
 * blocks, `%{ %}`, `%( %)` conditionals and their branches, `@define` bodies, comment blocks;
 * plus the pure ide/folding.ts on an unterminated document (it must still answer).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { foldingRanges } from '../../server/src/ide/folding';
import { createParser } from '../../server/src/syntax/parser';
import { LspClient, markers } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');

interface Fold {
  startLine: number;
  endLine: number;
  kind?: string;
}

let client: LspClient;
let work: string;
before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-folding-'));
  client = await LspClient.start({ kernelBuildDir: KBUILD });
});
after(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('folding ranges', () => {
  test('bodies, blocks, embedded C, conditionals and their branches, macros, comments', async () => {
    const { text, at } = markers(
      [
        '<|c1|># a comment block',
        '# of three',
        '<|c1end|># lines',
        'global g',
        '<|fn|>function f(x) {',
        '  <|if|>if (x) {',
        '    g++',
        '  <|ifend|>}',
        '<|fnend|>}',
        '<|probe|>probe begin {',
        '  <|cond|>%( kernel_v >= "2.6" %?',
        '    println(1)',
        '    println(2)',
        '  <|then|>%:',
        '    println(3)',
        '    println(4)',
        '  <|condend|>%)',
        '<|probeend|>}',
        '<|embed|>%{',
        '#include <linux/sched.h>',
        '<|embedend|>%}',
        '<|mc|>/* a',
        '<|mcend|>   b */',
        '<|define|>@define twice(a) %(',
        '  @a + @a',
        '<|defineend|>%)',
        'probe end { println(1) }',
        '',
      ].join('\n'),
    );
    const uri = client.open(join(work, 'fold.stp'), text);
    const folds = await client.request<Fold[]>('textDocument/foldingRange', { textDocument: { uri } });
    const line = (m: string) => at[m].line;
    const want: Fold[] = [
      { startLine: line('c1'), endLine: line('c1end'), kind: 'comment' },
      // The closer stays visible: the fold ends on the line before it.
      { startLine: line('fn'), endLine: line('fnend') - 1 },
      { startLine: line('if'), endLine: line('ifend') - 1 },
      { startLine: line('probe'), endLine: line('probeend') - 1 },
      { startLine: line('cond'), endLine: line('condend') - 1 },
      // The %: branch: from the %: line (where it starts) to before %).
      { startLine: line('then'), endLine: line('condend') - 1 },
      { startLine: line('embed'), endLine: line('embedend') - 1 },
      { startLine: line('mc'), endLine: line('mcend'), kind: 'comment' },
      { startLine: line('define'), endLine: line('defineend') - 1 },
    ];
    assert.deepEqual(folds, want);
  });

  test('a one-line construct does not fold; a broken document still gets folds', async () => {
    const parser = await createParser();
    const text = 'probe begin { x = 1 }\nprobe end {\n  x = = 1\n  if (x) {\n    println( }\n}\n';
    const folds = foldingRanges(parser.parse(text)!.rootNode, text);
    assert.ok(folds.every((f) => f.startLine !== 0), JSON.stringify(folds));
    assert.ok(folds.some((f) => f.startLine === 1), JSON.stringify(folds));
  });
});
