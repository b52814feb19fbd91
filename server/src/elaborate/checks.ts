/**
 * The checks after type inference and the optimiser: elaborate.cxx `semantic_pass_vars`
 * (`mutated_var_collector`, `no_var_mutation_during_iteration_check`: an array may not be
 * modified inside a `foreach` over it, directly or by a function the loop body calls) and
 * `semantic_pass_stats` (`stat_decl_collector`: which statistics each aggregate needs, one
 * histogram shape and one `@variance` bit shift per aggregate, and every `stats` global must be
 * used by some statistic).
 *
 * Messages and throw sites as stap 4.8 prints them (sites are the elaborate.cxx lines shown at
 * `-vv`). No IO.
 */
import type { ArrayIndex, Expression, FunctionCall, HistOp, StatOp, Statement, Symbol } from '../ast/staptree';
import { forEachChild, type Node } from '../ast/walk';
import {
  reportError,
  SemanticError,
  sortedFunctions,
  type Annotated,
  type ElabFunction,
  type ElabVar,
  type Elaboration,
} from './model';

const SITE_MODIFIED = 'elaborate.cxx:1233';
const SITE_CALL_MODIFIES = 'elaborate.cxx:1257';
const SITE_HIST_RO = 'elaborate.cxx:1185';
const SITE_BIT_SHIFT_RANGE = 'elaborate.cxx:1313';
const SITE_BIT_SHIFTS = 'elaborate.cxx:1346';
const SITE_MULTIPLE_HIST = 'elaborate.cxx:1440';
const SITE_NO_STAT_PARAMS = 'elaborate.cxx:1480';

/** The variable under an expression (`a` of `a[i]`, `s` of `@hist_log(s)`), stap `get_symbol_within_expression`. */
function symbolWithin(e: Expression | undefined): Symbol | undefined {
  for (let depth = 0; e && depth < 1000; depth++) {
    if (e.kind === 'symbol') return e;
    if (e.kind === 'arrayindex') e = e.base;
    else if (e.kind === 'hist_op') e = e.stat;
    else return undefined;
  }
  return undefined;
}

function referentOf(e: Expression | undefined): ElabVar | undefined {
  const s = symbolWithin(e);
  return s ? (s as Annotated<Symbol>).referent : undefined;
}

/**
 * A traversal that knows which array accesses are written (stap
 * `lvalue_aware_traversing_visitor`): the left of an assignment, the operand of `++`/`--`, the
 * value of `delete`.
 */
function walkWithLvalues(node: Node, visit: (n: Node, isLvalue: boolean) => void, leave?: (n: Node) => void): void {
  const go = (n: Node, lvalue: boolean): void => {
    visit(n, lvalue);
    switch (n.kind) {
      case 'assignment':
        go(n.left, true);
        go(n.right, false);
        break;
      case 'pre_crement':
      case 'post_crement':
        go(n.operand, true);
        break;
      case 'delete_statement':
        go(n.value, true);
        break;
      default:
        forEachChild(n, (c) => go(c, false));
    }
    leave?.(n);
  };
  go(node, false);
}

/** stap `mutated_var_collector`: the arrays a function body writes directly. */
function mutatedVars(body: Statement): Set<ElabVar> {
  const out = new Set<ElabVar>();
  walkWithLvalues(body, (n, lvalue) => {
    if (n.kind === 'arrayindex' && lvalue) {
      if (n.base.kind !== 'symbol') throw new SemanticError('Assignment to read-only histogram bucket', n.tok, undefined, SITE_HIST_RO);
      const v = (n.base as Annotated<Symbol>).referent;
      if (v) out.add(v);
    }
  });
  return out;
}

/** elaborate.cxx `semantic_pass_vars`. */
export function semanticPassVars(e: Elaboration): void {
  const functions = sortedFunctions(e);
  const mutates = new Map<ElabFunction, Set<ElabVar>>();
  for (const fn of functions) mutates.set(fn, mutatedVars(fn.body));
  const iterated: ElabVar[] = [];
  const pushed = new Set<Node>();
  const check = (body: Statement): void =>
    walkWithLvalues(
      body,
      (n, lvalue) => {
        if (n.kind === 'arrayindex' && lvalue) {
          const v = referentOf((n as ArrayIndex).base);
          for (const it of iterated) {
            if (it === v) {
              reportError(
                e,
                new SemanticError(`variable '${it.unmangledName}' modified during 'foreach' iteration`, n.tok, undefined, SITE_MODIFIED),
              );
            }
          }
        } else if (n.kind === 'functioncall') {
          for (const fn of (n as Annotated<FunctionCall>).referents ?? []) {
            const m = mutates.get(fn);
            if (!m) continue;
            for (const it of iterated) {
              if (m.has(it)) {
                reportError(
                  e,
                  new SemanticError(
                    `function call modifies var '${it.unmangledName}' during 'foreach' iteration`,
                    n.tok,
                    undefined,
                    SITE_CALL_MODIFIES,
                  ),
                );
              }
            }
          }
        } else if (n.kind === 'foreach_loop') {
          const v = referentOf(n.base);
          if (v) {
            iterated.push(v);
            pushed.add(n);
          }
        }
      },
      (n) => {
        if (pushed.delete(n)) iterated.pop();
      },
    );
  for (const fn of functions) check(fn.body);
  for (const p of e.probes) check(p.body);
}

// ---------------------------------------------------------------------------------------------

/** session.h `statistic_decl`: what one aggregate needs. */
interface StatDecl {
  hist: 'none' | 'linear' | 'log';
  linear?: readonly bigint[];
  bitShift: number;
}

/** elaborate.cxx `stat_decl_collector`, keyed by the (mangled) variable name as stap is. */
function collectStatDecls(e: Elaboration, decls: Map<string, StatDecl>, body: Statement): void {
  const visit = (n: Node): void => {
    switch (n.kind) {
      case 'stat_op':
        statOp(n);
        break;
      case 'hist_op':
        histOp(n);
        break;
      case 'assignment':
        if (n.op === '<<<') {
          const s = symbolWithin(n.left);
          if (s && !decls.has(s.name)) decls.set(s.name, { hist: 'none', bitShift: 0 });
          return;
        }
        break;
    }
    forEachChild(n, visit);
  };
  const statOp = (op: StatOp): void => {
    const s = symbolWithin(op.stat);
    const bitShift = op.params.length ? Number(op.params[0]) : 0;
    if (bitShift < 0 || bitShift > 62) {
      throw new SemanticError(`bit shift (${bitShift}) out of range <0..62>`, op.tok, undefined, SITE_BIT_SHIFT_RANGE);
    }
    if (!s) return;
    const old = decls.get(s.name);
    if (!old) decls.set(s.name, { hist: 'none', bitShift });
    else if (op.ctype === 'variance' && bitShift !== old.bitShift) {
      if (old.bitShift !== 0) {
        throw new SemanticError(`conflicting bit shifts declared (previously ${old.bitShift})`, op.tok, undefined, SITE_BIT_SHIFTS);
      }
      old.bitShift = bitShift;
    }
  };
  const histOp = (h: HistOp): void => {
    const s = symbolWithin(h.stat);
    if (!s) return;
    const neu: StatDecl = { hist: h.htype, linear: h.htype === 'linear' ? h.params : undefined, bitShift: 0 };
    const old = decls.get(s.name);
    if (!old) {
      decls.set(s.name, neu);
      return;
    }
    const same = old.hist === neu.hist && (old.linear ?? []).join() === (neu.linear ?? []).join();
    if (same) return;
    if (old.hist === 'none') {
      old.hist = neu.hist;
      old.linear = neu.linear;
    } else {
      reportError(e, new SemanticError(`multiple histogram types declared on '${s.name}'`, h.tok, undefined, SITE_MULTIPLE_HIST));
    }
  };
  visit(body);
}

/** elaborate.cxx `semantic_pass_stats`. */
export function semanticPassStats(e: Elaboration): void {
  const decls = new Map<string, StatDecl>();
  for (const fn of sortedFunctions(e)) collectStatDecls(e, decls, fn.body);
  for (const p of e.probes) collectStatDecls(e, decls, p.body);
  for (const g of e.globals) {
    if (g.type === 'stats' && !decls.has(g.name)) {
      reportError(
        e,
        new SemanticError(`unable to infer statistic parameters for global '${g.unmangledName}'`, undefined, undefined, SITE_NO_STAT_PARAMS),
      );
    }
  }
}
