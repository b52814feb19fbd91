/**
 * References: every place that names the symbol under the cursor, resolved as pass 2 would
 * resolve each use (workspace-index.ts mirrors elaborate.cxx `find_var`/`find_functions` and the
 * alias match of `match_node::find_and_build`). A symbol declared in a script is seen by that
 * script only (stap runs each script alone); a symbol declared in a library file (an installed
 * tapset, or a file of a `systemtap.tapsetDirs` directory) is seen by every script, so its uses
 * are searched in every file of the workspace: the open documents and the `.stp` files under the
 * workspace folders.
 */
import type { ProbePoint } from '../ast/staptree';
import type { Analysis, Position } from '../workspace/analysis';
import { dedupe } from './definition';
import {
  declKey,
  documentResolver,
  occurrenceAtPosition,
  pointLocation,
  resolve,
  resolvePoint,
  tokenLocation,
  workspaceResolver,
  type Location,
  type Occurrence,
  type Resolver,
  type Target,
  type WorkspaceFile,
} from './workspace-index';

/** One place naming the symbol. */
export interface Reference {
  location: Location;
  occurrence: Occurrence;
  /** A declaration (rather than a use). */
  decl: boolean;
  /** A probe point that names the alias through a glob (`syscall.rea*`), not by its name. */
  glob: boolean;
  /** Probe points: how many of its components the alias name covers. */
  components?: number;
}

export interface SymbolReferences {
  /** What the name at the cursor means (several for overloads). */
  targets: Target[];
  /** The occurrence at the cursor. */
  at: Occurrence;
  references: Reference[];
}

const COMPATIBLE: Record<Target['kind'], Occurrence['kind'][]> = {
  function: ['function'],
  global: ['global', 'var'],
  param: ['var'],
  local: ['var'],
  alias: ['alias', 'probe-point'],
  macro: ['macro'],
  'macro-param': ['macro-param'],
};

/** The targets and every reference of the symbol at `pos`; undefined when there is none. */
export function findReferences(analysis: Analysis, pos: Position, files: readonly WorkspaceFile[]): SymbolReferences | undefined {
  const r = documentResolver(analysis);
  if (!r) return undefined;
  const at = occurrenceAtPosition(r.index, pos);
  if (!at) return undefined;
  const all = resolve(r, at);
  const own = declKey(at);
  // A declaration stands for itself (not for the other overloads of its name).
  const targets = own ? all.filter((t) => t.key === own) : all;
  if (targets.length === 0) return undefined;
  const wanted = new Set(targets.map((t) => t.key));
  const kinds = new Set(targets.flatMap((t) => COMPATIBLE[t.kind]));
  const names = new Set(targets.map((t) => t.name));

  // Where to look: this file; for a library symbol, every workspace file and its own file.
  const resolvers: Resolver[] = [r];
  const seen = new Set([r.index.path]);
  if (targets.some((t) => t.library)) {
    for (const f of files) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      const wr = workspaceResolver(f, analysis);
      if (wr) resolvers.push(wr);
    }
    for (const t of targets) {
      if (seen.has(t.path)) continue;
      seen.add(t.path);
      const wr = workspaceResolver({ path: t.path }, analysis);
      if (wr) resolvers.push(wr);
    }
  }

  const references: Reference[] = [];
  for (const rr of resolvers) {
    const pointKeys = new Map<ProbePoint, { keys: Set<string>; components: number }>();
    for (const o of rr.index.occurrences) {
      if (!kinds.has(o.kind)) continue;
      if (o.kind === 'probe-point') {
        if (o.component !== 0 || !o.point) continue;
        let hit = pointKeys.get(o.point);
        if (!hit) {
          const ts = resolvePoint(rr, o.point);
          hit = { keys: new Set(ts.map((t) => t.key)), components: 0 };
          for (const t of ts) if (wanted.has(t.key)) hit.components = t.name.split('.').length;
          pointKeys.set(o.point, hit);
        }
        if (!hit.components) continue;
        const written = o.point.components.slice(0, hit.components);
        references.push({
          location: pointLocation(o.point, hit.components),
          occurrence: o,
          decl: false,
          glob: written.some((c) => /[*?[]/.test(c.functor)),
          components: hit.components,
        });
        continue;
      }
      if (o.kind !== 'alias' && !names.has(o.name)) continue;
      const key = declKey(o);
      const match = key !== undefined ? wanted.has(key) : resolve(rr, o).some((t) => wanted.has(t.key));
      if (!match) continue;
      if (o.kind === 'alias') {
        if (o.component !== 0 || !o.point) continue;
        references.push({ location: pointLocation(o.point), occurrence: o, decl: true, glob: false, components: o.point.components.length });
        continue;
      }
      references.push({ location: tokenLocation(o.tok, o.width), occurrence: o, decl: o.decl, glob: false });
    }
  }
  // One entry per place (a macro body expanded twice names its symbols twice).
  const unique = new Map<string, Reference>();
  for (const ref of references) {
    const l = ref.location;
    const k = `${l.path}:${l.range.start.line}:${l.range.start.character}`;
    if (!unique.has(k)) unique.set(k, ref);
  }
  return { targets, at, references: [...unique.values()] };
}

/** textDocument/references: the places, declarations included when asked. */
export function references(analysis: Analysis, pos: Position, includeDeclaration: boolean, files: readonly WorkspaceFile[]): Location[] {
  const found = findReferences(analysis, pos, files);
  if (!found) return [];
  return dedupe(found.references.filter((r) => includeDeclaration || !r.decl).map((r) => r.location));
}
