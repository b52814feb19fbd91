/**
 * Document symbols (the outline: probes, probe aliases, functions, globals, macros of a file,
 * in source order, each with the range of its whole declaration) and workspace symbols (the
 * functions, globals, aliases and macros of the workspace's files and of the tapset library,
 * installed and `systemtap.tapsetDirs`, by substring). The library side reads the file summaries
 * (ast/file-summary.ts) and the library's macro table, never parsing a file to answer a query:
 * a library symbol's range is found when the client resolves it (workspaceSymbol/resolve), by
 * parsing that one file. No stap routine is mirrored; the names are those pass 2 sees.
 */
import type { FunctionDecl, ProbePoint, StapFile } from '../ast/staptree';
import { viewsOfLoadedFiles, type LibraryFileView } from '../elaborate/library-view';
import { Lexer } from '../passes/parse/lexer';
import type { MacroDefinition } from '../passes/parse/macros';
import type { SourceFile, Token } from '../passes/parse/token';
import type { Range } from '../workspace/analysis';
import { indexFile, linesOf, pointLocation, pointText, tokenLocation, type FileIndex, type LibraryLike, type Location } from './workspace-index';

export type SymbolKindName = 'probe' | 'alias' | 'function' | 'global' | 'macro';

export interface DocumentSymbol {
  name: string;
  detail: string;
  kind: SymbolKindName;
  /** The whole declaration (keyword to closing brace). */
  range: Range;
  /** The name. */
  selectionRange: Range;
}

// ---------------------------------------------------------------------------------------------
// Document symbols

const lexed = new WeakMap<SourceFile, Token[]>();

/** The file's own tokens (no macro expansion), for declaration extents. */
function tokensOf(source: SourceFile): Token[] {
  let tokens = lexed.get(source);
  if (tokens) return tokens;
  tokens = [];
  try {
    const lexer = new Lexer(source, { args: [], compatible: '99', assumeArgs: true });
    for (let t = lexer.next(); t; t = lexer.next()) if (t.location.file === source) tokens.push(t);
  } catch {
    // keep what was read
  }
  tokens.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  lexed.set(source, tokens);
  return tokens;
}

function indexOfToken(tokens: Token[], tok: Token): number {
  let lo = 0;
  let hi = tokens.length - 1;
  const { line, column } = tok.location;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const l = tokens[mid].location;
    if (l.line === line && l.column === column) return mid;
    if (l.line < line || (l.line === line && l.column < column)) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Where a token ends (embedded code and strings included). */
function tokenEnd(tok: Token): { line: number; byte: number } {
  const line = tok.location.line - 1;
  const col = tok.location.column - 1;
  if (tok.type === 'embedded-code') {
    const text = `%{${tok.content}%}`;
    const nl = text.lastIndexOf('\n');
    if (nl < 0) return { line, byte: col + text.length };
    return { line: line + text.split('\n').length - 1, byte: text.length - nl - 1 };
  }
  const width = tok.type === 'string' ? tok.content.length + 2 : Math.max(tok.content.length, 1);
  return { line, byte: col + width };
}

/** The range from `start` to the end of `end`, in the file's positions. */
function span(source: SourceFile, start: Token, end: Token): Range {
  const lines = linesOf(source);
  const e = tokenEnd(end);
  return { start: lines.position(start.location.line - 1, start.location.column - 1), end: lines.position(e.line, e.byte) };
}

/** The token closing the bracket opened at `open` (`{`/`}` or `%(`/`%)`), else the last token. */
function closing(tokens: Token[], open: Token, openText: string, closeText: string): Token {
  let i = indexOfToken(tokens, open);
  if (i < 0) return open;
  let depth = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type !== 'operator') continue;
    if (t.content === openText) depth++;
    else if (t.content === closeText && --depth === 0) return t;
  }
  return tokens[tokens.length - 1] ?? open;
}

/** The first token of a declaration: `private`/`function`/`global`/`@define` before its name. */
function leading(tokens: Token[], name: Token, keywords: string[]): Token {
  let i = indexOfToken(tokens, name);
  let start = name;
  while (i > 0) {
    const prev = tokens[i - 1];
    if (!((prev.type === 'keyword' || prev.type === 'operator' || prev.type === 'identifier') && keywords.includes(prev.content))) break;
    start = prev;
    i--;
  }
  return start;
}

function signature(f: FunctionDecl): string {
  const type = (t: string) => (t === 'unknown' ? '' : `:${t}`);
  return `${f.isPrivate ? 'private ' : ''}function${type(f.type)} (${f.formalArgs.map((a) => `${a.name}${type(a.type)}`).join(', ')})`;
}

function pointsText(points: ProbePoint[]): string {
  return points.map(pointText).join(', ');
}

const outlines = new WeakMap<StapFile, DocumentSymbol[]>();

/** The outline of a parsed file, in source order (made once per tree). */
export function documentSymbols(file: StapFile): DocumentSymbol[] {
  let out = outlines.get(file);
  if (!out) outlines.set(file, (out = outline(file)));
  return out;
}

function outline(file: StapFile): DocumentSymbol[] {
  const source = file.file;
  const tokens = tokensOf(source);
  const own = (t: Token) => t.location.file === source;
  const out: { at: Token; sym: DocumentSymbol }[] = [];
  for (const p of file.probes) {
    if (!own(p.tok) || p.locations.length === 0) continue;
    const first = p.locations[0];
    out.push({
      at: p.tok,
      sym: { name: pointsText(p.locations), detail: 'probe', kind: 'probe', range: span(source, p.tok, closing(tokens, p.body.tok, '{', '}')), selectionRange: pointLocation(first).range },
    });
  }
  for (const a of file.aliases) {
    if (!own(a.tok) || a.aliasNames.length === 0) continue;
    const end = closing(tokens, (a.body2 ?? a.body).tok, '{', '}');
    out.push({
      at: a.tok,
      sym: {
        name: pointsText(a.aliasNames),
        detail: `${a.epilogueStyle ? '+=' : '='} ${pointsText(a.locations)}`,
        kind: 'alias',
        range: span(source, a.tok, end),
        selectionRange: pointLocation(a.aliasNames[0]).range,
      },
    });
  }
  for (const f of file.functions) {
    if (!own(f.tok)) continue;
    const start = leading(tokens, f.tok, ['function', 'private']);
    const end = f.body.kind === 'block' ? closing(tokens, f.body.tok, '{', '}') : f.body.tok;
    out.push({ at: f.tok, sym: { name: f.unmangledName, detail: signature(f), kind: 'function', range: span(source, start, end), selectionRange: tokenLocation(f.tok, f.unmangledName.length).range } });
  }
  for (const g of file.globals) {
    if (!own(g.tok)) continue;
    const sel = tokenLocation(g.tok, g.unmangledName.length).range;
    out.push({ at: g.tok, sym: { name: g.unmangledName, detail: `${g.isPrivate ? 'private ' : ''}global`, kind: 'global', range: sel, selectionRange: sel } });
  }
  const index: FileIndex = indexFile(file);
  for (const m of index.macros.values()) {
    const start = leading(tokens, m.tok, ['@define']);
    const i = indexOfToken(tokens, m.tok);
    let open: Token | undefined;
    for (let j = i + 1; j >= 0 && j < tokens.length; j++) {
      if (tokens[j].type === 'operator' && tokens[j].content === '%(') {
        open = tokens[j];
        break;
      }
    }
    const end = open ? closing(tokens, open, '%(', '%)') : m.tok;
    out.push({
      at: m.tok,
      sym: { name: `@${m.name}`, detail: `@define${m.params.length ? `(${m.params.map((p) => p.content).join(', ')})` : ''}`, kind: 'macro', range: span(source, start, end), selectionRange: tokenLocation(m.tok, m.name.length).range },
    });
  }
  out.sort((a, b) => a.at.location.line - b.at.location.line || a.at.location.column - b.at.location.column);
  return out.map((x) => x.sym);
}

// ---------------------------------------------------------------------------------------------
// Workspace symbols

export interface WorkspaceSymbol {
  name: string;
  kind: SymbolKindName;
  /** The file's name, for the list's second column. */
  containerName: string;
  path: string;
  /** Absent for a library symbol until resolved ({@link resolveWorkspaceSymbol}). */
  range?: Range;
  /** What {@link resolveWorkspaceSymbol} needs. */
  data?: SymbolData;
}

/** A library symbol: its file and its place in the file's summary. */
export interface SymbolData {
  path: string;
  kind: 'function' | 'global' | 'alias';
  /** The function, global or alias index in the file. */
  index: number;
  /** For an alias: which of its names. */
  name?: number;
}

interface Entry {
  lower: string;
  name: string;
  kind: SymbolKindName;
  view?: LibraryFileView;
  data?: SymbolData;
  loc?: Location;
}

const libraryEntries = new WeakMap<object, Entry[]>();

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The library's symbols from its summaries and macro table (made once per library). */
function libraryEntriesOf(library: LibraryLike): Entry[] {
  let entries = libraryEntries.get(library.files);
  if (entries) return entries;
  entries = [];
  for (const view of viewsOfLoadedFiles(library.files)) {
    const path = view.source.name;
    const s = view.summary;
    s.functions.forEach((f, index) => {
      if (f.name.startsWith('__global_')) entries!.push({ lower: f.unmangledName.toLowerCase(), name: f.unmangledName, kind: 'function', view, data: { path, kind: 'function', index } });
    });
    s.globals.forEach((g, index) => {
      if (g.name.startsWith('__global_')) entries!.push({ lower: g.unmangledName.toLowerCase(), name: g.unmangledName, kind: 'global', view, data: { path, kind: 'global', index } });
    });
    s.aliases.forEach((names, index) => {
      names.forEach((n, name) => {
        const text = n.map((c) => c[0]).join('.');
        entries!.push({ lower: text.toLowerCase(), name: text, kind: 'alias', view, data: { path, kind: 'alias', index, name } });
      });
    });
  }
  for (const m of ((library.macros as ReadonlyMap<string, MacroDefinition> | undefined) ?? new Map()).values()) {
    entries.push({ lower: `@${m.name}`.toLowerCase(), name: `@${m.name}`, kind: 'macro', loc: tokenLocation(m.token, m.name.length) });
  }
  libraryEntries.set(library.files, entries);
  return entries;
}

/** A workspace file's symbols, with their places. */
function fileEntries(file: StapFile): Entry[] {
  return documentSymbols(file).map((s) => ({ lower: s.name.toLowerCase(), name: s.name, kind: s.kind, loc: { path: file.file.name, range: s.selectionRange } }));
}

export interface WorkspaceSymbolOptions {
  /** At most this many symbols. */
  limit?: number;
  /** Give library symbols their ranges now (for clients that cannot resolve them later). */
  resolveRanges?: boolean;
}

/**
 * The symbols whose name contains `query` (case-insensitively): the workspace files' (probes
 * aside), then the library's (files already listed skipped), names starting with the query first.
 */
export function workspaceSymbols(query: string, files: readonly StapFile[], library: LibraryLike | undefined, options: WorkspaceSymbolOptions = {}): WorkspaceSymbol[] {
  const limit = options.limit ?? 1000;
  const q = query.toLowerCase();
  const hits: Entry[] = [];
  const listed = new Set<string>();
  for (const f of files) {
    listed.add(f.file.name);
    for (const e of fileEntries(f)) if (e.kind !== 'probe' && e.lower.includes(q)) hits.push(e);
  }
  if (library) {
    for (const e of libraryEntriesOf(library)) {
      if (!e.lower.includes(q)) continue;
      if (e.view && listed.has(e.view.source.name)) continue;
      hits.push(e);
    }
  }
  const rank = (e: Entry) => (e.lower === q ? 0 : e.lower.startsWith(q) ? 1 : 2);
  const order = hits.map((e, i) => ({ e, i, r: rank(e) })).sort((a, b) => a.r - b.r || a.i - b.i);
  return order.slice(0, limit).map(({ e }) => {
    if (e.loc) return { name: e.name, kind: e.kind, containerName: baseName(e.loc.path), path: e.loc.path, range: e.loc.range };
    const sym: WorkspaceSymbol = { name: e.name, kind: e.kind, containerName: baseName(e.data!.path), path: e.data!.path, data: e.data };
    if (options.resolveRanges) sym.range = resolveWorkspaceSymbol(e.data!, library!)?.range;
    return sym;
  });
}

/** The place of a library symbol (parses its file if it was not yet). */
export function resolveWorkspaceSymbol(data: SymbolData, library: LibraryLike): Location | undefined {
  const view = viewsOfLoadedFiles(library.files).find((v) => v.source.name === data.path);
  if (!view) return undefined;
  const file = view.stapfile;
  if (data.kind === 'function') {
    const f = file.functions[data.index];
    return f && tokenLocation(f.tok, f.unmangledName.length);
  }
  if (data.kind === 'global') {
    const g = file.globals[data.index];
    return g && tokenLocation(g.tok, g.unmangledName.length);
  }
  const a = file.aliases[data.index];
  const n = a?.aliasNames[data.name ?? 0];
  return n && pointLocation(n);
}
