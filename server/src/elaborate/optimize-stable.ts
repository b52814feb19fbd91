/**
 * opt7: calls of `/* stable *\/` functions are computed once per scope (elaborate.cxx
 * `semantic_pass_opt7`, `stable_functioncall_visitor`; not run with `-u`).
 *
 * A stable function is one without parameters whose body is embedded C tagged `/* stable *\/`
 * (`execname`; not `pid`, whose body is a `return %{ … %}`); one not also tagged `/* pure *\/`
 * is the error `stable function must also be /* pure *\/` (the first in map order). Each call
 * of one becomes the local `__stable_<mangled>_value` (synthetic, appended to the probe's or
 * function's locals), assigned
 * `(__stable_…_value) = (call)` at the start of the enclosing *top scope*:
 *
 * - outside loops, every block is a top scope, and names assigned in it are visible in the
 *   blocks nested in it (not after it);
 * - outside loops, each branch of an `if` starts a new scope: a branch that is not a block, and
 *   the probe or function body itself, are wrapped into a block when a call in their own scope
 *   needs one (a call in the condition of an `if` belongs to the scope around the `if`);
 * - inside `for`/`foreach` bodies nothing starts a scope: the call uses the enclosing one.
 * Several assignments at the start of one block come out in reverse order of discovery, as
 * stap inserts each at the front.
 */
import type { Assignment, Block, Expression, FunctionCall, Statement, Symbol, VarDecl } from '../ast/staptree';
import type { Node } from '../ast/walk';
import { SemanticError, sortedFunctions, type Annotated, type Elaboration, type ElabFunction, type ElabVar } from './model';
import { isStatement, replaceChildren } from './optimize-replace';
import { taggedP } from './varuse';

/** Whether calls of `f` are cached; a stable function that is not also pure is an error. */
function isStable(f: ElabFunction): boolean {
  if (f.body.kind !== 'embeddedcode' || f.formalArgs.length > 0 || !taggedP(f.body.code, '/* stable */')) return false;
  if (!taggedP(f.body.code, '/* pure */'))
    throw new SemanticError('stable function must also be /* pure */', f.body.tok, undefined, 'semantic_pass_opt7');
  return true;
}

class StableCaller {
  private top: Block | undefined;
  private scopeVars = new Set<string>();
  private loopDepth = 0;
  private readonly newVars = new Map<string, ElabVar>();
  readonly newStmts: [Statement, Block][] = [];

  constructor(
    private readonly stable: ReadonlySet<ElabFunction>,
    private readonly locals: VarDecl[],
  ) {}

  private isStableCall(n: Node): n is Annotated<FunctionCall> {
    if (n.kind !== 'functioncall') return false;
    const r = (n as Annotated).referents?.[0];
    return !!r && this.stable.has(r);
  }

  /** Whether a stable call sits in the scope of `s` (not in a branch that starts its own). */
  private needsScope(s: Node, loopDepth: number): boolean {
    if (this.isStableCall(s)) return true;
    if (s.kind === 'if_statement' && loopDepth === 0) return this.needsScope(s.condition, 0);
    const depth = s.kind === 'for_loop' || s.kind === 'foreach_loop' ? loopDepth + 1 : loopDepth;
    let found = false;
    replaceChildren(s, (c) => {
      if (!found && this.needsScope(c, depth)) found = true;
      return c;
    });
    return found;
  }

  /** A scope root (a body or a branch outside loops): wrapped into a block when needed. */
  root(s: Statement): Statement {
    if (s.kind !== 'block' && this.loopDepth === 0 && this.needsScope(s, 0)) {
      s = { kind: 'block', tok: s.tok, statements: [s] };
    }
    const prevTop = this.top;
    if (this.loopDepth === 0) this.top = undefined;
    const r = this.statement(s);
    this.top = prevTop;
    return r;
  }

  statement(s: Statement): Statement {
    switch (s.kind) {
      case 'block': {
        const prevTop = this.top;
        const prevVars = this.scopeVars;
        if (this.loopDepth === 0) this.top = s;
        this.scopeVars = new Set(prevVars);
        s.statements = s.statements.map((x) => this.statement(x));
        this.scopeVars = prevVars;
        this.top = prevTop;
        return s;
      }
      case 'if_statement':
        s.condition = this.expression(s.condition);
        s.thenblock = this.root(s.thenblock);
        if (s.elseblock) s.elseblock = this.root(s.elseblock);
        return s;
      case 'for_loop':
      case 'foreach_loop': {
        replaceChildren(s, (c) => (c === s.block ? c : this.node(c)));
        this.loopDepth++;
        s.block = this.statement(s.block);
        this.loopDepth--;
        return s;
      }
      default:
        replaceChildren(s, (c) => this.node(c));
        return s;
    }
  }

  private node(n: Node): Node {
    return isStatement(n) ? this.statement(n) : this.expression(n);
  }

  private expression(e: Expression): Expression {
    replaceChildren(e, (c) => this.node(c));
    if (!this.isStableCall(e) || !this.top) return e;
    const name = `__stable_${e.function}_value`;
    let v = this.newVars.get(name);
    if (!v) {
      v = {
        kind: 'vardecl',
        tok: e.tok,
        name,
        unmangledName: name,
        maxsize: 0,
        wrap: false,
        type: e.type ?? 'unknown',
        arity: 0,
        isPrivate: false,
        synthetic: true,
      };
      this.locals.push(v);
      this.newVars.set(name, v);
    }
    const sym = (): Annotated<Symbol> => ({ kind: 'symbol', tok: e.tok, name, referent: v, type: e.type });
    if (!this.scopeVars.has(name)) {
      const ass: Annotated<Assignment> = { kind: 'assignment', tok: e.tok, op: '=', left: sym(), right: e, type: e.type };
      this.newStmts.push([{ kind: 'expr_statement', tok: e.tok, value: ass }, this.top]);
      this.scopeVars.add(name);
    }
    return sym();
  }
}

/** The stable functions, in stap's order; throws opt7's error for a stable one that is not pure. */
function stableFunctions(e: Elaboration): Set<ElabFunction> {
  const stable = new Set<ElabFunction>();
  for (const f of sortedFunctions(e)) if (isStable(f)) stable.add(f);
  return stable;
}

/** opt7's check alone, without its rewriting (the editor's analysis, Pass2Options `analysisOnly`). */
export function checkStableFunctions(e: Elaboration): void {
  stableFunctions(e);
}

export function semanticPassOpt7(e: Elaboration): boolean {
  const stable = stableFunctions(e);
  if (stable.size === 0) return false;
  let changed = false;
  const run = (body: Statement, locals: VarDecl[]): Statement => {
    const sc = new StableCaller(stable, locals);
    const out = sc.root(body);
    for (const [stmt, block] of sc.newStmts) block.statements.unshift(stmt);
    if (sc.newStmts.length) changed = true;
    return out;
  };
  for (const p of e.probes) p.body = run(p.body, p.locals);
  for (const f of sortedFunctions(e)) if (f.body.kind !== 'embeddedcode') f.body = run(f.body, f.locals);
  return changed;
}
