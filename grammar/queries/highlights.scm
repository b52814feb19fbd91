; Syntax highlighting for SystemTap (stap 4.8) scripts, tapsets and macro files.
;
; Sections run from general to specific. When several patterns capture the same node, the
; LAST one wins (tree-sitter-highlight 0.22+, Neovim, Helix), so a specific pattern further
; down overrides a general one above it: every identifier is first @variable, then function,
; parameter, member and probe-point names refine it.
;
; Capture names come from the common set (@keyword, @function, @variable.builtin, ...).
; Notes:
; - `$name` target symbols are @variable.builtin; `$1`/`@1`/`$#`/`@#` script arguments are
;   @constant; the identifiers on either side of a `%( kernel_v >= "x" %?` comparison are
;   preprocessor built-ins and are also @variable.builtin.
; - Probe-point components (`kernel`, `function`, `return`, globs) are @function: they name
;   the event the probe runs on. The dots between them are delimiters, not the `.` operator.
; - All @-operators (`@cast`, `@var`, `@defined`, `@count`, `@hist_log`, ...) are
;   @function.builtin; `@name` macro invocations and `@define` names are @function.macro.
; - A `token_sequence` (a preprocessor branch or macro body that is not a syntactic unit in
;   its position) is one opaque token and stays unhighlighted on purpose: it holds real code,
;   and colouring all of it as one capture would mislead more than it helps.
; - Printf format placeholders are not separate nodes and are not highlighted.

; Comments
; --------

(comment) @comment

; Embedded C
; ----------
; injections.scm re-parses the contents as C where a C grammar is available.

(embedded_code) @embedded

; Literals
; --------

(string) @string

(escape_sequence) @string.escape

(number) @number

; Keywords
; --------

[
  "probe"
  "global"
  "function"
  "private"
  "if"
  "else"
  "for"
  "foreach"
  "in"
  "limit"
  "return"
  "delete"
  "while"
  "break"
  "continue"
  "next"
  "try"
  "catch"
] @keyword

; `private` is a named node where it modifies a declaration.
(private) @keyword

; Types: `string` and `long` in `function f:string (x:long)`.
(type) @type

; Preprocessor
; ------------

[
  "%("
  "%?"
  "%:"
  "%)"
  "@define"
] @keyword.directive

; Operators
; ---------

[
  "="
  "<<<"
  "+="
  "-="
  "*="
  "/="
  "%="
  "<<="
  ">>="
  "&="
  "^="
  "|="
  ".="
  "||"
  "&&"
  "|"
  "^"
  "&"
  "=="
  "!="
  "<"
  "<="
  ">"
  ">="
  "<<"
  ">>"
  ">>>"
  "."
  "+"
  "-"
  "*"
  "/"
  "%"
  "=~"
  "!~"
  "!"
  "~"
  "++"
  "--"
  "?"
  "->"
] @operator

; Foreach sort markers (`[k+]`, `in a-`, `@sum+`) and the `*` wildcard of array slices.
(sort_direction) @operator

(wildcard) @operator

; A negative literal (`global g = -3`, `end(-5)`) is one number, sign included.
(negative_number) @number

(negative_number "-" @number)

; Punctuation
; -----------

[
  "("
  ")"
  "["
  "]"
  "{"
  "}"
] @punctuation.bracket

[
  ","
  ";"
  ":"
] @punctuation.delimiter

(null_statement) @punctuation.delimiter

; The dots of a probe point (`kernel.function("f").return`) separate components.
(probe_point "." @punctuation.delimiter)

; The ternary's `:` is an operator; every other `:` is a delimiter.
(ternary_expression ":" @operator)

; Identifiers
; -----------

(identifier) @variable

; Target symbols: `$var`, `$$parms`, and the `$`/`$$` pretty-print suffix.
(target_variable) @variable.builtin

(pretty_print) @variable.builtin

; Members after `->` (`$task->pid`, `@cast(p, "t")->f`, `(e)->f`).
(member_access
  field: (identifier) @property)


; Script arguments.
[
  (script_argument)
  (script_argument_count)
] @constant

; The left and right of a preprocessor comparison: kernel_v, kernel_vr, arch, runtime,
; systemtap_v, systemtap_privilege, guru_mode, CONFIG_*.
(preproc_comparison
  left: (identifier) @variable.builtin)

(preproc_comparison
  right: (identifier) @variable.builtin)

; Functions
; ---------

(function_declaration
  name: (identifier) @function)

(call_expression
  function: (identifier) @function.call)

; The print family is built into the translator (parse.cxx: print_format), not a tapset.
((call_expression
  function: (identifier) @function.builtin)
  (#any-of? @function.builtin
    "print" "println" "printd" "printdln" "printf"
    "sprint" "sprintln" "sprintd" "sprintdln" "sprintf"))

; @-operators.
[
  "@cast"
  "@var"
  "@defined"
  "@entry"
  "@perf"
  "@probewrite"
  "@const"
  "@kregister"
  "@uregister"
  "@kderef"
  "@uderef"
  "@count"
  "@sum"
  "@min"
  "@max"
  "@avg"
  "@variance"
  "@hist_log"
  "@hist_linear"
] @function.builtin

(foreach_aggregate) @function.builtin

; Parameters
; ----------

(parameter
  name: (identifier) @variable.parameter)

(macro_parameters
  (identifier) @variable.parameter)

; Macros
; ------

(macro_definition
  name: (identifier) @function.macro)

; `@name`, `@name(args)`, and a macro standing in for `private` (`@__private30 function f`).
(macro_name) @function.macro

; Probe points
; ------------

(component
  name: (identifier) @function)

(component
  name: (glob) @function)
