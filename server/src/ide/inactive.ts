/**
 * Inactive preprocessor branches: the `%( COND %? THEN %: ELSE %)` branch the chosen target does
 * not take. The document is run once more through pass 1's own lexer, macro pass and
 * conditional pass (parse.cxx `parser::scan_pp` / `skip_pp`, here passes/parse/conditionals.ts)
 * with the analysis's session (kernel version, arch, runtime, `--compatible`, arguments) and
 * library macros, and the conditional pass reports each branch it skips (its `onSkip` hook), so
 * the answer is exactly the branch stap skips for this target, macros in conditions included.
 *
 * How the editor shows them (decided here, see the report): as `hint` diagnostics tagged
 * `unnecessary` (LSP `DiagnosticTag.Unnecessary`: VS Code fades the text, every client renders
 * it, no theme rule needed), code `inactive`, whose message names the condition; and, in
 * semantic tokens, the `inactive` modifier on every token inside such a branch (for clients and
 * themes that style it).
 *
 * Only branches whose markers are written in the document count: a conditional that a macro
 * expansion brings in (a `%(` in a `@define` body) is skipped or taken per expansion, not as text.
 * Plain data: positions are 0-based lines and byte columns of the document's bytes.
 */
import { ParseError } from '../passes/parse/errors';
import { Lexer } from '../passes/parse/lexer';
import { FatalError, Preprocessor, type MacroDefinition } from '../passes/parse/preprocess';
import type { SourceFile, Token } from '../passes/parse/token';
import type { Session } from '../session';

/** A place in the document's bytes: 0-based line, 0-based byte column. */
export interface BytePosition {
  line: number;
  byteColumn: number;
}

export interface InactiveBranch {
  /** The branch's text, trimmed of the white space next to its markers. */
  start: BytePosition;
  end: BytePosition;
  /** Which branch is not taken: the `%?` one (condition false) or the `%:` one (condition true). */
  branch: 'then' | 'else';
  /** The condition as written, white space collapsed (at most 80 characters). */
  condition: string;
}

export interface InactiveInput {
  path: string;
  /** The document as the passes read it (latin1 of UTF-8). */
  bytes: string;
  session: Session;
  libraryMacros: ReadonlyMap<string, MacroDefinition>;
}

/** At most this many tokens are read (a runaway macro cannot hang the editor). */
const TOKEN_LIMIT = 1_000_000;

/** The branches the target does not take, in document order. Never throws for user text. */
export function inactiveBranches(input: InactiveInput): InactiveBranch[] {
  const { bytes } = input;
  if (!bytes.includes('%(')) return [];
  const file: SourceFile = { name: input.path, text: bytes };
  const session = input.session;
  const lexer = new Lexer(file, { args: session.args, compatible: session.compatible, assumeArgs: session.assumeArgs === true });
  const skipped: { from: Token; to: Token | undefined; open: Token }[] = [];
  const pre = new Preprocessor(lexer, {
    session,
    libraryMacros: input.libraryMacros as Map<string, MacroDefinition>,
    file,
    onSkip: (from, to, open) => skipped.push({ from, to, open }),
  });
  for (let n = 0; n < TOKEN_LIMIT; n++) {
    try {
      if (pre.next() === undefined) break;
    } catch (e) {
      // The parser goes on after a preprocessor error, and so do we; a fatal one ends the file.
      if (e instanceof ParseError) continue;
      if (e instanceof FatalError) break;
      throw e;
    }
  }
  const starts = lineStarts(bytes);
  const own = (t: Token | undefined) => t === undefined || (t.location.file === file && t.chain === undefined);
  const out: InactiveBranch[] = [];
  const seen = new Set<number>();
  for (const { from, to, open } of skipped) {
    if (!own(from) || !own(to) || !own(open)) continue;
    let a = offsetOf(starts, from) + 2;
    let b = to ? offsetOf(starts, to) : bytes.length;
    if (seen.has(a)) continue;
    seen.add(a);
    while (a < b && /\s/.test(bytes[a])) a++;
    while (b > a && /\s/.test(bytes[b - 1])) b--;
    if (a >= b) continue;
    out.push({
      start: positionOf(starts, a),
      end: positionOf(starts, b),
      branch: from.content === '%?' ? 'then' : 'else',
      condition: conditionText(bytes, offsetOf(starts, open) + 2),
    });
  }
  return out.sort((x, y) => x.start.line - y.start.line || x.start.byteColumn - y.start.byteColumn);
}

/** The message of an inactive branch's diagnostic. */
export function inactiveMessage(b: InactiveBranch): string {
  return b.branch === 'then'
    ? `inactive branch: %( ${b.condition} %? is false for this target`
    : `inactive branch: %( ${b.condition} %? is true for this target, so its %: branch is skipped`;
}

function conditionText(bytes: string, from: number): string {
  const end = bytes.indexOf('%?', from);
  const raw = bytes.slice(from, end < 0 ? Math.min(bytes.length, from + 200) : end);
  const text = Buffer.from(raw.replace(/\s+/g, ' ').trim(), 'latin1').toString('utf8');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function lineStarts(bytes: string): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function offsetOf(starts: number[], t: Token): number {
  return starts[Math.min(t.location.line - 1, starts.length - 1)] + t.location.column - 1;
}

function positionOf(starts: number[], offset: number): BytePosition {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, byteColumn: offset - starts[lo] };
}
