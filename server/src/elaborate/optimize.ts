/**
 * The optimiser: elaborate.cxx `semantic_pass_optimize1` and `semantic_pass_optimize2`.
 *
 * optimize1 repeats, until a round changes nothing (at most ITERATION_LIMIT + program size):
 *   overload pruning, opt1 (unreachable functions), opt2 (unused variables), opt3 (dead
 *   assignments), opt4 (dead statements) — none of these with `-u` —, opt5 (void statements),
 *   the type pass (only in a round where nothing changed yet) and constant folding, dead
 *   control flow (these always; the loop stops when the type pass reports an error).
 * Warnings are printed in the first round only (all rounds with `-vvv`). Afterwards, unless
 * `-u`, the probes whose body emptied are removed with `Probe 'X' has been elided`.
 *
 * optimize2 (after types): opt6 merges functions with the same signature and body, opt7 caches
 * `/* stable *\/` function values (both skipped with `-u`), see optimize-merge.ts and
 * optimize-stable.ts.
 */
import type { Statement } from '../ast/staptree';
import { forEachUpdateChild, walkFast as walk, type Node } from '../ast/walk';
import { semanticPassConstFold } from './const-fold';
import { semanticPassOpt4 } from './dead-stmt';
import {
  errorCount,
  ITERATION_LIMIT,
  reportWarning,
  SemanticError,
  sortedFunctions,
  type Annotated,
  type Elaboration,
  type ElabFunction,
} from './model';
import { semanticPassOpt3 } from './optimize-dead-assign';
import { semanticPassOpt6 } from './optimize-merge';
import { checkStableFunctions, semanticPassOpt7 } from './optimize-stable';
import { semanticPassOpt2 } from './optimize-unused-vars';
import { OptimizerWarnings } from './optimize-warnings';
import { semanticPassTypesEarly } from './types';
import { semanticPassOpt5 } from './void-reducer';
import { tolerateUnresolved, VarUse } from './varuse';

/** elaborate.cxx `semantic_pass_opt1`: functions no probe body reaches are dropped. */
export function semanticPassOpt1(e: Elaboration): boolean {
  const vu = new VarUse();
  for (const p of e.probes) reachFunctions(p.body, vu.seen);
  let changed = false;
  for (const [name, f] of e.functions) {
    if (!vu.seen.has(f)) {
      e.functions.delete(name);
      changed = true;
    }
  }
  return changed;
}

/** functioncall_traversing_visitor: every function reachable from `node`, into `seen`. */
function reachFunctions(node: Node, seen: Set<ElabFunction>): void {
  walk(node, (n) => {
    if (n.kind !== 'functioncall') return;
    for (const f of (n as Annotated).referents ?? []) {
      if (seen.has(f)) continue;
      seen.add(f);
      reachFunctions(f.body, seen);
    }
  });
}

/** Whether a function may fall through to the next overload (`next`, or `STAP_NEXT` in C). */
function hasNext(f: ElabFunction): boolean {
  let found = false;
  walk(f.body, (n) => {
    if (found) return false;
    if (n.kind === 'next_statement') found = true;
    else if (n.kind === 'embeddedcode' && n.code.includes('STAP_NEXT')) found = true;
  });
  return found;
}

/**
 * elaborate.cxx `dead_overload_remover`: a call keeps its overloads up to the first one that
 * cannot fall through with `next`.
 */
export function pruneOverloads(e: Elaboration): boolean {
  let changed = false;
  const prune = (node: Node) =>
    walk(node, (n) => {
      if (n.kind !== 'functioncall') return;
      const refs = (n as Annotated).referents;
      if (!refs || refs.length < 2) return;
      let i = 0;
      while (i < refs.length - 1 && hasNext(refs[i])) i++;
      if (i + 1 < refs.length) {
        refs.splice(i + 1);
        changed = true;
      }
    });
  for (const p of e.probes) prune(p.body);
  for (const f of sortedFunctions(e)) prune(f.body);
  return changed;
}

/**
 * elaborate.cxx `dead_control_remover` (always run): in a block, what follows a `return`,
 * `next`, `break` or `continue` written directly in it goes. As in stap, a block's last
 * statement is never visited, so nested blocks there keep their dead code.
 */
export function semanticPassDeadControl(e: Elaboration): boolean {
  let changed = false;
  const visit = (s: Statement | undefined): void => {
    if (!s) return;
    switch (s.kind) {
      case 'block': {
        const vs = s.statements;
        for (let i = 0; i + 1 < vs.length; i++) {
          const st = vs[i];
          visit(st);
          if (
            st.kind === 'return_statement' ||
            st.kind === 'next_statement' ||
            st.kind === 'break_statement' ||
            st.kind === 'continue_statement'
          ) {
            vs.splice(i + 1);
            changed = true;
            break;
          }
        }
        return;
      }
      case 'if_statement':
        visit(s.thenblock);
        visit(s.elseblock);
        return;
      case 'for_loop':
      case 'foreach_loop':
        visit(s.block);
        return;
      case 'try_block':
        visit(s.tryBlock);
        visit(s.catchBlock);
        return;
    }
  };
  for (const p of e.probes) visit(p.body);
  for (const f of sortedFunctions(e)) visit(f.body);
  return changed;
}

/** The number of nodes in every probe and function body (iteratively: bodies can be deep). */
function programSize(e: Elaboration): number {
  let n = 0;
  const todo: Node[] = [...e.probes.map((p) => p.body), ...[...e.functions.values()].map((f) => f.body)];
  for (let node = todo.pop(); node; node = todo.pop()) {
    n++;
    forEachUpdateChild(node, (c) => todo.push(c));
  }
  return n;
}

/** elaborate.cxx `semantic_pass_optimize1`. */
export function semanticPassOptimize1(e: Elaboration): void {
  tolerateUnresolved(e, () => optimize1(e));
}

function optimize1(e: Elaboration): void {
  const warn = new OptimizerWarnings(e);
  const optimize = !e.options.unoptimized;
  // Every round that changes something removes or rewrites at least one node, and a chain of
  // dead assignments (`a2 = a1; a3 = a2; …`) legitimately takes one round per link: the bound
  // grows with the program.
  let limit = ITERATION_LIMIT;
  for (let iteration = 0; ; iteration++) {
    // The program's size is counted only once the fixed part of the bound is used up.
    if (iteration === ITERATION_LIMIT) limit += programSize(e);
    if (iteration >= limit)
      throw new SemanticError(`optimiser did not settle after ${limit} rounds`, undefined, undefined, 'semantic_pass_optimize1');
    warn.suppressed = iteration > 0 && e.session.verbose <= 2;
    let changed = false;
    if (optimize) changed = pruneOverloads(e) || changed;
    changed = semanticPassOpt1(e) || changed;
    if (optimize) {
      changed = semanticPassOpt2(e, warn, iteration) || changed;
      changed = semanticPassOpt3(e, warn) || changed;
      changed = semanticPassOpt4(e, warn) || changed;
    }
    changed = semanticPassOpt5(e) || changed;
    // semantic_pass_const_fold first runs the type pass when nothing changed so far in this
    // round (so it sees mismatches in code the folder is about to drop), and the optimiser
    // stops when that pass reports an error. stap's relaxed_p is not cleared by every opt4
    // removal (only by dropped expressions and flattened blocks), so this can run on a body
    // that just lost a `foreach` whose index is still a local: `unresolved type` (verified).
    if (!changed) {
      const errors = errorCount(e);
      semanticPassTypesEarly(e);
      if (errorCount(e) > errors) return;
    }
    changed = semanticPassConstFold(e) || changed;
    changed = semanticPassDeadControl(e) || changed;
    if (!changed) break;
  }
  if (optimize) removeEmptyProbes(e);
}

/** After the loop: probes left with an empty body go, with `Probe 'X' has been elided`. */
function removeEmptyProbes(e: Elaboration): void {
  const kept = [];
  for (const p of e.probes) {
    if (e.emptyProbes.has(p) && p.body.kind === 'null_statement' && !p.synthetic) {
      reportWarning(e, `Probe '${p.location.components[0]?.functor ?? ''}' has been elided`, p.tok);
      continue;
    }
    kept.push(p);
  }
  e.probes = kept;
}

/** elaborate.cxx `semantic_pass_optimize2`: opt6 and opt7, not with `-u`. */
export function semanticPassOptimize2(e: Elaboration): void {
  if (e.options.unoptimized) return;
  tolerateUnresolved(e, () => {
    if (e.options.analysisOnly) {
      checkStableFunctions(e);
      return;
    }
    semanticPassOpt6(e);
    semanticPassOpt7(e);
  });
}
