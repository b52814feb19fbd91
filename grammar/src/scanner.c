/*
 * External scanner for the SystemTap grammar: the branch markers `%?` and `%:` of
 * preprocessor conditionals, and the raw text of branches that are not syntactic units.
 *
 * stap evaluates `%( cond %? a %: b %)` on tokens (parse.cxx: `parser::scan_pp`), so a branch
 * may hold half a construct, e.g. `if (x) {` with the `}` in a later conditional. When the
 * scanner reads `%?` or `%:` it looks ahead over the branch (to the `%:` or `%)` that ends it,
 * skipping nested conditionals, strings, comments and embedded C). If the branch's brackets do
 * not balance, or it starts or ends with `else`, or it is a lone `private`/`global` (tapset
 * private30.stpm: `%( systemtap_v >= "3.0" %? private %)`), the marker is returned as the *raw* variant
 * and the branch text then comes back as one TOKEN_SEQUENCE token (a `token_sequence` node).
 * Otherwise the branch is parsed with the grammar like any other code. The `%(` that opens an
 * `@define` body is classified the same way, since stap checks a macro body only when the
 * macro is expanded (tapset prometheus.stpm has an unused macro with unbalanced parentheses).
 *
 * It also lexes words: identifiers, probe-point globs (`sys_*`) where a glob is valid, and the
 * reserved words. Lexing keywords here, rather than with tree-sitter's keyword extraction,
 * makes a keyword an error wherever it is not valid (`x = if`), as in stap's lexer, instead
 * of an identifier.
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
  TOKEN_SEQUENCE,
  MACRO_OPEN,
  MACRO_OPEN_RAW,
  PP_OPEN_TAIL,
  IDENTIFIER,
  GLOB,
  EMBEDDED_CODE,
  UNTERMINATED_EMBEDDED_CODE,
  KEYWORD_FIRST, /* then one symbol per entry of RESERVED_WORDS, in order */
};

/*
 * Words that are never identifiers: the keywords of parse.cxx, then the print family (which
 * the grammar allows as declared names). Must match KEYWORDS and PRINT_FUNCTIONS in
 * grammar.js, in order (a test checks this against src/grammar.json).
 */
static const char *const RESERVED_WORDS[] = {
    "probe",  "global",  "function", "if",      "else",   "for",      "foreach",
    "in",     "limit",   "return",   "delete",  "while",  "break",    "continue",
    "next",   "string",  "long",     "try",     "catch",  "private",  "print",
    "printf", "println", "printd",   "printdln", "sprint", "sprintf", "sprintln",
    "sprintd", "sprintdln",
};
#define RESERVED_WORD_COUNT (sizeof(RESERVED_WORDS) / sizeof(RESERVED_WORDS[0]))
#define MAX_WORD 16 /* longer than any reserved word */

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
#define LOOKAHEAD_LIMIT 2048

static bool equal(const char *a, const char *b) {
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

typedef struct {
  int brackets;      /* (, [, { minus ), ], } */
  bool truncated;    /* the look-ahead limit was reached */
  bool unbalanced;   /* a closer came before its opener */
  bool first_else;   /* the first token is the keyword else */
  bool last_else;    /* the last token is the keyword else */
  bool empty;        /* no token at all */
  unsigned tokens;   /* how many tokens (up to 2) */
  bool lone_modifier; /* the only token is a word that cannot stand alone (`private`) */
} BranchShape;

/* Advances one character, counting it against the look-ahead budget. */
static inline void step(TSLexer *lexer, uint32_t *budget) {
  if (*budget > 0) (*budget)--;
  lexer->advance(lexer, false);
}

/* Advances until the two characters `first second` have been read (the end of `%}`, `*`/). */
static void skip_past_pair(TSLexer *lexer, uint32_t *budget, int32_t first, int32_t second) {
  int32_t prev = 0;
  while (!lexer->eof(lexer) && *budget > 0) {
    int32_t c = lexer->lookahead;
    step(lexer, budget);
    if (prev == first && c == second) return;
    prev = c;
  }
}

/* Advances to the end of the line (a `#` or `//` comment). */
static void skip_line(TSLexer *lexer, uint32_t *budget) {
  while (!lexer->eof(lexer) && *budget > 0 && lexer->lookahead != '\n') step(lexer, budget);
}

/* The lexer is at `"`: advances past the string, which ends at `"` or at the end of the line. */
static void skip_string(TSLexer *lexer, uint32_t *budget) {
  step(lexer, budget);
  while (!lexer->eof(lexer) && *budget > 0 && lexer->lookahead != '"' && lexer->lookahead != '\n') {
    if (lexer->lookahead == '\\') step(lexer, budget);
    if (!lexer->eof(lexer)) step(lexer, budget);
  }
  if (lexer->lookahead == '"') step(lexer, budget);
}

/*
 * Reads the branch that starts at the lexer's position up to (not including) the `%:` or
 * `%)` that ends it at nesting depth 0, or to end of input. When `mark` is set, the token end
 * is marked after each significant character, so a TOKEN_SEQUENCE token ends at the last one, and
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
  shape->tokens = 0;
  shape->lone_modifier = false;

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
        step(lexer, &budget);
        skip_past_pair(lexer, &budget, '%', '}');
      }
    } else if (c == '"') {
      skip_string(lexer, &budget);
    } else if (c == '#') {
      skip_line(lexer, &budget);
      is_token = false;
    } else if (c == '/') {
      step(lexer, &budget);
      if (lexer->lookahead == '/') {
        skip_line(lexer, &budget);
        is_token = false;
      } else if (lexer->lookahead == '*') {
        step(lexer, &budget);
        skip_past_pair(lexer, &budget, '*', '/');
        is_token = false;
      }
    } else if (is_word_char(c)) {
      /* Read the word (its start) to compare it with a few keywords. */
      char word[10];
      unsigned length = 0;
      while (!lexer->eof(lexer) && budget > 0 && is_word_char(lexer->lookahead)) {
        if (length < 9) word[length] = (char)lexer->lookahead;
        length++;
        step(lexer, &budget);
      }
      if (length > 9) length = 9;
      word[length] = 0;
      token_is_else = equal(word, "else");
      if (shape->tokens == 0) {
        shape->lone_modifier = equal(word, "private") || equal(word, "global");
      }
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
      if (shape->tokens < 2) shape->tokens++;
      if (shape->tokens > 1) shape->lone_modifier = false;
      if (!seen_token) shape->first_else = token_is_else;
      seen_token = true;
      shape->empty = false;
      shape->last_else = token_is_else;
      if (mark) lexer->mark_end(lexer);
    }
  }
}

static inline bool is_word_start(int32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool is_digit(int32_t c) { return c >= '0' && c <= '9'; }

/*
 * Lexes an identifier, a reserved word or (when `glob_ok`) a glob such as `sys_*` or `*`.
 * Returns false for anything else, e.g. a number, which the internal lexer then reads.
 */
static bool scan_word(TSLexer *lexer, bool glob_ok) {
  char word[MAX_WORD + 1];
  unsigned length = 0;
  bool star = false;
  bool starts_word = is_word_start(lexer->lookahead);
  if (!starts_word && !(glob_ok && (lexer->lookahead == '*' || is_digit(lexer->lookahead)))) {
    return false;
  }
  /* Trailing `$`s are not part of the word: they are a pretty-print suffix (`->f$$`). */
  unsigned kept = 0;
  for (;;) {
    int32_t c = lexer->lookahead;
    bool word_char = is_word_start(c) || is_digit(c) || c == '$';
    if (c == '*' && glob_ok) {
      star = true;
    } else if (!word_char || (c == '$' && !starts_word)) {
      break;
    }
    if (length < MAX_WORD) word[length] = (char)c;
    length++;
    lexer->advance(lexer, false);
    if (c != '$') {
      lexer->mark_end(lexer);
      kept = length;
    }
  }
  length = kept;
  if (star) {
    lexer->result_symbol = GLOB;
    return true;
  }
  if (!starts_word) return false; /* a number */
  if (length <= MAX_WORD) {
    word[length] = 0;
    for (unsigned i = 0; i < RESERVED_WORD_COUNT; i++) {
      const char *k = RESERVED_WORDS[i];
      unsigned j = 0;
      while (k[j] && k[j] == word[j]) j++;
      if (k[j] == 0 && word[j] == 0) {
        lexer->result_symbol = KEYWORD_FIRST + i;
        return true;
      }
    }
  }
  lexer->result_symbol = IDENTIFIER;
  return true;
}

/*
 * The lexer is just past a `%` and at `{`: reads embedded C up to the first `%}` (stap does not
 * look inside it). Without one, the rest of the input becomes one never-valid token, so the
 * error costs one scan instead of one per `%{`.
 */
static bool scan_embedded_code(TSLexer *lexer) {
  lexer->advance(lexer, false);
  int32_t prev = 0;
  while (!lexer->eof(lexer)) {
    int32_t c = lexer->lookahead;
    lexer->advance(lexer, false);
    if (prev == '%' && c == '}') {
      lexer->mark_end(lexer);
      lexer->result_symbol = EMBEDDED_CODE;
      return true;
    }
    prev = c;
  }
  lexer->mark_end(lexer);
  lexer->result_symbol = UNTERMINATED_EMBEDDED_CODE;
  return true;
}

/*
 * The lexer is just past a `%(` that follows an expression. Reads the condition up to `%?` and
 * tells whether the branch starts with a binary operator: then the conditional continues the
 * expression (`a %( c %? + b %)` is `a + b` when c holds), as stap's token-level expansion
 * reads it, and not a new statement.
 */
static bool branch_starts_with_operator(TSLexer *lexer) {
  uint32_t budget = LOOKAHEAD_LIMIT;
  /* The condition: a few tokens, possibly strings, up to `%?`. */
  for (;;) {
    if (lexer->eof(lexer) || budget == 0) return false;
    int32_t c = lexer->lookahead;
    if (c == '"') {
      skip_string(lexer, &budget);
    } else if (c == '%') {
      step(lexer, &budget);
      if (lexer->lookahead == '?') {
        step(lexer, &budget);
        break;
      }
      if (lexer->lookahead == '(' || lexer->lookahead == ')' || lexer->lookahead == ':') return false;
    } else {
      step(lexer, &budget);
    }
  }
  /* White space and comments before the branch's first token. */
  for (;;) {
    if (lexer->eof(lexer) || budget == 0) return false;
    int32_t c = lexer->lookahead;
    if (is_space(c)) {
      step(lexer, &budget);
    } else if (c == '#') {
      skip_line(lexer, &budget);
    } else if (c == '/') {
      step(lexer, &budget);
      if (lexer->lookahead == '/') {
        skip_line(lexer, &budget);
      } else if (lexer->lookahead == '*') {
        step(lexer, &budget);
        skip_past_pair(lexer, &budget, '*', '/');
      } else {
        return true; /* division */
      }
    } else {
      break;
    }
  }
  int32_t c = lexer->lookahead;
  step(lexer, &budget);
  int32_t d = lexer->lookahead;
  switch (c) {
    case '+': return d != '+';
    case '-': return d != '-' && d != '>';
    case '*': case '.': case '|': case '^': case '&': case '<': case '>': return true;
    case '%': return d != '(' && d != ')' && d != ':' && d != '?' && d != '{';
    case '=': return d == '=' || d == '~';
    case '!': return d == '=' || d == '~';
    default: return false;
  }
}

static bool is_raw(const BranchShape *shape) {
  if (shape->truncated) return false;
  return shape->unbalanced || shape->brackets != 0 || shape->first_else || shape->last_else ||
         shape->lone_modifier;
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
  /* During error recovery every symbol is valid: lex words and embedded C, no markers. */
  bool recovering = valid_symbols[TOKEN_SEQUENCE] && valid_symbols[PP_THEN];

  if (valid_symbols[TOKEN_SEQUENCE] && !recovering) {
    while (is_space(lexer->lookahead)) lexer->advance(lexer, true);
    BranchShape shape;
    scan_branch(lexer, &shape, true);
    if (!shape.empty) {
      lexer->result_symbol = TOKEN_SEQUENCE;
      return true;
    }
    /* An empty raw branch: scan_branch stopped just past the `%` of the next marker. */
    if (lexer->eof(lexer)) return false;
    return scan_marker(lexer, valid_symbols);
  }

  while (is_space(lexer->lookahead)) lexer->advance(lexer, true);
  /* Words are lexed in every state, valid or not: a misplaced keyword is an error token. */
  if (lexer->lookahead != '%') return scan_word(lexer, valid_symbols[GLOB] && !recovering);
  lexer->advance(lexer, false);
  if (lexer->lookahead == '{') return scan_embedded_code(lexer);
  if (recovering) return false;

  if (lexer->lookahead == '(' && valid_symbols[PP_OPEN_TAIL] &&
      !(valid_symbols[MACRO_OPEN] || valid_symbols[MACRO_OPEN_RAW])) {
    lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    if (!branch_starts_with_operator(lexer)) return false;
    lexer->result_symbol = PP_OPEN_TAIL;
    return true;
  }
  if (lexer->lookahead == '(' && (valid_symbols[MACRO_OPEN] || valid_symbols[MACRO_OPEN_RAW])) {
    /* The `%(` that opens an @define body; the body is checked like a branch. */
    lexer->advance(lexer, false);
    lexer->mark_end(lexer);
    BranchShape shape;
    scan_branch(lexer, &shape, false);
    lexer->result_symbol = is_raw(&shape) ? MACRO_OPEN_RAW : MACRO_OPEN;
    return true;
  }
  return scan_marker(lexer, valid_symbols);
}
