/**
 * The conditional pass of pass 1: `%( COND %? THEN %: ELSE %)` over the macro pass's tokens.
 * Mirrors parse.cxx `parser::scan_pp` (the pass), `parser::skip_pp` (skipped branches) and
 * `eval_pp_conditional` (one `LHS OP RHS` term).
 *
 * Behaviour (verified against stap 4.8):
 * - A condition is terms of exactly three tokens joined by `&&` and `||`, `&&` binding tighter.
 *   Every term is evaluated (no short-circuit), so an error in any term is reported; a term's
 *   error leaves the rest of the condition to be read as ordinary tokens.
 * - The condition's tokens come from the macro pass, so a macro can supply a whole condition
 *   (tapset `@_IS_SREG_KERNEL`), and branches may start or end inside macro bodies.
 * - A skipped branch is read with macros still expanded but `@define` ignored, only looking for
 *   the `%(`, `%?`, `%:`, `%)` that end it; errors while skipping are dropped.
 * - After an error the state is what stap's is, because stap's parser keeps pulling tokens.
 */
import { ParseError, type TokenSource } from './errors';
import { FatalError, type MacroPass } from './macros';
import type { Token } from './token';
import type { Session } from '../../session';
import { fnmatch, hasWildcard } from '../../util/fnmatch';
import { strverscmp } from '../../util/strverscmp';

/** Where the innermost open conditional is (stap `pp_state_t`). */
const enum Branch {
  KeepThen,
  SkipThen,
  KeepElse,
  SkipElse,
}

const isOp = (t: Token | undefined, content: string): t is Token => t !== undefined && t.type === 'operator' && t.content === content;

/** The conditional pass over a macro pass (stap `parser::scan_pp` and its `pp_state`). */
export class ConditionalPass implements TokenSource {
  /** Open conditionals, innermost last: the `%(` token and the branch being read. */
  private readonly open: { token: Token; branch: Branch; marker?: Token }[] = [];
  /** Editor hook (ide/inactive.ts): each skipped branch, from its `%?`/`%:` to the marker ending it. */
  onSkip?: (from: Token, to: Token | undefined, open: Token) => void;
  /** The last `systemtap_v` term evaluated (stap `systemtap_v_seen`), for `--check-version`. */
  systemtapVSeen: Token | undefined;

  constructor(
    private readonly macros: MacroPass,
    private readonly session: Session,
  ) {}

  /** The next token with conditionals resolved. Mirrors parse.cxx `parser::scan_pp`. */
  next(): Token | undefined {
    for (;;) {
      const top = this.open[this.open.length - 1];
      const skipping = top !== undefined && (top.branch === Branch.SkipThen || top.branch === Branch.SkipElse);
      const t = skipping ? this.skip() : this.macros.scan();
      if (skipping && top.marker) this.onSkip?.(top.marker, t, top.token);

      if (!t) {
        if (top) {
          this.open.pop();
          throw new ParseError('incomplete conditional at end of file', top.token, 'scan_pp:eof', true);
        }
        return undefined;
      }
      if (isOp(t, '%?')) throw new ParseError("incomplete conditional - missing '%('", t, 'scan_pp:stray-then', true);
      if (isOp(t, '%:')) {
        if (!top) throw new ParseError("incomplete conditional - missing '%('", t, 'scan_pp:stray-else', true);
        if (top.branch === Branch.KeepElse || top.branch === Branch.SkipElse) {
          throw new ParseError("invalid conditional - duplicate '%:'", t, 'scan_pp:duplicate-else', true);
        }
        top.branch = top.branch === Branch.KeepThen ? Branch.SkipElse : Branch.KeepElse;
        top.marker = t;
        continue;
      }
      if (isOp(t, '%)')) {
        if (!top) throw new ParseError("incomplete conditional - missing '%('", t, 'scan_pp:stray-close', true);
        this.open.pop();
        continue;
      }
      if (!isOp(t, '%(')) return t;

      // A new conditional: an OR of AND-groups of three-token terms.
      let result = false;
      let andResult = true;
      let n: Token | undefined;
      for (;;) {
        const l = this.macros.scan();
        const op = this.macros.scan();
        const r = this.macros.scan();
        if (!l || !op || !r) throw new ParseError("incomplete condition after '%('", t, 'scan_pp:incomplete-condition', true);
        if (l.type === 'identifier' && l.content === 'systemtap_v') this.systemtapVSeen = l;
        // Evaluate before combining: every term is checked, even when the result is known. An
        // unknown argument (--assume-args) cannot decide a branch: it is the junk it was.
        const value = evalPpConditional(this.session, l.unknownArg ?? l, op.unknownArg ?? op, r.unknownArg ?? r);
        andResult = andResult && value;
        n = this.macros.scan();
        if (isOp(n, '&&')) continue;
        result = result || andResult;
        andResult = true;
        if (!isOp(n, '||')) break;
      }
      if (!isOp(n, '%?')) throw new ParseError("expected '%?' marker for conditional", t, 'scan_pp:expected-then', true);
      this.open.push({ token: t, branch: result ? Branch.KeepThen : Branch.SkipThen, marker: n });
    }
  }

  /**
   * Reads a skipped branch up to the `%?`, `%:` or `%)` at its level, which it returns
   * (undefined at end of file). Mirrors parse.cxx `parser::skip_pp`.
   */
  private skip(): Token | undefined {
    let nesting = 0;
    for (;;) {
      let t: Token | undefined;
      try {
        t = this.macros.scan(true);
      } catch (e) {
        // stap drops errors in skipped code (its catch covers only parse errors).
        if (e instanceof ParseError) continue;
        throw e;
      }
      if (!t) return undefined;
      if (isOp(t, '%(')) nesting++;
      else if (nesting > 0 && isOp(t, '%)')) nesting--;
      else if (nesting === 0 && (isOp(t, '%:') || isOp(t, '%?') || isOp(t, '%)'))) return t;
    }
  }
}

/** What stap's `lex_cast<int64_t>` accepts: decimal digits within int64 (tokens have no sign). */
function lexCastInt64(token: Token): bigint {
  if (!/^[0-9]+$/.test(token.content)) throw new FatalError('bad lexical cast');
  const value = BigInt(token.content);
  if (value > 0x7fffffffffffffffn) throw new FatalError('bad lexical cast');
  return value;
}

/**
 * C `strtoll(s, &end, 0)` accepting only a whole-string parse without overflow, as stap checks
 * config values: optional space and sign, then `0x` hex, `0` octal or decimal. An empty string
 * is 0 (no digits leaves `end` at the terminating NUL).
 */
export function parseConfigNumber(s: string): bigint | undefined {
  if (s === '') return 0n;
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const digits = m[2];
  let value: bigint;
  if (/^0[xX]/.test(digits)) value = BigInt(digits.toLowerCase());
  else if (digits.length > 1 && digits[0] === '0') value = BigInt(`0o${digits.slice(1)}`);
  else value = BigInt(digits);
  if (m[1] === '-') value = -value;
  if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) return undefined;
  return value;
}

/** A comparison of two values of one kind. Mirrors parse.cxx `eval_comparison`. */
function compare<T extends string | bigint>(lhs: T, op: Token, rhs: T): boolean {
  if (op.type === 'operator') {
    switch (op.content) {
      case '==':
        return lhs === rhs;
      case '!=':
        return lhs !== rhs;
      case '<':
        return lhs < rhs;
      case '<=':
        return lhs <= rhs;
      case '>':
        return lhs > rhs;
      case '>=':
        return lhs >= rhs;
    }
  }
  throw new ParseError('expected comparison operator', op, 'eval_comparison:operator', true);
}

/** `==` → match, `!=` → no match, anything else → `expected '==' or '!='` (per-LHS site). */
function equality(op: Token, match: boolean, site: string): boolean {
  if (isOp(op, '==')) return match;
  if (isOp(op, '!=')) return !match;
  throw new ParseError("expected '==' or '!='", op, site, true);
}

const NOT_A_CONDITION = [
  "expected 'arch', 'kernel_v', 'kernel_vr', 'systemtap_v',",
  "             'runtime', 'systemtap_privilege', 'CONFIG_...', or",
  '             comparison between strings or integers',
].join('\n');

/** Evaluates one `LHS OP RHS` term of a condition. Mirrors parse.cxx `eval_pp_conditional`. */
export function evalPpConditional(session: Session, l: Token, op: Token, r: Token): boolean {
  const target = session.target;
  if (l.type === 'identifier' && (l.content === 'kernel_v' || l.content === 'kernel_vr' || l.content === 'systemtap_v')) {
    if (r.type !== 'string') throw new ParseError('expected string literal', r, 'eval_pp_conditional:version-rhs', true);
    const have = l.content === 'kernel_v' ? target.kernelBaseRelease : l.content === 'kernel_vr' ? target.kernelRelease : session.compatible;
    const query = r.content;
    // The acceptable signs of strverscmp(have, query), and whether a wildcard may be used.
    let ok: number[];
    let wildcardOk = false;
    switch (op.type === 'operator' ? op.content : '') {
      case '<=':
        ok = [-1, 0];
        break;
      case '>=':
        ok = [1, 0];
        break;
      case '<':
        ok = [-1];
        break;
      case '>':
        ok = [1];
        break;
      case '==':
        ok = [0];
        wildcardOk = true;
        break;
      case '!=':
        ok = [-1, 1];
        wildcardOk = true;
        break;
      default:
        throw new ParseError('expected comparison operator', op, 'eval_pp_conditional:version-operator', true);
    }
    const wildcard = hasWildcard(query);
    if (wildcard && !wildcardOk) throw new ParseError('wildcard not allowed with order comparison operators', op, 'eval_pp_conditional:version-wildcard', true);
    if (wildcard) return fnmatch(query, have) === (op.content === '==');
    return ok.includes(Math.sign(strverscmp(have, query)));
  }
  if (l.type === 'identifier' && l.content === 'systemtap_privilege') {
    if (r.type !== 'string') throw new ParseError('expected string literal', r, 'eval_pp_conditional:privilege-rhs', true);
    return equality(op, session.privilege === r.content, 'eval_pp_conditional:privilege-operator');
  }
  if (l.type === 'identifier' && l.content === 'guru_mode') {
    if (r.type !== 'number') throw new ParseError('expected number', r, 'eval_pp_conditional:guru-rhs', true);
    const rhs = lexCastInt64(r);
    if (rhs !== 0n && rhs !== 1n) throw new ParseError('expected 0 or 1', op, 'eval_pp_conditional:guru-value', true);
    return equality(op, (session.guru ? 1n : 0n) === rhs, 'eval_pp_conditional:guru-operator');
  }
  if (l.type === 'identifier' && l.content === 'arch') {
    if (r.type !== 'string') throw new ParseError('expected string literal', r, 'eval_pp_conditional:arch-rhs', true);
    return equality(op, fnmatch(r.content, target.arch), 'eval_pp_conditional:arch-operator');
  }
  if (l.type === 'identifier' && l.content === 'runtime') {
    if (r.type !== 'string') throw new ParseError('expected string literal', r, 'eval_pp_conditional:runtime-rhs', true);
    return equality(op, fnmatch(r.content, target.runtime), 'eval_pp_conditional:runtime-operator');
  }
  if (l.type === 'identifier' && l.content.startsWith('CONFIG_')) {
    const lhs = target.kernelConfig.get(l.content) ?? '';
    if (r.type === 'string') return equality(op, fnmatch(r.content, lhs), 'eval_pp_conditional:config-operator');
    if (r.type === 'number') {
      const value = parseConfigNumber(lhs);
      if (value === undefined) throw new ParseError('Config option value not a number', l, 'eval_pp_conditional:config-not-number', true);
      return compare(value, op, lexCastInt64(r));
    }
    if (r.type === 'identifier' && r.content.startsWith('CONFIG_')) {
      // Numbers if both values are numbers, else strings.
      const rhs = target.kernelConfig.get(r.content) ?? '';
      const ln = parseConfigNumber(lhs);
      const rn = ln === undefined ? undefined : parseConfigNumber(rhs);
      if (ln !== undefined && rn !== undefined) return compare(ln, op, rn);
      return compare(lhs, op, rhs);
    }
    throw new ParseError('expected string, number literal or other CONFIG_... as right side operand', r, 'eval_pp_conditional:config-rhs', true);
  }
  if (l.type === 'string' && r.type === 'string') return compare(l.content, op, r.content);
  if (l.type === 'number' && r.type === 'number') return compare(lexCastInt64(l), op, lexCastInt64(r));
  if (l.type === 'string' && r.type === 'number' && op.type === 'operator') {
    throw new ParseError('expected string literal as right value', r, 'eval_pp_conditional:string-rhs', true);
  }
  if (l.type === 'number' && r.type === 'string' && op.type === 'operator') {
    throw new ParseError('expected number literal as right value', r, 'eval_pp_conditional:number-rhs', true);
  }
  throw new ParseError(NOT_A_CONDITION, l, 'eval_pp_conditional:lhs', true);
}
