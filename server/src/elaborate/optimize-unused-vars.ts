/**
 * opt2: variables neither read nor written go (elaborate.cxx `semantic_pass_opt2`; not run with
 * `-u`). Locals of probes and functions (synthetic ones excepted) and globals are checked
 * against one varuse run over every probe body (which follows the calls):
 *
 * - unused: removed, with `Eliding unused variable 'v'` when declared in a user file;
 * - read but never written, first round only: `never-assigned local variable 'y' (similar: …)`
 *   (suggestions from the other locals, parameters and the globals' plain names), and for a
 *   global without initialiser or `-G` value `never-assigned global variable 'g' (similar: …)`
 *   (every global's plain name, its own included, as stap's set is built).
 */
import type { VarDecl } from '../ast/staptree';
import { levenshteinSuggest } from './levenshtein';
import { sortedFunctions, type Elaboration, type ElabVar } from './model';
import type { OptimizerWarnings } from './optimize-warnings';
import { VarUse } from './varuse';

function similar(name: string, candidates: Iterable<string>): string {
  const set = new Set(candidates);
  set.delete(name);
  const sugs = levenshteinSuggest(name, set, 5);
  return sugs ? ` (similar: ${sugs})` : '';
}

/** The varuse of every probe body (and condition), following calls. */
export function collectVarUse(e: Elaboration): VarUse {
  const vu = new VarUse();
  for (const p of e.probes) {
    vu.visit(p.body);
    if (p.location.condition) vu.visit(p.location.condition);
  }
  return vu;
}

export function semanticPassOpt2(e: Elaboration, warn: OptimizerWarnings, iteration: number): boolean {
  const vu = collectVarUse(e);
  let changed = false;
  const globalNames = () => e.globals.map((g) => g.unmangledName);

  const pruneLocals = (locals: VarDecl[], others: () => string[]): void => {
    for (let j = 0; j < locals.length; ) {
      const l = locals[j] as ElabVar;
      if (l.synthetic) {
        j++;
        continue;
      }
      if (!vu.read.has(l) && !vu.written.has(l)) {
        if (warn.isUserToken(l.tok)) warn.warn(`Eliding unused variable '${l.name}'`, l.tok);
        locals.splice(j, 1);
        changed = true;
        continue;
      }
      if (!vu.written.has(l) && iteration === 0) {
        const names = [...locals.filter((x) => x.name !== l.name).map((x) => x.name), ...others()];
        warn.warn(`never-assigned local variable '${l.unmangledName}'${similar(l.name, names)}`, l.tok);
      }
      j++;
    }
  };

  for (const p of e.probes) pruneLocals(p.locals, globalNames);
  for (const f of sortedFunctions(e))
    pruneLocals(f.locals, () => [...f.formalArgs.map((a) => a.name), ...globalNames()]);

  for (let i = 0; i < e.globals.length; ) {
    const g = e.globals[i];
    if (!vu.read.has(g) && !vu.written.has(g)) {
      if (warn.isUserToken(g.tok)) warn.warn(`Eliding unused variable '${g.unmangledName}'`, g.tok);
      e.globals.splice(i, 1);
      changed = true;
      continue;
    }
    if (!vu.written.has(g) && !g.init && !e.options.commandLineGlobals.has(g.unmangledName) && iteration === 0) {
      // stap fills the set with plain names but excludes by mangled name: the global itself
      // stays among the candidates.
      const names = new Set(globalNames());
      const sugs = levenshteinSuggest(g.unmangledName, names, 5);
      warn.warn(`never-assigned global variable '${g.unmangledName}'${sugs ? ` (similar: ${sugs})` : ''}`, g.tok);
    }
    i++;
  }
  return changed;
}
