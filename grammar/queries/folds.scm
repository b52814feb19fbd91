; Folding ranges for SystemTap: every `{ ... }` block (probe, alias and function bodies
; included), embedded C, preprocessor conditionals, macro definitions and block comments.

[
  (block)
  (embedded_code)
  (preproc_conditional)
  (macro_definition)
] @fold

; Only `/* ... */` comments can span lines; `#` and `//` comments end at the line end.
((comment) @fold
  (#match? @fold "^/\\*"))
