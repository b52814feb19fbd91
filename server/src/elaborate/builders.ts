/**
 * The built-in probe families as this target resolves them: the builders stap binds in
 * tapsets.cxx `register_standard_tapsets` (be_builder, never_builder, timer_builder,
 * procfs_builder, kprobe_builder, netfilter_builder, dwarf_builder, tracepoint_builder,
 * mark_builder, perf_builder, hwbkpt_builder, utrace/uprobe builders, itrace_builder), reduced
 * to what they decide without a running kernel: accept and build a derived probe, reject with
 * stap's message, or find nothing (then derive.ts reports `no match`).
 *
 * Each outcome was read off the real stap 4.8 on the fake build tree (x86_64, CONFIG_KPROBES=y,
 * a two-symbol System.map, no debuginfo, an empty Module.symvers) and on a build dir made from
 * the running kernel (test/helpers/real-kbuild.ts): begin/end/error/never, timers, procfs,
 * netfilter resolve; kprobe.function resolves against System.map; DWARF families fail with
 * `missing … debuginfo`; tracepoints and markers find nothing (stap builds a query module
 * against the kernel headers); perf needs the `perf_event_create_kernel_counter` export of
 * Module.symvers, hardware breakpoints CONFIG_PERF_EVENTS and CONFIG_HAVE_HW_BREAKPOINT, process
 * probes the uprobes/utrace config, timer.profile.tick a `register_timer_hook` stap 4.8 never
 * finds.
 *
 * `--assume-debuginfo` (the editor's mode) assumes exactly what needs DWARF debuginfo, the
 * binaries or the kernel headers: kernel.function/statement, module().function/statement,
 * process().function/statement/mark/…, tracepoints and markers. Everything the kernel build dir
 * tells (System.map symbols, Module.symvers exports, `.config`, the architecture) is consulted as
 * in the default mode, so a kprobe on a missing symbol or a perf probe without the export is
 * still stap's error.
 *
 * No IO: the kernel symbols, exports and config come in through the session and options.
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
    // FIXME: stap 4.8 rejected timer.profile.tick on every build dir tried (register_timer_hook
    // in System.map, in Module.symvers, an old release); when it accepts is not known.
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

/**
 * A kprobe.function pattern's brace alternatives, as the shell expands them (`vfs_{read,write}`,
 * nested, `{x}` alone is `x`); a pattern whose braces do not balance is kept as it is. The
 * syscall tapsets write `kprobe.function("__{ia32,x64}_sys_open")`.
 */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === ',' && depth === 1) commas.push(i);
    else if (c === '}' && --depth === 0) {
      const head = pattern.slice(0, open);
      const tails = expandBraces(pattern.slice(i + 1));
      const cuts = [open, ...commas, i];
      const out: string[] = [];
      for (let k = 0; k + 1 < cuts.length; k++) {
        for (const alt of expandBraces(pattern.slice(cuts[k] + 1, cuts[k + 1]))) {
          for (const tail of tails) out.push(head + alt + tail);
        }
      }
      return out;
    }
  }
  return [pattern];
}

/**
 * The System.map symbols a kprobe.function pattern matches, in name order. A real System.map
 * has some 120k function symbols: a plain name is a Set lookup, and a glob tests only the names
 * that start with its literal prefix.
 */
function kprobeMatches(fn: string, symbols: ReadonlySet<string>): string[] {
  const matched = new Set<string>();
  for (const alt of expandBraces(fn)) {
    if (!hasWildcard(alt)) {
      if (symbols.has(alt)) matched.add(alt);
      continue;
    }
    const prefix = /^[^*?[\\]*/.exec(alt)![0];
    for (const s of symbols) if (s.startsWith(prefix) && fnmatch(alt, s)) matched.add(s);
  }
  return [...matched].sort();
}

/**
 * kprobe_builder's `no match (similar functions: …)`. The suggestions rank every System.map
 * symbol, so they are made only when the message is read: an optional kprobe that matches
 * nothing (the syscall tapsets have hundreds) throws this error and it is dropped unread.
 */
class KprobeNoMatch extends SemanticError {
  private text?: string;
  constructor(
    private readonly fn: string,
    private readonly symbols: ReadonlySet<string>,
  ) {
    super('no match', undefined, undefined, 'tapsets.cxx:10646');
    Object.defineProperty(this, 'message', { get: () => this.lazyMessage(), configurable: true });
  }
  private lazyMessage(): string {
    if (this.text === undefined) {
      const similar = levenshteinSuggest(this.fn, this.symbols, 5);
      this.text = `no match${similar ? ` (similar functions: ${similar})` : ''}`;
    }
    return this.text;
  }
}

/** kprobe.function("pattern"): one probe per System.map symbol the pattern matches (in both modes). */
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
  const matched = kprobeMatches(fn, e.options.kernelSymbols);
  if (matched.length === 0) throw new KprobeNoMatch(fn, e.options.kernelSymbols);
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

/**
 * Process probes: the config checks apply in both modes; only the DWARF part (a function,
 * statement, mark… of the binary) is assumed under `--assume-debuginfo`. An unnamed process is
 * the `-c`/`-x` target when there is one.
 */
function buildProcess(r: FamilyRequest): FamilyOutcome {
  const { loc, e } = r;
  const head = loc.components[0];
  const rest = loc.components.slice(1).map((c) => c.functor);
  const absolute = rest.includes('absolute');
  if (absolute) {
    const stmt = numArg(loc, 'statement') ?? 0n;
    return one('uprobe', loc, ` /* pc=+${hex(stmt)} */`);
  }
  if (!head.arg && !e.options.targetProcess) {
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
  if (PROCESS_DWARF.has(rest[0])) {
    if (e.options.assumeDebuginfo) return one('uprobe', loc);
    throw missingDebuginfo(e);
  }
  return one('utrace', loc);
}

// ---------------------------------------------------------------------------------------------

/**
 * Tracepoints and markers: stap lists them by building a query module against the kernel
 * headers, which no build dir here has, so they find nothing; under `--assume-debuginfo` the
 * headers are assumed and they resolve.
 */
function buildNeedsHeaders(family: string) {
  return (r: FamilyRequest): FamilyOutcome => (r.e.options.assumeDebuginfo ? one(family, r.loc) : { kind: 'none' });
}

/** tapset-perfmon.cxx `perf_builder::build`: needs the kernel's perf_event_create_kernel_counter export. */
function buildPerf(r: FamilyRequest): FamilyOutcome {
  if (!r.e.options.kernelExports?.has('perf_event_create_kernel_counter')) {
    throw new SemanticError(
      'perf probes not available without exported perf_event_create_kernel_counter',
      undefined,
      undefined,
      'tapset-perfmon.cxx:304',
    );
  }
  // FIXME: the accepted location is printed as written; stap adds `.sample(1000000)` when neither
  // sample nor hz is given, turns `.hz(N)` into `.sample(N)`, resolves `.process("…")` to a path
  // and rejects `.sample(0)`. No build dir tried here exports the symbol.
  return one('perf', r.loc);
}

/**
 * tapsets.cxx `hwbkpt_builder::build`: kernel.data(ADDR|"SYM")[.length(N)].write|rw needs
 * CONFIG_PERF_EVENTS and CONFIG_HAVE_HW_BREAKPOINT. The derived location gets the default
 * `.length(1)` and an address in hex; address 0 drops the `data` component, as stap prints it.
 */
function buildHwbkpt(r: FamilyRequest): FamilyOutcome {
  const { loc, e } = r;
  const tok = loc.components[0].tok;
  for (const name of ['CONFIG_PERF_EVENTS', 'CONFIG_HAVE_HW_BREAKPOINT']) {
    if (e.session.target.kernelConfig.get(name) !== 'y') {
      throw new SemanticError(`${name} not available on this kernel`, tok, undefined, name === 'CONFIG_PERF_EVENTS' ? 'tapsets.cxx:11041' : 'tapsets.cxx:11046');
    }
  }
  const addr = numArg(loc, 'data');
  const length = numArg(loc, 'length') ?? 1n;
  const mode = loc.components[loc.components.length - 1];
  const components: ProbePointComponent[] = [loc.components[0]];
  if (addr === undefined) components.push(loc.components[1]);
  else if (addr !== 0n) components.push({ tok: loc.components[1].tok, functor: `data(${hex(addr)})` });
  components.push({ tok: mode.tok, functor: `length(${length})` }, mode);
  // FIXME: stap also prints the address of the written probe point (the origin) in hex.
  return one('hwbkpt', withComponents(loc, components));
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
  perf: buildPerf,
};

/** The family a pattern belongs to, from its first two components. */
function builderFor(pattern: string): (r: FamilyRequest) => FamilyOutcome {
  const [first, second] = pattern.split('.');
  if (first === 'kernel') {
    if (second.startsWith('trace')) return buildNeedsHeaders('tracepoint');
    if (second.startsWith('mark')) return buildNeedsHeaders('mark');
    if (second.startsWith('data')) return buildHwbkpt;
    return buildDwarf;
  }
  const name = first.replace(/\(.*$/, '');
  return FAMILY_BUILDERS[name] ?? ((r) => one(name, r.loc));
}

/** Builds the probes of a fully matched built-in pattern, or throws stap's error. */
export function buildFamily(r: FamilyRequest): FamilyOutcome {
  return builderFor(r.pattern)(r);
}
