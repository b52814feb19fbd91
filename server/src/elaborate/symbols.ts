/**
 * Symbol resolution: elaborate.cxx `semantic_pass_symbols` and the `symresolution_info`
 * visitor (`visit_symbol`, `visit_arrayindex`, `visit_foreach_loop`, `visit_delete_statement`,
 * `visit_functioncall`, `visit_embeddedcode`/`visit_embedded_expr`).
 *
 * The outer loop walks `e.files` by index while it grows (library files are pulled in as their
 * globals, functions or aliases are used). For each file it appends the file's embeds, derives
 * its probes and resolves each derived body then its condition, then resolves every function
 * now in `e.functions` in std::map order, while that map grows: a function inserted with a
 * name sorting before the current one is not visited in this round (stap's quirk, §3.2 of the
 * reference), and every round visits every function again (already-resolved names are kept, so
 * only the errors repeat).
 *
 * What it leaves behind (the conventions of the other steps): every `symbol` has a `referent`,
 * a global's `name` is rewritten to the mangled name (except under `delete`, as stap); every
 * `functioncall` has its `referents` by priority and `function` rewritten to the first one's
 * mangled name; new locals are appended to the probe's or function's `locals`.
 *
 * Errors are caught (and recorded) per statement of a block, as in stap: an error ends the
 * statement it is in, and resolution goes on with the next one; an error in a probe condition
 * ends that condition. `--keep-going` needs nothing more here.
 */
import type {
  ArrayIndex,
  Block,
  DeleteStatement,
  Expression,
  ForeachLoop,
  FunctionCall,
  Statement,
  StapFile,
  Symbol,
} from '../ast/staptree';
import { forEachChild, walk, type Node } from '../ast/walk';
import type { Token } from '../passes/parse/token';
import { flushProcfsHeader } from './builders-procfs';
import { deriveProbes } from './derive';
import { findFunctions, functionCandidates, functionCount, securityErrors, useFunction } from './functions';
import { levenshteinSuggest } from './levenshtein';
import {
  compareStrings,
  ITERATION_LIMIT,
  reportError,
  SemanticError,
  type Annotated,
  type DerivedProbe,
  type ElabFunction,
  type ElabVar,
  type Elaboration,
} from './model';
import { findVar, newLocal, type Scope } from './symbols-vars';

export { findVar, setArity } from './symbols-vars';

/** The derivation step, as semantic_pass_symbols calls it (derive.ts; tests pass a stand-in). */
export type DeriveFn = (e: Elaboration, probe: StapFile['probes'][number], file: StapFile) => DerivedProbe[];

/**
 * What resolution records on `%{ %}` code (statement or expression) that names globals in
 * `/* pragma:read:NAME *\/` or `/* pragma:write:NAME *\/` comments.
 */
export interface EmbeddedAnnotations {
  pragmaReads?: ElabVar[];
  pragmaWrites?: ElabVar[];
}

/** The number of suggestions `unresolved function` prints. */
const FUNCTION_SUGGESTIONS = 5;

/** elaborate.cxx `symresolution_info`: resolves one body (or condition) in a scope. */
export class SymbolResolver {
  private scope: Scope = {};

  constructor(private readonly e: Elaboration) {}

  /** Resolves a derived probe's body, then its condition (which has no locals). */
  resolveProbe(dp: DerivedProbe): void {
    this.guarded(() => {
      this.scope = { probe: dp };
      this.statement(dp.body);
      this.scope = {};
      if (dp.condition) this.expression(dp.condition);
    });
    this.scope = {};
  }

  /**
   * Resolves a function's body. stap does it again in every round; once a pass over a body
   * reported nothing (and met no pragma, whose lookups could warn), every later pass would
   * find every name already resolved and do nothing, so it is skipped.
   */
  resolveFunction(fn: ElabFunction): void {
    if (this.settled.has(fn)) return;
    const before = this.e.diagnostics.length;
    this.sawPragma = false;
    this.guarded(() => {
      this.scope = { function: fn };
      this.statement(fn.body);
    });
    this.scope = {};
    if (this.e.diagnostics.length === before && !this.sawPragma) this.settled.add(fn);
  }

  /** Functions whose last pass changed and reported nothing (see resolveFunction). */
  private readonly settled = new WeakSet<ElabFunction>();
  private sawPragma = false;

  /** stap's per-probe / per-function `catch (semantic_error) { print_error }`. */
  private guarded(f: () => void): void {
    try {
      f();
    } catch (err) {
      if (err instanceof SemanticError) reportError(this.e, err);
      else throw err;
    }
  }

  private get inBody(): boolean {
    return this.scope.probe !== undefined || this.scope.function !== undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Statements (traversing_visitor order)

  private statement(s: Statement): void {
    switch (s.kind) {
      case 'block':
        this.block(s);
        return;
      case 'try_block':
        this.statement(s.tryBlock);
        if (s.catchErrorVar) this.symbol(s.catchErrorVar);
        this.statement(s.catchBlock);
        return;
      case 'embeddedcode':
        this.pragmas(s.code, s.tok, s as EmbeddedAnnotations);
        return;
      case 'expr_statement':
        this.expression(s.value);
        return;
      case 'if_statement':
        this.expression(s.condition);
        this.statement(s.thenblock);
        if (s.elseblock) this.statement(s.elseblock);
        return;
      case 'for_loop':
        if (s.init) this.statement(s.init);
        this.expression(s.cond);
        if (s.incr) this.statement(s.incr);
        this.statement(s.block);
        return;
      case 'foreach_loop':
        this.foreachLoop(s);
        return;
      case 'return_statement':
        if (s.value) this.expression(s.value);
        return;
      case 'delete_statement':
        this.deleteStatement(s);
        return;
      case 'null_statement':
      case 'next_statement':
      case 'break_statement':
      case 'continue_statement':
        return;
    }
  }

  /** stap catches per statement of a block: an error ends that statement only. */
  private block(b: Block): void {
    for (const s of b.statements) this.guarded(() => this.statement(s));
  }

  private foreachLoop(s: ForeachLoop): void {
    for (const i of s.indexes) this.symbol(i);
    for (const i of s.arraySlice) if (i) this.expression(i);
    if (s.base.kind === 'symbol') {
      const array = s.base as Annotated<Symbol>;
      if (!array.referent) this.bindArray(array, s.indexes.length, 'visit_foreach_loop:unresolved');
      // A slice must have one entry per index; stap words it as a lookup failure, with the
      // array's (by now mangled) name.
      if (s.arraySlice.length > 0 && s.arraySlice.length !== s.indexes.length) {
        throw new SemanticError(
          `unresolved arity-${s.arraySlice.length} global array ${array.name}, missing global declaration?`,
          array.tok,
          undefined,
          'visit_foreach_loop:slice',
        );
      }
    } else {
      this.expression(s.base);
    }
    if (s.value) this.symbol(s.value);
    if (s.limit) this.expression(s.limit);
    this.statement(s.block);
  }

  /** elaborate.cxx `delete_statement_symresolution_info`: any arity, wildcards allowed. */
  private deleteStatement(s: DeleteStatement): void {
    const visit = (n: Node): void => {
      switch (n.kind) {
        case 'arrayindex':
          this.arrayIndex(n, true);
          return;
        case 'functioncall':
          this.functionCall(n);
          return;
        case 'symbol': {
          const sym = n as Annotated<Symbol>;
          if (sym.referent) return;
          const d = findVar(this.e, this.scope, sym.name, -1, sym.tok);
          if (!d) throw new SemanticError('unresolved array in delete statement', sym.tok, undefined, 'delete:unresolved');
          sym.referent = d;
          return;
        }
        default:
          forEachChild(n, visit);
      }
    };
    visit(s.value);
  }

  // -------------------------------------------------------------------------------------------
  // Expressions

  private expression(x: Expression | Statement): void {
    switch (x.kind) {
      case 'symbol':
        this.symbol(x);
        return;
      case 'arrayindex':
        this.arrayIndex(x, false);
        return;
      case 'array_in':
        this.arrayIndex(x.operand, true);
        return;
      case 'functioncall':
        this.functionCall(x);
        return;
      case 'embedded_expr':
        this.pragmas(x.code, x.tok, x as EmbeddedAnnotations);
        return;
      case 'probewrite_op':
        // Alias expansion folds the ones in alias bodies; any other is an error.
        throw unexpectedProbewrite(x.tok);
      case 'ternary_expression':
        this.expression(x.cond);
        this.expression(x.truevalue);
        this.expression(x.falsevalue);
        return;
      default:
        forEachChild(x, (c) => this.expression(c as Expression));
    }
  }

  /** `visit_symbol`: a scalar; unknown names become locals (an error in a condition). */
  private symbol(sym: Annotated<Symbol>): void {
    if (sym.referent) return;
    const d = findVar(this.e, this.scope, sym.name, 0, sym.tok);
    if (d) {
      sym.referent = d;
      sym.name = d.name;
      return;
    }
    const owner = this.scope.function ?? this.scope.probe;
    if (!owner) {
      throw new SemanticError('probe condition must not reference undeclared global', sym.tok, undefined, 'visit_symbol:condition');
    }
    const local = newLocal(sym.name, sym.tok);
    owner.locals.push(local);
    sym.referent = local;
  }

  /** `visit_arrayindex`: the indexes, then the array by its number of indexes. */
  private arrayIndex(x: ArrayIndex, wildcardOk: boolean): void {
    for (const i of x.indexes) {
      if (i === null) {
        if (!wildcardOk) throw new SemanticError('wildcard not allowed in array index', x.tok, undefined, 'visit_arrayindex:wildcard');
      } else {
        this.expression(i);
      }
    }
    if (x.base.kind === 'symbol') {
      const array = x.base as Annotated<Symbol>;
      if (!array.referent) this.bindArray(array, x.indexes.length, 'visit_arrayindex:unresolved');
    } else {
      this.expression(x.base);
    }
  }

  private bindArray(array: Annotated<Symbol>, arity: number, site: string): void {
    const d = findVar(this.e, this.scope, array.name, arity, array.tok);
    if (!d) {
      throw new SemanticError(
        `unresolved arity-${arity} global array ${array.name}, missing global declaration?`,
        array.tok,
        undefined,
        site,
      );
    }
    array.referent = d;
    array.name = d.name;
  }

  /** `visit_functioncall`: the arguments, then the overloads (`find_functions`). */
  private functionCall(call: Annotated<FunctionCall>): void {
    if (!this.inBody) {
      throw new SemanticError('probe condition must not reference function', call.tok, undefined, 'visit_functioncall:condition');
    }
    for (const a of call.args) this.expression(a);
    if (call.referents && call.referents.length > 0) return;
    const fds = findFunctions(this.e, call.function, call.args.length, call.tok);
    if (fds.length === 0) {
      const sugs = levenshteinSuggest(call.function, functionCandidates(this.e), FUNCTION_SUGGESTIONS);
      throw new SemanticError(
        `unresolved function ${call.function}${sugs ? ` (similar: ${sugs})` : ''}`,
        call.tok,
        undefined,
        'visit_functioncall:unresolved',
      );
    }
    // A function is checked for a stray @probewrite before it joins s.functions.
    for (const fd of fds) {
      if (!this.e.functions.has(fd.mangled)) {
        const stray = findProbewrite(fd.body);
        if (stray) throw unexpectedProbewrite(stray);
      }
    }
    call.referents = fds;
    for (const fd of fds) {
      useFunction(this.e, fd);
      for (const err of securityErrors(this.e, fd, call.tok)) reportError(this.e, err);
    }
    call.function = fds[0].mangled;
  }

  /** `/* pragma:read:NAME *\/` and `/* pragma:write:NAME *\/`: globals the C code uses. */
  private pragmas(code: string, tok: Token, node: EmbeddedAnnotations): void {
    if (code.includes('/* pragma:')) this.sawPragma = true;
    for (const kind of ['read', 'write'] as const) {
      const marker = `/* pragma:${kind}:`;
      for (let pos = code.indexOf(marker); pos >= 0; pos = code.indexOf(marker, pos)) {
        pos += marker.length;
        const end = code.indexOf(' */', pos);
        const name = code.slice(pos, end < 0 ? undefined : end);
        const d = findVar(this.e, this.scope, name, -1, tok);
        if (!d) throw new SemanticError(`unresolved pragma:${kind} global ${name}`, tok, undefined, `pragma:${kind}`);
        const list = kind === 'read' ? (node.pragmaReads ??= []) : (node.pragmaWrites ??= []);
        if (!list.includes(d)) list.push(d);
      }
    }
  }
}

function unexpectedProbewrite(tok: Token): SemanticError {
  return new SemanticError('unexpected @probewrite', tok, undefined, 'probewrite');
}

/** The token of the first `@probewrite` in `body`, if any. */
function findProbewrite(body: Statement): Token | undefined {
  let found: Token | undefined;
  walk(body, (n) => {
    if (found) return false;
    if (n.kind === 'probewrite_op') found = n.tok;
  });
  return found;
}

/**
 * Iterates `e.functions` as a std::map iterator does while the map grows: always the smallest
 * key above the current one, so keys inserted below it are skipped.
 */
class MapOrderCursor {
  private current: string | undefined;

  constructor(
    private readonly functions: Map<string, ElabFunction>,
    /** The sorted keys, shared by the cursors of one pass (the map only grows). */
    private readonly sorted: { keys: string[] },
  ) {}

  private get keys(): string[] {
    if (this.sorted.keys.length !== this.functions.size) this.sorted.keys = [...this.functions.keys()].sort(compareStrings);
    return this.sorted.keys;
  }

  next(): ElabFunction | undefined {
    let lo = 0;
    let hi = this.keys.length;
    if (this.current !== undefined) {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareStrings(this.keys[mid], this.current) <= 0) lo = mid + 1;
        else hi = mid;
      }
    }
    if (lo >= this.keys.length) return undefined;
    this.current = this.keys[lo];
    return this.functions.get(this.current);
  }
}

/** elaborate.cxx `semantic_pass_symbols`. */
export function semanticPassSymbols(e: Elaboration, derive: DeriveFn = deriveProbes): void {
  const resolver = new SymbolResolver(e);
  const sortedKeys = { keys: [] as string[] };
  const maxFiles = e.userFiles.length + e.library.length;
  const maxFunctions = functionCount(e) + ITERATION_LIMIT;
  for (let i = 0; i < e.files.length; i++) {
    if (i > maxFiles) throw new SemanticError(`internal error: symbol resolution pulled in more than ${maxFiles} files`);
    const file = e.files[i];
    for (const em of file.embeds) e.embeds.push({ code: em.code, tok: em.tok, file });

    for (const probe of file.probes) {
      for (const dp of derive(e, probe, file)) {
        e.probes.push(dp);
        resolver.resolveProbe(dp);
      }
    }

    const cursor = new MapOrderCursor(e.functions, sortedKeys);
    for (let n = 0; ; n++) {
      if (n > maxFunctions) {
        throw new SemanticError('internal error: function resolution did not terminate');
      }
      const fn = cursor.next();
      if (!fn) break;
      resolver.resolveFunction(fn);
    }
  }
  flushProcfsHeader(e);
}
