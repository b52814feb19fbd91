/**
 * The built-in probe families as this target resolves them: the builders stap binds in
 * tapsets.cxx `register_standard_tapsets` (be_builder, never_builder, timer_builder,
 * procfs_builder, kprobe_builder, netfilter_builder, dwarf_builder, tracepoint_builder,
 * mark_builder, perf_builder, hwbkpt_builder, utrace/uprobe builders, itrace_builder), reduced
 * to what they decide without a running kernel: accept and build a derived probe, reject with
 * stap's message, or find nothing (then derive.ts reports `no match`).
 *
 * Each outcome was read off the real stap 4.8 on the fake build tree (x86_64, CONFIG_KPROBES=y,
 * a two-symbol System.map, no debuginfo, an empty Module.symvers): begin/end/error/never,
 * timers, procfs, netfilter and kprobes resolve; DWARF families fail with `missing … debuginfo`;
 * tracepoints and markers find nothing; perf, hardware breakpoints and process probes lack
 * kernel support. `--assume-debuginfo` (the editor's mode) makes every family that only lacks
 * target support resolve, so that a well-formed script gets no error.
 *
 * No IO: the kernel symbols and config come in through the session and options.
 */
import type { Literal, ProbePoint, ProbePointComponent } from '../ast/staptree';
import type { Token } from '../passes/parse/token';
import { fnmatch, hasWildcard } from '../util/fnmatch';
import { levenshteinSuggest } from './levenshtein';
import { SemanticError, type Elaboration } from './model';

/** What a family builder decided for one fully matched probe point. */
export type FamilyOutcome =
  /** Derived probes, each with its printed location and builder-specific signature suffix. */
  | { kind: 'probes'; family: string; probes: { location: ProbePoint; sigSuffix: string }[] }
  /** Nothing found (a tracepoint or marker that does not exist): not an error by itself. */
  | { kind: 'none' };

/** What a builder needs to know about the probe being derived. */
export interface FamilyRequest {
  e: Elaboration;
  /** The fully matched location (no wildcards left in the pattern components). */
  loc: ProbePoint;
  /** The pattern it matched, e.g. `timer.ms(number).randomize(number)`. */
  pattern: string;
  /** The use's token (`probe` keyword or the alias use's first component). */
  useTok: Token;
  /** Whether the probe was written with guru privilege (`-g` or a tapset). */
  privileged: boolean;
}

/** The argument of the first component named `name`. */
function argOf(loc: ProbePoint, name: string): Literal | undefined {
  return loc.components.find((c) => c.functor === name)?.arg;
}

function numArg(loc: ProbePoint, name: string): bigint | undefined {
  const a = argOf(loc, name);
  return a?.kind === 'literal_number' ? a.value : undefined;
}

function strArg(loc: ProbePoint, name: string): string | undefined {
  const a = argOf(loc, name);
  return a?.kind === 'literal_string' ? a.value : undefined;
}

/** A copy of `loc` (shared condition, as stap's `new probe_point(*loc)`), with components replaced. */
function withComponents(loc: ProbePoint, components: ProbePointComponent[]): ProbePoint {
  return { ...loc, components };
}

const DEBUGINFO_SITE = 'dwflpp.cxx:349';

function missingDebuginfo(e: Elaboration): SemanticError {
  return new SemanticError(
    `missing ${e.session.target.arch} kernel/module debuginfo [man warning::debuginfo] under '${e.options.kernelBuildDir}'`,
    undefined,
    undefined,
    DEBUGINFO_SITE,
  );
}

function one(family: string, loc: ProbePoint, sigSuffix = ''): FamilyOutcome {
  return { kind: 'probes', family, probes: [{ location: loc, sigSuffix }] };
}

// ---------------------------------------------------------------------------------------------
// Timers (tapset-timers.cxx)

/** timer.<unit>(N): the unit's accepted range, as stap prints it. */
const TIMER_RANGES: Record<string, [bigint, bigint]> = {
  s: [1n, 86400n],
  sec: [1n, 86400n],
  ms: [1n, 86400000n],
  msec: [1n, 86400000n],
  us: [100n, 86400000000n],
  usec: [100n, 86400000000n],
  ns: [100000n, 86400000000000n],
  nsec: [100000n, 86400000000000n],
};

/** tapset-timers.cxx `timer_builder::build`. */
function buildTimer(r: FamilyRequest): FamilyOutcome {
  const unit = r.loc.components[1]?.functor ?? '';
  const loc = r.loc;
  if (unit === 'profile') {
    if (r.e.options.assumeDebuginfo) return one('timer', loc);
    throw new SemanticError('profiling timer support (register_timer_hook) not found in kernel!', undefined, undefined, 'tapset-timers.cxx:625');
  }
  const value = numArg(loc, unit) ?? 0n;
  const rand = numArg(loc, 'randomize');
  if (unit === 'hz') {
    if (value <= 0n) throw new SemanticError('frequency must be greater than 0', undefined, undefined, 'tapset-timers.cxx:649');
    return one('timer', loc);
  }
  if (unit === 'jiffies') {
    if (value <= 0n || value > 1000000n) {
      throw new SemanticError('invalid interval for jiffies timer', undefined, undefined, 'tapset-timers.cxx:67');
    }
    if (rand !== undefined && (rand < 0n || rand > value)) {
      throw new SemanticError('randomization value out of range', undefined, undefined, 'tapset-timers.cxx:73');
    }
    return one('timer', loc);
  }
  const range = TIMER_RANGES[unit];
  if (range) {
    if (value < range[0] || value > range[1]) {
      throw new SemanticError(`interval value out of range (${range[0]}, ${range[1]})`, undefined, undefined, 'tapset-timers.cxx:210');
    }
    if (rand !== undefined && (rand < 0n || rand > value)) {
      throw new SemanticError('randomization value out of range', undefined, undefined, 'tapset-timers.cxx:216');
    }
  }
  return one('timer', loc);
}

// ---------------------------------------------------------------------------------------------
// procfs (tapset-procfs.cxx)

/** tapset-procfs.cxx `procfs_builder::build`: the path checks. */
function buildProcfs(r: FamilyRequest): FamilyOutcome {
  const path = strArg(r.loc, 'procfs');
  const tok = r.loc.components[0].tok;
  if (path !== undefined) {
    if (path.startsWith('/')) {
      throw new SemanticError("procfs path cannot start with a '/'", tok, undefined, 'tapset-procfs.cxx:721');
    }
    if (path === '' || path.endsWith('/')) {
      throw new SemanticError("procfs path cannot end with a '/'", tok, undefined, 'tapset-procfs.cxx:738');
    }
    for (const part of path.split('/')) {
      if (part === '') throw new SemanticError('procfs path component cannot be empty', tok, undefined, 'tapset-procfs.cxx:735');
      if (part === '.' || part === '..') {
        throw new SemanticError("procfs path cannot be relative (and contain '.' or '..')", tok, undefined, 'tapset-procfs.cxx:741');
      }
    }
  }
  const maxsize = numArg(r.loc, 'maxsize');
  if (maxsize !== undefined && maxsize <= 0n) {
    throw new SemanticError('maxsize must be greater than 0', undefined, undefined, 'procfs_builder::build:maxsize');
  }
  return one('procfs', r.loc);
}

// ---------------------------------------------------------------------------------------------
// kprobes (tapsets.cxx kprobe_builder)

/** kprobe.function("pattern"): one probe per System.map symbol the pattern matches. */
function buildKprobe(r: FamilyRequest): FamilyOutcome {
  const { loc, e } = r;
  const fnIndex = loc.components.findIndex((c) => c.functor === 'function');
  const fn = strArg(loc, 'function');
  const module = strArg(loc, 'module');
  if (fnIndex < 0 || fn === undefined) {
    // kprobe.statement(N).absolute
    if (!r.privileged) throw absoluteNeedsGuru(r);
    return one('kprobe', loc);
  }
  if (module !== undefined) return one('kprobe', loc, ` /*  name = ${module}:${fn}*/`);
  const symbols = [...e.options.kernelSymbols];
  const matched = hasWildcard(fn) ? symbols.filter((s) => fnmatch(fn, s)).sort() : symbols.includes(fn) ? [fn] : [];
  if (matched.length === 0) {
    if (e.options.assumeDebuginfo) return foreignArch(e, loc) ? { kind: 'none' } : one('kprobe', loc, ` /*  name = ${fn}*/`);
    const similar = levenshteinSuggest(fn, symbols, 5);
    throw new SemanticError(`no match${similar ? ` (similar functions: ${similar})` : ''}`, undefined, undefined, 'tapsets.cxx:10646');
  }
  return {
    kind: 'probes',
    family: 'kprobe',
    probes: matched.map((name) => {
      const c = loc.components[fnIndex];
      const components = [...loc.components];
      components[fnIndex] = { ...c, arg: { kind: 'literal_string', tok: c.arg?.tok ?? c.tok, value: name } };
      return { location: withComponents(loc, components), sigSuffix: ` /*  name = ${name}*/` };
    }),
  };
}

function absoluteNeedsGuru(r: FamilyRequest): SemanticError {
  return new SemanticError('absolute statement probe in unprivileged script; need stap -g', r.useTok, undefined, 'tapsets.cxx:9020');
}

// ---------------------------------------------------------------------------------------------
// DWARF families (tapsets.cxx dwarf_builder): kernel.function/statement, module().*

function hex(n: bigint): string {
  return `0x${(BigInt.asUintN(64, n)).toString(16)}`;
}

function buildDwarf(r: FamilyRequest): FamilyOutcome {
  const { loc, e } = r;
  const stmt = numArg(loc, 'statement');
  if (loc.components.some((c) => c.functor === 'absolute')) {
    if (!r.privileged) throw absoluteNeedsGuru(r);
    // The location is re-printed with the address in hex (tapsets.cxx: literal_number(addr, true)).
    const components = loc.components.map((c) =>
      c.functor === 'statement' && stmt !== undefined ? { tok: c.tok, functor: `statement(${hex(stmt)})` } : c,
    );
    return one('dwarf', withComponents(loc, components), ` /* pc=+${hex(stmt ?? 0n)} */`);
  }
  if (e.options.assumeDebuginfo) return foreignArch(e, loc) ? { kind: 'none' } : one('dwarf', loc);
  throw missingDebuginfo(e);
}

/** Architecture names as they appear in kernel function names (`sys_ia64_pipe`, `ppc_rtas`). */
const ARCH_WORDS: Record<string, RegExp> = {
  ia64: /ia64/,
  powerpc: /ppc|powerpc/,
  s390: /s390/,
  arm: /(^|_)arm(_|$)/,
  arm64: /arm64|aarch64/,
  mips: /mips/,
  sparc: /sparc/,
  parisc: /parisc/,
};

/**
 * Under `--assume-debuginfo`: a kernel function named after another architecture does not exist
 * on this one. The syscall tapsets rely on such optional probes (`kernel.function("sys_ia64_pipe")?`)
 * failing, so resolving them would pull in calls to that architecture's helper functions.
 */
function foreignArch(e: Elaboration, loc: ProbePoint): boolean {
  const fn = strArg(loc, 'function') ?? '';
  const arch = e.session.target.arch;
  return Object.entries(ARCH_WORDS).some(([name, re]) => re.test(fn) && !arch.startsWith(name.replace('powerpc', 'ppc')));
}

// ---------------------------------------------------------------------------------------------
// Process probes (uprobes, utrace, itrace)

const PROCESS_CONFIG_MESSAGE =
  'process probes not available without kernel CONFIG_UTRACE or CONFIG_TRACEPOINTS/CONFIG_ARCH_SUPPORTS_UPROBES/CONFIG_UPROBES';

function configOn(e: Elaboration, name: string): boolean {
  const v = e.session.target.kernelConfig.get(name);
  return v === 'y' || v === 'm';
}

function uprobesAvailable(e: Elaboration): boolean {
  return (
    configOn(e, 'CONFIG_UTRACE') ||
    (configOn(e, 'CONFIG_TRACEPOINTS') && configOn(e, 'CONFIG_ARCH_SUPPORTS_UPROBES') && configOn(e, 'CONFIG_UPROBES'))
  );
}

/** Components after `process[(…)]` that need DWARF (uprobes on a function, statement, mark, plt). */
const PROCESS_DWARF = new Set(['function', 'statement', 'library', 'mark', 'provider', 'plt']);

function buildProcess(r: FamilyRequest): FamilyOutcome {
  const { loc, e } = r;
  const head = loc.components[0];
  const rest = loc.components.slice(1).map((c) => c.functor);
  const absolute = rest.includes('absolute');
  if (absolute) {
    const stmt = numArg(loc, 'statement') ?? 0n;
    return one('uprobe', loc, ` /* pc=+${hex(stmt)} */`);
  }
  if (e.options.assumeDebuginfo) return one(PROCESS_DWARF.has(rest[0]) ? 'uprobe' : 'utrace', loc);
  if (!head.arg) {
    if (PROCESS_DWARF.has(rest[0])) {
      throw new SemanticError(
        'unspecified process probe is invalid without a -c COMMAND or -x PID [man stapprobes]',
        undefined,
        undefined,
        'tapsets.cxx:8677',
      );
    }
    if (!uprobesAvailable(e)) throw new SemanticError(PROCESS_CONFIG_MESSAGE, undefined, undefined, 'tapsets.cxx:5497');
    return one('utrace', loc);
  }
  if (rest[0] === 'insn') {
    // FIXME: process(PID) checks that the pid exists (IO); we assume it does.
    if (!configOn(e, 'CONFIG_UTRACE')) {
      throw new SemanticError('process probes not available without kernel CONFIG_UTRACE', undefined, undefined, 'tapset-itrace.cxx:82');
    }
    return one('itrace', loc);
  }
  if (!uprobesAvailable(e)) throw new SemanticError(PROCESS_CONFIG_MESSAGE, undefined, undefined, 'tapsets.cxx:5497');
  if (PROCESS_DWARF.has(rest[0])) throw missingDebuginfo(e);
  return one('utrace', loc);
}

// ---------------------------------------------------------------------------------------------

/** Families that find nothing on this target unless debuginfo/target support is assumed. */
function buildNothingHere(family: string) {
  return (r: FamilyRequest): FamilyOutcome => (r.e.options.assumeDebuginfo ? one(family, r.loc) : { kind: 'none' });
}

function unsupported(family: string, message: string, site: string, withToken = false) {
  return (r: FamilyRequest): FamilyOutcome => {
    if (r.e.options.assumeDebuginfo) return one(family, r.loc);
    throw new SemanticError(message, withToken ? r.loc.components[0].tok : undefined, undefined, site);
  };
}

const FAMILY_BUILDERS: Record<string, (r: FamilyRequest) => FamilyOutcome> = {
  begin: (r) => one('begin', r.loc),
  end: (r) => one('end', r.loc),
  error: (r) => one('error', r.loc),
  never: (r) => one('never', r.loc),
  timer: buildTimer,
  procfs: buildProcfs,
  netfilter: (r) => one('netfilter', r.loc),
  kprobe: buildKprobe,
  module: buildDwarf,
  process: buildProcess,
  perf: unsupported('perf', 'perf probes not available without exported perf_event_create_kernel_counter', 'tapset-perfmon.cxx:304'),
};

/** The family a pattern belongs to, from its first two components. */
function builderFor(pattern: string): (r: FamilyRequest) => FamilyOutcome {
  const [first, second] = pattern.split('.');
  if (first === 'kernel') {
    if (second.startsWith('trace')) return buildNothingHere('tracepoint');
    if (second.startsWith('mark')) return buildNothingHere('mark');
    if (second.startsWith('data')) {
      return unsupported('hwbkpt', 'CONFIG_PERF_EVENTS not available on this kernel', 'tapsets.cxx:11041', true);
    }
    return buildDwarf;
  }
  const name = first.replace(/\(.*$/, '');
  return FAMILY_BUILDERS[name] ?? ((r) => one(name, r.loc));
}

/** Builds the probes of a fully matched built-in pattern, or throws stap's error. */
export function buildFamily(r: FamilyRequest): FamilyOutcome {
  return builderFor(r.pattern)(r);
}
