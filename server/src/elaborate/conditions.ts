/**
 * Probe conditions (elaborate.cxx `semantic_pass_conditions`).
 *
 * For each derived probe with a condition (`probe timer.s(1) if (on) { … }`):
 * - a condition that writes a variable is an error (`probe condition must not modify any
 *   variables`), one with impure embedded C too (`… must not include impure embedded-C`);
 * - `if (!(COND)) next` is put in front of the body, as `{ if …; BODY }`. The condition node
 *   itself is shared with the probe point, as in stap, so what the optimiser folds in it shows
 *   in the signature too;
 * - if any condition reads a global, one synthetic `probe begin {}` is appended (stap creates it
 *   so the probes' enabled state is computed at start-up), a DerivedProbe with family `begin`
 *   and `synthetic: 'condition-begin'`.
 */
import type { Block, IfStatement, ProbePoint, Statement } from '../ast/staptree';
import { reportError, SemanticError, type DerivedProbe, type Elaboration } from './model';
import { tolerateUnresolved, VarUse } from './varuse';

export function semanticPassConditions(e: Elaboration): void {
  tolerateUnresolved(e, () => conditions(e));
}

function conditions(e: Elaboration): void {
  let readsGlobal: DerivedProbe | undefined;
  for (const p of [...e.probes]) {
    const cond = p.location.condition ?? p.condition;
    if (!cond) continue;
    const vu = new VarUse();
    vu.visit(cond);
    if (vu.written.size > 0)
      reportError(e, new SemanticError('probe condition must not modify any variables', cond.tok, undefined, 'semantic_pass_conditions'));
    else if (vu.embeddedSeen)
      reportError(
        e,
        new SemanticError('probe condition must not include impure embedded-C', cond.tok, undefined, 'semantic_pass_conditions'),
      );
    const ifs: IfStatement = {
      kind: 'if_statement',
      tok: cond.tok,
      condition: { kind: 'unary_expression', tok: cond.tok, op: '!', operand: cond },
      thenblock: { kind: 'next_statement', tok: cond.tok },
    };
    const body: Block = { kind: 'block', tok: ifs.tok, statements: [ifs, p.body] };
    p.body = body;
    if (!readsGlobal) for (const v of vu.read) if (e.globals.includes(v)) readsGlobal = p;
  }
  if (readsGlobal) e.probes.push(conditionBeginProbe(readsGlobal));
}

/** The synthetic `probe begin {}` (parsed by stap from text, with the first such probe's token). */
function conditionBeginProbe(first: DerivedProbe): DerivedProbe {
  const tok = first.tok;
  const location: ProbePoint = {
    kind: 'probe_point',
    tok,
    components: [{ tok, functor: 'begin' }],
    optional: false,
    sufficient: false,
  };
  const body: Statement = { kind: 'block', tok, statements: [] };
  return {
    kind: 'derived_probe',
    tok,
    location,
    origin: { kind: 'probe', probe: { kind: 'probe', tok, locations: [location], body, privileged: false } },
    body,
    locals: [],
    file: first.file,
    family: 'begin',
    sigSuffix: '',
    synthetic: 'condition-begin',
  };
}
