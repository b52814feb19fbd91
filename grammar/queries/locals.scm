; Scopes, definitions and references of local names in SystemTap, for tree-sitter-highlight
; (a reference takes the highlight of its definition) and for other consumers of locals.
;
; SystemTap has no block scoping: a local belongs to the whole probe, probe alias or function
; body (elaborate.cxx symresolution_info::find_var looks in the current probe's or function's
; locals, then in the globals). A name first assigned inside an `if` block or used as a
; foreach key is visible after that block or loop. So only probes, probe aliases, functions
; and macro definitions are scopes; blocks and foreach loops are not, or references after
; them would fail to resolve.
;
; An assignment `x = ...` is recorded as a definition even when `x` is a global, because a
; query cannot see the global declarations; consumers that care must check the globals first
; (the translator does the same: a declared global wins over a new local).

; Scopes
; ------

(probe_declaration) @local.scope

(probe_alias_declaration) @local.scope

(function_declaration) @local.scope

(macro_definition) @local.scope

; Definitions
; -----------

; Function parameters: `function f(a, b:long)`.
(parameter
  name: (identifier) @local.definition)

; Foreach keys and value: `foreach (v = [k1, k2] in arr)`.
(foreach_variable
  name: (identifier) @local.definition)

; A plain assignment creates a local when no global of that name exists.
(assignment_expression
  left: (identifier) @local.definition
  operator: "=")

; The message variable of `catch (msg)`.
(try_statement
  variable: (identifier) @local.definition)

; Macro parameters: `@define m(a, b) %( @a + @b %)`. Their uses are `@a` macro invocations.
(macro_parameters
  (identifier) @local.definition)

; References
; ----------

; An identifier in any expression position (not a function, member, probe-point, parameter
; or preprocessor-condition name).
(_expression/identifier) @local.reference

; Array names are identifiers outside the expression supertype.
(array_index_expression
  array: (identifier) @local.reference)

(in_expression
  array: (identifier) @local.reference)

(foreach_statement
  array: (identifier) @local.reference)

(member_expression
  object: (identifier) @local.reference)
