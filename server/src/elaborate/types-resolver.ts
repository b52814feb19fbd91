/**
 * One round of type inference over a body: elaborate.cxx `typeresolution_info`, the visitor that
 * carries the type expected by the parent (`t`) down the tree, fixes the type of each expression,
 * variable, array index, function parameter and return value the first time it can, and reports
 * mismatches. The fixpoint around it (semantic_pass_types) is in types.ts.
 *
 * The rules and their messages follow stap 4.8 as observed (each throw site is named by the
 * elaborate.cxx line that stap prints at `-vv`, which is also the duplicate-suppression key):
 * - `mismatch` has three forms, printed in the final round only when no more complex mismatch
 *   was seen in the last non-final round (`mismatch_complexity`): left/right sides (1), expected
 *   vs found (2), and against a declaration with a chained "first inferred here" note (3).
 * - `unresolved` and `invalid` only count in non-final rounds and print in the final one.
 * - In the early pass (see types.ts) only mismatches print.
 *
 * Under `--assume-debuginfo`, target expressions (`$x`, `@var`, `@cast`, `x->m`, `@entry`) in
 * places where a debuginfo build would resolve them are typed by use instead of failing: they
 * take the type their parent expects, and whatever is still open at the end defaults to long
 * (string for `$$vars`-like and pretty-printed `$x$` forms); see `assumedTargetType`.
 *
 * No IO.
 */
import type {
  ArrayIndex,
  Assignment,
  Expression,
  ExpType,
  ForeachLoop,
  FunctionCall,
  HistOp,
  PrintFormat,
  Statement,
  Symbol,
  TargetComponent,
} from '../ast/staptree';
import { walk } from '../ast/walk';
import type { Token } from '../passes/parse/token';
import { UNKNOWN_ARG_FAMILY } from './derive';
import {
  reportError,
  SemanticError,
  type Annotated,
  type DerivedProbe,
  type ElabFunction,
  type ElabVar,
  type Elaboration,
} from './model';
import { conversionArgType, conversions, expectedArgCount, FormatError, stringToComponents } from './printf-format';

/** Which type pass is running: the early one before the optimiser, or the real one after it. */
export type TypePassMode = 'early' | 'final';

/** A declaration whose type (or index/parameter type) inference fixes: a variable or a function. */
type Decl = ElabVar | ElabFunction;

/** stap `resolved_type`: where a declaration's (index) type was first inferred. */
interface ResolvedType {
  tok: Token;
  decl: Decl;
  index: number;
}

/** Throw sites, as stap 4.8 prints them at `-vv` (elaborate.cxx lines). */
export const SITES = {
  statLocal: 'elaborate.cxx:7480',
  arrayLocal: 'elaborate.cxx:7470',
  unresolved: 'elaborate.cxx:7496',
  invalid: 'elaborate.cxx:7513',
  mismatchSides: 'elaborate.cxx:7527',
  mismatchExpected: 'elaborate.cxx:7548',
  mismatchDeclFallback: 'elaborate.cxx:7595',
  mismatchDecl: 'elaborate.cxx:7610',
  mismatchDeclChain: 'elaborate.cxx:7618',
  wrongArgs: 'elaborate.cxx:7337',
  unresolvedTarget: 'elaborate.cxx:6712',
  unresolvedAtvar: 'elaborate.cxx:6748',
  unexpectedDefined: 'elaborate.cxx:6765',
  entry: 'elaborate.cxx:6777',
  castNotFound: 'elaborate.cxx:6789',
  autocast: 'elaborate.cxx:6803',
  whileFunction: 'elaborate.cxx:6089',
  whileProbe: 'elaborate.cxx:6136',
  wrapScalar: 'elaborate.cxx:6147',
  printFormatConversion: 'elaborate.cxx:7303',
} as const;

/**
 * Probe families whose bodies have no context variables (`$x`, `@var("x")` without a CU) even
 * with debuginfo: they are not DWARF-based (kprobe.function probes have no DWARF either).
 */
const NO_TARGET_VARS = new Set(['begin', 'end', 'error', 'never', 'timer', 'kprobe']);

function typeOf(e: Expression): ExpType {
  if (e.kind === 'literal_number') return 'long';
  if (e.kind === 'literal_string') return 'string';
  return (e as Annotated).type ?? 'unknown';
}

function setType(e: Expression, t: ExpType): void {
  (e as Annotated).type = t;
}

/** The token stap prints for `invalid`: `invalid operator` for operators, else `invalid type T`. */
function invalidMessage(tok: Token | undefined, t: ExpType): string {
  return tok && tok.type === 'operator' ? 'invalid operator' : `invalid type ${t}`;
}

/** The array variable under an indexable (`a` in `a[i]`, `s` in `@hist_log(s)`), if any. */
function indexableSymbol(base: Symbol | HistOp): Symbol | undefined {
  if (base.kind === 'symbol') return base;
  return base.stat.kind === 'symbol' ? base.stat : undefined;
}

/** Whether a target expression is a string by construction (`$$vars`, `$x$`, `$$parms$$`). */
function prettyPrinted(name: string, components: readonly TargetComponent[]): boolean {
  if (name.startsWith('$$')) return true;
  if (name.length > 1 && name.endsWith('$')) return true;
  const last = components[components.length - 1];
  return last?.type === 'pretty_print';
}

/** The type an assumed-resolvable target expression defaults to when its use does not say. */
export function assumedTargetType(e: Expression): ExpType {
  if (e.kind === 'target_symbol') return e.addressof ? 'long' : prettyPrinted(e.name, e.components) ? 'string' : 'long';
  if (e.kind === 'cast_op' || e.kind === 'atvar_op' || e.kind === 'autocast_op') {
    const last = e.components[e.components.length - 1];
    return !e.addressof && last?.type === 'pretty_print' ? 'string' : 'long';
  }
  return 'long';
}

/** elaborate.cxx `typeresolution_info`. */
export class TypeResolver {
  /** The type the parent expects of the expression being visited. */
  t: ExpType = 'unknown';
  numNewlyResolved = 0;
  numStillUnresolved = 0;
  /** Mismatches found this round (the early pass reports only when there are some). */
  numMismatches = 0;
  assertResolvability = false;
  mismatchComplexity = 0;
  currentFunction?: ElabFunction;
  currentProbe?: DerivedProbe;
  /** Target expressions typed by use under --assume-debuginfo that are still open this round. */
  openTargets: Expression[] = [];
  /** `@defined` operators still around (collapsed to 0 when nothing else resolves). */
  definedOps = 0;
  private readonly resolvedTypes: ResolvedType[] = [];

  constructor(
    readonly e: Elaboration,
    readonly mode: TypePassMode,
  ) {}

  /** Resets the per-round counters (the start of each fixpoint round). */
  startRound(): void {
    this.numNewlyResolved = 0;
    this.numStillUnresolved = 0;
    this.numMismatches = 0;
    this.openTargets = [];
    this.definedOps = 0;
  }

  private print(err: SemanticError): void {
    reportError(this.e, err);
  }

  /** Whether messages other than mismatches print (only in the real pass). */
  private get reportsAll(): boolean {
    return this.mode === 'final';
  }

  // -------------------------------------------------------------------------------------------
  // Bookkeeping (typeresolution_info::resolved, unresolved, invalid, mismatch)

  /**
   * A parameter used inside its own function counts as index N of the function's signature, so
   * that its mismatches point at where a call first fixed it ("type of index 0 was first
   * inferred here"), as stap 4.8 prints.
   */
  private paramIndex(decl: Decl, index: number): number {
    if (index >= 0 || decl.kind !== 'vardecl' || !this.currentFunction) return index;
    return this.currentFunction.formalArgs.indexOf(decl);
  }

  resolved(tok: Token, _t: ExpType, decl?: Decl, index = -1): void {
    this.numNewlyResolved++;
    if (!decl) return;
    index = this.paramIndex(decl, index);
    const existing = this.resolvedTypes.find((r) => r.decl === decl && r.index === index);
    if (existing) existing.tok = tok;
    else this.resolvedTypes.push({ tok, decl, index });
  }

  unresolved(tok: Token): void {
    this.numStillUnresolved++;
    if (this.assertResolvability && this.reportsAll && this.mismatchComplexity <= 0) {
      this.print(new SemanticError('unresolved type ', tok, undefined, SITES.unresolved));
    }
  }

  invalid(tok: Token, t: ExpType): void {
    this.numStillUnresolved++;
    if (this.assertResolvability) {
      this.print(new SemanticError(invalidMessage(tok, t), tok, undefined, SITES.invalid));
    }
  }

  /** The left/right form (binary operators, comparisons, assignments). */
  mismatchSides(tok: Token, left: ExpType, right: ExpType): void {
    this.numStillUnresolved++;
    this.numMismatches++;
    if (this.assertResolvability && this.mismatchComplexity <= 1) {
      this.print(
        new SemanticError(`type mismatch: left and right sides don't agree (${left} vs ${right})`, tok, undefined, SITES.mismatchSides),
      );
    } else if (!this.assertResolvability) this.mismatchComplexity = Math.max(1, this.mismatchComplexity);
  }

  /** The expected-vs-found form: `t1` is what was wanted, `t2` what was found. */
  mismatch(tok: Token, t1: ExpType, t2: ExpType): void {
    this.numStillUnresolved++;
    this.numMismatches++;
    if (this.assertResolvability && this.mismatchComplexity <= 2) {
      let msg = `type mismatch: expected ${t1}`;
      if (t2 !== 'unknown') msg += ` but found ${t2}`;
      this.print(new SemanticError(msg, tok, undefined, SITES.mismatchExpected));
    } else if (!this.assertResolvability) this.mismatchComplexity = Math.max(2, this.mismatchComplexity);
  }

  /** The declaration form: `type` met `decl` (index `index` of it, or -1 for its own type). */
  mismatchDecl(tok: Token, type: ExpType, decl: Decl, index = -1): void {
    // stap shows the declaration's own type even for an index (an array's value type), as 4.8 does.
    const declType = decl.type;
    this.numStillUnresolved++;
    this.numMismatches++;
    if (this.assertResolvability && this.mismatchComplexity <= 3) {
      index = this.paramIndex(decl, index);
      const first = this.resolvedTypes.find((r) => r.decl === decl && r.index === index);
      if (!first) {
        // A declared type (`f:long`, `a:long`, `global x = 1`): nowhere to point at.
        let msg = `type mismatch: expected ${type}`;
        if (declType !== 'unknown') msg += ` but found ${declType}`;
        this.print(new SemanticError(msg, tok, undefined, SITES.mismatchDeclFallback));
        return;
      }
      const err =
        index >= 0
          ? new SemanticError(`index ${index} type mismatch (${type})`, tok, undefined, SITES.mismatchDecl)
          : new SemanticError(`type mismatch (${type})`, tok, undefined, SITES.mismatchDecl);
      const note =
        index >= 0
          ? `type of index ${index} was first inferred here (${declType})`
          : `type was first inferred here (${declType})`;
      err.chained(new SemanticError(note, first.tok, undefined, SITES.mismatchDeclChain));
      this.print(err);
    } else if (!this.assertResolvability) this.mismatchComplexity = Math.max(3, this.mismatchComplexity);
  }

  /**
   * stap `resolve_2types`: unifies an expression (`re`, with token `tok`) that refers to `decl`
   * with the expected type `t`.
   */
  private resolve2(re: Expression, decl: Decl, t: ExpType, acceptUnknown = false): void {
    const reType = typeOf(re);
    const teType = decl.type;
    const tok = re.tok;
    if (t !== 'unknown' && reType === t && reType === teType) return;
    if (t === 'unknown' && reType !== 'unknown' && reType === teType) return;
    if (reType !== 'unknown' && teType !== 'unknown' && reType !== teType) this.mismatchDecl(tok, reType, decl);
    else if (reType !== 'unknown' && t !== 'unknown' && reType !== t) this.mismatchDecl(tok, t, decl);
    else if (teType !== 'unknown' && t !== 'unknown' && teType !== t) this.mismatchDecl(tok, t, decl);
    else if (reType === 'unknown' && t !== 'unknown') {
      setType(re, t);
      this.resolved(tok, t);
    } else if (reType === 'unknown' && teType !== 'unknown') {
      setType(re, teType);
      this.resolved(tok, teType);
    } else if (reType !== 'unknown' && teType === 'unknown') {
      decl.type = reType;
      this.resolved(tok, reType, decl);
    } else if (!acceptUnknown) this.unresolved(tok);
  }

  /** stap `check_arg_type`: `arg` must be of type `wanted` (printf arguments, foreach values). */
  private checkArgType(wanted: ExpType, arg: Expression): void {
    this.t = wanted;
    this.visitExpression(arg);
    const at = typeOf(arg);
    if (at === 'unknown') {
      setType(arg, wanted);
      this.resolved(arg.tok, wanted);
    } else if (at !== wanted) this.mismatch(arg.tok, wanted, at);
  }

  /** stap `check_local`: a probe or function local must end up a long or a string scalar. */
  checkLocal(v: ElabVar): void {
    if (v.arity > 0) {
      this.numStillUnresolved++;
      if (this.assertResolvability && this.reportsAll) {
        this.print(new SemanticError('array locals not supported, missing global declaration? ', v.tok, undefined, SITES.arrayLocal));
      }
    }
    if (v.type === 'unknown') this.unresolved(v.tok);
    else if (v.type === 'stats') {
      this.numStillUnresolved++;
      if (this.assertResolvability && this.reportsAll) {
        this.print(new SemanticError('stat locals not supported, missing global declaration? ', v.tok, undefined, SITES.statLocal));
      }
    } else if (v.type !== 'long' && v.type !== 'string') this.invalid(v.tok, v.type);
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  visitStatement(s: Statement): void {
    switch (s.kind) {
      case 'block':
        for (const st of s.statements) {
          this.t = 'unknown';
          this.visitStatement(st);
        }
        return;
      case 'try_block':
        this.visitStatement(s.tryBlock);
        if (s.catchErrorVar) {
          this.t = 'string';
          this.visitExpression(s.catchErrorVar);
        }
        this.visitStatement(s.catchBlock);
        return;
      case 'embeddedcode':
      case 'null_statement':
      case 'next_statement':
      case 'break_statement':
      case 'continue_statement':
        return;
      case 'expr_statement':
        this.t = 'unknown';
        this.visitExpression(s.value);
        return;
      case 'if_statement':
        this.t = 'long';
        this.visitExpression(s.condition);
        this.t = 'unknown';
        this.visitStatement(s.thenblock);
        if (s.elseblock) {
          this.t = 'unknown';
          this.visitStatement(s.elseblock);
        }
        return;
      case 'for_loop':
        this.t = 'unknown';
        if (s.init) this.visitStatement(s.init);
        this.t = 'long';
        this.visitExpression(s.cond);
        this.t = 'unknown';
        if (s.incr) this.visitStatement(s.incr);
        this.t = 'unknown';
        this.visitStatement(s.block);
        return;
      case 'foreach_loop':
        this.visitForeach(s);
        return;
      case 'return_statement':
        this.visitReturn(s.value);
        return;
      case 'delete_statement':
        this.t = 'unknown';
        this.visitExpression(s.value);
        return;
    }
  }

  /** stap `visit_return_statement`: the value unifies with the function's return type. */
  private visitReturn(value: Expression | undefined): void {
    const fn = this.currentFunction;
    if (!fn || !value) return;
    this.t = fn.type;
    this.visitExpression(value);
    const vt = typeOf(value);
    if (fn.type !== 'unknown' && vt !== 'unknown' && fn.type !== vt) this.mismatchDecl(value.tok, vt, fn);
    if (fn.type === 'unknown' && (vt === 'long' || vt === 'string')) {
      fn.type = vt;
      this.resolved(value.tok, vt, fn);
    }
    if (vt === 'stats') this.invalid(value.tok, vt);
  }

  /** The index expressions of `a[…]` or a foreach against the array's index types. */
  private visitIndexes(indexes: readonly (Expression | null)[], array: ElabVar): void {
    const types = indexTypesOf(array);
    for (let i = 0; i < indexes.length; i++) {
      const ee = indexes[i];
      if (!ee) continue;
      this.t = types[i] ?? 'unknown';
      this.visitExpression(ee);
      const at = typeOf(ee);
      const ft = types[i] ?? 'unknown';
      if ((at === 'string' || at === 'long') && ft === 'unknown') {
        types[i] = at;
        this.resolved(ee.tok, at, array, i);
      }
      if (at === 'stats') this.invalid(ee.tok, at);
      if (ft === 'stats') this.invalid(ee.tok, ft);
      if (at !== 'unknown' && ft !== 'unknown' && ft !== at) this.mismatchDecl(ee.tok, at, array, i);
      if (at === 'unknown') this.unresolved(ee.tok);
    }
  }

  /** stap `visit_foreach_loop`. */
  private visitForeach(s: ForeachLoop): void {
    let wanted: ExpType = 'unknown';
    let array: Symbol | undefined;
    if (s.base.kind === 'hist_op') {
      if (s.indexes.length !== 1) this.unresolved(s.tok);
      this.t = 'long';
      if (s.indexes[0]) {
        this.visitExpression(s.indexes[0]);
        if (typeOf(s.indexes[0]) !== 'long') this.unresolved(s.tok);
      }
      this.visitExpression(s.base);
      wanted = 'long';
    } else {
      array = s.base;
      const v = (array as Annotated<Symbol>).referent;
      if (!v) return;
      if (s.indexes.length !== Math.max(v.arity, 0)) this.unresolved(s.tok);
      else {
        this.visitIndexes(s.indexes, v);
        if (s.arraySlice.length) this.visitIndexes(s.arraySlice, v);
      }
      this.t = 'unknown';
      this.visitExpression(array);
      wanted = typeOf(array);
    }
    if (s.value) {
      if (wanted === 'stats') this.invalid(s.value.tok, wanted);
      else if (wanted !== 'unknown') this.checkArgType(wanted, s.value);
      else {
        this.t = 'unknown';
        this.visitExpression(s.value);
      }
    }
    if (wanted !== 'unknown' && s.sortAggregate !== 'none' && wanted !== 'stats') this.invalid((array ?? s.base).tok, wanted);
    if (s.limit) {
      this.t = 'long';
      this.visitExpression(s.limit);
    }
    this.t = 'unknown';
    this.visitStatement(s.block);
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  visitExpression(e: Expression): void {
    const t = this.t;
    switch (e.kind) {
      case 'literal_number':
      case 'literal_string': {
        const own = typeOf(e);
        setType(e, own);
        if (t !== own && t !== 'unknown') this.mismatch(e.tok, t, own);
        return;
      }
      case 'embedded_expr':
        if (typeOf(e) === 'unknown') {
          const own: ExpType = e.code.includes('/* string */') ? 'string' : 'long';
          setType(e, own);
          this.resolved(e.tok, own);
        }
        return;
      case 'binary_expression':
      case 'logical_or_expr':
      case 'logical_and_expr':
        this.visitBinary(e, e.left, e.right);
        return;
      case 'unary_expression':
      case 'pre_crement':
      case 'post_crement':
        if (t === 'stats' || t === 'string') this.invalid(e.tok, t);
        this.t = 'long';
        this.visitExpression(e.operand);
        this.resolveAs(e, 'long');
        return;
      case 'array_in': {
        this.t = 'unknown';
        this.visitExpression(e.operand);
        if (t === 'unknown' && typeOf(e) !== 'unknown') return;
        if (t === 'string' || t === 'stats') this.mismatch(e.tok, t, 'long');
        else this.resolveAs(e, 'long');
        return;
      }
      case 'regex_query':
        if (t === 'stats' || t === 'string') this.invalid(e.tok, t);
        this.t = 'string';
        this.visitExpression(e.left);
        this.t = 'string';
        this.visitExpression(e.right);
        this.resolveAs(e, 'long');
        return;
      case 'comparison': {
        if (t === 'stats' || t === 'string') this.invalid(e.tok, t);
        this.t = typeOf(e.right);
        this.visitExpression(e.left);
        this.t = typeOf(e.left);
        this.visitExpression(e.right);
        const l = typeOf(e.left);
        const r = typeOf(e.right);
        if (l !== 'unknown' && r !== 'unknown' && l !== r) this.mismatchSides(e.tok, l, r);
        this.resolveAs(e, 'long');
        return;
      }
      case 'concatenation':
        if (t !== 'unknown' && t !== 'string') this.invalid(e.tok, t);
        this.t = 'string';
        this.visitExpression(e.left);
        this.t = 'string';
        this.visitExpression(e.right);
        this.resolveAs(e, 'string');
        return;
      case 'ternary_expression':
        this.visitTernary(e.tok, e, e.cond, e.truevalue, e.falsevalue);
        return;
      case 'assignment':
        this.visitAssignment(e);
        return;
      case 'symbol': {
        const v = (e as Annotated<Symbol>).referent;
        if (!v) {
          // Only after a symbol error, which --keep-going goes past: nothing more to say here.
          if (this.e.options.keepGoing) return void this.numStillUnresolved++;
          throw new SemanticError(`internal error: unresolved symbol '${e.name}'`, e.tok, undefined, 'elaborate.cxx:symbol');
        }
        this.resolve2(e, v, t);
        return;
      }
      case 'arrayindex':
        this.visitArrayIndex(e);
        return;
      case 'functioncall':
        this.visitFunctionCall(e);
        return;
      case 'print_format':
        this.visitPrintFormat(e);
        return;
      case 'stat_op':
        this.t = 'stats';
        this.visitExpression(e.stat);
        if (typeOf(e) === 'unknown') {
          setType(e, 'long');
          this.resolved(e.tok, 'long');
        } else if (typeOf(e) !== 'long') this.mismatch(e.tok, 'long', typeOf(e));
        return;
      case 'hist_op':
        this.t = 'stats';
        this.visitExpression(e.stat);
        return;
      case 'perf_op':
        if (t === 'stats' || t === 'string') this.invalid(e.tok, t);
        setType(e, 'long');
        this.t = 'string';
        this.visitExpression(e.operand);
        return;
      case 'probewrite_op':
        this.resolveAs(e, 'long');
        return;
      case 'target_register':
        if (t !== 'long' && t !== 'unknown') this.invalid(e.tok, t);
        this.resolveAs(e, 'long');
        return;
      case 'target_deref':
        // The address is visited with the parent's expectation still in `t`, as stap does.
        if (t !== 'long' && t !== 'unknown') this.invalid(e.tok, t);
        this.visitExpression(e.addr);
        this.resolveAs(e, 'long');
        return;
      case 'defined_op':
        this.t = 'unknown';
        this.visitExpression(e.operand);
        this.definedOps++;
        if (this.assertResolvability && this.reportsAll) {
          throw new SemanticError('unexpected @defined', e.tok, undefined, SITES.unexpectedDefined);
        }
        this.numStillUnresolved++;
        return;
      case 'entry_op':
        if (this.assumed(e)) {
          this.t = t;
          this.visitExpression(e.operand);
          const ot = typeOf(e.operand);
          if (typeOf(e) === 'unknown' && ot !== 'unknown') {
            setType(e, ot);
            this.resolved(e.tok, ot);
          }
          return;
        }
        if (this.reportsAll) {
          throw new SemanticError('internal error: @entry is only valid in .return probes', e.tok, undefined, SITES.entry);
        }
        this.numStillUnresolved++;
        return;
      case 'target_symbol':
      case 'cast_op':
      case 'atvar_op':
      case 'autocast_op':
        this.visitTarget(e, t);
        return;
    }
  }

  /** Sets `e`'s type to `own` the first time (stap's `if (e->type == pe_unknown) {…; resolved}`). */
  private resolveAs(e: Expression, own: ExpType): void {
    if (typeOf(e) === 'unknown') {
      setType(e, own);
      this.resolved(e.tok, own);
    }
  }

  /** stap `visit_binary_expression` (also `||`, `&&`, and the numeric compound assignments). */
  private visitBinary(e: Expression, left: Expression, right: Expression): void {
    const t = this.t;
    if (t === 'stats' || t === 'string') this.invalid(e.tok, t);
    this.t = 'long';
    this.visitExpression(left);
    this.t = 'long';
    this.visitExpression(right);
    const l = typeOf(left);
    const r = typeOf(right);
    if (l !== 'unknown' && r !== 'unknown' && l !== r) this.mismatchSides(e.tok, l, r);
    this.resolveAs(e, 'long');
  }

  /** stap `visit_ternary_expression` (also the `=` assignment's two-way inference). */
  private visitTernary(tok: Token, e: Expression, cond: Expression, a: Expression, b: Expression): void {
    let sub = this.t;
    this.t = 'long';
    this.visitExpression(cond);
    if (sub === 'unknown' && typeOf(e) !== 'unknown') sub = typeOf(e);
    this.t = sub;
    this.visitExpression(a);
    this.t = sub;
    this.visitExpression(b);
    const et = typeOf(e);
    if (sub === 'unknown' && et !== 'unknown') return;
    if (sub !== 'unknown' && et === 'unknown') {
      setType(e, sub);
      this.resolved(tok, sub);
    } else if (sub === 'unknown' && typeOf(a) !== 'unknown') {
      setType(e, typeOf(a));
      this.resolved(tok, typeOf(a));
    } else if (sub === 'unknown' && typeOf(b) !== 'unknown') {
      setType(e, typeOf(b));
      this.resolved(tok, typeOf(b));
    } else if (et !== sub) this.mismatch(tok, sub, et);
  }

  /** stap `visit_assignment`. */
  private visitAssignment(e: Assignment): void {
    const t = this.t;
    if (t === 'stats') this.invalid(e.tok, t);
    if (e.op === '<<<') {
      if (t === 'string') this.invalid(e.tok, t);
      this.t = 'stats';
      this.visitExpression(e.left);
      this.t = 'long';
      this.visitExpression(e.right);
      const et = typeOf(e);
      if (et === 'unknown' || et === 'stats') {
        setType(e, 'long');
        this.resolved(e.tok, 'long');
      }
      return;
    }
    if (typeOf(e.left) === 'stats') {
      this.invalid(e.left.tok, 'stats');
      return;
    }
    if (typeOf(e.right) === 'stats') {
      this.invalid(e.right.tok, 'stats');
      return;
    }
    if (e.op === '.=') {
      if (t === 'long' || t === 'stats') this.invalid(e.tok, t);
      this.t = 'string';
      this.visitExpression(e.left);
      this.t = 'string';
      this.visitExpression(e.right);
      this.resolveAs(e, 'string');
      return;
    }
    if (e.op !== '=') {
      this.visitBinary(e, e.left, e.right);
      return;
    }
    let sub = t;
    if (sub === 'unknown' && typeOf(e) !== 'unknown') sub = typeOf(e);
    this.t = sub !== 'unknown' ? sub : typeOf(e.right);
    this.visitExpression(e.left);
    this.t = sub !== 'unknown' ? sub : typeOf(e.left);
    this.visitExpression(e.right);
    if (sub !== 'unknown' && typeOf(e) === 'unknown') {
      setType(e, sub);
      this.resolved(e.tok, sub);
    }
    if (sub === 'unknown' && typeOf(e.left) !== 'unknown') {
      setType(e, typeOf(e.left));
      this.resolved(e.tok, typeOf(e.left));
    }
    const l = typeOf(e.left);
    const r = typeOf(e.right);
    if (l !== 'unknown' && r !== 'unknown' && l !== r) this.mismatchSides(e.tok, l, r);
  }

  /** stap `visit_arrayindex`. */
  private visitArrayIndex(e: ArrayIndex): void {
    if (e.base.kind === 'hist_op') {
      if (e.indexes.length !== 1) this.unresolved(e.tok);
      this.t = 'long';
      const ix = e.indexes[0];
      if (ix) {
        this.visitExpression(ix);
        if (typeOf(ix) !== 'long') this.unresolved(e.tok);
      }
      this.visitExpression(e.base);
      if (typeOf(e) !== 'long') {
        setType(e, 'long');
        this.resolved(e.tok, 'long');
      }
      return;
    }
    const v = (e.base as Annotated<Symbol>).referent;
    if (!v) {
      if (this.e.options.keepGoing) return void this.numStillUnresolved++;
      throw new SemanticError(`internal error: unresolved symbol '${e.base.name}'`, e.tok, undefined, 'elaborate.cxx:arrayindex');
    }
    this.resolve2(e, v, this.t);
    if (e.indexes.length !== Math.max(v.arity, 0)) this.unresolved(e.tok);
    else this.visitIndexes(e.indexes, v);
  }

  /** stap `visit_functioncall`: every overload's return and parameter types. */
  private visitFunctionCall(e: FunctionCall): void {
    const refs = (e as Annotated<FunctionCall>).referents;
    if (!refs || refs.length === 0) {
      if (this.e.options.keepGoing) {
        for (const a of e.args) {
          this.t = 'unknown';
          this.visitExpression(a);
        }
        return void this.numStillUnresolved++;
      }
      throw new SemanticError(`internal error: unresolved function call to '${e.function}'`, e.tok, undefined, 'elaborate.cxx:functioncall');
    }
    const original = this.t;
    for (const fn of refs) {
      this.t = original;
      this.resolve2(e, fn, original, true);
      if (typeOf(e) === 'stats') this.invalid(e.tok, 'stats');
      if (e.args.length !== fn.formalArgs.length) {
        this.unresolved(e.tok);
        continue;
      }
      for (let i = 0; i < e.args.length; i++) {
        const ee = e.args[i]!;
        const param = fn.formalArgs[i] as ElabVar;
        this.t = param.type;
        this.visitExpression(ee);
        const at = typeOf(ee);
        const ft = param.type;
        if ((at === 'string' || at === 'long') && ft === 'unknown') {
          param.type = at;
          this.resolved(ee.tok, at, param, i);
        }
        if (at === 'stats') this.invalid(ee.tok, at);
        if (ft === 'stats') this.invalid(param.tok, ft);
        if (at !== 'unknown' && ft !== 'unknown' && ft !== at) this.mismatchDecl(ee.tok, at, param, i);
        if (at === 'unknown') this.unresolved(ee.tok);
      }
    }
  }

  /** stap `visit_print_format`. */
  private visitPrintFormat(e: PrintFormat): void {
    let unresolvedArgs = 0;
    if (e.hist) {
      this.visitExpression(e.hist);
    } else if (e.printWithFormat) {
      let components;
      try {
        components = stringToComponents(e.rawComponents);
      } catch (err) {
        // Pass 1 should have refused it already (stap: a parse error).
        if (err instanceof FormatError) throw new SemanticError(err.message, e.tok, undefined, SITES.printFormatConversion);
        throw err;
      }
      if (expectedArgCount(components) !== e.args.length) {
        throw new SemanticError('Wrong number of args to formatted print operator', e.tok, undefined, SITES.wrongArgs);
      }
      let argno = 0;
      for (const c of conversions(components)) {
        if (c.dynamicWidth) this.checkArgType('long', e.args[argno++]!);
        if (c.dynamicPrecision) this.checkArgType('long', e.args[argno++]!);
        this.checkArgType(conversionArgType(c), e.args[argno++]!);
      }
    } else {
      for (const a of e.args) {
        this.t = 'unknown';
        this.visitExpression(a);
        if (typeOf(a) === 'unknown') {
          this.unresolved(a.tok);
          unresolvedArgs++;
        }
      }
    }
    if (unresolvedArgs === 0) this.resolveAs(e, e.printToStream ? 'long' : 'string');
    else {
      setType(e, 'unknown');
      this.unresolved(e.tok);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Target expressions ($x, @cast, @var, x->m) and @entry

  /** Whether `--assume-debuginfo` lets target expression `e` resolve where it is. */
  private assumed(e: Expression): boolean {
    const p = this.currentProbe;
    const targetVar = e.kind === 'target_symbol' || e.kind === 'entry_op' || (e.kind === 'atvar_op' && e.cuName === '');
    // --assume-args: a probe point with an unknown argument is unresolved, its $vars unknown too
    // (also in the functions it calls, which might be those of the family it turns out to be).
    if (targetVar && this.unknownArgContext()) return true;
    if (!this.e.options.assumeDebuginfo) return false;
    if (targetVar) return p !== undefined && !NO_TARGET_VARS.has(p.family);
    return true;
  }

  /** Functions reachable from a probe point accepted for an unknown argument (--assume-args). */
  private unknownArgReach?: Set<ElabFunction>;

  /** Whether the body being typed is such a probe's, or a function it reaches. */
  private unknownArgContext(): boolean {
    if (this.currentProbe) return this.currentProbe.family === UNKNOWN_ARG_FAMILY;
    if (!this.currentFunction) return false;
    if (!this.unknownArgReach) {
      this.unknownArgReach = new Set();
      const seen = this.unknownArgReach;
      const reach = (body: Statement): void =>
        walk(body, (n) => {
          if (n.kind !== 'functioncall') return;
          for (const f of (n as Annotated).referents ?? []) {
            if (!seen.has(f)) {
              seen.add(f);
              reach(f.body);
            }
          }
        });
      for (const dp of this.e.probes) if (dp.family === UNKNOWN_ARG_FAMILY) reach(dp.body);
    }
    return this.unknownArgReach.has(this.currentFunction);
  }

  private visitTarget(e: Expression & { components: TargetComponent[] }, t: ExpType): void {
    // Index expressions of `$x[i]` are longs.
    for (const c of e.components) {
      if (c.type === 'expression_array_index') {
        this.t = 'long';
        this.visitExpression(c.expr);
      }
    }
    if (e.kind === 'cast_op' || e.kind === 'autocast_op') {
      this.t = 'long';
      this.visitExpression(e.operand);
    }
    if (this.assumed(e)) {
      const own = typeOf(e);
      if (own === 'unknown') {
        if (t !== 'unknown' && t !== 'stats') {
          setType(e, t);
          this.resolved(e.tok, t);
        } else this.openTargets.push(e);
      } else if (t !== 'unknown' && t !== own) this.mismatch(e.tok, t, own);
      return;
    }
    if (this.mode === 'early') {
      this.numStillUnresolved++;
      return;
    }
    switch (e.kind) {
      case 'target_symbol':
        this.numStillUnresolved++;
        if (this.assertResolvability) {
          this.print(new SemanticError('unresolved target-symbol expression', e.tok, undefined, SITES.unresolvedTarget));
        }
        return;
      case 'atvar_op':
        this.numStillUnresolved++;
        this.print(new SemanticError('unresolved @var() expression', e.tok, undefined, SITES.unresolvedAtvar));
        return;
      case 'cast_op':
        this.numStillUnresolved++;
        this.print(
          new SemanticError(`type definition '${e.typeName}' not found in '${e.module}'`, e.tok, undefined, SITES.castNotFound),
        );
        return;
      case 'autocast_op':
        this.numStillUnresolved++;
        if (this.assertResolvability) {
          this.print(new SemanticError('unknown type in dereference', e.tok, undefined, SITES.autocast));
        }
        return;
    }
  }
}

/** An array's index types, sized to its arity (stap `vardecl::set_arity` resizes `index_types`). */
export function indexTypesOf(v: ElabVar): ExpType[] {
  const arity = Math.max(v.arity, 0);
  if (!v.indexTypes) v.indexTypes = [];
  while (v.indexTypes.length < arity) v.indexTypes.push('unknown');
  return v.indexTypes;
}
