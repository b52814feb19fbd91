/**
 * The pass-1 preprocessor: lexer tokens → macro pass (macros.ts, parse.cxx `scan_pp1`) →
 * conditional pass (conditionals.ts, parse.cxx `scan_pp`) → the parser. Also reads `.stpm`
 * library macro files (parse.cxx `parser::parse_library_macros`).
 *
 * Diagnostics:
 * - `next()` throws ParseError; the parser reports it and keeps calling `next()`, and the
 *   preprocessor's state afterwards is stap's. An error with no token (`token` undefined,
 *   `ownToken` false) is one stap prints with `saw:` and the parser's last token (or
 *   `saw: FILE EOF` when there is none).
 * - `macro '@x' first defined here` rides on a {@link ChainedParseError} (`chain`), printed as
 *   its own block after the first and not counted.
 * - {@link FatalError} (`bad lexical cast`, runaway macro recursion) is not a parse error:
 *   stap prints its message and exits 1.
 * - Warnings (`macro redefines built-in operator '@x'`) collect in `warnings` in order, for
 *   the driver to print with stap's warning format when they occur.
 */
import { ParseError, type TokenSource } from './errors';
import { ConditionalPass } from './conditionals';
import { ChainedParseError, MacroPass, type MacroDefinition, type PreprocessWarning } from './macros';
import type { SourceFile, Token } from './token';
import type { Session } from '../../session';

export { ChainedParseError, FatalError, builtinAtWords, type MacroDefinition, type PreprocessWarning } from './macros';
export { evalPpConditional } from './conditionals';

export interface PreprocessOptions {
  session: Session;
  /** Library macros from every .stpm in the search path (global to all files). */
  libraryMacros: ReadonlyMap<string, MacroDefinition>;
  /**
   * True while parsing a tapset .stp file. The preprocessor behaves the same for library and
   * user files (each file has its own macros, and sees only the library macros besides); the
   * flag is for the parser and driver, which treat tapset files differently.
   */
  library?: boolean;
  /** The file being preprocessed (owner of its `@define`s); defaults to each token's file. */
  file?: SourceFile;
  /** Editor hook: each skipped conditional branch (conditionals.ts `onSkip`). */
  onSkip?: (from: Token, to: Token | undefined, open: Token) => void;
}

/** Macro expansion and conditionals over one file's tokens, as stap's parser reads them. */
export class Preprocessor implements TokenSource {
  private readonly macros: MacroPass;
  private readonly conditionals: ConditionalPass;

  constructor(input: TokenSource, options: PreprocessOptions) {
    this.macros = new MacroPass(input, { session: options.session, libraryMacros: options.libraryMacros, file: options.file });
    this.conditionals = new ConditionalPass(this.macros, options.session);
    this.conditionals.onSkip = options.onSkip;
  }

  /** The next token for the parser, or undefined at end of file. Throws ParseError, FatalError. */
  next(): Token | undefined {
    return this.conditionals.next();
  }

  /** True once any token at all came from the input (for "empty after preprocessing"). */
  get sawInput(): boolean {
    return this.macros.sawInput;
  }

  /** Warnings so far, in the order stap prints them. */
  get warnings(): readonly PreprocessWarning[] {
    return this.macros.warnings;
  }

  /** Macros this file defined so far (stap `pp1_namespace`). */
  get fileMacros(): ReadonlyMap<string, MacroDefinition> {
    return this.macros.fileMacros;
  }

  /** The `systemtap_v` token of the last condition term that tested it (`--check-version`). */
  get systemtapVSeen(): Token | undefined {
    return this.conditionals.systemtapVSeen;
  }

  /** Forget the `systemtap_v` token (the parser does when a declaration has taken it). */
  clearSystemtapVSeen(): void {
    this.conditionals.systemtapVSeen = undefined;
  }
}

/**
 * Reads a .stpm file: only @define allowed. Adds its macros to `into` unless the file has errors.
 * On error nothing is added, and the driver prints the error and then
 * `macro tapset "F" has errors, and will be skipped.`. Only the first error is reported: a
 * token that survives preprocessing (`unexpected token in library macro file 'F'`), any parse
 * error of the preprocessor, or, once the file is read, the first (by name) macro already in
 * `into` (`duplicate definition of library macro '@x'`, chained to where it was first defined).
 * Mirrors parse.cxx `parser::parse_library_macros`.
 */
export function collectLibraryMacros(
  file: SourceFile,
  tokens: TokenSource,
  session: Session,
  into: Map<string, MacroDefinition>,
): { errors: ParseError[]; warnings: PreprocessWarning[] } {
  const pre = new Preprocessor(tokens, { session, libraryMacros: into, library: true, file });
  const result = (errors: ParseError[]) => ({ errors, warnings: [...pre.warnings] });
  try {
    const t = pre.next();
    if (t) return result([new ParseError(`unexpected token in library macro file '${file.name}'`, t, 'parse_library_macros:unexpected-token', true)]);
  } catch (e) {
    if (e instanceof ParseError) return result([e]);
    throw e;
  }
  // Check every macro before adding any: a file is taken whole or not at all.
  const names = [...pre.fileMacros.keys()].sort(compareBytes);
  for (const name of names) {
    const first = into.get(name);
    if (first) {
      const again = pre.fileMacros.get(name)!;
      return result([
        new ChainedParseError(
          `duplicate definition of library macro '@${name}'`,
          again.token,
          'parse_library_macros:duplicate',
          true,
          new ParseError(`macro '@${name}' first defined here`, first.token, 'parse_library_macros:first-defined', true),
        ),
      ]);
    }
  }
  for (const [name, decl] of pre.fileMacros) into.set(name, decl);
  return result([]);
}

/** std::string order (bytes; our strings hold one byte per code unit). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
