/**
 * Statements. Mirrors parse.cxx `parse_stmt_block`, `parse_statement` and the statement
 * routines it dispatches to (`parse_try_block`, `parse_if_statement`, `parse_for_loop`,
 * `parse_while_loop`, `parse_foreach_loop`, `parse_return_statement`, …).
 *
 * A `;` after a simple statement is swallowed; after a block-like one (`{}`, `if`, `for`,
 * `foreach`, `while`, `try`) it is left to become a null statement, as in stap.
 */
import type {
  Block,
  Expression,
  ExprStatement,
  ForeachLoop,
  ForLoop,
  IfStatement,
  SortAggregate,
  Statement,
  Symbol,
  TryBlock,
} from '../../ast/staptree';
import { parseExpression, parseIndexable } from './parse-expressions';
import type { ParserState } from './parse-state';
import type { Token } from './token';

function isOp(t: Token | undefined, ...ops: string[]): boolean {
  return !!t && t.type === 'operator' && ops.includes(t.content);
}

function isKw(t: Token | undefined, kw: string): boolean {
  return !!t && t.type === 'keyword' && t.content === kw;
}

/** Mirrors parse.cxx `parse_stmt_block`: `{ statements }`. */
export function parseStmtBlock(p: ParserState): Block {
  const t = p.next();
  if (!isOp(t, '{')) throw p.error("expected '{'", 'parse_stmt_block:open');
  const block: Block = { kind: 'block', tok: t, statements: [] };
  for (;;) {
    if (p.peekOp('}')) {
      p.swallow();
      break;
    }
    block.statements.push(parseStatement(p));
  }
  return block;
}

/** Mirrors parse.cxx `parse_statement`. */
export function parseStatement(p: ParserState): Statement {
  const t = p.peek();
  if (isOp(t, ';')) return { kind: 'null_statement', tok: p.next() };
  if (isOp(t, '{')) return parseStmtBlock(p);
  if (isKw(t, 'try')) return parseTryBlock(p);
  if (isKw(t, 'if')) return parseIfStatement(p);
  if (isKw(t, 'for')) return parseForLoop(p);
  if (isKw(t, 'foreach')) return parseForeachLoop(p);
  if (isKw(t, 'while')) return parseWhileLoop(p);
  let s: Statement;
  if (isKw(t, 'return')) s = parseReturnStatement(p);
  else if (isKw(t, 'delete')) s = { kind: 'delete_statement', tok: p.next(), value: parseExpression(p) };
  else if (isKw(t, 'break')) s = { kind: 'break_statement', tok: p.next() };
  else if (isKw(t, 'continue')) s = { kind: 'continue_statement', tok: p.next() };
  else if (isKw(t, 'next')) s = { kind: 'next_statement', tok: p.next() };
  else if (
    t &&
    (t.type === 'operator' || t.type === 'identifier' || t.type === 'number' || t.type === 'string' ||
      t.type === 'embedded-code')
  ) {
    s = parseExprStatement(p);
  } else {
    throw p.error('expected statement', 'parse_statement');
  }
  // Swallow a `;` after a simple statement.
  if (p.peekOp(';')) p.swallow();
  return s;
}

/** Mirrors parse.cxx `parse_expr_statement`. */
export function parseExprStatement(p: ParserState): ExprStatement {
  const t = p.peek();
  if (!t) throw p.error('expression statement expected', 'parse_expr_statement');
  return { kind: 'expr_statement', tok: t, value: parseExpression(p) };
}

/** Mirrors parse.cxx `parse_return_statement`. */
function parseReturnStatement(p: ParserState): Statement {
  const t = p.next();
  if (p.context !== 'function') throw p.error("found 'return' not in function context", 'parse_return_statement:context');
  const u = p.peek();
  if (isOp(u, ';', '}')) return { kind: 'return_statement', tok: t };
  return { kind: 'return_statement', tok: t, value: parseExpression(p) };
}

/** Mirrors parse.cxx `parse_try_block`: `try { } catch [(var)] { }`. */
function parseTryBlock(p: ParserState): TryBlock {
  const t = p.next();
  const tryBlock = parseStmtBlock(p);
  p.expectKw('catch');
  let catchErrorVar: Symbol | undefined;
  if (p.peekOp('(')) {
    p.swallow();
    const v = p.next();
    if (v.type !== 'identifier') throw p.error('expected identifier', 'parse_try_block:var');
    catchErrorVar = { kind: 'symbol', tok: v, name: v.content };
    p.expectOp(')');
  }
  const catchBlock = parseStmtBlock(p);
  return { kind: 'try_block', tok: t, tryBlock, catchErrorVar, catchBlock };
}

/** Mirrors parse.cxx `parse_if_statement`. */
function parseIfStatement(p: ParserState): IfStatement {
  const t = p.next();
  if (!isOp(p.next(), '(')) throw p.error("expected '('", 'parse_if_statement:open');
  const condition = parseExpression(p);
  if (!isOp(p.next(), ')')) throw p.error("expected ')'", 'parse_if_statement:close');
  const thenblock = parseStatement(p);
  const s: IfStatement = { kind: 'if_statement', tok: t, condition, thenblock };
  if (p.peekKw('else')) {
    p.next();
    s.elseblock = parseStatement(p);
  }
  return s;
}

/** Mirrors parse.cxx `parse_for_loop`: `for (init; cond; incr) stmt`; an empty cond is 1. */
function parseForLoop(p: ParserState): ForLoop {
  const t = p.next();
  if (!isOp(p.next(), '(')) throw p.error("expected '('", 'parse_for_loop:open');
  let init: ExprStatement | undefined;
  if (p.peekOp(';')) {
    p.next();
  } else {
    init = parseExprStatement(p);
    if (!isOp(p.next(), ';')) throw p.error("expected ';'", 'parse_for_loop:semi1');
  }
  let cond: Expression;
  if (p.peekOp(';')) {
    const semi = p.next();
    cond = { kind: 'literal_number', tok: semi, value: 1n };
  } else {
    cond = parseExpression(p);
    if (!isOp(p.next(), ';')) throw p.error("expected ';'", 'parse_for_loop:semi2');
  }
  let incr: ExprStatement | undefined;
  if (p.peekOp(')')) {
    p.next();
  } else {
    incr = parseExprStatement(p);
    if (!isOp(p.next(), ')')) throw p.error("expected ')'", 'parse_for_loop:close');
  }
  const block = parseStatement(p);
  return { kind: 'for_loop', tok: t, init, cond, incr, block };
}

/** Mirrors parse.cxx `parse_while_loop`: a for_loop without init and incr. */
function parseWhileLoop(p: ParserState): ForLoop {
  const t = p.next();
  if (!isOp(p.next(), '(')) throw p.error("expected '('", 'parse_while_loop:open');
  const cond = parseExpression(p);
  if (!isOp(p.next(), ')')) throw p.error("expected ')'", 'parse_while_loop:close');
  const block = parseStatement(p);
  return { kind: 'for_loop', tok: t, cond, block };
}

const SORT_AGGREGATES: Record<string, SortAggregate> = {
  '@avg': 'avg',
  '@min': 'min',
  '@max': 'max',
  '@count': 'count',
  '@sum': 'sum',
  '@variance': 'variance',
};

/**
 * Mirrors parse.cxx `parse_foreach_loop`: `foreach ([v[+-] =] (k[+-] | [k1[+-], …]) in
 * a[[slice]] [@agg][+-] [limit E]) stmt`, with at most one sort directive.
 */
function parseForeachLoop(p: ParserState): ForeachLoop {
  const t = p.next();
  if (!isOp(p.next(), '(')) throw p.error("expected '('", 'parse_foreach_loop:open');
  const s: Partial<ForeachLoop> & { indexes: Symbol[]; arraySlice: (Expression | null)[] } = {
    indexes: [],
    arraySlice: [],
    sortDirection: 0,
    sortColumn: 0,
    sortAggregate: 'none',
  };

  // A value variable (`v = …`), or a lone index, possibly with a sort directive.
  let lookahead: Symbol | undefined;
  let lookaheadSort = 0;
  let u = p.peek();
  if (u && u.type === 'identifier') {
    p.next();
    lookahead = { kind: 'symbol', tok: u, name: u.content };
    u = p.peek();
    if (isOp(u, '+', '-')) {
      lookaheadSort = u!.content === '+' ? 1 : -1;
      p.next();
    }
    if (p.peekOp('=')) {
      p.next();
      s.value = lookahead;
      if (lookaheadSort) {
        s.sortDirection = lookaheadSort;
        s.sortColumn = 0;
      }
      lookahead = undefined;
    }
  }

  if (lookahead) {
    s.indexes.push(lookahead);
    if (lookaheadSort) {
      s.sortDirection = lookaheadSort;
      s.sortColumn = 1;
    }
  } else {
    // `[k1, k2]`, or after a value `v = k`: one index without brackets. stap reads both with
    // one loop (one throw site for each message).
    const bracketed = p.peekOp('[');
    if (bracketed) p.swallow();
    for (;;) {
      const v = p.next();
      if (v.type !== 'identifier') throw p.error('expected identifier', 'parse_foreach_loop:index');
      s.indexes.push({ kind: 'symbol', tok: v, name: v.content });
      const w = p.peek();
      if (isOp(w, '+', '-')) {
        if (s.sortDirection) throw p.error('multiple sort directives', 'parse_foreach_loop:sort_index');
        s.sortDirection = w!.content === '+' ? 1 : -1;
        s.sortColumn = s.indexes.length;
        p.next();
      }
      if (!bracketed) break;
      const x = p.peek();
      if (isOp(x, ',')) {
        p.swallow();
        continue;
      }
      if (isOp(x, ']')) {
        p.swallow();
        break;
      }
      throw p.error("expected ',' or ']'", 'parse_foreach_loop:index_list');
    }
  }

  if (!isKw(p.next(), 'in')) throw p.error("expected 'in'", 'parse_foreach_loop:in');
  p.swallow();
  s.base = parseIndexable(p);

  if (p.peekOp('[')) {
    p.swallow();
    for (;;) {
      if (p.peekOp('*')) {
        p.swallow();
        s.arraySlice.push(null);
      } else {
        s.arraySlice.push(parseExpression(p));
      }
      const x = p.peek();
      if (isOp(x, ',')) {
        p.swallow();
        continue;
      }
      if (isOp(x, ']')) {
        p.swallow();
        break;
      }
      throw p.error("expected ',' or ']'", 'parse_foreach_loop:slice');
    }
  }

  u = p.peek();
  if (u && u.type === 'operator' && u.content.startsWith('@')) {
    const aggr = SORT_AGGREGATES[u.content];
    if (!aggr) throw p.error('expected statistical operation', 'parse_foreach_loop:aggregate');
    s.sortAggregate = aggr;
    p.swallow();
    if (!isOp(p.peek(), '+', '-')) throw p.error('expected sort directive', 'parse_foreach_loop:aggregate_sort');
  }

  u = p.peek();
  if (isOp(u, '+', '-')) {
    if (s.sortDirection) throw p.error('multiple sort directives', 'parse_foreach_loop:sort_value');
    s.sortDirection = u!.content === '+' ? 1 : -1;
    s.sortColumn = 0;
    p.swallow();
  }

  if (p.peekKw('limit')) {
    p.swallow();
    s.limit = parseExpression(p);
  }

  if (!isOp(p.next(), ')')) throw p.error("expected ')'", 'parse_foreach_loop:close');
  s.block = parseStatement(p);
  return { kind: 'foreach_loop', tok: t, ...s } as ForeachLoop;
}
