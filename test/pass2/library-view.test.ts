/**
 * Pass 2 parses only what it pulls in (elaborate/library-view.ts): with the library given as
 * summaries and lazily-parsed trees, elaboration gives exactly the dump and diagnostics it gives
 * over fully-parsed trees, parses no library file it does not pull in, and a run's user aliases
 * never reach the match tree shared by later runs on the same library.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { summarizeStapFile } from '../../server/src/ast/file-summary';
import type { StapFile } from '../../server/src/ast/staptree';
import { printElaborationDump } from '../../server/src/dump/p2';
import { viewsOfLoadedFiles, type LoadedLibraryFile } from '../../server/src/elaborate/library-view';
import { patternRoot } from '../../server/src/elaborate/match-tree';
import type { Elaboration, Pass2Diagnostic } from '../../server/src/elaborate/model';
import { newElaboration, runPass2 } from '../../server/src/passes/pass2';
import { parseScript, testOptions } from './symbols-harness';

/** The library as pass 1 hands a cached one over: summaries known, trees counted when asked for. */
function countingLibrary(libraryFiles: StapFile[]): { files: LoadedLibraryFile[]; parsed: Set<string> } {
  const parsed = new Set<string>();
  const files = libraryFiles.map((f) => ({
    source: f.file,
    summary: summarizeStapFile(f),
    get stapfile() {
      parsed.add(f.name);
      return f;
    },
  }));
  return { files, parsed };
}

function diagnosticText(d: Pass2Diagnostic): string {
  if (d.kind === 'verbose') return `verbose ${d.text}`;
  if (d.kind === 'warning') return `warning ${d.warning.message} @${d.warning.tok?.location.file.name}:${d.warning.tok?.location.line}`;
  const parts: string[] = [];
  for (let err: typeof d.error | undefined = d.error; err; err = err.chain) {
    parts.push(`${err.message} @${err.tok?.location.file.name}:${err.tok?.location.line}:${err.tok?.location.column}`);
  }
  return `error ${parts.join(' / ')}`;
}

function outcome(e: Elaboration, ok: boolean): { ok: boolean; dump: string; diagnostics: string[] } {
  return { ok, dump: printElaborationDump(e, true), diagnostics: e.diagnostics.map(diagnosticText) };
}

const SCRIPTS: { name: string; text: string; assumeDebuginfo?: boolean }[] = [
  {
    name: 'many tapset functions',
    text: `global counts
probe begin {
  printf("%s %d %d %d %d %d\\n", execname(), pid(), tid(), ppid(), uid(), cpu())
  println(gettimeofday_ns(), " ", jiffies(), " ", ctime(gettimeofday_s()))
  println(signal_str(9), " ", errno_str(2), " ", pp(), strlen("abc"), substr("abc", 1, 1), text_str("x"))
}
probe timer.s(1) { counts[execname()] <<< 1 }
probe procfs("x").read { $value = sprintf("%d\\n", @count(counts[execname()])) }
probe end { foreach (k in counts) printf("%s %d\\n", k, @sum(counts[k])) }
`,
  },
  { name: 'unresolved function (suggestions from every library file)', text: 'probe begin { printff("x"); exit() }' },
  { name: 'unresolved global-like identifier', text: 'probe begin { x = tty_sz; println(x) }' },
  { name: 'arity mismatch against a tapset function', text: 'probe begin { println(execname(1)) }' },
  { name: 'tapset alias with a wildcard', text: 'probe nd_syscall.open* { println(name) }', assumeDebuginfo: true },
  { name: 'tapset alias, a user alias over it', text: 'probe myopen = syscall.open { x = 1 }\nprobe myopen { println(x, name) }', assumeDebuginfo: true },
  { name: 'a tapset global', text: 'probe begin { println(_signal_name_tbl_inited) }' },
];

for (const s of SCRIPTS) {
  test(`lazy library = parsed library: ${s.name}`, () => {
    const { session, userFiles, libraryFiles } = parseScript(s.text);
    const options = { ...testOptions(), assumeDebuginfo: s.assumeDebuginfo ?? false };
    const plain = runPass2(session, options, userFiles, libraryFiles);
    const lazy = countingLibrary(libraryFiles);
    const viaViews = runPass2(session, options, userFiles, viewsOfLoadedFiles(lazy.files));
    assert.deepEqual(outcome(viaViews.elaboration, viaViews.ok), outcome(plain.elaboration, plain.ok));
    // Only pulled-in files are parsed (plus, for an arity mismatch, the file whose function is named).
    const pulledIn = new Set(viaViews.elaboration.files.map((f) => f.name));
    const extra = [...lazy.parsed].filter((n) => !pulledIn.has(n));
    assert.ok(extra.length <= 1, `parsed without being pulled in: ${extra.join(', ')}`);
    assert.ok(lazy.parsed.size < libraryFiles.length / 10, `${lazy.parsed.size} of ${libraryFiles.length} library files parsed`);
  });
}

test('a user alias stays in its run: the library part of the match tree is shared, not changed', () => {
  const first = parseScript('probe begin2 = begin { }\nprobe begin2 { exit() }');
  const library = viewsOfLoadedFiles(countingLibrary(first.libraryFiles).files);
  const a = newElaboration(first.session, testOptions(), first.userFiles, library);
  const second = parseScript('probe begin { exit() }');
  const b = newElaboration(second.session, testOptions(), second.userFiles, library);
  assert.ok(patternRoot(a).children.has('begin2'));
  assert.ok(!patternRoot(b).children.has('begin2'));
  // Both share the library's nodes they did not touch.
  assert.equal(patternRoot(a).children.get('timer')?.node, patternRoot(b).children.get('timer')?.node);
  // The run that binds nothing of its own uses the shared tree as it is.
  const c = newElaboration(second.session, testOptions(), second.userFiles, library);
  assert.equal(patternRoot(c), patternRoot(b));
});

test('a user alias at a node the families use goes after the library aliases and before the families', () => {
  const { session, userFiles, libraryFiles } = parseScript('probe timer.s(1) { }\nprobe begin = begin { x = 1 }\nprobe begin { println(x) }');
  const e = newElaboration(session, testOptions(), userFiles, libraryFiles);
  const ends = patternRoot(e).children.get('begin')!.node.ends;
  assert.deepEqual(
    ends.map((b) => b.kind),
    ['alias', 'family'],
  );
});
