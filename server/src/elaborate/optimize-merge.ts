/**
 * opt6: functions with the same signature and body are merged (elaborate.cxx
 * `semantic_pass_opt6`, `get_functionsig`, `duplicate_function_remover`; not run with `-u`).
 *
 * The key is the printed signature without the name (`:long (x:long)`) followed by the printed
 * body; the first function in map order with a key stays, the later ones leave `s.functions`,
 * and every call that referred to one of them is re-pointed (referent and mangled name).
 */
import type { Statement } from '../ast/staptree';
import { walkFast as walk } from '../ast/walk';
import { printStatement } from '../dump/p1';
import { sortedFunctions, type Annotated, type Elaboration, type ElabFunction } from './model';

function functionSig(f: ElabFunction): string {
  const args = f.formalArgs.map((a) => `${a.name}:${a.type}`).join(', ');
  return `:${f.type} (${args})${printStatement(f.body)}`;
}

export function semanticPassOpt6(e: Elaboration): boolean {
  const bySig = new Map<string, ElabFunction>();
  const dup = new Map<ElabFunction, ElabFunction>();
  for (const f of sortedFunctions(e)) {
    const sig = functionSig(f);
    const first = bySig.get(sig);
    if (first) dup.set(f, first);
    else bySig.set(sig, f);
  }
  if (dup.size === 0) return false;
  for (const f of dup.keys()) e.functions.delete(f.mangled);
  const repoint = (body: Statement) =>
    walk(body, (n) => {
      if (n.kind !== 'functioncall') return;
      const refs = (n as Annotated).referents;
      if (!refs) return;
      for (let i = 0; i < refs.length; i++) {
        const to = dup.get(refs[i]);
        if (to) {
          refs[i] = to;
          if (i === 0) n.function = to.mangled;
        }
      }
    });
  for (const p of e.probes) repoint(p.body);
  for (const f of e.functions.values()) repoint(f.body);
  return true;
}
