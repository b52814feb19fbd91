/**
 * Printing pass-1 diagnostics exactly as stap does (session.cxx: `print_error`,
 * `build_error_msg` for `parse_error`, `print_error_source`, `print_warning`, `print_token`,
 * `report_suppression`; parse.cxx: the `N parse errors.` count in `parser::parse`).
 *
 * A {@link Reporter} holds the session-wide state stap keeps for this:
 * - errors are de-duplicated by throw site (`ParseError.site`, stap's `ERR_SRC`) unless `-v`;
 *   suppressed ones are counted and reported at exit (`Number of similar error messages
 *   suppressed: N.` + `Rerun with -v to see them.`);
 * - warnings are de-duplicated by their message (whatever the token) unless `-v`, counted for
 *   `Number of similar warning messages suppressed: N.`, and silenced by `-w`;
 * - a warning's token drops its file name when the previous warning token came from the same
 *   file (`identifier 'max' at :2:9`). Parse errors always print the file name and do not
 *   change that state. "Same file" is stap's `stapfile*` pointer equality, so a file whose
 *   parse failed (and was freed) shares its identity with the next file parsed: the driver
 *   tells the reporter with {@link Reporter.shareIdentity}.
 *
 * Output is collected as text; the caller writes it (as latin1 bytes) to stderr.
 */
import type { ParseError } from './errors';
import { formatToken, type SourceFile, type Token } from './token';

/** A pass-1 warning: a message and the token it is about (stap `print_warning(msg, tok)`). */
export interface Warning {
  message: string;
  token?: Token;
}

/** The source line `line` (1-based) of a file, without its newline. */
export function sourceLine(file: SourceFile, line: number): string | undefined {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const nl = file.text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  if (start > file.text.length) return undefined;
  const end = file.text.indexOf('\n', start);
  return file.text.slice(start, end < 0 ? undefined : end);
}

/**
 * `source: LINE` and the caret line under column `column` (session.cxx `print_error_source`):
 * the line is indented by `indent` spaces after `source: `, and the caret line copies the tabs
 * of the line before the column so the caret lines up.
 */
export function sourceLines(token: Token, indent: number): string {
  const line = sourceLine(token.location.file, token.location.line);
  if (line === undefined) return '';
  const pad = ' '.repeat(indent);
  const prefix = line.slice(0, Math.max(0, token.location.column - 1)).replace(/[^\t]/g, ' ');
  return `${pad}source: ${line}\n${pad}${' '.repeat('source: '.length)}${prefix}^\n`;
}

/** The `in expansion of macro:` lines for a token produced by macro expansion. */
export function chainLines(token: Token, indent: number): string {
  let out = '';
  for (let t = token.chain; t; t = t.chain) {
    out += `\tin expansion of macro: ${formatToken(t)}\n${sourceLines(t, indent)}`;
  }
  return out;
}

/**
 * One parse error block (session.cxx `build_error_msg(parse_error)`): `parse error: MSG`, then
 * `        saw: TOKEN` (or `         at: TOKEN` for errors that carry their own token), the source
 * line and caret, the macro-expansion chain, and an empty line. At end of input the token line
 * is `        saw: FILE EOF` and there is no source line.
 */
export function formatParseError(err: ParseError, file: SourceFile | undefined): string {
  let out = `parse error: ${err.message}\n`;
  const token = err.token;
  if (!token) {
    if (file) out += `        saw: ${file.name} EOF\n`;
    return `${out}\n`;
  }
  out += err.ownToken ? `         at: ${formatToken(token)}\n` : `        saw: ${formatToken(token)}\n`;
  out += sourceLines(token, 5);
  out += chainLines(token, 5);
  return `${out}\n`;
}

/** The parse error chained to `err` (stap `parse_error::chain`), if any. */
function chainedError(err: ParseError): ParseError | undefined {
  const chain = (err as ParseError & { chain?: unknown }).chain;
  return chain instanceof Error && 'site' in chain ? (chain as ParseError) : undefined;
}

/** `N parse error.` / `N parse errors.` (parse.cxx `parser::parse`). */
export function parseErrorCount(n: number): string {
  return `${n} parse error${n === 1 ? '' : 's'}.\n`;
}

export const PASS1_FAILED = 'Pass 1: parse failed.  [man error::pass1]\n';

export interface ReporterOptions {
  /** `-v` level: any level disables duplicate suppression. */
  verbose: number;
  /** `-w`. */
  suppressWarnings: boolean;
}

/** The session-wide diagnostic state and the stderr text produced so far. */
export class Reporter {
  private out = '';
  private readonly seenSites = new Set<string>();
  private readonly seenWarnings = new Set<string>();
  private suppressed = 0;
  private suppressedWarnings = 0;
  /** The file of the last token printed by `print_token` (warnings, semantic errors). */
  private lastTokenFile: unknown;
  /** Warnings printed (stap `seen_warnings`): under `-W` they fail the run. */
  warningCount = 0;
  private readonly identities = new Map<SourceFile, unknown>();
  /** Errors printed or suppressed (stap `num_errors`). */
  errorCount = 0;

  constructor(private readonly options: ReporterOptions) {}

  /** Text written so far. */
  get text(): string {
    return this.out;
  }

  /** Appends raw text (already formatted lines). */
  write(text: string): void {
    this.out += text;
  }

  /** Takes the text written so far and clears the buffer (for streaming output). */
  drain(): string {
    const t = this.out;
    this.out = '';
    return t;
  }

  /** `later` is, for file-name abbreviation, the same file as `earlier` (stap reuses freed memory). */
  shareIdentity(later: SourceFile, earlier: SourceFile): void {
    this.identities.set(later, this.identity(earlier));
  }

  private identity(file: SourceFile): unknown {
    return this.identities.get(file) ?? file;
  }

  /**
   * Prints a parse error unless one from the same site was printed before (and not `-v`).
   * `file` is the file being parsed, for the `saw: FILE EOF` line. Returns whether it printed.
   */
  parseError(err: ParseError, file: SourceFile | undefined): boolean {
    this.errorCount++;
    if (this.options.verbose === 0) {
      if (this.seenSites.has(err.site)) {
        this.suppressed++;
        return false;
      }
      this.seenSites.add(err.site);
    }
    this.out += formatParseError(err, file);
    // A chained explanation (stap `parse_error::chain`, e.g. `macro '@x' first defined here`)
    // prints as its own block right after, uncounted.
    for (let c = chainedError(err); c; c = chainedError(c)) this.out += formatParseError(c, file);
    return true;
  }

  /** A plain error line (`usage error: …`, `Input file 'X' is empty.`): counted, never suppressed. */
  errorLine(line: string): void {
    this.errorCount++;
    this.out += `${line}\n`;
  }

  /**
   * Prints a warning (session.cxx `print_warning`): `WARNING: MSG` or `WARNING: MSG: TOKEN` with
   * ` source:` and caret lines; nothing with `-w`; the same message only once unless `-v`.
   */
  warning(w: Warning): void {
    if (this.options.suppressWarnings) return;
    // Keyed on the message alone (not the token), and only without -v; a suppressed warning
    // prints nothing, so it does not move the print_token state either.
    if (this.options.verbose === 0) {
      if (this.seenWarnings.has(w.message)) {
        this.suppressedWarnings++;
        return;
      }
      this.seenWarnings.add(w.message);
    }
    let text = `WARNING: ${w.message}`;
    if (w.token) {
      text += `: ${this.printToken(w.token)}\n${sourceLines(w.token, 1)}${chainLines(w.token, 1)}`;
    } else {
      text += '\n';
    }
    this.warningCount++;
    this.out += text;
  }

  /**
   * A token as session.cxx `print_token` prints it in warnings and semantic errors: without the
   * file name when the previous token printed this way came from the same file. Updates that
   * state, so call it in print order.
   */
  printToken(token: Token): string {
    const id = this.identity(token.location.file);
    const text = formatToken(token, id !== this.lastTokenFile);
    this.lastTokenFile = id;
    return text;
  }

  /**
   * Prints an error block built by `render` (called only when printed, since rendering moves
   * the `print_token` state) unless an error with the same `key` (stap `errsrc_chain()`) was
   * printed before and not `-v`. Counts it either way; returns whether it printed.
   */
  keyedError(key: string, render: () => string): boolean {
    this.errorCount++;
    if (this.options.verbose === 0) {
      if (this.seenSites.has(key)) {
        this.suppressed++;
        return false;
      }
      this.seenSites.add(key);
    }
    this.out += render();
    return true;
  }

  /**
   * The exit-time lines (`report_suppression`): `Number of similar error messages suppressed: N.`,
   * `Number of similar warning messages suppressed: N.`, each when N > 0, then one
   * `Rerun with -v to see them.`.
   */
  reportSuppression(): void {
    if (this.suppressed > 0) this.out += `Number of similar error messages suppressed: ${this.suppressed}.\n`;
    if (this.suppressedWarnings > 0) this.out += `Number of similar warning messages suppressed: ${this.suppressedWarnings}.\n`;
    if (this.suppressed > 0 || this.suppressedWarnings > 0) this.out += 'Rerun with -v to see them.\n';
  }

  get suppressedCount(): number {
    return this.suppressed;
  }
}
