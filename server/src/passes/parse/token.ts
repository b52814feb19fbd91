/**
 * Tokens as stap's lexer makes them (parse.cxx: `struct token`, `lexer::scan`) and the source
 * files they come from. Passes 1 and 2 work on these, not on the tree-sitter tree: macros and
 * preprocessor conditionals are token-level in stap, and error messages name tokens.
 */

/** A source file: a script, a tapset file, `-e` text (`<input>`) or an `-E` script (`<input1>`…). */
export interface SourceFile {
  /** The name as stap prints it: the path exactly as given, or `<input>`. */
  name: string;
  text: string;
}

/** parse.cxx `token_type`, printed by `operator<<(ostream&, const token&)`. */
export type TokenType = 'identifier' | 'operator' | 'string' | 'number' | 'embedded-code' | 'keyword' | 'junk';

export interface Location {
  file: SourceFile;
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in bytes as stap does. */
  column: number;
}

export interface Token {
  type: TokenType;
  /**
   * The content as stap stores it: for strings the text between the quotes with escapes as
   * parse.cxx keeps them (`\n` stays two characters, `\"` becomes `"`); for embedded code the
   * text between `%{` and `%}`.
   */
  content: string;
  location: Location;
  /** For a token produced by a macro expansion: the token it was expanded from (stap `chain`). */
  chain?: Token;
  /** For junk tokens: the lexer's message (e.g. `Could not find matching closing quote`). */
  junkMessage?: string;
  /**
   * Set by the lexer when no whitespace or comment came before the token (stap's
   * `lexer::ate_whitespace` was false): the parser glues such tokens into probe-point globs.
   * Copies made by the macro pass never carry it (see lexer.ts `ateWhitespaceBefore`).
   */
  adjacent?: true;
  /** Set by the lexer when a comment came right before the token (`lexer::ate_comment`). */
  afterComment?: true;
  /**
   * `--assume-args` (stap-ls only): this `number` token `$N` or `string` token `@N` stands for a
   * script argument beyond those given, of unknown value; the field is the `junk` token the
   * lexer makes without the flag (`command line argument out of range`), which the places that
   * need the value (a preprocessor condition, a printf format, …) report as before.
   */
  unknownArg?: Token;
}

/**
 * A token as stap prints it in messages: `<kind> '<content>' at FILE:LINE:COL`, with the
 * content omitted for keywords and embedded code, and non-printable characters shown as `?`.
 * `fileShown` lets the caller drop the file name as session.cxx `print_token` does when the
 * previous printed token came from the same file.
 */
export function formatToken(token: Token, fileShown = true): string {
  const where = `${fileShown ? token.location.file.name : ''}:${token.location.line}:${token.location.column}`;
  if (token.type === 'keyword' || token.type === 'embedded-code') return `${token.type} at ${where}`;
  const content = [...token.content].map((c) => (c >= ' ' && c <= '~' ? c : '?')).join('');
  return `${token.type} '${content}' at ${where}`;
}
