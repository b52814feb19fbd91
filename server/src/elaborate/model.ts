/**
 * The state of pass 2: the part of stap's `systemtap_session` (session.h) that elaborate.cxx
 * reads and writes (`files`, `globals`, `functions`, `probes`, `embeds`, `overload_count`), and
 * the shapes pass 2 adds to the parse tree (derived probes, referents, locals, types).
 *
 * Every pass-2 module takes an {@link Elaboration} and mutates it in place, in stap's order
 * (see passes/pass2.ts). No IO here or in any module that uses it.
 *
 * Annotations on the pass-1 AST (staptree.ts) are added as optional properties through the
 * `Resolved*` helper types below rather than by widening the pass-1 types, so pass 1 stays
 * ignorant of pass 2. Bodies are deep-copied per derived probe (derive.ts), so an annotation on
 * a node belongs to exactly one derived probe or function.
 */
import type {
  Block,
  Expression,
  ExpType,
  FunctionDecl,
  Probe,
  ProbeAlias,
  ProbePoint,
  StapFile,
  Statement,
  VarDecl,
} from '../ast/staptree';
import type { Token } from '../passes/parse/token';
import type { LibraryFileView } from './library-view';
import type { Session } from '../session';

/** Options of pass 2 beyond the session's (stap's command line and stap-ls's own). */
export interface Pass2Options {
  /** `-u`: skip the optional optimisations (§2.3). */
  unoptimized: boolean;
  /** `--assume-debuginfo`: DWARF probe families resolve without debuginfo (the editor's mode). */
  assumeDebuginfo: boolean;
  /** `--keep-going`: report every independent error (stap 5.6 `--semantic-keep-going`). */
  keepGoing: boolean;
  /** The kernel build directory stap was pointed at (`-r`), as printed in `under '…'`. */
  kernelBuildDir: string;
  /** Kernel symbols from `System.map` (kprobe.function resolves against these). */
  kernelSymbols: ReadonlySet<string>;
  /** vmlinux exports from `Module.symvers` (perf probes need one); none when absent. */
  kernelExports?: ReadonlySet<string>;
  /** `-c CMD` or `-x PID` was given: an unnamed `process` probe has a target. */
  targetProcess?: boolean;
  /** `-G VAR=VAL` globals (not reported as unused, initialised). */
  commandLineGlobals: ReadonlyMap<string, string>;
  /** `--no-global-var-display`. */
  noGlobalVarDisplay: boolean;
  /**
   * The editor's analysis: skip what changes only the generated code, not a diagnostic or a
   * type (opt6's merging of identical functions, opt7's rewriting; opt7's check still runs).
   */
  analysisOnly?: boolean;
}

/** Where a derived probe came from, for its `/* <- … *\/` signature (derived_probe::printsig). */
export type ProbeOrigin =
  /** A probe written in a file (user script or tapset). */
  | { kind: 'probe'; probe: Probe }
  /** An alias expansion: `alias` was used by `base`, through `aliasName`. */
  | { kind: 'alias'; alias: ProbeAlias; base: ProbeOrigin };

/**
 * elaborate.h `derived_probe`: one probe point of one probe, after alias expansion, with its own
 * copy of the body. `location` is the final, fully-resolved probe point (what printsig prints
 * first); `origin` is the chain back to the probe the user (or a tapset) wrote.
 */
export interface DerivedProbe {
  kind: 'derived_probe';
  /** The `probe` keyword token of the written probe (messages point here). */
  tok: Token;
  location: ProbePoint;
  origin: ProbeOrigin;
  /**
   * A block when derived; the optimiser (opt4) may collapse it to a single statement or a null
   * statement, as stap's `derived_probe::body` is a `statement*` (printed `{ println(1) }`).
   */
  body: Statement;
  /** Locals in first-encounter order (stap `probe::locals`). */
  locals: VarDecl[];
  /** The probe condition, after alias conditions were `&&`ed in. */
  condition?: Expression;
  /** The file the outermost written probe is in (tapset probes are not "user" probes). */
  file: StapFile;
  /** The builder that derived it: `begin`, `end`, `never`, `timer`, `kprobe`, `procfs`, … */
  family: string;
  /** Builder-specific text printed after the location (`kprobe`: ` /*  name = sys_open*\/`). */
  sigSuffix: string;
  /** Added by pass 2 itself (global display `end`, condition `begin`). */
  synthetic?: 'global-display' | 'condition-begin';
}

/** A function as pass 2 sees it: the pass-1 decl plus what elaboration fills in. */
export interface ElabFunction extends Omit<FunctionDecl, 'body'> {
  /** As DerivedProbe.body: the optimiser may collapse it to a single or a null statement. */
  body: Statement;
  /** The mangled name with its overload suffix: `__global_f__overload_0`. */
  mangled: string;
  /** The file that declares it. */
  file: StapFile;
  /** Locals in first-encounter order. */
  locals: VarDecl[];
}

/** A variable as pass 2 sees it (globals, locals and parameters). */
export interface ElabVar extends VarDecl {
  /** Array index types, once known (length = arity). */
  indexTypes?: ExpType[];
  /** The file that declares it (globals), for user-vs-tapset decisions. */
  file?: StapFile;
  /** Synthesised by pass 2 (not reported as unused). */
  synthetic?: boolean;
  /** Where the arity was first pinned (stap `vardecl::arity_tok`), for `arity N first inferred here`. */
  arityTok?: Token;
}

/** Annotations pass 2 adds to expressions. */
export interface ExpressionAnnotations {
  /** The inferred type (typeresolution_info); absent means unknown so far. */
  type?: ExpType;
  /** `symbol` / `arrayindex` base / `foreach` base: the variable it resolved to. */
  referent?: ElabVar;
  /** `functioncall`: every overload with matching arity, by priority. */
  referents?: ElabFunction[];
}

/** An expression with its pass-2 annotations (cast at the point of use). */
export type Annotated<E extends Expression = Expression> = E & ExpressionAnnotations;

/** One note of a semantic error chain: `semantic error: MSG: TOKEN` + source lines. */
export class SemanticError extends Error {
  /** A further error printed after this one as its own block (stap `semantic_error::chain`). */
  chain?: SemanticError;
  constructor(
    message: string,
    /** The token shown after `: ` and in the source lines. */
    readonly tok?: Token,
    /** A second token, printed with its own source lines (e.g. the declaration in an arity mismatch). */
    readonly tok2?: Token,
    /**
     * The throw site, a stable name of the C++ routine that throws it: stap suppresses a second
     * error from the same site (without `-v`).
     */
    readonly site = message,
  ) {
    super(message);
    this.name = 'SemanticError';
  }

  /** Appends `next` at the end of this error's chain; returns this. */
  chained(next: SemanticError): this {
    let e: SemanticError = this;
    while (e.chain) e = e.chain;
    e.chain = next;
    return this;
  }
}

/** A warning of pass 2 (`print_warning`): de-duplicated by text, silenced by `-w`. */
export interface SemanticWarning {
  message: string;
  tok?: Token;
}

/** What the passes emit, in order; the driver prints it through the Reporter. */
export type Pass2Diagnostic =
  /** `minVerbose`: printed only at that `-v` level or above (else not even counted as suppressed). */
  | { kind: 'error'; error: SemanticError; minVerbose?: number }
  | { kind: 'warning'; warning: SemanticWarning }
  /** A `-vv`/`-vvv` trace line stap prints to stderr at pass-2 verbosity ≥ `level` (text ends in a newline). */
  | { kind: 'verbose'; level: number; text: string };

/** stap's `systemtap_session` as pass 2 uses it. */
export interface Elaboration {
  session: Session;
  options: Pass2Options;
  /** User files (the main script, then `-E` scripts), in order. */
  userFiles: StapFile[];
  /**
   * Every library file that parsed, in search order (candidates for pulling in), as a name
   * summary plus a lazily-parsed tree: pass 2 parses only the files it pulls in, so scans over
   * the whole library read `summary` only (library-view.ts).
   */
  library: readonly LibraryFileView[];
  /**
   * The trees of every library file. Avoid: reading it parses the whole library (~1 s cold);
   * use {@link library} instead.
   */
  readonly libraryFiles: StapFile[];
  /** stap `s.files`: the user files, then library files in the order they were pulled in. */
  files: StapFile[];
  /** stap `s.globals`, in first-reference order. */
  globals: ElabVar[];
  /** stap `s.functions`: keyed by mangled name; iterate with {@link sortedFunctions}. */
  functions: Map<string, ElabFunction>;
  /** stap `s.probes`, in derivation order. */
  probes: DerivedProbe[];
  /** stap `s.embeds`. */
  embeds: { code: string; tok: Token; file: StapFile }[];
  /**
   * The ElabFunctions made so far for parsed functions, by mangled overload name. Made on first
   * lookup (functions.ts `lookupFunction`): the overload numbering itself comes from the
   * summaries (parse order: .stpm, tapset .stp in search order, user files).
   */
  allFunctions: Map<string, ElabFunction>;
  /** `overload_count`: the number of parsed functions per unmangled name. */
  overloadCount: Map<string, number>;
  /** Errors and warnings so far, in print order. */
  diagnostics: Pass2Diagnostic[];
  /** Probe bodies found empty by the optimiser (`empty_probes`), removed unless `-u`. */
  emptyProbes: Set<DerivedProbe>;
}

/** C++ `std::map<std::string,…>` order: bytewise comparison. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `s.functions` in std::map order (by mangled name). */
export function sortedFunctions(e: Elaboration): ElabFunction[] {
  return [...e.functions.values()].sort((a, b) => compareStrings(a.mangled, b.mangled));
}

/** Records an error (stap `print_error`, or a throw caught by the pass driver). */
export function reportError(e: Elaboration, error: SemanticError): void {
  e.diagnostics.push({ kind: 'error', error });
}

/** Records an error that stap prints only at `-v` level `minVerbose` or above. */
export function reportVerboseError(e: Elaboration, minVerbose: number, error: SemanticError): void {
  e.diagnostics.push({ kind: 'error', error, minVerbose });
}

/** Records a warning (stap `print_warning`); `-w` and de-duplication are the Reporter's job. */
export function reportWarning(e: Elaboration, message: string, tok?: Token): void {
  e.diagnostics.push({ kind: 'warning', warning: { message, tok } });
}

/**
 * Records a trace line that stap prints at pass-2 verbosity ≥ `level` (`if (s.verbose > N) clog
 * << …`), e.g. `derive-probes (location #0): begin of keyword at a.stp:5:1` at level 2, in order
 * with the errors and warnings. `text` is one line without its newline.
 */
export function reportVerbose(e: Elaboration, level: number, text: string): void {
  e.diagnostics.push({ kind: 'verbose', level, text: `${text}\n` });
}

/** The number of errors so far (stap `num_errors`: with -W, warnings count). */
export function errorCount(e: Elaboration): number {
  // With -W (and not -w) stap counts the warnings it printed as errors too (`num_errors`), so a
  // warning stops pass 2 after the step that gave it.
  const warningsCount = e.session.warningsAsErrors && !e.session.suppressWarnings;
  let n = 0;
  for (const d of e.diagnostics) if (d.kind === 'error' || (warningsCount && d.kind === 'warning')) n++;
  return n;
}

/** Whether `file` is a user file (not a tapset). */
export function isUserFile(e: Elaboration, file: StapFile): boolean {
  return e.userFiles.includes(file);
}

/**
 * Pulls a library file into `s.files` as a whole (the first time one of its symbols or aliases
 * is used); returns whether it was new.
 */
export function pullInFile(e: Elaboration, file: StapFile): boolean {
  if (e.files.includes(file)) return false;
  e.files.push(file);
  return true;
}

/** Raised when a fixpoint loop runs past its bound: a clear error instead of a hang. */
export const ITERATION_LIMIT = 1000;

export type { Block, Expression, ExpType, FunctionDecl, Probe, ProbeAlias, ProbePoint, StapFile, VarDecl };
