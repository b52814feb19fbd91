/**
 * Which probe points an unprivileged user may use: the check stap makes in elaborate.cxx
 * `match_node::find_and_build` once a probe point has matched all its components (after the
 * `probe point truncated` check), against the privilege each builder was bound with
 * (`derived_probe_builder` + `match_node::bind_privilege` in tapsets.cxx
 * `register_standard_tapsets`). Written from stap's behaviour:
 *
 * - `--privilege=stapsys` and `stapdev` may use every probe point (stap
 *   `--privilege=stapsys --dump-probe-types` lists all 260 families);
 * - `--privilege=stapusr` (`--unprivileged`) may use `begin`, `end`, `error`, `never`, every
 *   `timer.*` but `timer.profile.tick`, and every `process.*` but `process(…).insn[.block]`
 *   (what `stap --privilege=stapusr --dump-probe-types` lists); a node where any probe alias is
 *   bound is allowed whatever else is bound there (the alias's expansion is checked in its turn,
 *   and the built-in families bound at the same node then build too);
 * - otherwise: `probe point is not allowed for --privilege=stapusr` at the last component's
 *   token, chained under `while resolving probe point` as any resolution error.
 */
import type { Token } from '../passes/parse/token';
import type { Privilege } from '../session';
import { parsePattern } from '../probes/builtin-families';
import type { Builder } from './match-tree';
import { SemanticError } from './model';

const SITE_NOT_ALLOWED = 'elaborate.cxx:467';

/** Whether a built-in family pattern (as `--dump-probe-types` prints it) is open to `privilege`. */
export function familyAllowed(pattern: string, privilege: Privilege): boolean {
  if (privilege !== 'stapusr') return true;
  const names = parsePattern(pattern).map((c) => c.name);
  switch (names[0]) {
    case 'begin':
    case 'end':
    case 'error':
    case 'never':
      return true;
    case 'timer':
      return !(names[1] === 'profile' && names[2] === 'tick');
    case 'process':
      return !names.includes('insn');
    default:
      return false;
  }
}

/** Whether a probe point that ends at a node with these builders is open to `privilege`. */
export function nodeAllowed(ends: readonly Builder[], privilege: Privilege): boolean {
  return privilege !== 'stapusr' || ends.some((b) => b.kind === 'alias' || familyAllowed(b.pattern, privilege));
}

/**
 * The privilege check of `match_node::find_and_build` for a location that matched a node with
 * builders `ends`: the error to throw, or undefined. `lastTok` is the token of the location's
 * last component, as stap prints it.
 */
export function checkProbePrivilege(ends: readonly Builder[], privilege: Privilege, lastTok: Token): SemanticError | undefined {
  if (nodeAllowed(ends, privilege)) return undefined;
  return new SemanticError(`probe point is not allowed for --privilege=${privilege}`, lastTok, undefined, SITE_NOT_ALLOWED);
}
