; Code-navigation tags for SystemTap (`tree-sitter tags`, GitHub-style symbol indexes).
;
; Kinds:
; - functions: @definition.function;
; - probe aliases (`probe syscall.open = kernel.function("sys_open") { }`): @definition.module.
;   An alias defines a new, usually dotted, probe-point name that other probes are written
;   against, so it is filed like a namespace rather than a function or a macro; that keeps the
;   kinds of aliases and `@define` macros apart for consumers that filter by kind. The name is
;   the whole probe point (`syscall.open`); an alias with several names gives one tag per name;
; - `@define` macros: @definition.macro (the name without the `@`);
; - globals: @definition.variable (they are mutable, so not constants);
; - function calls: @reference.call.
; Doc comments directly before a function or alias (the tapsets' `/** sfunction ... */`) are
; attached as @doc; `#strip!` and `#select-adjacent!` are tree-sitter-tags directives, other
; hosts ignore them.

((comment)* @doc
  .
  (function_declaration
    name: (identifier) @name) @definition.function
  (#strip! @doc "(?m)\\s*\\*/|^[ \\t]*/\\*\\*?[ \\t]*(\\n[ \\t]*\\*([ \\t]|$))?|^[ \\t]*(//|#|\\*)[ \\t]?")
  (#select-adjacent! @doc @definition.function))

((comment)* @doc
  .
  (probe_alias_declaration
    name: (probe_point) @name) @definition.module
  (#strip! @doc "(?m)\\s*\\*/|^[ \\t]*/\\*\\*?[ \\t]*(\\n[ \\t]*\\*([ \\t]|$))?|^[ \\t]*(//|#|\\*)[ \\t]?")
  (#select-adjacent! @doc @definition.module))

; An alias whose names, or whole header, sit in a preprocessor conditional:
; `%( c %? probe a = b %: probe a = c %) { ... }`.
(probe_alias_declaration
  (preproc_conditional
    (preproc_branch
      name: (probe_point) @name))) @definition.module

(macro_definition
  name: (identifier) @name) @definition.macro

(global_variable
  name: (identifier) @name) @definition.variable

(call_expression
  function: (identifier) @name) @reference.call
