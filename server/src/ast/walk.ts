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

/** Appends the nodes in `v` (a child value: node, list, target-symbol component) to `out`. */
function collectNodes(v: unknown, out: Node[]): void {
  if (typeof v !== 'object' || v === null) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) collectNodes(v[i], out);
  } else if (typeof (v as { kind?: unknown }).kind === 'string') {
    out.push(v as Node);
  } else if ('type' in v && 'tok' in v) {
    // target_symbol components: only expression indexes have children
    const expr = (v as { expr?: unknown }).expr;
    if (expr) collectNodes(expr, out);
  }
}

/**
 * The direct child nodes of `node`, in source order (`null` wildcards skipped). Called for
 * every node of every walk, so it allocates nothing but its result (`for…in` over the plain
 * AST objects, no entry pairs or closures).
 */
export function childNodes(node: Node): Node[] {
  const out: Node[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const k in record) {
    if (SHARED_KEYS.has(k)) continue;
    collectNodes(record[k], out);
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
