/**
 * Functions in pass 2: the overload table, the lookup of a call's referents and the security
 * checks on them. Mirrors parse.cxx `do_parse_functiondecl` (the `__overload_N` names, from a
 * session-wide counter per unmangled name), elaborate.cxx `symresolution_info::find_functions`,
 * `collect_functions` and `functioncall_security_check`.
 *
 * The pass-1 declarations are shared with the library cache (and, in the language server,
 * between runs), so pass 2 never touches them: each elaboration has its own ElabFunction per
 * declaration. Copying every tapset body up front would cost more than the rest of the pass,
 * so an ElabFunction starts out sharing the declaration's body and parameters, and gets its own
 * copies when it enters `e.functions` ({@link useFunction}); nothing reads or annotates a
 * function before that. The ElabFunction itself is made on first lookup, and the overload
 * numbering reads the library's summaries, so a tapset file is parsed only when a call picks one
 * of its functions (library-view.ts).
 */
import type { FunctionDecl, StapFile } from '../ast/staptree';
import { deepCopy } from '../ast/walk';
import type { SourceFile, Token } from '../passes/parse/token';
import { detoxPath } from '../ast/staptree';
import { libraryViewOf, type LibraryFileView } from './library-view';
import { pullInFile, SemanticError, type ElabFunction, type ElabVar, type Elaboration } from './model';

/** The ElabFunctions that have their own body and parameters (see the header). */
const owned = new WeakSet<ElabFunction>();

function elabFunction(decl: FunctionDecl, mangled: string, file: StapFile): ElabFunction {
  return { ...decl, mangled, file, locals: [] };
}

/** Where a numbered function's declaration is: a library file (parsed on use) or a user file. */
interface FunctionEntry {
  view?: LibraryFileView;
  file?: StapFile;
  /** Its index in the file's `functions`. */
  index: number;
  arity: number;
}

/** The library's part of the overload table, from the summaries: built once per library. */
interface LibraryFunctionTable {
  counts: Map<string, number>;
  entries: Map<string, FunctionEntry>;
  /** The public function names of every library file, in file order (the suggestions' pool). */
  publicNames: string[];
}

const libraryTables = new WeakMap<readonly LibraryFileView[], LibraryFunctionTable>();
const userTables = new WeakMap<Elaboration, Map<string, FunctionEntry>>();

function libraryTable(library: readonly LibraryFileView[]): LibraryFunctionTable {
  let table = libraryTables.get(library);
  if (table) return table;
  table = { counts: new Map(), entries: new Map(), publicNames: [] };
  for (const view of library) {
    view.summary.functions.forEach((fn, index) => {
      const n = table!.counts.get(fn.unmangledName) ?? 0;
      table!.counts.set(fn.unmangledName, n + 1);
      table!.entries.set(`${fn.name}__overload_${n}`, { view, index, arity: fn.arity });
      if (fn.name.startsWith('__global_')) table!.publicNames.push(fn.unmangledName);
    });
  }
  libraryTables.set(library, table);
  return table;
}

/**
 * Numbers every function of every parsed file, in parse order (library files in search order,
 * then the user files): `e.overloadCount` per unmangled name. The library's part comes from the
 * summaries, once per library; ElabFunctions are made on lookup ({@link lookupFunction}).
 */
export function buildFunctionTable(e: Elaboration): void {
  const table = libraryTable(e.library);
  for (const [name, n] of table.counts) e.overloadCount.set(name, n);
  const user = new Map<string, FunctionEntry>();
  for (const file of e.userFiles) {
    file.functions.forEach((decl, index) => {
      const n = e.overloadCount.get(decl.unmangledName) ?? 0;
      e.overloadCount.set(decl.unmangledName, n + 1);
      user.set(`${decl.name}__overload_${n}`, { file, index, arity: decl.formalArgs.length });
    });
  }
  userTables.set(e, user);
}

function functionEntry(e: Elaboration, mangled: string): FunctionEntry | undefined {
  return userTables.get(e)?.get(mangled) ?? libraryTables.get(e.library)?.entries.get(mangled);
}

/** The number of parsed functions (user and library): bounds symbol resolution's loop. */
export function functionCount(e: Elaboration): number {
  let n = 0;
  for (const c of e.overloadCount.values()) n += c;
  return n;
}

/**
 * The ElabFunction of the parsed function `mangled` (`__global_f__overload_0`), made on first
 * lookup in this elaboration (parsing its library file if it was not yet), or undefined.
 */
export function lookupFunction(e: Elaboration, mangled: string): ElabFunction | undefined {
  let fn = e.allFunctions.get(mangled);
  if (fn) return fn;
  const entry = functionEntry(e, mangled);
  if (!entry) return undefined;
  const file = entry.file ?? entry.view!.stapfile;
  fn = elabFunction(file.functions[entry.index], mangled, file);
  e.allFunctions.set(mangled, fn);
  return fn;
}

/** A fresh parameter for this elaboration. */
function copyParam(p: ElabVar): ElabVar {
  return { ...p };
}

/**
 * Puts `fn` into `s.functions` (stap `session.functions[fd->name] = fd`), giving it its own
 * body and parameters the first time.
 */
export function useFunction(e: Elaboration, fn: ElabFunction): void {
  if (!owned.has(fn)) {
    owned.add(fn);
    fn.body = deepCopy(fn.body);
    fn.formalArgs = fn.formalArgs.map(copyParam);
  }
  e.functions.set(fn.mangled, fn);
}

/** Whether `fn` has entered this elaboration (its body is its own). */
export function isFunctionInUse(fn: ElabFunction): boolean {
  return owned.has(fn);
}

/**
 * elaborate.cxx `find_functions`: every overload `0..overload_count[name]-1` of `name` taking
 * `arity` arguments, `__global_NAME__overload_k` before the caller file's
 * `__private_…NAME__overload_k`, pulling library files in; stably sorted by priority. Throws
 * `arity mismatch found` when overloads exist but none takes `arity` arguments.
 */
const privatePrefixes = new Map<string, string>();

/** `__private_<detoxed file name>`, the prefix of a file's private functions (made once per file name). */
function privatePrefixOf(fileName: string): string {
  let prefix = privatePrefixes.get(fileName);
  if (prefix === undefined) privatePrefixes.set(fileName, (prefix = `__private_${detoxPath(fileName)}`));
  return prefix;
}

export function findFunctions(e: Elaboration, name: string, arity: number, tok: Token): ElabFunction[] {
  const found: ElabFunction[] = [];
  let lastName: string | undefined;
  const alternatives = e.overloadCount.get(name) ?? 0;
  const privatePrefix = privatePrefixOf(tok.location.file.name);
  for (let alt = 0; alt < alternatives; alt++) {
    for (const mangled of [`__global_${name}__overload_${alt}`, `${privatePrefix}${name}__overload_${alt}`]) {
      // The arity comes from the summary: a library file is parsed only for a function it gives.
      const known = e.functions.get(mangled) ?? e.allFunctions.get(mangled);
      const fnArity = known ? known.formalArgs.length : functionEntry(e, mangled)?.arity;
      if (fnArity === undefined) continue;
      if (fnArity !== arity) {
        lastName = mangled;
        continue;
      }
      const fn = known ?? lookupFunction(e, mangled)!;
      if (!e.userFiles.includes(fn.file)) pullInFile(e, fn.file);
      found.push(fn);
      break;
    }
  }
  const last = found.length === 0 && lastName ? (e.functions.get(lastName) ?? lookupFunction(e, lastName)) : undefined;
  if (last) {
    throw new SemanticError(
      `arity mismatch found (function '${name}' takes ${last.formalArgs.length} args)`,
      tok,
      last.tok,
      'find_functions:arity',
    );
  }
  // Array.prototype.sort is stable: equal priorities keep overload order.
  return found.sort((a, b) => a.priority - b.priority);
}

/**
 * elaborate.cxx `collect_functions`: the names `unresolved function` suggests from, i.e. the
 * functions already in `s.functions` and the public functions of every library file.
 */
export function functionCandidates(e: Elaboration): Set<string> {
  const names = new Set<string>();
  for (const fn of e.functions.values()) names.add(fn.unmangledName);
  for (const name of libraryTable(e.library).publicNames) names.add(name);
  return names;
}

/** Whether embedded code carries a `/* tag *\/` (staptree.cxx `embeddedcode::tagged_p`). */
export function taggedP(code: string, tag: string): boolean {
  return code.includes(tag);
}

/** The parsed file a source file belongs to, if any. */
function stapFileOf(e: Elaboration, source: SourceFile): StapFile | undefined {
  for (const f of e.files) if (f.file === source) return f;
  for (const f of e.userFiles) if (f.file === source) return f;
  return libraryViewOf(e.library, source)?.stapfile;
}

/**
 * elaborate.cxx `functioncall_security_check`: the errors a call to `fn` at `tok` gives (stap
 * prints them and goes on resolving). An embedded-C function needs `/* unprivileged *\/` (or
 * `/* myproc-unprivileged *\/`) below stapsys, `/* bpf *\/` under `--runtime=bpf`, and a
 * `/* guru *\/` one needs a privileged caller.
 */
export function securityErrors(e: Elaboration, fn: ElabFunction, tok: Token): SemanticError[] {
  const errors: SemanticError[] = [];
  if (fn.body.kind !== 'embeddedcode') return errors;
  const code = fn.body.code;
  const privilege = e.session.privilege;
  if (
    privilege !== 'stapdev' &&
    privilege !== 'stapsys' &&
    !taggedP(code, '/* unprivileged */') &&
    !taggedP(code, '/* myproc-unprivileged */')
  ) {
    errors.push(
      new SemanticError(`function may not be used when --privilege=${privilege} is specified`, fn.tok, undefined, 'security:privilege'),
    );
  }
  if (e.session.target.runtime === 'bpf' && !taggedP(code, '/* bpf */')) {
    errors.push(new SemanticError('function may not be used with bpf runtime', fn.tok, undefined, 'security:bpf'));
  }
  if (taggedP(code, '/* guru */') && !e.session.guru && !stapFileOf(e, tok.location.file)?.privileged) {
    errors.push(new SemanticError('function may not be used unless -g is specified', tok, undefined, 'security:guru'));
  }
  return errors;
}
