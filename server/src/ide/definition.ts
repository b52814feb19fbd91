/**
 * Go to definition / declaration: where the name under the cursor is declared. Functions give
 * every overload the file can call (its own, then the tapsets'), a variable its declaration as
 * pass 2 resolved it (elaborate.cxx `find_var`: a parameter, a global, or the local's first use,
 * which for a probe on an alias may be in the alias's body), a probe point every alias it names
 * (a glob lists each alias it matches, as `match_node::find_and_build` expands it), a macro its
 * `@define` (the file's own, else the library's `.stpm`), a macro parameter its name in the
 * `@define`. A declaration leads to itself (and a function's to its overloads).
 */
import type { Annotated } from '../elaborate/model';
import type { Token } from '../passes/parse/token';
import type { Analysis, Position } from '../workspace/analysis';
import { locate } from './locate';
import { documentResolver, occurrenceAtPosition, resolve, tokenLocation, type Location } from './workspace-index';

/** The declarations of the name at `pos` (empty when there is none). */
export function definition(analysis: Analysis, pos: Position): Location[] {
  const r = documentResolver(analysis);
  if (!r) return [];
  const o = occurrenceAtPosition(r.index, pos);
  if (!o) return [];
  if (o.kind === 'var' && !o.decl) {
    const fromPass2 = elaboratedReferents(analysis, pos);
    if (fromPass2.length) return fromPass2;
  }
  return dedupe(resolve(r, o).map((t) => t.loc()));
}

/** The variables pass 2 bound the symbol at `pos` to (one per elaborated copy of its body). */
function elaboratedReferents(analysis: Analysis, pos: Position): Location[] {
  if (!analysis.elaboration) return [];
  const hit = locate(analysis, pos);
  const toks: Token[] = [];
  for (const { node } of hit?.nodes ?? []) {
    const ref = (node as Annotated).referent;
    if (ref && (node.kind === 'symbol' || node.kind === 'arrayindex')) toks.push(ref.tok);
  }
  return dedupe(toks.map((t) => tokenLocation(t)));
}

export function dedupe(locs: Location[]): Location[] {
  const seen = new Set<string>();
  return locs.filter((l) => {
    const k = `${l.path}:${l.range.start.line}:${l.range.start.character}:${l.range.end.line}:${l.range.end.character}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
