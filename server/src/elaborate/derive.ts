/**
 * Probe-point resolution: elaborate.cxx `derive_probes` and `match_node::find_and_build` (with
 * `try_suffix_expansion` and `suggest_functors`). A written probe (user script or tapset) is
 * turned into derived probes, one per resolved location, each with its own copy of the body.
 *
 * For each location the pattern tree (match-tree.ts) is walked component by component:
 * a literal component follows its child; a `*` glob tries every child in key order (errors
 * below it are swallowed); a `**` glob tries `prefix*suffix` and then `prefix*` `**suffix`.
 * Where nothing matches, the builders at the node get a chance with the rest as an alias
 * suffix (`syscall.read.return`). At the end of the location, every builder bound there builds:
 * an alias expands (builders-alias.ts) and is derived again, recursively; a built-in family
 * decides for itself (builders.ts).
 *
 * Errors follow stap: a failing location prints `while resolving probe point: TOKEN` chained
 * with the cause, at the level where it failed (so inside a tapset alias first, then `no match`
 * at each level above); `?` locations swallow theirs, `!` stops after the first success, and an
 * alias expanded for a suffix passes its errors up instead of printing them.
 *
 * stap-ls only (`--assume-args`): a component whose name is an unknown argument (`$1.call`) ends
 * the walk, and one whose argument is (`process(@1)`, `timer.ms($1)`) walks on through the
 * children it may match (`$N` a number or a string, `@N` a string); either way the location is
 * accepted unresolved, as one derived probe of family {@link UNKNOWN_ARG_FAMILY} (no alias is
 * chosen, no builder runs; its `$vars` are typed by use). What does not depend on the value
 * (the names before and after it) still matches or fails as in stap.
 */
import type { Probe, ProbeAlias, ProbePoint, ProbePointComponent, StapFile, Statement } from '../ast/staptree';
import { deepCopy } from '../ast/walk';
import type { Token } from '../passes/parse/token';
import { fnmatch, hasWildcard } from '../util/fnmatch';
import { expandAlias, RecursiveExpansionError } from './builders-alias';
import { buildFamily } from './builders';
import { expandEntryOps } from './builders-entry';
import { expandNetfilterVars } from './builders-netfilter';
import { expandProcfsValue } from './builders-procfs';
import { foldLiteralBranches, VAR_EXPANDING_FAMILIES } from './var-expand-fold';
import { componentKey, keyString, patternRoot, sortedChildren, type Builder, type MatchNode } from './match-tree';
import {
  ITERATION_LIMIT,
  reportError,
  reportVerboseError,
  SemanticError,
  type DerivedProbe,
  type Elaboration,
  type ElabVar,
  type ProbeOrigin,
} from './model';
import { levenshteinSuggest } from './levenshtein';
import { checkProbePrivilege } from './privilege';
import { strverscmp } from '../util/strverscmp';

/**
 * A probe being derived: the written probe, or an alias expansion of it (stap's
 * `alias_derived_probe`), which is derived again in its turn.
 */
export interface UseProbe {
  e: Elaboration;
  /** The written probe's `probe` token, or for an expansion the use's first component token. */
  tok: Token;
  locations: ProbePoint[];
  body: Statement;
  /** The chain printed after `/* <- `. */
  origin: ProbeOrigin;
  /** The probe that was written, and its file. */
  outer: { probe: Probe; file: StapFile };
  /** For an expansion: the alias expanded, and the probe it was expanded for. */
  alias?: ProbeAlias;
  base?: UseProbe;
  /** Guru privilege (`-g` or a tapset). */
  privileged: boolean;
}

/** stap's static `parent_optional`, per top-level derivation; `depth` bounds alias recursion. */
interface DeriveState {
  parentOptional: boolean;
  depth: number;
  /**
   * How many wildcard matches ({@link swallow}) are running: below one, stap throws its
   * `resolution failed` error into the match's catch-all, so it is never printed there.
   */
  swallowing: number;
}

const SITE_WHILE_RESOLVING = 'elaborate.cxx:1082';
const SITE_OPTIONAL = 'elaborate.cxx:1034';
const SITE_NO_MATCH = 'elaborate.cxx:1045';
const SITE_TRUNCATED = 'elaborate.cxx:460';
const SITE_DOUBLE_GLOB_MISMATCH = 'elaborate.cxx:569';
const SITE_GLOB_MISMATCH = 'elaborate.cxx:643';
const SITE_MISMATCH = 'elaborate.cxx:671';
const SITE_INVALID_SUFFIX = 'elaborate.cxx:246';
const SITE_RESOLUTION_FAILED = 'elaborate.cxx:1094';

/** elaborate.cxx `derive_probes` for a written probe: its derived probes (errors go to `e`). */
export function deriveProbes(e: Elaboration, probe: Probe, file: StapFile): DerivedProbe[] {
  const results: DerivedProbe[] = [];
  const use: UseProbe = {
    e,
    tok: probe.tok,
    locations: probe.locations,
    body: probe.body,
    origin: { kind: 'probe', probe },
    outer: { probe, file },
    privileged: probe.privileged || e.session.guru,
  };
  try {
    deriveUse({ parentOptional: false, depth: 0, swallowing: 0 }, use, results, false, false);
  } catch (err) {
    // Only a rethrowing level throws, and the top level never rethrows; keep it safe anyway.
    if (err instanceof SemanticError) reportError(e, err);
    else throw err;
  }
  return results;
}

/**
 * The token stap shows for a component: the parser glues a glob (`nosuch*`, `x**y`) into one
 * token, whose text is the whole functor; ours keeps the first piece's token, so re-text it.
 */
export function componentToken(c: ProbePointComponent): Token {
  return c.tok.content === c.functor || c.tok.type !== 'identifier' ? c.tok : { ...c.tok, content: c.functor };
}

function whileResolving(loc: ProbePoint, cause: SemanticError, site: string): SemanticError {
  return new SemanticError('while resolving probe point', componentToken(loc.components[0]), undefined, site).chained(cause);
}

/** elaborate.cxx `derive_probes`. */
function deriveUse(state: DeriveState, p: UseProbe, results: DerivedProbe[], optional: boolean, rethrow: boolean): void {
  if (state.depth > ITERATION_LIMIT) {
    throw new SemanticError(`probe alias expansion deeper than ${ITERATION_LIMIT} levels`, p.tok, undefined, 'derive_probes:depth');
  }
  const undoParentOptional = optional && !state.parentOptional;
  if (undoParentOptional) state.parentOptional = true;
  state.depth++;
  const optionalErrors: SemanticError[] = [];
  try {
    for (const loc of p.locations) {
      try {
        const before = results.length;
        try {
          findAndBuild(state, patternRoot(p.e), p, loc, 0, results);
        } catch (err) {
          if (!(err instanceof SemanticError)) throw err;
          if (!loc.optional && !state.parentOptional) throw err;
          optionalErrors.push(whileResolving(loc, err, SITE_OPTIONAL));
          continue;
        }
        if (!(loc.optional || state.parentOptional) && results.length === before) {
          throw new SemanticError('no match', undefined, undefined, SITE_NO_MATCH);
        }
        if (loc.sufficient && results.length > before) break;
      } catch (err) {
        if (!(err instanceof SemanticError)) throw err;
        if (rethrow) throw err;
        reportError(p.e, whileResolving(loc, err, SITE_WHILE_RESOLVING));
        for (const o of optionalErrors) reportError(p.e, o);
      }
    }
  } finally {
    state.depth--;
    if (undoParentOptional) state.parentOptional = false;
  }
}

function replaceComponent(loc: ProbePoint, pos: number, ...with_: ProbePointComponent[]): ProbePoint {
  const components = [...loc.components];
  components.splice(pos, 1, ...with_);
  return { ...loc, components };
}

/**
 * elaborate.cxx `match_node::find_and_build`. `unknown`: an earlier component's argument is an
 * unknown argument (--assume-args), so the location is accepted unresolved where it ends.
 */
function findAndBuild(
  state: DeriveState,
  node: MatchNode,
  p: UseProbe,
  loc: ProbePoint,
  pos: number,
  results: DerivedProbe[],
  unknown = false,
): void {
  if (pos === loc.components.length) {
    if (node.ends.length === 0) {
      const alternatives = sortedChildren(node)
        .map((c) => ` ${keyString(c.key)}`)
        .join('');
      throw new SemanticError(`probe point truncated (follow: ${alternatives})`, componentToken(loc.components[pos - 1]), undefined, SITE_TRUNCATED);
    }
    const denied = checkProbePrivilege(node.ends, p.e.session.privilege, componentToken(loc.components[pos - 1]));
    if (denied) throw denied;
    if (unknown) acceptUnknown(p, loc, results);
    else for (const b of node.ends) build(state, b, p, loc, [], results);
    return;
  }

  const comp = loc.components[pos];
  if (comp.unknownArg) {
    acceptUnknown(p, loc, results);
    return;
  }
  if (comp.arg?.unknownArg !== undefined) {
    const children = unknownArgChildren(node, comp);
    let first: SemanticError | undefined;
    for (const child of children) {
      try {
        findAndBuild(state, child, p, loc, pos + 1, results, true);
        return;
      } catch (err) {
        if (!(err instanceof SemanticError)) throw err;
        first ??= err;
      }
    }
    if (first) throw first;
    // No name fits whatever the value: the mismatch below, as in stap.
  }
  const functor = comp.functor;
  if (functor.includes('**')) {
    const start = functor.indexOf('**');
    let end = start;
    while (functor[end] === '*') end++;
    const prefix = functor.slice(0, start);
    const suffix = functor.slice(end);
    // "foo**bar" as "foo*bar", then as "foo*" followed by "**bar" (the argument goes to the latter).
    swallow(state, () => findAndBuild(state, node, p, replaceComponent(loc, pos, { ...comp, functor: `${prefix}*${suffix}` }), pos, results, unknown));
    // As in stap, only the second form counts from here on: if it finds nothing, the component is
    // also tried as an alias suffix, and a required location is an error even when the first
    // form matched (`begin**` fails: `begin` has nothing below it).
    const before = results.length;
    const pre: ProbePointComponent = { tok: comp.tok, functor: `${prefix}*` };
    const post: ProbePointComponent = { ...comp, functor: `**${suffix}` };
    swallow(state, () => findAndBuild(state, node, p, replaceComponent(loc, pos, pre, post), pos, results, unknown));
    if (results.length === before) trySuffixExpansion(state, node, p, loc, pos, results);
    if (!loc.optional && results.length === before) {
      throw new SemanticError(withSimilar("probe point mismatch: didn't find any wildcard matches", node, functor), componentToken(comp), undefined, SITE_DOUBLE_GLOB_MISMATCH);
    }
    return;
  }

  if (hasWildcard(functor)) {
    const key = componentKey(comp);
    const before = results.length;
    for (const child of sortedChildren(node)) {
      if (child.key.argType !== key.argType || !fnmatch(functor, child.key.name)) continue;
      const expanded = replaceComponent(loc, pos, { ...comp, functor: child.key.name });
      swallow(state, () => findAndBuild(state, child.node, p, expanded, pos + 1, results, unknown));
    }
    if (results.length === before) trySuffixExpansion(state, node, p, loc, pos, results);
    if (!loc.optional && results.length === before) {
      throw new SemanticError(withSimilar("probe point mismatch: didn't find any wildcard matches", node, functor), componentToken(comp), undefined, SITE_GLOB_MISMATCH);
    }
    return;
  }

  const child = node.children.get(keyString(componentKey(comp)));
  if (child) {
    findAndBuild(state, child.node, p, loc, pos + 1, results, unknown);
    return;
  }
  const before = results.length;
  trySuffixExpansion(state, node, p, loc, pos, results);
  if (!loc.optional && results.length === before) {
    throw new SemanticError(withSimilar('probe point mismatch', node, functor), componentToken(comp), undefined, SITE_MISMATCH);
  }
}

/** The family of a probe point accepted unresolved for an unknown argument (--assume-args). */
export const UNKNOWN_ARG_FAMILY = 'unknown-argument';

/**
 * The children a component with an unknown argument may follow: its name (or glob), with an
 * argument of either type for `$N` (pasted text: `5` or `"x"`), of string type for `@N`.
 */
function unknownArgChildren(node: MatchNode, comp: ProbePointComponent): MatchNode[] {
  const types: string[] = comp.arg?.kind === 'literal_number' ? ['number', 'string'] : ['string'];
  const glob = hasWildcard(comp.functor);
  return sortedChildren(node)
    .filter((c) => types.includes(c.key.argType) && (glob ? fnmatch(comp.functor, c.key.name) : c.key.name === comp.functor))
    .map((c) => c.node);
}

/**
 * A location with an unknown argument (--assume-args), accepted as written: one derived probe
 * with its own copy of the body, whose signature says it is unresolved.
 */
function acceptUnknown(p: UseProbe, loc: ProbePoint, results: DerivedProbe[]): void {
  results.push({
    kind: 'derived_probe',
    tok: p.tok,
    location: loc,
    origin: p.origin,
    body: deepCopy(p.body),
    locals: [],
    condition: loc.condition,
    file: p.outer.file,
    family: UNKNOWN_ARG_FAMILY,
    sigSuffix: ' /* unresolved: unknown argument */',
  });
}

/** Runs `f`, ignoring semantic errors (wildcard expansion: a miss is reported by the caller). */
function swallow(state: DeriveState, f: () => void): void {
  state.swallowing++;
  try {
    f();
  } catch (err) {
    if (!(err instanceof SemanticError)) throw err;
  } finally {
    state.swallowing--;
  }
}

/** `MSG (similar: a, b)`, or MSG when nothing is similar (match_node::suggest_functors). */
function withSimilar(message: string, node: MatchNode, functor: string): string {
  const similar = suggestFunctors(node, functor);
  return similar ? `${message} (similar: ${similar})` : message;
}

/** elaborate.cxx `match_node::suggest_functors`: up to 5 child names close to `functor`. */
export function suggestFunctors(node: MatchNode, functor: string): string {
  const glob = functor.search(/[*?[]/);
  const cut = glob > 0 ? glob : -1;
  const target = cut >= 0 ? functor.slice(0, cut) : functor;
  if (!target) return '';
  // Only the target is cut at its glob: stap compares it with the children's whole names
  // (`x**y` suggests `vm, end, nfs, tcp, tty`).
  const names = new Set<string>();
  for (const c of node.children.values()) names.add(c.key.name);
  return levenshteinSuggest(target, names, 5);
}

/** elaborate.cxx `match_node::try_suffix_expansion`: the rest of the location as an alias suffix. */
function trySuffixExpansion(state: DeriveState, node: MatchNode, p: UseProbe, loc: ProbePoint, pos: number, results: DerivedProbe[]): void {
  if (strverscmp(p.e.session.compatible, '2.0') < 0) return;
  const suffix = loc.components.slice(pos);
  for (const b of node.ends) {
    try {
      build(state, b, p, loc, suffix, results);
    } catch (err) {
      if (err instanceof RecursiveExpansionError) throw err;
      if (!(err instanceof SemanticError)) throw err;
      // The error now points at the suffix (and loses its chain, as stap's copy does).
      if (!loc.optional) throw new SemanticError(err.message, componentToken(loc.components[pos]), undefined, err.site);
    }
  }
}

/**
 * derived_probe_builder::build / build_with_suffix for one bound builder. With a suffix only an
 * alias can build (`loc` is then the use's location, suffix included).
 */
function build(state: DeriveState, b: Builder, p: UseProbe, loc: ProbePoint, suffix: ProbePointComponent[], results: DerivedProbe[]): void {
  if (b.kind === 'alias') {
    const before = results.length;
    expandAlias(b.alias, b.file, p, loc, suffix, results, (n, optional, rethrow) => deriveUse(state, n, results, optional, rethrow));
    // A required expansion that derived nothing: stap says so under -v (after the expansion's own errors).
    if (results.length === before && !loc.optional && !state.parentOptional && state.swallowing === 0) {
      reportVerboseError(p.e, 1, new SemanticError('resolution failed in alias expansion builder', undefined, undefined, SITE_RESOLUTION_FAILED));
    }
    return;
  }
  if (suffix.length) throw new SemanticError('invalid suffix for probe', undefined, undefined, SITE_INVALID_SUFFIX);
  const outcome = buildFamily({ e: p.e, loc, pattern: b.pattern, useTok: p.tok, privileged: p.privileged });
  if (outcome.kind === 'none') return;
  for (const d of outcome.probes) {
    let locals: ElabVar[] = [];
    const derived = (location: ProbePoint, body: Statement): DerivedProbe => ({
      kind: 'derived_probe',
      // stap's derived_probe keeps the token of the probe it was built from: the `probe` keyword
      // of a written probe, the use's first component for an alias expansion (warnings point there).
      tok: p.tok,
      location,
      origin: p.origin,
      body,
      locals: [...locals],
      condition: location.condition,
      file: p.outer.file,
      family: outcome.family,
      sigSuffix: d.sigSuffix,
    });
    const body = deepCopy(p.body);
    if (outcome.family === 'procfs') expandProcfsValue(p.e, body, d.location.components.some((c) => c.functor === 'read'));
    if (outcome.family === 'netfilter') locals = expandNetfilterVars(p.e, body, p.privileged);
    // A return probe's @entry values come from a companion .call probe, derived first.
    const entry = ENTRY_FAMILIES.has(outcome.family) ? expandEntryOps(p.e, d.location, body) : undefined;
    if (entry) results.push(derived(entry.call.location, entry.call.body));
    const main = entry?.body ?? body;
    results.push(derived(d.location, VAR_EXPANDING_FAMILIES.has(outcome.family) ? foldLiteralBranches(main) : main));
  }
}

/** Families whose `.return` probes rewrite `@entry` (kprobes, and DWARF under --assume-debuginfo). */
const ENTRY_FAMILIES = new Set(['kprobe', 'dwarf', 'uprobe']);
