/**
 * In-place child replacement for the optimiser's rewriting visitors (staptree.cxx
 * `update_visitor::replace`): stap assigns the rewritten child back into its parent's field, so
 * a node shared between two places (a probe condition is both in the signature and, negated, at
 * the head of the body) sees the rewrite in both. These helpers do the same on our plain-data
 * nodes.
 */
import type { Expression, Statement } from '../ast/staptree';
import { isNode, updateKeys, type Node } from '../ast/walk';

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

/**
 * Replaces every direct child node of `node` by `f(child)`, in source order, writing the result
 * back into the field (arrays element-wise; target-symbol component indexes too).
 */
export function replaceChildren(node: Node, f: (child: Node) => Node): void {
  const rec = node as unknown as Record<string, unknown>;
  for (const k of updateKeys(node)) {
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

/** An expression statement for `value`, with the value's token (as stap builds them). */
export function exprStatement(value: Expression): Statement {
  return { kind: 'expr_statement', tok: value.tok, value };
}
