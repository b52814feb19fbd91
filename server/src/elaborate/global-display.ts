/**
 * The end-of-run display of user globals that are written but never read (elaborate.cxx
 * `add_global_var_display`). stap generates the text of a `probe end { … }` and parses it; we
 * build the same tree directly, already resolved and typed (stap re-runs symbol resolution and
 * the type pass on it). Per global, in `s.globals` order, one synthetic end probe:
 *
 *   scalar long:    printf("g=%d\n", g)
 *   scalar string:  printf("s=\"%#s\"\n", s)
 *   scalar stats:   if (@count(s) == 0) printf("s @count=0x0\n")
 *                   else printf("s @count=%#d @min=%#d @max=%#d @sum=%#d @avg=%#d\n", @count(s), …)
 *   array:          foreach (__val = [__idx0, …] in a-) printf("a[%#d,\"%#s\"]=%d\n", __idx0, …, __val)
 *   stats array:    foreach ([__idx0, …] in a-) printf("a[…] @count=%#d …\n", __idx0, …, @count(a[__idx0, …]), …)
 *
 * (`%#x` instead of `%#d` for stats before `--compatible=1.4`.) Skipped: tapset globals,
 * synthetic ones, globals read where the value is used (a bare `g++` or `g += 1` does not
 * count), and everything with `--no-global-var-display`.
 */
import type {
  Expression,
  ExpType,
  ForeachLoop,
  IfStatement,
  LiteralNumber,
  PrintFormat,
  ProbePoint,
  Statement,
  StatOp,
  Symbol,
} from '../ast/staptree';
import type { Token } from '../passes/parse/token';
import { strverscmp } from '../util/strverscmp';
import type { Annotated, DerivedProbe, Elaboration, ElabVar } from './model';
import { collectVarUse } from './optimize-unused-vars';
import { tolerateUnresolved } from './varuse';

const STATS = ['count', 'min', 'max', 'sum', 'avg'] as const;

export function addGlobalVarDisplay(e: Elaboration): void {
  if (e.options.noGlobalVarDisplay) return;
  tolerateUnresolved(e, () => globalVarDisplay(e));
}

function globalVarDisplay(e: Elaboration): void {
  const vu = collectVarUse(e);
  for (const g of [...e.globals]) {
    if ((vu.read.has(g) && vu.used.has(g)) || !vu.written.has(g)) continue;
    if (g.synthetic) continue;
    const file = e.userFiles.find((f) => f.name === g.tok.location.file.name);
    if (!file) continue;
    e.probes.push(displayProbe(e, g, file));
  }
}

function displayProbe(e: Elaboration, g: ElabVar, file: DerivedProbe['file']): DerivedProbe {
  const tok = g.tok;
  const statsFormat = strverscmp(e.session.compatible, '1.4') >= 0 ? '%#d' : '%#x';
  const locals: ElabVar[] = [];
  const sym = (v: ElabVar): Annotated<Symbol> => ({ kind: 'symbol', tok, name: v.name, referent: v, type: v.type });
  const local = (name: string, type: ExpType): ElabVar => {
    const v: ElabVar = {
      kind: 'vardecl',
      tok,
      name,
      unmangledName: name,
      maxsize: 0,
      wrap: false,
      type,
      arity: 0,
      isPrivate: false,
    };
    locals.push(v);
    return v;
  };
  const name = g.unmangledName;
  const indexTypes = g.indexTypes ?? [];
  const isStats = g.type === 'stats';
  let format = name;
  let stmt: Statement;
  const statArgs = (value: () => Expression): Expression[] =>
    STATS.map((c): Expression => {
      const s: Annotated<StatOp> = { kind: 'stat_op', tok, ctype: c, stat: value(), params: [] };
      s.type = 'long';
      return s;
    });
  const valueFormat = (): string =>
    isStats ? STATS.map((s) => ` @${s}=${statsFormat}`).join('') : g.type === 'string' ? '="%#s"' : '=%d';

  if (indexTypes.length > 0) {
    const idx = indexTypes.map((t, i) => local(`__idx${i}`, t));
    const val = isStats ? undefined : local('__val', g.type);
    format += `[${indexTypes.map((t) => (t === 'string' ? '"%#s"' : '%#d')).join(',')}]`;
    format += `${valueFormat()}\\n`;
    const element = (): Expression => {
      const a: Annotated = { kind: 'arrayindex', tok, base: sym(g), indexes: idx.map(sym) } as Annotated;
      a.type = g.type;
      return a;
    };
    const args: Expression[] = [...idx.map(sym), ...(val ? [sym(val)] : statArgs(element))];
    const loop: ForeachLoop = {
      kind: 'foreach_loop',
      tok,
      indexes: idx.map(sym),
      arraySlice: [],
      value: val ? sym(val) : undefined,
      base: sym(g),
      sortDirection: -1,
      sortColumn: 0,
      sortAggregate: 'none',
      block: printfStatement(tok, format, args),
    };
    stmt = loop;
  } else if (isStats) {
    format += `${valueFormat()}\\n`;
    const count: Annotated<StatOp> = { kind: 'stat_op', tok, ctype: 'count', stat: sym(g), params: [] };
    count.type = 'long';
    const zero: Annotated<LiteralNumber> = { kind: 'literal_number', tok, value: 0n };
    zero.type = 'long';
    const cond: Annotated = { kind: 'comparison', tok, op: '==', left: count, right: zero };
    cond.type = 'long';
    const ifs: IfStatement = {
      kind: 'if_statement',
      tok,
      condition: cond,
      thenblock: printfStatement(tok, `${name} @count=0x0\\n`, []),
      elseblock: printfStatement(tok, format, statArgs(() => sym(g))),
    };
    stmt = ifs;
  } else {
    format += `${valueFormat()}\\n`;
    stmt = printfStatement(tok, format, [sym(g)]);
  }

  const location: ProbePoint = { kind: 'probe_point', tok, components: [{ tok, functor: 'end' }], optional: false, sufficient: false };
  const body: Statement = { kind: 'block', tok, statements: [stmt] };
  return {
    kind: 'derived_probe',
    tok,
    location,
    origin: { kind: 'probe', probe: { kind: 'probe', tok, locations: [location], body, privileged: false } },
    body,
    locals,
    file,
    family: 'end',
    sigSuffix: '',
    synthetic: 'global-display',
  };
}

/** `printf("FORMAT", args…);` as an expression statement; FORMAT as the lexer keeps it. */
function printfStatement(tok: Token, rawComponents: string, args: Expression[]): Statement {
  const pf: Annotated<PrintFormat> = {
    kind: 'print_format',
    tok,
    name: 'printf',
    printToStream: true,
    printWithFormat: true,
    printWithDelim: false,
    printWithNewline: false,
    rawComponents,
    delimiter: '',
    args,
  };
  pf.type = 'long';
  return { kind: 'expr_statement', tok, value: pf };
}
