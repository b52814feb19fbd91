/*
 * External scanner for the SystemTap grammar: the branch markers `%?` and `%:` of
 * preprocessor conditionals, and the raw text of branches that are not syntactic units.
 *
 * stap evaluates `%( cond %? a %: b %)` on tokens (parse.cxx: `parser::scan_pp`), so a branch
 * may hold half a construct, e.g. `if (x) {` with the `}` in a later conditional. When the
 * scanner reads `%?` or `%:` it looks ahead over the branch (to the `%:` or `%)` that ends it,
 * skipping nested conditionals, strings, comments and embedded C). If the branch's brackets do
 * not balance, or it starts or ends with `else`, the marker is returned as the *raw* variant
 * and the branch text then comes back as one RAW_TEXT token (a `token_sequence` node).
 * Otherwise the branch is parsed with the grammar like any other code. The `%(` that opens an
 * `@define` body is classified the same way, since stap checks a macro body only when the
 * macro is expanded (tapset prometheus.stpm has an unused macro with unbalanced parentheses).
 *
 * Plain C, no allocation and no state: it must also build for wasm (web-tree-sitter).
 */

#include "tree_sitter/parser.h"

#include <stdbool.h>
#include <stdint.h>

enum TokenType {
  PP_THEN,
  PP_THEN_RAW,
  PP_ELSE,
  PP_ELSE_RAW,
  RAW_TEXT,
  MACRO_OPEN,
  MACRO_OPEN_RAW,
};

void *tree_sitter_systemtap_external_scanner_create(void) { return NULL; }
void tree_sitter_systemtap_external_scanner_destroy(void *payload) { (void)payload; }
unsigned tree_sitter_systemtap_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}
void tree_sitter_systemtap_external_scanner_deserialize(void *payload, const char *buffer,
                                                        unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

static inline bool is_space(int32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline bool is_word_char(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || c == '@';
}

/*
 * How far (in characters) a marker looks ahead for the end of its branch. The non-unit
 * branches of the installed tapsets are under 250 characters (units can be 100 KB long);
 * the cap keeps a file full of unterminated conditionals from taking quadratic time.
 * A branch longer than this is parsed as code (never raw).
 */
#define LOOKAHEAD_LIMIT 4096

typedef struct {
  int brackets;      /* (, [, { minus ), ], } */
  bool truncated;    /* the look-ahead limit was reached */
  bool unbalanced;   /* a closer came before its opener */
  bool first_else;   /* the first token is the keyword else */
  bool last_else;    /* the last token is the keyword else */
  bool empty;        /* no token at all */
} BranchShape;

/* Advances one character, counting it against the look-ahead budget. */
static inline void step(TSLexer *lexer, uint32_t *budget) {
  if (*budget > 0) (*budget)--;
  lexer->advance(lexer, false);
}

/*
 * Reads the branch that starts at the lexer's position up to (not including) the `%:` or
 * `%)` that ends it at nesting depth 0, or to end of input. When `mark` is set, the token end
 * is marked after each significant character, so a RAW_TEXT token ends at the last one, and
 * there is no look-ahead limit (the characters are consumed as the token).
 */
static void scan_branch(TSLexer *lexer, BranchShape *shape, bool mark) {
  int depth = 0;
  bool seen_token = false;
  uint32_t budget = LOOKAHEAD_LIMIT;
  shape->brackets = 0;
  shape->unbalanced = false;
  shape->first_else = false;
  shape->last_else = false;
  shape->empty = true;
  shape->truncated = false;

  while (!lexer->eof(lexer)) {
    if (!mark && budget == 0) {
      shape->truncated = true;
      return;
    }
    int32_t c = lexer->lookahead;
    if (is_space(c)) {
      step(lexer, &budget);
      continue;
    }
    bool is_token = true;
    bool token_is_else = false;
    if (c == '%') {
      step(lexer, &budget);
      int32_t d = lexer->lookahead;
      if (d == '(') {
        depth++;
        step(lexer, &budget);
      } else if (d == ')' || d == ':') {
        if (depth == 0) return; /* the branch ends before this marker */
        if (d == ')') depth--;
        step(lexer, &budget);
      } else if (d == '?') {
        step(lexer, &budget);
      } else if (d == '{') {
        /* embedded C up to %} */
        step(lexer, &budget);
        int32_t prev = 0;
        while (!lexer->eof(lexer) && budget > 0) {
          int32_t e = lexer->lookahead;
          step(lexer, &budget);
          if (prev == '%' && e == '}') break;
          prev = e;
        }
      }
    } else if (c == '"') {
      step(lexer, &budget);
      while (!lexer->eof(lexer) && budget > 0 && lexer->lookahead != '"' &&
             lexer->lookahead != '\n') {
        if (lexer->lookahead == '\\') step(lexer, &budget);
        if (!lexer->eof(lexer)) step(lexer, &budget);
      }
      if (lexer->lookahead == '"') step(lexer, &budget);
    } else if (c == '#') {
      while (!lexer->eof(lexer) && budget > 0 && lexer->lookahead != '\n') step(lexer, &budget);
      is_token = false;
    } else if (c == '/') {
      step(lexer, &budget);
      if (lexer->lookahead == '/') {
        while (!lexer->eof(lexer) && budget > 0 && lexer->lookahead != '\n') step(lexer, &budget);
        is_token = false;
      } else if (lexer->lookahead == '*') {
        step(lexer, &budget);
        int32_t prev = 0;
        while (!lexer->eof(lexer) && budget > 0) {
          int32_t e = lexer->lookahead;
          step(lexer, &budget);
          if (prev == '*' && e == '/') break;
          prev = e;
        }
        is_token = false;
      }
    } else if (is_word_char(c)) {
      /* Compare the word with "else" as it is read. */
      static const char keyword[] = "else";
      int length = 0;
      bool matches = true;
      while (!lexer->eof(lexer) && budget > 0 && is_word_char(lexer->lookahead)) {
        if (length < 4 && lexer->lookahead == keyword[length]) {
          length++;
        } else {
          matches = false;
          length = 5;
        }
        step(lexer, &budget);
      }
      token_is_else = matches && length == 4;
    } else {
      if (c == '(' || c == '[' || c == '{') {
        shape->brackets++;
      } else if (c == ')' || c == ']' || c == '}') {
        shape->brackets--;
        if (shape->brackets < 0) shape->unbalanced = true;
      }
      step(lexer, &budget);
    }
    if (is_token) {
      if (!seen_token) shape->first_else = token_is_else;
      seen_token = true;
      shape->empty = false;
      shape->last_else = token_is_else;
      if (mark) lexer->mark_end(lexer);
    }
  }
}

static bool is_raw(const BranchShape *shape) {
  if (shape->truncated) return false;
  return shape->unbalanced || shape->brackets != 0 || shape->first_else || shape->last_else;
}

/* The lexer is just past a `%`; reads `?` or `:` and classifies the branch that follows. */
static bool scan_marker(TSLexer *lexer, const bool *valid_symbols) {
  bool is_then;
  if (lexer->lookahead == '?' && (valid_symbols[PP_THEN] || valid_symbols[PP_THEN_RAW])) {
    is_then = true;
  } else if (lexer->lookahead == ':' && (valid_symbols[PP_ELSE] || valid_symbols[PP_ELSE_RAW])) {
    is_then = false;
  } else {
    return false;
  }
  lexer->advance(lexer, false);
  lexer->mark_end(lexer);

  BranchShape shape;
  scan_branch(lexer, &shape, false);
  bool raw = is_raw(&shape);
  if (is_then) {
    lexer->result_symbol = raw ? PP_THEN_RAW : PP_THEN;
  } else {
    lexer->result_symbol = raw ? PP_ELSE_RAW : PP_ELSE;
  }
  return true;
}

bool tree_sitter_systemtap_external_scanner_scan(void *payload, TSLexer *lexer,
                                                 const bool *valid_symbols) {
  (void)payload;
  /* During error recovery every symbol is valid; leave the work to the internal lexer. */
  if (valid_symbols[RAW_TEXT] && valid_symbols[PP_THEN]) return false;

  if (valid_symbols[RAW_TEXT]) {
    while (is_space(lexer->lookahead)) lexer->advance(lexer, true);
    BranchShape shape;
    scan_branch(lexer, &shape, true);
    if (!shape.empty) {
      lexer->result_symbol = RAW_TEXT;
      return true;
    }
    /* An empty raw branch: scan_branch stopped just past the `%` of the next marker. */
    if (lexer->eof(lexer)) return false;
    return scan_marker(lexer, valid_symbols);
  }

  if (valid_symbols[MACRO_OPEN] || valid_symbols[MACRO_OPEN_RAW]) {
    /* The `%(` that opens an @define body; the body is checked like a branch. */
    while (is_space(lexer->lookahead)) lexer->advance(lexer, true);
    if (lexer->lookahead != '%') return false;
    lexer->advance(lexer, false);
    if (lexer->lookahead != '(') return false;
    lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    BranchShape shape;
    scan_branch(lexer, &shape, false);
    lexer->result_symbol = is_raw(&shape) ? MACRO_OPEN_RAW : MACRO_OPEN;
    return true;
  }

  if (!(valid_symbols[PP_THEN] || valid_symbols[PP_THEN_RAW] || valid_symbols[PP_ELSE] ||
        valid_symbols[PP_ELSE_RAW])) {
    return false;
  }
  while (is_space(lexer->lookahead)) lexer->advance(lexer, true);
  if (lexer->lookahead != '%') return false;
  lexer->advance(lexer, false);
  return scan_marker(lexer, valid_symbols);
}
