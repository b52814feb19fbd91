/**
 * The probe-point name space as a tree of components, for completing a probe point one component
 * at a time and for finding the aliases a written point goes through. It has the shape of stap's
 * match tree (elaborate.cxx `match_node`, our elaborate/match-tree.ts): the built-in families
 * (probes/builtin-families.ts, as `stap --dump-probe-types` lists them) and every alias name of
 * the tapset library (file summaries, so no tapset is parsed to build it) and of the user's file.
 * Unlike the match tree it keys children by functor only (`process`, `process("…")` and
 * `process(N)` are one entry with three forms) and binds no builders.
 *
 * The library part is built once per library file list (WeakMap); the user's aliases are laid
 * over it per request.
 */
import type { ProbeAlias } from '../ast/staptree';
import type { LibraryFileView } from '../elaborate/library-view';
import { BUILTIN_PROBE_PATTERNS, parsePattern } from '../probes/builtin-families';
import { fnmatch, hasWildcard } from '../util/fnmatch';

export type ArgKind = 'none' | 'string' | 'number';

/** An alias whose name ends at a node: the library file (or the user's file) and its index there. */
export interface AliasRef {
  /** The library file; undefined for an alias of the user's file. */
  view?: LibraryFileView;
  /** For the user's file: the alias itself. */
  alias?: ProbeAlias;
  index: number;
  /** The full name, as written (`syscall.open.return`). */
  name: string;
}

export interface PointNode {
  children: Map<string, PointEdge>;
}

export interface PointEdge {
  functor: string;
  /** The forms the component takes: bare, `("…")`, `(N)`. */
  forms: Set<ArgKind>;
  /** Some built-in family runs through here. */
  builtin: boolean;
  /** A full point may end here (with one of `forms`). */
  terminal: boolean;
  /** Aliases whose name ends here. */
  aliases: AliasRef[];
  /** One built-in pattern or alias name through here (the first), for the item's detail. */
  example: string;
  node: PointNode;
}

const libraryTrees = new WeakMap<readonly LibraryFileView[], PointNode>();

function newNode(): PointNode {
  return { children: new Map() };
}

function bind(root: PointNode, path: readonly (readonly [string, ArgKind])[], example: string, alias?: AliasRef): void {
  let node = root;
  path.forEach(([functor, arg], i) => {
    let edge = node.children.get(functor);
    if (!edge) {
      edge = { functor, forms: new Set(), builtin: false, terminal: false, aliases: [], example, node: newNode() };
      node.children.set(functor, edge);
    }
    edge.forms.add(arg);
    if (!alias) edge.builtin = true;
    if (i === path.length - 1) {
      edge.terminal = true;
      if (alias) edge.aliases.push(alias);
    }
    node = edge.node;
  });
}

/** The tree of the built-in families and the library's aliases (made once per library). */
export function libraryPointTree(library: readonly LibraryFileView[]): PointNode {
  let root = libraryTrees.get(library);
  if (root) return root;
  root = newNode();
  for (const pattern of BUILTIN_PROBE_PATTERNS) {
    bind(root, parsePattern(pattern).map((c) => [c.name, c.arg ?? 'none'] as const), pattern);
  }
  for (const view of library) {
    view.summary.aliases.forEach((names, index) => {
      for (const name of names) {
        const written = name.map(([f, a]) => (a === 'none' ? f : `${f}(${a})`)).join('.');
        bind(root!, name, written, { view, index, name: written });
      }
    });
  }
  libraryTrees.set(library, root);
  return root;
}

/** The library tree with the user's aliases added (a shallow copy along their paths only). */
export function withUserAliases(root: PointNode, aliases: readonly ProbeAlias[]): PointNode {
  if (aliases.length === 0) return root;
  const copy: PointNode = { children: new Map(root.children) };
  aliases.forEach((alias, index) => {
    for (const pp of alias.aliasNames) {
      const path = pp.components.map((c) => [c.functor, c.arg ? (c.arg.kind === 'literal_string' ? 'string' : 'number') : 'none'] as const);
      const name = pp.components.map((c) => c.functor).join('.');
      let node = copy;
      path.forEach(([functor, arg], i) => {
        const old = node.children.get(functor);
        const edge: PointEdge = old
          ? { ...old, forms: new Set(old.forms), aliases: [...old.aliases], node: { children: new Map(old.node.children) } }
          : { functor, forms: new Set(), builtin: false, terminal: false, aliases: [], example: name, node: newNode() };
        edge.forms.add(arg);
        if (i === path.length - 1) {
          edge.terminal = true;
          edge.aliases.push({ alias, index, name });
        }
        node.children.set(functor, edge);
        node = edge.node;
      });
    }
  });
  return copy;
}

/**
 * The edges a written component matches below `nodes`: by name, or by glob (`*`, `?`, `[…]`).
 * A `**` component matches at any depth below, as stap's does.
 */
export function matchComponent(nodes: readonly PointNode[], name: string): PointEdge[] {
  const out: PointEdge[] = [];
  for (const node of nodes) {
    if (!hasWildcard(name)) {
      const e = node.children.get(name);
      if (e) out.push(e);
      continue;
    }
    for (const e of node.children.values()) if (fnmatch(name, e.functor)) out.push(e);
  }
  return out;
}

/** The nodes reached by a written point's components (none when a component matches nothing). */
export function walkPoint(root: PointNode, names: readonly string[]): PointNode[] {
  let nodes: PointNode[] = [root];
  for (const name of names) {
    nodes = matchComponent(nodes, name).map((e) => e.node);
    if (nodes.length === 0) break;
  }
  return nodes;
}

/** The edges that may follow a written prefix, merged by functor. */
export function nextComponents(root: PointNode, names: readonly string[]): PointEdge[] {
  const merged = new Map<string, PointEdge>();
  for (const node of walkPoint(root, names)) {
    for (const e of node.children.values()) {
      const have = merged.get(e.functor);
      if (!have) merged.set(e.functor, e);
      else
        merged.set(e.functor, {
          ...have,
          forms: new Set([...have.forms, ...e.forms]),
          builtin: have.builtin || e.builtin,
          terminal: have.terminal || e.terminal,
          aliases: [...have.aliases, ...e.aliases],
        });
    }
  }
  return [...merged.values()];
}

/**
 * The aliases a written point resolves through at its top: those whose whole name it matches,
 * else (stap's alias suffixes: `syscall.open.return` where only `syscall.open` is an alias
 * name) those that match its longest prefix.
 */
export function aliasesOfPoint(root: PointNode, names: readonly string[]): AliasRef[] {
  let nodes: PointNode[] = [root];
  let best: AliasRef[] = [];
  for (const name of names) {
    const edges = matchComponent(nodes, name);
    if (edges.length === 0) break;
    const here = edges.flatMap((e) => e.aliases);
    if (here.length) best = here;
    nodes = edges.map((e) => e.node);
  }
  return best;
}
