/**
 * The `-p2` dump: the elaborated script printed exactly as stap prints it. Mirrors main.cxx
 * `printscript` with staptree.cxx `vardecl::printsig`, `functiondecl::printsig` and
 * elaborate.cxx `derived_probe::printsig`:
 *
 *     # global embedded code        each `%{…%}` + newline
 *     # globals                     `name%[N]:type [t1, t2]`, with `-v` ` = init`
 *     # functions                   by mangled name; `name:type (a:type)`, locals, `-v` body
 *     # probes                      derivation order; signature, locals, `-v` body
 *
 * A section header is printed only when the section has entries. Locals print under
 * `  # locals` indented by two; a body prints as `{ ` + the statement's own print + ` }`
 * (so a block body gives `{ {\n…;\n} }`, a collapsed one `{ println(1) }` and an elided
 * one `{ ; }`). Names inside bodies print as they are in the tree: pass 2 has already rewritten
 * globals and functions to their mangled names, as stap's `-v` dump shows them.
 *
 * Statements and expressions print through the `-p1` printer (the same staptree.cxx routines).
 */
import type { ExpType, Statement, VarDecl } from '../ast/staptree';
import type { DerivedProbe, ElabFunction, ElabVar, Elaboration } from '../elaborate/model';
import { sortedFunctions } from '../elaborate/model';
import { derivedProbeSignature } from '../elaborate/probe-sig';
import { printLiteral, printStatement } from './p1';

/** staptree.cxx `operator<<(exp_type)`. */
function typeName(t: ExpType | undefined): string {
  return t ?? 'unknown';
}

/**
 * staptree.cxx `vardecl::printsig`: the unmangled name, `%` when wrapping, `[maxsize]`, `:type`,
 * and ` [t1, t2]` for an array; `-v` appends ` = init` (main.cxx prints it for globals).
 */
export function printVarDeclSig(v: VarDecl, withInit = false): string {
  const ev = v as ElabVar;
  let o = v.unmangledName || v.name;
  if (v.wrap) o += '%';
  if (v.maxsize > 0) o += `[${v.maxsize}]`;
  o += `:${typeName(v.type)}`;
  if (v.arity > 0) {
    const idx: string[] = [];
    for (let i = 0; i < v.arity; i++) idx.push(typeName(ev.indexTypes?.[i]));
    o += ` [${idx.join(', ')}]`;
  }
  if (withInit && v.init) o += ` = ${printLiteral(v.init)}`;
  return o;
}

/** staptree.cxx `functiondecl::printsig`: `name:type (a:type, b:type)`, unmangled. */
export function printFunctionSig(f: ElabFunction): string {
  return `${f.unmangledName}:${typeName(f.type)} (${f.formalArgs.map((a) => printVarDeclSig(a)).join(', ')})`;
}

function printLocals(locals: readonly VarDecl[]): string {
  if (locals.length === 0) return '';
  return `  # locals\n${locals.map((l) => `  ${printVarDeclSig(l)}\n`).join('')}`;
}

/** `{ ` + the body's own print + ` }` (main.cxx `printscript` at `-v`). */
function printBody(body: Statement): string {
  return `{ ${printStatement(body)} }\n`;
}

/** One derived probe: signature line, locals, and with `-v` the body. */
export function printDerivedProbe(p: DerivedProbe, verbose: boolean): string {
  let o = `${derivedProbeSignature(p)}\n${printLocals(p.locals)}`;
  if (verbose) o += printBody(p.body);
  return o;
}

/** One function: signature line, locals, and with `-v` the body. */
export function printElabFunction(f: ElabFunction, verbose: boolean): string {
  let o = `${printFunctionSig(f)}\n${printLocals(f.locals)}`;
  if (verbose) o += printBody(f.body);
  return o;
}

/** The whole stdout of `stap -p2` (main.cxx `printscript`); `verbose` is any `-v`. */
export function printElaborationDump(e: Elaboration, verbose: boolean): string {
  let o = '';
  if (e.embeds.length > 0) {
    o += '# global embedded code\n';
    for (const em of e.embeds) o += `%{${em.code}%}\n`;
  }
  if (e.globals.length > 0) {
    o += '# globals\n';
    for (const g of e.globals) o += `${printVarDeclSig(g, verbose)}\n`;
  }
  const functions = sortedFunctions(e);
  if (functions.length > 0) {
    o += '# functions\n';
    for (const f of functions) o += printElabFunction(f, verbose);
  }
  if (e.probes.length > 0) {
    o += '# probes\n';
    for (const p of e.probes) o += printDerivedProbe(p, verbose);
  }
  return o;
}
