/**
 * Signature help over stdio (test/lsp/harness.ts): the print family with printf's parameters
 * read from its format string (one per conversion, `*` widths, stap's format errors, extra and
 * mistyped arguments), tapset functions with their docs, user functions typed by pass 2, `@`
 * operators and macros; on lines being typed, after a version that parsed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { LspClient, markers } from './harness';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');

interface Sig {
  label: string;
  documentation?: { kind: string; value: string };
  parameters: { label: string | [number, number]; documentation?: { value: string } }[];
}
interface Help {
  signatures: Sig[];
  activeSignature: number;
  activeParameter: number;
}

let client: LspClient;
let work: string;
let n = 0;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stap-ls-sighelp-'));
  client = await LspClient.start({ kernelBuildDir: KBUILD });
});
after(async () => {
  await client.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Opens `good`, waits for its analysis, types `typed` and asks at its `<|c|>`. */
async function helpAt(good: string, typed: string): Promise<Help | null> {
  const uri = client.open(join(work, `s${n++}.stp`), good);
  await client.diagnostics(uri);
  const { text, at } = markers(typed);
  client.change(uri, text);
  return client.request<Help | null>('textDocument/signatureHelp', { textDocument: { uri }, position: at.c });
}

/** The parameter labels as text (offsets resolved against the signature's label). */
function params(sig: Sig): string[] {
  return sig.parameters.map((p) => (typeof p.label === 'string' ? p.label : sig.label.slice(p.label[0], p.label[1])));
}

const GOOD = 'probe begin { println(1) }\n';

describe('signature help: the print family', () => {
  test('printf: one parameter per conversion, the active one is the argument being typed', async () => {
    const h = await helpAt(GOOD, 'probe begin { printf("%d: %-10s\\n", pid(), <|c|>\n');
    assert.ok(h);
    const sig = h.signatures[h.activeSignature];
    assert.deepEqual(params(sig), ['fmt: string', '%d: long', '%-10s: string']);
    assert.equal(h.activeParameter, 2);
    assert.equal(sig.label, 'printf(fmt: string, %d: long, %-10s: string)');
  });

  test('repeated conversions get distinct label offsets', async () => {
    const h = await helpAt(GOOD, 'probe begin { x = sprintf("%d %d", 1, <|c|>) }\n');
    const sig = h!.signatures[0];
    assert.deepEqual(sig.parameters.map((p) => p.label), [[8, 19], [21, 29], [31, 39]]);
    assert.equal(sig.label, 'sprintf(fmt: string, %d: long, %d: long): string');
    assert.equal(h!.activeParameter, 2);
  });

  test('a `*` width takes its own argument', async () => {
    const h = await helpAt(GOOD, 'probe begin { printf("%*d|%s", <|c|>) }\n');
    assert.deepEqual(params(h!.signatures[0]), ['fmt: string', '%*d width: long', '%*d: long', '%s: string']);
    assert.equal(h!.activeParameter, 1);
  });

  test("format checking: stap's format error, too many arguments, a literal of the wrong type", async () => {
    const bad = await helpAt(GOOD, 'probe begin { printf("%q", <|c|>) }\n');
    assert.match(bad!.signatures[0].documentation!.value, /Format error:\*\* invalid or missing conversion specifier/);
    const many = await helpAt(GOOD, 'probe begin { printf("%d\\n", 1, 2<|c|>) }\n');
    assert.match(many!.signatures[0].documentation!.value, /too many arguments: the format takes 1, 2 given/);
    const typed = await helpAt(GOOD, 'probe begin { printf("%d %s", "x", <|c|>) }\n');
    assert.match(typed!.signatures[0].documentation!.value, /argument 2 is a string, but the format wants a long/);
    const fine = await helpAt(GOOD, 'probe begin { printf("%d %s", 1, <|c|>) }\n');
    assert.doesNotMatch(fine!.signatures[0].documentation!.value, /Warning/);
  });

  test('print and printd take any arguments; a computed format has no conversions', async () => {
    const p = await helpAt(GOOD, 'probe begin { println(1, 2, <|c|>) }\n');
    assert.deepEqual(params(p!.signatures[0]), ['...args']);
    assert.equal(p!.activeParameter, 0);
    const d = await helpAt(GOOD, 'probe begin { printdln(",", 1, <|c|>) }\n');
    assert.deepEqual(params(d!.signatures[0]), ['delim: string', '...args']);
    assert.equal(d!.activeParameter, 1);
    const f = await helpAt(GOOD, 'probe begin { fmt = "%d"; printf(fmt, <|c|>) }\n');
    assert.deepEqual(params(f!.signatures[0]), ['fmt: string', '...args']);
  });
});

describe('signature help: functions and operators', () => {
  test('a tapset function: its declared types and kernel-doc parameter lines', async () => {
    const h = await helpAt(GOOD, 'probe begin { x = substr("abcdef", 1, <|c|>\n');
    const sig = h!.signatures[h!.activeSignature];
    assert.equal(sig.label, 'substr(str: string, start: long, length: long): string');
    assert.equal(h!.activeParameter, 2);
    assert.match(sig.documentation!.value, /substring/);
    assert.match(sig.parameters[0].documentation!.value, /string/);
  });

  test('a user function typed by pass 2, from the last version that parsed', async () => {
    const good = 'function scale(v, by) { return v * by }\nprobe begin { println(scale(2, 3)) }\n';
    const h = await helpAt(good, good.replace('println(scale(2, 3))', 'y = scale(1, <|c|>'));
    assert.equal(h!.signatures[0].label, 'scale(v: long, by: long): long');
    assert.equal(h!.activeParameter, 1);
    // A function added in the text being typed: its header, untyped.
    const fresh = await helpAt(GOOD, 'function fresh(a, b:string) { }\nprobe begin { fresh(<|c|>\n');
    assert.equal(fresh!.signatures[0].label, 'fresh(a, b: string)');
  });

  test('nested calls: the innermost; @ operators and macros', async () => {
    const inner = await helpAt(GOOD, 'probe begin { printf("%s", substr(execname(), <|c|>)) }\n');
    assert.match(inner!.signatures[0].label, /^substr\(/);
    assert.equal(inner!.activeParameter, 1);
    const cast = await helpAt(GOOD, 'probe begin { x = @cast(p, "task_struct", <|c|>\n');
    assert.equal(cast!.signatures[0].label, '@cast(addr, "type", "module")');
    assert.equal(cast!.activeParameter, 2);
    const macro = await helpAt(GOOD, 'probe begin { x = @choose_defined(1, <|c|>\n');
    assert.match(macro!.signatures[0].label, /^@choose_defined\(\w+, \w+\)$/);
    assert.equal(macro!.activeParameter, 1);
  });

  test('no help outside a call or inside a comment', async () => {
    assert.equal(await helpAt(GOOD, 'probe begin { x = 1 <|c|>}\n'), null);
    assert.equal(await helpAt(GOOD, 'probe begin { if (<|c|>) }\n'), null);
    assert.equal(await helpAt(GOOD, 'probe begin { f(1, # <|c|>\n}\n'), null);
  });
});
