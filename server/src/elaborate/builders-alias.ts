/**
 * Probe alias expansion: elaborate.cxx `alias_expansion_builder::build_with_suffix` and
 * `checkForRecursiveExpansion`, plus `@probewrite` folding (`probewrite_evaluator`).
 *
 * Each use of an alias becomes an intermediate probe (stap's `alias_derived_probe`) whose
 * locations are the alias's locations with the use's suffix appended and the use's condition
 * `&&`ed in, and whose body is the alias body and the use body composed:
 *   `=`  prologue: `{ alias ; use }`,  `+=` epilogue: `{ use ; alias }`,
 *   `= { P }, { E }` combined: `{ P ; use ; E }`.
 * That probe is then derived like any other (derive.ts); when it produces something, the
 * alias's library file joins the session.
 */
import type { Block, Expression, ProbeAlias, ProbePoint, ProbePointComponent, Statement } from '../ast/staptree';
import { deepCopy } from '../ast/walk';
import type { Token } from '../passes/parse/token';
import type { UseProbe } from './derive';
import { pullInFile, SemanticError, type StapFile } from './model';

/** A recursive alias loop (stap's `recursive_expansion_error`): never swallowed as optional. */
export class RecursiveExpansionError extends SemanticError {}

/** stap's `add_condition`: `a && b`, or whichever exists (copies, so the originals stay unresolved). */
function addCondition(a: Expression | undefined, b: Expression | undefined): Expression | undefined {
  if (!a) return b && deepCopy(b);
  if (!b) return deepCopy(a);
  return { kind: 'logical_and_expr', tok: a.tok, op: '&&', left: deepCopy(a), right: deepCopy(b) };
}

/** Whether `use` is an alias expansion whose alias already appears further down its chain. */
function isRecursive(use: UseProbe): boolean {
  if (!use.alias) return false;
  for (let p = use.base; p; p = p.base) if (p.alias === use.alias) return true;
  return false;
}

/** `probe_point::print` without extras, as `lex_cast(*location)` prints it in the loop message. */
function locationText(loc: ProbePoint): string {
  return loc.components.map((c) => (c.arg ? `${c.functor}(${literalText(c.arg)})` : c.functor)).join('.');
}

function literalText(l: NonNullable<ProbePointComponent['arg']>): string {
  return l.kind === 'literal_string' ? `"${l.value.replace(/"/g, '\\"')}"` : String(l.value);
}

function tokenLocation(t: Token): string {
  return `${t.location.file.name}:${t.location.line}:${t.location.column}`;
}

/** The names a body writes (staptree.cxx `varuse_collecting_visitor` writes, by unmangled name). */
export function writtenNames(body: Statement): Set<string> {
  const out = new Set<string>();
  const target = (x: Expression | null | undefined): void => {
    if (!x) return;
    if (x.kind === 'symbol') out.add(x.name);
    else if (x.kind === 'arrayindex' && x.base.kind === 'symbol') out.add(x.base.name);
  };
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const n = v as { kind?: string } & Record<string, unknown>;
    switch (n.kind) {
      case 'assignment':
        target(n.left as Expression);
        break;
      case 'pre_crement':
      case 'post_crement':
        target(n.operand as Expression);
        break;
      case 'delete_statement':
        target(n.value as Expression);
        break;
      case 'foreach_loop':
        for (const i of (n.indexes as Expression[]) ?? []) target(i);
        target(n.value as Expression | undefined);
        break;
    }
    for (const [k, x] of Object.entries(n)) if (k !== 'tok' && typeof x === 'object') visit(x);
  };
  visit(body);
  return out;
}

/** Replaces every `@probewrite(v)` under `node` by 1 or 0 (elaborate.cxx `probewrite_evaluator`). */
function foldProbewrite(node: unknown, written: Set<string>): void {
  if (typeof node !== 'object' || node === null) return;
  const entries = Array.isArray(node) ? node.entries() : Object.entries(node);
  for (const [k, v] of entries) {
    if (k === 'tok') continue;
    if (typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'probewrite_op') {
      const p = v as { tok: Token; name: string };
      (node as Record<string | number, unknown>)[k] = {
        kind: 'literal_number',
        tok: p.tok,
        value: written.has(p.name) ? 1n : 0n,
      };
    } else foldProbewrite(v, written);
  }
}

/** A new block of `statements` (staptree.cxx `block(car, cdr)`: the first statement's token). */
function blockOf(statements: Statement[]): Block {
  return { kind: 'block', tok: statements[0].tok, statements };
}

/**
 * alias_expansion_builder::build_with_suffix: expands `alias` for the use `use` at `location`,
 * then derives the expansion through `derive`. Throws {@link RecursiveExpansionError} on a loop.
 */
export function expandAlias(
  alias: ProbeAlias,
  aliasFile: StapFile,
  use: UseProbe,
  location: ProbePoint,
  suffix: readonly ProbePointComponent[],
  results: unknown[],
  derive: (n: UseProbe, optional: boolean, rethrow: boolean) => void,
): void {
  if (isRecursive(use)) {
    const first = location.components[0].tok;
    throw new RecursiveExpansionError(
      `recursive loop in alias expansion of ${locationText(location)} at ${tokenLocation(first)}`,
      undefined,
      undefined,
      'elaborate.h:35',
    );
  }
  const locations = alias.locations.map(
    (l): ProbePoint => ({ ...l, components: [...l.components, ...suffix], condition: addCondition(l.condition, location.condition) }),
  );
  const aliasBody = deepCopy(alias.body);
  const useBody = deepCopy(use.body);
  const written = writtenNames(use.body);
  foldProbewrite(aliasBody, written);
  let body: Block;
  if (alias.epilogueStyle) body = blockOf([useBody, aliasBody]);
  else if (alias.body2) {
    const epilogue = deepCopy(alias.body2);
    foldProbewrite(epilogue, written);
    body = blockOf([aliasBody, useBody, epilogue]);
  } else body = blockOf([aliasBody, useBody]);

  const n: UseProbe = {
    e: use.e,
    tok: location.components[0].tok,
    locations,
    body,
    origin: { kind: 'alias', alias, base: use.origin },
    outer: use.outer,
    alias,
    base: use,
    privileged: use.privileged || alias.privileged,
  };
  const before = results.length;
  derive(n, location.optional, suffix.length > 0);
  if (results.length > before) pullInFile(use.e, aliasFile);
}
