/**
 * textDocument/hover through the real server (test/lsp/harness.ts), at markers: a local, a
 * global array, a stats array, a user function (declaration and call), a tapset function's
 * documentation read from the installed tapset (execname), a syscall alias's chain and the
 * variables it defines, a user macro's and a .stpm macro's definition, a local the optimiser
 * removed (from the -u twin), and nothing on a comment.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { LspClient, markers } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');
const TAPSETS = '/usr/share/systemtap/tapset';

interface Hover {
  contents: { kind: string; value: string };
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

let client: LspClient;
let work: string;
let uri: string;
let at: Record<string, { line: number; character: number }>;

const SCRIPT = `# hover fixture
global <|counts|>counts, lat
@define twice(x) %( (@x * 2) %)
function <|fmt|>fmt(<|x|>x, s) { return sprintf("%d %s", x, s) }
probe <|sys|>syscall.read {
  counts[<|execname|>execname(), pid()]++
  lat[execname()] <<< 1
  <|y|>y = <|fmtcall|>fmt(1, "a") // <|comment|>a comment
  println(y, <|twice|>@twice(3), <|chooser|>@choose_defined($fd, 1), <|fd|>fd)
  <|dead|>dead = 5
}
probe end { println(@count(<|lat|>lat["x"])) }
`;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-hover-'));
  client = await LspClient.start({ kernelBuildDir: KBUILD });
  const m = markers(SCRIPT);
  at = m.at;
  uri = client.open(join(work, 'hover.stp'), m.text);
  assert.deepEqual(
    (await client.diagnostics(uri)).filter((d) => d.severity === 1),
    [],
  );
});
after(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

async function hoverAt(name: string): Promise<Hover | null> {
  return client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at[name] });
}

/** The first code block of a hover. */
function code(h: Hover | null): string {
  assert.ok(h, 'no hover');
  assert.equal(h.contents.kind, 'markdown');
  const m = /```stap\n([\s\S]*?)\n```/.exec(h.contents.value);
  assert.ok(m, h.contents.value);
  return m[1];
}

describe('hover', () => {
  test('a local: its inferred type, with the range of its token', async () => {
    const h = await hoverAt('y');
    assert.equal(code(h), 'y: string');
    assert.match(h!.contents.value, /local of probe/);
    assert.deepEqual(h!.range, { start: at.y, end: { line: at.y.line, character: at.y.character + 1 } });
  });

  test('a global array and a stats array: value type and index types', async () => {
    assert.equal(code(await hoverAt('counts')), 'counts: long [string, long]');
    assert.equal(code(await hoverAt('lat')), 'lat: stats [string]');
  });

  test('a function, at its declaration, its parameter and a call', async () => {
    assert.equal(code(await hoverAt('fmt')), 'fmt: (x: long, s: string) -> string');
    assert.equal(code(await hoverAt('fmtcall')), 'fmt: (x: long, s: string) -> string');
    const x = await hoverAt('x');
    assert.equal(code(x), 'x: long');
    assert.match(x!.contents.value, /parameter of `fmt`/);
  });

  test("a tapset function: its type and its documentation comment from the installed tapset", async () => {
    const h = await hoverAt('execname');
    assert.equal(code(h), 'execname: () -> string');
    // The summary line of the kernel-doc block above `function execname` in the installed file.
    const context = readFileSync(join(TAPSETS, 'linux', 'context.stp'), 'latin1');
    const summary = /\* sfunction execname - (.*)/.exec(context)?.[1];
    assert.ok(summary);
    assert.ok(h!.contents.value.includes(summary.trim()), h!.contents.value);
    assert.match(h!.contents.value, /context\.stp:\d+/);
  });

  test('a syscall alias: the alias chain down to the resolved point, and the variables it defines with types', async () => {
    const h = await hoverAt('sys');
    const chain = code(h).split('\n');
    assert.match(chain[0], /^syscall\.read = dw_syscall\.read ?!, nd_syscall\.read$/);
    assert.ok(chain.some((l) => /^→ kernel\.function\("sys_read"\)\.call/.test(l)), chain.join('\n'));
    const vars = /\*\*Variables\*\*[^`]*```stap\n([\s\S]*?)\n```/.exec(h!.contents.value)?.[1].split('\n') ?? [];
    for (const v of ['name: string', 'fd: long', 'buf_uaddr: long', 'count: long', 'argstr: string']) assert.ok(vars.includes(v), `${v} in ${vars.join(', ')}`);
    // A variable of the alias used in the body is a local of the probe.
    assert.equal(code(await hoverAt('fd')), 'fd: long');
  });

  test("macros: a user @define's body and argument; a .stpm macro's definition", async () => {
    const t = await hoverAt('twice');
    assert.equal(code(t), '@define twice(x) %(\n  (@x * 2)\n%)');
    assert.match(t!.contents.value, /`@x` = `3`/);
    const c = await hoverAt('chooser');
    assert.match(code(c), /^@define choose_defined\(value_if_defined, alternate\) %\(/);
    assert.match(c!.contents.value, /`@value_if_defined` = `\$fd`/);
    assert.match(c!.contents.value, /choose_defined\.stpm:\d+/);
  });

  test('a local the optimiser removed still has its type (from the unoptimised run)', async () => {
    assert.equal(code(await hoverAt('dead')), 'dead: long');
  });

  test('nothing on a comment', async () => {
    assert.equal(await hoverAt('comment'), null);
  });
});
