/**
 * The pass-2 driver: elaborate.cxx `semantic_pass`, step by step, over the files pass 1 parsed.
 *
 *   semantic_pass_symbols → semantic_pass_conditions → semantic_pass_optimize1 →
 *   semantic_pass_types → add_global_var_display → semantic_pass_optimize2 →
 *   semantic_pass_vars → semantic_pass_stats, then "no probes found" if nothing is left.
 *
 * Under `--assume-debuginfo` (the editor's mode) a user script that declares no probe at all
 * (only functions, globals, aliases: a tapset or library file being edited) does not get
 * "no probes found"; one whose declared probes all resolve to nothing still does.
 *
 * Like stap, each step runs only while no error has been reported, unless `--keep-going` asks
 * for every independent error (stap 5.6 `--semantic-keep-going`): then the steps that can run
 * on a partly-resolved script still run, so the editor sees all the errors at once.
 *
 * No IO: the result is the elaboration (for the `-p2` printer, dump/p2.ts) and the diagnostics
 * in print order (for the Reporter).
 */
import type { StapFile } from '../ast/staptree';
import { addGlobalVarDisplay } from '../elaborate/global-display';
import { checkProcfsPaths } from '../elaborate/builders-procfs';
import { semanticPassConditions } from '../elaborate/conditions';
import { buildFunctionTable } from '../elaborate/functions';
import { viewsOfStapFiles, type LibraryFileView } from '../elaborate/library-view';
import {
  errorCount,
  reportError,
  SemanticError,
  type Elaboration,
  type Pass2Options,
} from '../elaborate/model';
import { semanticPassOptimize1, semanticPassOptimize2 } from '../elaborate/optimize';
import { semanticPassStats, semanticPassVars } from '../elaborate/checks';
import { semanticPassSymbols } from '../elaborate/symbols';
import { semanticPassTypes } from '../elaborate/types';
import type { Session } from '../session';

export interface Pass2Result {
  ok: boolean;
  elaboration: Elaboration;
}

/**
 * The library as views: trees already parsed (tests) are wrapped; views (the CLI, from pass 1's
 * lazily-parsed library) are taken as they are.
 */
function libraryViews(libraryFiles: readonly StapFile[] | readonly LibraryFileView[]): readonly LibraryFileView[] {
  if (libraryFiles.length === 0) return [];
  const first = libraryFiles[0] as StapFile | LibraryFileView;
  return 'kind' in first && first.kind === 'stapfile' ? viewsOfStapFiles(libraryFiles as readonly StapFile[]) : (libraryFiles as readonly LibraryFileView[]);
}

/** A fresh elaboration over the parsed files (nothing resolved yet). */
export function newElaboration(
  session: Session,
  options: Pass2Options,
  userFiles: StapFile[],
  libraryFiles: readonly StapFile[] | readonly LibraryFileView[],
): Elaboration {
  const library = libraryViews(libraryFiles);
  let trees: StapFile[] | undefined;
  const e: Elaboration = {
    session,
    options,
    userFiles,
    library,
    // Every tree: parses the whole library (see Elaboration.libraryFiles); pass 2 reads `library`.
    get libraryFiles(): StapFile[] {
      return (trees ??= library.map((v) => v.stapfile));
    },
    files: [...userFiles],
    globals: [],
    functions: new Map(),
    probes: [],
    embeds: [],
    allFunctions: new Map(),
    overloadCount: new Map(),
    diagnostics: [],
    emptyProbes: new Set(),
  };
  buildFunctionTable(e);
  return e;
}

/** Runs pass 2 (elaborate.cxx `semantic_pass`). */
export function runPass2(
  session: Session,
  options: Pass2Options,
  userFiles: StapFile[],
  libraryFiles: readonly StapFile[] | readonly LibraryFileView[],
): Pass2Result {
  const e = newElaboration(session, options, userFiles, libraryFiles);
  const steps: ((e: Elaboration) => void)[] = [
    semanticPassSymbols,
    semanticPassConditions,
    semanticPassOptimize1,
    semanticPassTypes,
    addGlobalVarDisplay,
    semanticPassOptimize2,
    semanticPassVars,
    semanticPassStats,
  ];
  for (const step of steps) {
    if (errorCount(e) > 0 && !options.keepGoing) break;
    try {
      step(e);
    } catch (err) {
      if (err instanceof SemanticError) reportError(e, err);
      else throw err;
    }
  }
  // Probe groups enroll their probes after the steps, errors or not (B: one read probe per procfs file).
  checkProcfsPaths(e);
  if (errorCount(e) === 0 && e.probes.length === 0 && !(options.assumeDebuginfo && declaresNoProbe(userFiles))) {
    reportError(e, new SemanticError('no probes found'));
  }
  return { ok: errorCount(e) === 0, elaboration: e };
}

/** Whether the user's files declare no probe (aliases do not count): a library file being edited. */
export function declaresNoProbe(userFiles: readonly StapFile[]): boolean {
  return userFiles.every((f) => f.probes.length === 0);
}
