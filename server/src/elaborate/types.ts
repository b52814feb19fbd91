/**
 * Type inference: elaborate.cxx `semantic_pass_types`, the fixpoint around the
 * `typeresolution_info` visitor (types-resolver.ts).
 *
 * Each round visits every function (std::map order), then every probe body and its condition
 * (expected long), checking the locals of each (`check_local`), then the globals. When a round
 * resolves nothing new: done if nothing is unresolved; else, under `--assume-debuginfo`, the
 * target expressions still open take their default type (stap's autocast would have typed
 * them); else leftover `@defined` are folded to 0 (with the const folder and dead-control
 * remover) and if that changed anything the loop goes on; else one last round runs with
 * `assert_resolvability`, the round that prints the errors.
 *
 * stap 4.8 also runs it early, as observed: semantic_pass_const_fold starts with a type pass
 * (optimize.ts calls {@link semanticPassTypesEarly} before folding), so mismatches in code the
 * folder is about to drop (under `if (0)`) are still reported, after the optimiser's first
 * warnings, and the types it infers stay (a variable assigned only in dead code keeps that
 * type). That run reports only when a round still meets mismatches: then the mismatches and
 * `invalid`s print, but nothing merely unresolved (target expressions, `@entry`, `@defined`,
 * locals), which the optimiser may yet drop. "Wrong number of args to formatted print operator"
 * is thrown there and ends the pass with no "while processing" wrapper. The real run prints
 * everything, and a thrown error there is wrapped in `while processing function NAME` /
 * `while processing probe LOCATIONS` (a token-less error chained to the cause).
 *
 * No IO. Every loop is bounded by ITERATION_LIMIT.
 */
import { printProbePoint } from '../dump/p1';
import type { ProbePoint } from '../ast/staptree';
import { semanticPassConstFold } from './const-fold';
import {
  ITERATION_LIMIT,
  SemanticError,
  sortedFunctions,
  type DerivedProbe,
  type ElabVar,
  type Elaboration,
  type ProbeOrigin,
} from './model';
import { semanticPassDeadControl } from './optimize';
import { assumedTargetType, SITES, TypeResolver, type TypePassMode } from './types-resolver';

/** elaborate.cxx `semantic_pass_types` (the real run, after the optimiser). */
export function semanticPassTypes(e: Elaboration): void {
  runTypePass(e, 'final');
}

/**
 * The early run of the type pass, at the start of each const-folding step of the optimiser:
 * infers what it can and reports type mismatches only.
 */
export function semanticPassTypesEarly(e: Elaboration): void {
  runTypePass(e, 'early');
}

function runTypePass(e: Elaboration, mode: TypePassMode): void {
  const ti = new TypeResolver(e, mode);
  for (let iteration = 0; ; iteration++) {
    if (iteration >= ITERATION_LIMIT) {
      throw new SemanticError(`type inference did not settle after ${ITERATION_LIMIT} rounds`, undefined, undefined, 'semantic_pass_types');
    }
    ti.startRound();
    round(e, ti, mode);
    if (ti.numNewlyResolved > 0) {
      ti.mismatchComplexity = 0;
      continue;
    }
    if (ti.numStillUnresolved === 0) return;
    if (ti.assertResolvability) return;
    // Target expressions typed by use (--assume-debuginfo): what is still open gets its default.
    if (ti.openTargets.length > 0) {
      for (const x of ti.openTargets) (x as { type?: string }).type = assumedTargetType(x);
      ti.mismatchComplexity = 0;
      continue;
    }
    // The early run reports only when a round still meets mismatches (then also `invalid`s);
    // what is merely unresolved may yet be dropped by the optimiser.
    if (mode === 'early' && ti.numMismatches === 0) return;
    if (mode === 'final' && ti.definedOps > 0) {
      let changed = semanticPassConstFold(e, { collapseDefines: true });
      changed = semanticPassDeadControl(e) || changed;
      if (changed) continue;
    }
    ti.assertResolvability = true;
    if (e.session.verbose > 0) ti.mismatchComplexity = 0;
  }
}

/** One round: functions, probes (and their conditions), globals. */
function round(e: Elaboration, ti: TypeResolver, mode: TypePassMode): void {
  for (const fn of sortedFunctions(e)) {
    ti.currentProbe = undefined;
    ti.currentFunction = fn;
    wrapped(mode, () => `while processing function ${fn.unmangledName}`, SITES.whileFunction, () => {
      ti.t = 'unknown';
      ti.visitStatement(fn.body);
      for (const v of fn.locals) ti.checkLocal(v as ElabVar);
    });
  }
  for (const p of e.probes) {
    ti.currentFunction = undefined;
    ti.currentProbe = p;
    wrapped(mode, () => `while processing probe ${derivedLocations(p)}`, SITES.whileProbe, () => {
      ti.t = 'unknown';
      ti.visitStatement(p.body);
      for (const v of p.locals) ti.checkLocal(v as ElabVar);
      if (p.condition) {
        ti.currentProbe = undefined;
        ti.t = 'long';
        ti.visitExpression(p.condition);
      }
    });
  }
  ti.currentProbe = undefined;
  for (const g of e.globals) {
    if (g.type === 'unknown') ti.unresolved(g.tok);
    if (g.arity === 0 && g.wrap) throw new SemanticError('wrapping not supported for scalars', g.tok, undefined, SITES.wrapScalar);
  }
}

/** Runs `f`; in the real run a thrown error comes back chained under a `while processing` error. */
function wrapped(mode: TypePassMode, message: () => string, site: string, f: () => void): void {
  if (mode === 'early') {
    f();
    return;
  }
  try {
    f();
  } catch (err) {
    if (err instanceof SemanticError) throw new SemanticError(message(), undefined, undefined, site).chained(err);
    throw err;
  }
}

/** A probe point as stap's `probe_point::str(false)` prints it: no `?`, `!` or condition. */
function pointText(pp: ProbePoint): string {
  return printProbePoint({ ...pp, optional: false, sufficient: false, condition: undefined });
}

/**
 * elaborate.cxx `probe::derived_locations(false)`: the chain of probe points this probe was
 * derived through, after its own location: each alias level (innermost first, printed as the
 * alias name), then the point the user wrote, joined by ` from: `.
 */
export function derivedLocations(p: DerivedProbe): string {
  const aliases: string[] = [];
  let o: ProbeOrigin = p.origin;
  for (let depth = 0; o.kind === 'alias' && depth < ITERATION_LIMIT; depth++) {
    aliases.push(o.alias.aliasNames.map(pointText)[0] ?? '');
    o = o.base;
  }
  if (o.kind !== 'probe') return aliases.join(' from: ');
  const written = o.probe.locations.map(pointText);
  const own = pointText(p.location);
  const outer = aliases.length ? aliases[aliases.length - 1]! : own;
  // Which of the written points derived this probe: the one that names it, else the only one.
  const user =
    written.find((w) => w === outer) ??
    written.find((w) => outer.startsWith(`${w}.`)) ??
    (written.length === 1 ? written[0] : undefined) ??
    written.find((w) => w.includes('*')) ??
    written[0] ??
    own;
  return [...aliases, user].join(' from: ');
}
