/**
 * The symbols of the files of a workspace, syntactically: for one parsed file, every place a
 * name is declared or used (functions, globals, parameters, locals, probe aliases and the probe
 * points that use them, macros and their parameters), and the resolution of each use to its
 * declaration the way stap's pass 2 scopes names (elaborate.cxx `symresolution_info::find_var`:
 * parameters, then the file's globals, then the library's, else a local of the probe or function;
 * `find_functions`: every overload of the name the file can see; `match_node::find_and_build` for
 * alias names, simplified to the alias names a probe point's globs match; parse.cxx `scan_pp1` for
 * macros: the file's own, then the library's).
 *
 * It works on any file (the open documents, the `.stp` files under the workspace folders, the
 * library's), without pass 2, so references and rename reach files that are not open. The
 * library side reads the file summaries (ast/file-summary.ts) and parses a library file only when
 * a declaration of it is asked for.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { Expression, FunctionDecl, Probe, ProbeAlias, ProbePoint, StapFile, Statement, VarDecl } from '../ast/staptree';
import { walk, type Node } from '../ast/walk';
import { viewsOfLoadedFiles, type LibraryFileView } from '../elaborate/library-view';
import { Lexer } from '../passes/parse/lexer';
import type { MacroDefinition } from '../passes/parse/macros';
import type { SourceFile, Token } from '../passes/parse/token';
import { parse } from '../passes/parse/parser';
import { Preprocessor } from '../passes/parse/preprocess';
import type { Session } from '../session';
import { fnmatch, hasWildcard } from '../util/fnmatch';
import { LineIndex, linesOf, tokenRange, type Analysis, type Range } from '../workspace/analysis';

/** A place in a file, LSP-style (0-based line, UTF-16 column). */
export interface Location {
  path: string;
  range: Range;
}

/** The body a local or parameter belongs to; none in a probe condition (globals only). */
export type Scope = FunctionDecl | Probe | ProbeAlias;

export interface MacroDecl {
  name: string;
  /** The name token after `@define`. */
  tok: Token;
  params: Token[];
}

export type OccurrenceKind = 'function' | 'var' | 'global' | 'alias' | 'probe-point' | 'macro' | 'macro-param';

/** A name written in a file: its declaration or a use. */
export interface Occurrence {
  kind: OccurrenceKind;
  decl: boolean;
  /** The name as written: an identifier, a macro name without `@`, a probe point's dotted text. */
  name: string;
  tok: Token;
  /** Bytes covered from the token's column. */
  width: number;
  /** `var`: the body it is in (undefined: a probe condition); `macro-param`: none. */
  scope?: Scope;
  /** `alias` (a name of an alias) and `probe-point`: the point and the component at the token. */
  point?: ProbePoint;
  component?: number;
  /** `alias`: the alias; `macro-param`: the macro. */
  alias?: ProbeAlias;
  macro?: MacroDecl;
}

/** One file's declarations and names. */
export interface FileIndex {
  path: string;
  source: SourceFile;
  file: StapFile;
  occurrences: Occurrence[];
  /** Occurrences by 1-based line. */
  byLine: Map<number, Occurrence[]>;
  functions: Map<string, FunctionDecl[]>;
  globals: Map<string, VarDecl>;
  macros: Map<string, MacroDecl>;
  /** The first use of each local per body (stap declares a local where it first meets it). */
  locals: Map<Scope, Map<string, Occurrence>>;
  lines: LineIndex;
}

/** What a name resolves to. `key` identifies the symbol (references compare keys). */
export type Target =
  | { kind: 'function'; name: string; key: string; loc: () => Location; path: string; library: boolean }
  | { kind: 'global'; name: string; key: string; loc: () => Location; path: string; library: boolean }
  | { kind: 'param'; name: string; key: string; loc: () => Location; path: string; library: false; scope: Scope }
  | { kind: 'local'; name: string; key: string; loc: () => Location; path: string; library: false; scope: Scope }
  | { kind: 'alias'; name: string; key: string; loc: () => Location; path: string; library: boolean }
  | { kind: 'macro'; name: string; key: string; loc: () => Location; path: string; library: boolean }
  | { kind: 'macro-param'; name: string; key: string; loc: () => Location; path: string; library: false };

// ---------------------------------------------------------------------------------------------
// Positions

export { linesOf } from '../workspace/analysis';

/** The location of `width` bytes at a token (its content's width when not given). */
export function tokenLocation(tok: Token, width?: number): Location {
  const source = tok.location.file;
  const lines = linesOf(source);
  if (width === undefined) return { path: source.name, range: tokenRange(lines, tok) };
  const line = tok.location.line - 1;
  const col = tok.location.column - 1;
  return { path: source.name, range: { start: lines.position(line, col), end: lines.position(line, col + width) } };
}

const tokKey = (t: Token): string => `${t.location.file.name}:${t.location.line}:${t.location.column}`;

/** A probe point as written: `syscall.read`, `kernel.function("x").return`. */
export function pointText(p: ProbePoint): string {
  return p.components
    .map((c) => (c.arg ? `${c.functor}(${c.arg.kind === 'literal_string' ? JSON.stringify(c.arg.value) : String(c.arg.value)})` : c.functor))
    .join('.');
}

// ---------------------------------------------------------------------------------------------
// Indexing one file

const fileIndexes = new WeakMap<StapFile, FileIndex>();

/** The index of a parsed file (made once per tree). `lexSession` lexes it again for its macros. */
export function indexFile(file: StapFile, lexSession?: Pick<Session, 'args' | 'compatible'>): FileIndex {
  let index = fileIndexes.get(file);
  if (index) return index;
  const source = file.file;
  const path = source.name;
  const occurrences: Occurrence[] = [];
  const inFile = (t: Token | undefined): t is Token => t !== undefined && t.location.file === source;
  const add = (o: Occurrence) => {
    if (inFile(o.tok)) occurrences.push(o);
  };
  const locals = new Map<Scope, Map<string, Occurrence>>();
  const functions = new Map<string, FunctionDecl[]>();
  const globals = new Map<string, VarDecl>();

  for (const g of file.globals) {
    globals.set(g.unmangledName, g);
    add({ kind: 'global', decl: true, name: g.unmangledName, tok: g.tok, width: g.unmangledName.length });
  }
  const body = (root: Node | undefined, scope: Scope | undefined) => {
    if (!root) return;
    walk(root, (n) => {
      if (n.kind === 'symbol') {
        add({ kind: 'var', decl: false, name: n.name, tok: n.tok, width: n.name.length, scope });
      } else if (n.kind === 'functioncall') {
        add({ kind: 'function', decl: false, name: n.function, tok: n.tok, width: n.function.length });
      }
    });
  };
  const points = (pps: ProbePoint[], alias?: ProbeAlias) => {
    for (const point of pps) {
      const name = pointText(point);
      point.components.forEach((c, component) => {
        add({ kind: alias ? 'alias' : 'probe-point', decl: alias !== undefined, name, tok: c.tok, width: Math.max(c.functor.length, 1), point, component, alias });
      });
      if (point.condition) body(point.condition as Expression, undefined);
    }
  };
  for (const f of file.functions) {
    const list = functions.get(f.unmangledName);
    if (list) list.push(f);
    else functions.set(f.unmangledName, [f]);
    add({ kind: 'function', decl: true, name: f.unmangledName, tok: f.tok, width: f.unmangledName.length });
    for (const a of f.formalArgs) add({ kind: 'var', decl: true, name: a.name, tok: a.tok, width: a.name.length, scope: f });
    if (f.body.kind === 'block') body(f.body, f);
  }
  for (const p of file.probes) {
    points(p.locations);
    body(p.body, p);
  }
  for (const a of file.aliases) {
    points(a.aliasNames, a);
    points(a.locations);
    body(a.body, a);
    body(a.body2 as Statement | undefined, a);
  }

  // Macros: the file's tokens before expansion.
  const macros = new Map<string, MacroDecl>();
  for (const o of lexMacros(source, lexSession)) {
    occurrences.push(o);
    if (o.kind === 'macro' && o.decl && !macros.has(o.name)) macros.set(o.name, o.macro!);
  }

  occurrences.sort((a, b) => a.tok.location.line - b.tok.location.line || a.tok.location.column - b.tok.location.column);
  const byLine = new Map<number, Occurrence[]>();
  for (const o of occurrences) {
    const l = byLine.get(o.tok.location.line);
    if (l) l.push(o);
    else byLine.set(o.tok.location.line, [o]);
    // Locals: the first use in each body of a name that is neither a parameter nor a global.
    if (o.kind === 'var' && o.scope && !o.decl && !globals.has(o.name)) {
      let m = locals.get(o.scope);
      if (!m) locals.set(o.scope, (m = new Map()));
      if (!m.has(o.name)) m.set(o.name, o);
    }
  }
  index = { path, source, file, occurrences, byLine, functions, globals, macros, locals, lines: linesOf(source) };
  fileIndexes.set(file, index);
  return index;
}

/** `@define` names, their parameters, and `@name` uses, from the file's own tokens. */
function lexMacros(source: SourceFile, session?: Pick<Session, 'args' | 'compatible'>): Occurrence[] {
  if (!source.text.includes('@')) return [];
  const tokens: Token[] = [];
  try {
    const lexer = new Lexer(source, { args: session?.args ?? [], compatible: session?.compatible ?? '99', assumeArgs: true });
    for (let t = lexer.next(); t; t = lexer.next()) if (t.location.file === source) tokens.push(t);
  } catch {
    // a lexer error ends the list; what came before is kept
  }
  const out: Occurrence[] = [];
  const isOp = (t: Token | undefined, c: string) => t !== undefined && t.type === 'operator' && t.content === c;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== 'operator' || !t.content.startsWith('@') || t.content.length < 2) continue;
    if (t.content !== '@define') {
      out.push({ kind: 'macro', decl: false, name: t.content.slice(1), tok: t, width: t.content.length });
      continue;
    }
    const nameTok = tokens[i + 1];
    if (!nameTok || nameTok.type !== 'identifier') continue;
    const macro: MacroDecl = { name: nameTok.content, tok: nameTok, params: [] };
    out.push({ kind: 'macro', decl: true, name: macro.name, tok: nameTok, width: macro.name.length, macro });
    let j = i + 2;
    if (isOp(tokens[j], '(')) {
      for (j++; j < tokens.length && !isOp(tokens[j], ')'); j++) {
        if (tokens[j].type === 'identifier') {
          macro.params.push(tokens[j]);
          out.push({ kind: 'macro-param', decl: true, name: tokens[j].content, tok: tokens[j], width: tokens[j].content.length, macro });
        }
      }
      j++;
    }
    if (!isOp(tokens[j], '%(')) {
      i = j - 1;
      continue;
    }
    const params = new Set(macro.params.map((p) => p.content));
    let depth = 0;
    for (j++; j < tokens.length; j++) {
      const b = tokens[j];
      if (isOp(b, '%(')) depth++;
      else if (isOp(b, '%)')) {
        if (depth === 0) break;
        depth--;
      } else if (b.type === 'operator' && b.content.startsWith('@') && b.content.length > 1) {
        const name = b.content.slice(1);
        if (params.has(name)) out.push({ kind: 'macro-param', decl: false, name, tok: b, width: b.content.length, macro });
        else out.push({ kind: 'macro', decl: false, name, tok: b, width: b.content.length });
      }
    }
    i = j;
  }
  return out;
}

/**
 * The occurrence at a 1-based line and byte column (a token containing it, or ending right
 * there); the narrowest when several overlap.
 */
export function occurrenceAt(index: FileIndex, line: number, column: number): Occurrence | undefined {
  let best: Occurrence | undefined;
  for (const o of index.byLine.get(line) ?? []) {
    const start = o.tok.location.column;
    if (column < start || column > start + o.width) continue;
    if (!best || (column < start + o.width && !(column < best.tok.location.column + best.width)) || o.width < best.width) best = o;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// The library

interface LibraryIndex {
  views: readonly LibraryFileView[];
  /** Non-private functions and globals by unmangled name: file and index in the file. */
  functions: Map<string, { view: LibraryFileView; i: number }[]>;
  globals: Map<string, { view: LibraryFileView; i: number }[]>;
  /** Every alias name: the file, the alias's index, the name's components. */
  aliases: { view: LibraryFileView; i: number; components: string[] }[];
  /** Alias names by first component (names whose first component is that string). */
  aliasesByHead: Map<string, { view: LibraryFileView; i: number; components: string[] }[]>;
  /** Alias names by their dotted text. */
  aliasesByName: Map<string, { view: LibraryFileView; i: number; components: string[] }[]>;
  macros: ReadonlyMap<string, MacroDefinition>;
  paths: Set<string>;
}

const libraryIndexes = new WeakMap<object, LibraryIndex>();

export interface LibraryLike {
  files: readonly { source: SourceFile; readonly stapfile: unknown; summary?: unknown }[];
  macros: unknown;
}

/** The library's names, indexed once per library (from the summaries: no file is parsed). */
export function indexLibrary(library: LibraryLike): LibraryIndex {
  let index = libraryIndexes.get(library.files);
  if (index) return index;
  const views = viewsOfLoadedFiles(library.files);
  const functions: LibraryIndex['functions'] = new Map();
  const globals: LibraryIndex['globals'] = new Map();
  const aliases: LibraryIndex['aliases'] = [];
  const aliasesByHead: LibraryIndex['aliasesByHead'] = new Map();
  const aliasesByName: LibraryIndex['aliasesByName'] = new Map();
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  for (const view of views) {
    const s = view.summary;
    s.functions.forEach((f, i) => {
      if (f.name.startsWith('__global_')) push(functions, f.unmangledName, { view, i });
    });
    s.globals.forEach((g, i) => {
      if (g.name.startsWith('__global_')) push(globals, g.unmangledName, { view, i });
    });
    s.aliases.forEach((names, i) => {
      for (const name of names) {
        const entry = { view, i, components: name.map((c) => c[0]) };
        aliases.push(entry);
        push(aliasesByHead, entry.components[0], entry);
        push(aliasesByName, entry.components.join('.'), entry);
      }
    });
  }
  index = {
    views,
    functions,
    globals,
    aliases,
    aliasesByHead,
    aliasesByName,
    macros: (library.macros as ReadonlyMap<string, MacroDefinition> | undefined) ?? new Map(),
    paths: new Set(views.map((v) => v.source.name)),
  };
  libraryIndexes.set(library.files, index);
  return index;
}

// ---------------------------------------------------------------------------------------------
// Resolution

/** How a probe point's components match an alias name: whole, or with a suffix left over. */
export function matchAliasName(point: ProbePoint, name: readonly string[]): 'full' | 'suffix' | undefined {
  const comps = point.components;
  const go = (i: number, j: number, functors: string[]): 'full' | 'suffix' | undefined => {
    if (j === name.length) return i === comps.length ? 'full' : i > 0 ? 'suffix' : undefined;
    if (i === comps.length) return undefined;
    if (comps[i].arg) return undefined;
    const f = functors[i];
    if (f.includes('**')) {
      const start = f.indexOf('**');
      let end = start;
      while (f[end] === '*') end++;
      const prefix = f.slice(0, start);
      const suffix = f.slice(end);
      if (fnmatch(`${prefix}*${suffix}`, name[j])) {
        const r = go(i + 1, j + 1, functors);
        if (r) return r;
      }
      if (fnmatch(`${prefix}*`, name[j])) {
        const rest = [...functors];
        rest[i] = `**${suffix}`;
        return go(i, j + 1, rest);
      }
      return undefined;
    }
    if (!fnmatch(f, name[j])) return undefined;
    return go(i + 1, j + 1, functors);
  };
  return go(0, 0, comps.map((c) => c.functor));
}

/** The resolution context of one file: the file, the library, and what pass 2 knows of it. */
export interface Resolver {
  index: FileIndex;
  library?: LibraryIndex;
}

const declLoc = (tok: Token, width: number) => () => tokenLocation(tok, width);

function functionTarget(f: FunctionDecl, library: boolean): Target {
  return { kind: 'function', name: f.unmangledName, key: `function:${tokKey(f.tok)}`, loc: declLoc(f.tok, f.unmangledName.length), path: f.tok.location.file.name, library };
}

function globalTarget(g: VarDecl, library: boolean): Target {
  return { kind: 'global', name: g.unmangledName, key: `global:${tokKey(g.tok)}`, loc: declLoc(g.tok, g.unmangledName.length), path: g.tok.location.file.name, library };
}

function aliasTarget(a: ProbeAlias, name: ProbePoint, library: boolean): Target {
  const tok = name.components[0].tok;
  return { kind: 'alias', name: pointText(name), key: `alias:${tokKey(a.tok)}:${tokKey(tok)}`, loc: () => pointLocation(name), path: tok.location.file.name, library };
}

function macroTarget(m: { name: string; tok: Token }, library: boolean): Target {
  return { kind: 'macro', name: m.name, key: `macro:${tokKey(m.tok)}`, loc: declLoc(m.tok, m.name.length), path: m.tok.location.file.name, library };
}

/** Every declaration a function name can mean in this file: its own overloads, then the library's. */
export function resolveFunction(r: Resolver, name: string): Target[] {
  const out: Target[] = (r.index.functions.get(name) ?? []).map((f) => functionTarget(f, r.library?.paths.has(r.index.path) ?? false));
  for (const { view, i } of r.library?.functions.get(name) ?? []) {
    if (view.source.name === r.index.path) continue;
    const f = view.stapfile.functions[i];
    if (f) out.push(functionTarget(f, true));
  }
  return out;
}

/** The global `name` as this file sees it: its own, else the first library file's. */
export function resolveGlobal(r: Resolver, name: string): Target | undefined {
  const own = r.index.globals.get(name);
  if (own) return globalTarget(own, r.library?.paths.has(r.index.path) ?? false);
  for (const { view, i } of r.library?.globals.get(name) ?? []) {
    if (view.source.name === r.index.path) continue;
    const g = view.stapfile.globals[i];
    if (g) return globalTarget(g, true);
  }
  return undefined;
}

/** A variable used at occurrence `o`: parameter, global, or local of its body. */
export function resolveVar(r: Resolver, o: Occurrence): Target | undefined {
  const scope = o.scope;
  if (scope?.kind === 'functiondecl') {
    const p = scope.formalArgs.find((a) => a.name === o.name);
    if (p) return { kind: 'param', name: p.name, key: `param:${tokKey(p.tok)}`, loc: declLoc(p.tok, p.name.length), path: r.index.path, library: false, scope };
  }
  const g = resolveGlobal(r, o.name);
  if (g) return g;
  if (!scope) return undefined;
  const first = r.index.locals.get(scope)?.get(o.name) ?? o;
  return { kind: 'local', name: o.name, key: `local:${tokKey(scope.tok)}:${o.name}`, loc: declLoc(first.tok, first.width), path: r.index.path, library: false, scope };
}

/** The aliases a probe point names: whole-name matches, else those it uses with a suffix. */
export function resolvePoint(r: Resolver, point: ProbePoint): Target[] {
  const full: Target[] = [];
  const suffix: Target[] = [];
  const isLib = r.library?.paths.has(r.index.path) ?? false;
  for (const a of r.index.file.aliases) {
    for (const n of a.aliasNames) {
      const m = matchAliasName(point, n.components.map((c) => c.functor));
      if (m) (m === 'full' ? full : suffix).push(aliasTarget(a, n, isLib));
    }
  }
  const lib = r.library;
  if (lib) {
    const found = (c: { view: LibraryFileView; i: number; components: string[] }, m: 'full' | 'suffix') => {
      if (c.view.source.name === r.index.path) return;
      const alias = c.view.stapfile.aliases[c.i];
      const n = alias?.aliasNames.find((x) => x.components.length === c.components.length && x.components.every((k, i) => k.functor === c.components[i]));
      if (alias && n) (m === 'full' ? full : suffix).push(aliasTarget(alias, n, true));
    };
    const comps = point.components;
    if (comps.some((c) => c.arg || hasWildcard(c.functor))) {
      const head = comps[0]?.functor ?? '';
      const candidates = hasWildcard(head) ? lib.aliases : (lib.aliasesByHead.get(head) ?? []);
      for (const c of candidates) {
        const m = matchAliasName(point, c.components);
        if (m) found(c, m);
      }
    } else {
      // A plain point: its whole name, else the longest prefix that is an alias (the rest a suffix).
      const names = comps.map((c) => c.functor);
      for (const c of lib.aliasesByName.get(names.join('.')) ?? []) found(c, 'full');
      for (let k = names.length - 1; k > 0 && full.length === 0 && suffix.length === 0; k--) {
        for (const c of lib.aliasesByName.get(names.slice(0, k).join('.')) ?? []) found(c, 'suffix');
      }
    }
  }
  return full.length ? full : suffix;
}

/** The macro `@name` as this file sees it: its own definition, else the library's. */
export function resolveMacro(r: Resolver, name: string): Target | undefined {
  const own = r.index.macros.get(name);
  if (own) return macroTarget(own, r.library?.paths.has(r.index.path) ?? false);
  const lib = r.library?.macros.get(name);
  return lib ? macroTarget({ name: lib.name, tok: lib.token }, true) : undefined;
}

/** What the occurrence declares or names (several for overloaded functions and glob points). */
export function resolve(r: Resolver, o: Occurrence): Target[] {
  switch (o.kind) {
    case 'function':
      // A declaration means its overloads too (definition lists them all).
      return resolveFunction(r, o.name);
    case 'var': {
      const t = resolveVar(r, o);
      return t ? [t] : [];
    }
    case 'global': {
      const t = resolveGlobal(r, o.name);
      return t ? [t] : [];
    }
    case 'alias':
      return o.alias && o.point ? [aliasTarget(o.alias, o.point, r.library?.paths.has(r.index.path) ?? false)] : [];
    case 'probe-point':
      return o.point ? resolvePoint(r, o.point) : [];
    case 'macro': {
      const t = resolveMacro(r, o.name);
      return t ? [t] : [];
    }
    case 'macro-param': {
      const m = o.macro!;
      const p = m.params.find((x) => x.content === o.name);
      if (!p) return [];
      return [{ kind: 'macro-param', name: o.name, key: `macro-param:${tokKey(p)}`, loc: declLoc(p, p.content.length), path: r.index.path, library: false }];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Documents and workspace files

/** The parsed tree of an analysed document: pass 1's, else a tolerant parse of its text. */
export function documentFile(analysis: Analysis): StapFile | undefined {
  if (analysis.file) return analysis.file;
  if (!analysis.session || !analysis.pass1) return undefined;
  return parseText({ name: analysis.path, text: analysis.bytes }, analysis.session, analysis.pass1.library.macros);
}

const tolerantParses = new WeakMap<object, Map<string, { text: string; file?: StapFile }>>();

/**
 * A user script parsed as pass 1 parses one (the library's macros, this session), keeping what
 * parsed when it has errors (the parser's `partial`). Cached per session and path while the text is the same.
 */
export function parseText(source: SourceFile, session: Session, macros: unknown): StapFile | undefined {
  let cache = tolerantParses.get(session);
  if (!cache) tolerantParses.set(session, (cache = new Map()));
  const hit = cache.get(source.name);
  if (hit && hit.text === source.text) return hit.file;
  let file: StapFile | undefined;
  try {
    // Lexer → macro and conditional passes → parser, as pass 1 runs them (pass1.ts), keeping
    // what parsed when there are errors.
    const lexer = new Lexer(source, { args: session.args, compatible: session.compatible, assumeArgs: session.assumeArgs === true });
    const pre = new Preprocessor(lexer, { session, libraryMacros: macros as Map<string, MacroDefinition>, library: false, file: source });
    const result = parse(source, pre, { session, privileged: session.guru, library: false });
    file = result.stapfile ?? result.partial;
  } catch {
    file = undefined;
  }
  cache.set(source.name, { text: source.text, file });
  return file;
}

/** A resolver for an analysed document. */
export function documentResolver(analysis: Analysis): Resolver | undefined {
  const file = documentFile(analysis);
  if (!file) return undefined;
  return { index: indexFile(file, analysis.session), library: analysis.pass1 ? indexLibrary(analysis.pass1.library) : undefined };
}

/** Directories never searched for scripts. */
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);
/** At most this many script files are read from the workspace folders. */
export const MAX_WORKSPACE_FILES = 5000;

/** The `.stp` files under the folders (recursively, hidden and vendored directories skipped). */
export function workspaceScripts(folders: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (dir: string, depth: number) => {
    if (depth > 20 || out.length >= MAX_WORKSPACE_FILES) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) visit(p, depth + 1);
      } else if (e.isFile() && e.name.endsWith('.stp') && !seen.has(p)) {
        seen.add(p);
        out.push(p);
        if (out.length >= MAX_WORKSPACE_FILES) return;
      }
    }
  };
  for (const f of folders) visit(f, 0);
  return out;
}

/** A file of the workspace as the features read it: an open document's text, else the disk's. */
export interface WorkspaceFile {
  path: string;
  /** The open document's analysis, when it is open. */
  analysis?: Analysis;
}

const diskCache = new Map<string, { mtimeMs: number; size: number; text: string }>();

function readDisk(path: string): string | undefined {
  try {
    const st = statSync(path);
    const hit = diskCache.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.text;
    const text = readFileSync(path, 'latin1');
    diskCache.set(path, { mtimeMs: st.mtimeMs, size: st.size, text });
    return text;
  } catch {
    return undefined;
  }
}

/**
 * The resolver of a workspace file, in the session of `base` (the document a request came from):
 * an open document's own analysis, a library file's tree, else the file parsed from disk.
 */
export function workspaceResolver(f: WorkspaceFile, base: Analysis): Resolver | undefined {
  if (f.analysis) return documentResolver(f.analysis);
  if (!base.session || !base.pass1) return undefined;
  const library = indexLibrary(base.pass1.library);
  const view = library.views.find((v) => v.source.name === f.path);
  const text = readDisk(f.path);
  if (text === undefined) return undefined;
  // A library file whose disk text is the one the library parsed: its tree.
  const file = view && view.source.text === text ? view.stapfile : parseText({ name: f.path, text }, base.session, base.pass1.library.macros);
  if (!file) return undefined;
  return { index: indexFile(file, base.session), library };
}


/** The symbol a declaration occurrence declares (its own key), or undefined for a use. */
export function declKey(o: Occurrence): string | undefined {
  if (!o.decl) return undefined;
  switch (o.kind) {
    case 'function':
      return `function:${tokKey(o.tok)}`;
    case 'var':
      return `param:${tokKey(o.tok)}`;
    case 'global':
      return `global:${tokKey(o.tok)}`;
    case 'alias':
      return o.alias && o.point ? `alias:${tokKey(o.alias.tok)}:${tokKey(o.point.components[0].tok)}` : undefined;
    case 'macro':
      return `macro:${tokKey(o.tok)}`;
    case 'macro-param':
      return `macro-param:${tokKey(o.tok)}`;
    default:
      return undefined;
  }
}

/** The 1-based line and byte column of an LSP position in a file. */
export function cursorOf(index: FileIndex, pos: { line: number; character: number }): { line: number; column: number } {
  const offset = index.lines.offset(pos);
  const lineStart = index.lines.offset({ line: pos.line, character: 0 });
  return { line: pos.line + 1, column: offset - lineStart + 1 };
}

/** The occurrence at an LSP position of a document. */
export function occurrenceAtPosition(index: FileIndex, pos: { line: number; character: number }): Occurrence | undefined {
  const { line, column } = cursorOf(index, pos);
  return occurrenceAt(index, line, column);
}

/** The range of the first `count` components of a written probe point (all by default). */
export function pointLocation(point: ProbePoint, count = point.components.length): Location {
  const first = point.components[0].tok;
  const last = point.components[Math.max(0, Math.min(count, point.components.length) - 1)];
  const sameLine = last.tok.location.line === first.location.line && last.tok.location.file === first.location.file;
  const width = sameLine ? last.tok.location.column + Math.max(last.functor.length, 1) - first.location.column : Math.max(point.components[0].functor.length, 1);
  return tokenLocation(first, width);
}
