/**
 * Constant folding (elaborate.cxx `const_folder`, run by `semantic_pass_const_fold` in every
 * round of `semantic_pass_optimize1`, with or without `-u`).
 *
 * - arithmetic and bitwise operators on two number literals fold (int64 wrap-around; shift
 *   counts clamped to 0..64 and taken modulo 64 as the x86 shift does; `/` and `%` by a literal
 *   0 stay for the run time; `LLONG_MIN / -1` is LLONG_MIN and `LLONG_MIN % -1` is 0);
 * - identities: `0*x`, `x*0`, `0&x`, `x&0`, `0<<x`, `0>>x`, `-1|x`, `x|-1`, `-1>>x`, `x%1`,
 *   `x%-1` fold to the constant when `x` has no side effect; `x+0`, `0+x`, `x-0`, `x|0`,
 *   `x^0`, `1*x`, `x*1`, `x/1`, `x&-1`, `-1&x`, `x<<k`/`x>>k` with `k <= 0` fold to `x`;
 * - unary `+ - ! ~` on a literal; `||`/`&&` with a deciding literal (the other side dropped
 *   only when pure, if it is on the left);
 * - comparisons of two literals (strings bytewise), and against LLONG_MIN/LLONG_MAX where the
 *   answer is fixed;
 * - `.` of two string literals, and with `""`;
 * - `if`, `for` and `?:` with a literal condition; `foreach … limit` with a literal `<= 0`;
 * - `@defined(E)` to 1 when E is a literal as written, else 0 (always 0 when
 *   `collapseDefines`, the last resort of the type pass).
 *
 * One deliberate difference: in stap a literal counts as constant only when it was *visited* as
 * a literal (`last_number`), so a literal the folder just made is seen by its parent only in
 * the next optimiser round, and `1+2+…+5000` takes 5000 rounds of the whole optimiser. Here a
 * folded literal is constant at once. The result is the same tree; what differs is the number
 * of rounds, which only shows with `-vvv` (warnings are printed in the first round only, and
 * that round's passes all run before its folding).
 */
import type {
  Comparison,
  Expression,
  ForLoop,
  ForeachLoop,
  IfStatement,
  LiteralNumber,
  LiteralString,
  Statement,
} from '../ast/staptree';
import type { Node } from '../ast/walk';
import { SemanticError, sortedFunctions, type Annotated, type Elaboration } from './model';
import { isStatement, replaceChildren } from './optimize-replace';
import { sideEffectFree } from './varuse';

const LLONG_MIN = -(2n ** 63n);
const LLONG_MAX = 2n ** 63n - 1n;

function int64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

export interface ConstFoldOptions {
  /** Fold every remaining `@defined` to 0 (stap `collapse_defines_p`). */
  collapseDefines?: boolean;
}

/** One const_folder run over a body; `changed` is stap's `relaxed_p = false`. */
export class ConstFolder {
  changed = false;

  constructor(private readonly options: ConstFoldOptions = {}) {}

  statement(s: Statement): Statement {
    switch (s.kind) {
      case 'if_statement':
        return this.ifStatement(s);
      case 'for_loop':
        return this.forLoop(s);
      case 'foreach_loop':
        return this.foreachLoop(s);
    }
    replaceChildren(s, (c) => this.node(c));
    return s;
  }

  expression(e: Expression): Expression {
    switch (e.kind) {
      case 'literal_number':
      case 'literal_string':
        return e;
      case 'binary_expression':
        return this.binary(e);
      case 'unary_expression':
        return this.unary(e);
      case 'logical_or_expr':
      case 'logical_and_expr':
        return this.logical(e);
      case 'comparison':
        return this.comparison(e);
      case 'concatenation':
        return this.concatenation(e);
      case 'ternary_expression': {
        const cond = this.getNumber(e.cond);
        e.cond = this.lastResult;
        if (!cond) {
          e.truevalue = this.expression(e.truevalue);
          e.falsevalue = this.expression(e.falsevalue);
          return e;
        }
        this.changed = true;
        return this.expression(cond.value !== 0n ? e.truevalue : e.falsevalue);
      }
      case 'defined_op': {
        // An @defined still here was not settled by target-variable expansion ("untouched"):
        // stap 4.8 folds it to 1 only when its operand is a literal as written (`@defined(1)`,
        // not `@defined(1+2)` nor `@defined(x)`), and to 0 in the type pass's final collapse.
        const k = e.operand.kind;
        const value = !this.options.collapseDefines && (k === 'literal_number' || k === 'literal_string');
        this.changed = true;
        return this.number(value ? 1n : 0n, e.tok);
      }
    }
    replaceChildren(e, (c) => this.node(c));
    return e;
  }

  private node(n: Node): Node {
    return isStatement(n) ? this.statement(n) : this.expression(n);
  }

  /** The replaced expression of the last getNumber/getString call. */
  private lastResult!: Expression;

  /** stap `get_number`: replaces `e` and returns it if it is a number literal. */
  private getNumber(e: Expression): LiteralNumber | undefined {
    const r = this.expression(e);
    this.lastResult = r;
    return r.kind === 'literal_number' && r.unknownArg === undefined ? r : undefined;
  }

  private getString(e: Expression): LiteralString | undefined {
    const r = this.expression(e);
    this.lastResult = r;
    return r.kind === 'literal_string' && r.unknownArg === undefined ? r : undefined;
  }

  private number(value: bigint, tok: LiteralNumber['tok']): LiteralNumber {
    const n: Annotated<LiteralNumber> = { kind: 'literal_number', tok, value };
    n.type = 'long';
    return n;
  }

  private ifStatement(s: IfStatement): Statement {
    const cond = this.getNumber(s.condition);
    s.condition = this.lastResult;
    if (!cond) {
      s.thenblock = this.statement(s.thenblock);
      if (s.elseblock) s.elseblock = this.statement(s.elseblock);
      return s;
    }
    this.changed = true;
    const n = cond.value !== 0n ? s.thenblock : s.elseblock;
    return n ? this.statement(n) : { kind: 'null_statement', tok: s.tok };
  }

  private forLoop(s: ForLoop): Statement {
    const cond = this.getNumber(s.cond);
    s.cond = this.lastResult;
    if (!cond || cond.value !== 0n) {
      if (s.init) s.init = this.statement(s.init) as ForLoop['init'];
      if (s.incr) s.incr = this.statement(s.incr) as ForLoop['incr'];
      s.block = this.statement(s.block);
      return s;
    }
    this.changed = true;
    return s.init ? this.statement(s.init) : { kind: 'null_statement', tok: s.tok };
  }

  private foreachLoop(s: ForeachLoop): Statement {
    let limit: LiteralNumber | undefined;
    if (s.limit) {
      limit = this.getNumber(s.limit);
      s.limit = this.lastResult;
    }
    if (!limit || limit.value > 0n) {
      s.indexes = s.indexes.map((i) => this.expression(i) as typeof i);
      s.base = this.expression(s.base) as typeof s.base;
      s.arraySlice = s.arraySlice.map((x) => (x ? this.expression(x) : x));
      if (s.value) s.value = this.expression(s.value) as typeof s.value;
      s.block = this.statement(s.block);
      return s;
    }
    this.changed = true;
    return { kind: 'null_statement', tok: s.tok };
  }

  /** Passes the `long` inference on to the surviving operand (or reports the mismatch). */
  private passLong(e: Annotated, other: Annotated): void {
    if (!other.type || other.type === 'unknown') other.type = 'long';
    else if (other.type !== 'long') {
      const l = (e as { left?: Annotated }).left?.type ?? 'unknown';
      const r = (e as { right?: Annotated }).right?.type ?? 'unknown';
      throw new SemanticError(
        `type mismatch: left and right sides don't agree (${l} vs ${r})`,
        e.tok,
        undefined,
        'typeresolution_info::mismatch',
      );
    }
  }

  private binary(e: Expression & { kind: 'binary_expression' }): Expression {
    const left = this.getNumber(e.left);
    e.left = this.lastResult;
    const right = this.getNumber(e.right);
    e.right = this.lastResult;
    const op = e.op;
    if (right && right.value === 0n && (op === '/' || op === '%')) return e;
    let value: bigint;
    if (left && right) {
      const a = left.value;
      const b = right.value;
      const shift = (): bigint => BigInt(Number(b < 0n ? 0n : b > 64n ? 64n : b) & 63);
      switch (op) {
        case '+': value = int64(a + b); break;
        case '-': value = int64(a - b); break;
        case '*': value = int64(a * b); break;
        case '&': value = a & b; break;
        case '|': value = a | b; break;
        case '^': value = a ^ b; break;
        case '>>': value = a >> shift(); break;
        case '<<': value = int64(a << shift()); break;
        case '/': value = a === LLONG_MIN && b === -1n ? LLONG_MIN : a / b; break;
        case '%': value = a === LLONG_MIN && b === -1n ? 0n : a % b; break;
        default:
          throw new SemanticError(`unsupported binary operator ${op}`, undefined, undefined, 'const_folder::visit_binary_expression');
      }
    } else if (
      (left &&
        ((left.value === 0n && (op === '*' || op === '&' || op === '>>' || op === '<<')) ||
          (left.value === -1n && (op === '|' || op === '>>')))) ||
      (right &&
        ((right.value === 0n && (op === '*' || op === '&')) ||
          (right.value === 1n && op === '%') ||
          (right.value === -1n && (op === '%' || op === '|'))))
    ) {
      const other = left ? e.right : e.left;
      if (!sideEffectFree(other)) return e;
      this.passLong(e, other);
      value = left ? left.value : op === '%' ? 0n : right!.value;
    } else if (
      (left &&
        ((left.value === 0n && (op === '+' || op === '|' || op === '^')) ||
          (left.value === 1n && op === '*') ||
          (left.value === -1n && op === '&'))) ||
      (right &&
        ((right.value === 0n && (op === '+' || op === '-' || op === '|' || op === '^')) ||
          (right.value === 1n && (op === '*' || op === '/')) ||
          (right.value === -1n && op === '&') ||
          (right.value <= 0n && (op === '>>' || op === '<<'))))
    ) {
      this.changed = true;
      const other = left ? e.right : e.left;
      this.passLong(e, other);
      return other;
    } else return e;
    this.changed = true;
    return this.number(value, e.tok);
  }

  private unary(e: Expression & { kind: 'unary_expression' }): Expression {
    const operand = this.getNumber(e.operand);
    e.operand = this.lastResult;
    if (!operand) return e;
    this.changed = true;
    let v = operand.value;
    switch (e.op) {
      case '+': break;
      case '-': v = int64(-v); break;
      case '!': v = v === 0n ? 1n : 0n; break;
      case '~': v = ~v; break;
      default:
        throw new SemanticError(`unsupported unary operator ${e.op}`, undefined, undefined, 'const_folder::visit_unary_expression');
    }
    return this.number(v, e.tok);
  }

  private logical(e: Expression & { kind: 'logical_or_expr' | 'logical_and_expr' }): Expression {
    const left = this.getNumber(e.left);
    e.left = this.lastResult;
    const right = this.getNumber(e.right);
    e.right = this.lastResult;
    const isOr = e.kind === 'logical_or_expr';
    let value: bigint;
    if (left && right) {
      const a = left.value !== 0n;
      const b = right.value !== 0n;
      value = (isOr ? a || b : a && b) ? 1n : 0n;
    } else if (
      isOr
        ? (left && left.value !== 0n) || (right && right.value !== 0n)
        : (left && left.value === 0n) || (right && right.value === 0n)
    ) {
      // A deciding literal on the left short-circuits the right; on the right, the left
      // side can only go if it is pure.
      if (right && !sideEffectFree(e.left)) return e;
      value = isOr ? 1n : 0n;
    } else return e;
    this.changed = true;
    return this.number(value, e.tok);
  }

  private getLiteral(e: Expression): { num?: LiteralNumber; str?: LiteralString; result: Expression } {
    const r = this.expression(e);
    return {
      num: r.kind === 'literal_number' && r.unknownArg === undefined ? r : undefined,
      str: r.kind === 'literal_string' && r.unknownArg === undefined ? r : undefined,
      result: r,
    };
  }

  private comparison(e: Comparison): Expression {
    const l = this.getLiteral(e.left);
    e.left = l.result;
    const r = this.getLiteral(e.right);
    e.right = r.result;
    const op = e.op;
    let comp: number;
    if (l.str && r.str) comp = compareBytes(l.str.value, r.str.value);
    else if (l.num && r.num) comp = l.num.value < r.num.value ? -1 : l.num.value > r.num.value ? 1 : 0;
    else if (
      (l.num &&
        ((l.num.value === LLONG_MIN && (op === '<=' || op === '>')) ||
          (l.num.value === LLONG_MAX && (op === '>=' || op === '<')))) ||
      (r.num &&
        ((r.num.value === LLONG_MIN && (op === '>=' || op === '<')) ||
          (r.num.value === LLONG_MAX && (op === '<=' || op === '>'))))
    ) {
      const other = l.num ? e.right : e.left;
      if (!sideEffectFree(other)) return e;
      this.changed = true;
      this.passLong(e, other);
      return this.number(op === '<=' || op === '>=' ? 1n : 0n, e.tok);
    } else return e;
    this.changed = true;
    let value: boolean;
    switch (op) {
      case '==': value = comp === 0; break;
      case '!=': value = comp !== 0; break;
      case '<': value = comp < 0; break;
      case '>': value = comp > 0; break;
      case '<=': value = comp <= 0; break;
      case '>=': value = comp >= 0; break;
      default:
        throw new SemanticError(`unsupported comparison operator ${op}`, undefined, undefined, 'const_folder::visit_comparison');
    }
    return this.number(value ? 1n : 0n, e.tok);
  }

  private concatenation(e: Expression & { kind: 'concatenation' }): Expression {
    const left = this.getString(e.left);
    e.left = this.lastResult;
    const right = this.getString(e.right);
    e.right = this.lastResult;
    if (left && right) {
      this.changed = true;
      const n: Annotated<LiteralString> = { ...left, value: left.value + right.value };
      return n;
    }
    if ((left && left.value === '') || (right && right.value === '')) {
      this.changed = true;
      return left ? e.right : e.left;
    }
    return e;
  }
}

/** std::string::compare on the bytes (our strings hold one byte per char). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * elaborate.cxx `semantic_pass_const_fold`: folds every probe body and function body (map
 * order); returns whether anything changed.
 */
export function semanticPassConstFold(e: Elaboration, options: ConstFoldOptions = {}): boolean {
  const cf = new ConstFolder(options);
  for (const p of e.probes) p.body = cf.statement(p.body);
  for (const f of sortedFunctions(e)) f.body = cf.statement(f.body);
  return cf.changed;
}
