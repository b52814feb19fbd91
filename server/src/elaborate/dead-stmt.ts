/**
 * opt4: statements without effect go (elaborate.cxx `dead_stmtexpr_remover`,
 * `semantic_pass_opt4`; not run with `-u`):
 *
 * - an expression statement whose expression writes none of the focal variables (the probe's or
 *   function's locals and parameters, and the globals) and has no embedded side effect goes,
 *   with the warning `Eliding side-effect-free expression ` when it is in a user file;
 * - null statements go; nested blocks are flattened into their parent; an empty block goes and
 *   a one-statement block becomes that statement;
 * - an `if` with nothing left in either branch goes if its condition is pure, else becomes its
 *   condition as a statement; an `if` with only an `else` gets its condition negated;
 * - an empty `foreach` goes; an empty `for` goes if init, condition and increment are pure, else
 *   keeps a null body;
 * - a `try` whose try-block emptied goes, catch and all;
 * - a probe whose body emptied gets a null body and is recorded in `emptyProbes`; a function
 *   gets a null body and the warning `side-effect-free function 'f'`.
 */
import type { Block, Statement } from '../ast/staptree';
import { sortedFunctions, type Elaboration, type ElabVar } from './model';
import { OptimizerWarnings } from './optimize-warnings';
import { sideEffectFree, varUse } from './varuse';

export class DeadStmtExprRemover {
  changed = false;
  focalVars: ReadonlySet<ElabVar> = new Set();

  constructor(private readonly warn: OptimizerWarnings) {}

  /** stap `replace(s, true)`: the replacement, or undefined when the statement goes. */
  statement(s: Statement | undefined): Statement | undefined {
    if (!s) return undefined;
    switch (s.kind) {
      case 'null_statement':
        return undefined;
      case 'block':
        return this.block(s);
      case 'try_block': {
        const t = this.statement(s.tryBlock);
        const c = this.statement(s.catchBlock);
        if (!t) return undefined;
        s.tryBlock = t;
        // A null catch is allowed (stap keeps a 0 catch block); a null statement stands for it.
        s.catchBlock = c ?? { kind: 'null_statement', tok: s.tok };
        return s;
      }
      case 'if_statement': {
        const then = this.statement(s.thenblock);
        const els = this.statement(s.elseblock);
        if (!then) {
          if (!els) {
            if (sideEffectFree(s.condition)) return undefined;
            return { kind: 'expr_statement', tok: s.condition.tok, value: s.condition };
          }
          s.condition = { kind: 'unary_expression', tok: s.condition.tok, op: '!', operand: s.condition };
          s.thenblock = els;
          s.elseblock = undefined;
          return s;
        }
        s.thenblock = then;
        s.elseblock = els;
        return s;
      }
      case 'foreach_loop': {
        const b = this.statement(s.block);
        if (!b) return undefined;
        s.block = b;
        return s;
      }
      case 'for_loop': {
        const b = this.statement(s.block);
        if (!b) {
          if (varUse(s.init, s.cond, s.incr).sideEffectFree()) return undefined;
          s.block = { kind: 'null_statement', tok: s.tok };
          return s;
        }
        s.block = b;
        return s;
      }
      case 'expr_statement': {
        if (varUse(s.value).sideEffectFreeWrt(this.focalVars)) {
          if (this.warn.isUserToken(s.value.tok)) this.warn.warn('Eliding side-effect-free expression ', s.tok);
          this.changed = true;
          return undefined;
        }
        return s;
      }
      default:
        return s;
    }
  }

  private block(b: Block): Statement | undefined {
    const out: Statement[] = [];
    for (const s of b.statements) {
      const n = this.statement(s);
      if (!n) continue;
      if (n.kind === 'block') {
        out.push(...n.statements);
        this.changed = true;
      } else out.push(n);
    }
    if (out.length === 0) return undefined;
    if (out.length === 1) return out[0];
    b.statements = out;
    return b;
  }
}

/** elaborate.cxx `semantic_pass_opt4`; returns whether anything changed. */
export function semanticPassOpt4(e: Elaboration, warn: OptimizerWarnings): boolean {
  const d = new DeadStmtExprRemover(warn);
  for (const p of e.probes) {
    d.focalVars = new Set<ElabVar>([...e.globals, ...(p.locals as ElabVar[])]);
    const body = d.statement(p.body);
    if (body) p.body = body;
    else {
      p.body = { kind: 'null_statement', tok: p.tok };
      e.emptyProbes.add(p);
    }
  }
  for (const f of sortedFunctions(e)) {
    d.focalVars = new Set<ElabVar>([...(f.locals as ElabVar[]), ...(f.formalArgs as ElabVar[]), ...e.globals]);
    const body = d.statement(f.body);
    if (body) f.body = body;
    else {
      warn.warn(`side-effect-free function '${f.unmangledName}'`, f.tok);
      f.body = { kind: 'null_statement', tok: f.tok };
    }
  }
  return d.changed;
}
