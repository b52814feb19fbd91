/**
 * The lexer: turns a source file into stap tokens. Mirrors parse.cxx `lexer::scan` (and
 * `lexer::lexer`, `input_get`, `input_put`): comments and whitespace are skipped, `$1`/`@1`/`$#`/`@#`
 * are substituted by pasting text into the input, and anything unexpected becomes a `junk`
 * token, never an exception.
 *
 * Files are read as latin1, so one character is one byte and columns are byte columns. A tab
 * counts as one column, as in stap.
 */
import { strverscmp } from '../../util/strverscmp';
import type { TokenSource } from './errors';
import type { Location, SourceFile, Token } from './token';

export interface LexerOptions {
  /** Script arguments for `$1`…, `@1`…, `$#`, `@#`. */
  args: readonly string[];
  /** `--compatible` (`systemtap_v`): gates `private` and `\x` escapes. */
  compatible: string;
  /** Receives the lexer's warnings (stap `print_warning`), e.g. for `}%` inside embedded C. */
  warn?: (message: string, token: Token) => void;
  /** Told each `$N`/`@N` substituted (1-based), for main.cxx's `unused command line option` warning. */
  argUsed?: (n: number) => void;
  /**
   * `--assume-args` (stap-ls only): a `$N` (`@N`) beyond `args` becomes a `number` (`string`)
   * token `$N` (`@N`) of unknown value ({@link Token.unknownArg}) instead of a junk token.
   */
  assumeArgs?: boolean;
}

/** Junk messages, as session.cxx prints them in place of the parser's message. */
export const JUNK_UNCLOSED_QUOTE = 'Could not find matching closing quote';
export const JUNK_UNCLOSED_EMBEDDED = "Could not find matching '%}' to close embedded function block";
export const JUNK_NESTED_ARG = 'invalid nested substitution of command line arguments';
export function junkArgRange(count: number): string {
  return `command line argument out of range [1-${count}]`;
}

/** The keywords (parse.cxx `lexer::lexer`); `private` only when compatible ≥ 3.0. */
const KEYWORDS = new Set([
  'probe', 'global', 'function', 'if', 'else', 'for', 'foreach', 'in', 'limit', 'return',
  'delete', 'while', 'break', 'continue', 'next', 'string', 'long', 'try', 'catch',
]);

const THREE_CHAR_OPS = new Set(['<<<', '>>>', '<<=', '>>=']);
const TWO_CHAR_OPS = new Set([
  '==', '!=', '<=', '>=', '=~', '!~', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=', '.=',
  '&&', '||', '++', '--', '->', '<<', '>>', '%(', '%?', '%:', '%)',
]);

/**
 * Whether stap's lexer ate whitespace or a comment just before scanning `token` (its
 * `lexer::ate_whitespace`). The parser glues tokens without into probe-point globs (`foo*bar`).
 * A token the lexer did not make (a macro-pass copy) counts as preceded by whitespace. Kept as
 * a field (`adjacent`) rather than in a WeakSet: a set entry per token was a sixth of pass 1.
 */
export function ateWhitespaceBefore(token: Token): boolean {
  return token.adjacent !== true;
}

/**
 * Whether stap's lexer skipped a comment just before scanning `token` (`lexer::ate_comment`).
 * Before `--compatible` 2.0 a comment between two string literals keeps them apart.
 */
export function ateCommentBefore(token: Token): boolean {
  return token.afterComment === true;
}

/** stap `has_version(v)`: compatible ≥ v. */
export function versionAtLeast(compatible: string, v: string): boolean {
  return strverscmp(compatible, v) >= 0;
}

/** The C locale `isspace`. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isAlnum(c: number): boolean {
  return isAlpha(c) || isDigit(c);
}
/** The C locale `ispunct`: printable ASCII that is neither a letter, a digit nor a space. */
function isPunct(c: number): boolean {
  return c > 32 && c < 127 && !isAlnum(c);
}

/**
 * stap's `lex_cast_qstring`: a double-quoted C string, with `\` and `"` escaped and
 * non-printable bytes as three-digit octal escapes. Used for `@1` and for printing format
 * strings.
 */
export function lexCastQstring(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c || c === 0x22) out += '\\' + s[i];
    else if (c >= 32 && c < 127) out += s[i];
    else out += '\\' + (c & 0xff).toString(8).padStart(3, '0');
  }
  return out + '"';
}

/** Mirrors parse.cxx `lexer`. */
export class Lexer implements TokenSource {
  private input: string;
  private pos = 0;
  private line = 1;
  private column = 1;
  /** How many pasted characters (`input_put`) are still to be read; the cursor stands still. */
  private suspendCount = 0;
  private suspendLine = 0;
  private suspendColumn = 0;
  private readonly privateKeyword: boolean;
  private readonly hexEscapes: boolean;
  /** stap `saw_tokens`: whether any token was returned (for "is empty after preprocessing"). */
  sawTokens = false;
  /** stap `ate_comment`: a comment was skipped before the last token. */
  ateComment = false;

  constructor(
    readonly file: SourceFile,
    private readonly options: LexerOptions,
  ) {
    this.input = file.text;
    this.privateKeyword = versionAtLeast(options.compatible, '3.0');
    this.hexEscapes = versionAtLeast(options.compatible, '2.3');
  }

  private peekChar(n = 0): number {
    const p = this.pos + n;
    return p < this.input.length ? this.input.charCodeAt(p) : -1;
  }

  /** Mirrors parse.cxx `lexer::input_get`: pasted text does not move the cursor. */
  private getChar(): number {
    if (this.pos >= this.input.length) return -1;
    const c = this.input.charCodeAt(this.pos++);
    if (this.suspendCount > 0) {
      if (--this.suspendCount === 0) {
        this.line = this.suspendLine;
        this.column = this.suspendColumn;
      }
    } else if (c === 10) {
      this.line++;
      this.column = 1;
    } else {
      this.column++;
    }
    return c;
  }

  /**
   * Mirrors parse.cxx `lexer::input_put`: pastes `text` at the read position. Until it has been
   * read, tokens are located at `at` (the `$1` that was substituted); then the cursor resumes
   * after the `$1`. (stap quirk, kept: after an empty argument it never resumes.)
   */
  private putText(text: string, at: Location): void {
    // An empty argument moves the cursor back to the `$1` for good: nothing is left to read
    // that would restore it, so the rest of the file is located as if `$1` were not there.
    this.input = this.input.slice(0, this.pos) + text + this.input.slice(this.pos);
    this.suspendCount += text.length;
    this.suspendLine = this.line;
    this.suspendColumn = this.column;
    this.line = at.line;
    this.column = at.column;
  }

  private make(type: Token['type'], content: string, location: Location, adjacent: boolean): Token {
    const token: Token = adjacent ? { type, content, location, adjacent: true } : { type, content, location };
    if (this.ateComment) token.afterComment = true;
    this.sawTokens = true;
    return token;
  }

  private junk(message: string, location: Location, adjacent: boolean): Token {
    const token = this.make('junk', '', location, adjacent);
    token.junkMessage = message;
    return token;
  }

  /** Mirrors parse.cxx `lexer::scan`. */
  next(): Token | undefined {
    let ateWhitespace = false;
    this.ateComment = false;
    for (;;) {
      const suspended = this.suspendCount > 0;
      const line = this.line;
      const column = this.column;
      const c = this.getChar();
      if (c < 0) return undefined;
      if (isSpace(c)) {
        ateWhitespace = true;
        continue;
      }
      const location: Location = { file: this.file, line, column };
      const adjacent = !ateWhitespace;
      let c2 = this.peekChar();

      // Command-line argument substitution: $# @# $N @N.
      if ((c === 0x24 || c === 0x40) && c2 === 0x23) {
        this.getChar();
        if (suspended) return this.junk(JUNK_NESTED_ARG, location, adjacent);
        const count = String(this.options.args.length);
        this.putText(c === 0x24 ? count : lexCastQstring(count), location);
        continue;
      }
      if ((c === 0x24 || c === 0x40) && isDigit(c2)) {
        const nargs = this.options.args.length;
        let idx = 0;
        do {
          this.getChar();
          idx = idx * 10 + (c2 - 48);
          c2 = this.peekChar();
        } while (c2 > 0 && isDigit(c2) && idx <= nargs);
        if (suspended) return this.junk(JUNK_NESTED_ARG, location, adjacent);
        if (idx === 0 || idx - 1 >= nargs) {
          const junk = this.junk(junkArgRange(nargs), location, adjacent);
          if (idx === 0 || !this.options.assumeArgs) return junk;
          // An unknown argument: its whole number (stap stops reading digits once out of range).
          let digits = String(idx);
          for (c2 = this.peekChar(); isDigit(c2); c2 = this.peekChar()) digits += String.fromCharCode(this.getChar());
          const token = this.make(c === 0x24 ? 'number' : 'string', `${String.fromCharCode(c)}${BigInt(digits)}`, location, adjacent);
          token.unknownArg = junk;
          return token;
        }
        this.options.argUsed?.(idx);
        const arg = this.options.args[idx - 1];
        this.putText(c === 0x24 ? arg : lexCastQstring(arg), location);
        continue;
      }

      // Identifiers, keywords and @words.
      if (isAlpha(c) || c === 0x24 || c === 0x40 || c === 0x5f) {
        const start = this.pos - 1;
        for (let d = this.peekChar(); isAlnum(d) || d === 0x5f || d === 0x24; d = this.peekChar()) this.getChar();
        const content = this.input.slice(start, this.pos);
        let type: Token['type'] = 'identifier';
        if (c === 0x40) type = 'operator';
        else if (KEYWORDS.has(content) || (content === 'private' && this.privateKeyword)) type = 'keyword';
        return this.make(type, content, location, adjacent);
      }

      // Numbers: a digit and any run of alphanumerics, checked by the parser.
      if (isDigit(c)) {
        const start = this.pos - 1;
        while (isAlnum(this.peekChar())) this.getChar();
        return this.make('number', this.input.slice(start, this.pos), location, adjacent);
      }

      // Strings.
      if (c === 0x22) {
        let content = '';
        for (;;) {
          let d = this.getChar();
          if (d < 0 || d === 10) return this.junk(JUNK_UNCLOSED_QUOTE, location, adjacent);
          if (d === 0x22) break;
          if (d === 0x5c) {
            d = this.getChar();
            // \a \b \t \n \v \f \r \\, octal and (2.3+) \x stay escaped; others lose the backslash.
            if (
              d === 0x61 || d === 0x62 || d === 0x74 || d === 0x6e || d === 0x76 || d === 0x66 ||
              d === 0x72 || d === 0x5c || (d >= 0x30 && d <= 0x37) || (d === 0x78 && this.hexEscapes)
            ) {
              content += '\\';
            }
            // At end of input stap appends (char)-1; the next read then reports the open quote.
            content += d < 0 ? '\xff' : String.fromCharCode(d);
          } else {
            content += String.fromCharCode(d);
          }
        }
        return this.make('string', content, location, adjacent);
      }

      if (isPunct(c)) {
        const c3 = this.peekChar(1);
        // Comments.
        if (c === 0x23 || (c === 0x2f && c2 === 0x2f)) {
          const line = this.line;
          let d;
          do d = this.getChar();
          while (d >= 0 && this.line === line);
          ateWhitespace = true;
          this.ateComment = true;
          continue;
        }
        if (c === 0x2f && c2 === 0x2a) {
          this.getChar();
          let d = this.getChar();
          let d2 = this.getChar();
          while (d2 >= 0) {
            if (d === 0x2a && d2 === 0x2f) break;
            d = d2;
            d2 = this.getChar();
          }
          ateWhitespace = true;
          this.ateComment = true;
          continue;
        }
        // Embedded C.
        if (c === 0x25 && c2 === 0x7b) {
          this.getChar();
          const token = this.make('embedded-code', '', location, adjacent);
          const start = this.pos;
          let d = this.getChar();
          let d2 = this.getChar();
          while (d2 >= 0) {
            if (d === 0x25 && d2 === 0x7d) {
              token.content = this.input.slice(start, this.pos - 2);
              return token;
            }
            // stap warns at every `}%`; the session prints each distinct warning text once.
            if (d === 0x7d && d2 === 0x25) this.options.warn?.("possible erroneous closing '}%', use '%}'?", token);
            d = d2;
            d2 = this.getChar();
          }
          token.type = 'junk';
          token.junkMessage = JUNK_UNCLOSED_EMBEDDED;
          return token;
        }
        // Operators, longest match first.
        const s1 = String.fromCharCode(c);
        const s2 = c2 > 0 ? s1 + String.fromCharCode(c2) : s1;
        const s3 = c2 > 0 && c3 > 0 ? s2 + String.fromCharCode(c3) : s2;
        if (s3.length === 3 && THREE_CHAR_OPS.has(s3)) {
          this.getChar();
          this.getChar();
          return this.make('operator', s3, location, adjacent);
        }
        if (s2.length === 2 && TWO_CHAR_OPS.has(s2)) {
          this.getChar();
          return this.make('operator', s2, location, adjacent);
        }
        return this.make('operator', s1, location, adjacent);
      }

      // Anything else is junk, shown as \xNN.
      return this.make('junk', '\\x' + c.toString(16).padStart(2, '0'), location, adjacent);
    }
  }
}
