/**
 * Expressions, by recursive descent with stap's precedence and associativity. Mirrors
 * parse.cxx `parse_expression` … `parse_value`, `parse_symbol` (calls, the print family, array
 * indexing, the @-operators), `parse_literal`, the target-symbol routines (`$var`, `@cast`,
 * `@var`, autocast, their `->m`/`[i]`/`$` suffixes) and `parse_hist_op_or_bare_name`.
 *
 * Precedence, low to high: assignment (right-assoc), `?:`, `||`, `&&`, `|`, `^`, `&`, `in`,
 * comparison or one regex match, shifts, `.`, `+ -`, `* / %`, unary, `++`/`--`, `&` and target
 * suffixes, values.
 */
import type {
  ArrayIndex,
  AutocastOp,
  AtvarOp,
  CastOp,
  Expression,
  HistOp,
  Literal,
  PrintFormat,
  StatComponent,
  Symbol,
  TargetComponent,
  TargetSymbol,
} from '../../ast/staptree';
import type { ParserState } from './parse-state';
import { FormatError, stringToComponents } from '../../elaborate/printf-format';
import type { Token } from './token';

function isOp(t: Token | undefined, ...ops: string[]): t is Token {
  return !!t && t.type === 'operator' && ops.includes(t.content);
}

/** Mirrors parse.cxx `parse_expression`. */
export function parseExpression(p: ParserState): Expression {
  return parseAssignment(p);
}

const ASSIGNMENT_OPS = ['=', '<<<', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|=', '.='];

/** Mirrors parse.cxx `parse_assignment`: right-associative. */
function parseAssignment(p: ParserState): Expression {
  const left = parseTernary(p);
  const t = p.peek();
  if (isOp(t, ...ASSIGNMENT_OPS)) {
    p.next();
    const right = parseExpression(p);
    return { kind: 'assignment', tok: t, op: t.content, left, right };
  }
  return left;
}

/** Mirrors parse.cxx `parse_ternary`. */
function parseTernary(p: ParserState): Expression {
  const cond = parseLogicalOr(p);
  const t = p.peek();
  if (isOp(t, '?')) {
    p.next();
    const truevalue = parseExpression(p);
    const colon = p.next();
    if (!(colon.type === 'operator' && colon.content === ':')) throw p.error("expected ':'", 'parse_ternary:colon');
    const falsevalue = p.hasVersion('4.0') ? parseTernary(p) : parseExpression(p);
    return { kind: 'ternary_expression', tok: t, cond, truevalue, falsevalue };
  }
  return cond;
}

/** Mirrors parse.cxx `parse_logical_or`. */
function parseLogicalOr(p: ParserState): Expression {
  let left = parseLogicalAnd(p);
  for (let t = p.peek(); isOp(t, '||'); t = p.peek()) {
    p.next();
    left = { kind: 'logical_or_expr', tok: t, op: '||', left, right: parseLogicalAnd(p) };
  }
  return left;
}

/** Mirrors parse.cxx `parse_logical_and`. */
function parseLogicalAnd(p: ParserState): Expression {
  let left = parseBooleanOr(p);
  for (let t = p.peek(); isOp(t, '&&'); t = p.peek()) {
    p.next();
    left = { kind: 'logical_and_expr', tok: t, op: '&&', left, right: parseBooleanOr(p) };
  }
  return left;
}

/** Mirrors parse.cxx `parse_boolean_or`: `|`. */
function parseBooleanOr(p: ParserState): Expression {
  let left = parseBooleanXor(p);
  for (let t = p.peek(); isOp(t, '|'); t = p.peek()) {
    p.next();
    left = { kind: 'binary_expression', tok: t, op: '|', left, right: parseBooleanXor(p) };
  }
  return left;
}

/** Mirrors parse.cxx `parse_boolean_xor`: `^`. */
function parseBooleanXor(p: ParserState): Expression {
  let left = parseBooleanAnd(p);
  for (let t = p.peek(); isOp(t, '^'); t = p.peek()) {
    p.next();
    left = { kind: 'binary_expression', tok: t, op: '^', left, right: parseBooleanAnd(p) };
  }
  return left;
}

/** Mirrors parse.cxx `parse_boolean_and`: `&`. */
function parseBooleanAnd(p: ParserState): Expression {
  let left = parseArrayIn(p);
  for (let t = p.peek(); isOp(t, '&'); t = p.peek()) {
    p.next();
    left = { kind: 'binary_expression', tok: t, op: '&', left, right: parseArrayIn(p) };
  }
  return left;
}

/** Mirrors parse.cxx `parse_array_in`: `x in a`, `[x, y] in a`, `[x, *] in a`. */
function parseArrayIn(p: ParserState): Expression {
  const indexes: (Expression | null)[] = [];
  let bracketed = false;
  const t0 = p.peek();
  if (p.peekOp('[')) {
    p.swallow();
    bracketed = true;
  }
  for (;;) {
    if (bracketed && p.peekOp('*')) {
      p.swallow();
      indexes.push(null);
    } else {
      indexes.push(parseComparisonOrRegexQuery(p));
    }
    if (!bracketed) break;
    const t = p.peek();
    if (isOp(t, ',')) {
      p.swallow();
      continue;
    }
    if (isOp(t, ']')) {
      p.swallow();
      break;
    }
    throw p.error("expected ',' or ']'", 'parse_array_in:bracket');
  }
  const t = p.peek();
  if (t && t.type === 'keyword' && t.content === 'in') {
    p.next();
    const base = parseIndexable(p);
    const operand: ArrayIndex = { kind: 'arrayindex', tok: base.tok, base, indexes };
    return { kind: 'array_in', tok: t, operand };
  }
  if (indexes.length === 1) {
    const only = indexes[0];
    if (only) return only;
    // `[*]` without `in`: stap returns a null expression and parses on; the file fails later
    // (it segfaults printing or elaborating it unless another error stops it first). Report it
    // only if nothing else goes wrong, and parse on with a stand-in, as stap does.
    const star = p.deferError("unexpected '*'", 'parse_array_in:star', t0!);
    return { kind: 'literal_number', tok: star, value: 0n };
  }
  throw p.error('unexpected comma-separated expression list', 'parse_array_in:list');
}

/** Mirrors parse.cxx `parse_comparison_or_regex_query`. */
function parseComparisonOrRegexQuery(p: ParserState): Expression {
  let left = parseShift(p);
  let t = p.peek();
  if (isOp(t, '=~', '!~')) {
    p.next();
    const right = p.parseLiteralString();
    return { kind: 'regex_query', tok: t, op: t.content as '=~' | '!~', left, right };
  }
  while (isOp(t, '>', '<', '==', '!=', '<=', '>=')) {
    p.next();
    left = { kind: 'comparison', tok: t, op: t.content, left, right: parseShift(p) };
    t = p.peek();
  }
  return left;
}

/** Mirrors parse.cxx `parse_shift`: `<< >> >>>`. */
function parseShift(p: ParserState): Expression {
  let left = parseConcatenation(p);
  for (let t = p.peek(); isOp(t, '<<', '>>', '>>>'); t = p.peek()) {
    p.next();
    left = { kind: 'binary_expression', tok: t, op: t.content, left, right: parseConcatenation(p) };
  }
  return left;
}

/** Mirrors parse.cxx `parse_concatenation`: `.`. */
function parseConcatenation(p: ParserState): Expression {
  let left = parseAdditive(p);
  for (let t = p.peek(); isOp(t, '.'); t = p.peek()) {
    p.next();
    left = { kind: 'concatenation', tok: t, op: '.', left, right: parseAdditive(p) };
  }
  return left;
}

/** Mirrors parse.cxx `parse_additive`: `+ -`. */
function parseAdditive(p: ParserState): Expression {
  let left = parseMultiplicative(p);
  for (let t = p.peek(); isOp(t, '+', '-'); t = p.peek()) {
    p.next();
    left = { kind: 'binary_expression', tok: t, op: t.content, left, right: parseMultiplicative(p) };
  }
  return left;
}

/** Mirrors parse.cxx `parse_multiplicative`: `* / %`. */
function parseMultiplicative(p: ParserState): Expression {
  let left = parseUnary(p);
  for (let t = p.peek(); isOp(t, '*', '/', '%'); t = p.peek()) {
    p.next();
    left = { kind: 'binary_expression', tok: t, op: t.content, left, right: parseUnary(p) };
  }
  return left;
}

/** Mirrors parse.cxx `parse_unary`: `+ - ! ~`. */
function parseUnary(p: ParserState): Expression {
  const t = p.peek();
  if (isOp(t, '+', '-', '!', '~')) {
    p.next();
    return { kind: 'unary_expression', tok: t, op: t.content, operand: parseUnary(p) };
  }
  return parseCrement(p);
}

/** Mirrors parse.cxx `parse_crement`: `++x`, `x--`. */
function parseCrement(p: ParserState): Expression {
  let t = p.peek();
  if (isOp(t, '++', '--')) {
    p.next();
    return { kind: 'pre_crement', tok: t, op: t.content, operand: parseDwarfValue(p) };
  }
  const operand = parseDwarfValue(p);
  t = p.peek();
  if (isOp(t, '++', '--')) {
    p.next();
    return { kind: 'post_crement', tok: t, op: t.content, operand };
  }
  return operand;
}

/** Mirrors parse.cxx `peek_target_symbol_components`: `->`, `[` or a `$`/`$$` suffix next. */
function peekTargetSymbolComponents(p: ParserState): boolean {
  const t = p.peek();
  return (
    !!t &&
    ((t.type === 'operator' && (t.content === '->' || t.content === '[')) ||
      (t.type === 'identifier' && /^\$+$/.test(t.content)))
  );
}

type AnyTarget = TargetSymbol | CastOp | AtvarOp | AutocastOp;

/** Mirrors parse.cxx `parse_dwarf_value`: `&`, `$var`, `@cast`, `@var`, autocast. */
function parseDwarfValue(p: ParserState): Expression {
  const addrtok = p.peekOp('&') ? p.next() : undefined;
  const addressof = addrtok !== undefined;
  let expr: Expression;
  let tsym: AnyTarget | undefined;
  const t = p.peek();
  if (t && t.type === 'identifier' && t.content.startsWith('$')) {
    expr = tsym = parseTargetSymbol(p);
  } else if (isOp(t, '@cast')) {
    expr = tsym = parseCastOp(p);
  } else if (isOp(t, '@var')) {
    expr = tsym = parseAtvarOp(p);
  } else if (addressof && !p.hasVersion('2.6')) {
    throw p.error('expected @cast, @var or $var', 'parse_dwarf_value:addressof');
  } else {
    expr = parseValue(p);
  }
  if (!tsym && (addressof || peekTargetSymbolComponents(p)) && p.hasVersion('2.6')) {
    const tok = addrtok ?? p.peek()!;
    expr = tsym = { kind: 'autocast_op', tok, operand: expr, addressof: false, components: [] };
  }
  if (tsym) {
    tsym.addressof = addressof;
    parseTargetSymbolComponents(p, tsym);
  }
  return expr;
}

/** Mirrors parse.cxx `parse_target_symbol`: a `$name` identifier. */
function parseTargetSymbol(p: ParserState): TargetSymbol {
  const t = p.next();
  return { kind: 'target_symbol', tok: t, name: t.content, addressof: false, components: [] };
}

/** Mirrors parse.cxx `parse_cast_op`: `@cast(E, "type"[, "module"])`. */
function parseCastOp(p: ParserState): CastOp {
  const t = p.next();
  p.expectOp('(');
  const operand = parseExpression(p);
  p.expectOp(',');
  const typeName = p.expectString().value;
  if (typeName === '') throw p.error('expected non-empty string', 'parse_cast_op:empty');
  let module = '';
  if (p.peekOp(',')) {
    p.swallow();
    module = p.expectString().value;
  }
  p.expectOp(')');
  return { kind: 'cast_op', tok: t, operand, typeName, module, addressof: false, components: [] };
}

/** Mirrors parse.cxx `parse_atvar_op`: `@var("name[@cu]"[, "module"])`. */
function parseAtvarOp(p: ParserState): AtvarOp {
  const t = p.next();
  p.expectOp('(');
  const name = p.expectString();
  // --assume-args: the name is needed now (for its `@cu` part).
  if (name.unknownArg) throw p.error('expected string', 'expect_unknown', name.unknownArg);
  const targetName = name.value;
  const at = targetName.indexOf('@');
  const cuName = at >= 0 ? targetName.slice(at + 1) : '';
  let module = '';
  if (p.peekOp(',')) {
    p.swallow();
    module = p.expectString().value;
  }
  p.expectOp(')');
  return { kind: 'atvar_op', tok: t, targetName, cuName, module, addressof: false, components: [] };
}

/** Splits trailing `$`s off a name: `$var$` → [`$var`, `$`]; none when there are none. */
function splitPrettyPrint(name: string): [string, string] | undefined {
  const m = /^(.*?[^$])(\$+)$/.exec(name);
  return m ? [m[1], m[2]] : undefined;
}

/** Mirrors parse.cxx `parse_target_symbol_components`. */
function parseTargetSymbolComponents(p: ParserState, e: AnyTarget): void {
  let pprint = false;
  // A pretty-print suffix inside the name itself: `$var$`, `$$parms$$`.
  if (e.kind === 'target_symbol') {
    const split = splitPrettyPrint(e.name);
    if (split && split[0].length > 0) {
      e.name = split[0];
      e.components.push({ type: 'pretty_print', tok: e.tok, member: split[1] });
      pprint = true;
    }
  }
  while (!pprint) {
    if (p.peekOp('->')) {
      const t = p.next();
      const member = p.expectIdentOrKeyword().content;
      // `->$`, `->m$`, `->m$$`: a pretty-print suffix on the member.
      let name = member;
      let suffix: string | undefined;
      if (/^\$+$/.test(member)) {
        name = '';
        suffix = member;
      } else {
        const split = splitPrettyPrint(member);
        if (split) [name, suffix] = split;
      }
      if (name !== '') e.components.push({ type: 'struct_member', tok: t, member: name });
      if (suffix !== undefined) {
        e.components.push({ type: 'pretty_print', tok: t, member: suffix });
        pprint = true;
      }
    } else if (p.peekOp('[')) {
      const t = p.next();
      const index = parseExpression(p);
      p.expectOp(']');
      const component: TargetComponent =
        index.kind === 'literal_number' && index.unknownArg === undefined
          ? { type: 'literal_array_index', tok: t, num: index.value }
          : { type: 'expression_array_index', tok: t, expr: index };
      e.components.push(component);
    } else {
      break;
    }
  }
  if (!pprint) {
    // A separate `$`/`$$` token: `$var[i] $`, `@cast(…)$`.
    const t = p.peek();
    if (t && t.type === 'identifier' && /^\$+$/.test(t.content)) {
      p.next();
      e.components.push({ type: 'pretty_print', tok: t, member: t.content });
      pprint = true;
    }
  }
  if (pprint && (p.peekOp('->') || p.peekOp('['))) {
    throw p.error('-> and [ are not accepted for a pretty-printing variable', 'parse_target_symbol_components:pprint');
  }
}

/** Mirrors parse.cxx `parse_value`: embedded code, `( E )`, a name or @-operator, a literal. */
function parseValue(p: ParserState): Expression {
  const t = p.peek();
  if (!t) throw p.error('expected value', 'parse_value:eof');
  if (t.type === 'embedded-code') {
    if (!p.privileged) {
      throw p.error('embedded expression code in unprivileged script; need stap -g', 'parse_value:embedded', undefined, false);
    }
    p.next();
    return { kind: 'embedded_expr', tok: t, code: t.content };
  }
  if (t.type === 'operator' && t.content === '(') {
    p.swallow();
    const e = parseExpression(p);
    const close = p.next();
    if (!(close.type === 'operator' && close.content === ')')) throw p.error("expected ')'", 'parse_value:paren');
    return e;
  }
  if (t.type === 'identifier' || (t.type === 'operator' && t.content.startsWith('@'))) return parseSymbol(p);
  return parseLiteral(p);
}

/** Mirrors parse.cxx `parse_literal`: a string (with adjacent ones appended) or an optionally negative number. */
export function parseLiteral(p: ParserState): Literal {
  let t = p.next();
  if (t.type === 'string') return p.stringLiteral(t);
  let neg = false;
  if (t.type === 'operator' && t.content === '-') {
    neg = true;
    p.swallow(); // stap forgets the `-`: `global x = -` at the end reads `saw: FILE EOF`
    t = p.next();
  }
  if (t.type !== 'number') throw p.error('expected literal string or number', 'parse_literal');
  // --assume-args: a number of unknown value (const-fold.ts never folds it).
  if (t.unknownArg) return { kind: 'literal_number', tok: t, value: 0n, unknownArg: `${neg ? '-' : ''}${t.content}` };
  return { kind: 'literal_number', tok: t, value: p.parseNumber(t, neg) };
}

/**
 * Mirrors parse.cxx `parse_hist_op_or_bare_name`: `@hist_linear(E, lo, hi, step)`,
 * `@hist_log(E)`, or a plain name (any identifier or @-word).
 */
export function parseHistOpOrBareName(p: ParserState): HistOp | Symbol {
  const t = p.next();
  if (!(t.type === 'identifier' || (t.type === 'operator' && t.content.startsWith('@')))) {
    throw p.error('expected identifier or statistical operation', 'expect_ident_or_atword');
  }
  if (t.content === '@hist_linear' || t.content === '@hist_log') return parseHistOpRest(p, t);
  return { kind: 'symbol', tok: t, name: t.content };
}

/** Mirrors parse.cxx `parse_indexable`: an array name or a histogram. */
export function parseIndexable(p: ParserState): Symbol | HistOp {
  return parseHistOpOrBareName(p);
}

/** The indexes of `base[…]`, after the `[` (parse.cxx `parse_symbol`'s arrayindex loop). */
function parseArrayIndexes(p: ParserState, tok: Token, base: Symbol | HistOp): ArrayIndex {
  const indexes: (Expression | null)[] = [];
  for (;;) {
    if (p.peekOp('*')) {
      p.swallow();
      indexes.push(null);
    } else {
      indexes.push(parseExpression(p));
    }
    const t = p.expectOpAny([']', ',']);
    if (t.content === ']') break;
  }
  return { kind: 'arrayindex', tok, base, indexes };
}

const STAT_OPS: Record<string, StatComponent> = {
  '@count': 'count',
  '@sum': 'sum',
  '@min': 'min',
  '@max': 'max',
  '@avg': 'avg',
  '@variance': 'variance',
};

/** The print family (staptree.cxx `print_format::create`). */
const PRINT_FAMILY = /^(s?)print(|ln|f|d|dln)$/;

/** Mirrors parse.cxx `parse_symbol`: @-operators, calls, the print family, indexing, names. */
function parseSymbol(p: ParserState): Expression {
  const t = p.next();
  const name = t.content;

  if (t.type === 'operator') {
    switch (name) {
      case '@defined': {
        p.expectOp('(');
        const operand = parseExpression(p);
        p.expectOp(')');
        return { kind: 'defined_op', tok: t, operand };
      }
      case '@entry': {
        p.expectOp('(');
        const operand = parseExpression(p);
        p.expectOp(')');
        return { kind: 'entry_op', tok: t, operand };
      }
      case '@perf': {
        p.expectOp('(');
        const operand = p.parseKnownLiteralString();
        p.expectOp(')');
        return { kind: 'perf_op', tok: t, operand };
      }
      case '@probewrite': {
        p.expectOp('(');
        const v = p.expectIdent();
        p.expectOp(')');
        return { kind: 'probewrite_op', tok: t, name: v.content };
      }
    }
    if (name === '@const') {
      if (!p.privileged) {
        throw p.error('using @const operator not permitted; need stap -g', 'parse_const_op:guru', undefined, false);
      }
      p.expectOp('(');
      const s = p.expectString();
      p.expectOp(')');
      return { kind: 'embedded_expr', tok: t, code: `/* pure */ /* unprivileged */ /* stable */ ${s.value}` };
    }
    if ((name === '@kregister' || name === '@uregister') && p.hasVersion('4.0')) {
      const userspace = name === '@uregister';
      if (!userspace && !p.privileged) {
        throw p.error(`using ${name} operator not permitted; need stap -g`, 'parse_target_register:guru', undefined, false);
      }
      p.expectOp('(');
      const regno = Number(BigInt.asUintN(32, p.expectNumber().value));
      p.expectOp(')');
      return { kind: 'target_register', tok: t, regno, userspace };
    }
    if ((name === '@kderef' || name === '@uderef') && p.hasVersion('4.0')) {
      const userspace = name === '@uderef';
      if (!userspace && !p.privileged) {
        throw p.error(`using ${name} operator not permitted; need stap -g`, 'parse_target_deref:guru', undefined, false);
      }
      p.expectOp('(');
      const size = Number(BigInt.asUintN(32, p.expectNumber().value));
      p.expectOp(',');
      const addr = parseExpression(p);
      p.expectOp(')');
      return { kind: 'target_deref', tok: t, addr, size, userspace };
    }
    const ctype = STAT_OPS[name];
    if (ctype !== undefined) {
      p.expectOp('(');
      const stat = parseExpression(p);
      // stap reads tokens up to the `)`: `,` takes a number parameter (one for @variance, none
      // for the others) and any other token is skipped without a word.
      const maxParams = ctype === 'variance' ? 1 : 0;
      const params: bigint[] = [];
      for (;;) {
        const u = p.next();
        if (u.type !== 'operator') continue;
        if (u.content === ')') break;
        if (u.content === ',') {
          if (params.length >= maxParams) {
            const what = maxParams === 0 ? 'not more than 1 parameter allowed' : `not more than ${maxParams + 1} parameters allowed`;
            throw p.error(what, 'parse_stat_op:params', u);
          }
          params.push(p.expectNumber().value);
        }
      }
      return { kind: 'stat_op', tok: t, ctype, stat, params };
    }
    if (name === '@hist_linear' || name === '@hist_log') {
      // parse_hist_op_or_bare_name, minus the name it has already read.
      const hop = parseHistOpRest(p, t);
      if (!p.peekOp('[')) {
        throw p.error('base histogram operator where expression expected', 'parse_symbol:hist', hop.tok);
      }
      p.next();
      return parseArrayIndexes(p, t, hop);
    }
    throw p.error(`unknown operator ${name}`, 'parse_symbol:unknown_operator');
  }

  // The print family: print, println, printf, printd, printdln and the sprint* ones.
  const pf = PRINT_FAMILY.exec(name);
  if (pf) return parsePrintFormat(p, t, pf[1] === '', pf[2]);

  if (p.peekOp('(')) {
    p.swallow();
    const call = { kind: 'functioncall' as const, tok: t, function: name, args: [] as Expression[] };
    if (p.peekOp(')')) {
      p.swallow();
      return call;
    }
    for (;;) {
      call.args.push(parseExpression(p));
      const u = p.expectOpAny([')', ',']);
      if (u.content === ')') break;
    }
    return call;
  }

  const sym: Symbol = { kind: 'symbol', tok: t, name };
  if (p.peekOp('[')) {
    p.swallow();
    return parseArrayIndexes(p, t, sym);
  }
  return sym;
}

/** The rest of a histogram operator after its name (parse.cxx `parse_hist_op_or_bare_name`). */
function parseHistOpRest(p: ParserState, t: Token): HistOp {
  const linear = t.content === '@hist_linear';
  p.expectOp('(');
  const stat = parseExpression(p);
  const params: bigint[] = [];
  if (linear) {
    for (let i = 0; i < 3; i++) {
      p.expectOp(',');
      params.push(p.expectNumber().value);
    }
  }
  p.expectOp(')');
  return { kind: 'hist_op', tok: t, htype: linear ? 'linear' : 'log', stat, params };
}

/**
 * parse.cxx `parse_symbol` converts the format string at once (`print_format::string_to_components`,
 * elaborate/printf-format.ts), so a malformed one is a parse error showing the token after it.
 */
function checkFormat(p: ParserState, raw: string): void {
  try {
    stringToComponents(raw);
  } catch (err) {
    if (err instanceof FormatError) throw p.error(err.message, `string_to_components:${err.message}`);
    throw err;
  }
}

/** The print-family part of parse.cxx `parse_symbol`. */
function parsePrintFormat(p: ParserState, t: Token, toStream: boolean, suffix: string): PrintFormat {
  const fmt: PrintFormat = {
    kind: 'print_format',
    tok: t,
    name: t.content,
    printToStream: toStream,
    printWithFormat: suffix === 'f',
    printWithDelim: suffix === 'd' || suffix === 'dln',
    printWithNewline: suffix === 'ln' || suffix === 'dln',
    rawComponents: '',
    delimiter: '',
    args: [],
  };
  p.expectOp('(');
  let consumedArg = false;
  let minArgs = 0;
  if (fmt.printWithFormat) {
    fmt.rawComponents = p.parseKnownLiteralString().value;
    checkFormat(p, fmt.rawComponents);
    consumedArg = true;
  } else if (fmt.printWithDelim) {
    fmt.delimiter = p.parseKnownLiteralString().value;
    consumedArg = true;
    minArgs = 2;
  } else if (p.peekOp('@hist_linear') || p.peekOp('@hist_log')) {
    // print(@hist_log(s)) prints the histogram; print(@hist_log(s)[i], …) a bucket.
    const h = p.next();
    const hop = parseHistOpRest(p, h);
    if (!p.peekOp('[')) {
      fmt.hist = hop;
      p.expectOp(')');
      return fmt;
    }
    p.swallow();
    fmt.args.push(parseArrayIndexes(p, h, hop));
    consumedArg = true;
  } else if (!fmt.printWithNewline) {
    fmt.args.push(parseExpression(p));
    consumedArg = true;
  }
  while (minArgs > 0 || !p.peekOp(')')) {
    if (consumedArg) p.expectOpAny([',', ')']);
    fmt.args.push(parseExpression(p));
    consumedArg = true;
    if (minArgs > 0) minArgs--;
  }
  p.expectOp(')');
  return fmt;
}
