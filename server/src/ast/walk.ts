/**
 * Generic traversal and copying of the parse tree (staptree.cxx: `traversing_visitor`,
 * `deep_copy_visitor`). Pass 2 walks bodies many times (symbol resolution, types, optimiser,
 * side-effect analysis); these helpers spare each module its own walker.
 *
 * A node is any object with a `kind` (expressions, statements, declarations); target-symbol
 * components (`{ type: 'expression_array_index', expr }`) are walked through. Tokens and source
 * files are shared, never copied, and so are pass-2 annotations that point elsewhere
 * (`referent`, `referents`).
 */
import type { Expression, Statement } from './staptree';

export type Node = Expression | Statement;

/** Keys that hold references to other parts of the tree or session, not owned children. */
const SHARED_KEYS = new Set(['tok', 'typeTok', 'referent', 'referents', 'file', 'location', 'chain', 'systemtapVConditional']);

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';
}

/** The direct child nodes of `node`, in source order (`null` wildcards skipped). */
export function childNodes(node: Node): Node[] {
  const out: Node[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (isNode(v)) out.push(v);
    else if (typeof v === 'object' && v !== null && 'type' in v && 'tok' in v) {
      // target_symbol components: only expression indexes have children
      const c = v as { expr?: unknown };
      if (c.expr) visit(c.expr);
    }
  };
  for (const [k, v] of Object.entries(node)) {
    if (SHARED_KEYS.has(k)) continue;
    visit(v);
  }
  return out;
}

/** Calls `f` on `node` and every node below it, parents first. Return false from `f` to skip children. */
export function walk(node: Node, f: (n: Node) => boolean | void): void {
  if (f(node) === false) return;
  for (const c of childNodes(node)) walk(c, f);
}

/** A deep copy of `node` (staptree.cxx `deep_copy_visitor`): new nodes, shared tokens. */
export function deepCopy<T>(node: T): T {
  const copy = (v: unknown, key?: string): unknown => {
    if (key !== undefined && SHARED_KEYS.has(key)) return v;
    if (Array.isArray(v)) return v.map((x) => copy(x));
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = copy(x, k);
    return out;
  };
  return copy(node) as T;
}
