/**
 * opt3: assignments to locals that are never read become their right-hand side
 * (elaborate.cxx `dead_assignment_remover`, `semantic_pass_opt3`; not run with `-u`):
 * `x = E` → `E`, anywhere in an expression, when `x` is a local (globals are kept for the
 * end-of-run display), not synthetic, and the left side has no side effect of its own. Warns
 * `Eliding assignment to 'x'` at the operator when in a user file. A `catch (e)` whose `e` is
 * never read loses its variable.
 */
import type { Assignment, Expression, Statement, Symbol } from '../ast/staptree';
import type { Node } from '../ast/walk';
import { sortedFunctions, type Annotated, type Elaboration, type ElabVar } from './model';
import { replaceChildren } from './optimize-replace';
import type { OptimizerWarnings } from './optimize-warnings';
import { collectVarUse } from './optimize-unused-vars';
import { sideEffectFree, type VarUse } from './varuse';

/** elaborate.cxx `get_symbol_within_expression`: the variable an lvalue names, if any. */
export function symbolWithinExpression(e: Expression): Annotated<Symbol> | undefined {
  if (e.kind === 'symbol') return e;
  if (e.kind === 'arrayindex' && e.base.kind === 'symbol') return e.base;
  return undefined;
}

class DeadAssignmentRemover {
  changed = false;
  private readonly globals: ReadonlySet<ElabVar>;

  constructor(
    e: Elaboration,
    private readonly vu: VarUse,
    private readonly warn: OptimizerWarnings,
  ) {
    this.globals = new Set(e.globals);
  }

  node(n: Node): Node {
    if (n.kind === 'try_block') {
      n.tryBlock = this.node(n.tryBlock) as typeof n.tryBlock;
      if (n.catchErrorVar) {
        const v = (n.catchErrorVar as Annotated<Symbol>).referent;
        if (v && !this.vu.read.has(v)) n.catchErrorVar = undefined;
      }
      n.catchBlock = this.node(n.catchBlock) as typeof n.catchBlock;
      return n;
    }
    replaceChildren(n, (c) => this.node(c));
    if (n.kind === 'assignment') return this.assignment(n);
    return n;
  }

  private assignment(a: Assignment): Expression {
    const left = symbolWithinExpression(a.left);
    const v: ElabVar | undefined = left?.referent;
    if (!v || this.vu.read.has(v)) return a;
    if (this.globals.has(v)) return a;
    if (v.synthetic || !sideEffectFree(a.left)) return a;
    if (this.warn.isUserToken(a.left.tok)) this.warn.warn(`Eliding assignment to '${v.name}'`, a.tok);
    this.changed = true;
    return a.right;
  }
}

export function semanticPassOpt3(e: Elaboration, warn: OptimizerWarnings): boolean {
  const vu = collectVarUse(e);
  const d = new DeadAssignmentRemover(e, vu, warn);
  for (const p of e.probes) p.body = d.node(p.body) as Statement;
  for (const f of sortedFunctions(e)) f.body = d.node(f.body) as Statement;
  return d.changed;
}
