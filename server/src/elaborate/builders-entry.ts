/**
 * `@entry(E)` in a `.return` probe (tapsets.cxx: the var-expanding visitors' `visit_entry_op`
 * and the `.call` probe they add): E is evaluated when the function is entered, saved per
 * thread, and read back on return. Each `@entry` gets two synthetic globals,
 * `__global_entry_tvar_entry_N[tid, depth]` and its depth counter `…_ctr[tid]`, numbered across
 * the session; a companion probe on the same location with `.call` instead of `.return` pushes
 * the values, and the return probe pops them into locals `…_tmp` before its own body.
 *
 * The block shapes are stap's (visible with `-p2 -u -v`):
 *   call probe:   `{ { {} ; tid = tid() } ; G0[tid, ++G0_ctr[tid]] = E0 }`, one level per @entry;
 *   return probe: `{ { tid = tid(); tmp0 = G0[…]; delete G0[…]; if (!G0_ctr[tid]) delete …; … } ; BODY }`.
 */
import type {
  ArrayIndex,
  Block,
  EntryOp,
  Expression,
  ProbePoint,
  Statement,
  Symbol as SymbolExpr,
} from '../ast/staptree';
import type { Token } from '../passes/parse/token';
import type { Elaboration, ElabVar } from './model';

const counters = new WeakMap<Elaboration, number>();

/** The `@entry` operands of `body`, in visiting order (pre-order, left to right). */
function collectEntryOps(body: Statement): { op: EntryOp; replace: (x: Expression) => void }[] {
  const found: { op: EntryOp; replace: (x: Expression) => void }[] = [];
  const visit = (holder: Record<string | number, unknown>, key: string | number): void => {
    const v = holder[key];
    if (typeof v !== 'object' || v === null) return;
    if ((v as { kind?: string }).kind === 'entry_op') {
      found.push({ op: v as EntryOp, replace: (x) => (holder[key] = x) });
      return;
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
    for (const [k, x] of entries) if (k !== 'tok' && k !== 'referent' && k !== 'referents' && typeof x === 'object') visit(v as Record<string | number, unknown>, k);
  };
  visit({ body }, 'body');
  return found;
}

function sym(tok: Token, name: string): SymbolExpr {
  return { kind: 'symbol', tok, name };
}

function exprStatement(tok: Token, value: Expression): Statement {
  return { kind: 'expr_statement', tok, value };
}

function assign(tok: Token, left: Expression, right: Expression): Expression {
  return { kind: 'assignment', tok, op: '=', left, right };
}

function block(tok: Token, statements: Statement[]): Block {
  return { kind: 'block', tok, statements };
}

function index(tok: Token, base: SymbolExpr, indexes: Expression[]): ArrayIndex {
  return { kind: 'arrayindex', tok, base, indexes };
}

/** A synthetic global, already in the session (stap pushes it into `s.globals` itself). */
function syntheticGlobal(e: Elaboration, tok: Token, name: string, arity: number): ElabVar {
  const v: ElabVar = {
    kind: 'vardecl',
    tok,
    name,
    unmangledName: name,
    maxsize: 0,
    wrap: false,
    type: 'unknown',
    arity,
    isPrivate: false,
    synthetic: true,
  };
  e.globals.push(v);
  return v;
}

/** A symbol bound to a global (symbol resolution leaves a bound symbol alone). */
function globalRef(tok: Token, v: ElabVar): SymbolExpr {
  return Object.assign(sym(tok, v.name), { referent: v });
}

/** The location with `.return` (and what follows it, `.maxactive(N)`) turned into `.call`. */
function callLocation(loc: ProbePoint): ProbePoint {
  const i = loc.components.findIndex((c) => c.functor === 'return');
  const components = loc.components.slice(0, i);
  components.push({ tok: loc.components[i].tok, functor: 'call' });
  return { ...loc, components };
}

/**
 * Rewrites the `@entry` operands of a return probe's `body`. Returns the new body and the
 * companion `.call` probe's location and body, or undefined when the body has no `@entry`.
 */
export function expandEntryOps(
  e: Elaboration,
  loc: ProbePoint,
  body: Statement,
): { body: Statement; call: { location: ProbePoint; body: Statement } } | undefined {
  if (!loc.components.some((c) => c.functor === 'return')) return undefined;
  const ops = collectEntryOps(body);
  if (ops.length === 0) return undefined;

  const tok = ops[0].op.tok;
  const tidCall = (): Expression => ({ kind: 'functioncall', tok, function: 'tid', args: [] });
  const TID = '_entry_tvar_tid';
  let callBody: Block = block(tok, [block(tok, []), exprStatement(tok, assign(tok, sym(tok, TID), tidCall()))]);
  const prologue: Statement[] = [exprStatement(tok, assign(tok, sym(tok, TID), tidCall()))];

  for (const { op, replace } of ops) {
    const n = counters.get(e) ?? 0;
    counters.set(e, n + 1);
    const t = op.tok;
    const name = `__global_entry_tvar_entry_${n}`;
    const saved = syntheticGlobal(e, t, name, 2);
    const depth = syntheticGlobal(e, t, `${name}_ctr`, 1);
    const tmp = `${name}_tmp`;
    const depthAt = () => index(t, globalRef(t, depth), [sym(t, TID)]);

    // G[tid, ++G_ctr[tid]] = E
    const push = assign(t, index(t, globalRef(t, saved), [sym(t, TID), { kind: 'pre_crement', tok: t, op: '++', operand: depthAt() }]), op.operand);
    callBody = block(t, [callBody, exprStatement(t, push)]);

    // tmp = G[tid, G_ctr[tid]]; delete G[tid, G_ctr[tid]--]; if (!G_ctr[tid]) delete G_ctr[tid]
    prologue.push(exprStatement(t, assign(t, sym(t, tmp), index(t, globalRef(t, saved), [sym(t, TID), depthAt()]))));
    prologue.push({
      kind: 'delete_statement',
      tok: t,
      value: index(t, globalRef(t, saved), [sym(t, TID), { kind: 'post_crement', tok: t, op: '--', operand: depthAt() }]),
    });
    prologue.push({
      kind: 'if_statement',
      tok: t,
      condition: { kind: 'unary_expression', tok: t, op: '!', operand: depthAt() },
      thenblock: { kind: 'delete_statement', tok: t, value: depthAt() },
    });
    replace(sym(t, tmp));
  }

  return {
    body: block(tok, [block(tok, prologue), body]),
    call: { location: callLocation(loc), body: callBody },
  };
}
