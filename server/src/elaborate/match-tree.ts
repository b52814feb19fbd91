/**
 * The probe-point pattern tree (elaborate.cxx `match_node`, `match_key`): one node per probe-point
 * component, keyed by (functor, whether it takes an argument, the argument's type). Builders are
 * bound at the node where a pattern ends: every alias of every library file first, then the
 * aliases of the user files (session.cxx `register_library_aliases`), then the built-in families
 * (tapsets.cxx `register_standard_tapsets`).
 *
 * This module is the data structure and its lookups; walking it for a probe point is derive.ts
 * (`match_node::find_and_build`). Children iterate in C++ `std::map<match_key>` order, so
 * wildcard expansions come out sorted.
 */
import type { Literal, ProbeAlias, ProbePointComponent, StapFile } from '../ast/staptree';
import { parsePattern, BUILTIN_PROBE_PATTERNS } from '../probes/builtin-families';
import { compareStrings, reportError, SemanticError, type Elaboration } from './model';

/** elaborate.h `match_key`: a component name and the shape of its argument. */
export interface MatchKey {
  name: string;
  /** `''` when the component takes no argument. */
  argType: '' | 'number' | 'string';
}

/** A builder bound at a node: an alias expansion or a built-in family pattern. */
export type Builder =
  | { kind: 'alias'; alias: ProbeAlias; file: StapFile }
  | { kind: 'family'; pattern: string };

/** elaborate.h `match_node`. */
export interface MatchNode {
  /** Children by {@link keyString}; iterate with {@link sortedChildren}. */
  children: Map<string, { key: MatchKey; node: MatchNode }>;
  /** Builders bound here (`ends`), in binding order. */
  ends: Builder[];
  /** Cached sorted children (invalidated on insert). */
  sorted?: { key: MatchKey; node: MatchNode }[];
}

/** match_key::str(): `name`, `name(number)` or `name(string)`. */
export function keyString(k: MatchKey): string {
  return k.argType ? `${k.name}(${k.argType})` : k.name;
}

/** The key a written component looks up (its argument's literal type). */
export function componentKey(c: { functor: string; arg?: Literal }): MatchKey {
  return { name: c.functor, argType: c.arg ? (c.arg.kind === 'literal_number' ? 'number' : 'string') : '' };
}

/** match_key::operator<: by name, then without-argument first, then number (pe_long) before string. */
export function compareKeys(a: MatchKey, b: MatchKey): number {
  const byName = compareStrings(a.name, b.name);
  if (byName) return byName;
  const rank = (k: MatchKey) => (k.argType === '' ? 0 : k.argType === 'number' ? 1 : 2);
  return rank(a) - rank(b);
}

export function newNode(): MatchNode {
  return { children: new Map(), ends: [] };
}

/** Children in match_key order. */
export function sortedChildren(node: MatchNode): { key: MatchKey; node: MatchNode }[] {
  node.sorted ??= [...node.children.values()].sort((a, b) => compareKeys(a.key, b.key));
  return node.sorted;
}

/** The child for `key`, created if missing (match_node::bind). */
export function bindChild(node: MatchNode, key: MatchKey): MatchNode {
  const s = keyString(key);
  let child = node.children.get(s);
  if (!child) {
    child = { key, node: newNode() };
    node.children.set(s, child);
    node.sorted = undefined;
  }
  return child.node;
}

/** Binds `builder` at the end of the path `keys` under `root`. */
export function bindPath(root: MatchNode, keys: readonly MatchKey[], builder: Builder): void {
  let node = root;
  for (const k of keys) node = bindChild(node, k);
  node.ends.push(builder);
}

/**
 * Binds every name of an alias (`probe a = b = …`). An alias name cannot take arguments:
 * that name is skipped with `while registering probe alias` (session.cxx
 * `register_library_aliases`).
 */
function bindAlias(e: Elaboration, root: MatchNode, alias: ProbeAlias, file: StapFile): void {
  for (const name of alias.aliasNames) {
    const bad = name.components.find((c: ProbePointComponent) => c.arg);
    if (bad) {
      reportError(
        e,
        new SemanticError('while registering probe alias', alias.tok, undefined, 'register_library_aliases').chained(
          new SemanticError(`alias component ${bad.functor} contains illegal parameter`, undefined, undefined, 'register_library_aliases:parameter'),
        ),
      );
      continue;
    }
    bindPath(root, name.components.map((c: ProbePointComponent) => componentKey(c)), { kind: 'alias', alias, file });
  }
}

const trees = new WeakMap<Elaboration, MatchNode>();

/** The session's pattern tree (`s.pattern_root`), built on first use. */
export function patternRoot(e: Elaboration): MatchNode {
  let root = trees.get(e);
  if (!root) {
    root = newNode();
    for (const f of e.libraryFiles) for (const a of f.aliases) bindAlias(e, root, a, f);
    for (const f of e.userFiles) for (const a of f.aliases) bindAlias(e, root, a, f);
    for (const pattern of BUILTIN_PROBE_PATTERNS) {
      bindPath(
        root,
        parsePattern(pattern).map((c) => ({ name: c.name, argType: c.arg ?? '' })),
        { kind: 'family', pattern },
      );
    }
    trees.set(e, root);
  }
  return root;
}
