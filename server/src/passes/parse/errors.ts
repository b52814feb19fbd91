/**
 * Parse errors as stap raises them (parse.cxx: `parse_error`; session.cxx: `print_error`,
 * `build_error_msg`). A ParseError carries the message, the token it is about, whether that
 * token is printed as `saw:` (an "expected X" error with no token of its own) or `at:` (an
 * error that carries its own token, and lexer junk), and the throw site that stap keys its
 * duplicate suppression on (util.h `ERR_SRC`): two errors from the same site are "similar".
 */
import type { Token } from './token';

export class ParseError extends Error {
  constructor(
    message: string,
    /** The token shown in the `saw:`/`at:` line; undefined at end of input. */
    readonly token: Token | undefined,
    /** A stable name of the place in our parser that mirrors the C++ throw site. */
    readonly site: string,
    /** `at:` (the error carries its own token) rather than `saw:`. */
    readonly ownToken = false,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

/** Where tokens come from: the lexer, or the macro and conditional passes over it. */
export interface TokenSource {
  /** The next token, or undefined at end of input. Throws ParseError. */
  next(): Token | undefined;
}
