/**
 * The branch folding that stap's target-variable builders do before symbol resolution
 * (tapsets.cxx `var_expand_const_fold_loop`, run when a kprobe, DWARF, uprobe, tracepoint,
 * marker or procfs probe is derived): the body is constant-folded right after its target
 * variables are expanded, so a branch that a literal condition rules out is gone before pass 2
 * resolves a single name in it. The case that matters: a tapset alias epilogue
 * `if (@probewrite(v)) set_…_arg(…, v)` (alias expansion has folded `@probewrite` to 0 or 1)
 * whose call stap never resolves when the user's probe does not write `v`
 * (`tapset/linux/sysc_msgrcv.stp` calls a misspelt `set_ponter_arg` that way). Probes of other
 * families (begin, timer, …) keep such branches until the optimiser, so their names are
 * resolved (and reported) first: both verified with the real stap
 * (test-fixtures/pass2/ok/probewrite-kprobe-epilogue.stp, ko/probewrite-timer-epilogue.stp).
 *
 * Only `if` and `?:` with a number literal as their condition are folded here (as the
 * optimiser's folder folds them, const-fold.ts); the rest of constant folding waits for the
 * optimiser, as `@defined` must wait for the target variables to be settled.
 */
import type { Expression, Statement } from '../ast/staptree';
import type { Node } from '../ast/walk';
import { isStatement, replaceChildren } from './optimize-replace';

/** The families whose builders run stap's var_expand_const_fold_loop. */
export const VAR_EXPANDING_FAMILIES: ReadonlySet<string> = new Set(['kprobe', 'dwarf', 'uprobe', 'tracepoint', 'mark', 'procfs']);

/** `s` with every `if`/`?:` whose condition is a number literal replaced by the branch it takes. */
export function foldLiteralBranches(s: Statement): Statement {
  return node(s) as Statement;
}

function node(n: Node): Node {
  if (n.kind === 'if_statement' && n.condition.kind === 'literal_number') {
    const taken = n.condition.value !== 0n ? n.thenblock : n.elseblock;
    return taken ? node(taken) : { kind: 'null_statement', tok: n.tok };
  }
  if (n.kind === 'ternary_expression' && n.cond.kind === 'literal_number') {
    return node(n.cond.value !== 0n ? n.truevalue : n.falsevalue) as Expression;
  }
  replaceChildren(n, (c) => (isStatement(c) ? (node(c) as Statement) : (node(c) as Expression)));
  return n;
}
