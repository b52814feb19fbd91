/**
 * The abstract syntax tree that pass 1 builds and pass 2 elaborates. Mirrors staptree.h: one
 * TypeScript type per stap structure (`stapfile`, `probe`, `probe_point`, `functiondecl`,
 * `vardecl`, each statement and expression), as plain data discriminated by `kind`, whose value
 * is the C++ structure name. Every node carries the token stap keeps for it (`tok`), which is
 * where messages point.
 *
 * Only what the parser fills in is here. Pass 2 adds its own fields (types, referents, mangled
 * overload names) as optional properties when it needs them.
 */
import type { SourceFile, Token } from '../passes/parse/token';

/** staptree.h `exp_type`. */
export type ExpType = 'unknown' | 'long' | 'string' | 'stats';

// ---------------------------------------------------------------------------------------------
// Expressions

/** staptree.h `literal_string`: the value as the lexer kept it (escapes stay two characters). */
export interface LiteralString {
  kind: 'literal_string';
  tok: Token;
  value: string;
  /** `--assume-args`: the value is unknown (an `@N` beyond the arguments); how it was written. */
  unknownArg?: string;
}

/** staptree.h `literal_number`: an int64. */
export interface LiteralNumber {
  kind: 'literal_number';
  tok: Token;
  value: bigint;
  /** `--assume-args`: the value is unknown (a `$N` beyond the arguments); how it was written. */
  unknownArg?: string;
}

export type Literal = LiteralString | LiteralNumber;

/** staptree.h `embedded_expr`: `%{ code %}` in an expression (also what `@const` becomes). */
export interface EmbeddedExpr {
  kind: 'embedded_expr';
  tok: Token;
  code: string;
}

/** staptree.h `binary_expression`: `* / % + - << >> >>> & ^ |`. */
export interface BinaryExpression {
  kind: 'binary_expression';
  tok: Token;
  op: string;
  left: Expression;
  right: Expression;
}

/** staptree.h `unary_expression`: `+ - ! ~` (and `&` is not one: see AutocastOp). */
export interface UnaryExpression {
  kind: 'unary_expression';
  tok: Token;
  op: string;
  operand: Expression;
}

/** staptree.h `pre_crement`: `++x`, `--x`. */
export interface PreCrement {
  kind: 'pre_crement';
  tok: Token;
  op: string;
  operand: Expression;
}

/** staptree.h `post_crement`: `x++`, `x--`. */
export interface PostCrement {
  kind: 'post_crement';
  tok: Token;
  op: string;
  operand: Expression;
}

/** staptree.h `logical_or_expr`. */
export interface LogicalOrExpr {
  kind: 'logical_or_expr';
  tok: Token;
  op: '||';
  left: Expression;
  right: Expression;
}

/** staptree.h `logical_and_expr`. */
export interface LogicalAndExpr {
  kind: 'logical_and_expr';
  tok: Token;
  op: '&&';
  left: Expression;
  right: Expression;
}

/** staptree.h `array_in`: `[i, j] in a`. */
export interface ArrayIn {
  kind: 'array_in';
  tok: Token;
  operand: ArrayIndex;
}

/** staptree.h `regex_query`: `s =~ "re"`, `s !~ "re"`. */
export interface RegexQuery {
  kind: 'regex_query';
  tok: Token;
  op: '=~' | '!~';
  left: Expression;
  right: LiteralString;
}

/** staptree.h `comparison`: `< > <= >= == !=`. */
export interface Comparison {
  kind: 'comparison';
  tok: Token;
  op: string;
  left: Expression;
  right: Expression;
}

/** staptree.h `concatenation`: `a . b` (binary in 4.8). */
export interface Concatenation {
  kind: 'concatenation';
  tok: Token;
  op: '.';
  left: Expression;
  right: Expression;
}

/** staptree.h `ternary_expression`. */
export interface TernaryExpression {
  kind: 'ternary_expression';
  tok: Token;
  cond: Expression;
  truevalue: Expression;
  falsevalue: Expression;
}

/** staptree.h `assignment`: `= <<< += -= *= /= %= <<= >>= &= ^= |= .=`. */
export interface Assignment {
  kind: 'assignment';
  tok: Token;
  op: string;
  left: Expression;
  right: Expression;
}

/** staptree.h `symbol`: a variable (or array) name. */
export interface Symbol {
  kind: 'symbol';
  tok: Token;
  name: string;
}

/** staptree.h `target_symbol::component`. */
export type TargetComponent =
  | { type: 'struct_member'; tok: Token; member: string }
  | { type: 'literal_array_index'; tok: Token; num: bigint }
  | { type: 'expression_array_index'; tok: Token; expr: Expression }
  | { type: 'pretty_print'; tok: Token; member: string };

interface TargetBase {
  tok: Token;
  /** `&` in front. */
  addressof: boolean;
  components: TargetComponent[];
}

/** staptree.h `target_symbol`: `$var`, `$$vars`, … with `->m`, `[i]` and `$`/`$$` suffixes. */
export interface TargetSymbol extends TargetBase {
  kind: 'target_symbol';
  name: string;
}

/** staptree.h `cast_op`: `@cast(E, "type"[, "module"])`. */
export interface CastOp extends TargetBase {
  kind: 'cast_op';
  operand: Expression;
  typeName: string;
  module: string;
}

/** staptree.h `autocast_op`: `&E` or `E->m`/`E[i]` on a non-target expression. */
export interface AutocastOp extends TargetBase {
  kind: 'autocast_op';
  operand: Expression;
}

/** staptree.h `atvar_op`: `@var("name[@cu]"[, "module"])`. */
export interface AtvarOp extends TargetBase {
  kind: 'atvar_op';
  /** The whole string, `name@cu` included. */
  targetName: string;
  /** The part after `@`, or ''. */
  cuName: string;
  module: string;
}

/** staptree.h `defined_op`: `@defined(E)`. */
export interface DefinedOp {
  kind: 'defined_op';
  tok: Token;
  operand: Expression;
}

/** staptree.h `entry_op`: `@entry(E)`. */
export interface EntryOp {
  kind: 'entry_op';
  tok: Token;
  operand: Expression;
}

/** staptree.h `perf_op`: `@perf("name")`. */
export interface PerfOp {
  kind: 'perf_op';
  tok: Token;
  operand: LiteralString;
}

/** `@probewrite(var)`: whether a probe alias's user writes `var` (folded in pass 2). */
export interface ProbewriteOp {
  kind: 'probewrite_op';
  tok: Token;
  name: string;
}

/** staptree.h `arrayindex`: `a[i, *]` or `@hist_log(s)[i]`; `null` is a `*` wildcard. */
export interface ArrayIndex {
  kind: 'arrayindex';
  tok: Token;
  base: Symbol | HistOp;
  indexes: (Expression | null)[];
}

/** staptree.h `functioncall`. */
export interface FunctionCall {
  kind: 'functioncall';
  tok: Token;
  function: string;
  args: Expression[];
}

/** staptree.h `print_format`: the `print`/`sprint` family (print, println, printf, printd, printdln). */
export interface PrintFormat {
  kind: 'print_format';
  tok: Token;
  /** The function name as written, e.g. `sprintf`. */
  name: string;
  /** `print*` (to the output stream) rather than `sprint*` (returns a string). */
  printToStream: boolean;
  printWithFormat: boolean;
  printWithDelim: boolean;
  printWithNewline: boolean;
  /** The format string (`print_with_format`), as the lexer kept it. */
  rawComponents: string;
  /** The delimiter (`print_with_delim`). */
  delimiter: string;
  args: Expression[];
  /** `print(@hist_log(s))`: the histogram to print. */
  hist?: HistOp;
}

export type StatComponent = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'variance';

/** staptree.h `stat_op`: `@count(s)`, …, `@variance(s[, N])`. */
export interface StatOp {
  kind: 'stat_op';
  tok: Token;
  ctype: StatComponent;
  stat: Expression;
  params: bigint[];
}

/** staptree.h `hist_op`: `@hist_linear(s, lo, hi, step)`, `@hist_log(s)`. */
export interface HistOp {
  kind: 'hist_op';
  tok: Token;
  htype: 'linear' | 'log';
  stat: Expression;
  params: bigint[];
}

/** staptree.h `target_register`: `@kregister(N)`, `@uregister(N)`. */
export interface TargetRegister {
  kind: 'target_register';
  tok: Token;
  /** Stored as C `unsigned` (so `-1` is 4294967295). */
  regno: number;
  userspace: boolean;
}

/** staptree.h `target_deref`: `@kderef(size, addr)`, `@uderef(size, addr)`. */
export interface TargetDeref {
  kind: 'target_deref';
  tok: Token;
  addr: Expression;
  /** Stored as C `unsigned`. */
  size: number;
  userspace: boolean;
}

export type Expression =
  | LiteralString
  | LiteralNumber
  | EmbeddedExpr
  | BinaryExpression
  | UnaryExpression
  | PreCrement
  | PostCrement
  | LogicalOrExpr
  | LogicalAndExpr
  | ArrayIn
  | RegexQuery
  | Comparison
  | Concatenation
  | TernaryExpression
  | Assignment
  | Symbol
  | TargetSymbol
  | CastOp
  | AutocastOp
  | AtvarOp
  | DefinedOp
  | EntryOp
  | PerfOp
  | ProbewriteOp
  | ArrayIndex
  | FunctionCall
  | PrintFormat
  | StatOp
  | HistOp
  | TargetRegister
  | TargetDeref;

// ---------------------------------------------------------------------------------------------
// Statements

/** staptree.h `block`. */
export interface Block {
  kind: 'block';
  tok: Token;
  statements: Statement[];
}

/**
 * staptree.h `try_block`: `try { } catch [(var)] { }`. The parser puts blocks here; pass 2's
 * optimiser may collapse them to a single statement (stap's fields are `statement*`), and an
 * emptied catch becomes a null statement, which stands for stap's absent (0) catch block.
 */
export interface TryBlock {
  kind: 'try_block';
  tok: Token;
  tryBlock: Statement;
  catchErrorVar?: Symbol;
  catchBlock: Statement;
}

/** staptree.h `embeddedcode`: `%{ … %}` at file level or as a function body. */
export interface EmbeddedCode {
  kind: 'embeddedcode';
  tok: Token;
  code: string;
}

/** staptree.h `null_statement`: a lone `;`. */
export interface NullStatement {
  kind: 'null_statement';
  tok: Token;
}

/** staptree.h `expr_statement`. */
export interface ExprStatement {
  kind: 'expr_statement';
  tok: Token;
  value: Expression;
}

/** staptree.h `if_statement`. */
export interface IfStatement {
  kind: 'if_statement';
  tok: Token;
  condition: Expression;
  thenblock: Statement;
  elseblock?: Statement;
}

/** staptree.h `for_loop`; `while (c) s` is one too, without init and incr. */
export interface ForLoop {
  kind: 'for_loop';
  tok: Token;
  init?: ExprStatement;
  cond: Expression;
  incr?: ExprStatement;
  block: Statement;
}

export type SortAggregate = 'none' | 'count' | 'sum' | 'min' | 'max' | 'avg' | 'variance';

/** staptree.h `foreach_loop`. */
export interface ForeachLoop {
  kind: 'foreach_loop';
  tok: Token;
  indexes: Symbol[];
  /** `in a[1, *]`: the slice (`null` is `*`); empty when there is none. */
  arraySlice: (Expression | null)[];
  base: Symbol | HistOp;
  /** `v = [k] in a`. */
  value?: Symbol;
  /** 1 ascending, -1 descending, 0 unsorted. */
  sortDirection: number;
  /** 0: the value; i: the i-th index (1-based). */
  sortColumn: number;
  sortAggregate: SortAggregate;
  limit?: Expression;
  block: Statement;
}

/** staptree.h `return_statement`. */
export interface ReturnStatement {
  kind: 'return_statement';
  tok: Token;
  value?: Expression;
}

/** staptree.h `delete_statement`. */
export interface DeleteStatement {
  kind: 'delete_statement';
  tok: Token;
  value: Expression;
}

/** staptree.h `next_statement`. */
export interface NextStatement {
  kind: 'next_statement';
  tok: Token;
}

/** staptree.h `break_statement`. */
export interface BreakStatement {
  kind: 'break_statement';
  tok: Token;
}

/** staptree.h `continue_statement`. */
export interface ContinueStatement {
  kind: 'continue_statement';
  tok: Token;
}

export type Statement =
  | Block
  | TryBlock
  | EmbeddedCode
  | NullStatement
  | ExprStatement
  | IfStatement
  | ForLoop
  | ForeachLoop
  | ReturnStatement
  | DeleteStatement
  | NextStatement
  | BreakStatement
  | ContinueStatement;

// ---------------------------------------------------------------------------------------------
// Declarations

/** staptree.h `vardecl`: a global, or a function parameter. */
export interface VarDecl {
  kind: 'vardecl';
  tok: Token;
  /**
   * For globals the mangled name (`__global_x`, or `__private_<detox(file)>x` for a private
   * one), as parse.cxx names them; for parameters the plain name.
   */
  name: string;
  unmangledName: string;
  /** `global a[N]`: N, else 0. */
  maxsize: number;
  /** `global a%`. */
  wrap: boolean;
  /** `global x = literal`. */
  init?: Literal;
  /** Declared (`f(a:long)`) or initialiser type. */
  type: ExpType;
  /** The token of a declared type (`:long`). */
  typeTok?: Token;
  /** 0 once an initialiser pinned it to a scalar, else -1 (unknown). */
  arity: number;
  isPrivate: boolean;
  /** The `systemtap_v` token of a `%( systemtap_v … %)` condition around it (`--check-version`). */
  systemtapVConditional?: Token;
}

/** staptree.h `functiondecl`. */
export interface FunctionDecl {
  kind: 'functiondecl';
  tok: Token;
  /**
   * `__global_f` or `__private_<detox(file)>f`. Pass 2 appends stap's `__overload_N`, whose N
   * comes from a session-wide counter over all parsed files.
   */
  name: string;
  unmangledName: string;
  formalArgs: VarDecl[];
  body: Block | EmbeddedCode;
  /** Declared return type (`function f:long ()`), else unknown. */
  type: ExpType;
  typeTok?: Token;
  /** `function f() : N`; 0 for user files and 1 for tapsets unless given. */
  priority: number;
  isPrivate: boolean;
  /** Declared in a privileged (guru or tapset) file. */
  privileged: boolean;
  /** See VarDecl.systemtapVConditional. */
  systemtapVConditional?: Token;
}

/** staptree.h `probe_point::component`: `functor` or `functor(arg)`. */
export interface ProbePointComponent {
  tok: Token;
  functor: string;
  arg?: Literal;
  /** `--assume-args`: the name is (or contains) a `$N` beyond the arguments, so it is unknown. */
  unknownArg?: true;
}

/** staptree.h `probe_point`. */
export interface ProbePoint {
  kind: 'probe_point';
  tok: Token;
  components: ProbePointComponent[];
  /** `?` (also set by `!`). */
  optional: boolean;
  /** `!`. */
  sufficient: boolean;
  condition?: Expression;
}

/** staptree.h `probe`. */
export interface Probe {
  kind: 'probe';
  /** The `probe` keyword. */
  tok: Token;
  locations: ProbePoint[];
  body: Block;
  privileged: boolean;
  /** See VarDecl.systemtapVConditional. */
  systemtapVConditional?: Token;
}

/** staptree.h `probe_alias`: `probe a = b { }`, `probe a += b { }`, `probe a = b { } , { }`. */
export interface ProbeAlias {
  kind: 'probe_alias';
  tok: Token;
  aliasNames: ProbePoint[];
  locations: ProbePoint[];
  /** `+=`. */
  epilogueStyle: boolean;
  body: Block;
  /** The epilogue of the combined form `probe a = b { prologue }, { epilogue }`. */
  body2?: Block;
  privileged: boolean;
  /** See VarDecl.systemtapVConditional. */
  systemtapVConditional?: Token;
}

/** staptree.h `stapfile`. */
export interface StapFile {
  kind: 'stapfile';
  /** The name as stap prints it (`# file NAME`). */
  name: string;
  file: SourceFile;
  probes: Probe[];
  aliases: ProbeAlias[];
  functions: FunctionDecl[];
  globals: VarDecl[];
  embeds: EmbeddedCode[];
  privileged: boolean;
}

/** An empty stapfile, e.g. what a `.stpm` macro file contributes to the `-p1 -v` dump. */
export function emptyStapFile(file: SourceFile, privileged = false): StapFile {
  return {
    kind: 'stapfile',
    name: file.name,
    file,
    probes: [],
    aliases: [],
    functions: [],
    globals: [],
    embeds: [],
    privileged,
  };
}

/**
 * util.cxx `detox_path`: the file name with every non-alphanumeric character as `_`, plus a
 * trailing `_`, used in private names (`__private_p2d_stp_x`).
 */
export function detoxPath(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '_') + '_';
}
