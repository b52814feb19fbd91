/**
 * The tapset library as pass 2 sees it: every library file as a name summary plus a syntax tree
 * that is parsed only when asked for. Mirrors what stap's `systemtap_session::library_files`
 * gives elaborate.cxx, but lazily: stap has parsed every tapset by then; we parse a file only
 * when pass 2 pulls it in (its functions, globals, aliases or probes are used), and every scan
 * over "all library files" (the overload counter, find_var, find_functions, the match tree, the
 * Levenshtein suggestions) reads the summaries (ast/file-summary.ts) only.
 *
 * The views of one library are made once per file list (WeakMap), so the indexes built over them
 * (functions.ts, symbols-vars.ts, match-tree.ts) are shared by every run on the same library.
 */
import { summarizeStapFile, type FileSummary } from '../ast/file-summary';
import type { StapFile } from '../ast/staptree';
import type { SourceFile } from '../passes/parse/token';

export interface LibraryFileView {
  /** The source the file was parsed from (`StapFile.file` of its tree). */
  readonly source: SourceFile;
  /** Its names: functions, globals, alias names (no trees). */
  readonly summary: FileSummary;
  /** The syntax tree, parsed on first access (for a library restored from the persistent cache). */
  readonly stapfile: StapFile;
  /** Whether {@link stapfile} was asked for through this view (a file not parsed is not pulled in). */
  readonly parsed: boolean;
}

/** What pass 1 hands over for a library file (tapsets/library.ts `LoadedFile`). */
export interface LoadedLibraryFile {
  readonly source: SourceFile;
  readonly stapfile: unknown;
  summary?: unknown;
}

function viewOf(source: SourceFile, summary: FileSummary, tree: () => StapFile): LibraryFileView {
  let parsed: StapFile | undefined;
  return {
    source,
    summary,
    get stapfile(): StapFile {
      return (parsed ??= tree());
    },
    get parsed(): boolean {
      return parsed !== undefined;
    },
  };
}

const fromTrees = new WeakMap<readonly StapFile[], LibraryFileView[]>();
const fromLoaded = new WeakMap<readonly LoadedLibraryFile[], LibraryFileView[]>();

/** Views of already-parsed files (tests, the language server): one list per array. */
export function viewsOfStapFiles(files: readonly StapFile[]): LibraryFileView[] {
  let views = fromTrees.get(files);
  if (!views) {
    views = files.map((f) => viewOf(f.file, summarizeStapFile(f), () => f));
    fromTrees.set(files, views);
  }
  return views;
}

/**
 * Views of pass 1's library files (`Library.files`): the cached summary when the library was
 * restored from the persistent cache (its trees stay unparsed until used), else one made from the
 * tree. One list per library.
 */
export function viewsOfLoadedFiles(files: readonly LoadedLibraryFile[]): LibraryFileView[] {
  let views = fromLoaded.get(files);
  if (!views) {
    views = files.map((f) => {
      const summary = (f.summary ??= summarizeStapFile(f.stapfile as StapFile)) as FileSummary;
      return viewOf(f.source, summary, () => f.stapfile as StapFile);
    });
    fromLoaded.set(files, views);
  }
  return views;
}

/** The view of the library file parsed from `source`, if any. */
export function libraryViewOf(library: readonly LibraryFileView[], source: SourceFile): LibraryFileView | undefined {
  return library.find((v) => v.source === source);
}
