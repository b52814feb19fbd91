/**
 * The pass-1 driver: the part of stap's main.cxx `passes_0_4` that runs pass 1. It loads the
 * tapset library (shared, see tapsets/library.ts), replays the library's diagnostics, parses
 * the user script (a file, stdin or `-e`, printed as its name or `<input>`) and each `-E` script
 * (`<input1>`, `<input2>`, …), and decides whether pass 1 failed.
 *
 * What it prints to stderr, in stap's order: the library diagnostics (with `usage error: tapset
 * file 'F' cannot be run directly as a session script.` where the user's script turns up in the
 * library), each user file's errors and `N parse errors.`, `Input file 'X' is missing.` /
 * `… is empty.` / `… is empty after preprocessing.`, then with `-v` the `Pass 1: parsed user script
 * and N library scripts using …` line, then `Pass 1: parse failed.  [man error::pass1]` on failure.
 *
 * Pass 1 fails when a user file did not parse, a library `.stpm` had errors, the user's script is
 * a tapset file, or (under `-W`) a tapset `.stp` had errors or a warning came before pass 1.
 *
 * `--tapset-document` (stap-ls only, the editor's mode) has one rule: a user script that is one
 * of the library's files (the same identity stap compares for the usage error) is that tapset
 * being edited. It is parsed as the library parses it (`libraryParseOptions`: guru, the include
 * dir's compatibility; a `.stpm` for its macros), its errors reported as the user file's, and
 * the library's copy of it leaves the run: its replayed diagnostics and the library's file list
 * given to pass 2 (so the unsaved text is the only copy). No usage error.
 *
 * No IO: files come through `Pass1Io`, output goes to the Reporter and the returned result.
 */
import { summarizeStapFile } from '../ast/file-summary';
import { emptyStapFile, type StapFile } from '../ast/staptree';
import { printParseTreeDump } from '../dump/p1';
import type { Session } from '../session';
import {
  getLibrary,
  libraryParseOptions,
  type FrontendDiagnostic,
  type Library,
  type LibraryIo,
  type Pass1Frontend,
  type ParsedScript,
  type ParseOptions,
} from '../tapsets/library';
import type { ParseError, TokenSource } from './parse/errors';
import { Lexer } from './parse/lexer';
import { parse } from './parse/parser';
import { collectLibraryMacros, FatalError, Preprocessor, type MacroDefinition } from './parse/preprocess';
import { PASS1_FAILED, parseErrorCount, type Reporter, type Warning } from './parse/report';
import type { SourceFile, Token } from './parse/token';

/** The user's main script. */
export type UserScript =
  | { kind: 'file'; path: string }
  /** `-e SCRIPT` or stdin (`-`): both print as `<input>`. */
  | { kind: 'text'; text: string };

export interface Pass1Input {
  script: UserScript;
  /** `-E SCRIPT`, in order. */
  additional: readonly string[];
}

/** Resource figures for the `-v` line (stap reads them from /proc and getrusage). */
export interface Usage {
  virtKb: number;
  resKb: number;
  shrKb: number;
  dataKb: number;
  userMs: number;
  sysMs: number;
  realMs: number;
}

export interface Pass1Io extends LibraryIo {
  /** Resource use now; the driver reports the difference in time since pass 1 started. */
  usage?(): Usage;
  /**
   * The user's script file as this run sees it (the editor's unsaved text), when it differs
   * from `readFile`. The library always reads the files themselves (`readFile`): it is shared by
   * every run and cached, so one document's unsaved text never becomes another's tapset.
   */
  readScript?(path: string): string | Error;
}

export interface Pass1Result<F, M> {
  ok: boolean;
  /** The user files that parsed, in order (main script, then `-E` scripts). */
  userFiles: F[];
  /** stap's `library_files`: the `.stpm`s then the `.stp`s that parsed (parsed on first access when cached). */
  readonly libraryFiles: F[];
  library: Library<F, M>;
  /** The script arguments (1-based) that a `$N`/`@N` in a user file read (`session.used_args`). */
  usedArgs: ReadonlySet<number>;
}

/** The `-v` line: `Pass 1: parsed user script and N library scripts using …` (main.cxx). */
export function pass1VerboseLine(libraryCount: number, start: Usage, end: Usage): string {
  return (
    `Pass 1: parsed user script and ${libraryCount} library script${libraryCount === 1 ? '' : 's'} ` +
    `using ${end.virtKb}virt/${end.resKb}res/${end.shrKb}shr/${end.dataKb}data kb, ` +
    `in ${Math.round(end.userMs - start.userMs)}usr/${Math.round(end.sysMs - start.sysMs)}sys/` +
    `${Math.round(end.realMs - start.realMs)}real ms.\n`
  );
}

/** Runs pass 1 (main.cxx `passes_0_4` up to the end of pass 1). */
export function runPass1<F, M>(
  session: Session,
  input: Pass1Input,
  frontend: Pass1Frontend<F, M>,
  io: Pass1Io,
  reporter: Reporter,
  verbose = session.verbose,
): Pass1Result<F, M> {
  const start = io.usage?.();
  // Under -W a warning printed before pass 1 (a missing kernel symbol table) fails it, as stap's
  // error count includes the warnings; the user script is still parsed and reported.
  let ok = !(session.warningsAsErrors && reporter.warningCount > 0);
  const library = getLibrary(session, frontend, io);
  const userId = input.script.kind === 'file' ? io.stat(input.script.path) : undefined;
  const userKey = userId ? `${userId.dev}:${userId.ino}` : undefined;
  // --tapset-document: the library file the user's script is (see the module comment).
  const ownRef = session.tapsetDocument && userKey !== undefined ? library.refs.find((r) => r.id === userKey) : undefined;

  // Replay the library load through this run's reporter.
  let inOwn = false;
  let otherErrors = false;
  for (const ev of library.events) {
    // What the library printed about its copy of the tapset document is not replayed.
    if (inOwn && (ev.kind === 'error' || ev.kind === 'warning' || ev.kind === 'plain-warning' || ev.kind === 'text')) continue;
    switch (ev.kind) {
      case 'file':
        inOwn = ownRef !== undefined && ev.ref.id === ownRef.id;
        if (userKey !== undefined && ev.ref.id === userKey && !ownRef) {
          reporter.errorLine(`usage error: tapset file '${ev.ref.path}' cannot be run directly as a session script.`);
          ok = false;
        }
        break;
      case 'error':
        otherErrors = true;
        reporter.parseError(ev.error, ev.file);
        break;
      case 'warning':
        reporter.warning(ev.warning);
        break;
      case 'plain-warning':
        reporter.warning({ message: ev.message });
        break;
      case 'text':
        reporter.write(ev.text);
        break;
      case 'verbose':
        if (verbose >= ev.level) reporter.write(ev.text);
        break;
      case 'share':
        reporter.shareIdentity(ev.later, ev.earlier);
        break;
    }
  }
  // The library's errors, unless they were all its copy of the tapset document's.
  const libraryErrors = ownRef ? otherErrors : true;
  if (library.macroErrors && libraryErrors) ok = false;
  if (library.scriptErrors && session.warningsAsErrors && libraryErrors) ok = false;
  const runLibrary = ownRef ? withoutFile(library, ownRef.id) : library;

  // The user files.
  const userFiles: F[] = [];
  const usedArgs = new Set<number>();
  let previousFailed = library.trailingFailed;
  const parseUser = (source: SourceFile): boolean => {
    if (previousFailed) reporter.shareIdentity(source, previousFailed);
    const own = ownRef !== undefined && source === main;
    const options: ParseOptions = own
      ? libraryParseOptions(session, ownRef)
      : { privileged: session.guru, compatible: session.compatible, autoPath: false, library: false };
    // A `.stpm` being edited is read for its macros, into a table of its own (the library's stays as loaded).
    const parsed =
      own && ownRef.path.endsWith('.stpm')
        ? frontend.parseMacroFile(source, session, frontend.newMacroTable(), options)
        : frontend.parseScript(source, session, library.macros, options);
    for (const n of parsed.usedArgs ?? []) usedArgs.add(n);
    for (const d of parsed.diagnostics) {
      if (d.kind === 'error') reporter.parseError(d.error, source);
      else reporter.warning(d.warning);
    }
    if (parsed.empty) reporter.errorLine(`Input file '${source.name}' is ${parsed.empty}.`);
    else if (parsed.errorCount > 0) reporter.write(parseErrorCount(parsed.errorCount));
    if (parsed.stapfile === undefined || parsed.errorCount > 0 || parsed.empty) {
      previousFailed = source;
      return false;
    }
    previousFailed = undefined;
    userFiles.push(parsed.stapfile);
    return true;
  };

  let main: SourceFile | undefined;
  if (input.script.kind === 'file') {
    const text = (io.readScript ?? io.readFile)(input.script.path);
    if (text instanceof Error && text.message !== 'Is a directory') {
      reporter.errorLine(`Input file '${input.script.path}' is missing.`);
      ok = false;
    } else {
      main = { name: input.script.path, text: text instanceof Error ? '' : text };
    }
  } else {
    main = { name: '<input>', text: input.script.text };
  }
  if (main && !parseUser(main)) ok = false;
  input.additional.forEach((text, i) => {
    if (!parseUser({ name: `<input${i + 1}>`, text })) ok = false;
  });

  if (verbose > 0 && start && io.usage) reporter.write(pass1VerboseLine(runLibrary.files.length, start, io.usage()));
  if (!ok) reporter.write(PASS1_FAILED);
  let libraryFiles: F[] | undefined;
  return {
    ok,
    userFiles,
    // Lazy: a library restored from the persistent cache parses a file when its tree is asked for.
    get libraryFiles() {
      return (libraryFiles ??= runLibrary.files.map((f) => f.stapfile));
    },
    library: runLibrary,
    usedArgs,
  };
}

const withoutFiles = new WeakMap<Library<unknown, unknown>, Map<string, Library<unknown, unknown>>>();

/**
 * The library without the file of identity `id` (the tapset document's copy), made once per
 * library and file, so that what is indexed per library (ide/workspace-index.ts) stays shared.
 */
function withoutFile<F, M>(library: Library<F, M>, id: string): Library<F, M> {
  let byId = withoutFiles.get(library as Library<unknown, unknown>);
  if (!byId) withoutFiles.set(library as Library<unknown, unknown>, (byId = new Map()));
  let lib = byId.get(id);
  if (!lib) byId.set(id, (lib = { ...library, files: library.files.filter((f) => f.ref.id !== id) } as Library<unknown, unknown>));
  return lib as Library<F, M>;
}

/** The passes pass 1 runs and the printer of its dump. */
export interface Pass1Wiring<F, M> {
  frontend: Pass1Frontend<F, M>;
  /** stap -p1's stdout: `# parse tree dump`, the user files, and with `-v` the library. */
  printDump(userFiles: F[], libraryFiles: F[], verbose: boolean): string;
}

/**
 * An error that ends stap at once with its message and status 1, outside the parse-error
 * machinery (`bad lexical cast`, runaway macro recursion). The driver stops; the CLI prints it.
 */
export class Pass1Abort extends Error {
  constructor(readonly text: string) {
    super(text);
  }
}

/**
 * A token source that numbers the reads, so that diagnostics collected in separate lists
 * (parser errors, preprocessor and lexer warnings) can be put back in the order stap printed
 * them: a warning raised while token N was being read comes before an error about token N; an
 * error thrown by the preprocessor happens during the read that threw it. Tokens are only
 * remembered once a warning has occurred (`track`): before that, every error precedes every
 * warning anyway, and remembering each token of the tapset library would cost a WeakMap entry
 * per token.
 */
class CountingSource implements TokenSource {
  reads = 0;
  track = false;
  readonly readOf = new Map<Token, number>();
  readonly thrownAt = new Map<unknown, number>();
  constructor(private readonly inner: TokenSource) {}
  next(): Token | undefined {
    this.reads++;
    try {
      const t = this.inner.next();
      if (t && this.track) this.readOf.set(t, this.reads);
      return t;
    } catch (e) {
      this.thrownAt.set(e, this.reads);
      throw e;
    }
  }
}

/** Orders errors and warnings by when they happened (see {@link CountingSource}). */
function interleave(
  errors: readonly ParseError[],
  warnings: readonly { warning: Warning; at: number }[],
  source: CountingSource,
): FrontendDiagnostic[] {
  const timed: { at: number; order: number; d: FrontendDiagnostic }[] = [];
  errors.forEach((error, i) => {
    const at =
      source.thrownAt.get(error) ??
      (error.token ? (source.readOf.get(error.token) ?? (source.track ? 0 : undefined)) : undefined) ??
      Number.MAX_SAFE_INTEGER;
    timed.push({ at, order: 2 * i + 1, d: { kind: 'error', error } });
  });
  warnings.forEach((w, i) => timed.push({ at: w.at, order: 2 * i, d: { kind: 'warning', warning: w.warning } }));
  // Stable by time; at equal times a warning (raised while reading) precedes the error.
  return timed
    .map((t, i) => ({ ...t, i }))
    .sort((a, b) => a.at - b.at || (a.d.kind === b.d.kind ? a.i - b.i : a.d.kind === 'warning' ? -1 : 1))
    .map((t) => t.d);
}

/** Runs lexer → preprocessor → parser over one file (parse.cxx `parser::parse` and its callers). */
function parseWithPasses(
  file: SourceFile,
  session: Session,
  macros: Map<string, MacroDefinition>,
  options: ParseOptions,
): ParsedScript<StapFile> {
  const warnings: { warning: Warning; at: number }[] = [];
  // pf_no_compatible: the lexer and parser of include dir 0 apply the current version; the
  // conditionals (`systemtap_v`) still see --compatible.
  const parserSession = options.compatible === session.compatible ? session : { ...session, compatible: options.compatible };
  let source: CountingSource | undefined;
  // main.cxx counts only the user scripts' `$N`/`@N` as uses (argv.stp's `@1` does not count).
  const usedArgs = options.library ? undefined : new Set<number>();
  const lexer = new Lexer(file, {
    args: session.args,
    compatible: options.compatible,
    argUsed: usedArgs && ((n) => usedArgs.add(n)),
    // --assume-args: the user's scripts only (the tapsets test `$#` before they read an `@N`).
    assumeArgs: !options.library && session.assumeArgs === true,
    warn: (message, token) => {
      warnings.push({ warning: { message, token }, at: source?.reads ?? 0 });
      if (source) source.track = true;
    },
  });
  const pre = new Preprocessor(lexer, { session, libraryMacros: macros, library: options.library, file });
  let seenWarnings = 0;
  const collectPreWarnings = () => {
    for (; seenWarnings < pre.warnings.length; seenWarnings++) {
      warnings.push({ warning: pre.warnings[seenWarnings], at: source?.reads ?? 0 });
      if (source) source.track = true;
    }
  };
  source = new CountingSource({
    next: () => {
      try {
        return pre.next();
      } finally {
        collectPreWarnings();
      }
    },
  });
  let result: ReturnType<typeof parse>;
  try {
    result = parse(file, source, { session: parserSession, privileged: options.privileged, library: options.library });
  } catch (e) {
    if (e instanceof FatalError) throw new Pass1Abort(`${e.message}\n`);
    throw e;
  }
  collectPreWarnings();
  const diagnostics = interleave(result.errors, warnings, source);
  if (result.emptyMessage !== undefined) {
    if (options.library && result.errors.length === 0) {
      // An empty tapset file is kept as an empty file, without a message.
      return { stapfile: emptyStapFile(file, options.privileged), diagnostics, errorCount: 0, usedArgs };
    }
    // stap prints the errors, then the "empty" line instead of `N parse errors.`.
    return {
      diagnostics,
      errorCount: result.errors.length,
      usedArgs,
      empty: result.emptyMessage.endsWith('after preprocessing.') ? 'empty after preprocessing' : 'empty',
    };
  }
  return { stapfile: result.stapfile, diagnostics, errorCount: result.errors.length, usedArgs };
}

/** Lexer → macro pass → conditional pass → parser, and the -p1 printer (stap's pass 1). */
export const stapFrontend: Pass1Frontend<StapFile, Map<string, MacroDefinition>> = {
  newMacroTable: () => new Map(),
  parseMacroFile(file, session, macros, options) {
    const lexer = new Lexer(file, { args: session.args, compatible: options.compatible });
    let out: ReturnType<typeof collectLibraryMacros>;
    try {
      out = collectLibraryMacros(file, lexer, session, macros);
    } catch (e) {
      if (e instanceof FatalError) throw new Pass1Abort(`${e.message}\n`);
      throw e;
    }
    const diagnostics: FrontendDiagnostic[] = [
      ...out.warnings.map((warning): FrontendDiagnostic => ({ kind: 'warning', warning })),
      ...out.errors.map((error): FrontendDiagnostic => ({ kind: 'error', error })),
    ];
    if (out.errors.length) return { diagnostics, errorCount: out.errors.length };
    return { stapfile: emptyStapFile(file, true), diagnostics, errorCount: 0 };
  },
  parseScript: parseWithPasses,
  codec: {
    saveMacros: (macros, sources) =>
      [...macros.values()].map((m) => ({
        name: m.name,
        params: m.params,
        file: sources.indexOf(m.file),
        token: sources.encode(m.token),
        body: m.body.map((t) => sources.encode(t)),
      })),
    restoreMacros(data, sources) {
      const macros = new Map<string, MacroDefinition>();
      for (const m of data as { name: string; params: string[]; file: number; token: never; body: never[] }[]) {
        macros.set(m.name, {
          name: m.name,
          params: m.params,
          file: sources.file(m.file),
          token: sources.decode(m.token),
          body: m.body.map((t) => sources.decode(t)),
        });
      }
      return macros;
    },
    printLibrary: (files) => printParseTreeDump([], files, true).slice(PARSE_TREE_HEADER.length),
    summarize: summarizeStapFile,
    emptyFile: (source) => emptyStapFile(source, true),
  },
};

/** What printParseTreeDump prints before the library part when there are no user files. */
const PARSE_TREE_HEADER = printParseTreeDump([], [], false);

let wiring: Pass1Wiring<StapFile, Map<string, MacroDefinition>> | undefined;

/** The real pass 1: {@link stapFrontend} and the `-p1` printer. */
export function stapWiring(): Pass1Wiring<StapFile, Map<string, MacroDefinition>> {
  wiring ??= { frontend: stapFrontend, printDump: printParseTreeDump };
  return wiring;
}
