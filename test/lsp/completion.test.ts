/**
 * Completion over stdio (test/lsp/harness.ts), at each kind of position: probe-point components
 * (built-in families, tapset aliases, arguments as snippets), the variables an alias provides
 * inside its probe's body, locals, globals, user and tapset functions (resolved with signature
 * and docs), `@` operators and macros, `$` groups and keywords; inside comments and strings
 * nothing. Most cases are typed on a line that does not parse, after a version that did.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { LspClient, markers } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');

interface Item {
  label: string;
  kind?: number;
  detail?: string;
  documentation?: { kind: string; value: string };
  textEdit?: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
  insertTextFormat?: number;
  data?: unknown;
}

let client: LspClient;
let work: string;
let n = 0;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-completion-'));
  client = await LspClient.start({ kernelBuildDir: KBUILD });
});
after(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

/**
 * Opens `good` (and waits for its analysis), then, when `typed` is given, changes the text to it
 * without waiting (the line being typed) and asks for completion at its `<|c|>` marker.
 */
async function completeAt(good: string, typed?: string): Promise<{ items: Item[]; at: { line: number; character: number } }> {
  const first = markers(good);
  const uri = client.open(join(work, `c${n++}.stp`), first.text);
  await client.diagnostics(uri);
  let { at, text } = first;
  if (typed !== undefined) {
    ({ at, text } = markers(typed));
    client.change(uri, text);
  }
  const list = await client.request<{ items: Item[] } | null>('textDocument/completion', { textDocument: { uri }, position: at.c });
  return { items: list?.items ?? [], at: at.c };
}

const labels = (items: Item[]) => items.map((i) => i.label);

describe('completion: probe points', () => {
  test('after `probe syscall.` the syscall aliases, each naming its alias', async () => {
    const { items } = await completeAt('probe begin {}\n', 'probe begin {}\nprobe syscall.<|c|>\n');
    const open = items.find((i) => i.label === 'open');
    assert.ok(open, labels(items).slice(0, 20).join(' '));
    assert.match(open.detail ?? '', /^alias syscall\.open /);
    for (const l of ['read', 'write', 'close', 'execve']) assert.ok(labels(items).includes(l), l);
    assert.ok(!labels(items).includes('function('));
  });

  test('after `probe kernel.` the components of the family, arguments as snippets', async () => {
    const { items, at } = await completeAt('probe begin {}\n', 'probe begin {}\nprobe kernel.<|c|>');
    const fn = items.find((i) => i.label === 'function(');
    assert.ok(fn, labels(items).join(' '));
    assert.equal(fn.textEdit?.newText, 'function("$1")');
    assert.equal(fn.insertTextFormat, 2);
    assert.deepEqual(fn.textEdit?.range, { start: at, end: at });
    assert.ok(labels(items).includes('trace('));
    assert.ok(labels(items).includes('statement(N)'));
    assert.ok(!labels(items).includes('open'));
  });

  test('the first component: families and alias roots; a prefix replaces the word', async () => {
    const { items } = await completeAt('probe <|c|>');
    for (const l of ['begin', 'end', 'kernel', 'syscall', 'timer', 'process', 'process(', 'nd_syscall']) assert.ok(labels(items).includes(l), l);
    const typed = await completeAt('probe begin {}\n', 'probe begin {}\nprobe ti<|c|>');
    assert.ok(labels(typed.items).includes('timer'));
    assert.ok(labels(typed.items).every((l) => l.startsWith('t')), labels(typed.items).join(' '));
    assert.deepEqual(typed.items[0].textEdit?.range.start, { line: 1, character: 6 });
  });

  test('after a component with an argument, its suffixes; after a whole point, nothing', async () => {
    const { items } = await completeAt('probe begin {}\n', 'probe begin {}\nprobe kernel.function("vfs_read").<|c|>');
    for (const l of ['return', 'call', 'inline', 'exported']) assert.ok(labels(items).includes(l), l);
    const timer = await completeAt('probe begin {}\n', 'probe begin {}\nprobe timer.<|c|>');
    for (const l of ['ms(', 's(', 'profile', 'jiffies(']) assert.ok(labels(timer.items).includes(l), l);
    const done = await completeAt('probe begin <|c|>{}\n');
    assert.deepEqual(done.items, []);
  });

  test('alias names resolve with their documentation', async () => {
    const { items } = await completeAt('probe begin {}\n', 'probe begin {}\nprobe vm.<|c|>');
    const pf = items.find((i) => i.label === 'pagefault');
    assert.ok(pf?.data, labels(items).join(' '));
    const r = await client.request<Item>('completionItem/resolve', pf);
    assert.match(r.documentation?.value ?? '', /page fault/i);
  });
});

describe('completion: probe bodies and functions', () => {
  test('inside a probe body of an alias: the variables it provides, with types and doc lines', async () => {
    const good = 'probe syscall.open { printf("%s\\n", argstr) }\n';
    const { items } = await completeAt(good, 'probe syscall.open { printf("%s\\n", argstr)\n  x = <|c|>\n');
    for (const v of ['name', 'filename', 'flags', 'mode', 'argstr']) assert.ok(items.some((i) => i.label === v && i.kind === 5), v);
    const name = items.find((i) => i.label === 'name')!;
    assert.match(name.detail ?? '', /^name: string/);
    const typed = await completeAt(good, 'probe syscall.open { printf("%s\\n", argstr); y = fla<|c|>');
    assert.deepEqual(labels(typed.items).filter((l) => l.startsWith('fla')), ['flags', 'flags_str']);
    // The alias's kernel-doc `@address:` line documents the variable.
    const vm = await completeAt('probe begin {}\n', 'probe begin {}\nprobe vm.pagefault { println(addr<|c|>');
    const address = vm.items.find((i) => i.label === 'address');
    assert.match(address?.documentation?.value ?? '', /faulting memory access/);
  });

  test('a .return point gets the alias suffix: retval and retstr', async () => {
    const { items } = await completeAt('probe begin {}\n', 'probe begin {}\nprobe syscall.read.return { r<|c|>');
    assert.ok(labels(items).includes('retval'), labels(items).join(' '));
    assert.ok(labels(items).includes('retstr'));
    assert.ok(!labels(items).includes('argstr'));
  });

  test('locals, parameters, globals and user functions with their inferred types', async () => {
    const src = 'global counts\nfunction helper:long (a, b:string) { return a + strlen(b) }\nprobe begin { total = helper(1, "x"); counts[total] <<< 1 }\nprobe end { <|c|> }\n';
    const good = src.replace('<|c|>', '');
    const { items } = await completeAt(good, src.replace('<|c|>', 'x = <|c|>'));
    const counts = items.find((i) => i.label === 'counts');
    assert.equal(counts?.detail, 'global counts: stats [long]');
    const helper = items.find((i) => i.label === 'helper');
    assert.equal(helper?.detail, 'helper: (a: long, b: string) -> long');
    assert.ok(!labels(items).includes('total'), 'a local of another probe is not offered');
    const inProbe = await completeAt(good, src.replace('<|c|> }', '}').replace('<<< 1 }', '<<< 1; t<|c|>'));
    const total = inProbe.items.find((i) => i.label === 'total');
    assert.equal(total?.detail, 'total: long (local)');
    const inFn = await completeAt(good, good.replace('return a + strlen(b)', 'return <|c|>'));
    assert.equal(inFn.items.find((i) => i.label === 'b')?.detail, 'b: string (parameter)');
  });

  test('tapset functions, resolved with their signature and documentation; the print family', async () => {
    const { items } = await completeAt('probe begin {}\n', 'probe begin { exec<|c|>\n');
    const ex = items.find((i) => i.label === 'execname');
    assert.ok(ex, labels(items).join(' '));
    const r = await client.request<Item>('completionItem/resolve', ex);
    assert.equal(r.detail, 'execname: () -> string');
    assert.match(r.documentation?.value ?? '', /execname of a target process/);
    const pr = await completeAt('probe begin {}\n', 'probe begin { prin<|c|>');
    for (const l of ['printf', 'println', 'print', 'printd', 'printdln']) assert.ok(labels(pr.items).includes(l), l);
    assert.ok(!labels(pr.items).some((l) => l.startsWith('_')), 'internal names need a leading _');
  });

  test('@ operators and macros (tapset .stpm and this file), `$` groups, keywords', async () => {
    const src = '@define twice(x) %( (@x * 2) %)\nprobe begin { println(1) }\n';
    const { items, at } = await completeAt(src, src.replace('println(1)', 'y = @<|c|>'));
    for (const l of ['@cast', '@defined', '@entry', '@count', '@hist_log', '@choose_defined', '@twice']) assert.ok(labels(items).includes(l), l);
    assert.equal(items.find((i) => i.label === '@twice')?.detail, '@twice(x)');
    assert.deepEqual(items[0].textEdit?.range, { start: { line: at.line, character: at.character - 1 }, end: at });
    const dollar = await completeAt('probe begin {}\n', 'probe kernel.function("vfs_read") { println($<|c|>');
    assert.ok(labels(dollar.items).includes('$$parms'));
    const kw = await completeAt('probe begin {}\n', 'probe begin { fore<|c|>');
    assert.ok(labels(kw.items).includes('foreach'));
    const top = await completeAt('probe begin {}\n', 'probe begin {}\npro<|c|>');
    assert.deepEqual(labels(top.items), ['probe']);
    const pp = await completeAt('probe begin {}\n', 'probe begin {}\n%( ker<|c|>');
    assert.deepEqual(labels(pp.items), ['kernel_v', 'kernel_vr']);
  });

  test('nothing inside comments and strings', async () => {
    const { items } = await completeAt('probe begin {}\n', 'probe begin {\n  # exec<|c|>\n}\n');
    assert.deepEqual(items, []);
    const s = await completeAt('probe begin {}\n', 'probe begin { println("exec<|c|>") }\n');
    assert.deepEqual(s.items, []);
  });
});
