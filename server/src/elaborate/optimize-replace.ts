/**
 * In-place child replacement for the optimiser's rewriting visitors (staptree.cxx
 * `update_visitor::replace`): stap assigns the rewritten child back into its parent's field, so
 * a node shared between two places (a probe condition is both in the signature and, negated, at
 * the head of the body) sees the rewrite in both. These helpers do the same on our plain-data
 * nodes.
 */
import type { Expression, Statement } from '../ast/staptree';
import type { Node } from '../ast/walk';

const STATEMENT_KINDS = new Set([
  'block',
  'try_block',
  'embeddedcode',
  'null_statement',
  'expr_statement',
  'if_statement',
  'for_loop',
  'foreach_loop',
  'return_statement',
  'delete_statement',
  'next_statement',
  'break_statement',
  'continue_statement',
]);

export function isStatement(n: Node): n is Statement {
  return STATEMENT_KINDS.has(n.kind);
}

/** Keys that do not hold owned children (mirrors walk.ts). */
const SHARED_KEYS = new Set(['tok', 'typeTok', 'referent', 'referents', 'file', 'location', 'chain', 'systemtapVConditional']);

/**
 * The fields that hold child nodes, per kind, in source order (staptree.ts). The optimiser
 * walks every body many times per round, and a round can repeat once per link of a chain of
 * dead assignments, so this table replaces walk.ts's generic field scan on the hot path; an
 * unknown kind falls back to the scan.
 */
const CHILD_KEYS: Record<string, readonly string[]> = {
  literal_string: [],
  literal_number: [],
  embedded_expr: [],
  symbol: [],
  probewrite_op: [],
  target_register: [],
  binary_expression: ['left', 'right'],
  logical_or_expr: ['left', 'right'],
  logical_and_expr: ['left', 'right'],
  comparison: ['left', 'right'],
  concatenation: ['left', 'right'],
  assignment: ['left', 'right'],
  regex_query: ['left', 'right'],
  unary_expression: ['operand'],
  pre_crement: ['operand'],
  post_crement: ['operand'],
  array_in: ['operand'],
  defined_op: ['operand'],
  entry_op: ['operand'],
  perf_op: ['operand'],
  ternary_expression: ['cond', 'truevalue', 'falsevalue'],
  target_symbol: ['components'],
  atvar_op: ['components'],
  cast_op: ['operand', 'components'],
  autocast_op: ['operand', 'components'],
  arrayindex: ['base', 'indexes'],
  functioncall: ['args'],
  print_format: ['args', 'hist'],
  stat_op: ['stat'],
  hist_op: ['stat'],
  target_deref: ['addr'],
  block: ['statements'],
  try_block: ['tryBlock', 'catchErrorVar', 'catchBlock'],
  embeddedcode: [],
  null_statement: [],
  expr_statement: ['value'],
  if_statement: ['condition', 'thenblock', 'elseblock'],
  for_loop: ['init', 'cond', 'incr', 'block'],
  foreach_loop: ['indexes', 'arraySlice', 'base', 'value', 'limit', 'block'],
  return_statement: ['value'],
  delete_statement: ['value'],
  next_statement: [],
  break_statement: [],
  continue_statement: [],
};

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';
}

function childKeys(node: Node): readonly string[] {
  return CHILD_KEYS[node.kind] ?? Object.keys(node).filter((k) => !SHARED_KEYS.has(k));
}

/**
 * Replaces every direct child node of `node` by `f(child)`, in source order, writing the result
 * back into the field (arrays element-wise; target-symbol component indexes too).
 */
export function replaceChildren(node: Node, f: (child: Node) => Node): void {
  const rec = node as unknown as Record<string, unknown>;
  for (const k of childKeys(node)) {
    const v = rec[k];
    if (isNode(v)) rec[k] = f(v);
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (isNode(x)) v[i] = f(x);
        else if (typeof x === 'object' && x !== null && 'type' in x && 'tok' in x) {
          const c = x as { expr?: unknown };
          if (isNode(c.expr)) c.expr = f(c.expr);
        }
      }
    }
  }
}

/** Calls `f` on every direct child node of `node`, in source order. */
export function forEachChild(node: Node, f: (child: Node) => void): void {
  const rec = node as unknown as Record<string, unknown>;
  for (const k of childKeys(node)) {
    const v = rec[k];
    if (isNode(v)) f(v);
    else if (Array.isArray(v)) {
      for (const x of v as unknown[]) {
        if (isNode(x)) f(x);
        else if (typeof x === 'object' && x !== null && 'type' in x && 'tok' in x) {
          const c = x as { expr?: unknown };
          if (isNode(c.expr)) f(c.expr);
        }
      }
    }
  }
}

/** Calls `f` on `node` and every node below it, parents first; `false` from `f` skips the children. */
export function walkFast(node: Node, f: (n: Node) => boolean | void): void {
  if (f(node) === false) return;
  forEachChild(node, (c) => walkFast(c, f));
}

/** An expression statement for `value`, with the value's token (as stap builds them). */
export function exprStatement(value: Expression): Statement {
  return { kind: 'expr_statement', tok: value.tok, value };
}
