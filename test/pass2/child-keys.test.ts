/**
 * The walkers' child-field table (server/src/ast/walk.ts CHILD_KEYS) against a scan of every
 * field: on every node of the installed examples, of the whole tapset library, and of the
 * elaborated (pass-2, annotated and optimised) bodies, the fields that really hold child nodes
 * are a subsequence of the table's fields for that kind. A kind missing from the table, or a
 * field the table forgets, would make a walk skip children silently; this test names it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';

import type { StapFile } from '../../server/src/ast/staptree';
import { childKeys, scannedChildKeys, updateKeys, type Node } from '../../server/src/ast/walk';
import { nodeCliIo, runCli } from '../../server/src/cli';
import type { Elaboration } from '../../server/src/elaborate/model';
import { stapWiring } from '../../server/src/passes/pass1';
import { exampleFiles } from '../helpers/installed';

const KBUILD = join(__dirname, '..', '..', 'test-fixtures', 'pass1', 'kbuild');

/** Every node under `roots`, found by the field scan (not by the table under test). */
function scanAll(roots: Node[], visit: (n: Node) => void): void {
  const todo = [...roots];
  const seen = new Set<Node>();
  for (let n = todo.pop(); n; n = todo.pop()) {
    if (seen.has(n)) continue;
    seen.add(n);
    visit(n);
    const rec = n as unknown as Record<string, unknown>;
    for (const k of scannedChildKeys(n)) {
      const push = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(push);
        else if (typeof v === 'object' && v !== null) {
          if (typeof (v as { kind?: unknown }).kind === 'string') todo.push(v as Node);
          else if ((v as { expr?: unknown }).expr) push((v as { expr?: unknown }).expr);
        }
      };
      push(rec[k]);
    }
  }
}

function isSubsequence(sub: readonly string[], of: readonly string[]): boolean {
  let i = 0;
  for (const k of of) if (i < sub.length && sub[i] === k) i++;
  return i === sub.length;
}

function fileRoots(f: StapFile): Node[] {
  const roots: Node[] = [];
  for (const p of f.probes) roots.push(p.body, ...(p.locations.flatMap((l) => (l.condition ? [l.condition] : [])) as Node[]));
  for (const a of f.aliases) roots.push(...([a.body, a.body2].filter(Boolean) as Node[]));
  for (const fn of f.functions) roots.push(fn.body as Node);
  for (const g of f.globals) if (g.init) roots.push(g.init as unknown as Node);
  return roots;
}

function elaborationRoots(e: Elaboration): Node[] {
  return [...e.probes.flatMap((p) => [p.body, ...(p.condition ? [p.condition] : [])]), ...[...e.functions.values()].map((f) => f.body)] as Node[];
}

test('the child-field table covers every field that holds a child, in source order', () => {
  const problems = new Map<string, string>();
  let nodes = 0;
  const check = (n: Node): void => {
    nodes++;
    const scanned = scannedChildKeys(n);
    const table = childKeys(n);
    if (!isSubsequence(scanned, table)) problems.set(`${n.kind}: [${scanned}] not within [${table}]`, `${n.tok?.location.file.name}:${n.tok?.location.line}`);
    const update = updateKeys(n);
    if (!scanned.every((k) => update.includes(k))) problems.set(`${n.kind}: [${scanned}] not all in the update keys [${update}]`, `${n.tok?.location.file.name}:${n.tok?.location.line}`);
  };
  let library = false;
  for (const script of exampleFiles()) {
    runCli(['-p2', '--keep-going', '--assume-debuginfo', '--assume-args', '-r', KBUILD, script], nodeCliIo(), stapWiring, 'stap-ls', {
      done: (run) => {
        for (const f of run.pass1.userFiles as unknown as StapFile[]) scanAll(fileRoots(f), check);
        if (run.elaboration) {
          scanAll(elaborationRoots(run.elaboration), check);
          if (!library) {
            library = true;
            for (const f of run.elaboration.libraryFiles) scanAll(fileRoots(f), check);
          }
        }
      },
    });
  }
  assert.ok(library, 'no example reached pass 2');
  assert.ok(nodes > 100000, `only ${nodes} nodes checked`);
  assert.deepEqual([...problems].map(([p, at]) => `${p} (${at})`), []);
});
