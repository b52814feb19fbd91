/**
 * The `stap-ls` command: stap's command line for passes 1 and 2, printing what stap prints and
 * exiting with stap's status. Mirrors main.cxx `main`/`passes_0_4` around the passes and
 * session.cxx `systemtap_session::parse_cmdline` + `check_options` for the options.
 *
 * Options are parsed as stap 4.8 parses them: GNU `getopt_long` with the optstring
 * `hVvtp:I:e:E:o:R:r:a:m:kgPc:x:D:bs:uqiwl:d:L:FS:B:J:jWG:T:` and stap's long option table.
 * Kept from getopt: options may follow the script (argv is permuted), `--` ends options, `-` is
 * the stdin script, short flags combine (`-gp1`; in `-p1v` the `v` is part of the pass value, an
 * invalid pass number as in stap), long options take unique prefixes (`--compat=4.0`) and
 * `--name value` for required arguments. getopt's messages carry the invoked program's name.
 *
 * Options are sorted into three kinds:
 * - used by passes 1–2: `-p -v --vp -I -r -R -a -g -u -w -W -e -E -D --compatible --runtime --bpf
 *   --privilege --unprivileged`, and `-c -x -G`, recorded for pass 2;
 * - accepted and recorded because they only change passes 3–5 (`-k -t -P -b -s -o -m -d -B -T
 *   -q -F -S --ldd --all-modules --modinfo --skip-badvars …`): the `-p1`/`-p2` output does not
 *   depend on them;
 * - not supported (listing, interactive mode, compile servers, remote targets, …): these stop
 *   with `stap-ls: option '-l' is not supported: …` and status 1, never silently.
 *
 * Passes 3–5 do not exist here, and until pass 2 lands `-p2` stops with a clear message; a run
 * without `-p` (stap's default is pass 5) says so too.
 *
 * Output is written as latin1 bytes: files are read as latin1, so every byte round-trips.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';

import type { StapFile } from './ast/staptree';
import { buildingSnapshot, buildSnapshot, scheduleSnapshot, stamp } from './cli-snapshot';
import { startServer } from './lsp/server';
import { printElaborationDump } from './dump/p2';
import type { Elaboration, Pass2Options } from './elaborate/model';
import { PASS2_FAILED, printPass2Diagnostics, printUnusedArguments } from './elaborate/report';
import {
  Pass1Abort,
  runPass1,
  stapWiring,
  type Pass1Io,
  type Pass1Result,
  type Pass1Wiring,
  type Usage,
  type UserScript,
} from './passes/pass1';
import { runPass2 } from './passes/pass2';
import { viewsOfLoadedFiles } from './elaborate/library-view';
import { Reporter, type ReporterOptions } from './passes/parse/report';
import type { Privilege, Runtime, Session } from './session';
import { STAP_VERSION } from './session';
import { getLibrary } from './tapsets/library';
import type { LibraryStore } from './tapsets/library-cache';
import { includePath } from './tapsets/search-path';
import { strverscmp } from './util/strverscmp';
import { nodeTargetHost, resolveTarget, strerror, type TargetHost } from './target';

type ArgKind = 'none' | 'required' | 'optional';

/** stap 4.8's long options, in its table order (the order of getopt's "possibilities"). */
const LONG_OPTIONS: [name: string, arg: ArgKind][] = [
  ['skip-badvars', 'none'],
  ['vp', 'required'],
  ['unprivileged', 'none'],
  ['client-options', 'none'],
  ['help', 'none'],
  ['disable-cache', 'none'],
  ['poison-cache', 'none'],
  ['clean-cache', 'none'],
  ['compatible', 'required'],
  ['ldd', 'none'],
  ['use-server', 'optional'],
  ['list-servers', 'optional'],
  ['trust-servers', 'optional'],
  ['use-server-on-error', 'optional'],
  ['all-modules', 'none'],
  ['remote', 'required'],
  ['remote-prefix', 'none'],
  ['check-version', 'none'],
  ['version', 'none'],
  ['tmpdir', 'required'],
  ['download-debuginfo', 'optional'],
  ['dump-probe-types', 'none'],
  ['dump-probe-aliases', 'none'],
  ['dump-functions', 'none'],
  ['privilege', 'required'],
  ['suppress-handler-errors', 'none'],
  ['modinfo', 'required'],
  ['rlimit-as', 'required'],
  ['rlimit-cpu', 'required'],
  ['rlimit-nproc', 'required'],
  ['rlimit-stack', 'required'],
  ['rlimit-fsize', 'required'],
  ['sysroot', 'required'],
  ['sysenv', 'required'],
  ['suppress-time-limits', 'none'],
  ['runtime', 'required'],
  ['dyninst', 'none'],
  ['benchmark-sdt', 'none'],
  ['benchmark-sdt-loops', 'required'],
  ['benchmark-sdt-threads', 'required'],
  ['color', 'optional'],
  ['colour', 'optional'],
  ['prologue-searching', 'optional'],
  ['save-uprobes', 'none'],
  ['target-namespaces', 'required'],
  ['monitor', 'optional'],
  ['interactive', 'none'],
  ['example', 'none'],
  ['no-global-var-display', 'none'],
  ['sign-module', 'optional'],
  ['use-http-server', 'required'],
  ['bpf', 'none'],
];

/**
 * Options of stap-ls that stap 4.8 does not have. They match only when spelt in full, so they
 * never make one of stap's abbreviations ambiguous.
 */
const STAP_LS_LONG_ASSUME_DEBUGINFO = 'assume-debuginfo';
const STAP_LS_LONG_KEEP_GOING = 'keep-going';
const STAP_LS_LONG_ASSUME_ARGS = 'assume-args';
const STAP_LS_LONG_TAPSET_DOCUMENT = 'tapset-document';
const STAP_LS_LONG_OPTIONS = [STAP_LS_LONG_ASSUME_DEBUGINFO, STAP_LS_LONG_KEEP_GOING, STAP_LS_LONG_ASSUME_ARGS, STAP_LS_LONG_TAPSET_DOCUMENT];

const SHORT_OPTSTRING = 'hVvtp:I:e:E:o:R:r:a:m:kgPc:x:D:bs:uqiwl:d:L:FS:B:J:jWG:T:';

function shortTakesArg(c: string): boolean | undefined {
  const i = SHORT_OPTSTRING.indexOf(c);
  if (i < 0 || c === ':') return undefined;
  return SHORT_OPTSTRING[i + 1] === ':';
}

/** Options that only matter to passes 3–5: accepted and recorded, with why. */
const LATER_PASS_SHORT: Record<string, string> = {
  k: 'keep the temporary directory',
  t: 'probe timing',
  P: 'prologue searching',
  b: 'bulk mode',
  s: 'buffer size',
  o: 'output file',
  m: 'module name',
  d: 'unwind/symbol data',
  B: 'kbuild option',
  T: 'time limit',
  q: 'tapset coverage',
  F: 'flight recorder',
  S: 'output file size',
};
const LATER_PASS_LONG = new Set([
  'ldd',
  'all-modules',
  'modinfo',
  'skip-badvars',
  'suppress-handler-errors',
  'suppress-time-limits',
  'tmpdir',
  'disable-cache',
  'poison-cache',
  'rlimit-as',
  'rlimit-cpu',
  'rlimit-nproc',
  'rlimit-stack',
  'rlimit-fsize',
  'prologue-searching',
  'save-uprobes',
  'color',
  'colour',
  'remote-prefix',
]);
/** Options stap-ls does not implement, with what they are. */
const UNSUPPORTED_SHORT: Record<string, string> = {
  i: 'interactive mode',
  l: 'probe listing',
  L: 'probe listing',
  J: 'a compile-server option',
  j: 'a compile-server option',
};
const UNSUPPORTED_LONG: Record<string, string> = {
  'client-options': 'compile-server mode',
  'clean-cache': 'cache maintenance',
  'use-server': 'compile servers',
  'list-servers': 'compile servers',
  'trust-servers': 'compile servers',
  'use-server-on-error': 'compile servers',
  remote: 'remote targets (the target would be the remote machine)',
  'check-version': 'version checking',
  'download-debuginfo': 'debuginfo download',
  'dump-probe-types': 'listing',
  'dump-probe-aliases': 'listing',
  'dump-functions': 'listing',
  sysroot: 'sysroots',
  sysenv: 'sysroots',
  'benchmark-sdt': 'benchmarking',
  'benchmark-sdt-loops': 'benchmarking',
  'benchmark-sdt-threads': 'benchmarking',
  'target-namespaces': 'namespaces',
  monitor: 'monitor mode',
  interactive: 'interactive mode',
  example: 'example scripts',
  'sign-module': 'module signing',
  'use-http-server': 'compile servers',
};

export interface CliOptions {
  /** `-p`: default 5 (all passes). */
  lastPass: number;
  /** `-v`/`--vp`: verbosity per pass (index 0 = pass 1). */
  perPassVerbose: [number, number, number, number, number];
  /** `-v` count. */
  verbose: number;
  includeDirs: string[];
  /** `-r`. */
  kernel?: string;
  /** `-R`: the runtime directory (used from pass 3 on). */
  runtimeDir?: string;
  /** `-a`. */
  arch?: string;
  guru: boolean;
  /** `-u`. */
  unoptimized: boolean;
  suppressWarnings: boolean;
  warningsAsErrors: boolean;
  /** `-e SCRIPT`. */
  scriptText?: string;
  /** The script file (`-` for stdin), when there is no `-e`. */
  scriptFile?: string;
  /** `-E SCRIPT`, in order. */
  additionalScripts: string[];
  /** `-D NAME[=VAL]`. */
  defines: string[];
  /** `-G VAR=VAL`. */
  globals: string[];
  /** `--no-global-var-display`: no `end` probe printing unread globals. */
  noGlobalVarDisplay: boolean;
  /** `--assume-debuginfo` (stap-ls only): DWARF probe families resolve without debuginfo. */
  assumeDebuginfo: boolean;
  /** `--assume-args` (stap-ls only): a `$N`/`@N` beyond the arguments given is an unknown value. */
  assumeArgs: boolean;
  /** `--tapset-document` (stap-ls only): a script that is a library file is analysed as that tapset. */
  tapsetDocument: boolean;
  /** `--keep-going` (stap-ls only): pass 2 reports every independent error. */
  keepGoing: boolean;
  /** `-c CMD`. */
  command?: string;
  /** `-x PID`. */
  targetPid?: string;
  compatible: string;
  runtime: Runtime;
  privilege: Privilege;
  /** Whether `--privilege`/`--unprivileged` was given. */
  privilegeSet: boolean;
  /** Script arguments. */
  args: string[];
  /** Options accepted because they only matter after pass 2, as written. */
  laterPassOptions: string[];
  help: boolean;
  version: boolean;
}

/** An exit before any pass: what to print and the status. */
export interface CliExit {
  stdout?: string;
  stderr: string;
  status: number;
}

/** stap's generic usage-error tail (`Try '--help' …` and the `[man foo]` explanation). */
export const TRY_HELP = "Try '--help' for more information. [man stap]\nA message like [man foo] means for more info, run % man foo\n";

function defaultOptions(): CliOptions {
  return {
    lastPass: 5,
    perPassVerbose: [0, 0, 0, 0, 0],
    verbose: 0,
    includeDirs: [],
    guru: false,
    unoptimized: false,
    suppressWarnings: false,
    warningsAsErrors: false,
    additionalScripts: [],
    defines: [],
    globals: [],
    noGlobalVarDisplay: false,
    assumeDebuginfo: false,
    assumeArgs: false,
    tapsetDocument: false,
    keepGoing: false,
    compatible: STAP_VERSION,
    runtime: 'kernel',
    privilege: 'stapdev',
    privilegeSet: false,
    args: [],
    laterPassOptions: [],
    help: false,
    version: false,
  };
}

/** `strtoul`-style: optional leading space and sign, then digits to the end. */
function parseWholeNumber(text: string): number | undefined {
  const m = /^\s*\+?(\d+)$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Parses stap's command line (`argv` without the program name). `prog` is the name getopt
 * puts in front of its messages. Returns the options, or the exit stap makes.
 */
export function parseCommandLine(argv: readonly string[], prog = 'stap-ls'): CliOptions | CliExit {
  const o = defaultOptions();
  const operands: string[] = [];
  const usage = (line: string): CliExit => ({ stderr: `${line}\n${TRY_HELP}`, status: 1 });
  const fail = (line: string): CliExit => ({ stderr: `${line}\n`, status: 1 });
  const unsupported = (spelt: string, what: string): CliExit =>
    fail(`${prog}: option '${spelt}' is not supported: ${what} (stap-ls implements passes 1 and 2)`);

  /** Applies one option; returns an exit on error. */
  const apply = (key: string, value: string | undefined, spelt: string): CliExit | undefined => {
    switch (key) {
      case 'h':
      case 'help':
        o.help = true;
        return undefined;
      case 'V':
      case 'version':
        o.version = true;
        return undefined;
      case 'v':
        o.verbose++;
        for (let i = 0; i < 5; i++) o.perPassVerbose[i]++;
        return undefined;
      case 'vp': {
        if (!/^\d{1,5}$/.test(value ?? '')) return fail('Invalid --vp argument: it takes 1 to 5 digits.');
        for (let i = 0; i < value!.length; i++) o.perPassVerbose[i] += Number(value![i]);
        return undefined;
      }
      case 'p': {
        const n = parseWholeNumber(value!);
        if (n === undefined || n < 1 || n > 5) return fail('Invalid pass number (should be 1-5).');
        o.lastPass = n;
        return undefined;
      }
      case 'I':
        o.includeDirs.push(value!);
        return undefined;
      case 'e':
        if (o.scriptText !== undefined) return fail('Only one script can be given on the command line.');
        o.scriptText = value!;
        return undefined;
      case 'E':
        o.additionalScripts.push(value!);
        return undefined;
      case 'R':
        o.runtimeDir = value!;
        return undefined;
      case 'r':
        o.kernel = value!;
        return undefined;
      case 'a':
        o.arch = value!;
        return undefined;
      case 'g':
        o.guru = true;
        return undefined;
      case 'u':
        o.unoptimized = true;
        return undefined;
      case 'w':
        o.suppressWarnings = true;
        return undefined;
      case 'W':
        o.warningsAsErrors = true;
        return undefined;
      case 'D':
        if (!/^[a-z_][a-z_0-9]*(=-?[a-z_0-9]+)?$/i.test(value!)) {
          return fail(
            `ERROR: Safety pattern mismatch for -D parameter ('${value}' vs. '^[a-z_][a-z_0-9]*(=-?[a-z_0-9]+)?$') rc=1`,
          );
        }
        o.defines.push(value!);
        return undefined;
      case 'G':
        if (!/^[a-z_][a-z0-9_]*=[a-z0-9_.-]+$/i.test(value!)) {
          return fail(
            `ERROR: Safety pattern mismatch for -G parameter ('${value}' vs. '^[a-z_][a-z0-9_]*=[a-z0-9_.-]+$') rc=1`,
          );
        }
        o.globals.push(value!);
        return undefined;
      case 'no-global-var-display':
        o.noGlobalVarDisplay = true;
        return undefined;
      case STAP_LS_LONG_ASSUME_DEBUGINFO:
        o.assumeDebuginfo = true;
        return undefined;
      case STAP_LS_LONG_ASSUME_ARGS:
        o.assumeArgs = true;
        return undefined;
      case STAP_LS_LONG_TAPSET_DOCUMENT:
        o.tapsetDocument = true;
        return undefined;
      case STAP_LS_LONG_KEEP_GOING:
        o.keepGoing = true;
        return undefined;
      case 'c':
        o.command = value!;
        return undefined;
      case 'x':
        o.targetPid = value!;
        return undefined;
      case 'compatible':
        if (strverscmp(value!, STAP_VERSION) > 0) {
          return fail(`ERROR: systemtap version ${STAP_VERSION} cannot be compatible with future version ${value}`);
        }
        o.compatible = value!;
        return undefined;
      case 'runtime':
        if (value === 'kernel' || value === 'bpf') o.runtime = value;
        else if (value === 'dyninst') return fail('ERROR: --runtime=dyninst unavailable; this build lacks DYNINST feature');
        else return fail(`ERROR: ${value} is an invalid argument for --runtime`);
        return undefined;
      case 'bpf':
        o.runtime = 'bpf';
        return undefined;
      case 'dyninst':
        return fail('ERROR: --runtime=dyninst unavailable; this build lacks DYNINST feature');
      case 'privilege':
        if (value !== 'stapdev' && value !== 'stapsys' && value !== 'stapusr') {
          return fail(`Invalid argument '${value}' for --privilege.`);
        }
        o.privilege = value;
        o.privilegeSet = true;
        return undefined;
      case 'unprivileged':
        o.privilege = 'stapusr';
        o.privilegeSet = true;
        return undefined;
      default:
        if (key.length === 1 && UNSUPPORTED_SHORT[key]) return unsupported(spelt, UNSUPPORTED_SHORT[key]);
        if (UNSUPPORTED_LONG[key]) return unsupported(spelt, UNSUPPORTED_LONG[key]);
        if ((key.length === 1 && LATER_PASS_SHORT[key]) || LATER_PASS_LONG.has(key)) {
          o.laterPassOptions.push(value === undefined ? spelt : `${spelt}=${value}`);
          return undefined;
        }
        return unsupported(spelt, 'unknown to stap-ls');
    }
  };

  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (STAP_LS_LONG_OPTIONS.includes(arg.slice(2))) {
      // stap-ls's own options: whole names only, so stap's prefix matching is unchanged.
      const exit = apply(arg.slice(2), undefined, arg);
      if (exit) return exit;
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const exact = LONG_OPTIONS.find(([n]) => n === name);
      const matches = exact ? [exact] : LONG_OPTIONS.filter(([n]) => n.startsWith(name));
      if (matches.length === 0) return usage(`${prog}: unrecognized option '${arg}'`);
      if (matches.length > 1) {
        return usage(
          `${prog}: option '${arg.slice(0, eq < 0 ? undefined : eq)}' is ambiguous; possibilities:` +
            matches.map(([n]) => ` '--${n}'`).join(''),
        );
      }
      const [full, kind] = matches[0];
      let value: string | undefined;
      if (eq >= 0) {
        if (kind === 'none') return usage(`${prog}: option '--${full}' doesn't allow an argument`);
        value = arg.slice(eq + 1);
      } else if (kind === 'required') {
        if (i + 1 >= argv.length) return usage(`${prog}: option '--${full}' requires an argument`);
        value = argv[++i];
      }
      const exit = apply(full, value, `--${full}`);
      if (exit) return exit;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') {
      for (let k = 1; k < arg.length; k++) {
        const c = arg[k];
        const takes = shortTakesArg(c);
        if (takes === undefined) return usage(`${prog}: invalid option -- '${c}'`);
        if (!takes) {
          const exit = apply(c, undefined, `-${c}`);
          if (exit) return exit;
          continue;
        }
        let value: string;
        if (k + 1 < arg.length) value = arg.slice(k + 1);
        else if (i + 1 < argv.length) value = argv[++i];
        else return usage(`${prog}: option requires an argument -- '${c}'`);
        const exit = apply(c, value, `-${c}`);
        if (exit) return exit;
        break;
      }
      continue;
    }
    operands.push(arg);
  }
  operands.push(...argv.slice(i));

  if (o.help || o.version) return o;
  // check_options: the script, then privilege/guru consistency.
  if (o.scriptText === undefined) {
    if (operands.length === 0) {
      return { stderr: `A script must be specified.\nTry '-i' for building a script interactively.\n${TRY_HELP}`, status: 1 };
    }
    o.scriptFile = operands.shift();
  }
  o.args = operands;
  if (o.guru && o.privilegeSet && o.privilege !== 'stapdev') {
    return usage(`You can't specify -g and --privilege=${o.privilege} together.`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// Running: the main.cxx part around the passes.

/** What a run needs from the outside world. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  /** stdin as latin1 text (for the `-` script). */
  readStdin(): string;
  files: Pass1Io;
  targetHost: TargetHost;
}

/** What a run printed and its exit status; stdout and stderr are latin1 strings (one char = one byte). */
export interface CliOutput {
  stdout: string;
  stderr: string;
  status: number;
}

/**
 * The banner stap prints on stdout at `-vv` and above (main.cxx `version()`): that of the stap
 * build whose behaviour stap-ls mirrors (Debian's 4.8-2), so that `-vv` stdout stays identical.
 */
export const STAP_BANNER = `Systemtap translator/driver (version 4.8/0.188, Debian version 4.8-2)
Copyright (C) 2005-2022 Red Hat, Inc. and others
This is free software; see the source for copying conditions.
tested kernel versions: 2.6.32 ... 6.1.0-rc3
enabled features: AVAHI BPF LIBSQLITE3 NLS NSS
`;

export const HELP = `stap-ls: SystemTap's translator front end (passes 1 and 2 of stap ${STAP_VERSION}).

Usage: stap-ls [options] FILE [ARGS]        Parse the script in FILE.
   or: stap-ls [options] -                  Parse the script on stdin.
   or: stap-ls [options] -e SCRIPT [ARGS]   Parse the given script.

Options (as stap's):
   -p NUM     stop after pass NUM: 1 (parse) or 2 (elaborate)
   -v         add verbosity to all passes; --vp NNNNN per pass
   -I DIR     look in DIR for additional .stp/.stpm tapset files
   -r DIR     kernel build tree (its include/config/kernel.release and .config)
   -r RELEASE kernel release, build tree /lib/modules/RELEASE/build
   -R DIR     runtime directory
   -a ARCH    target architecture
   -g         guru mode
   -u         unoptimized translation
   -w         suppress warnings; -W turns warnings into errors
   -e SCRIPT  the script; -E SCRIPT an additional script
   -D NM=VAL  C macro definition (recorded)
   -G VAR=VAL global variable initialised on the command line (not reported as never-assigned)
   --compatible=VERSION, --runtime=kernel|bpf, --bpf, --privilege=LEVEL, --unprivileged
   --no-global-var-display  no end probe printing globals that are written but never read

Options of stap-ls only (spelt in full):
   --assume-debuginfo  DWARF-based probes (kernel.function, process().function, $vars)
                       resolve as if debuginfo were installed, instead of failing
   --keep-going        pass 2 reports every independent error, not only the first step's
   --assume-args       a $N/@N beyond the arguments given is an unknown number/string
                       (and a probe point using one is accepted unresolved), not an error
   --tapset-document   a script that is one of the tapset library's files is analysed as
                       that tapset (guru parse, its errors as errors, no usage error) in
                       place of the library's copy of it
Options that only affect passes 3-5 are accepted and recorded; others are refused.
`;

/**
 * What a caller of {@link runCli} may see of a run besides its output: the language server
 * (workspace/analysis.ts) takes the session, the parsed files and the elaboration from here, and
 * records the diagnostics through its own Reporter. The run itself is the same.
 */
export interface CliObserver<F, M> {
  /** The Reporter the run prints through (a subclass may record what it prints). */
  reporter?(options: ReporterOptions): Reporter;
  /** Called once pass 1 (and pass 2, when it ran) are done. */
  done?(run: { session: Session; pass1: Pass1Result<F, M>; elaboration?: Elaboration }): void;
  /**
   * The caller wants the elaboration and the diagnostics, not the `-p2` printout (the editor):
   * the dump is not printed, and pass 2 skips what only shapes generated code (Pass2Options
   * `analysisOnly`).
   */
  analysisOnly?: boolean;
}

/** Runs the command line `argv` (without the program name). Pure apart from `io`. */
export function runCli<F, M>(
  argv: readonly string[],
  io: CliIo,
  getWiring: () => Pass1Wiring<F, M>,
  prog = 'stap-ls',
  observer?: CliObserver<F, M>,
): CliOutput {
  const parsed = parseCommandLine(argv, prog);
  if (!('perPassVerbose' in parsed)) return { stdout: parsed.stdout ?? '', stderr: parsed.stderr, status: parsed.status };
  const o = parsed;
  if (o.help) return { stdout: HELP, stderr: '', status: 0 };
  if (o.version) {
    return { stdout: `stap-ls: passes 1-2 of the Systemtap translator/driver (version ${STAP_VERSION})\n`, stderr: '', status: 0 };
  }

  const resolved = resolveTarget({ kernel: o.kernel, arch: o.arch, runtime: o.runtime }, io.targetHost);
  const banner = o.verbose >= 2 ? STAP_BANNER : '';
  if ('error' in resolved) return { stdout: banner, stderr: `${resolved.error}\n`, status: 1 };

  const session: Session = {
    target: resolved.target,
    compatible: o.compatible,
    privilege: o.privilege,
    guru: o.guru,
    includePath: includePath({ SYSTEMTAP_TAPSET: io.env.SYSTEMTAP_TAPSET, XDG_DATA_DIRS: io.env.XDG_DATA_DIRS }, o.includeDirs),
    args: o.args,
    assumeArgs: o.assumeArgs,
    tapsetDocument: o.tapsetDocument,
    verbose: o.verbose,
    lastPass: o.lastPass,
    suppressWarnings: o.suppressWarnings,
    warningsAsErrors: o.warningsAsErrors,
  };
  const pass1Verbose = o.perPassVerbose[0];
  const reporterOptions = { verbose: o.verbose, suppressWarnings: o.suppressWarnings };
  const reporter = observer?.reporter?.(reporterOptions) ?? new Reporter(reporterOptions);
  if (o.verbose >= 2) {
    reporter.write(`Session arch: ${session.target.arch} release: ${session.target.kernelRelease}\n`);
    reporter.write(`Build tree: "${resolved.buildTree}"\n`);
  }

  const kernel = readKernelSymbols(session, resolved.buildTree, io.files, reporter);
  if (!kernel) return { stdout: banner, stderr: reporter.text, status: 1 };

  let script: UserScript;
  if (o.scriptText !== undefined) script = { kind: 'text', text: o.scriptText };
  else if (o.scriptFile === '-') script = { kind: 'text', text: io.readStdin() };
  else script = { kind: 'file', path: o.scriptFile! };

  const wiring = getWiring();
  let result: ReturnType<typeof runPass1<F, M>>;
  try {
    result = runPass1(session, { script, additional: o.additionalScripts }, wiring.frontend, io.files, reporter, pass1Verbose);
  } catch (e) {
    // `bad lexical cast` and friends: stap prints the message and exits at once.
    if (e instanceof Pass1Abort) return { stdout: banner, stderr: reporter.text + e.text, status: 1 };
    throw e;
  }
  let stdout = banner;
  let status = result.ok ? 0 : 1;
  let elaboration: Elaboration | undefined;
  if (result.ok) {
    if (o.lastPass === 1) {
      const cached = result.library.cachedDump;
      const libraryDump = cached && pass1Verbose > 0 ? cached() : undefined;
      if (!cached) {
        stdout += wiring.printDump(result.userFiles, result.libraryFiles, pass1Verbose > 0);
      } else if (pass1Verbose === 0) {
        stdout += wiring.printDump(result.userFiles, [], false);
      } else if (libraryDump !== undefined) {
        stdout += wiring.printDump(result.userFiles, [], false) + libraryDump;
      } else {
        // The cached dump is gone: parse the library after all.
        const fresh = getLibrary(session, wiring.frontend, { ...io.files, libraryStore: undefined }, { fresh: true });
        stdout += wiring.printDump(result.userFiles, fresh.files.map((f) => f.stapfile), true);
      }
    } else if (o.lastPass === 2) {
      const pass2 = runPass2Cli(o, session, resolved.buildTree, kernel, result, io, reporter, observer?.analysisOnly === true);
      stdout += pass2.stdout;
      status = pass2.ok ? 0 : 1;
      elaboration = pass2.elaboration;
    } else {
      reporter.write(`${prog}: pass ${o.lastPass} is not implemented: stap-ls stops after pass 2 (use -p1 or -p2)\n`);
      status = 1;
    }
  }
  reporter.reportSuppression();
  observer?.done?.({ session, pass1: result, elaboration });
  return { stdout, stderr: reporter.text, status };
}

/**
 * What stap reads of the kernel build tree at start-up, before pass 1 (session.cxx
 * `parse_kernel_config`, `parse_kernel_exports`, `read_kernel_function_symbols`): at `-vvv` it
 * names `.config`, `Module.symvers` and `System.map` with their counts. The function symbols
 * (`t`/`T` lines) come from `BUILD/System.map`, else `/boot/System.map-RELEASE`; at `-vv` each
 * unreadable candidate is named, and when neither is there stap warns that the table is missing
 * (under `-W` that warning fails pass 1).
 */
function readKernelSymbols(session: Session, buildTree: string, files: Pass1Io, reporter: Reporter): KernelSymbols | undefined {
  const symbols = new Set<string>();
  const exports = new Set<string>();
  if (session.target.runtime !== 'kernel') return { symbols, exports };
  const verbose = session.verbose;
  if (verbose > 2) {
    const n = session.target.kernelConfig.size;
    reporter.write(`Parsed kernel "${buildTree}/.config", containing ${n} tuple${n === 1 ? '' : 's'}\n`);
  }
  const symversPath = `${buildTree}/Module.symvers`;
  const symvers = files.readFile(symversPath);
  if (symvers instanceof Error) {
    // Fatal before pass 1 (session.cxx `parse_kernel_exports`).
    reporter.write(`Checking "${symversPath}" failed with error: ${symvers.message}\nEnsure kernel development headers & makefiles are installed\n`);
    return undefined;
  }
  for (const line of symvers.split('\n')) {
    const fields = line.split('\t');
    if (fields[2] === 'vmlinux') exports.add(fields[1]);
  }
  if (verbose > 2) {
    const n = exports.size;
    reporter.write(`Parsed kernel "${buildTree}/Module.symvers", containing ${n === 1 ? 'one vmlinux export' : `${n} vmlinux exports`}\n`);
  }
  for (const path of [`${buildTree}/System.map`, `/boot/System.map-${session.target.kernelRelease}`]) {
    const text = files.readFile(path);
    if (text instanceof Error) {
      if (verbose >= 2) reporter.write(`Kernel symbol table ${path} unavailable, (${text.message})\n`);
      continue;
    }
    // A real System.map has ~120k symbols: the last one parsed is kept for the next run (the
    // server and the tests run many against the same map); equal text gives the same set.
    if (lastSystemMap?.text !== text) lastSystemMap = { text, symbols: systemMapFunctions(text) };
    const functions = lastSystemMap.symbols;
    if (verbose > 2) reporter.write(`Parsed kernel "${path}", containing ${functions.size} symbol${functions.size === 1 ? '' : 's'}\n`);
    return { symbols: functions, exports };
  }
  reporter.warning({ message: 'Kernel function symbol table missing [man warning::symbols]' });
  // stap then names the last candidate as parsed, empty.
  if (verbose > 2) reporter.write(`Parsed kernel "/boot/System.map-${session.target.kernelRelease}", containing 0 symbols\n`);
  return { symbols, exports };
}

/** The function symbols (`t`/`T` lines) of a System.map. */
function systemMapFunctions(text: string): Set<string> {
  const symbols = new Set<string>();
  for (const line of text.split('\n')) {
    const [, type, name] = line.trim().split(/\s+/);
    if (name && (type === 'T' || type === 't')) symbols.add(name);
  }
  return symbols;
}

let lastSystemMap: { text: string; symbols: ReadonlySet<string> } | undefined;

/** What readKernelSymbols read: System.map's function symbols and Module.symvers' vmlinux exports. */
interface KernelSymbols {
  symbols: ReadonlySet<string>;
  exports: ReadonlySet<string>;
}

/** The `-v` line of pass 2 (main.cxx `passes_0_4`), with stap's singular forms. */
export function pass2VerboseLine(e: Elaboration, start: Usage, end: Usage): string {
  const count = (n: number, word: string, sep: string) => `${n} ${word}${n === 1 ? '' : 's'}${sep}`;
  return (
    `Pass 2: analyzed script: ${count(e.probes.length, 'probe', ', ')}${count(e.functions.size, 'function', ', ')}` +
    `${count(e.embeds.length, 'embed', ', ')}${count(e.globals.length, 'global', ' ')}` +
    `using ${end.virtKb}virt/${end.resKb}res/${end.shrKb}shr/${end.dataKb}data kb, ` +
    `in ${Math.round(end.userMs - start.userMs)}usr/${Math.round(end.sysMs - start.sysMs)}sys/` +
    `${Math.round(end.realMs - start.realMs)}real ms.\n`
  );
}

/** `-G NAME=VALUE` options as a map (a later one wins). */
function commandLineGlobals(globals: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of globals) {
    const eq = g.indexOf('=');
    out.set(g.slice(0, eq), g.slice(eq + 1));
  }
  return out;
}

/**
 * Pass 2 as main.cxx runs it after a successful pass 1 with `-p2`: `semantic_pass`, its
 * diagnostics, the `-v` line, the unused-argument warnings, the failure line, and the dump
 * (stdout) when pass 2 succeeded, or at `-vvv` whatever happened. Under `-W` any warning
 * printed so far fails the pass (stap counts warnings as errors), but not the unused-argument
 * ones, which come after the check.
 *
 * Pass 2 gets the library as summaries with lazily-parsed trees (elaborate/library-view.ts): a
 * library restored from the persistent cache parses only the files pass 2 pulls in.
 */
function runPass2Cli<F, M>(
  o: CliOptions,
  session: Session,
  buildTree: string,
  kernel: KernelSymbols,
  pass1: Pass1Result<F, M>,
  io: CliIo,
  reporter: Reporter,
  analysisOnly = false,
): { ok: boolean; stdout: string; elaboration: Elaboration } {
  const verbose = o.perPassVerbose[1];
  const start = io.files.usage?.();
  const options: Pass2Options = {
    unoptimized: o.unoptimized,
    assumeDebuginfo: o.assumeDebuginfo,
    keepGoing: o.keepGoing,
    kernelBuildDir: buildTree,
    kernelSymbols: kernel.symbols,
    kernelExports: kernel.exports,
    targetProcess: o.command !== undefined || o.targetPid !== undefined,
    commandLineGlobals: commandLineGlobals(o.globals),
    noGlobalVarDisplay: o.noGlobalVarDisplay,
    analysisOnly,
  };
  const userFiles = pass1.userFiles as unknown as StapFile[];
  // The library as lazily-parsed views: pass 2 parses only the files it pulls in.
  const { ok: passed, elaboration } = runPass2(session, options, userFiles, viewsOfLoadedFiles(pass1.library.files));
  printPass2Diagnostics(elaboration.diagnostics, reporter, verbose);
  const ok = passed && !(session.warningsAsErrors && reporter.warningCount > 0);
  if (verbose > 0 && start && io.files.usage) reporter.write(pass2VerboseLine(elaboration, start, io.files.usage()));
  printUnusedArguments(o.args.length, pass1.usedArgs, reporter);
  if (!ok) reporter.write(PASS2_FAILED);
  const stdout = !analysisOnly && (ok || verbose > 2) ? printElaborationDump(elaboration, verbose > 0) : '';
  return { ok, stdout, elaboration };
}

/**
 * The persistent library cache of this machine (tapsets/library-cache.ts): a directory,
 * `$STAP_LS_CACHE_DIR`, else `$XDG_CACHE_HOME/stap-ls`, else `~/.cache/stap-ls`.
 * `STAP_LS_CACHE=0` turns it off. The build id is the identity of the running bundle (or, run
 * from the TypeScript sources, of the newest source file), so a new build never reads entries
 * an older one wrote.
 */
export function nodeLibraryStore(env: Readonly<Record<string, string | undefined>>): LibraryStore | undefined {
  const dir = cacheDirectory(env);
  if (dir === undefined) return undefined;
  let buildId: string;
  try {
    buildId = __filename.endsWith('.js') ? stamp(__filename) : newestSource(join(__dirname));
  } catch {
    return undefined;
  }
  return {
    buildId,
    load(name) {
      try {
        return readFileSync(join(dir, name), 'latin1');
      } catch {
        return undefined;
      }
    },
    save(name, data) {
      try {
        mkdirSync(dir, { recursive: true });
        const tmp = join(dir, `.${name}.${process.pid}.tmp`);
        writeFileSync(tmp, data, 'latin1');
        renameSync(tmp, join(dir, name));
      } catch {
        // A cache that cannot be written is no cache; the run goes on.
      }
    },
  };
}

/** Where the persistent cache (and the startup snapshot) live; undefined when it is off. */
export function cacheDirectory(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.STAP_LS_CACHE === '0') return undefined;
  return env.STAP_LS_CACHE_DIR ?? join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'stap-ls');
}

/** The newest `.ts` below `dir`, for a build id when running from the sources. */
function newestSource(dir: string): string {
  let newest = '';
  let newestMs = -1;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (name.endsWith('.ts') && st.mtimeMs > newestMs) {
        newestMs = st.mtimeMs;
        newest = `${path}:${st.size}:${st.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return newest;
}

/** The real machine: files, stdin, environment, resource figures. */
export function nodeCliIo(): CliIo {
  return {
    env: process.env,
    readStdin: () => {
      try {
        return readFileSync(0, 'latin1');
      } catch {
        return '';
      }
    },
    targetHost: nodeTargetHost,
    files: {
      libraryStore: nodeLibraryStore(process.env),
      readFile(path) {
        try {
          return readFileSync(path, 'latin1');
        } catch (err) {
          return new Error(strerror(err));
        }
      },
      readdir(dir) {
        try {
          return readdirSync(dir);
        } catch {
          return undefined;
        }
      },
      readdirTyped(dir) {
        try {
          return readdirSync(dir, { withFileTypes: true }).map((d) => ({
            name: d.name,
            type: d.isFile() ? 'file' : d.isDirectory() ? 'directory' : d.isSymbolicLink() ? 'symlink' : 'other',
          }));
        } catch {
          return undefined;
        }
      },
      stat(path) {
        try {
          const st = statSync(path);
          return {
            dev: st.dev,
            ino: st.ino,
            isFile: st.isFile(),
            isDirectory: st.isDirectory(),
            size: st.size,
            mtimeMs: st.mtimeMs,
          };
        } catch {
          return undefined;
        }
      },
      usage: processUsage,
    },
  };
}

/** This process's figures for the `-v` line: /proc/self/statm pages, CPU time, wall time. */
export function processUsage(): Usage {
  let virtKb = 0;
  let resKb = 0;
  let shrKb = 0;
  let dataKb = 0;
  try {
    const [size, resident, shared, , , data] = readFileSync('/proc/self/statm', 'latin1').trim().split(/\s+/).map(Number);
    const kb = 4096 / 1024;
    virtKb = size * kb;
    resKb = resident * kb;
    shrKb = shared * kb;
    dataKb = data * kb;
  } catch {
    const m = process.memoryUsage();
    resKb = Math.round(m.rss / 1024);
    dataKb = Math.round(m.heapUsed / 1024);
  }
  const cpu = process.cpuUsage();
  return { virtKb, resKb, shrKb, dataKb, userMs: cpu.user / 1000, sysMs: cpu.system / 1000, realMs: performance.now() };
}

/** `stap-ls --stdio` / `--node-ipc` / `--socket=PORT`: the language server instead of a run. */
export function isServerMode(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--clientProcessId'));
}

/** Process entry: runs the command line and writes the output as latin1 bytes. */
export function main(argv = process.argv.slice(2), prog = 'stap-ls'): void {
  if (isServerMode(argv)) {
    startServer();
    return;
  }
  const io = nodeCliIo();
  // Keep what stdin gave, in case the run has to be repeated in a worker (below).
  let stdin: string | undefined;
  const readStdin = io.readStdin;
  io.readStdin = () => (stdin ??= readStdin());
  let out: CliOutput;
  try {
    out = runCli(argv, io, stapWiring, prog);
  } catch (err) {
    if (isStackOverflow(err)) {
      rerunWithBigStack(argv, prog, stdin);
      return;
    }
    out = internalError(prog, err);
  }
  scheduleSnapshot({ argv, cwd: process.cwd(), env: process.env, cacheDir: cacheDirectory(process.env), bundle: __filename });
  // Exit as soon as the output is out, rather than tear the heap down piece by piece (a tenth
  // of a run's CPU). A pipe takes only so much at once: wait until both streams have flushed.
  writeOutput(out, () => process.exit());
}

/** The stack of the worker that runs a script too deeply nested for the main thread's stack. */
const BIG_STACK_MB = 2048;

function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack size/.test(err.message);
}

function internalError(prog: string, err: unknown): CliOutput {
  return { stdout: '', stderr: `${prog}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`, status: 70 };
}

/** Writes the output as latin1 bytes; `flushed` runs once both streams have taken all of it. */
function writeOutput(out: CliOutput, flushed?: () => void): void {
  process.exitCode = out.status;
  let pending = 2;
  const done = () => {
    if (--pending === 0) flushed?.();
  };
  process.stdout.write(Buffer.from(out.stdout, 'latin1'), done);
  process.stderr.write(Buffer.from(out.stderr, 'latin1'), done);
}

/**
 * The passes recurse over the tree, as stap's visitors do; a script nested some thousands deep
 * (`1+1+…` 6,000 times, which stap takes) overflows the main thread's stack. Such a run is done
 * again in a worker thread with a big stack, so the user gets stap's answer, not a crash.
 */
function rerunWithBigStack(argv: readonly string[], prog: string, stdin: string | undefined): void {
  const self = JSON.stringify(__filename);
  const code = __filename.endsWith('.ts')
    ? `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${self}).bigStackWorker();`
    : `require(${self}).bigStackWorker();`;
  const worker = new Worker(code, { eval: true, workerData: { argv, prog, stdin }, resourceLimits: { stackSizeMb: BIG_STACK_MB } });
  let answered = false;
  worker.once('message', (out: CliOutput) => {
    answered = true;
    writeOutput(out);
  });
  worker.once('error', (err) => {
    answered = true;
    writeOutput(internalError(prog, err));
  });
  worker.once('exit', () => {
    if (!answered) writeOutput(internalError(prog, new Error('the big-stack worker ended without an answer')));
  });
}

/** The worker side of {@link rerunWithBigStack}. */
export function bigStackWorker(): void {
  const { argv, prog, stdin } = workerData as { argv: string[]; prog: string; stdin?: string };
  const io = nodeCliIo();
  if (stdin !== undefined) io.readStdin = () => stdin;
  let out: CliOutput;
  try {
    out = runCli(argv, io, stapWiring, prog);
  } catch (err) {
    out = internalError(prog, err);
  }
  parentPort!.postMessage(out);
}

if (require.main === module) main();
else if (buildingSnapshot()) {
  buildSnapshot(
    (argv) => void runCli(argv, nodeCliIo(), stapWiring),
    (argv) => main([...argv]),
  );
}
