/**
 * What lies at a position of a document, for the IDE features (hover, definition, references…):
 * the token under the cursor and every tree node stap keeps for that token. No stap routine is
 * mirrored; this is the editor's inverse of "a node's `tok` is where messages point".
 *
 * API (small on purpose; plain data, positions as in workspace/analysis.ts):
 * - {@link locate}`(analysis, position)`: the {@link Located} at the cursor, or undefined when no
 *   token is there. `token` is the document's own token (lexed again, before macro expansion:
 *   an `@name` invocation is a token here even though the parser never saw it); `nodes` are the
 *   expressions/statements of the *elaborated* bodies (annotated with types and referents, one
 *   per derived probe or function copy) whose token is that token; `decls` are the declarations
 *   written there (globals, functions, parameters, probe points, alias names), with their
 *   elaborated counterparts when pass 2 kept them.
 * - {@link tokenAt}: only the document token at a position; {@link documentTokens}: all of them.
 *
 * Indexes are built once per analysis (an Analysis is immutable) and cached in WeakMaps, so a
 * request costs a binary search and a map lookup.
 */
import type { FunctionDecl, Probe, ProbeAlias, ProbePoint, StapFile, VarDecl } from '../ast/staptree';
import { walk, type Node } from '../ast/walk';
import type { DerivedProbe, ElabFunction, ElabVar, Elaboration } from '../elaborate/model';
import { Lexer } from '../passes/parse/lexer';
import type { Token } from '../passes/parse/token';
import { LineIndex, type Analysis, type Position, type Range } from '../workspace/analysis';

/** The elaborated body an expression belongs to. */
export type Owner = { kind: 'probe'; probe: DerivedProbe } | { kind: 'function'; fn: ElabFunction };

/** A node of an elaborated body whose token is under the cursor. */
export interface NodeHit {
  node: Node;
  owner: Owner;
}

/** A declaration written at the cursor. */
export type DeclHit =
  /** `global x`: the pass-1 declaration, and pass 2's variable when it kept the global. */
  | { kind: 'global'; decl: VarDecl; elab?: ElabVar }
  /** The name of `function f(…)`; `elab` when pass 2 kept (and typed) the function. */
  | { kind: 'function'; decl: FunctionDecl; elab?: ElabFunction }
  /**
   * A local of a derived probe or function declared here (its first use), even where the
   * optimiser removed the code that used it but pass 2 kept the declaration.
   */
  | { kind: 'local'; decl: ElabVar; owner: Owner }
  /** A parameter of a function. */
  | { kind: 'param'; decl: VarDecl; fn: FunctionDecl; elab?: ElabVar; elabFn?: ElabFunction }
  /**
   * A component of a probe point written in a probe (`of` a Probe) or of an alias (`of` a
   * ProbeAlias: `alias` tells whether it is one of its names or one of its locations).
   * `derived` are the derived probes that came from this probe point.
   */
  | { kind: 'probe-point'; point: ProbePoint; component: number; of: Probe | ProbeAlias; alias?: 'name' | 'location'; derived: DerivedProbe[] };

export interface Located {
  /** The document token under the cursor (before macro expansion). */
  token: Token;
  /** The range of that token in the document. */
  range: Range;
  nodes: NodeHit[];
  decls: DeclHit[];
}

interface Entry {
  nodes: NodeHit[];
  decls: DeclHit[];
}

interface Index {
  lines: LineIndex;
  /** Document tokens in source order. */
  tokens: Token[];
  /** By `line:column` of the token. */
  at: Map<string, Entry>;
}

const indexes = new WeakMap<Analysis, Index>();

const key = (t: Token): string => `${t.location.line}:${t.location.column}`;

/** Byte width of a token as written (strings with their quotes; at least 1). */
function tokenWidth(t: Token): number {
  if (t.type === 'string') return t.content.length + 2;
  if (t.type === 'embedded-code') return t.content.length + 4;
  return Math.max(t.content.length, 1);
}

/** The token of the document at `pos` (the one containing it, else one ending right there). */
export function tokenAt(analysis: Analysis, pos: Position): Token | undefined {
  return findToken(indexOf(analysis), pos);
}

/** The document's tokens in source order, as its own lexer makes them (no macro expansion). */
export function documentTokens(analysis: Analysis): readonly Token[] {
  return indexOf(analysis).tokens;
}

/** Everything at the cursor (see the module comment); undefined when no token is there. */
export function locate(analysis: Analysis, pos: Position): Located | undefined {
  const index = indexOf(analysis);
  const token = findToken(index, pos);
  if (!token) return undefined;
  const entry = index.at.get(key(token));
  const line = token.location.line - 1;
  const col = token.location.column - 1;
  const range = { start: index.lines.position(line, col), end: index.lines.position(line, col + tokenWidth(token)) };
  return { token, range, nodes: entry?.nodes ?? [], decls: entry?.decls ?? [] };
}

function findToken(index: Index, pos: Position): Token | undefined {
  const offsetLine = pos.line + 1;
  const byteCol = index.lines.offset(pos) - index.lines.offset({ line: pos.line, character: 0 }) + 1;
  const { tokens } = index;
  // Binary search for the last token starting at or before the cursor.
  let lo = 0;
  let hi = tokens.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const l = tokens[mid].location;
    if (l.line < offsetLine || (l.line === offsetLine && l.column <= byteCol)) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (best < 0) return undefined;
  const wordy = (x: Token) => x.type === 'identifier' || x.type === 'keyword' || x.content.startsWith('@') || x.content.startsWith('$');
  // Right between a word and what follows it (`foo|(`), the word is meant.
  const prev = tokens[best - 1];
  if (
    prev &&
    !wordy(tokens[best]) &&
    tokens[best].location.line === offsetLine &&
    tokens[best].location.column === byteCol &&
    prev.location.line === offsetLine &&
    prev.location.column + tokenWidth(prev) === byteCol &&
    wordy(prev)
  ) {
    return prev;
  }
  const t = tokens[best];
  if (t.location.line !== offsetLine) return undefined;
  const end = t.location.column + tokenWidth(t);
  if (byteCol < end) return t;
  // The cursor right after a word (`foo|`) still means that word.
  if (byteCol === end && wordy(t)) return t;
  return undefined;
}

function indexOf(analysis: Analysis): Index {
  let index = indexes.get(analysis);
  if (!index) {
    index = buildIndex(analysis);
    indexes.set(analysis, index);
  }
  return index;
}

/** The document's tokens as its own lexer makes them (no macro expansion, no conditionals). */
function lexDocument(analysis: Analysis): Token[] {
  const s = analysis.session;
  const file = analysis.file?.file ?? { name: analysis.path, text: analysis.bytes };
  const lexer = new Lexer(file, { args: s?.args ?? [], compatible: s?.compatible ?? '99', assumeArgs: true });
  const out: Token[] = [];
  for (let t = lexer.next(); t; t = lexer.next()) {
    // `$1` substitutions relocate tokens; keep the list sorted by position regardless.
    if (t.location.file === file) out.push(t);
  }
  out.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  return out;
}

function buildIndex(analysis: Analysis): Index {
  const at = new Map<string, Entry>();
  const path = analysis.path;
  const entry = (t: Token): Entry | undefined => {
    if (t.location.file.name !== path) return undefined;
    const k = key(t);
    let e = at.get(k);
    if (!e) at.set(k, (e = { nodes: [], decls: [] }));
    return e;
  };
  const e = analysis.elaboration;
  const file = analysis.file;

  const addBody = (root: Node | undefined, owner: Owner) => {
    if (!root) return;
    walk(root, (n) => {
      entry(n.tok)?.nodes.push({ node: n, owner });
    });
  };
  const addLocals = (locals: VarDecl[], owner: Owner) => {
    // Synthetic locals (opt7's `__stable_…`, `@entry` temporaries) sit at a token of another name.
    for (const v of locals) if (v.tok.content === (v.unmangledName || v.name)) entry(v.tok)?.decls.push({ kind: 'local', decl: v as ElabVar, owner });
  };
  if (e) {
    for (const p of e.probes) {
      const owner: Owner = { kind: 'probe', probe: p };
      addBody(p.body, owner);
      if (p.condition) addBody(p.condition, owner);
      addLocals(p.locals, owner);
    }
    for (const fn of e.functions.values()) {
      const owner: Owner = { kind: 'function', fn };
      addBody(fn.body, owner);
      addLocals(fn.locals, owner);
    }
  }

  if (file) {
    const globals = new Map<Token, ElabVar>();
    for (const g of e?.globals ?? []) globals.set(g.tok, g);
    for (const g of file.globals) entry(g.tok)?.decls.push({ kind: 'global', decl: g, elab: globals.get(g.tok) });

    const fns = new Map<Token, ElabFunction>();
    for (const f of e?.functions.values() ?? []) fns.set(f.tok, f);
    for (const f of file.functions) {
      const elab = fns.get(f.tok);
      entry(f.tok)?.decls.push({ kind: 'function', decl: f, elab });
      f.formalArgs.forEach((a, i) => {
        entry(a.tok)?.decls.push({ kind: 'param', decl: a, fn: f, elabFn: elab, elab: elab?.formalArgs[i] as ElabVar | undefined });
      });
    }

    const derivedOf = derivedByWritten(e);
    const addPoints = (of: Probe | ProbeAlias, points: ProbePoint[], alias?: 'name' | 'location') => {
      for (const point of points) {
        const derived = alias ? [] : pointDerived(of as Probe, point, derivedOf.get(of as Probe) ?? []);
        point.components.forEach((c, component) => {
          entry(c.tok)?.decls.push({ kind: 'probe-point', point, component, of, alias, derived });
        });
      }
    };
    for (const p of file.probes) addPoints(p, p.locations);
    for (const a of file.aliases) {
      addPoints(a, a.aliasNames, 'name');
      addPoints(a, a.locations, 'location');
    }
  }
  return { lines: new LineIndex(analysis.bytes), tokens: lexDocument(analysis), at };
}

/** Derived probes by the written probe they came from (the root of their origin chain). */
function derivedByWritten(e: Elaboration | undefined): Map<Probe, DerivedProbe[]> {
  const out = new Map<Probe, DerivedProbe[]>();
  for (const dp of e?.probes ?? []) {
    let o = dp.origin;
    while (o.kind === 'alias') o = o.base;
    const list = out.get(o.probe);
    if (list) list.push(dp);
    else out.set(o.probe, [dp]);
  }
  return out;
}

/** Of the derived probes of `probe`, those that came from its location `point`. */
function pointDerived(probe: Probe, point: ProbePoint, derived: DerivedProbe[]): DerivedProbe[] {
  if (probe.locations.length === 1) return derived;
  const text = pointText(point);
  return derived.filter((dp) => {
    // The outermost alias level names the written point; without aliases the location is it.
    let o = dp.origin;
    let outer: ProbeAlias | undefined;
    while (o.kind === 'alias') {
      outer = o.alias;
      o = o.base;
    }
    if (outer) return outer.aliasNames.some((n) => matchesWritten(pointText(n), text));
    return dp.location.components[0]?.tok === point.components[0]?.tok || matchesWritten(pointText(dp.location), text);
  });
}

function pointText(p: ProbePoint): string {
  return p.components.map((c) => c.functor).join('.');
}

/** Whether an alias name (or resolved point) could be what a written (maybe wildcard) point names. */
function matchesWritten(name: string, written: string): boolean {
  if (name === written) return true;
  if (!/[*]/.test(written)) return name.startsWith(`${written}.`) || written.startsWith(`${name}.`);
  const re = new RegExp(`^${written.split('**').map((s) => s.split('*').map(escapeRe).join('[^.]*')).join('.*')}`);
  return re.test(name);
}

function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

export type { StapFile };
