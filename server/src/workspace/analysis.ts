/**
 * One analysis of one document: what the editor shows is what `stap-ls` prints, so the
 * document is run through the very command line of the CLI (cli.ts `runCli`), in the editor's
 * mode: `-p2 --keep-going --assume-debuginfo --assume-args --tapset-document` with the settings'
 * options, the document's unsaved text served in place of its file. The run's session, parsed file and
 * elaboration are kept for the IDE features; its errors and warnings become diagnostics with
 * positions in the document.
 *
 * Plain data only (offsets, strings); the LSP layer converts. No stap routine is mirrored here
 * beyond the CLI's: this is the editor's view of `passes_0_4`.
 */
import type { FunctionCall, FunctionDecl, Probe, ProbeAlias, ProbePoint, Statement, StapFile } from '../ast/staptree';
import { walk } from '../ast/walk';
import { nodeCliIo, runCli, type CliIo } from '../cli';
import type { Elaboration, SemanticError } from '../elaborate/model';
import type { ParseError } from '../passes/parse/errors';
import { Reporter, type ReporterOptions, type Warning } from '../passes/parse/report';
import type { SourceFile, Token } from '../passes/parse/token';
import { stapWiring, type Pass1Result } from '../passes/pass1';
import type { MacroDefinition } from '../passes/parse/preprocess';
import type { Session } from '../session';
import { fnmatch } from '../util/fnmatch';
import { inactiveBranches, inactiveMessage } from '../ide/inactive';
import { settingsArgv, type Settings } from './settings';

/** A position in a document: 0-based line, UTF-16 column (as LSP counts). */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface RelatedLocation {
  path: string;
  range: Range;
  message: string;
}

export interface Diagnostic {
  range: Range;
  /** `hint`: an inactive preprocessor branch (ide/inactive.ts), tagged `unnecessary`. */
  severity: 'error' | 'warning' | 'hint';
  /** Stable per kind: `parse` / `parse-warning` / `semantic:<stap throw site>` / `warning` / `setup`. */
  code: string;
  /** stap's man page for the kind (`error::pass1`, `error::pass2`, `warning::symbols`…); '' for none. */
  manPage: string;
  /** LSP diagnostic tags: `unnecessary` fades the range (inactive branches). */
  tags?: 'unnecessary'[];
  message: string;
  /** Where the error really is when it is not in this document (a tapset line, a macro body). */
  related: RelatedLocation[];
}

export interface Analysis {
  path: string;
  version: number;
  /** The document text as the passes read it: its UTF-8 bytes, one char per byte. */
  bytes: string;
  settings: Settings;
  session?: Session;
  pass1?: Pass1Result<StapFile, unknown>;
  /** The document's parsed file (undefined when pass 1 failed before it). */
  file?: StapFile;
  elaboration?: Elaboration;
  diagnostics: Diagnostic[];
}

/**
 * The editor's options on top of the settings: every error, no debuginfo, unknown arguments,
 * and a tapset file opened as a document analysed as that tapset (pass1.ts `--tapset-document`).
 */
export const EDITOR_FLAGS = ['--keep-going', '--assume-debuginfo', '--assume-args', '--tapset-document'];

/** A document's text as the passes read files: latin1 of its UTF-8 bytes. */
export function toBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/**
 * The CLI's io with the user's script `path` served from `bytes` (the unsaved document). Only
 * the script read (pass1.ts `Pass1Io.readScript`): the shared, cached tapset library reads the
 * files on disk, so a tapset document's unsaved text is the run's user file and never the
 * library's copy (which `--tapset-document` leaves out of the run).
 */
export function overlayIo(path: string, bytes: string, base: CliIo = nodeCliIo()): CliIo {
  const files = base.files;
  return {
    ...base,
    files: {
      ...files,
      readScript: (p: string) => (p === path ? bytes : (files.readScript ?? files.readFile)(p)),
    },
  };
}

/** Records, besides printing, what pass 1 and the driver report (pass 2 comes structured). */
class RecordingReporter extends Reporter {
  readonly parseErrors: { error: ParseError; file?: SourceFile }[] = [];
  readonly warnings: Warning[] = [];
  readonly lines: string[] = [];
  /** All three in the order they were reported (stap prints pass-1 warnings and errors interleaved). */
  readonly events: ({ kind: 'error'; error: ParseError } | { kind: 'warning'; warning: Warning } | { kind: 'line'; line: string })[] = [];

  constructor(options: ReporterOptions) {
    super(options);
  }

  override parseError(err: ParseError, file: SourceFile | undefined): boolean {
    this.parseErrors.push({ error: err, file });
    this.events.push({ kind: 'error', error: err });
    return super.parseError(err, file);
  }

  override warning(w: Warning): void {
    this.warnings.push(w);
    this.events.push({ kind: 'warning', warning: w });
    super.warning(w);
  }

  override errorLine(line: string): void {
    this.lines.push(line);
    this.events.push({ kind: 'line', line });
    super.errorLine(line);
  }
}

/** Runs the analysis of one document. Never throws for anything a user can type. */
export function analyzeDocument(
  doc: { path: string; text: string; version: number },
  settings: Settings,
  io: CliIo = nodeCliIo(),
): Analysis {
  const bytes = toBytes(doc.text);
  const argv = ['-p2', ...EDITOR_FLAGS, ...settingsArgv(settings), doc.path, ...settings.scriptArguments];
  let reporter: RecordingReporter | undefined;
  const analysis: Analysis = { path: doc.path, version: doc.version, bytes, settings, diagnostics: [] };
  const out = runCli(argv, overlayIo(doc.path, bytes, io), stapWiring, 'stap-ls', {
    analysisOnly: true,
    reporter: (options) => (reporter = new RecordingReporter(options)),
    done: (run) => {
      analysis.session = run.session;
      analysis.pass1 = run.pass1 as Pass1Result<StapFile, unknown>;
      analysis.file = run.pass1.userFiles[0];
      analysis.elaboration = run.elaboration;
    },
  });
  const lines = new LineIndex(bytes);
  const diagnostics = analysis.diagnostics;
  if (reporter) {
    // Pass 2's warnings are printed through the reporter too; they are taken from pass 2 below.
    const pass2Warnings = new Set(
      (analysis.elaboration?.diagnostics ?? []).flatMap((d) => (d.kind === 'warning' ? [`${d.warning.message}\0${d.warning.tok ? tokenKey(d.warning.tok) : ''}`] : [])),
    );
    for (const e of reporter.events) {
      if (e.kind === 'error') {
        diagnostics.push(locate(doc.path, lines, [e.error.token], 'error', 'parse', 'error::pass1', e.error.message));
      } else if (e.kind === 'warning') {
        const w = e.warning;
        if (pass2Warnings.has(`${w.message}\0${w.token ? tokenKey(w.token) : ''}`)) continue;
        diagnostics.push(locate(doc.path, lines, [w.token], 'warning', 'parse-warning', manPageOf(w.message, 'warning::pass1'), w.message));
      } else {
        diagnostics.push(setupDiagnostic(e.line));
      }
    }
  }
  const sites = analysis.file ? new UserSites(analysis.file, analysis.elaboration) : undefined;
  for (const d of analysis.elaboration?.diagnostics ?? []) {
    // Errors stap prints only under -v (a trailing `resolution failed in alias expansion builder`)
    // are not stap's at the editor's verbosity (none).
    if (d.kind === 'error' && !d.minVerbose) {
      diagnostics.push(semanticDiagnostic(doc.path, lines, d.error, sites));
    } else if (d.kind === 'warning') {
      diagnostics.push(
        locate(doc.path, lines, [d.warning.tok], 'warning', 'warning', manPageOf(d.warning.message, 'warning::pass2'), d.warning.message, sites),
      );
    }
  }
  // The branches of `%( %)` this target does not take, faded (ide/inactive.ts).
  if (analysis.session && analysis.pass1) {
    const macros = analysis.pass1.library.macros as Map<string, MacroDefinition>;
    for (const b of inactiveBranches({ path: doc.path, bytes, session: analysis.session, libraryMacros: macros })) {
      const range = { start: lines.position(b.start.line, b.start.byteColumn), end: lines.position(b.end.line, b.end.byteColumn) };
      diagnostics.push({ range, severity: 'hint', code: 'inactive', manPage: '', message: inactiveMessage(b), related: [], tags: ['unnecessary'] });
    }
  }
  // A run that stopped before pass 1 (no kernel build tree, a bad option): say why, once.
  if (!analysis.pass1 && out.status !== 0 && diagnostics.length === 0) {
    const first = out.stderr.split('\n').find((l) => l.trim() !== '') ?? 'stap-ls could not analyse this file';
    diagnostics.push(setupDiagnostic(first));
  }
  return analysis;
}

function tokenKey(t: Token): string {
  return `${t.location.file.name}:${t.location.line}:${t.location.column}`;
}

function setupDiagnostic(message: string): Diagnostic {
  const start = { line: 0, character: 0 };
  return { range: { start, end: start }, severity: 'error', code: 'setup', manPage: 'error::pass1', message, related: [] };
}

/** `[man warning::symbols]` and the like at the end of a message name its man page. */
function manPageOf(message: string, fallback: string): string {
  const m = /\[man ([\w:]+)\]/.exec(message);
  return m ? m[1] : fallback;
}

/** A semantic error: its message with the chained explanations, at the first token in this document. */
function semanticDiagnostic(path: string, lines: LineIndex, err: SemanticError, sites?: UserSites): Diagnostic {
  const messages: string[] = [];
  const tokens: Token[] = [];
  for (let e: SemanticError | undefined = err; e; e = e.chain) {
    messages.push(e.message);
    if (e.tok) tokens.push(e.tok);
    if (e.tok2) tokens.push(e.tok2);
  }
  return locate(path, lines, tokens, 'error', `semantic:${err.site}`, 'error::pass2', messages.join('; '), sites);
}

/**
 * The diagnostic at the first of `tokens` (or the macro invocations they came from) that lies
 * in this document; the places outside it become related locations. When none lies in the
 * document (an error inside a tapset), it goes to the user's site that brought the tapset code
 * in ({@link UserSites}: the call of the tapset function, the probe point that expands the
 * alias), with the tapset location as related information. Without any, line 1.
 */
function locate(
  path: string,
  lines: LineIndex,
  maybeTokens: readonly (Token | undefined)[],
  severity: Diagnostic['severity'],
  code: string,
  manPage: string,
  message: string,
  sites?: UserSites,
): Diagnostic {
  const tokens = maybeTokens.filter((t): t is Token => t !== undefined);
  const related: RelatedLocation[] = [];
  const seen = new Set<string>();
  let at: Range | undefined;
  const summary = message.split('; ')[0];
  for (const tok of tokens) {
    for (let t: Token | undefined = tok; t; t = t.chain) {
      if (t.location.file.name === path) {
        at ??= tokenRange(lines, t);
      } else {
        const key = tokenKey(t);
        if (seen.has(key)) continue;
        seen.add(key);
        related.push({ path: t.location.file.name, range: tokenRange(linesOf(t.location.file), t), message: summary });
      }
    }
  }
  if (!at && sites) {
    for (const tok of tokens) {
      const site = sites.siteOf(tok);
      if (site) {
        at = tokenRange(lines, site.token);
        // The tapset place of the error first, saying how the document reaches it.
        const where: RelatedLocation = { path: tok.location.file.name, range: tokenRange(linesOf(tok.location.file), tok), message: `${summary} (${site.why})` };
        const rest = related.filter((r) => !sameRange(r, where));
        related.splice(0, related.length, where, ...rest);
        break;
      }
    }
  }
  const zero = { line: 0, character: 0 };
  return { range: at ?? { start: zero, end: zero }, severity, code, manPage, message, related };
}

function sameRange(a: RelatedLocation, b: RelatedLocation): boolean {
  return a.path === b.path && a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character;
}

/** A declaration of a pulled-in file that code can sit in: a function, an alias or a probe. */
type Owner = { kind: 'function'; decl: FunctionDecl } | { kind: 'alias'; decl: ProbeAlias } | { kind: 'probe'; decl: Probe };

/**
 * Where tapset code reached from the document is reached from: for a token in a tapset file,
 * the place in the document that brought it in. The token's owner (the function, alias or probe
 * of its file that starts last before it) is followed back: a function to its calls, an alias
 * to the probe points that expand it, through tapset callers and aliases (breadth first, a few
 * levels), until a call or probe point written in the document. Built lazily, once per analysis.
 */
class UserSites {
  private readonly files: StapFile[];

  constructor(
    private readonly user: StapFile,
    private readonly elaboration: Elaboration | undefined,
  ) {
    this.files = elaboration?.files ?? [user];
  }

  /** The parsed file `source` is, among the pulled-in ones or else the library (already parsed: the token came from it). */
  private fileOf(source: SourceFile): StapFile | undefined {
    const pulled = this.files.find((f) => f.file === source);
    if (pulled) return pulled;
    const view = this.elaboration?.library.find((v) => v.source === source);
    return view?.parsed ? view.stapfile : undefined;
  }

  siteOf(tok: Token): { token: Token; why: string } | undefined {
    let owner = this.ownerOf(tok);
    if (!owner) return undefined;
    const first = owner;
    const seen = new Set<unknown>();
    let frontier: Owner[] = [owner];
    for (let depth = 0; depth < 8 && frontier.length > 0; depth++) {
      const next: Owner[] = [];
      for (owner of frontier) {
        if (seen.has(owner.decl)) continue;
        seen.add(owner.decl);
        const direct = this.usesIn(this.user, owner);
        if (direct.length > 0) return { token: direct[0], why: describeOwner(first) };
        for (const f of this.files) if (f !== this.user) next.push(...this.usersIn(f, owner));
      }
      frontier = next;
    }
    return undefined;
  }

  /** The function, alias or probe of a pulled-in file that `tok` lies in. */
  private ownerOf(tok: Token): Owner | undefined {
    const file = this.fileOf(tok.location.file);
    if (!file) return undefined;
    const candidates: Owner[] = [
      ...file.functions.map((decl): Owner => ({ kind: 'function', decl })),
      ...file.aliases.map((decl): Owner => ({ kind: 'alias', decl })),
      ...file.probes.map((decl): Owner => ({ kind: 'probe', decl })),
    ];
    let best: Owner | undefined;
    for (const c of candidates) {
      if (before(c.decl.tok, tok) && (!best || before(best.decl.tok, c.decl.tok))) best = c;
    }
    return best;
  }

  /** The tokens in `file` that use `owner` directly: calls of the function, points expanding the alias. */
  private usesIn(file: StapFile, owner: Owner): Token[] {
    const out: Token[] = [];
    if (owner.kind === 'function') {
      const name = owner.decl.unmangledName;
      const scan = (body: Statement | undefined) => {
        if (body) walk(body, (n) => void (n.kind === 'functioncall' && (n as FunctionCall).function === name && out.push(n.tok)));
      };
      for (const p of file.probes) scan(p.body);
      for (const a of file.aliases) {
        scan(a.body);
        scan(a.body2);
      }
      for (const f of file.functions) if (f.body.kind === 'block') scan(f.body);
    } else if (owner.kind === 'alias') {
      const points = [...file.probes.flatMap((p) => p.locations), ...file.aliases.flatMap((a) => a.locations)];
      for (const pp of points) if (owner.decl.aliasNames.some((name) => expands(pp, name))) out.push(pp.components[0]?.tok ?? pp.tok);
    }
    return out.sort((a, b) => (before(a, b) ? -1 : 1));
  }

  /** The owners in `file` that use `owner`: functions and aliases calling it, aliases expanding it. */
  private usersIn(file: StapFile, owner: Owner): Owner[] {
    const users: Owner[] = [];
    const uses = new Set(this.usesIn(file, owner));
    if (uses.size === 0) return users;
    const ownerOfUse = (t: Token) => this.ownerOf(t);
    for (const t of uses) {
      const o = ownerOfUse(t);
      if (o && o.kind !== 'probe') users.push(o);
    }
    return users;
  }
}

function describeOwner(owner: Owner): string {
  return owner.kind === 'function' ? `in function ${owner.decl.unmangledName}, called here` : owner.kind === 'alias' ? 'in the probe alias this probe point expands' : 'in a tapset probe';
}

/** Whether probe point `pp` names the alias `name` (each alias component matched by the point's, as a pattern). */
function expands(pp: ProbePoint, name: ProbePoint): boolean {
  if (pp.components.length < name.components.length) return false;
  return name.components.every((c, i) => fnmatch(pp.components[i].functor, c.functor));
}

/** Whether `a` starts at or before `b` (same file assumed). */
function before(a: Token, b: Token): boolean {
  return a.location.line < b.location.line || (a.location.line === b.location.line && a.location.column <= b.location.column);
}

const lineIndexes = new WeakMap<SourceFile, LineIndex>();

/** The line index of a source file (a tapset's, for related locations), made once per file. */
export function linesOf(source: SourceFile): LineIndex {
  let l = lineIndexes.get(source);
  if (!l) lineIndexes.set(source, (l = new LineIndex(source.text)));
  return l;
}

/** The range a token covers, from its 1-based line and byte column. */
export function tokenRange(lines: LineIndex, tok: Token): Range {
  const line = tok.location.line - 1;
  const byteStart = tok.location.column - 1;
  const width = tok.type === 'string' ? tok.content.length + 2 : Math.max(tok.content.length, 1);
  return { start: lines.position(line, byteStart), end: lines.position(line, byteStart + width) };
}

/** Byte lines of a text (latin1 of UTF-8), and byte columns to UTF-16 characters. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly bytes: string) {
    for (let i = 0; i < bytes.length; i++) if (bytes.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The position of byte column `byteColumn` (0-based) of line `line` (0-based), clamped. */
  position(line: number, byteColumn: number): Position {
    const l = Math.max(0, Math.min(line, this.starts.length - 1));
    const start = this.starts[l];
    const end = l + 1 < this.starts.length ? this.starts[l + 1] - 1 : this.bytes.length;
    const stop = Math.max(start, Math.min(start + byteColumn, end));
    const character = Buffer.from(this.bytes.slice(start, stop), 'latin1').toString('utf8').length;
    return { line: l, character };
  }

  /** The byte offset of an LSP position. */
  offset(pos: Position): number {
    const l = Math.max(0, Math.min(pos.line, this.starts.length - 1));
    const start = this.starts[l];
    const end = l + 1 < this.starts.length ? this.starts[l + 1] - 1 : this.bytes.length;
    const lineText = Buffer.from(this.bytes.slice(start, end), 'latin1').toString('utf8');
    const prefix = lineText.slice(0, Math.max(0, pos.character));
    return start + Math.min(Buffer.byteLength(prefix, 'utf8'), end - start);
  }
}
