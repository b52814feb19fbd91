/**
 * Context variables of netfilter probes (tapset-netfilter.cxx `netfilter_var_expanding_visitor`):
 * `$hooknum`, `$skb`, `$in`, `$out`, `$okfn` and `$verdict` become the probe locals
 * `__nf_<name>` (long), which the generated hook function fills in. The locals are declared in
 * name order (stap keeps the used names in a sorted set). `$verdict` needs guru mode, read or
 * written; any other `$name` is an `unsupported context variable`. Members (`$in->name`) and
 * `&` stay on the local as an autocast, typed later like any other.
 */
import type { Statement, TargetSymbol } from '../ast/staptree';
import type { Token } from '../passes/parse/token';
import { reportError, SemanticError, type Elaboration, type ElabVar } from './model';

const CONTEXT_VARS = new Set(['hooknum', 'skb', 'in', 'out', 'okfn', 'verdict']);

function local(tok: Token, name: string): ElabVar {
  return { kind: 'vardecl', tok, name, unmangledName: name, maxsize: 0, wrap: false, type: 'long', arity: 0, isPrivate: false, synthetic: true };
}

/**
 * Rewrites the netfilter context variables of `body`; returns the locals to declare on the
 * derived probe, in stap's order. Errors are reported on `e` and leave the node as it is.
 */
export function expandNetfilterVars(e: Elaboration, body: Statement, privileged: boolean): ElabVar[] {
  const used = new Map<string, ElabVar>();
  const visit = (holder: Record<string | number, unknown>, key: string | number): void => {
    const v = holder[key] as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null) return;
    if (v.kind === 'target_symbol') {
      const t = v as unknown as TargetSymbol;
      const name = t.name.replace(/^\$/, '');
      if (!CONTEXT_VARS.has(name)) {
        // FIXME: stap reports this error twice (two visitors) and then `unresolved type`.
        reportError(e, new SemanticError('unsupported context variable', t.tok, undefined, 'netfilter_var_expanding_visitor:unsupported'));
        return;
      }
      if (name === 'verdict' && !privileged) {
        reportError(
          e,
          new SemanticError('write to netfilter verdict requires guru mode; need stap -g', t.tok, undefined, 'netfilter_var_expanding_visitor:verdict'),
        );
        return;
      }
      const lname = `__nf_${name}`;
      let decl = used.get(lname);
      if (!decl) used.set(lname, (decl = local(t.tok, lname)));
      const ref = Object.assign({ kind: 'symbol' as const, tok: t.tok, name: lname }, { referent: decl });
      // `$in->name`, `&$skb`: the members apply to the local's value (an autocast, typed later).
      holder[key] =
        t.addressof || t.components.length > 0
          ? { kind: 'autocast_op', tok: t.tok, operand: ref, addressof: t.addressof, components: t.components }
          : ref;
      return;
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
    for (const [k, x] of entries) {
      if (k === 'tok' || k === 'referent' || k === 'referents' || typeof x !== 'object') continue;
      visit(v as Record<string | number, unknown>, k);
    }
  };
  visit({ body }, 'body');
  return [...used.keys()].sort().map((k) => used.get(k)!);
}
