/**
 * The parser's token cursor and error helpers, shared by the parse-*.ts files. Mirrors the
 * plumbing of parse.cxx `class parser`: `peek`, `next`, `swallow`, the `expect_*` helpers,
 * `last_t` (the token an "expected X" error shows after `saw:`) and `PARSE_ERROR` with its
 * `skip_some` flag.
 *
 * The `last_t` rules matter for byte-identical messages: `peek` sets it to the peeked token
 * (even to "none" at end of input), `next` sets it to the token it returns but leaves it alone
 * when it hits the end (`unexpected end-of-file`), and `swallow` clears it, so an error right
 * after a swallow shows `saw: FILE EOF`.
 */
import type { ExpType, LiteralString } from '../../ast/staptree';
import type { Session } from '../../session';
import { ParseError, type TokenSource } from './errors';
import { ateCommentBefore, ateWhitespaceBefore, versionAtLeast } from './lexer';
import type { SourceFile, Token, TokenType } from './token';

/** parse.cxx `parse_context`: what the file-level loop is parsing. */
export type ParseContext = 'unknown' | 'probe' | 'global' | 'function' | 'embedded';

/**
 * A thrown parse error and whether the file-level loop should skip to the next declaration
 * (parse.cxx `parse_error::skip_some`).
 */
export class Thrown {
  constructor(
    readonly error: ParseError,
    readonly skipSome: boolean,
  ) {}
}

export class ParserState {
  private buffered = false;
  private nextT: Token | undefined;
  /** parse.cxx `last_t`. */
  lastT: Token | undefined;
  context: ParseContext = 'unknown';
  /** Counts tokens consumed, so the file-level loop can tell whether an error made progress. */
  consumed = 0;
  /** Errors reported only if the file has no other error (see {@link deferError}). */
  readonly deferred: ParseError[] = [];

  constructor(
    readonly file: SourceFile,
    private readonly tokens: TokenSource,
    readonly session: Session,
    readonly privileged: boolean,
    /** A tapset file (not stap's `user_file`). */
    readonly library = false,
  ) {}

  /**
   * parse.cxx `systemtap_v_seen`: the `systemtap_v` token of the last conditional the
   * preprocessor evaluated, if the token source is one that tracks it.
   */
  systemtapVSeen(): Token | undefined {
    return (this.tokens as { systemtapVSeen?: Token }).systemtapVSeen;
  }

  /** Forgets it, at the start of each declaration (parse.cxx `parser::parse`). */
  clearSystemtapVSeen(): void {
    (this.tokens as { clearSystemtapVSeen?: () => void }).clearSystemtapVSeen?.();
  }

  /** parse.cxx `input.has_version(v)`: `--compatible` ≥ v. */
  hasVersion(v: string): boolean {
    return versionAtLeast(this.session.compatible, v);
  }

  private fill(): void {
    if (this.buffered) return;
    const t = this.fetch();
    this.nextT = t;
    this.buffered = true;
  }

  private fetch(): Token | undefined {
    let t: Token | undefined;
    try {
      t = this.tokens.next();
    } catch (e) {
      if (e instanceof ParseError) {
        // A preprocessor error without a token of its own shows the parser's last token.
        const err = e.token === undefined && !e.ownToken && this.lastT ? cloneError(e, { token: this.lastT }) : e;
        throw new Thrown(withJunk(err), true);
      }
      throw e;
    }
    // The conditional pass (parse.cxx `scan_pp`) rejects a stray marker. With the preprocessor
    // in front none gets here; with the bare lexer this keeps stap's message.
    if (t && t.type === 'operator' && (t.content === '%?' || t.content === '%:' || t.content === '%)')) {
      const site = t.content === '%?' ? 'scan_pp:stray-then' : t.content === '%:' ? 'scan_pp:stray-else' : 'scan_pp:stray-close';
      throw new Thrown(new ParseError("incomplete conditional - missing '%('", t, site, true), true);
    }
    return t;
  }

  /** Mirrors parse.cxx `parser::peek`. */
  peek(): Token | undefined {
    this.fill();
    this.lastT = this.nextT;
    return this.nextT;
  }

  /** Mirrors parse.cxx `parser::next`. */
  next(): Token {
    this.fill();
    const t = this.nextT;
    if (!t) throw this.error('unexpected end-of-file', 'next:eof');
    this.lastT = t;
    this.buffered = false;
    this.nextT = undefined;
    this.consumed++;
    return t;
  }

  /** Mirrors parse.cxx `parser::swallow`: drops the peeked token and forgets `last_t`. */
  swallow(): void {
    if (this.buffered && this.nextT) this.consumed++;
    this.buffered = false;
    this.nextT = undefined;
    this.lastT = undefined;
  }

  /**
   * Mirrors parse.cxx `PARSE_ERROR(msg[, tok][, skip])`. Without `token` the error shows the
   * last token (`saw:`); with it, that token (`at:`). A junk token's own message replaces
   * `message` and is always shown with `at:` (session.cxx `build_error_msg`). `site` names the
   * throw site, stap's duplicate-suppression key.
   */
  error(message: string, site: string, token?: Token, skipSome = true): Thrown {
    const err =
      token === undefined
        ? new ParseError(message, this.lastT, site, false)
        : new ParseError(message, token, site, true);
    return new Thrown(withJunk(err), skipSome);
  }

  /**
   * Notes an input that stap accepts into a broken tree (and then crashes on): the file fails
   * with this error unless another error is reported anyway. Returns `token`.
   */
  deferError(message: string, site: string, token: Token): Token {
    this.deferred.push(new ParseError(message, token, site, true));
    return token;
  }

  peekOp(op: string): boolean {
    const t = this.peek();
    return !!t && t.type === 'operator' && t.content === op;
  }

  peekKw(kw: string): boolean {
    const t = this.peek();
    return !!t && t.type === 'keyword' && t.content === kw;
  }

  /** Mirrors parse.cxx `expect_known` (via `expect_op`/`expect_kw`): `expected 'X'`. */
  expectKnown(type: TokenType, content: string): Token {
    const t = this.next();
    if (!(t.type === type && t.content === content)) throw this.error(`expected '${content}'`, 'expect_known');
    this.swallow();
    return t;
  }

  expectOp(op: string): Token {
    return this.expectKnown('operator', op);
  }

  expectKw(kw: string): Token {
    return this.expectKnown('keyword', kw);
  }

  /** Mirrors parse.cxx `expect_op_any`: one of several operators, `expected one of 'a b'`; clears `last_t`. */
  expectOpAny(ops: readonly string[]): Token {
    const t = this.next();
    if (!(t.type === 'operator' && ops.includes(t.content))) {
      throw this.error(`expected one of '${ops.join(' ')}'`, 'expect_op_any');
    }
    this.swallow();
    return t;
  }

  /** Mirrors parse.cxx `expect_unknown(tok_identifier, …)`: `expected identifier`. */
  expectIdent(): Token {
    const t = this.next();
    if (t.type !== 'identifier') throw this.error('expected identifier', 'expect_unknown');
    this.swallow();
    return t;
  }

  /**
   * Mirrors parse.cxx `expect_unknown(tok_string, …)`: `expected string`, then the adjacent
   * string literals that follow are appended (PR11208).
   */
  expectString(): { tok: Token; value: string; unknownArg?: Token } {
    const t = this.next();
    if (t.type !== 'string') throw this.error('expected string', 'expect_unknown');
    const parts = this.stringParts(t);
    return { tok: t, value: parts.map((x) => x.content).join(''), unknownArg: parts.find((x) => x.unknownArg)?.unknownArg };
  }

  /** Mirrors parse.cxx `expect_ident_or_keyword`: a member name after `->`. */
  expectIdentOrKeyword(): Token {
    const t = this.next();
    if (!(t.type === 'identifier' || t.type === 'keyword')) {
      throw this.error('expected identifier or keyword', 'expect_ident_or_keyword');
    }
    this.swallow();
    return t;
  }

  /**
   * Mirrors parse.cxx `expect_number`: an optionally negative integer, as an int64. The `-` is
   * peeked, and the number is swallowed at the end, so `last_t` is clear afterwards.
   */
  expectNumber(): { tok: Token; value: bigint } {
    let neg = false;
    if (this.peekOp('-')) {
      neg = true;
      this.swallow();
    }
    const t = this.next();
    if (t.type !== 'number') throw this.error('expected number', 'expect_number');
    // --assume-args: the value is needed here (histogram parameters).
    if (t.unknownArg) throw this.error('expected number', 'expect_number', t.unknownArg);
    const value = this.parseNumber(t, neg);
    this.swallow();
    return { tok: t, value };
  }

  /**
   * parse.cxx's number check (`strtoull(…, 0)` plus the range rules of `parse_literal`):
   * decimal, `0x` hex or `0` octal, from −2^63 (with the sign) to 2^64−1, wrapped to int64.
   */
  parseNumber(t: Token, neg: boolean): bigint {
    const value = parseCNumber(t.content);
    if (value === undefined || (neg && value > 1n << 63n)) {
      throw this.error('number invalid or out of range', 'parse_number');
    }
    return BigInt.asIntN(64, neg ? -value : value);
  }

  /** The junk of the first unknown argument in the last {@link stringLiteral}, if any. */
  private lastUnknown: Token | undefined;

  /**
   * `first` and the string literals that follow (parse.cxx `consume_string_literals`); before
   * `--compatible` 2.0, not across a comment.
   */
  private stringParts(first: Token): Token[] {
    const parts = [first];
    for (;;) {
      const t = this.peek();
      if (!t || t.type !== 'string') return parts;
      if (ateCommentBefore(t) && !this.hasVersion('2.0')) return parts;
      parts.push(t);
      this.swallow();
    }
  }

  /**
   * A string literal: `first` with the string literals that follow appended. If one of them is
   * an unknown argument (--assume-args), so is the literal: it shows as written (`@2 "@*:*"`).
   */
  stringLiteral(first: Token): LiteralString {
    const parts = this.stringParts(first);
    const lit: LiteralString = { kind: 'literal_string', tok: first, value: parts.map((t) => t.content).join('') };
    this.lastUnknown = parts.find((t) => t.unknownArg)?.unknownArg;
    if (this.lastUnknown) {
      lit.unknownArg = parts.map((t) => (t.unknownArg ? t.content : `"${t.content.replace(/"/g, '\\"')}"`)).join(' ');
    }
    return lit;
  }

  /** Mirrors parse.cxx `parse_literal_string`: `expected literal string`. */
  parseLiteralString(): LiteralString {
    const t = this.next();
    if (t.type !== 'string') throw this.error('expected literal string', 'parse_literal_string');
    return this.stringLiteral(t);
  }

  /**
   * {@link parseLiteralString} where the value is needed at parse time (a printf format): an
   * unknown argument (--assume-args) is then the junk error stap reports without the flag.
   */
  parseKnownLiteralString(): LiteralString {
    const lit = this.parseLiteralString();
    const unknown = lit.unknownArg === undefined ? undefined : this.lastUnknown;
    if (unknown) throw this.error('expected literal string', 'parse_literal_string', unknown);
    return lit;
  }

  /** Whether the lexer ate whitespace or a comment before `t` (stap `input.ate_whitespace`). */
  ateWhitespace(t: Token): boolean {
    return ateWhitespaceBefore(t);
  }

  /** Mirrors parse.cxx `expect_type`: `string` or `long` after a `:`. */
  expectType(): { type: ExpType; tok: Token } {
    const t = this.next();
    let type: ExpType;
    if (t.type === 'keyword' && t.content === 'string') type = 'string';
    else if (t.type === 'keyword' && t.content === 'long') type = 'long';
    else throw this.error("expected 'string' or 'long'", 'expect_type');
    this.swallow();
    return { type, tok: t };
  }
}

/** A copy of `err` (of the same class, e.g. a chained error) with some fields replaced. */
function cloneError(err: ParseError, fields: Partial<Pick<ParseError, 'message' | 'token' | 'ownToken'>>): ParseError {
  // `message` (like `stack`) is an own but non-enumerable property of an Error: copy it by hand.
  const copy = Object.assign(Object.create(Object.getPrototypeOf(err) as object) as ParseError, err, { message: err.message }, fields);
  return copy;
}

/** A junk token's message replaces the parser's, shown with `at:` (session.cxx `build_error_msg`). */
function withJunk(err: ParseError): ParseError {
  const t = err.token;
  if (t && t.type === 'junk' && t.junkMessage !== undefined && (err.message !== t.junkMessage || !err.ownToken)) {
    return cloneError(err, { message: t.junkMessage, ownToken: true });
  }
  return err;
}

/** `strtoull(s, &end, 0)` requiring the whole string: undefined if invalid or above 2^64−1. */
export function parseCNumber(s: string): bigint | undefined {
  let digits: string;
  let radix: number;
  if (/^0[xX]/.test(s)) {
    digits = s.slice(2);
    radix = 16;
    if (!/^[0-9a-fA-F]+$/.test(digits)) return undefined;
  } else if (s.startsWith('0')) {
    digits = s;
    radix = 8;
    if (!/^[0-7]+$/.test(digits)) return undefined;
  } else {
    digits = s;
    radix = 10;
    if (!/^[0-9]+$/.test(digits)) return undefined;
  }
  let value = 0n;
  const r = BigInt(radix);
  for (const ch of digits) value = value * r + BigInt(parseInt(ch, radix));
  if (value > 0xffffffffffffffffn) return undefined;
  return value;
}
