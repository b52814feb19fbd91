/**
 * The probe-point pattern tree (elaborate.cxx `match_node`, `match_key`): one node per probe-point
 * component, keyed by (functor, whether it takes an argument, the argument's type). Builders are
 * bound at the node where a pattern ends: every alias of every library file first, then the
 * aliases of the user files (session.cxx `register_library_aliases`), then the built-in families
 * (tapsets.cxx `register_standard_tapsets`). The library aliases and the families are bound once
 * per library, from the file summaries (a file is parsed when one of its aliases is used); each
 * run binds its user aliases on copies of the shared nodes it touches.
 *
 * This module is the data structure and its lookups; walking it for a probe point is derive.ts
 * (`match_node::find_and_build`). Children iterate in C++ `std::map<match_key>` order, so
 * wildcard expansions come out sorted.
 */
import type { ComponentKey } from '../ast/file-summary';
import type { Literal, ProbeAlias, ProbePointComponent, StapFile } from '../ast/staptree';
import { parsePattern, BUILTIN_PROBE_PATTERNS } from '../probes/builtin-families';
import type { LibraryFileView } from './library-view';
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

function aliasError(alias: ProbeAlias, functor: string): SemanticError {
  return new SemanticError('while registering probe alias', alias.tok, undefined, 'register_library_aliases').chained(
    new SemanticError(`alias component ${functor} contains illegal parameter`, undefined, undefined, 'register_library_aliases:parameter'),
  );
}

/** A library alias bound by name only: its tree is parsed when a probe point uses it. */
class LibraryAliasBuilder {
  readonly kind = 'alias' as const;
  constructor(
    private readonly view: LibraryFileView,
    private readonly index: number,
  ) {}

  get alias(): ProbeAlias {
    return this.view.stapfile.aliases[this.index];
  }

  get file(): StapFile {
    return this.view.stapfile;
  }
}

/**
 * A path waiting under a {@link LazyNode}: the components of an alias name (from its file's
 * summary) or of a built-in family pattern, `at` components of it bound so far. `origin` is the
 * alias's file (then `alias` is its index there) or the family pattern.
 */
interface PendingPath {
  path: readonly ComponentKey[];
  at: number;
  origin: LibraryFileView | string;
  alias: number;
}

/**
 * A node of the library's shared tree that binds lazily: the paths bound under it wait in
 * `pending` (in binding order) and go one level down the first time the node's children or
 * builders are read, so a run builds only the part of the tree its probe points walk.
 */
class LazyNode implements MatchNode {
  pending: PendingPath[] | undefined = [];
  sorted?: { key: MatchKey; node: MatchNode }[];
  private readonly kids = new Map<string, { key: MatchKey; node: MatchNode }>();
  private readonly builders: Builder[] = [];

  get children(): Map<string, { key: MatchKey; node: MatchNode }> {
    this.expand();
    return this.kids;
  }

  get ends(): Builder[] {
    this.expand();
    return this.builders;
  }

  private expand(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    for (const p of pending) {
      if (p.at === p.path.length) {
        this.builders.push(typeof p.origin === 'string' ? { kind: 'family', pattern: p.origin } : new LibraryAliasBuilder(p.origin, p.alias));
        continue;
      }
      const [name, arg] = p.path[p.at];
      const key: MatchKey = { name, argType: arg === 'none' ? '' : arg };
      const s = keyString(key);
      let child = this.kids.get(s);
      if (!child) {
        child = { key, node: new LazyNode() };
        this.kids.set(s, child);
      }
      (child.node as LazyNode).pending!.push({ path: p.path, at: p.at + 1, origin: p.origin, alias: p.alias });
    }
  }
}

/**
 * The library's part of the tree: every name of every library alias (from the file summaries;
 * the alias itself is parsed when a probe uses it), then the built-in families. Made once per
 * library, of lazily-binding nodes ({@link LazyNode}), and never changed by a run (a run adds its
 * user aliases on copies, {@link patternRoot}). An alias name cannot take arguments: that name is
 * skipped, and the error is replayed in every run (session.cxx `register_library_aliases`).
 */
interface LibraryTree {
  root: MatchNode;
  /** The alias names skipped for an argument, in binding order. */
  badAliases: { view: LibraryFileView; alias: number; functor: string }[];
}

const libraryTrees = new WeakMap<readonly LibraryFileView[], LibraryTree>();

/** The first component of an alias name that takes an argument, if any. */
function argumentComponent(name: readonly ComponentKey[]): ComponentKey | undefined {
  for (const c of name) if (c[1] !== 'none') return c;
  return undefined;
}

function libraryTree(library: readonly LibraryFileView[]): LibraryTree {
  let tree = libraryTrees.get(library);
  if (tree) return tree;
  const root = new LazyNode();
  const pending = root.pending!;
  const badAliases: LibraryTree['badAliases'] = [];
  for (const view of library) {
    const aliases = view.summary.aliases;
    for (let i = 0; i < aliases.length; i++) {
      for (const name of aliases[i]) {
        const bad = argumentComponent(name);
        if (bad) badAliases.push({ view, alias: i, functor: bad[0] });
        else pending.push({ path: name, at: 0, origin: view, alias: i });
      }
    }
  }
  for (const pattern of BUILTIN_PROBE_PATTERNS) {
    const path = parsePattern(pattern).map((c): ComponentKey => [c.name, c.arg ?? 'none']);
    pending.push({ path, at: 0, origin: pattern, alias: -1 });
  }
  tree = { root, badAliases };
  libraryTrees.set(library, tree);
  return tree;
}

/**
 * Binds a user alias's `builder` at `keys` under this run's `root`, copying the shared nodes on
 * the path first (`owned`: the nodes this run may change). The builder goes after the library
 * aliases and before the built-in families bound at the same node, as in stap's binding order.
 */
function bindUserPath(root: MatchNode, owned: Set<MatchNode>, keys: readonly MatchKey[], builder: Builder): void {
  let node = root;
  for (const key of keys) {
    const s = keyString(key);
    const child = node.children.get(s);
    let next: MatchNode;
    if (child && owned.has(child.node)) {
      next = child.node;
    } else {
      next = child ? { children: new Map(child.node.children), ends: [...child.node.ends] } : newNode();
      owned.add(next);
      node.children.set(s, { key, node: next });
      node.sorted = undefined;
    }
    node = next;
  }
  const family = node.ends.findIndex((b) => b.kind === 'family');
  if (family < 0) node.ends.push(builder);
  else node.ends.splice(family, 0, builder);
}

const trees = new WeakMap<Elaboration, MatchNode>();

/**
 * The session's pattern tree (`s.pattern_root`), made on first use: the library's shared tree,
 * with this run's user aliases bound on copies of the nodes they touch.
 */
export function patternRoot(e: Elaboration): MatchNode {
  let root = trees.get(e);
  if (root) return root;
  const shared = libraryTree(e.library);
  for (const bad of shared.badAliases) reportError(e, aliasError(bad.view.stapfile.aliases[bad.alias], bad.functor));
  root = shared.root;
  const owned = new Set<MatchNode>();
  for (const f of e.userFiles) {
    for (const alias of f.aliases) {
      for (const name of alias.aliasNames) {
        const bad = name.components.find((c: ProbePointComponent) => c.arg);
        if (bad) {
          reportError(e, aliasError(alias, bad.functor));
          continue;
        }
        if (!owned.has(root)) {
          root = { children: new Map(root.children), ends: [...root.ends] };
          owned.add(root);
        }
        bindUserPath(root, owned, name.components.map((c: ProbePointComponent) => componentKey(c)), { kind: 'alias', alias, file: f });
      }
    }
  }
  trees.set(e, root);
  return root;
}
