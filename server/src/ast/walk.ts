/**
 * Generic traversal and copying of the parse tree (staptree.cxx: `traversing_visitor`,
 * `deep_copy_visitor`). Pass 2 walks bodies many times (symbol resolution, types, optimiser,
 * side-effect analysis); these helpers spare each module its own walker.
 *
 * A node is any object with a `kind` (expressions, statements, declarations); target-symbol
 * components (`{ type: 'expression_array_index', expr }`) are walked through. Tokens and source
 * files are shared, never copied, and so are pass-2 annotations that point elsewhere
 * (`referent`, `referents`).
 *
 * The child fields of each kind come from one table ({@link CHILD_KEYS}, in source order), so a
 * walk does not scan every field of every node; a kind missing from the table falls back to the
 * scan. test/pass2/child-keys.test.ts checks the table against the scan on every node of the
 * installed tapsets and examples, before and after pass 2.
 */
import type { Expression, Statement } from './staptree';

export type Node = Expression | Statement;

/** Keys that hold references to other parts of the tree or session, not owned children. */
const SHARED_KEYS = new Set(['tok', 'typeTok', 'referent', 'referents', 'file', 'location', 'chain', 'systemtapVConditional']);

/** The fields that hold child nodes, per kind, in source order (staptree.ts). */
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
  // As the parser builds it (a value `v =` is read before the array).
  foreach_loop: ['indexes', 'arraySlice', 'value', 'base', 'limit', 'block'],
  return_statement: ['value'],
  delete_statement: ['value'],
  next_statement: [],
  break_statement: [],
  continue_statement: [],
};

/**
 * The optimiser's order, where it differs from the walk's: stap's update visitors take a
 * `foreach`'s array before its value (elaborate.cxx), and warnings come out in that order.
 */
const UPDATE_KEYS: Record<string, readonly string[]> = {
  ...CHILD_KEYS,
  foreach_loop: ['indexes', 'arraySlice', 'base', 'value', 'limit', 'block'],
};

export function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string';
}

/** The fields of `node` that may hold child nodes, in source order (the table, else a scan). */
export function childKeys(node: Node): readonly string[] {
  return CHILD_KEYS[node.kind] ?? Object.keys(node).filter((k) => !SHARED_KEYS.has(k));
}

/** The fields the optimiser's rewriting visitors take, in their order ({@link UPDATE_KEYS}). */
export function updateKeys(node: Node): readonly string[] {
  return UPDATE_KEYS[node.kind] ?? childKeys(node);
}

/** The child fields by scanning every field of `node` (the table's reference; tests compare the two). */
export function scannedChildKeys(node: Node): string[] {
  const out: string[] = [];
  const record = node as unknown as Record<string, unknown>;
  for (const k in record) {
    if (SHARED_KEYS.has(k)) continue;
    const probe: Node[] = [];
    collectNodes(record[k], probe);
    if (probe.length > 0) out.push(k);
  }
  return out;
}

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

/** The direct child nodes of `node`, in source order (`null` wildcards skipped). */
export function childNodes(node: Node): Node[] {
  const out: Node[] = [];
  const record = node as unknown as Record<string, unknown>;
  const keys = childKeys(node);
  for (let i = 0; i < keys.length; i++) collectNodes(record[keys[i]], out);
  return out;
}

/** Calls `f` on every direct child node of `node`, in `keys`' order (source order by default). */
export function forEachChild(node: Node, f: (child: Node) => void, keys: readonly string[] = childKeys(node)): void {
  const rec = node as unknown as Record<string, unknown>;
  for (let k = 0; k < keys.length; k++) {
    const v = rec[keys[k]];
    if (isNode(v)) f(v);
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (isNode(x)) f(x);
        else if (typeof x === 'object' && x !== null && 'type' in x && 'tok' in x) {
          const c = x as { expr?: unknown };
          if (isNode(c.expr)) f(c.expr);
        }
      }
    }
  }
}

/** Calls `f` on `node` and every node below it, parents first. Return false from `f` to skip children. */
export function walk(node: Node, f: (n: Node) => boolean | void): void {
  if (f(node) === false) return;
  forEachChild(node, (c) => walk(c, f));
}

/** Calls `f` on every direct child node of `node`, in the optimiser's order ({@link updateKeys}). */
export function forEachUpdateChild(node: Node, f: (child: Node) => void): void {
  forEachChild(node, f, updateKeys(node));
}

/** {@link walk} in the optimiser's order. */
export function walkFast(node: Node, f: (n: Node) => boolean | void): void {
  if (f(node) === false) return;
  forEachUpdateChild(node, (c) => walkFast(c, f));
}

/** A deep copy of `node` (staptree.cxx `deep_copy_visitor`): new nodes, shared tokens. */
export function deepCopy<T>(node: T): T {
  return copyValue(node) as T;
}

function copyValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copyValue(v[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  const record = v as Record<string, unknown>;
  for (const k in record) out[k] = SHARED_KEYS.has(k) ? record[k] : copyValue(record[k]);
  return out;
}
