/**
 * opt5: values computed in statement position are reduced to the parts that matter
 * (elaborate.cxx `void_statement_reducer`, `semantic_pass_opt5`; runs with `-u` too):
 *
 * - `a || b;` → `if (!a) b;`, `a && b;` → `if (a) b;`, `c ? x : y;` → `if (c) x; else y;`;
 * - `a OP b;` (binary, comparison, concatenation) → `{ a; b; }`;
 * - `-a;`, `!a;`, `~a;`, `a =~ "re";` → `a;`;
 * - a call of a function without side effects (on the globals and the caller's variables),
 *   with arguments, and `sprint*(…)` → `{ arg1; arg2; … }`;
 * - `$var[i]`, `@cast(p, …)->m[j]` → `{ p; i; j; }` (operand and index expressions);
 * - `@defined(…);`, `@entry(…);`, `@perf(…);` disappear.
 * Each new statement is reduced again. Everything else (assignments, `++`, array accesses,
 * `in`, stat and hist ops, calls with side effects, prints) stays. Only the expression of an
 * expression statement is in void position: conditions, return values, arguments and even a
 * `for` loop's init and increment are not touched.
 */
import type { Block, Expression, Statement, TargetComponent } from '../ast/staptree';
import { sortedFunctions, type Annotated, type Elaboration, type ElabVar } from './model';
import { exprStatement } from './optimize-replace';
import { VarUse } from './varuse';

/**
 * What reducing a void expression gives: the same or another expression to keep in the
 * expression statement, a statement to take its place, or nothing (stap provides 0).
 */
type Reduced = { expr: Expression } | { stmt: Statement } | { none: true };

export class VoidStatementReducer {
  changed = false;

  constructor(private readonly focalVars: ReadonlySet<ElabVar>) {}

  /** Returns the replacement of `s` (stap `replace(s)`); `undefined` where stap would fail. */
  statement(s: Statement): Statement | undefined {
    switch (s.kind) {
      case 'block':
        return this.block(s);
      case 'try_block':
        s.tryBlock = this.statement(s.tryBlock) ?? s.tryBlock;
        s.catchBlock = this.statement(s.catchBlock) ?? s.catchBlock;
        return s;
      case 'if_statement':
        s.thenblock = this.statement(s.thenblock) ?? s.thenblock;
        if (s.elseblock) s.elseblock = this.statement(s.elseblock);
        return s;
      case 'for_loop':
        // The init and increment stay as they are (stap -u prints `for ((i) + (1); …; -(i))`).
        s.block = this.statement(s.block) ?? s.block;
        return s;
      case 'foreach_loop':
        s.block = this.statement(s.block) ?? s.block;
        return s;
      case 'expr_statement': {
        const r = this.reduce(s.value);
        if ('expr' in r) {
          s.value = r.expr;
          return s;
        }
        if ('stmt' in r) return r.stmt;
        // `@defined(x);` under -u: stap fails with "update_visitor wasn't provided a value";
        // a null statement is the closest thing that keeps the tree valid.
        return { kind: 'null_statement', tok: s.tok };
      }
      default:
        return s;
    }
  }

  private block(b: Block): Block {
    b.statements = b.statements.map((s) => this.statement(s) ?? s);
    return b;
  }

  /** Reduces an expression in void position. */
  private reduce(e: Expression): Reduced {
    switch (e.kind) {
      case 'logical_or_expr':
      case 'logical_and_expr': {
        const condition: Expression =
          e.kind === 'logical_or_expr' ? { kind: 'unary_expression', tok: e.tok, op: '!', operand: e.left } : e.left;
        this.changed = true;
        return this.asStatement({
          kind: 'if_statement',
          tok: e.tok,
          condition,
          thenblock: exprStatement(e.right),
        });
      }
      case 'ternary_expression':
        this.changed = true;
        return this.asStatement({
          kind: 'if_statement',
          tok: e.tok,
          condition: e.cond,
          thenblock: exprStatement(e.truevalue),
          elseblock: exprStatement(e.falsevalue),
        });
      case 'binary_expression':
      case 'comparison':
      case 'concatenation':
        return this.sequence(e.tok, [e.left, e.right]);
      case 'unary_expression':
        this.changed = true;
        return this.reduce(e.operand);
      case 'regex_query':
        this.changed = true;
        return this.reduce(e.left);
      case 'functioncall': {
        if (e.args.length === 0) return { expr: e };
        for (const f of (e as Annotated).referents ?? []) {
          const vu = new VarUse();
          vu.enterFunctions([f]);
          if (!vu.sideEffectFreeWrt(this.focalVars)) return { expr: e };
        }
        return this.sequence(e.tok, e.args);
      }
      case 'print_format':
        if (e.printToStream || e.args.length === 0) return { expr: e };
        return this.sequence(e.tok, e.args);
      case 'target_symbol':
      case 'atvar_op':
        return this.sequence(e.tok, componentIndexes(e.components));
      case 'cast_op':
      case 'autocast_op':
        return this.sequence(e.tok, [e.operand, ...componentIndexes(e.components)]);
      case 'defined_op':
      case 'entry_op':
      case 'perf_op':
        this.changed = true;
        return { none: true };
      default:
        return { expr: e };
    }
  }

  /** `{ e1; e2; … }`, reduced again. */
  private sequence(tok: Expression['tok'], exprs: Expression[]): Reduced {
    this.changed = true;
    return this.asStatement({ kind: 'block', tok, statements: exprs.map(exprStatement) });
  }

  private asStatement(s: Statement): Reduced {
    return { stmt: this.statement(s) ?? s };
  }
}

function componentIndexes(components: readonly TargetComponent[]): Expression[] {
  const out: Expression[] = [];
  for (const c of components) if (c.type === 'expression_array_index') out.push(c.expr);
  return out;
}

/** elaborate.cxx `semantic_pass_opt5`: every probe body, then every function body. */
export function semanticPassOpt5(e: Elaboration): boolean {
  const vr = new VoidStatementReducer(new Set(e.globals));
  for (const p of e.probes) p.body = vr.statement(p.body) ?? p.body;
  for (const f of sortedFunctions(e)) f.body = vr.statement(f.body) ?? f.body;
  return vr.changed;
}
