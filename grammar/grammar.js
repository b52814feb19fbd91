/**
 * @file SystemTap (stap 4.8) grammar for tree-sitter.
 * @license MIT
 *
 * Covers the script language as stap 4.8's parser (parse.cxx) accepts it: probes and probe
 * aliases, functions, globals, every statement and expression, target symbols, @-operators,
 * embedded C, `@define` macros and `%( %? %: %)` preprocessor conditionals.
 *
 * Preprocessor conditionals and macros are token-level in stap; this grammar parses them where
 * the real tapsets and examples put them, with one variant of the conditional per syntactic
 * position (file level, statements, expressions, argument lists, probe-point lists, ...), each
 * aliased to `preproc_conditional`. Where a branch is not a syntactic unit in its position the
 * branch falls back to a `token_sequence` node.
 *
 * Precedence table and rules follow parse.cxx (`parse_assignment` down to `parse_value`).
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const PREC = {
  ASSIGN: 1,
  TERNARY: 2,
  LOGICAL_OR: 3,
  LOGICAL_AND: 4,
  BIT_OR: 5,
  BIT_XOR: 6,
  BIT_AND: 7,
  IN: 8,
  COMPARE: 9,
  SHIFT: 10,
  CONCAT: 11,
  ADD: 12,
  MULTIPLY: 13,
  UNARY: 14,
  PRE_INCDEC: 15,
  POST_INCDEC: 16,
  ADDRESS: 17,
  POSTFIX: 18,
  CALL: 19,
};

// Reserved words, lexed by the external scanner (src/scanner.c keeps the same list in the same
// order): a keyword is never an identifier, even where the keyword itself is not valid.
const KEYWORDS = [
  'probe', 'global', 'function', 'if', 'else', 'for', 'foreach', 'in', 'limit', 'return',
  'delete', 'while', 'break', 'continue', 'next', 'string', 'long', 'try', 'catch', 'private',
];

// The print family: in an expression the name must be followed by `(` (parse.cxx:
// `parse_symbol`), but it may name a function, a global or a parameter.
const PRINT_FUNCTIONS = [
  'print', 'printf', 'println', 'printd', 'printdln',
  'sprint', 'sprintf', 'sprintln', 'sprintd', 'sprintdln',
];

const ASSIGNMENT_OPERATORS = [
  '=', '<<<', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|=', '.=',
];

const BINARY_OPERATORS = [
  '||', '&&', '|', '^', '&', '==', '!=', '<', '<=', '>', '>=', '<<', '>>', '>>>', '.', '+', '-',
  '*', '/', '%',
];

const STAT_OPERATORS = ['@count', '@sum', '@min', '@max', '@avg'];

module.exports = grammar({
  name: 'systemtap',

  extras: $ => [/\s/, $.comment],

  externals: $ => [
    $._pp_then,
    $._pp_then_raw,
    $._pp_else,
    $._pp_else_raw,
    $.token_sequence,
    $._macro_open,
    $._macro_open_raw,
    $._pp_open_tail,
    $.identifier,
    $.glob,
    // `%{ ... %}`; the scanner reads it once, so an unterminated one (which it returns as the
    // never-valid token below) costs linear time.
    $.embedded_code,
    $._unterminated_embedded_code,
    ...KEYWORDS,
    ...PRINT_FUNCTIONS,
  ],

  supertypes: $ => [$._expression, $._statement],

  inline: $ => [$._component_name, $._lvalue],

  conflicts: $ => [
    // `global a %( ... %)`: the conditional continues the list or starts a file-level item.
    [$._global_list],
    // `$x %( ...`: components of the target symbol, or a conditional that follows it.
    [$.target_symbol],
    [$.cast_expression],
    [$.atvar_expression],
    [$.member_expression],
    [$._global_list_tail],
    // `f(%( c %? x %))`: an expression-level or an argument-list conditional.
    [$._argument_branch_list, $.preproc_conditional_expression],
    [$.preproc_conditional_arguments, $.preproc_conditional_expression],
    // `a %( c %? + b %)`: the conditional continues the expression or is the next statement.
    [$.expression_statement, $.preproc_conditional_expression],
    // `probe %( c %? a %: b %)`: alias names if `=` follows, else probe points.
    [$._alias_name, $._probe_point_branch_list],
    [$.preproc_conditional_alias_names, $.preproc_conditional_probe_points],
  ],

  rules: {
    source_file: $ => repeat($._top_level_item),

    _top_level_item: $ => choice(
      $.probe_declaration,
      $.probe_alias_declaration,
      $.function_declaration,
      $.global_declaration,
      $.embedded_code,
      $.macro_definition,
      alias($.preproc_conditional_top_level, $.preproc_conditional),
      // A macro that expands to file-level items (tapset livepatch.stp).
      prec.dynamic(-1, $.macro_invocation),
    ),

    // ---------------------------------------------------------------- probes

    probe_declaration: $ => seq(
      'probe',
      field('points', $.probe_point_list),
      field('body', $.block),
    ),

    probe_alias_declaration: $ => seq(
      choice(
        $._probe_alias_header,
        // `%( c %? probe a = b %: probe a = c %) { body }`: the conditional chooses the header.
        field('header', alias($.preproc_conditional_probe_header, $.preproc_conditional)),
      ),
      field('body', $.block),
      optional(seq(',', field('epilogue', $.block))),
    ),

    _probe_alias_header: $ => seq(
      'probe',
      $._alias_name,
      repeat(seq(choice('=', '+='), $._alias_name)),
      field('operator', choice('=', '+=')),
      field('points', $.probe_point_list),
    ),

    _alias_name: $ => choice(
      field('name', $.probe_point),
      alias($.preproc_conditional_alias_names, $.preproc_conditional),
    ),

    probe_point_list: $ => $._probe_point_list,

    // Probe points separated by commas; a preprocessor conditional in the list may carry the
    // separating commas inside its branches (`a, %( c %? b, %) d`).
    _probe_point_list: $ => choice(
      seq($.probe_point, optional(choice(seq(',', $._probe_point_list), $._probe_point_list_tail))),
      $._probe_point_list_tail,
    ),

    _probe_point_list_tail: $ => choice(
      // A `{` after the conditional opens the probe body, not a brace expansion.
      prec(1, $._probe_point_conditional),
      seq($._probe_point_conditional, optional(','), $._probe_point_list),
    ),

    // A conditional among probe points, optionally marked as a whole (`%( … %) ?`).
    _probe_point_conditional: $ => seq(
      alias($.preproc_conditional_probe_points, $.preproc_conditional),
      optional(field('flag', choice('?', '!'))),
    ),

    // Inside a conditional's branch the list may also begin and end with a comma.
    _probe_point_branch: $ => seq(optional(','), $._probe_point_branch_list),

    _probe_point_branch_list: $ => choice(
      seq($.probe_point, optional(seq(',', optional($._probe_point_branch_list)))),
      seq(
        $._probe_point_conditional,
        optional(seq(optional(','), optional($._probe_point_branch_list))),
      ),
    ),

    probe_point: $ => seq(
      $._component,
      repeat(seq('.', $._component)),
      optional(field('flag', choice('?', '!'))),
      optional(seq('if', '(', field('condition', $._expression), ')')),
    ),

    _component: $ => choice($.component, $.brace_expansion),

    component: $ => seq(
      field('name', $._component_name),
      optional(seq('(', field('argument', $._probe_point_argument), ')')),
    ),

    _component_name: $ => choice(
      $.identifier,
      // Keywords used as components (`kernel.function`, `.return`); `probe` and `if` are left
      // out because they start a probe and a probe-point condition.
      alias(choice(...KEYWORDS.filter(k => k !== 'probe' && k !== 'if'), ...PRINT_FUNCTIONS), $.identifier),
      $.glob,
      $.script_argument,
      $.macro_invocation,
    ),

    brace_expansion: $ => seq('{', sepBy1(',', $.probe_point), '}'),

    _probe_point_argument: $ => choice(
      $.string,
      $.string_concatenation,
      $.number,
      $.negative_number,
      $.script_argument,
      $.script_argument_count,
      $.macro_invocation,
      alias($.preproc_conditional_literal, $.preproc_conditional),
    ),

    // ------------------------------------------------------------- functions

    function_declaration: $ => seq(
      optional(field('modifier', $._private)),
      'function',
      field('name', choice(
        $.identifier,
        alias(choice('string', 'long', ...PRINT_FUNCTIONS), $.identifier),
        // A macro parameter in a macro body: `@define mk(name) %( function @name() {} %)`.
        alias($._macro_reference, $.macro_invocation),
      )),
      optional(seq(':', field('type', $.type))),
      field('parameters', $.parameter_list),
      optional(seq(':', field('priority', choice($.number, $.negative_number)))),
      field('body', choice(
        $.block,
        $.embedded_code,
        alias($.preproc_conditional_function_body, $.preproc_conditional),
      )),
    ),

    // stap accepts a trailing comma (`function add(a, b,)`).
    parameter_list: $ => seq('(', optional(seq(sepBy1(',', $.parameter), optional(','))), ')'),

    parameter: $ => seq(
      field('name', $._declared_name),
      optional(seq(':', field('type', $.type))),
    ),

    type: _ => choice('long', 'string'),

    private: _ => 'private',

    _private: $ => choice(
      $.private,
      prec(1, alias($.macro_invocation, $.private)),
    ),

    // --------------------------------------------------------------- globals

    // Only a global declaration may be followed by `;` at file level.
    global_declaration: $ => prec.right(seq(
      optional(field('modifier', $._private)),
      choice(
        seq('global', $._global_list),
        // `private x` is short for `private global x`.
        seq(field('modifier', $.private), $._global_list),
      ),
      optional(';'),
    )),

    // Globals separated by commas; a conditional may carry the commas in its branches.
    _global_list: $ => choice(
      seq($.global_variable, optional(choice(seq(',', $._global_list), $._global_list_tail))),
      $._global_list_tail,
    ),

    _global_list_tail: $ => seq(
      alias($.preproc_conditional_globals, $.preproc_conditional),
      optional(seq(optional(','), $._global_list)),
    ),

    global_variable: $ => prec.right(seq(
      field('name', $._declared_name),
      optional(field('wrap', '%')),
      optional(seq('[', field('size', choice($.number, $.macro_invocation)), ']')),
      optional(seq('=', field('value', $._literal_value))),
    )),

    // A name being declared: the print-family names are allowed here.
    _declared_name: $ => choice($.identifier, alias(choice(...PRINT_FUNCTIONS), $.identifier)),

    _literal_value: $ => choice(
      $.number,
      $.negative_number,
      $.string,
      $.string_concatenation,
      $.script_argument,
      $.script_argument_count,
      $.macro_invocation,
      alias($.preproc_conditional_literal, $.preproc_conditional),
    ),

    // ---------------------------------------------------------------- macros

    macro_definition: $ => seq(
      '@define',
      field('name', $.identifier),
      optional(field('parameters', $.macro_parameters)),
      choice(
        seq(alias($._macro_open, '%('), optional(field('body', $.macro_body))),
        seq(alias($._macro_open_raw, '%('), optional(field('body', $.token_sequence))),
      ),
      '%)',
    ),

    macro_parameters: $ => seq('(', sepBy(',', $.identifier), ')'),

    // A macro body is a token list in stap; it is parsed as statements (which includes a single
    // expression and a preprocessor condition), or as file-level items.
    macro_body: $ => choice(
      repeat1($._statement),
      prec.dynamic(-1, repeat1(choice(
        $.probe_declaration,
        $.probe_alias_declaration,
        $.function_declaration,
        $.global_declaration,
      ))),
    ),

    macro_invocation: $ => prec.right(seq(
      field('name', $.macro_name),
      optional(field('arguments', $.macro_arguments)),
    )),

    // A macro parameter may shadow an @-operator: `@define q(var) %( @cast(@var, "t") %)`.
    // Only taken as an argument, where the operator would need `(`.
    _operator_parameter: $ => prec(-1, field('name', alias(
      choice('@var', '@cast', '@entry', '@defined', '@perf', '@const'),
      $.macro_name,
    ))),

    // An argument of a call, a macro or @cast: any expression, an unindexed histogram (for
    // the print family), or a macro parameter named like an @-operator.
    _call_argument: $ => choice(
      $._expression,
      $.histogram_expression,
      alias($._operator_parameter, $.macro_invocation),
    ),

    // A macro name without arguments, where `(` belongs to what follows.
    _macro_reference: $ => field('name', $.macro_name),

    macro_name: _ => /@[A-Za-z_][A-Za-z0-9_]*/,

    macro_arguments: $ => seq(
      token.immediate('('),
      sepBy(',', optional($._macro_argument)),
      ')',
    ),

    // A macro argument is a token list in stap; besides expressions, a bare print-family name
    // is passed to be called inside the body (`@prometheus_dump_array1_map(a, "n", sprint)`).
    _macro_argument: $ => choice(
      $._call_argument,
      alias(choice(...PRINT_FUNCTIONS), $.identifier),
    ),

    // ---------------------------------------------------- preprocessor conditionals

    // One conditional per syntactic position, each aliased to `preproc_conditional`. A branch's
    // content is a hidden rule of its own (`_branch_*`), aliased to `preproc_branch`, so that
    // each branch is one node; branches that may be empty are optional.
    preproc_conditional_top_level: $ => ppConditional($, $._branch_top_level, true),
    // At statement start a conditional is read as a statement-level one.
    preproc_conditional_statements: $ => prec(1, prec.dynamic(1, ppConditional($, $._branch_statements, true))),
    preproc_conditional_expression: $ => ppConditional($, $._expression),
    preproc_conditional_arguments: $ => ppConditional($, $._branch_arguments, true),
    preproc_conditional_probe_points: $ => ppConditional($, $._probe_point_branch, true),
    preproc_conditional_globals: $ => ppConditional($, $._branch_globals, true),
    preproc_conditional_components: $ => ppConditional($, $._branch_components, true),
    preproc_conditional_function_body: $ => ppConditional($, $._branch_function_body),
    preproc_conditional_if_header: $ => ppConditional($, $._branch_if_header),
    preproc_conditional_alias_names: $ => ppConditional($, $._branch_alias_names),
    preproc_conditional_probe_header: $ => ppConditional($, $._probe_alias_header),
    // `(a + b %( c %? + d %))`: the conditional continues an expression with operators.
    preproc_conditional_operators: $ => ppConditional($, $._branch_operators, false, alias($._pp_open_tail, '%(')),
    preproc_conditional_literal: $ => ppConditional($, $._probe_point_argument),

    _branch_top_level: $ => repeat1($._top_level_item),
    _branch_statements: $ => repeat1($._statement),
    _branch_arguments: $ => seq(optional(','), $._argument_branch_list),
    _branch_globals: $ => seq(optional(','), $._global_branch_list),
    _branch_components: $ => repeat1($._target_component),
    _branch_function_body: $ => choice($.block, $.embedded_code),
    _branch_if_header: $ => seq('if', '(', field('condition', $._expression), ')'),
    _branch_alias_names: $ => seq($._alias_name, repeat(seq(choice('=', '+='), $._alias_name))),
    _branch_operators: $ => repeat1(seq(
      field('operator', choice(...BINARY_OPERATORS)),
      $._expression,
    )),

    _argument_branch_list: $ => choice(
      seq($._expression, optional(seq(',', optional($._argument_branch_list)))),
      seq(
        alias($.preproc_conditional_arguments, $.preproc_conditional),
        optional(seq(optional(','), optional($._argument_branch_list))),
      ),
    ),

    _global_branch_list: $ => choice(
      seq($.global_variable, optional(seq(',', optional($._global_branch_list)))),
      seq(
        alias($.preproc_conditional_globals, $.preproc_conditional),
        optional(seq(optional(','), optional($._global_branch_list))),
      ),
    ),

    preproc_condition: $ => choice(
      $.preproc_comparison,
      $.macro_invocation,
      prec.left(1, seq(
        field('left', $.preproc_condition),
        field('operator', choice('&&', '||')),
        field('right', $.preproc_condition),
      )),
    ),

    preproc_comparison: $ => seq(
      field('left', $._preproc_operand),
      field('operator', choice('==', '!=', '<', '<=', '>', '>=')),
      field('right', $._preproc_operand),
    ),

    _preproc_operand: $ => choice(
      $.identifier,
      $.string,
      $.number,
      $.negative_number,
      $.script_argument,
      $.script_argument_count,
      $.macro_invocation,
    ),

    // ------------------------------------------------------------ statements

    _statement: $ => choice(
      $.block,
      $.if_statement,
      $.for_statement,
      $.while_statement,
      $.foreach_statement,
      $.try_statement,
      $.return_statement,
      $.delete_statement,
      $.next_statement,
      $.break_statement,
      $.continue_statement,
      $.expression_statement,
      $.null_statement,
      $.macro_definition,
      alias($.preproc_conditional_statements, $.preproc_conditional),
    ),

    block: $ => seq('{', repeat($._statement), '}'),

    null_statement: _ => ';',

    // A `;` after the expression is swallowed (parse.cxx: `parse_statement`).
    expression_statement: $ => choice(
      prec(1, seq($._expression, ';')),
      $._expression,
    ),

    if_statement: $ => prec.right(seq(
      choice(
        seq('if', '(', field('condition', $._expression), ')'),
        // `%( c %? if (a) %: if (b) %) stmt`: the conditional chooses the header.
        field('header', alias($.preproc_conditional_if_header, $.preproc_conditional)),
      ),
      field('consequence', $._statement),
      optional(seq('else', field('alternative', $._statement))),
    )),

    for_statement: $ => seq(
      'for', '(',
      optional(field('initializer', $._expression)), ';',
      optional(field('condition', $._expression)), ';',
      optional(field('update', $._expression)),
      ')',
      field('body', $._statement),
    ),

    while_statement: $ => seq(
      'while', '(', field('condition', $._expression), ')',
      field('body', $._statement),
    ),

    // At most one sort directive: on the value, on one key, or after the array (where an
    // aggregate `@sum` needs one). parse.cxx: `parse_foreach_loop`, "multiple sort directives".
    foreach_statement: $ => seq(
      'foreach', '(',
      choice(
        seq(
          field('value', alias($._foreach_sorted, $.foreach_variable)), '=',
          $._foreach_keys_unsorted, 'in', $._foreach_array,
        ),
        seq(
          optional(seq(field('value', alias($._foreach_unsorted, $.foreach_variable)), '=')),
          $._foreach_keys_one_sorted, 'in', $._foreach_array,
        ),
        seq(
          optional(seq(field('value', alias($._foreach_unsorted, $.foreach_variable)), '=')),
          $._foreach_keys_unsorted, 'in', $._foreach_array,
          optional(choice(
            field('sort', $.sort_direction),
            seq(field('aggregate', $.foreach_aggregate), field('sort', $.sort_direction)),
          )),
        ),
      ),
      optional(seq('limit', field('limit', $._expression))),
      ')',
      field('body', $._statement),
    ),

    _foreach_array: $ => seq(
      field('array', $._array_name),
      optional(seq('[', field('slice', $.index_list), ']')),
    ),

    _foreach_keys_unsorted: $ => choice(
      field('key', alias($._foreach_unsorted, $.foreach_variable)),
      seq('[', $._foreach_key_list_unsorted, ']'),
    ),

    _foreach_keys_one_sorted: $ => choice(
      field('key', alias($._foreach_sorted, $.foreach_variable)),
      seq('[', $._foreach_key_list_one_sorted, ']'),
    ),

    // Left-recursive so that a key's sort marker alone decides which list it is in.
    _foreach_key_list_unsorted: $ => choice(
      field('key', alias($._foreach_unsorted, $.foreach_variable)),
      seq($._foreach_key_list_unsorted, ',', field('key', alias($._foreach_unsorted, $.foreach_variable))),
    ),

    _foreach_key_list_one_sorted: $ => choice(
      field('key', alias($._foreach_sorted, $.foreach_variable)),
      seq($._foreach_key_list_unsorted, ',', field('key', alias($._foreach_sorted, $.foreach_variable))),
      seq($._foreach_key_list_one_sorted, ',', field('key', alias($._foreach_unsorted, $.foreach_variable))),
    ),

    _foreach_unsorted: $ => field('name', $.identifier),

    _foreach_sorted: $ => seq(field('name', $.identifier), field('sort', $.sort_direction)),

    foreach_aggregate: _ => choice('@count', '@sum', '@min', '@max', '@avg'),

    sort_direction: _ => choice('+', '-'),

    try_statement: $ => seq(
      'try', field('body', $.block),
      'catch', optional(seq('(', field('variable', $.identifier), ')')),
      field('handler', $.block),
    ),

    return_statement: $ => choice(
      prec(1, seq('return', optional($._expression), ';')),
      prec.right(seq('return')),
      seq('return', $._expression),
    ),
    delete_statement: $ => choice(
      prec(1, seq('delete', $._expression, ';')),
      seq('delete', $._expression),
    ),
    next_statement: _ => prec.right(seq('next', optional(';'))),
    break_statement: _ => prec.right(seq('break', optional(';'))),
    continue_statement: _ => prec.right(seq('continue', optional(';'))),

    // ----------------------------------------------------------- expressions

    _expression: $ => choice(
      $.conditional_tail_expression,
      $.assignment_expression,
      $.ternary_expression,
      $.binary_expression,
      $.in_expression,
      $.regex_match_expression,
      $.unary_expression,
      $.update_expression,
      $.address_of_expression,
      $._primary_expression,
    ),

    _primary_expression: $ => choice(
      $.identifier,
      $.number,
      $.string,
      $.string_concatenation,
      $.parenthesized_expression,
      $.call_expression,
      $.array_index_expression,
      $.target_symbol,
      $.cast_expression,
      $.atvar_expression,
      $.member_expression,
      $.stat_expression,
      alias($._indexed_histogram, $.histogram_expression),
      $.defined_expression,
      $.entry_expression,
      $.perf_expression,
      $.probewrite_expression,
      $.const_expression,
      $.register_expression,
      $.deref_expression,
      $.embedded_code,
      $.script_argument,
      $.script_argument_count,
      $.macro_invocation,
      alias($.preproc_conditional_expression, $.preproc_conditional),
    ),

    // After an expression, a conditional whose branch starts with a binary operator continues
    // it, as stap's token-level expansion does; the scanner marks its `%(` (_pp_open_tail).
    conditional_tail_expression: $ => prec.left(seq(
      field('left', $._expression),
      field('tail', alias($.preproc_conditional_operators, $.preproc_conditional)),
    )),

    assignment_expression: $ => prec.right(PREC.ASSIGN, seq(
      field('left', $._expression),
      field('operator', choice(...ASSIGNMENT_OPERATORS)),
      field('right', $._expression),
    )),

    _lvalue: $ => $._expression,

    ternary_expression: $ => prec.right(PREC.TERNARY, seq(
      field('condition', $._expression),
      '?',
      field('consequence', $._expression),
      ':',
      field('alternative', $._expression),
    )),

    binary_expression: $ => {
      const table = [
        ['||', PREC.LOGICAL_OR],
        ['&&', PREC.LOGICAL_AND],
        ['|', PREC.BIT_OR],
        ['^', PREC.BIT_XOR],
        ['&', PREC.BIT_AND],
        ['==', PREC.COMPARE],
        ['!=', PREC.COMPARE],
        ['<', PREC.COMPARE],
        ['<=', PREC.COMPARE],
        ['>', PREC.COMPARE],
        ['>=', PREC.COMPARE],
        ['<<', PREC.SHIFT],
        ['>>', PREC.SHIFT],
        ['>>>', PREC.SHIFT],
        ['.', PREC.CONCAT],
        ['+', PREC.ADD],
        ['-', PREC.ADD],
        ['*', PREC.MULTIPLY],
        ['/', PREC.MULTIPLY],
        ['%', PREC.MULTIPLY],
      ];
      return choice(...table.map(([operator, precedence]) => prec.left(precedence, seq(
        field('left', $._expression),
        // @ts-ignore
        field('operator', operator),
        field('right', $._expression),
      ))));
    },

    regex_match_expression: $ => prec.left(PREC.COMPARE, seq(
      field('left', $._expression),
      field('operator', choice('=~', '!~')),
      field('pattern', choice(
        $.string,
        $.string_concatenation,
        $.macro_invocation,
        $.script_argument,
        alias($.preproc_conditional_literal, $.preproc_conditional),
      )),
    )),

    in_expression: $ => prec.left(PREC.IN, seq(
      field('index', choice(
        prec(PREC.IN + 1, $._expression),
        $.index_tuple,
      )),
      'in',
      field('array', $._array_name),
    )),

    index_tuple: $ => seq('[', $.index_list, ']'),

    _array_name: $ => choice($.identifier, $.macro_invocation),

    unary_expression: $ => prec(PREC.UNARY, seq(
      field('operator', choice('+', '-', '!', '~')),
      field('argument', $._expression),
    )),

    update_expression: $ => choice(
      prec(PREC.PRE_INCDEC, seq(
        field('operator', choice('++', '--')),
        field('argument', $._expression),
      )),
      prec(PREC.POST_INCDEC, seq(
        field('argument', $._expression),
        field('operator', choice('++', '--')),
      )),
    ),

    address_of_expression: $ => prec(PREC.ADDRESS, seq(
      '&',
      field('argument', choice(
        $.target_symbol,
        $.cast_expression,
        $.atvar_expression,
        $.member_expression,
        $.array_index_expression,
        $.macro_invocation,
      )),
    )),

    parenthesized_expression: $ => seq('(', $._expression, ')'),

    call_expression: $ => prec(PREC.CALL, seq(
      field('function', choice($.identifier, $.script_argument, alias(choice(...PRINT_FUNCTIONS), $.identifier))),
      field('arguments', $.argument_list),
    )),

    // Arguments separated by commas; a conditional may carry the commas in its branches.
    argument_list: $ => seq('(', optional($._argument_list), ')'),

    _argument_list: $ => choice(
      seq($._call_argument, optional(choice(seq(',', $._argument_list), $._argument_list_tail))),
      $._argument_list_tail,
    ),

    _argument_list_tail: $ => seq(
      alias($.preproc_conditional_arguments, $.preproc_conditional),
      optional(seq(optional(','), $._argument_list)),
    ),

    array_index_expression: $ => prec(PREC.POSTFIX, seq(
      field('array', choice($.identifier, $.macro_invocation)),
      '[',
      field('indexes', $.index_list),
      ']',
    )),

    index_list: $ => sepBy1(',', choice($._expression, $.wildcard)),

    wildcard: _ => '*',

    // `$var`, `$$vars`, `$var->member[2]`, `$var$`, `$$parms$$`.
    // No static precedence here: after `$x`, a `%(` may add components
    // (`$tty->pgrp %( kernel_v >= "2.6.24" %? ->numbers[0]->nr %)`) or start the next
    // statement, and only GLR can tell.
    target_symbol: $ => seq(
      field('name', $.target_variable),
      repeat(choice(
        $._target_component,
        alias($.preproc_conditional_components, $.preproc_conditional),
      )),
    ),

    // `$var`, `$$vars`, up to `$$$$provider` (tapset python2.stp); a bounded number of `$`s
    // keeps a long run of `$` from being rescanned at every position.
    target_variable: _ => /\$\$?\$?\$?[A-Za-z_][A-Za-z0-9_]*/,

    _target_component: $ => choice(
      $.member_access,
      $.subscript,
      $.pretty_print,
    ),

    member_access: $ => prec(PREC.CALL + 1, seq(
      '->',
      field('field', choice(
        $.identifier,
        alias(choice(...KEYWORDS, ...PRINT_FUNCTIONS), $.identifier),
        $.macro_invocation,
      )),
    )),

    subscript: $ => prec(PREC.CALL + 1, seq('[', field('index', $._expression), ']')),

    pretty_print: _ => prec(PREC.CALL + 1, token.immediate(/\$\$?/)),

    cast_expression: $ => seq(
      '@cast', '(',
      field('operand', $._call_argument), ',',
      field('type', $._string_value),
      optional(seq(',', field('module', $._string_value))),
      ')',
      repeat($._target_component),
    ),

    atvar_expression: $ => seq(
      '@var', '(',
      field('name', $._string_value),
      optional(seq(',', field('module', $._string_value))),
      ')',
      repeat($._target_component),
    ),

    // Autocast: `(e)->f`, `f(x)->y[2]`, `(e)[0]`.
    member_expression: $ => choice(prec(1, seq(
      field('object', $.parenthesized_expression),
      $.subscript,
      repeat($._target_component),
    )), seq(
      field('object', choice(
        $.parenthesized_expression,
        $.call_expression,
        $.entry_expression,
        $.deref_expression,
        $.register_expression,
        $.array_index_expression,
        $.identifier,
        $.macro_invocation,
      )),
      $.member_access,
      repeat($._target_component),
    )),

    _string_value: $ => choice($.string, $.string_concatenation, $.macro_invocation),

    stat_expression: $ => choice(
      seq(
        field('operator', choice(...STAT_OPERATORS)),
        '(', field('argument', $._expression), ')',
      ),
      seq(
        field('operator', '@variance'),
        '(', field('argument', $._expression),
        optional(seq(',', field('bucket', $._expression))),
        ')',
      ),
    ),

    // A histogram is only a print argument, or indexed by a bucket (`@hist_log(s)[3]`).
    histogram_expression: $ => $._histogram,

    _indexed_histogram: $ => seq($._histogram, '[', field('bucket', $._expression), ']'),

    _histogram: $ => choice(
      seq(field('operator', '@hist_log'), '(', field('argument', $._expression), ')'),
      seq(
        field('operator', '@hist_linear'), '(',
        field('argument', $._expression), ',',
        field('start', $._hist_bound), ',',
        field('stop', $._hist_bound), ',',
        field('interval', $._hist_bound),
        ')',
      ),
    ),

    // stap reads the @hist_linear bounds as literals ("expected number").
    _hist_bound: $ => choice(
      $.number,
      $.negative_number,
      $.script_argument,
      $.macro_invocation,
      alias($.preproc_conditional_literal, $.preproc_conditional),
    ),

    defined_expression: $ => seq('@defined', '(', field('argument', $._expression), ')'),
    entry_expression: $ => seq('@entry', '(', field('argument', $._expression), ')'),
    perf_expression: $ => seq('@perf', '(', field('counter', $._string_value), ')'),
    probewrite_expression: $ => seq('@probewrite', '(', field('argument', $._expression), ')'),
    const_expression: $ => seq('@const', '(', field('name', $._string_value), ')'),

    register_expression: $ => seq(
      field('operator', choice('@kregister', '@uregister')),
      '(', field('register', $._expression), ')',
    ),

    deref_expression: $ => seq(
      field('operator', choice('@kderef', '@uderef')),
      '(', field('size', $._expression), ',', field('address', $._expression), ')',
    ),

    // ------------------------------------------------------------- literals

    identifier: _ => /[A-Za-z_][A-Za-z0-9_$]*/,

    number: _ => /[0-9][A-Za-z0-9]*/,

    negative_number: $ => seq('-', $.number),

    string: $ => seq(
      '"',
      repeat(choice(
        alias(token.immediate(prec(1, /[^"\\\n]+/)), $.string_content),
        $.escape_sequence,
      )),
      token.immediate('"'),
    ),

    escape_sequence: _ => token.immediate(/\\(.|\n)?/),

    // Adjacent literals concatenate (parse.cxx: `consume_string_literals`); a macro next to a
    // string is taken to expand to one, as in `kprobe.function(@arch_syscall_prefix "sys_x")`.
    // Left-recursive, so that each further literal is shifted rather than starting a new
    // statement (`x = "a" "b" "c"` is one concatenation).
    string_concatenation: $ => $._concatenation,

    _concatenation: $ => prec.left(1, choice(
      seq($.string, $._concatenated),
      seq(choice($.macro_invocation, $.script_argument), $.string),
      seq($._concatenation, $._concatenated),
    )),

    _concatenated: $ => choice($.string, $.macro_invocation, $.script_argument),

    script_argument: _ => token(seq(choice('$', '@'), /[0-9]+/)),

    script_argument_count: _ => token(choice('$#', '@#')),

    comment: _ => token(choice(
      seq('#', /.*/),
      seq('//', /.*/),
      seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'),
      // stap accepts a block comment that runs to the end of the file.
      seq('/*', /([^*]|\*+[^*/])*\**/),
    )),
  },
});

/**
 * A preprocessor conditional whose branches hold `branch`.
 *
 * @param {GrammarSymbols<string>} $
 * @param {RuleOrLiteral} branch a (hidden) rule, one `preproc_branch` node per branch
 * @param {boolean} [mayBeEmpty] whether a branch may be empty
 * @param {RuleOrLiteral} [open] the opening token, `%(` unless the scanner marks it
 * @returns {Rule}
 */
function ppConditional($, branch, mayBeEmpty = false, open = '%(') {
  /** @param {RuleOrLiteral} rule */
  const maybe = (rule) => (mayBeEmpty ? optional(rule) : rule);
  return seq(
    open,
    field('condition', $.preproc_condition),
    choice(
      seq(alias($._pp_then, '%?'), maybe(field('consequence', alias(branch, $.preproc_branch)))),
      seq(alias($._pp_then_raw, '%?'), optional(field('consequence', $.token_sequence))),
    ),
    optional(choice(
      seq(alias($._pp_else, '%:'), maybe(field('alternative', alias(branch, $.preproc_branch)))),
      seq(alias($._pp_else_raw, '%:'), optional(field('alternative', $.token_sequence))),
    )),
    '%)',
  );
}

/**
 * One or more `rule`s separated by `separator`.
 *
 * @param {RuleOrLiteral} separator
 * @param {RuleOrLiteral} rule
 * @returns {SeqRule}
 */
function sepBy1(separator, rule) {
  return seq(rule, repeat(seq(separator, rule)));
}

/**
 * Zero or more `rule`s separated by `separator`.
 *
 * @param {RuleOrLiteral} separator
 * @param {RuleOrLiteral} rule
 * @returns {ChoiceRule}
 */
function sepBy(separator, rule) {
  return optional(sepBy1(separator, rule));
}
