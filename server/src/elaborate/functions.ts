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
 * function before that.
 */
import type { FunctionDecl, StapFile } from '../ast/staptree';
import { deepCopy } from '../ast/walk';
import type { SourceFile, Token } from '../passes/parse/token';
import { detoxPath } from '../ast/staptree';
import { pullInFile, SemanticError, type ElabFunction, type ElabVar, type Elaboration } from './model';

/** The ElabFunctions that have their own body and parameters (see the header). */
const owned = new WeakSet<ElabFunction>();

function elabFunction(decl: FunctionDecl, mangled: string, file: StapFile): ElabFunction {
  return { ...decl, mangled, file, locals: [] };
}

/**
 * Numbers every function of every parsed file, in parse order (library files in search order,
 * then the user files): `e.allFunctions` by mangled name, `e.overloadCount` per unmangled name.
 */
export function buildFunctionTable(e: Elaboration): void {
  for (const file of [...e.libraryFiles, ...e.userFiles]) {
    for (const decl of file.functions) {
      const n = e.overloadCount.get(decl.unmangledName) ?? 0;
      e.overloadCount.set(decl.unmangledName, n + 1);
      const mangled = `${decl.name}__overload_${n}`;
      e.allFunctions.set(mangled, elabFunction(decl, mangled, file));
    }
  }
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
export function findFunctions(e: Elaboration, name: string, arity: number, tok: Token): ElabFunction[] {
  const found: ElabFunction[] = [];
  let last: ElabFunction | undefined;
  const alternatives = e.overloadCount.get(name) ?? 0;
  const privatePrefix = `__private_${detoxPath(tok.location.file.name)}`;
  for (let alt = 0; alt < alternatives; alt++) {
    for (const mangled of [`__global_${name}__overload_${alt}`, `${privatePrefix}${name}__overload_${alt}`]) {
      const fn = e.functions.get(mangled) ?? e.allFunctions.get(mangled);
      if (!fn) continue;
      if (fn.formalArgs.length !== arity) {
        last = fn;
        continue;
      }
      if (!e.userFiles.includes(fn.file)) pullInFile(e, fn.file);
      found.push(fn);
      break;
    }
  }
  if (found.length === 0 && last) {
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
  for (const file of e.libraryFiles) {
    for (const fn of file.functions) if (!fn.isPrivate) names.add(fn.unmangledName);
  }
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
  for (const f of e.libraryFiles) if (f.file === source) return f;
  return undefined;
}

/**
 * elaborate.cxx `functioncall_security_check`: the errors a call to `fn` at `tok` gives (stap
 * prints them and goes on resolving). An embedded-C function needs `/* unprivileged *\/` (or
 * `/* myproc-unprivileged *\/`) below stapsys, and a `/* guru *\/` one needs a privileged caller.
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
  if (taggedP(code, '/* guru */') && !e.session.guru && !stapFileOf(e, tok.location.file)?.privileged) {
    errors.push(new SemanticError('function may not be used unless -g is specified', tok, undefined, 'security:guru'));
  }
  return errors;
}
