/**
 * The `-p1` dump: a stapfile printed exactly as stap prints it. Mirrors staptree.cxx
 * `stapfile::print` and the `*::print` / `printsig` methods of every node, and main.cxx's
 * pass-1 dump (`# parse tree dump`, the user files, an empty line, and with `-v` every library
 * file followed by an empty line).
 *
 * The quirks are stap's and deliberate: embeds, globals, aliases, probes, functions in that
 * order whatever the source order; `%}` with no newline after it; `probe X{`; points joined by
 * `,` but alias locations by `, `; every expression fully parenthesised; `;` after every
 * statement in a block; format strings through `lex_cast_qstring` but plain strings with only
 * `"` escaped; `while` printed as the `for` loop it was parsed into.
 */
import type {
  Block,
  Expression,
  ForeachLoop,
  FunctionDecl,
  Literal,
  ProbeAlias,
  ProbePoint,
  Probe,
  StapFile,
  Statement,
  TargetComponent,
  VarDecl,
} from '../ast/staptree';
import { lexCastQstring } from '../passes/parse/lexer';

/** Mirrors staptree.cxx `stapfile::print`, from `# file NAME` on. */
export function printStapFile(file: StapFile): string {
  let o = `# file ${file.name}\n`;
  for (const e of file.embeds) o += `%{${e.code}%}`;
  for (const g of file.globals) o += `global ${printVarDecl(g)}\n`;
  for (const a of file.aliases) o += `${printProbeAlias(a)}\n`;
  for (const p of file.probes) o += `${printProbe(p)}\n`;
  for (const f of file.functions) o += `${printFunctionDecl(f)}\n`;
  return o;
}

/**
 * The whole stdout of `stap -p1` (main.cxx `passes_0_4`): the header, each user file, an empty
 * line, and with `-v` each library file (`.stpm` files as empty stapfiles) and an empty line.
 */
export function printParseTreeDump(userFiles: readonly StapFile[], libraryFiles: readonly StapFile[], verbose: boolean): string {
  let o = '# parse tree dump\n';
  for (const f of userFiles) o += printStapFile(f);
  o += '\n';
  if (verbose) for (const f of libraryFiles) o += `${printStapFile(f)}\n`;
  return o;
}

/** Mirrors staptree.cxx `vardecl::print`. */
export function printVarDecl(v: VarDecl): string {
  let o = v.unmangledName;
  if (v.wrap) o += '%';
  if (v.maxsize > 0) o += `[${v.maxsize}]`;
  if (v.init) o += ` = ${printLiteral(v.init)}`;
  return o;
}

/** Mirrors staptree.cxx `functiondecl::print`: no types, no priority. */
export function printFunctionDecl(f: FunctionDecl): string {
  return `function ${f.unmangledName} (${f.formalArgs.map(printVarDecl).join(', ')})\n${printStatement(f.body)}`;
}

/** Mirrors staptree.cxx `probe::print`: `probe ` + signature + body, no space before `{`. */
export function printProbe(p: Probe): string {
  return `probe ${printProbeSig(p)}${printBlock(p.body)}`;
}

/** Mirrors staptree.cxx `probe::printsig`: the locations joined by `,`. */
export function printProbeSig(p: Probe): string {
  return p.locations.map(printProbePoint).join(',');
}

/** Mirrors staptree.cxx `probe_alias::print`: the second body of the combined form is not printed. */
export function printProbeAlias(a: ProbeAlias): string {
  return `probe ${printProbeAliasSig(a)}${printBlock(a.body)}`;
}

/** Mirrors staptree.cxx `probe_alias::printsig`. */
export function printProbeAliasSig(a: ProbeAlias): string {
  const names = a.aliasNames.map(printProbePoint).join(' = ');
  return `${names}${a.epilogueStyle ? ' += ' : ' = '}${a.locations.map(printProbePoint).join(', ')}`;
}

/** Mirrors staptree.cxx `probe_point::print`. */
export function printProbePoint(pp: ProbePoint): string {
  let o = pp.components.map((c) => (c.arg ? `${c.functor}(${printLiteral(c.arg)})` : c.functor)).join('.');
  if (pp.sufficient) o += '!';
  else if (pp.optional) o += '?';
  if (pp.condition) o += ` if (${printExpression(pp.condition)})`;
  return o;
}

/** Mirrors staptree.cxx `literal_string::print` (only `"` escaped) and `literal_number::print`. */
export function printLiteral(l: Literal): string {
  // stap-ls only (--assume-args): an unknown argument prints as written, `$1`, `@2`.
  if (l.unknownArg !== undefined) return l.unknownArg;
  return l.kind === 'literal_string' ? `"${l.value.replace(/"/g, '\\"')}"` : String(l.value);
}

/** Mirrors staptree.cxx `block::print`. */
export function printBlock(b: Block): string {
  let o = '{\n';
  for (const s of b.statements) o += `${printStatement(s)};\n`;
  return `${o}}`;
}

/** Mirrors staptree.cxx `*::print` for statements. */
export function printStatement(s: Statement): string {
  switch (s.kind) {
    case 'block':
      return printBlock(s);
    case 'try_block':
      return (
        // Any statement: pass 2's optimiser collapses a one-statement block, and an emptied catch
        // (stap's null catch_block, printed as nothing) is a null statement (try_block::print).
        `try {\n${printStatement(s.tryBlock)}\n} catch ` +
        (s.catchErrorVar ? `(${s.catchErrorVar.name}) ` : '') +
        `{\n${s.catchBlock.kind === 'null_statement' ? '' : `${printStatement(s.catchBlock)}\n`}}\n`
      );
    case 'embeddedcode':
      return `%{${s.code}%}`;
    case 'null_statement':
      return ';';
    case 'expr_statement':
      return printExpression(s.value);
    case 'if_statement': {
      let o = `if (${printExpression(s.condition)}) ${printStatement(s.thenblock)}\n`;
      if (s.elseblock) o += `else ${printStatement(s.elseblock)}\n`;
      return o;
    }
    case 'for_loop':
      return (
        `for (${s.init ? printExpression(s.init.value) : ''}; ${printExpression(s.cond)}; ` +
        `${s.incr ? printExpression(s.incr.value) : ''}) ${printStatement(s.block)}`
      );
    case 'foreach_loop':
      return printForeach(s);
    case 'return_statement':
      return s.value ? `return ${printExpression(s.value)}` : 'return';
    case 'delete_statement':
      return `delete ${printExpression(s.value)}`;
    case 'next_statement':
      return 'next';
    case 'break_statement':
      return 'break';
    case 'continue_statement':
      return 'continue';
  }
}

const SORT_AGGREGATE_NAMES: Record<string, string> = {
  count: ' @count',
  sum: ' @sum',
  min: ' @min',
  max: ' @max',
  avg: ' @avg',
};

/** Mirrors staptree.cxx `foreach_loop::print`. */
function printForeach(s: ForeachLoop): string {
  const sign = s.sortDirection > 0 ? '+' : '-';
  let o = 'foreach (';
  if (s.value) o += `${s.value.name} = `;
  o += '[';
  o += s.indexes.map((v, i) => v.name + (s.sortDirection !== 0 && s.sortColumn === i + 1 ? sign : '')).join(', ');
  o += `] in ${printExpression(s.base)}`;
  if (s.arraySlice.length) o += `[${s.arraySlice.map((e) => (e ? printExpression(e) : '*')).join(', ')}]`;
  if (s.sortDirection !== 0 && s.sortColumn === 0) o += (SORT_AGGREGATE_NAMES[s.sortAggregate] ?? '') + sign;
  if (s.limit) o += ` limit ${printExpression(s.limit)}`;
  return `${o}) ${printStatement(s.block)}`;
}

function binary(left: Expression, op: string, right: Expression): string {
  return `(${printExpression(left)}) ${op} (${printExpression(right)})`;
}

function printComponents(components: readonly TargetComponent[]): string {
  let o = '';
  for (const c of components) {
    switch (c.type) {
      case 'struct_member':
      case 'pretty_print':
        o += `->${c.member}`;
        break;
      case 'literal_array_index':
        o += `[${c.num}]`;
        break;
      case 'expression_array_index':
        o += `[${printExpression(c.expr)}]`;
        break;
    }
  }
  return o;
}

/** Mirrors staptree.cxx `*::print` for expressions: fully parenthesised. */
export function printExpression(e: Expression): string {
  switch (e.kind) {
    case 'literal_string':
    case 'literal_number':
      return printLiteral(e);
    case 'embedded_expr':
      return `%{ ${e.code} %}`;
    case 'binary_expression':
    case 'logical_or_expr':
    case 'logical_and_expr':
    case 'comparison':
    case 'concatenation':
    case 'assignment':
      return binary(e.left, e.op, e.right);
    case 'unary_expression':
    case 'pre_crement':
      return `${e.op}(${printExpression(e.operand)})`;
    case 'post_crement':
      return `(${printExpression(e.operand)})${e.op}`;
    case 'array_in':
      return `[${indexList(e.operand.indexes)}] in ${printExpression(e.operand.base)}`;
    case 'regex_query':
      return `(${printExpression(e.left)}) ${e.op} ${printLiteral(e.right)}`;
    case 'ternary_expression':
      return `(${printExpression(e.cond)})?(${printExpression(e.truevalue)}):(${printExpression(e.falsevalue)})`;
    case 'symbol':
      return e.name;
    case 'target_symbol':
      return `${e.addressof ? '&' : ''}${e.name}${printComponents(e.components)}`;
    case 'cast_op':
      return (
        `${e.addressof ? '&' : ''}@cast(${printExpression(e.operand)}, ${lexCastQstring(e.typeName)}` +
        `${e.module ? `, ${lexCastQstring(e.module)}` : ''})${printComponents(e.components)}`
      );
    case 'autocast_op':
      return `${e.addressof ? '&' : ''}(${printExpression(e.operand)})${printComponents(e.components)}`;
    case 'atvar_op':
      return (
        `${e.addressof ? '&' : ''}@var("${e.targetName}"${e.module ? `, "${e.module}"` : ''})` +
        printComponents(e.components)
      );
    case 'defined_op':
      return `@defined(${printExpression(e.operand)})`;
    case 'entry_op':
      return `@entry(${printExpression(e.operand)})`;
    case 'perf_op':
      return `@perf(${printLiteral(e.operand)})`;
    case 'probewrite_op':
      return `@probewrite(${e.name})`;
    case 'arrayindex':
      return `${printExpression(e.base)}[${indexList(e.indexes)}]`;
    case 'functioncall':
      return `${e.function}(${e.args.map(printExpression).join(', ')})`;
    case 'print_format': {
      let o = `${e.name}(`;
      if (e.printWithFormat) o += lexCastQstring(e.rawComponents);
      if (e.printWithDelim) o += lexCastQstring(e.delimiter);
      if (e.hist) o += printExpression(e.hist);
      e.args.forEach((a, i) => {
        if (i > 0 || e.printWithFormat || e.printWithDelim) o += ', ';
        o += printExpression(a);
      });
      return `${o})`;
    }
    case 'stat_op':
      return `@${e.ctype}(${printExpression(e.stat)}${e.params.map((n) => `, ${n}`).join('')})`;
    case 'hist_op':
      return `@hist_${e.htype}(${printExpression(e.stat)}${e.params.map((n) => `, ${n}`).join('')})`;
    case 'target_register':
      return `@${e.userspace ? 'u' : 'k'}register(${e.regno})`;
    case 'target_deref':
      return `@${e.userspace ? 'u' : 'k'}deref(${e.size}, ${printExpression(e.addr)})`;
  }
}

function indexList(indexes: readonly (Expression | null)[]): string {
  return indexes.map((i) => (i ? printExpression(i) : '*')).join(', ');
}
