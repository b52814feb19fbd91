/**
 * Printing pass-2 diagnostics exactly as stap does. Mirrors session.cxx `print_error`
 * (duplicate suppression keyed on `errsrc_chain()`), `build_error_msg(semantic_error)`,
 * `print_error_source` and `print_warning`, through the pass-1 Reporter so that the
 * session-wide state (file-name abbreviation of `print_token`, seen throw sites, seen warnings,
 * the suppression count) carries over from pass 1.
 *
 * A semantic error prints as
 *
 *     semantic error: MSG: TOKEN            (": TOKEN" only when the error has a token)
 *        thrown from: FILE.cxx:LINE         (only at -vv, when the site names a C++ line)
 *             source: LINE                  (indented 8)
 *                     caret
 *     	in expansion of macro: TOKEN         (+ source lines, for each macro level)
 *     TOKEN2                                (the second token, e.g. the declaration)
 *             source: …
 *     <empty line>
 *
 * and each error of its chain follows as its own block. The whole chain is printed or
 * suppressed together. Pure: the text goes into the Reporter's buffer.
 */
import type { Reporter } from '../passes/parse/report';
import { chainLines, sourceLines } from '../passes/parse/report';
import type { Pass2Diagnostic, SemanticError } from './model';

/** The `-p2` failure line (main.cxx `passes_0_4`). */
export const PASS2_FAILED = 'Pass 2: analysis failed.  [man error::pass2]\n';

/** A throw site that names a C++ source line (`elaborate.cxx:7610`): printed at `-vv` as stap does. */
const CXX_SITE = /^[\w-]+\.(cxx|h):\d+$/;

/** The errors of a chain, in print order (the error, then what `chain` links). */
export function errorChain(err: SemanticError): SemanticError[] {
  const out: SemanticError[] = [];
  for (let e: SemanticError | undefined = err; e && out.length < 100; e = e.chain) out.push(e);
  return out;
}

/** stap `errsrc_chain()`: the throw sites of the error and its chain, the duplicate-suppression key. */
export function errorKey(err: SemanticError): string {
  return errorChain(err)
    .map((e) => e.site)
    .join('\n');
}

/** One `semantic error:` block (session.cxx `build_error_msg`), tokens printed through `reporter`. */
export function formatSemanticError(err: SemanticError, reporter: Reporter, verbose: number): string {
  let out = `semantic error: ${err.message}`;
  if (err.tok) out += `: ${reporter.printToken(err.tok)}`;
  out += '\n';
  if (verbose > 1 && CXX_SITE.test(err.site)) out += `   thrown from: ${err.site}\n`;
  if (err.tok) out += sourceLines(err.tok, 8) + chainLines(err.tok, 8);
  if (err.tok2) out += `${reporter.printToken(err.tok2)}\n${sourceLines(err.tok2, 8)}${chainLines(err.tok2, 8)}`;
  return `${out}\n`;
}

/**
 * A `while resolving probe point` chained with a bare `no match` (derive.ts: a required location
 * derived nothing). Unlike every other error, stap prints it once per chain of throw sites even
 * under `-v` (and does not repeat its first block under `-vv`).
 */
const NO_MATCH_CHAIN = 'elaborate.cxx:1082\nelaborate.cxx:1045';

/** print_error's memory beyond the Reporter's: the chained errors' sites, the `-v` chain keys. */
interface PrintState {
  chainedSites: Set<string>;
  verboseKeys: Set<string>;
}

const printStates = new WeakMap<Reporter, PrintState>();

function printState(reporter: Reporter): PrintState {
  let s = printStates.get(reporter);
  if (!s) printStates.set(reporter, (s = { chainedSites: new Set(), verboseKeys: new Set() }));
  return s;
}

/**
 * Prints a semantic error and its chain (session.cxx `print_error`); returns whether it printed.
 * Without `-v` a chain whose throw sites were all seen together is suppressed (and counted);
 * with `-v` every error prints, but for the no-match chain. Then, below `-vv`, an error of the
 * chain (not its first) whose throw site some earlier chain already printed is left out: a
 * second `type mismatch` of a variable shows without its `type was first inferred here`.
 */
export function printSemanticError(err: SemanticError, reporter: Reporter, verbose: number): boolean {
  const key = errorKey(err);
  const state = printState(reporter);
  let printed = true;
  const shown = reporter.keyedError(key, () => {
    if (verbose === 1 && key === NO_MATCH_CHAIN) {
      if (state.verboseKeys.has(key)) {
        printed = false;
        return '';
      }
      state.verboseKeys.add(key);
    }
    const [head, ...chained] = errorChain(err);
    let out = formatSemanticError(head, reporter, verbose);
    for (const e of chained) {
      if (verbose > 1 || !state.chainedSites.has(e.site)) out += formatSemanticError(e, reporter, verbose);
      state.chainedSites.add(e.site);
    }
    return out;
  });
  return shown && printed;
}

/** Prints pass 2's errors, warnings and (at their verbosity) trace lines in the order they happened. */
export function printPass2Diagnostics(diagnostics: readonly Pass2Diagnostic[], reporter: Reporter, verbose: number): void {
  for (const d of diagnostics) {
    if (d.kind === 'error') {
      if (verbose >= (d.minVerbose ?? 0)) printSemanticError(d.error, reporter, verbose);
    }
    else if (d.kind === 'warning') reporter.warning({ message: d.warning.message, token: d.warning.tok });
    else if (verbose >= d.level) reporter.write(d.text);
  }
}

/** `WARNING: unused command line option $N/@N` for each script argument no user file read. */
export function printUnusedArguments(argCount: number, used: ReadonlySet<number>, reporter: Reporter): void {
  for (let i = 1; i <= argCount; i++) {
    if (!used.has(i)) reporter.warning({ message: `unused command line option $${i}/@${i}` });
  }
}
