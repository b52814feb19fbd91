/**
 * The run and compile backends' shared vocabulary: what a run is asked to do (the stap options
 * from the settings), what it reports while it runs (output chunks, per host), and how it ends
 * (exit status, the pass that failed, stap's errors as diagnostics). Plain data, no `vscode`
 * import: the backends are tested with real processes under Node's test runner, and the
 * extension (client/src/commands/) turns these into Output channels and Problems.
 */

/** The stap command line a run or compile is built from (settings `systemtap.*`). */
export interface StapOptions {
  /** The stap executable (`systemtap.stapPath`), run without a shell. */
  stapPath: string;
  /** `--runtime=R`; undefined: stap's default (kernel). */
  runtime?: 'kernel' | 'bpf' | 'dyninst';
  /** `-r DIR` (a kernel build tree) or `-r RELEASE`. */
  kernelBuildDir?: string;
  kernelRelease?: string;
  /** `-R DIR`: the runtime directory. */
  runtimeDir?: string;
  /** `-a ARCH`. */
  arch?: string;
  /** `-I DIR`, in order. */
  tapsetDirs: string[];
  /** `-D NAME[=VALUE]`, in order. */
  defines: string[];
  /** `-g`. */
  guru: boolean;
  /** `--compatible=V`. */
  compatible?: string;
  /** `--privilege=LEVEL`. */
  privilege?: 'stapusr' | 'stapsys' | 'stapdev';
  /** `-c CMD` (one string, as stap takes it). */
  targetCommand?: string;
  /** Extra options put before the script (`systemtap.stapOptions`), each one argv element. */
  extraOptions: string[];
  /** Script arguments ($1, @1, ...), after the script. */
  scriptArguments: string[];
  /** Local runs only: run stap through `sudo -n` (never prompts; a clear error when sudo wants a password). */
  sudo: boolean;
  /** Extra environment for the local stap process (tests: the sandbox's LD_PRELOAD). */
  env?: Record<string, string>;
}

/** An ssh destination for remote runs (`systemtap.remoteHosts`). */
export interface RemoteHost {
  /** What ssh is given as the destination: `host`, `user@host` or `ssh://user@host:port`. Validated, never shell-parsed. */
  destination: string;
  /** Options put before the destination, each one argv element (e.g. `-F`, `/path/ssh_config`). */
  sshOptions: string[];
}

/** A piece of output as it arrives (not split into lines: stap's printf without a newline shows at once). */
export interface OutputEvent {
  /** The host it came from; undefined for a local run. */
  host?: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** One of stap's error or warning messages, at the place in the script it names (1-based, as stap prints). */
export interface StapDiagnostic {
  /** The script file as the user knows it (a remote temp file is mapped back to it). */
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
}

/** How a run (or a compile) ended. */
export interface RunResult {
  /** stap's exit status (ssh's for a remote run: 255 = ssh itself failed); null when it died of a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The pass stap reported as failed (`Pass 2: analysis failed.` → 2). */
  failedPass?: number;
  /** A sentence for the user when something went wrong (stap not found, host unreachable, permission denied, pass N failed). */
  message?: string;
  /** stap's errors and warnings about the script. */
  diagnostics: StapDiagnostic[];
  /** Whether the run was stopped by {@link RunHandle.stop}. */
  stopped: boolean;
}

/** A run in progress. */
export interface RunHandle {
  /** Settles when every process of the run has exited (never rejects). */
  readonly done: Promise<RunResult>;
  /**
   * Stops the run the way stap needs: SIGINT to the stap pid only (its `probe end` runs and
   * prints), escalating (group SIGTERM, then SIGKILL) after `graceMs`; for remote runs, closes
   * the wrapper's stdin, then kills ssh. Resolves with {@link done}'s result.
   */
  stop(graceMs?: number): Promise<RunResult>;
}

/** The result of a compile (`-p4`): where the artifact is. */
export interface CompileResult extends RunResult {
  /** Absolute path of the `.bo` (bpf) or `.ko` file; undefined when the compile failed. */
  artifact?: string;
}
