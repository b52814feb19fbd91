/**
 * The side-effect model of the optimiser: which variables a piece of code reads and writes, and
 * whether it does something the optimiser cannot see (impure embedded C, printing). Mirrors
 * staptree.cxx `varuse_collecting_visitor` (over `functioncall_traversing_visitor`):
 *
 * - `x = E`, `x <<< E`, a `foreach` index or value, a `catch (e)` variable: `x` is written;
 * - `x += E` (every other assignment operator), `x++`/`--x`, `delete x`: `x` is read and written;
 * - `a[i] = E`: the array `a` is written, `i` is read; a sorted `foreach` writes its array;
 * - any other use reads;
 * - `%{ %}` reads and writes the globals its `/* pragma:read:g *\/`, `/* pragma:write:g *\/`
 *   comments name (not a consuming read for the global display);
 * - `%{ %}` not tagged `/* pure *\/`, any print to the output stream, and an assignment to a
 *   still-unresolved `$var`, `@cast`, `@var` or autocast set `embeddedSeen`;
 * - a call is followed into every referent's body (once per visitor: the sets are unions, so
 *   visiting a body twice adds nothing; recursion stops there too).
 *
 * A symbol without a referent is stap's `symbol without referent` error (the map-iteration
 * quirk of symbol resolution, reference §3.2, surfaces here).
 */
import type { Expression, Statement, Symbol } from '../ast/staptree';
import { forEachUpdateChild, type Node } from '../ast/walk';
import { errorCount, SemanticError, type Annotated, type Elaboration, type ElabFunction, type ElabVar } from './model';
import type { EmbeddedAnnotations } from './symbols';

/** staptree.cxx `embeddedcode::tagged_p` / `embedded_expr::tagged_p`: a plain substring test. */
export function taggedP(code: string, tag: string): boolean {
  return code.includes(tag);
}

/** The throw site of `symbol without referent` (varuse_collecting_visitor::visit_symbol). */
export const NO_REFERENT_SITE = 'varuse_collecting_visitor::visit_symbol';

/**
 * Runs `step`, except that with `--keep-going` after earlier errors, a symbol left without
 * referent by those errors ends the step quietly instead of adding `symbol without referent`
 * (with no earlier error it is stap's own error, the map-iteration quirk, and is reported).
 */
export function tolerateUnresolved(e: Elaboration, step: () => void): void {
  const lenient = e.options.keepGoing && errorCount(e) > 0;
  try {
    step();
  } catch (err) {
    if (lenient && err instanceof SemanticError && err.site === NO_REFERENT_SITE) return;
    throw err;
  }
}

export class VarUse {
  readonly read = new Set<ElabVar>();
  readonly written = new Set<ElabVar>();
  /**
   * Variables read where the value is consumed (stap `used`, with `current_lvalue_read`): every
   * read except the read half of a `g++` or `g += 1` whose value is not taken (a statement, not
   * an argument, condition, `=` right side, print, `delete`…). The global display shows a
   * global written but not used.
   */
  readonly used = new Set<ElabVar>();
  embeddedSeen = false;
  private lvalueRead = false;
  /** Functions whose bodies were entered (stap `seen`). */
  readonly seen = new Set<ElabFunction>();
  private lvalue: Node | undefined;
  private lrvalue: Node | undefined;

  /** stap `side_effect_free`: nothing written, no embedded side effect. */
  sideEffectFree(): boolean {
    return this.written.size === 0 && !this.embeddedSeen;
  }

  /** stap `side_effect_free_wrt`: only writes to `vars` (the caller's locals, globals) count. */
  sideEffectFreeWrt(vars: ReadonlySet<ElabVar>): boolean {
    if (this.embeddedSeen) return false;
    for (const v of this.written) if (vars.has(v)) return false;
    return true;
  }

  /** Visits `node` with `current_lvalue_read` set. */
  private visitUsed(node: Node): void {
    const last = this.lvalueRead;
    this.lvalueRead = true;
    this.visit(node);
    this.lvalueRead = last;
  }

  /** Visits a body or expression. */
  visit(node: Node): void {
    switch (node.kind) {
      case 'if_statement':
        this.visitUsed(node.condition);
        this.visit(node.thenblock);
        if (node.elseblock) this.visit(node.elseblock);
        return;
      case 'for_loop':
        if (node.init) this.visit(node.init);
        this.visitUsed(node.cond);
        if (node.incr) this.visit(node.incr);
        this.visit(node.block);
        return;
      case 'return_statement':
        if (node.value) this.visitUsed(node.value);
        return;
      case 'ternary_expression':
        this.visitUsed(node.cond);
        this.visit(node.truevalue);
        this.visit(node.falsevalue);
        return;
      case 'symbol':
        return this.visitSymbol(node);
      case 'assignment': {
        if (node.op === '=' || node.op === '<<<') {
          const last = this.lvalue;
          const lastRead = this.lvalueRead;
          this.lvalue = node.left;
          this.lvalueRead = true;
          this.visit(node.left);
          this.visit(node.right);
          this.lvalue = last;
          this.lvalueRead = lastRead;
        } else {
          const last = this.lrvalue;
          this.lrvalue = node.left;
          this.visit(node.left);
          this.visit(node.right);
          this.lrvalue = last;
        }
        return;
      }
      case 'pre_crement':
      case 'post_crement': {
        const last = this.lrvalue;
        this.lrvalue = node.operand;
        this.visit(node.operand);
        this.lrvalue = last;
        return;
      }
      case 'delete_statement': {
        const last = this.lrvalue;
        this.lrvalue = node.value;
        this.visitUsed(node.value);
        this.lrvalue = last;
        return;
      }
      case 'arrayindex': {
        // The base takes the arrayindex's lvalue status; the indexes are read.
        const lastL = this.lvalue;
        const lastLr = this.lrvalue;
        const active = this.lvalue === node || this.lrvalue === node;
        if (this.lvalue === node) this.lvalue = node.base;
        if (this.lrvalue === node) this.lrvalue = node.base;
        // An rvalue element access consumes the array's value.
        if (active) this.visit(node.base);
        else this.visitUsed(node.base);
        this.lvalue = lastL;
        this.lrvalue = lastLr;
        for (const i of node.indexes) if (i) this.visitUsed(i);
        return;
      }
      case 'foreach_loop': {
        this.visitUsed(node.base);
        if (node.sortDirection !== 0 && node.base.kind === 'symbol') {
          const v = (node.base as Annotated<Symbol>).referent;
          if (v) this.written.add(v);
        }
        for (const i of node.indexes) this.visitAsLvalue(i);
        for (const s of node.arraySlice) if (s) this.visitUsed(s);
        if (node.value) this.visitAsLvalue(node.value);
        if (node.limit) this.visitUsed(node.limit);
        this.visit(node.block);
        return;
      }
      case 'try_block': {
        this.visit(node.tryBlock);
        if (node.catchErrorVar) {
          const v = (node.catchErrorVar as Annotated<Symbol>).referent;
          if (v) this.written.add(v);
        }
        this.visit(node.catchBlock);
        return;
      }
      case 'embeddedcode':
      case 'embedded_expr': {
        // `/* pragma:read:g */` and `/* pragma:write:g */` (resolved by symbols.ts).
        const pragmas = node as EmbeddedAnnotations;
        for (const v of pragmas.pragmaReads ?? []) this.read.add(v);
        for (const v of pragmas.pragmaWrites ?? []) this.written.add(v);
        if (!taggedP(node.code, '/* pure */')) this.embeddedSeen = true;
        return;
      }
      case 'print_format':
        if (node.printToStream) this.embeddedSeen = true;
        forEachUpdateChild(node, (c) => this.visitUsed(c));
        return;
      case 'target_symbol':
      case 'cast_op':
      case 'autocast_op':
      case 'atvar_op':
        if (this.lvalue === node || this.lrvalue === node) this.embeddedSeen = true;
        break;
      case 'functioncall':
        for (const a of node.args) this.visitUsed(a);
        this.enterFunctions((node as Annotated).referents ?? []);
        return;
    }
    forEachUpdateChild(node, (c) => this.visit(c));
  }

  /** functioncall_traversing_visitor `enter_functioncall`, each body once. */
  enterFunctions(referents: readonly ElabFunction[]): void {
    const last = this.lvalueRead;
    this.lvalueRead = false;
    for (const f of referents) {
      if (this.seen.has(f)) continue;
      this.seen.add(f);
      this.visit(f.body);
    }
    this.lvalueRead = last;
  }

  private visitAsLvalue(s: Symbol): void {
    const last = this.lvalue;
    this.lvalue = s;
    this.visit(s);
    this.lvalue = last;
  }

  private visitSymbol(s: Annotated<Symbol>): void {
    const v = s.referent;
    if (!v) throw new SemanticError('symbol without referent', s.tok, undefined, NO_REFERENT_SITE);
    if (this.lvalue === s || this.lrvalue === s) this.written.add(v);
    if (this.lvalue !== s || this.lrvalue === s) {
      this.read.add(v);
      // Only the read half of a read-modify-write whose value nobody takes (`g++;`,
      // `g += 1;`) is not a use.
      if (this.lrvalue !== s || this.lvalueRead) this.used.add(v);
    }
  }
}

/** A fresh visitor run over `nodes`. */
export function varUse(...nodes: (Expression | Statement | undefined)[]): VarUse {
  const vu = new VarUse();
  for (const n of nodes) if (n) vu.visit(n);
  return vu;
}

/** Whether `node` has no side effect at all (stap `side_effect_free` on a fresh visitor). */
export function sideEffectFree(node: Expression | Statement): boolean {
  return varUse(node).sideEffectFree();
}
