/**
 * The tapset library: every `.stpm` and `.stp` file on the search path, parsed once and shared.
 * Mirrors the library half of stap's pass 1 (main.cxx `passes_0_4`: the `.stpm` round through
 * `parse_library_macros`, then each tapset `.stp` through `parse` with `pf_guru |
 * pf_squash_errors`, `pf_no_compatible` for include dir 0 and `pf_auto_path` below `PATH`).
 *
 * - A `.stpm` with an error is skipped with `WARNING: macro tapset "F" has errors, and will be
 *   skipped.`, and its errors make pass 1 fail (they go through `print_error`).
 * - A `.stp` with errors prints them and `N parse errors.`, and is skipped with
 *   `WARNING: tapset "F" has errors, and will be skipped` (no full stop); pass 1 only fails for
 *   it under `-W`.
 * - `library_files` (the `-v` dump and the `N library scripts` count) holds the files that
 *   parsed: the `.stpm`s first, then the `.stp`s, in search order.
 *
 * Loading is keyed by everything the result depends on (search path, release, arch, runtime,
 * kernel config, `--compatible`, privilege, guru mode) and cached, so a session that only edits
 * its script never re-parses tapsets. Diagnostics are recorded as an event log that each run
 * replays through its own Reporter, because duplicate suppression and `-w` are per run.
 *
 * File access goes through {@link LibraryIo}; the passes it calls do no IO.
 */
import type { ParseError } from '../passes/parse/errors';
import type { Warning } from '../passes/parse/report';
import type { SourceFile } from '../passes/parse/token';
import type { Session } from '../session';
import { STAP_VERSION } from '../session';
import { libraryFingerprint, SourceTable, type LibraryStore } from './library-cache';
import { discoverLibrary, type DiscoveryResult, type LibraryFileRef, type SearchedDir, type TapsetFs } from './search-path';

/** What the library needs from the file system. `readFile` reads latin1 text. */
export interface LibraryIo extends TapsetFs {
  readFile(path: string): string | Error;
  /** A persistent cache of clean library loads (library-cache.ts); none: always parse. */
  libraryStore?: LibraryStore;
}

/** One diagnostic of a parse, in the order it was printed. */
export type FrontendDiagnostic = { kind: 'error'; error: ParseError } | { kind: 'warning'; warning: Warning };

export interface ParseOptions {
  /** Parse as privileged (`-g`, or any tapset file: `pf_guru`). */
  privileged: boolean;
  /** The `--compatible` version the lexer and parser apply (`pf_no_compatible` gives the current one). */
  compatible: string;
  /** Found below a tapset `PATH` dir (`pf_auto_path`). */
  autoPath: boolean;
  /** A tapset file rather than a user script. */
  library: boolean;
}

export interface ParsedScript<F> {
  /** The parsed file; undefined when the parse failed or the input was empty. */
  stapfile?: F;
  /** Errors and warnings in print order. */
  diagnostics: FrontendDiagnostic[];
  /** Parse errors counted (for `N parse errors.`); 0 when there were none. */
  errorCount: number;
  /** Set when the file had no tokens (`empty`) or none after preprocessing. */
  empty?: 'empty' | 'empty after preprocessing';
  /** The script arguments (1-based) a `$N`/`@N` of this file read (user scripts only). */
  usedArgs?: ReadonlySet<number>;
}

/**
 * Lexer + preprocessor + parser as the driver uses them, so the library and the driver share
 * one wiring. `M` is the library macro table, `F` the parsed file.
 */
export interface Pass1Frontend<F, M> {
  /** A fresh, empty library macro table. */
  newMacroTable(): M;
  /**
   * Reads the `@define`s of a `.stpm` into `macros` (parse.cxx `parse_library_macros`); on error
   * nothing is added. Returns the (empty) file for the dump, undefined on error.
   */
  parseMacroFile(file: SourceFile, session: Session, macros: M, options: ParseOptions): ParsedScript<F>;
  /** Parses a script or tapset `.stp` with the library macros (parse.cxx `parser::parse`). */
  parseScript(file: SourceFile, session: Session, macros: M, options: ParseOptions): ParsedScript<F>;
  /** How to keep a clean library in the persistent cache; none: the library is never cached. */
  codec?: LibraryCodec<F, M>;
}

/** What the persistent cache keeps of a library, beyond the file list. */
export interface LibraryCodec<F, M> {
  saveMacros(macros: M, sources: SourceTable): unknown;
  restoreMacros(data: unknown, sources: SourceTable): M;
  /** The library part of the `-v -p1` dump: each file's dump followed by an empty line. */
  printLibrary(files: F[]): string;
  /**
   * What pass 2 needs to know of a file without its tree (the names it declares: functions,
   * globals, aliases), kept in the cache so that pass 2 parses only the files it pulls in.
   */
  summarize(file: F): unknown;
  /** An empty file, for a cached file that no longer parses (it changed under the cache). */
  emptyFile(source: SourceFile): F;
}

/** One step of the library load, replayed by each run (see the module comment). */
export type LibraryEvent =
  | { kind: 'file'; ref: LibraryFileRef; source: SourceFile }
  | { kind: 'error'; error: ParseError; file: SourceFile }
  | { kind: 'warning'; warning: Warning }
  | { kind: 'text'; text: string }
  /** A warning without a token, e.g. the "has errors, and will be skipped" one. */
  | { kind: 'plain-warning'; message: string }
  /** A `-vv` line. */
  | { kind: 'verbose'; level: number; text: string }
  /** `later` reuses the identity of `earlier` for file-name abbreviation (stap reuses freed memory). */
  | { kind: 'share'; later: SourceFile; earlier: SourceFile };

export interface LoadedFile<F> {
  ref: LibraryFileRef;
  source: SourceFile;
  /**
   * The parsed file. For a library restored from the persistent cache this is a getter that
   * parses the file on first use (with the cached library macros), so a run only pays for the
   * files it looks into.
   */
  readonly stapfile: F;
  /** False while a restored file has not been parsed yet (reading `stapfile` parses it). */
  readonly isParsed?: boolean;
  /** The codec's summary of the file, when the cache had one (see {@link librarySummary}). */
  summary?: unknown;
}

export interface Library<F, M> {
  key: string;
  /** The macro files that parsed, then the script files that parsed: stap's `library_files`. */
  files: LoadedFile<F>[];
  /** The library macros (`session.library_macros`). */
  macros: M;
  events: LibraryEvent[];
  /** A `.stpm` had an error: pass 1 fails. */
  macroErrors: boolean;
  /** A `.stp` had an error: pass 1 fails under `-W`. */
  scriptErrors: boolean;
  /** Every library file considered (after de-duplication), for the "cannot be run directly" check. */
  refs: LibraryFileRef[];
  /** The last library file parsed, when its parse failed (the next file shares its identity). */
  trailingFailed?: SourceFile;
  /**
   * Set when the library came from the persistent cache: then `files[].stapfile` are not
   * there, and this gives the library part of the `-v` dump instead.
   */
  cachedDump?: () => string | undefined;
  /** The persistent cache's fingerprint of the files this load read (when a cache was in use). */
  fingerprint?: string;
}

/** The cache key: everything a library load depends on (the files' contents aside). */
export function libraryKey(session: Session): string {
  const t = session.target;
  return JSON.stringify([
    session.includePath,
    t.kernelRelease,
    t.kernelBaseRelease,
    t.arch,
    t.runtime,
    [...t.kernelConfig].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    session.compatible,
    session.privilege,
    session.guru,
    // Tapsets read the script arguments too (argv.stp: `$#`, `@1`).
    session.args,
  ]);
}

const cache = new WeakMap<object, Map<string, Library<unknown, unknown>>>();

/** Libraries kept in memory that must be checked against the files once before their next use. */
const unchecked = new WeakSet<Library<unknown, unknown>>();

/** Every library this process loaded, oldest first (for the startup snapshot, cli-snapshot.ts). */
const loaded: Library<unknown, unknown>[] = [];

export function loadedLibraries(): readonly Library<unknown, unknown>[] {
  return loaded;
}

/**
 * Marks every library in memory as possibly stale: its next use recomputes the fingerprint of
 * its files and reloads it if they changed. For a process restored from a startup snapshot,
 * whose libraries were loaded by another process at another time.
 */
export function recheckLibrariesInMemory(): void {
  for (const lib of loaded) unchecked.add(lib);
}

/**
 * The library for `session`, loaded on first use and then shared by every session with the same
 * key (and the same frontend). `fresh` forces a reload (e.g. after tapset files changed).
 */
export function getLibrary<F, M>(
  session: Session,
  frontend: Pass1Frontend<F, M>,
  io: LibraryIo,
  { fresh = false }: { fresh?: boolean } = {},
): Library<F, M> {
  let byKey = cache.get(frontend);
  if (!byKey) cache.set(frontend, (byKey = new Map()));
  const key = libraryKey(session);
  const hit = byKey.get(key);
  if (hit && !fresh && !unchecked.has(hit)) return hit as Library<F, M>;
  const discovery = discoverLibrary(session.includePath, session.target, io);
  const { libraryStore: store } = io;
  const { codec } = frontend;
  const fingerprint =
    store && codec ? libraryFingerprint(key, store.buildId, discovery.macroDirs, discovery.scriptDirs) : undefined;
  if (hit && !fresh) {
    unchecked.delete(hit);
    if (fingerprint !== undefined && hit.fingerprint === fingerprint) return hit as Library<F, M>;
  }
  let lib =
    store && codec && fingerprint && !fresh
      ? restoreLibrary(key, fingerprint, store, codec, io, (source, ref, macros) => {
          const parsed = frontend.parseScript(source, session, macros, libraryParseOptions(session, ref));
          return parsed.errorCount === 0 && parsed.stapfile !== undefined ? parsed.stapfile : codec.emptyFile(source);
        })
      : undefined;
  if (!lib) {
    lib = loadLibrary(session, frontend, io, discovery);
    if (store && codec && fingerprint) saveLibrary(lib, fingerprint, store, codec);
  }
  lib.fingerprint = fingerprint;
  byKey.set(key, lib as Library<unknown, unknown>);
  if (hit && loaded.includes(hit)) loaded.splice(loaded.indexOf(hit), 1);
  loaded.push(lib as Library<unknown, unknown>);
  return lib;
}

/** The stored form of a clean library (see library-cache.ts). */
interface StoredLibrary {
  key: string;
  sources: string[];
  refs: LibraryFileRef[];
  /** Index into `refs` of each loaded file, in order (its source is the file itself). */
  files: number[];
  /** The codec's summary of each loaded file, in the same order. */
  summaries: unknown[];
  /** The `-vv` lines, each after the number of files loaded before it. */
  verbose: { after: number; level: number; text: string }[];
  macros: unknown;
}

/** Whether a load printed nothing but `-vv` lines: only such a library is cached. */
function isClean<F, M>(lib: Library<F, M>): boolean {
  return (
    !lib.macroErrors &&
    !lib.scriptErrors &&
    !lib.trailingFailed &&
    lib.events.every((e) => e.kind === 'file' || e.kind === 'verbose')
  );
}

function saveLibrary<F, M>(lib: Library<F, M>, fingerprint: string, store: LibraryStore, codec: LibraryCodec<F, M>): void {
  if (!isClean(lib)) return;
  const sources = new SourceTable();
  const refIndex = new Map(lib.refs.map((r, i) => [r, i]));
  const verbose: StoredLibrary['verbose'] = [];
  let fileEvents = 0;
  for (const e of lib.events) {
    if (e.kind === 'file') fileEvents++;
    else if (e.kind === 'verbose') verbose.push({ after: fileEvents, level: e.level, text: e.text });
  }
  for (const f of lib.files) sources.indexOf(f.source);
  const stored: StoredLibrary = {
    key: lib.key,
    sources: [],
    refs: lib.refs,
    files: lib.files.map((f) => refIndex.get(f.ref) ?? -1),
    summaries: lib.files.map((f) => codec.summarize(f.stapfile)),
    verbose,
    macros: codec.saveMacros(lib.macros, sources),
  };
  stored.sources = sources.names;
  if (stored.files.includes(-1)) return;
  // Every file of a clean load was loaded, so the file events are the loaded files in order.
  if (fileEvents !== lib.files.length) return;
  store.save(`${fingerprint}.dump`, codec.printLibrary(lib.files.map((f) => f.stapfile)));
  store.save(`${fingerprint}.json`, JSON.stringify(stored));
}

function restoreLibrary<F, M>(
  key: string,
  fingerprint: string,
  store: LibraryStore,
  codec: LibraryCodec<F, M>,
  io: LibraryIo,
  parseFile: (source: SourceFile, ref: LibraryFileRef, macros: M) => F,
): Library<F, M> | undefined {
  const text = store.load(`${fingerprint}.json`);
  if (text === undefined) return undefined;
  let stored: StoredLibrary;
  try {
    stored = JSON.parse(text) as StoredLibrary;
    if (stored.key !== key || !Array.isArray(stored.summaries) || stored.summaries.length !== stored.files.length) return undefined;
  } catch {
    return undefined;
  }
  // Sources read their text only when a message needs a source line.
  const lazySource = (name: string): SourceFile => {
    let content: string | undefined;
    return {
      name,
      get text() {
        if (content === undefined) {
          const read = io.readFile(name);
          content = read instanceof Error ? '' : read;
        }
        return content;
      },
    };
  };
  const byName = new Map<string, SourceFile>();
  const sourceFor = (name: string) => {
    let f = byName.get(name);
    if (!f) byName.set(name, (f = lazySource(name)));
    return f;
  };
  const sources = new SourceTable(stored.sources.map(sourceFor));
  let macros: M;
  try {
    macros = codec.restoreMacros(stored.macros, sources);
  } catch {
    return undefined;
  }
  const files: LoadedFile<F>[] = stored.files.map((i, n) => {
    const ref = stored.refs[i];
    const source = sourceFor(ref.path);
    let parsed: F | undefined;
    return {
      ref,
      source,
      summary: stored.summaries[n],
      get stapfile(): F {
        return (parsed ??= parseFile(source, ref, macros));
      },
      get isParsed(): boolean {
        return parsed !== undefined;
      },
    };
  });
  const events: LibraryEvent[] = [];
  let v = 0;
  files.forEach((f, i) => {
    while (v < stored.verbose.length && stored.verbose[v].after <= i) events.push({ kind: 'verbose', ...stored.verbose[v++] });
    events.push({ kind: 'file', ref: f.ref, source: f.source });
  });
  while (v < stored.verbose.length) events.push({ kind: 'verbose', ...stored.verbose[v++] });
  let dump: string | undefined;
  return {
    key,
    files,
    macros,
    events,
    macroErrors: false,
    scriptErrors: false,
    refs: stored.refs,
    cachedDump: () => (dump ??= store.load(`${fingerprint}.dump`)),
  };
}

/** How a library file is parsed: privileged, `pf_no_compatible` in include dir 0, `pf_auto_path`. */
export function libraryParseOptions(session: Session, ref: LibraryFileRef): ParseOptions {
  return {
    privileged: true,
    compatible: ref.includeIndex === 0 ? STAP_VERSION : session.compatible,
    autoPath: ref.autoPath,
    library: true,
  };
}

/** The codec's summary of a library file: the cached one, or made from its tree. */
export function librarySummary<F, M>(file: LoadedFile<F>, codec: LibraryCodec<F, M>): unknown {
  return (file.summary ??= codec.summarize(file.stapfile));
}

/** Loads the library without the cache (main.cxx `passes_0_4`, library half). */
export function loadLibrary<F, M>(
  session: Session,
  frontend: Pass1Frontend<F, M>,
  io: LibraryIo,
  discovery: DiscoveryResult = discoverLibrary(session.includePath, session.target, io),
): Library<F, M> {
  const { macroDirs, scriptDirs } = discovery;
  const macros = frontend.newMacroTable();
  const lib: Library<F, M> = {
    key: libraryKey(session),
    files: [],
    macros,
    events: [],
    macroErrors: false,
    scriptErrors: false,
    refs: [...macroDirs, ...scriptDirs].flatMap((d) => d.files),
  };
  let previousFailed: SourceFile | undefined;
  const round = (dirs: SearchedDir[], macroRound: boolean) => {
    for (const dir of dirs) {
      let processed = 0;
      for (const ref of dir.files) {
        const text = io.readFile(ref.path);
        const source: SourceFile = { name: ref.path, text: text instanceof Error ? '' : text };
        lib.events.push({ kind: 'file', ref, source });
        if (previousFailed) lib.events.push({ kind: 'share', later: source, earlier: previousFailed });
        const options = libraryParseOptions(session, ref);
        const parsed = macroRound
          ? frontend.parseMacroFile(source, session, macros, options)
          : frontend.parseScript(source, session, macros, options);
        for (const d of parsed.diagnostics) {
          if (d.kind === 'error') lib.events.push({ kind: 'error', error: d.error, file: source });
          else lib.events.push({ kind: 'warning', warning: d.warning });
        }
        // An empty tapset file is fine (it is listed, with nothing in it).
        const failed = parsed.stapfile === undefined || parsed.errorCount > 0;
        if (parsed.empty) {
          lib.events.push({ kind: 'text', text: `Input file '${ref.path}' is ${parsed.empty}.\n` });
        } else if (!macroRound && parsed.errorCount > 0) {
          lib.events.push({ kind: 'text', text: `${parsed.errorCount} parse error${parsed.errorCount === 1 ? '' : 's'}.\n` });
        }
        if (failed) {
          previousFailed = source;
          if (macroRound) {
            lib.macroErrors = true;
            lib.events.push({ kind: 'plain-warning', message: `macro tapset "${ref.path}" has errors, and will be skipped.` });
          } else {
            lib.scriptErrors = true;
            lib.events.push({ kind: 'plain-warning', message: `tapset "${ref.path}" has errors, and will be skipped` });
          }
          continue;
        }
        previousFailed = undefined;
        processed++;
        lib.files.push({ ref, source, stapfile: parsed.stapfile as F });
      }
      lib.events.push({
        kind: 'verbose',
        level: 2,
        text: `Searched${macroRound ? ' for library macro files' : ''}: "${dir.dir}", found: ${dir.found}, processed: ${processed}\n`,
      });
    }
  };
  round(macroDirs, true);
  round(scriptDirs, false);
  lib.trailingFailed = previousFailed;
  return lib;
}
