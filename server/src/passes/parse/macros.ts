/**
 * The macro pass of pass 1: `@define` definitions and `@name` / `@name(args)` expansion over the
 * lexer's tokens. Mirrors parse.cxx `parser::scan_pp1` (with `slurp_pp1_param`/`_body`); the
 * conditional pass (conditionals.ts) pulls its tokens from here, so macros are expanded before
 * `%( %)` conditionals are evaluated and a macro body may contain conditionals.
 *
 * Behaviour (verified against stap 4.8):
 * - `@define NAME %( BODY %)` or `@define NAME(a, b) %( BODY %)`, read raw from the lexer; the
 *   body keeps nested `%( %)` pairs. The macro is registered as soon as its name is read, so a
 *   definition that fails later (bad parameter list, no `%(`, no `%)`) still exists with the
 *   parameters and body read so far.
 * - Expansion is lazy: an activation per invocation reads the body one token at a time. Each
 *   produced token is a copy whose `chain` is the token it was expanded from (the `@name`
 *   invocation, or the `@param` reference for a parameter), which stap prints as
 *   `in expansion of macro:` lines.
 * - Arguments are read raw from where the invocation is (the same macro body, parameter or the
 *   lexer; never past its end), split on `,` at depth 0; `(` and `[` open and `)` and `]` close
 *   one shared depth, and a `]` at depth 0 is an ordinary token. They are expanded only when the
 *   parameter is used, in the caller's scope (its parameters and whether it is a library macro).
 * - Lookup of `@x`: the scope's parameters, then macros of this file (not inside a library
 *   macro), then library macros; otherwise the token passes through (the parser reports
 *   `unknown operator @x` for it).
 * - In a skipped conditional branch (`ignoreMacros`), `@define` is passed through uncatalogued;
 *   invocations are still expanded (a body may close or switch the branch).
 */
import { ParseError, type TokenSource } from './errors';
import type { SourceFile, Token } from './token';
import type { Session } from '../../session';
import { strverscmp } from '../../util/strverscmp';

/** A macro from `@define` (stap `macrodecl`). */
export interface MacroDefinition {
  name: string;
  /** Parameter names, without `@`. */
  params: string[];
  /** The body tokens between `%(` and the matching `%)`, as the lexer made them. */
  body: Token[];
  /** The name token after `@define`. */
  token: Token;
  file: SourceFile;
}

/**
 * A body token as the expansion hands it on: chained to the invocation, and without the lexer's
 * adjacency marks (stap judges a copy by its lexer's state, which we take as whitespace).
 */
function expandedCopy(body: Token, chain: Token): Token {
  const t: Token = { type: body.type, content: body.content, location: body.location, chain };
  if (body.junkMessage !== undefined) t.junkMessage = body.junkMessage;
  if (body.unknownArg !== undefined) t.unknownArg = body.unknownArg;
  return t;
}

/** A pass-1 warning: a message and the token it is about (stap `print_warning(msg, tok)`). */
export interface PreprocessWarning {
  message: string;
  token?: Token;
}

/**
 * A parse error followed by a second one that explains it (stap `parse_error::chain`), which
 * stap prints as its own `parse error:` block right after, without counting it: used for
 * `macro '@x' first defined here`.
 */
export class ChainedParseError extends ParseError {
  constructor(
    message: string,
    token: Token | undefined,
    site: string,
    ownToken: boolean,
    readonly chain: ParseError,
  ) {
    super(message, token, site, ownToken);
  }
}

/**
 * An error that stops stap altogether (an uncaught C++ exception in main.cxx): stap prints
 * `message` on stderr and exits with status 1, with no pass summary. Pass 1 raises it for
 * `bad lexical cast` (a number in a condition that is not a decimal int64) and for unbounded
 * macro recursion (stap runs out of memory).
 */
export class FatalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FatalError';
  }
}

/** The text stap prints when a recursive macro exhausts memory (main.cxx's bad_alloc handler). */
export const OUT_OF_MEMORY = 'Out of memory.   Please check --rlimit-as and memory availability.\nstd::bad_alloc';

/**
 * How deep activations may nest before we give up as stap would (it has no limit and runs out
 * of memory). Infinite expansion always nests without bound: an activation ends only after the
 * ones it started.
 */
export const MAX_EXPANSION_DEPTH = 10_000;

/**
 * The built-in @-operators for a `--compatible` version (parse.cxx `lexer::lexer` `atwords`):
 * defining a macro with one of these names warns `macro redefines built-in operator`.
 */
export function builtinAtWords(compatible: string): Set<string> {
  const words = ['cast', 'defined', 'probewrite', 'entry', 'perf', 'var', 'avg', 'count', 'sum', 'min', 'max'];
  words.push('hist_linear', 'hist_log');
  if (strverscmp(compatible, '3.1') >= 0) words.push('const', 'variance');
  if (strverscmp(compatible, '4.0') >= 0) words.push('kregister', 'uregister', 'kderef', 'uderef');
  return new Set(words);
}

/** The parameters visible to a run of tokens, and whether it belongs to a library macro. */
interface Scope {
  params: ReadonlyMap<string, Argument>;
  /** Inside a library macro, the file's own macros are not consulted. */
  library: boolean;
}

/** One invocation argument: its raw tokens and the scope they were written in. */
interface Argument {
  tokens: readonly Token[];
  scope: Scope;
}

/** A macro body or argument being read (stap `pp1_activation`). */
interface Activation {
  /** The `@name` or `@param` token this expansion came from: the `chain` of what it produces. */
  token: Token;
  body: readonly Token[];
  cursor: number;
  /** The scope of the tokens it produces. */
  scope: Scope;
}

const TOP_SCOPE: Scope = { params: new Map(), library: false };

const isOp = (t: Token | undefined, content: string): t is Token => t !== undefined && t.type === 'operator' && t.content === content;

export interface MacroPassOptions {
  session: Session;
  libraryMacros: ReadonlyMap<string, MacroDefinition>;
  /** The file whose tokens these are (the owner of macros defined here). */
  file?: SourceFile;
}

/** The macro pass over one file's tokens (stap `parser::scan_pp1` and its state). */
export class MacroPass {
  /** Macros defined in this file so far (stap `pp1_namespace`). */
  readonly fileMacros = new Map<string, MacroDefinition>();
  readonly warnings: PreprocessWarning[] = [];
  private readonly stack: Activation[] = [];
  private inputDone = false;
  private sawToken = false;
  private readonly atWords: Set<string>;

  constructor(
    private readonly input: TokenSource,
    private readonly options: MacroPassOptions,
  ) {
    this.atWords = builtinAtWords(options.session.compatible);
  }

  /** True once the lexer produced any token. */
  get sawInput(): boolean {
    return this.sawToken;
  }

  /**
   * The next token after macro processing, or undefined at the end of the file.
   * Mirrors parse.cxx `parser::scan_pp1`.
   */
  scan(ignoreMacros = false): Token | undefined {
    for (;;) {
      const t = this.read();
      if (!t) return undefined;
      if (t.type !== 'operator' || !t.content.startsWith('@')) return t;
      if (t.content === '@define') {
        // In a skipped branch a definition is neither catalogued nor checked.
        if (ignoreMacros) return t;
        if (this.stack.length > 0) throw new ParseError("'@define' forbidden inside macro body", t, 'scan_pp1:define-in-body', true);
        this.define(t);
        continue;
      }
      const name = t.content.slice(1);
      const scope = this.currentScope();
      const arg = scope.params.get(name);
      if (arg) {
        this.push({ token: t, body: arg.tokens, cursor: 0, scope: arg.scope });
        continue;
      }
      const own = scope.library ? undefined : this.fileMacros.get(name);
      const decl = own ?? this.options.libraryMacros.get(name);
      if (!decl) return t;
      this.invoke(t, decl, own === undefined, scope);
    }
  }

  /** The next token from the innermost activation, finishing exhausted ones, or from the lexer. */
  private read(): Token | undefined {
    while (this.stack.length > 0) {
      const act = this.stack[this.stack.length - 1];
      if (act.cursor < act.body.length) return expandedCopy(act.body[act.cursor++], act.token);
      this.stack.pop();
    }
    return this.readInput();
  }

  /** The next token of the innermost activation only (undefined at its end), or from the lexer. */
  private readLocal(): Token | undefined {
    const act = this.stack[this.stack.length - 1];
    if (!act) return this.readInput();
    if (act.cursor < act.body.length) return expandedCopy(act.body[act.cursor++], act.token);
    return undefined;
  }

  private readInput(): Token | undefined {
    if (this.inputDone) return undefined;
    const t = this.input.next();
    if (!t) this.inputDone = true;
    else this.sawToken = true;
    return t;
  }

  private currentScope(): Scope {
    return this.stack.length > 0 ? this.stack[this.stack.length - 1].scope : TOP_SCOPE;
  }

  private push(act: Activation): void {
    if (this.stack.length >= MAX_EXPANSION_DEPTH) throw new FatalError(OUT_OF_MEMORY);
    this.stack.push(act);
  }

  /**
   * Reads the arguments of an invocation of `decl` at token `t` and starts its expansion.
   * Mirrors the invocation part of parse.cxx `parser::scan_pp1` and `parser::slurp_pp1_param`.
   */
  private invoke(t: Token, decl: MacroDefinition, library: boolean, caller: Scope): void {
    const n = decl.params.length;
    const params = new Map<string, Argument>();
    if (n > 0) {
      const open = this.readLocal();
      if (!isOp(open, '(')) {
        const message = `expected '(' in invocation of macro '@${decl.name}' taking ${n} parameter${n === 1 ? '' : 's'}`;
        throw new ParseError(message, open, 'scan_pp1:expected-open', open !== undefined);
      }
      const args: Token[][] = [];
      let current: Token[] = [];
      let depth = 0;
      for (;;) {
        const a = this.readLocal();
        if (!a) throw new ParseError('could not find end of macro invocation', t, 'scan_pp1:no-end', true);
        if (depth === 0 && (isOp(a, ',') || isOp(a, ')'))) {
          args.push(current);
          current = [];
          if (a.content === ')') {
            if (args.length < n) throw new ParseError(`too few parameters for macro '@${decl.name}' (expected ${n})`, a, 'scan_pp1:too-few', true);
            break;
          }
          if (args.length === n) throw new ParseError(`too many parameters for macro '@${decl.name}' (expected ${n})`, a, 'scan_pp1:too-many', true);
          continue;
        }
        if (isOp(a, '(') || isOp(a, '[')) depth++;
        else if ((isOp(a, ')') || isOp(a, ']')) && depth > 0) depth--;
        current.push(a);
      }
      // A repeated parameter name refers to the last argument in its position.
      decl.params.forEach((p, i) => params.set(p, { tokens: args[i], scope: caller }));
    }
    this.push({ token: t, body: decl.body, cursor: 0, scope: { params, library } });
  }

  /**
   * Reads a definition after its `@define` token, from the lexer. Mirrors the `@define` part
   * of parse.cxx `parser::scan_pp1` and `parser::slurp_pp1_body`.
   */
  private define(defineToken: Token): void {
    const file = this.options.file ?? defineToken.location.file;
    let t = this.readInput();
    if (!t || t.type !== 'identifier') throw new ParseError('expected identifier', t, 'scan_pp1:define-name', t !== undefined);
    const name = t.content;
    const previous = this.fileMacros.get(name);
    if (previous) {
      throw new ChainedParseError(
        `attempt to redefine macro '@${name}' in the same file`,
        t,
        'scan_pp1:redefine',
        true,
        new ParseError(`macro '@${name}' first defined here`, previous.token, 'scan_pp1:first-defined', true),
      );
    }
    if (name === 'define') throw new ParseError("attempt to redefine '@define'", t, 'scan_pp1:redefine-define', true);
    if (this.atWords.has(name)) this.warnings.push({ message: `macro redefines built-in operator '@${name}'`, token: t });
    const decl: MacroDefinition = { name, params: [], body: [], token: t, file };
    this.fileMacros.set(name, decl);

    t = this.readInput();
    const sawParams = isOp(t, '(');
    if (sawParams) {
      for (;;) {
        t = this.readInput();
        if (!t || t.type !== 'identifier') throw new ParseError('expected identifier', t, 'scan_pp1:define-param', t !== undefined);
        decl.params.push(t.content);
        t = this.readInput();
        if (isOp(t, ',')) continue;
        if (isOp(t, ')')) {
          t = this.readInput();
          break;
        }
        throw new ParseError("expected ',' or ')'", t, 'scan_pp1:define-params-end', t !== undefined);
      }
    }
    if (!isOp(t, '%(')) {
      throw new ParseError(sawParams ? "expected '%('" : "expected '%(' or '('", t, sawParams ? 'scan_pp1:define-open' : 'scan_pp1:define-open-or-params', t !== undefined);
    }
    let nesting = 0;
    for (;;) {
      t = this.readInput();
      if (!t) throw new ParseError("incomplete macro definition - missing '%)'", decl.token, 'scan_pp1:define-unterminated', true);
      if (isOp(t, '%(')) nesting++;
      else if (isOp(t, '%)')) {
        if (nesting === 0) return;
        nesting--;
      }
      decl.body.push(t);
    }
  }
}
