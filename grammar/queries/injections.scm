; Language injections for SystemTap: the code inside `%{ ... %}` is C.
;
; The embedded_code node is a single token whose text includes the `%{` and `%}` delimiters.
; `#offset!` trims them (two bytes at each end) for hosts that implement it (Neovim, Helix).
; The tree-sitter CLI 0.22 and web-tree-sitter do not apply `#offset!`: the CLI injects the
; whole node (C's parser recovers from the stray `%{`/`%}`), and web-tree-sitter hands the
; directive to the caller as a general predicate (`Query.predicates`), which applies it.

((embedded_code) @injection.content
  (#set! injection.language "c")
  (#offset! @injection.content 0 2 0 -2))
