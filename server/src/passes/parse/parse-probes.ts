/**
 * Probes, probe aliases and probe points. Mirrors parse.cxx `parse_probe`,
 * `parse_probe_points`, `parse_probe_point` and `parse_component`: comma-separated probe
 * points; components joined by `.`, each a name (globs like `sys_*` and `**` are glued from
 * adjacent tokens) with an optional literal argument; brace expansion `{a,b}` as a Cartesian
 * product; the `?`/`!` flags and `if (cond)`, which inside a brace group may only end the
 * last group; aliases `a = b`, `a += b` and the combined form `a = b { } , { }`.
 */
import type { Block, Probe, ProbeAlias, ProbePoint, ProbePointComponent } from '../../ast/staptree';
import { parseExpression, parseLiteral } from './parse-expressions';
import type { ParserState } from './parse-state';
import { parseStmtBlock } from './parse-statements';
import type { Token } from './token';

function isOp(t: Token | undefined, ...ops: string[]): boolean {
  return !!t && t.type === 'operator' && ops.includes(t.content);
}

/**
 * A `$N` beyond the script arguments (--assume-args): pasted text, so it may be (part of) a
 * component name, which is then unknown (stap-ls only; `@N` pastes a string, never a name).
 */
function isUnknownName(t: Token): boolean {
  return t.type === 'number' && t.unknownArg !== undefined;
}

/** Mirrors parse.cxx `parse_probe`: the `probe` keyword has been peeked. */
export function parseProbe(p: ParserState, probes: Probe[], aliases: ProbeAlias[]): void {
  const t0 = p.next();
  const aliasNames: ProbePoint[] = [];
  let locations: ProbePoint[] = [];
  let epilogue = false;
  for (;;) {
    const pps = parseProbePoints(p);
    const t = p.peek();
    if (pps.length === 1 && isOp(t, '=', '+=')) {
      const pp = pps[0];
      if (pp.optional || pp.sufficient) {
        throw p.error(
          'probe point alias name cannot be optional nor sufficient',
          'parse_probe:alias_flags',
          pp.components[0].tok,
        );
      }
      aliasNames.push(pp);
      if (t!.content === '+=') epilogue = true;
      p.swallow();
      continue;
    }
    if (isOp(t, '{')) {
      locations = pps;
      break;
    }
    throw p.error('expected probe point specifier', 'parse_probe:specifier');
  }

  if (aliasNames.length === 0) {
    const body = parseStmtBlock(p);
    probes.push({ kind: 'probe', tok: t0, locations, body, privileged: p.privileged, systemtapVConditional: p.systemtapVSeen() });
    return;
  }
  const body = parseStmtBlock(p);
  const alias: ProbeAlias = {
    kind: 'probe_alias',
    tok: t0,
    aliasNames,
    locations,
    epilogueStyle: epilogue,
    body,
    privileged: p.privileged,
    systemtapVConditional: p.systemtapVSeen(),
  };
  aliases.push(alias);
  // The combined prologue/epilogue form: `probe a = b { … }, { … }`.
  if (p.peekOp(',')) {
    p.swallow();
    alias.body2 = parseStmtBlock(p) as Block;
  }
}

/** Mirrors parse.cxx `parse_probe_points`: probe points separated by `,`. */
function parseProbePoints(p: ParserState): ProbePoint[] {
  const pps: ProbePoint[] = [];
  for (;;) {
    pps.push(...parseProbePoint(p));
    const t = p.peek();
    if (isOp(t, ',')) {
      p.swallow();
      continue;
    }
    if (isOp(t, '{', '}', '=', '+=')) break;
    throw p.error("expected one of ', { } = +='", 'parse_probe_points');
  }
  return pps;
}

/** `prefix` followed by `suffix`; the prefix may not have flags or a condition of its own. */
function combine(p: ParserState, prefix: ProbePoint, suffix: ProbePoint): ProbePoint {
  if (prefix.optional || prefix.sufficient || prefix.condition) {
    throw p.error(
      "'?', '!' or condition must only be specified in suffix",
      'parse_probe_point:suffix_only',
      prefix.components[0].tok,
    );
  }
  return {
    kind: 'probe_point',
    tok: prefix.components.length ? prefix.tok : suffix.tok,
    components: [...prefix.components, ...suffix.components],
    optional: suffix.optional,
    sufficient: suffix.sufficient,
    condition: suffix.condition,
  };
}

/**
 * Mirrors parse.cxx `parse_probe_point`: one probe point, which brace expansion may turn into
 * several, then `?`/`!` and `if (cond)` applied to all of them.
 */
function parseProbePoint(p: ParserState): ProbePoint[] {
  let pps: ProbePoint[] | undefined;
  for (;;) {
    const t = p.next();
    let step: ProbePoint[];
    if (isOp(t, '{')) {
      p.swallow();
      step = parseProbePoints(p);
      const close = p.next();
      if (!isOp(close, '}')) throw p.error("expected '}'", 'parse_probe_point:brace');
    } else if (t.type === 'identifier' || t.type === 'keyword' || isOp(t, '*') || isUnknownName(t)) {
      const c = parseComponent(p, t);
      step = [{ kind: 'probe_point', tok: t, components: [c], optional: false, sufficient: false }];
    } else {
      throw p.error("expected identifier or '*' or '{'", 'parse_component');
    }
    if (!pps) {
      pps = step;
    } else {
      const product: ProbePoint[] = [];
      for (const prefix of pps) for (const suffix of step) product.push(combine(p, prefix, suffix));
      pps = product;
    }
    if (p.peekOp('.')) {
      p.swallow();
      continue;
    }
    break;
  }

  let t = p.peek();
  if (isOp(t, '?', '!')) {
    for (const pp of pps) {
      if (pp.optional || pp.sufficient) throw p.error("'?' or '!' respecified", 'parse_probe_point:flags');
      pp.optional = true;
      if (t!.content === '!') pp.sufficient = true;
    }
    p.swallow();
    t = p.peek();
  }
  if (t && t.type === 'keyword' && t.content === 'if') {
    p.swallow();
    if (!p.peekOp('(')) throw p.error("expected '('", 'parse_probe_point:if_open');
    p.next();
    const condition = parseExpression(p);
    // stap checks for a second condition before it looks for the `)`.
    for (const pp of pps) {
      if (pp.condition) throw p.error('condition respecified', 'parse_probe_point:condition');
      pp.condition = condition;
    }
    if (!p.peekOp(')')) throw p.error("expected ')'", 'parse_probe_point:if_close');
    p.next();
  }
  return pps;
}

/**
 * Mirrors parse.cxx `parse_component`: a name, glued from adjacent identifier, keyword and
 * `*` tokens (`sys_*`, `a**b`), then an optional `(literal)`.
 */
function parseComponent(p: ParserState, t: Token): ProbePointComponent {
  let functor = t.content;
  let unknown = isUnknownName(t);
  for (;;) {
    const u = p.peek();
    if (!u || p.ateWhitespace(u)) break;
    if (!(u.type === 'identifier' || u.type === 'keyword' || isOp(u, '*') || isUnknownName(u))) break;
    functor += u.content;
    unknown ||= isUnknownName(u);
    p.swallow();
  }
  const c: ProbePointComponent = { tok: t, functor };
  if (unknown) c.unknownArg = true;
  if (p.peekOp('(')) {
    p.swallow();
    c.arg = parseLiteral(p);
    if (!isOp(p.next(), ')')) throw p.error("expected ')'", 'parse_component:close');
  }
  return c;
}
