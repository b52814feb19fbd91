/**
 * Issue 5, acceptance 2: hover types agree with the real `stap -p2` dump on every script stap
 * accepts among the pass-2 fixtures (test-fixtures/pass2/ok). The dump is the fixture's golden
 * stdout (stap's own output, re-checked against the live stap by test/pass2/fixtures.test.ts).
 *
 * Each fixture is analysed in-process as the editor does (analyzeDocument, the header's options
 * that are settings: -I, -g, --compatible, the script arguments), and hover (ide/hover.ts) is
 * asked at each declaration in the document:
 * - `# globals` `name:type [idx]`: at the `global` declaration, expecting `name: type [idx]`;
 * - `# functions` `name:type (a:type)`: at the function's name, expecting
 *   `name: (a: type) -> type` among the hover's signatures (overloads show each);
 * - `# locals` of each function and probe: at the local's first use (the token pass 2 declared
 *   it at), expecting `name: type` among the hover's signatures.
 * Symbols that are not written in the document (tapset functions and their locals, locals of
 * tapset alias bodies, synthetic ones) are counted apart. `-e`/`-E` fixtures are no document.
 * The summary line `# hover types agreeing with stap -p2: N/M symbols, F/G fixtures` is printed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import type { DerivedProbe, ElabFunction } from '../../server/src/elaborate/model';
import { sortedFunctions } from '../../server/src/elaborate/model';
import { derivedProbeSignature } from '../../server/src/elaborate/probe-sig';
import { printFunctionSig } from '../../server/src/dump/p2';
import { hover } from '../../server/src/ide/hover';
import { unoptimisedAnalysis } from '../../server/src/ide/hover-unoptimised';
import type { Token } from '../../server/src/passes/parse/token';
import { analyzeDocument, LineIndex, tokenRange, type Analysis } from '../../server/src/workspace/analysis';
import { DEFAULT_SETTINGS, type Settings } from '../../server/src/workspace/settings';
import { makeFakeKbuild, parseHeader, type FakeKbuild } from '../helpers/stap';
import { EXPECTED, fixtures, ROOT, type Fixture } from '../pass2/fixture-files';

/** The dump of one `-p2` run, as far as types go. */
interface Dump {
  globals: { name: string; sig: string }[];
  functions: { line: string; name: string; sig: string; locals: string[] }[];
  probes: { line: string; locals: string[] }[];
}

/** `name%[N]:type [i, j] = init` (vardecl::printsig) → `name: type [i, j]`. */
function varSig(s: string): { name: string; sig: string } {
  const m = /^([^%[:]+)%?(?:\[\d+\])?:(\w+)((?: \[[^\]]*\])?)(?: = .*)?$/.exec(s);
  assert.ok(m, `unparsed dump variable: ${s}`);
  return { name: m[1], sig: `${m[1]}: ${m[2]}${m[3]}` };
}

/** `name:type (a:type, b:type)` → `name: (a: type, b: type) -> type`. */
function fnSig(s: string): { name: string; sig: string } {
  const m = /^(\w+):(\w+) \((.*)\)$/.exec(s);
  assert.ok(m, `unparsed dump function: ${s}`);
  const args = m[3] === '' ? [] : m[3].split(', ').map((a) => varSig(a).sig);
  return { name: m[1], sig: `${m[1]}: (${args.join(', ')}) -> ${m[2]}` };
}

/** Reads the sections of a `-p2` dump (with or without `-v` bodies). */
function parseDump(text: string): Dump {
  const dump: Dump = { globals: [], functions: [], probes: [] };
  let section = '';
  let locals: string[] | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === '') continue;
    if (l.startsWith('# ')) {
      section = l;
      locals = undefined;
      continue;
    }
    if (l === '  # locals') continue;
    if (l.startsWith('  ') && locals) {
      locals.push(varSig(l.slice(2)).sig);
      continue;
    }
    if (l.startsWith('{ ')) {
      // A `-v` body: `{ {` … `} }` (a block), `{ %{` … `%} }` (embedded C), else a statement
      // `{ stmt }` that ends on the first line ending in ` }`.
      const end = l.startsWith('{ {') ? /^\} \}$/ : l.startsWith('{ %{') ? /%\} \}$/ : / \}$/;
      if (l.startsWith('{ {') || l.startsWith('{ %{')) i++;
      while (i < lines.length && !end.test(lines[i])) i++;
      continue;
    }
    if (section === '# globals') dump.globals.push(varSig(l));
    else if (section === '# functions') {
      const f = { line: l, ...fnSig(l), locals: [] as string[] };
      dump.functions.push(f);
      locals = f.locals;
    } else if (section === '# probes') {
      const p = { line: l, locals: [] as string[] };
      dump.probes.push(p);
      locals = p.locals;
    }
  }
  return dump;
}

interface Tally {
  agree: number;
  disagree: string[];
  notInDocument: number;
  /** Locals of probes the editor derives otherwise (--assume-debuginfo picks DWARF over kprobes). */
  otherDerivation: number;
}

/** Whether `name` is written as a word in the document (else pass 2 made the symbol up). */
function written(text: string, name: string): boolean {
  return new RegExp(`(^|[^\\w$@])${name.replace(/\$/g, '\\$')}(?!\\w)`).test(text);
}

let kbuild: FakeKbuild;
before(() => {
  kbuild = makeFakeKbuild();
});
after(() => kbuild.cleanup());

/** The editor's settings for a fixture's header; undefined when the fixture is no document. */
function settingsFor(f: Fixture, text: string): { settings: Settings; unoptimised: boolean } | undefined {
  let options: string[];
  let args: string[] = [];
  const argv = /^#!\s*stap-argv\s+(\[.*\])/.exec(text);
  if (argv) {
    const words = JSON.parse(argv[1]) as string[];
    if (words.includes('-e') || words.includes('-E')) return undefined;
    options = words.filter((w) => w.startsWith('-') && w !== '-');
  } else {
    const h = parseHeader(text);
    assert.ok(h, f.key);
    options = h.options;
    args = h.args;
  }
  const settings: Settings = { ...DEFAULT_SETTINGS, kernelBuildDir: kbuild.dir, tapsetDirs: [], scriptArguments: args };
  for (const o of options) {
    if (o.startsWith('-I')) settings.tapsetDirs.push(join(ROOT, o.slice(2)));
    else if (o === '-g') settings.guruMode = true;
    else if (o.startsWith('--compatible=')) settings.compatible = o.slice('--compatible='.length);
  }
  return { settings, unoptimised: options.includes('-u') };
}

function positionOf(a: Analysis, lines: LineIndex, tok: Token) {
  return tokenRange(lines, tok).start;
}

function inDocument(a: Analysis, tok: Token | undefined): tok is Token {
  return tok !== undefined && tok.location.file.name === a.path && tok.chain === undefined;
}

function checkFixture(f: Fixture, tally: Tally): void {
  const path = join(ROOT, f.path);
  const text = readFileSync(path, 'utf8');
  const how = settingsFor(f, text);
  if (!how) return;
  const dump = parseDump(readFileSync(join(EXPECTED, f.dir, `${f.name}.stdout`), 'latin1'));
  const a = analyzeDocument({ path, text, version: 1 }, how.settings);
  const lines = new LineIndex(a.bytes);
  const file = a.file;
  assert.ok(file, `${f.key}: no parsed file`);
  // Where pass 2 put each symbol: our own run of the same kind as stap's dump (-u or not).
  const model = how.unoptimised ? unoptimisedAnalysis(a) : a;
  const elab = model?.elaboration;

  const expectAt = (what: string, tok: Token, expected: string) => {
    const h = hover(a, positionOf(a, lines, tok));
    if (h?.signatures.includes(expected)) tally.agree++;
    else tally.disagree.push(`${f.key}: ${what}: stap ${expected}, hover ${JSON.stringify(h?.signatures ?? null)}`);
  };

  for (const g of dump.globals) {
    const decl = file.globals.find((d) => d.unmangledName === g.name);
    if (!decl) tally.notInDocument++;
    else expectAt(`global ${g.name}`, decl.tok, g.sig);
  }

  const ours = elab ? sortedFunctions(elab) : [];
  const used = new Set<ElabFunction>();
  for (const fn of dump.functions) {
    const decls = file.functions.filter((d) => d.unmangledName === fn.name);
    const mine = ours.find((o) => !used.has(o) && printFunctionSig(o) === fn.line);
    if (mine) used.add(mine);
    if (decls.length === 0 || (mine && !inDocument(a, mine.tok))) {
      tally.notInDocument += 1 + fn.locals.length;
      continue;
    }
    const tok = mine?.tok ?? decls[0].tok;
    expectAt(`function ${fn.name}`, tok, fn.sig);
    for (const l of fn.locals) {
      const name = l.slice(0, l.indexOf(':'));
      if (!written(text, name)) {
        tally.notInDocument++;
        continue;
      }
      const decl = mine?.locals.find((v) => v.unmangledName === name);
      if (!inDocument(a, decl?.tok)) {
        if (decl) tally.notInDocument++;
        else tally.disagree.push(`${f.key}: local ${name} of ${fn.name}: not in our -p2 (${l})`);
      } else {
        expectAt(`local ${name} of ${fn.name}`, decl.tok, l);
      }
    }
  }

  const usedProbes = new Set<DerivedProbe>();
  for (const p of dump.probes) {
    const mine = elab?.probes.find((o) => !usedProbes.has(o) && derivedProbeSignature(o) === p.line);
    if (mine) usedProbes.add(mine);
    for (const l of p.locals) {
      const name = l.slice(0, l.indexOf(':'));
      if (!written(text, name)) {
        tally.notInDocument++;
        continue;
      }
      if (!mine && derivesOtherwise(p.line)) {
        tally.otherDerivation++;
        continue;
      }
      const decl = mine?.locals.find((v) => v.unmangledName === name);
      if (!mine || !decl) {
        tally.disagree.push(`${f.key}: local ${name} of ${p.line}: not in our -p2`);
      } else if (!inDocument(a, decl.tok)) {
        tally.notInDocument++;
      } else {
        expectAt(`local ${name} of ${p.line}`, decl.tok, l);
      }
    }
  }
}

/**
 * A probe stap derived through a non-DWARF fallback (an `nd_`/`kprobe` alias after a `!` DWARF
 * choice): the editor's --assume-debuginfo takes the DWARF branch instead, so that derived probe
 * has no counterpart in the editor's analysis.
 */
function derivesOtherwise(line: string): boolean {
  return /<- nd_syscall\.|<- dw_syscall\.\w+[^<]*!/.test(line) || /dw_\w+\.[\w.]+!, nd_/.test(line);
}

test('hover types agree with stap -p2 on every accepted pass-2 fixture', () => {
  const all = fixtures().filter((f) => !f.mustFail);
  assert.ok(all.length >= 150, `only ${all.length} ok fixtures`);
  let checked = 0;
  let agreeingFixtures = 0;
  const tally: Tally = { agree: 0, disagree: [], notInDocument: 0, otherDerivation: 0 };
  for (const f of all) {
    const before = tally.disagree.length;
    const agreeBefore = tally.agree;
    checkFixture(f, tally);
    if (tally.agree > agreeBefore || tally.disagree.length > before) checked++;
    if (tally.disagree.length === before) agreeingFixtures++;
  }
  const total = tally.agree + tally.disagree.length;
  console.log(
    `# hover types agreeing with stap -p2: ${tally.agree}/${total} symbols (${tally.notInDocument} not written in the document, ` +
      `${tally.otherDerivation} locals of probes derived otherwise under --assume-debuginfo), ` +
      `${agreeingFixtures}/${all.length} fixtures (${checked} with symbols to hover)`,
  );
  assert.ok(tally.agree >= 300, `only ${tally.agree} symbols compared`);
  assert.deepEqual(tally.disagree, []);
});
