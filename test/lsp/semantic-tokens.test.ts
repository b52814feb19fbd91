/**
 * Semantic tokens over the real server (textDocument/semanticTokens/full, decoded with the
 * legend the server announced): each kind at a marker, variables by kind (global, local,
 * parameter, tapset global), tapset and built-in functions as defaultLibrary, probe points,
 * macros, embedded C, and the inactive branch of a `%( %)` (the `inactive` modifier, and the
 * hint diagnostic tagged Unnecessary that faded it in every client).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { TOKEN_MODIFIERS, TOKEN_TYPES } from '../../server/src/ide/semantic-tokens';
import { LspClient, markers } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');

let client: LspClient;
let work: string;
/** The legend the server announces (handlers/semantic-tokens.ts takes it from the ide module). */
const legend = { tokenTypes: [...TOKEN_TYPES] as string[], tokenModifiers: [...TOKEN_MODIFIERS] as string[] };

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-tokens-'));
  client = await LspClient.start({ kernelBuildDir: KBUILD, guruMode: true });
});
after(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Decoded {
  line: number;
  character: number;
  length: number;
  type: string;
  modifiers: string[];
}

function decode(data: number[]): Decoded[] {
  const out: Decoded[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
    const bits = data[i + 4];
    out.push({
      line,
      character,
      length: data[i + 2],
      type: legend.tokenTypes[data[i + 3]],
      modifiers: legend.tokenModifiers.filter((_, k) => bits & (1 << k)),
    });
  }
  return out;
}

describe('semantic tokens', () => {
  test('the legend has the kinds and modifiers the features promise', () => {
    for (const t of ['function', 'variable', 'parameter', 'event', 'macro', 'keyword', 'string', 'number', 'comment', 'embedded']) {
      assert.ok(legend.tokenTypes.includes(t), t);
    }
    for (const m of ['declaration', 'defaultLibrary', 'global', 'local', 'inactive']) assert.ok(legend.tokenModifiers.includes(m), m);
  });

  test('every kind at its marker', async () => {
    const { text, at } = markers(
      [
        '<|comment|># counts reads',
        '<|kwGlobal|>global <|gDecl|>counts',
        '<|kwFunction|>function <|fDecl|>add(<|pDecl|>a, b) { return <|pUse|>a + b }',
        '<|embed|>%{ /* C */ %}',
        '@define <|mDecl|>twice(x) %( @x + @x %)',
        'probe <|pp1|>syscall.<|pp2|>read {',
        '  <|local|>n = <|num|>1 + <|mUse|>@twice(2)',
        '  <|gUse|>counts[<|tapsetFn|>execname()] <<< <|userFn|>add(n, <|target|>$fd)',
        '  <|print|>printf(<|str|>"%d\\n", <|agg|>@count(counts[execname()]))',
        '  <|cond|>%( kernel_v >= "2.6.9" %? println(1) %: <|inactive|>println(2) %)',
        '}',
        '',
      ].join('\n'),
    );
    const uri = client.open(join(work, 'tokens.stp'), text);
    const diags = await client.diagnostics(uri);
    assert.deepEqual(diags.filter((d) => d.severity === 1), [], JSON.stringify(diags));
    const res = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const tokens = decode(res.data);
    const tokenAt = (m: string) => {
      const p = at[m];
      const t = tokens.find((x) => x.line === p.line && x.character === p.character);
      assert.ok(t, `no token at ${m} (${p.line}:${p.character}); tokens: ${JSON.stringify(tokens.filter((x) => x.line === p.line))}`);
      return t;
    };
    const expect: Record<string, [string, string[]]> = {
      comment: ['comment', []],
      kwGlobal: ['keyword', []],
      gDecl: ['variable', ['declaration', 'global']],
      kwFunction: ['keyword', []],
      fDecl: ['function', ['declaration']],
      pDecl: ['parameter', ['declaration']],
      pUse: ['parameter', []],
      embed: ['embedded', []],
      mDecl: ['macro', ['declaration']],
      pp1: ['event', []],
      pp2: ['event', []],
      local: ['variable', ['local']],
      num: ['number', []],
      mUse: ['macro', []],
      gUse: ['variable', ['global']],
      tapsetFn: ['function', ['defaultLibrary']],
      userFn: ['function', []],
      target: ['variable', ['readonly']],
      print: ['function', ['defaultLibrary']],
      str: ['string', []],
      agg: ['function', ['defaultLibrary']],
      cond: ['keyword', []],
      inactive: ['function', ['defaultLibrary', 'inactive']],
    };
    for (const [m, [type, modifiers]] of Object.entries(expect)) {
      const t = tokenAt(m);
      assert.deepEqual({ m, type: t.type, modifiers: t.modifiers }, { m, type, modifiers }, m);
    }
    // Tokens are sorted and do not overlap.
    for (let i = 1; i < tokens.length; i++) {
      const a = tokens[i - 1];
      const b = tokens[i];
      assert.ok(b.line > a.line || b.character >= a.character + a.length, `overlap at ${JSON.stringify([a, b])}`);
    }
    // The inactive branch is also a hint diagnostic tagged Unnecessary (1), over `println(2)`.
    const hint = diags.find((d) => d.code === 'inactive');
    assert.ok(hint, JSON.stringify(diags));
    assert.equal(hint.severity, 4);
    assert.deepEqual((hint as unknown as { tags: number[] }).tags, [1]);
    assert.deepEqual(hint.range.start, at.inactive);
    assert.match(hint.message, /kernel_v >= "2\.6\.9" %\? is true for this target/);
  });

  test('a tapset global (argv) is global and defaultLibrary; a file global of the same name wins; others are locals', async () => {
    const { text, at } = markers('probe begin { <|loc|>zz = 1; println(zz, <|tg|>argv[1]) }\n');
    const uri = client.open(join(work, 'tg.stp'), text);
    await client.diagnostics(uri);
    let tokens = decode((await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } })).data);
    const find = (p: { line: number; character: number }) => tokens.find((t) => t.line === p.line && t.character === p.character);
    assert.deepEqual(find(at.loc)?.modifiers, ['local']);
    assert.deepEqual(find(at.tg)?.modifiers, ['defaultLibrary', 'global']);
    const own = markers('global argv\nprobe begin { println(<|tg|>argv[1]) }\n');
    const uri2 = client.open(join(work, 'tg2.stp'), own.text);
    await client.diagnostics(uri2);
    tokens = decode((await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: uri2 } })).data);
    assert.deepEqual(find(own.at.tg)?.modifiers, ['global']);
  });
});
