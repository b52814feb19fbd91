/**
 * The parser: tokens (from the lexer, usually through the preprocessor) to a stapfile. Mirrors
 * parse.cxx `parser::parse` (the file-level loop, its error recovery and the "is empty"
 * messages), `parse_global`, `parse_functiondecl` and `parse_embeddedcode`; probes, statements
 * and expressions are in parse-probes.ts, parse-statements.ts and parse-expressions.ts.
 *
 * Errors never escape: each is collected as a ParseError with stap's message, token and throw
 * site. After most errors the loop skips to the next `probe`, `global`, `function`, `private`
 * or `%{`, as stap does.
 */
import { detoxPath, emptyStapFile, type EmbeddedCode, type FunctionDecl, type StapFile, type VarDecl } from '../../ast/staptree';
import type { Session } from '../../session';
import { ParseError, type TokenSource } from './errors';
import { Lexer } from './lexer';
import { parseLiteral } from './parse-expressions';
import { parseProbe } from './parse-probes';
import { ParserState, Thrown } from './parse-state';
import { parseStmtBlock } from './parse-statements';
import type { SourceFile, Token } from './token';

export interface ParseOptions {
  session: Session;
  /** Parse as guru/privileged: `-g`, and always for tapset files. */
  privileged: boolean;
  /**
   * A tapset file rather than a user script (stap's `user_file` is false). An empty tapset file
   * is an empty stapfile, with no message; its functions default to priority 1 instead of 0.
   */
  library?: boolean;
  /**
   * Called with each error as it is found, so a caller can interleave errors with the lexer's
   * and preprocessor's warnings in stap's print order.
   */
  onError?: (error: ParseError) => void;
}

export interface ParseResult {
  /** The file, or undefined when there were errors or it was empty (stap returns no file). */
  stapfile: StapFile | undefined;
  /** The errors in the order stap prints them (before duplicate suppression). */
  errors: ParseError[];
  /** What parsed, errors or not (stap drops it; the editor's features read it). */
  partial?: StapFile;
  /**
   * For a file without declarations, the line stap prints on stderr instead of a parse error:
   * `Input file 'X' is empty.`, or `… is empty after preprocessing.` when the lexer saw tokens.
   */
  emptyMessage?: string;
}

function isKw(t: Token | undefined, kw: string): boolean {
  return !!t && t.type === 'keyword' && t.content === kw;
}

/** Mirrors parse.cxx `parser::parse`. */
export function parse(file: SourceFile, tokens: TokenSource, options: ParseOptions): ParseResult {
  const p = new ParserState(file, tokens, options.session, options.privileged, options.library ?? false);
  const f: StapFile = emptyStapFile(file, options.privileged);
  const errors: ParseError[] = [];
  const record = (err: ParseError) => {
    errors.push(err);
    options.onError?.(err);
  };
  let empty = true;
  let consumedAtLastError = -1;

  for (;;) {
    try {
      p.clearSystemtapVSeen();
      const t = p.peek();
      if (!t) break;
      empty = false;
      if (isKw(t, 'probe')) {
        p.context = 'probe';
        parseProbe(p, f.probes, f.aliases);
      } else if (isKw(t, 'private')) {
        p.swallow();
        const u = p.next();
        if (isKw(u, 'function')) {
          p.context = 'function';
          p.swallow();
          parseFunctionDecl(p, f, true);
        } else if (isKw(u, 'global')) {
          p.context = 'global';
          p.swallow();
          parseGlobal(p, f, undefined, true);
        } else if (u.type === 'identifier') {
          p.context = 'global';
          parseGlobal(p, f, u, true);
        } else {
          throw p.error("expected 'function' or identifier", 'parse:private');
        }
      } else if (isKw(t, 'global')) {
        p.context = 'global';
        p.swallow();
        parseGlobal(p, f, undefined, false);
      } else if (isKw(t, 'function')) {
        p.context = 'function';
        p.swallow();
        parseFunctionDecl(p, f, false);
      } else if (t.type === 'embedded-code') {
        p.context = 'embedded';
        const e = parseEmbeddedCode(p);
        f.embeds.push(e);
      } else {
        p.context = 'unknown';
        throw p.error("expected 'probe', 'global', 'private', 'function', or '%{'", 'parse:toplevel');
      }
    } catch (caught) {
      let e = caught;
      // Nesting deeper than JavaScript's stack allows (stap itself segfaults somewhere past a
      // few thousand levels): report it rather than throw, and recover as after any error.
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        e = p.error('expression nested too deeply to parse', 'parse:too_deep');
      }
      if (!(e instanceof Thrown)) throw e;
      record(e.error);
      // An error that consumed nothing twice in a row would loop forever; stap's never do.
      const stuck = p.consumed === consumedAtLastError;
      consumedAtLastError = p.consumed;
      if (e.skipSome || stuck) skipToDeclaration(p, record, stuck);
    }
  }

  // Inputs stap parses into a tree it then crashes on: an error, unless there is one already.
  if (errors.length === 0 && p.deferred.length > 0) record(p.deferred[0]);

  if (empty && !options.library) {
    const lexer = new Lexer(file, { args: options.session.args, compatible: options.session.compatible });
    const sawTokens = lexer.next() !== undefined;
    return {
      stapfile: undefined,
      errors,
      emptyMessage: sawTokens
        ? `Input file '${file.name}' is empty after preprocessing.`
        : `Input file '${file.name}' is empty.`,
    };
  }
  return { stapfile: errors.length ? undefined : f, partial: f, errors };
}

/** The recovery in parse.cxx `parser::parse`: skip tokens up to the next declaration. */
function skipToDeclaration(p: ParserState, record: (err: ParseError) => void, forceOne: boolean): void {
  let first = true;
  for (;;) {
    try {
      const t = p.peek();
      if (!t) return;
      const stop =
        (t.type === 'keyword' &&
          (t.content === 'probe' || t.content === 'private' || t.content === 'global' || t.content === 'function')) ||
        t.type === 'embedded-code';
      if (stop && !(first && forceOne)) return;
      first = false;
      p.swallow();
    } catch (e) {
      if (!(e instanceof Thrown)) throw e;
      record(e.error);
    }
  }
}

/**
 * Mirrors parse.cxx `parse_global` (`do_parse_global`): `global a, b[N], c%, d = lit;`. The
 * keyword has been consumed; for `private x` the first name is `first`.
 */
function parseGlobal(p: ParserState, f: StapFile, first: Token | undefined, isPrivate: boolean): void {
  let pending = first;
  for (;;) {
    let t: Token;
    if (pending) {
      t = pending;
      pending = undefined;
    } else {
      t = p.next();
      if (t.type !== 'identifier') throw p.error('expected identifier', 'parse_global:name');
    }
    const gname = `__global_${t.content}`;
    const pname = `__private_${detoxPath(f.name)}${t.content}`;
    const name = isPrivate ? pname : gname;
    for (const g of f.globals) {
      if (g.name === name) throw p.error('duplicate global name', 'parse_global:duplicate');
      if (g.name === gname || g.name === pname) {
        throw p.error('global versus private variable declaration conflict', 'parse_global:conflict');
      }
    }
    const d: VarDecl = {
      kind: 'vardecl',
      tok: t,
      name,
      unmangledName: t.content,
      maxsize: 0,
      wrap: false,
      type: 'unknown',
      arity: -1,
      isPrivate,
      systemtapVConditional: p.systemtapVSeen(),
    };
    f.globals.push(d);

    let u = p.peek();
    if (u && u.type === 'operator' && u.content === '%') {
      d.wrap = true;
      p.swallow();
      u = p.peek();
    }
    if (u && u.type === 'operator' && u.content === '[') {
      p.swallow();
      const size = p.expectNumber().value;
      if (size <= 0n || size > 2147483647n) throw p.error('array size out of range', 'parse_global:size');
      d.maxsize = Number(size);
      p.expectOp(']');
      u = p.peek();
    }
    if (u && u.type === 'operator' && u.content === '=') {
      if (d.maxsize > 0) throw p.error('only scalar globals can be initialized', 'parse_global:init_array');
      d.arity = 0;
      p.next();
      d.init = parseLiteral(p);
      d.type = d.init.kind === 'literal_string' ? 'string' : 'long';
      u = p.peek();
    }
    if (u && u.type === 'operator' && u.content === ';') {
      p.swallow();
      break;
    }
    if (u && u.type === 'operator' && u.content === ',') {
      p.swallow();
      continue;
    }
    break;
  }
}

/**
 * Mirrors parse.cxx `parse_functiondecl` (`do_parse_functiondecl`): `function name[:type]
 * (a[:type], …) [: priority] { … }` or with an embedded-C body. The keyword has been consumed.
 */
function parseFunctionDecl(p: ParserState, f: StapFile, isPrivate: boolean): void {
  let t = p.next();
  if (!(t.type === 'identifier' || (t.type === 'keyword' && (t.content === 'string' || t.content === 'long')))) {
    throw p.error('expected identifier', 'parse_functiondecl:name');
  }
  const fd: FunctionDecl = {
    kind: 'functiondecl',
    tok: t,
    name: isPrivate ? `__private_${detoxPath(f.name)}${t.content}` : `__global_${t.content}`,
    unmangledName: t.content,
    formalArgs: [],
    body: { kind: 'block', tok: t, statements: [] },
    type: 'unknown',
    priority: p.library ? 1 : 0,
    isPrivate,
    privileged: p.privileged,
  };

  // stap forgets the last token after each `:`, `(` and `,` here (an error right after shows
  // `saw: FILE EOF`), but not after the names.
  t = p.next();
  if (t.type === 'operator' && t.content === ':') {
    p.swallow();
    const ty = p.expectType();
    fd.type = ty.type;
    fd.typeTok = ty.tok;
    t = p.next();
  }
  if (!(t.type === 'operator' && t.content === '(')) throw p.error("expected '('", 'parse_functiondecl:open');
  p.swallow();
  for (;;) {
    t = p.next();
    if (t.type === 'operator' && t.content === ')') break;
    if (t.type !== 'identifier') throw p.error('expected identifier', 'parse_functiondecl:param');
    const vd: VarDecl = {
      kind: 'vardecl',
      tok: t,
      name: t.content,
      unmangledName: t.content,
      maxsize: 0,
      wrap: false,
      type: 'unknown',
      arity: 0,
      isPrivate: false,
    };
    if (fd.formalArgs.some((a) => a.name === vd.name)) {
      throw p.error('duplicate parameter names', 'parse_functiondecl:duplicate_param');
    }
    fd.formalArgs.push(vd);
    t = p.next();
    if (t.type === 'operator' && t.content === ':') {
      p.swallow();
      const ty = p.expectType();
      vd.type = ty.type;
      vd.typeTok = ty.tok;
      t = p.next();
    }
    if (t.type === 'operator' && t.content === ')') break;
    if (t.type === 'operator' && t.content === ',') {
      p.swallow();
      continue;
    }
    throw p.error("expected ',' or ')'", 'parse_functiondecl:param_list');
  }

  if (p.peekOp(':')) {
    p.swallow();
    const lit = parseLiteral(p);
    // --assume-args: the priority is needed now.
    if (lit.tok.unknownArg) throw p.error('expected literal number', 'parse_functiondecl:priority_type', lit.tok.unknownArg);
    if (lit.kind !== 'literal_number') throw p.error('expected literal number', 'parse_functiondecl:priority_type');
    if (lit.value < 1n) throw p.error('specified priority must be > 0', 'parse_functiondecl:priority');
    fd.priority = Number(lit.value);
  }

  fd.systemtapVConditional = p.systemtapVSeen();
  const u = p.peek();
  fd.body = u && u.type === 'embedded-code' ? parseEmbeddedCode(p) : parseStmtBlock(p);
  f.functions.push(fd);
}

/** Mirrors parse.cxx `parse_embeddedcode`: `%{ … %}`, which needs `-g` in a user script. */
function parseEmbeddedCode(p: ParserState): EmbeddedCode {
  const t = p.next();
  if (t.type !== 'embedded-code') throw p.error("expected '%{'", 'parse_embeddedcode:token');
  if (!p.privileged) {
    throw p.error('embedded code in unprivileged script; need stap -g', 'parse_embeddedcode:guru', undefined, false);
  }
  return { kind: 'embeddedcode', tok: t, code: t.content };
}
