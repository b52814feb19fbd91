/**
 * Variables in symbol resolution: elaborate.cxx `symresolution_info::find_var` (locals, then
 * parameters, then the globals already in `s.globals`, then those of the chosen files, then
 * those of the other library files, which pulls the file in), staptree.cxx `vardecl::set_arity`
 * (arity pinned on first use, `inconsistent arity` afterwards) and the new-local case of
 * `visit_symbol`.
 *
 * Globals are fresh ElabVars per elaboration (the pass-1 declarations are shared with the
 * library cache), made the first time a global is found, so `e.globals` lists only referenced
 * globals, in first-reference order (PR24239).
 */
import { detoxPath, type StapFile, type VarDecl } from '../ast/staptree';
import { formatToken, type Token } from '../passes/parse/token';
import type { LibraryFileView } from './library-view';
import { pullInFile, reportWarning, SemanticError, type DerivedProbe, type ElabFunction, type ElabVar, type Elaboration } from './model';

/** The probe or function whose body is being resolved; none inside a probe condition. */
export interface Scope {
  probe?: DerivedProbe;
  function?: ElabFunction;
}

/** staptree.cxx `vardecl::set_arity`: pins the arity on first use (`a < 0`: any arity). */
export function setArity(v: ElabVar, a: number, tok: Token | undefined): void {
  if (a < 0) return;
  if (a === 0 && v.maxsize > 0) throw new SemanticError('inconsistent arity', v.tok, undefined, 'set_arity:maxsize');
  if (v.arity !== a && v.arity >= 0) {
    const err = new SemanticError(`inconsistent arity (${v.arity} vs ${a})`, tok ?? v.tok, undefined, 'set_arity:inconsistent');
    if (v.arityTok) err.chained(new SemanticError(`arity ${v.arity} first inferred here`, v.arityTok, undefined, 'set_arity:first'));
    throw err;
  }
  if (v.arity !== a) {
    v.arityTok = tok;
    v.arity = a;
  }
}

/**
 * The `=` of `global x = 1`, where stap's parser pinned the arity to 0. Pass 1 does not keep that
 * token, so it is found in the source text just before the initialiser.
 */
function initEqualsToken(decl: VarDecl): Token | undefined {
  if (!decl.init) return undefined;
  const loc = decl.init.tok.location;
  const text = loc.file.text;
  let offset = 0;
  for (let line = 1; line < loc.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return undefined;
    offset = nl + 1;
  }
  let i = offset + loc.column - 2;
  const skipSpace = () => {
    while (i >= 0 && /\s/.test(text[i])) i--;
  };
  skipSpace();
  if (text[i] === '-') {
    i--;
    skipSpace();
  }
  if (text[i] !== '=') return undefined;
  const lineStart = text.lastIndexOf('\n', i) + 1;
  let line = 1;
  for (let k = text.indexOf('\n'); k >= 0 && k < i; k = text.indexOf('\n', k + 1)) line++;
  return { type: 'operator', content: '=', location: { file: loc.file, line, column: i - lineStart + 1 } };
}

/** A fresh ElabVar for a global declaration of `file`. */
function elabGlobal(decl: VarDecl, file: StapFile): ElabVar {
  const v: ElabVar = { ...decl, file };
  if (decl.init) {
    v.init = { ...decl.init };
    v.arityTok = initEqualsToken(decl);
  }
  return v;
}

/** A new local `name` (stap `visit_symbol`'s new vardecl, arity 0 pinned at `tok`). */
export function newLocal(name: string, tok: Token): ElabVar {
  return {
    kind: 'vardecl',
    tok,
    name,
    unmangledName: name,
    maxsize: 0,
    wrap: false,
    type: 'unknown',
    arity: 0,
    isPrivate: false,
    arityTok: tok,
  };
}

/** A global declaration found by name: in a user file, or in a library file (parsed when taken). */
interface GlobalDeclHit {
  file?: StapFile;
  view?: LibraryFileView;
  /** The library file's position in search order; -1 for a user file. */
  libraryPos: number;
  /** The declaration's position in its file (the first match in a file wins). */
  index: number;
}

function addHit(index: Map<string, GlobalDeclHit[]>, name: string, hit: GlobalDeclHit): void {
  const list = index.get(name);
  if (list) list.push(hit);
  else index.set(name, [hit]);
}

/**
 * Every global declaration of the user files, and of the library files (from their summaries,
 * without parsing them), by mangled name, in file order. The library's index is built once per
 * library (the files are shared and never change), so a miss, which every new local is, costs two
 * map lookups instead of a walk over every tapset.
 */
const userIndexes = new WeakMap<readonly StapFile[], Map<string, GlobalDeclHit[]>>();
const libraryIndexes = new WeakMap<readonly LibraryFileView[], Map<string, GlobalDeclHit[]>>();

function userIndex(files: readonly StapFile[]): Map<string, GlobalDeclHit[]> {
  let index = userIndexes.get(files);
  if (index) return index;
  index = new Map();
  for (const file of files) file.globals.forEach((decl, i) => addHit(index!, decl.name, { file, libraryPos: -1, index: i }));
  userIndexes.set(files, index);
  return index;
}

function libraryIndex(library: readonly LibraryFileView[]): Map<string, GlobalDeclHit[]> {
  let index = libraryIndexes.get(library);
  if (index) return index;
  index = new Map();
  library.forEach((view, pos) => {
    view.summary.globals.forEach((g, i) => addHit(index!, g.name, { view, libraryPos: pos, index: i }));
  });
  libraryIndexes.set(library, index);
  return index;
}

/** Where a hit's file is in `s.files`: -1 when it was not chosen (an unparsed library file never was). */
function chosenPos(e: Elaboration, h: GlobalDeclHit): number {
  if (h.file) return e.files.indexOf(h.file);
  return h.view!.parsed ? e.files.indexOf(h.view!.stapfile) : -1;
}

/**
 * The declaration find_var takes for `gname`/`pname` outside `s.globals`: in the first of the
 * chosen files (`s.files` order) that declares one, else in the first library file that does.
 */
function findGlobalDecl(e: Elaboration, gname: string, pname: string): { decl: VarDecl; file: StapFile } | undefined {
  const user = userIndex(e.userFiles);
  const library = libraryIndex(e.library);
  const hits = [gname, pname].flatMap((n) => [...(user.get(n) ?? []), ...(library.get(n) ?? [])]);
  if (hits.length === 0) return undefined;
  let best: GlobalDeclHit | undefined;
  let bestPos = Infinity;
  for (const h of hits) {
    const pos = chosenPos(e, h);
    if (pos < 0) continue;
    if (pos < bestPos || (pos === bestPos && h.index < best!.index)) {
      best = h;
      bestPos = pos;
    }
  }
  if (!best) {
    for (const h of hits) {
      const pos = h.libraryPos;
      if (pos < 0) continue;
      if (pos < bestPos || (pos === bestPos && h.index < best!.index)) {
        best = h;
        bestPos = pos;
      }
    }
  }
  if (!best) return undefined;
  const file = best.file ?? best.view!.stapfile;
  return { decl: file.globals[best.index], file };
}

/** detox_path of a source file's name, computed once per file. */
const detoxed = new WeakMap<object, string>();

function privatePrefix(tok: Token): string {
  const file = tok.location.file;
  let d = detoxed.get(file);
  if (d === undefined) {
    d = `__private_${detoxPath(file.name)}`;
    detoxed.set(file, d);
  }
  return d;
}

/**
 * `cross-file global variable reference to GLOBAL from`: tapset code reaching a global of the
 * user's script (found among the globals already in use; measured: neither a user file using
 * another user file's global nor a tapset using another tapset's global gets it).
 */
function crossFileWarning(e: Elaboration, g: ElabVar, tok: Token): void {
  if (!g.file || !e.userFiles.includes(g.file)) return;
  if (e.userFiles.some((f) => f.file === tok.location.file)) return;
  reportWarning(e, `cross-file global variable reference to ${formatToken(g.tok)} from`, tok);
}

/**
 * elaborate.cxx `find_var`: the variable `name` used with `arity` indexes (-1: any, for `delete`
 * and pragmas) at `tok` in `scope`, or undefined (the caller decides: new local or error).
 */
export function findVar(e: Elaboration, scope: Scope, name: string, arity: number, tok: Token): ElabVar | undefined {
  const owner = scope.function ?? scope.probe;
  if (owner) {
    for (const l of owner.locals as ElabVar[]) {
      if (l.name === name) {
        setArity(l, arity, tok);
        return l;
      }
    }
  }
  if (arity === 0 && scope.function) {
    for (const p of scope.function.formalArgs as ElabVar[]) {
      if (p.name === name) {
        setArity(p, 0, tok);
        return p;
      }
    }
  }

  const gname = `__global_${name}`;
  const pname = `${privatePrefix(tok)}${name}`;
  for (const g of e.globals) {
    if ((g.name === name && name.startsWith('__global_')) || g.name === gname || g.name === pname) {
      crossFileWarning(e, g, tok);
      setArity(g, arity, tok);
      return g;
    }
  }

  // The chosen files, then the other library files (which pulls the file in).
  const hit = findGlobalDecl(e, gname, pname);
  if (!hit) return undefined;
  const g = elabGlobal(hit.decl, hit.file);
  setArity(g, arity, tok);
  pullInFile(e, hit.file);
  e.globals.push(g);
  return g;
}
