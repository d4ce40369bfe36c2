/* lexer.c - tokens of the backprop language. */
#include "lexer.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../graph/utf8.h"

void lexer_init(Lexer *lx, const char *text, size_t len, int line) {
    const char *newline = memchr(text, '\n', len);
    lx->line_start = text;
    lx->current = text;
    lx->end = newline ? newline : text + len;
    lx->line = line;
    uint8_t high = 0; /* one pass the compiler vectorizes */
    for (const char *p = text; p < lx->end; p++)
        high |= (uint8_t)*p;
    lx->ascii = high < 0x80;
    lx->counted = text;
    lx->counted_col = 1;
}

void lexer_seek(Lexer *lx, size_t offset) {
    size_t len = (size_t)(lx->end - lx->line_start);
    lx->current = lx->line_start + (offset < len ? offset : len);
}

int lexer_column(Lexer *lx, const char *p) {
    if (lx->ascii) return (int)(p - lx->line_start) + 1;
    if (p < lx->counted) { /* went back (a saved lexer, a seek): count from the start */
        lx->counted = lx->line_start;
        lx->counted_col = 1;
    }
    for (; lx->counted < p; lx->counted++)
        if (((uint8_t)*lx->counted & 0xC0) != 0x80) lx->counted_col++;
    return lx->counted_col;
}

static bool at_end(const Lexer *lx) {
    return lx->current >= lx->end;
}

static char peek(const Lexer *lx) {
    return at_end(lx) ? '\0' : *lx->current;
}

static char peek_next(const Lexer *lx) {
    return lx->current + 1 >= lx->end ? '\0' : lx->current[1];
}

static void advance(Lexer *lx, int n) {
    lx->current += n;
}

/* Non-ASCII code points that may appear in names: letters of any script.
 * Without Unicode tables we exclude the blocks of spaces, punctuation and
 * symbols instead, so `사과`, `α` and `größe` work and `∂` or `→` do not.
 * Nothing invisible or that a terminal acts on: every name prints as it is
 * (see utf8_is_printable), and a byte-order mark is not part of one. */
static bool is_name_codepoint(uint32_t c) {
    if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;      /* ª µ º */
    if (utf8_is_control(c)) return false;                          /* bidirectional controls */
    if (c == 0xFEFF || (c >= 0xFFF0 && c <= 0xFFFF)) return false; /* BOM, specials */
    if (c == 0xD7 || c == 0xF7) return false;                      /* × ÷ */
    if (c >= 0x2000 && c <= 0x2BFF) return false; /* punctuation, arrows, math, boxes */
    if (c >= 0x3000 && c <= 0x303F) return false; /* CJK spaces and punctuation */
    if (c >= 0xFE30 && c <= 0xFE4F) return false; /* CJK compatibility forms */
    if (c >= 0xFF00 && c <= 0xFF0F) return false; /* fullwidth punctuation */
    return true;
}

/* Every byte not listed is LX_OTHER (0). */
const uint8_t lexer_byte_class[256] = {
    ['#'] = LX_HASH,   ['0'] = LX_DIGIT,  ['1'] = LX_DIGIT,  ['2'] = LX_DIGIT,  ['3'] = LX_DIGIT,
    ['4'] = LX_DIGIT,  ['5'] = LX_DIGIT,  ['6'] = LX_DIGIT,  ['7'] = LX_DIGIT,  ['8'] = LX_DIGIT,
    ['9'] = LX_DIGIT,  ['_'] = LX_LETTER, ['A'] = LX_LETTER, ['B'] = LX_LETTER, ['C'] = LX_LETTER,
    ['D'] = LX_LETTER, ['E'] = LX_LETTER, ['F'] = LX_LETTER, ['G'] = LX_LETTER, ['H'] = LX_LETTER,
    ['I'] = LX_LETTER, ['J'] = LX_LETTER, ['K'] = LX_LETTER, ['L'] = LX_LETTER, ['M'] = LX_LETTER,
    ['N'] = LX_LETTER, ['O'] = LX_LETTER, ['P'] = LX_LETTER, ['Q'] = LX_LETTER, ['R'] = LX_LETTER,
    ['S'] = LX_LETTER, ['T'] = LX_LETTER, ['U'] = LX_LETTER, ['V'] = LX_LETTER, ['W'] = LX_LETTER,
    ['X'] = LX_LETTER, ['Y'] = LX_LETTER, ['Z'] = LX_LETTER, ['a'] = LX_LETTER, ['b'] = LX_LETTER,
    ['c'] = LX_LETTER, ['d'] = LX_LETTER, ['e'] = LX_LETTER, ['f'] = LX_LETTER, ['g'] = LX_LETTER,
    ['h'] = LX_LETTER, ['i'] = LX_LETTER, ['j'] = LX_LETTER, ['k'] = LX_LETTER, ['l'] = LX_LETTER,
    ['m'] = LX_LETTER, ['n'] = LX_LETTER, ['o'] = LX_LETTER, ['p'] = LX_LETTER, ['q'] = LX_LETTER,
    ['r'] = LX_LETTER, ['s'] = LX_LETTER, ['t'] = LX_LETTER, ['u'] = LX_LETTER, ['v'] = LX_LETTER,
    ['w'] = LX_LETTER, ['x'] = LX_LETTER, ['y'] = LX_LETTER, ['z'] = LX_LETTER,
};

/* ASCII letters, digits and '_': a table, since names are most of a script. */
static bool is_ascii_name_char(char c) {
    return (uint8_t)(lexer_byte_class[(uint8_t)c] - LX_LETTER) < 2; /* or LX_DIGIT */
}

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Length of the non-ASCII name character at the current position, or 0.
 * Kept out of line: inlined, its call to utf8_decode made every ASCII name
 * character pay for saving registers (1% of a long script's time). */
__attribute__((noinline)) static int wide_name_char_length(const Lexer *lx) {
    uint32_t cp;
    int len = utf8_decode(lx->current, lx->end, &cp);
    return len > 0 && is_name_codepoint(cp) ? len : 0;
}

/* Length of the name character at the current position, or 0. */
static int name_char_length(const Lexer *lx) {
    char c = peek(lx);
    if (is_ascii_name_char(c)) return 1;
    return (uint8_t)c >= 0x80 ? wide_name_char_length(lx) : 0;
}

static Token make_token(Lexer *lx, TokenType type, const char *start) {
    return (Token){type, start, (int)(lx->current - start), lx->line, lexer_column(lx, start),
                   NULL};
}

static Token error_token(Lexer *lx, const char *start, const char *message) {
    return (Token){TOK_ERROR, start, (int)(lx->current - start), lx->line, lexer_column(lx, start),
                   message};
}

/* The first non-digit at or after p (or end). Scans walk a local pointer,
 * not lx->current: a store through a char pointer may alias the lexer, so
 * the compiler would reload and store lx->current at every byte. */
static const char *skip_digits(const char *p, const char *end) {
    while (p < end && is_digit(*p))
        p++;
    return p;
}

/* number := digits ['.' digits] [('e'|'E') ['+'|'-'] digits] | '.' digits ... */
static Token number(Lexer *lx, const char *start) {
    const char *p = skip_digits(lx->current, lx->end);
    if (p < lx->end && *p == '.') p = skip_digits(p + 1, lx->end);
    lx->current = p;
    if (peek(lx) == 'e' || peek(lx) == 'E') {
        bool sign = peek_next(lx) == '+' || peek_next(lx) == '-';
        const char *digits = lx->current + 1 + sign;
        if (digits < lx->end && is_digit(*digits)) {
            lx->current = skip_digits(lx->current + 1 + sign, lx->end);
        } else {
            advance(lx, 1 + sign);
            return error_token(lx, start, "malformed number: exponent has no digits");
        }
    }
    if (name_char_length(lx) > 0) {
        while (name_char_length(lx) > 0)
            advance(lx, name_char_length(lx));
        return error_token(lx, start, "a number runs into a name; write 2*x for a product");
    }
    return make_token(lx, TOK_NUMBER, start);
}

static Token name(Lexer *lx, const char *start) {
    for (;;) {
        /* ASCII first: one byte, one column. */
        const char *p = lx->current;
        while (p < lx->end && is_ascii_name_char(*p))
            p++;
        lx->current = p;
        int n = name_char_length(lx);
        if (n == 0) break;
        advance(lx, n);
    }
    /* Token messages are static text, so the limit is spelled out. */
    _Static_assert(LEXER_MAX_NAME == 255, "the message below states the limit");
    if (lx->current - start > LEXER_MAX_NAME)
        return error_token(lx, start, "name too long: the limit is 255 bytes");
    return make_token(lx, TOK_NAME, start);
}

/* string := '"' (char | '\\"' | '\\\\')* '"' | "'" char* "'"   on one line, UTF-8.
 * The same quoting as a command's file name (`:save "my notes.bp"`), so a
 * name is written alike in load("...") and in :export. */
static Token string(Lexer *lx, const char *start) {
    char quote = *start;
    const char *p = start + 1;
    while (p < lx->end && *p != quote)
        p += quote == '"' && *p == '\\' && p + 1 < lx->end && (p[1] == '"' || p[1] == '\\') ? 2 : 1;
    if (p == lx->end) { /* the caret marks the opening quote */
        lx->current = start + 1;
        Token error = error_token(lx, start,
                                  "unterminated string: a string ends with the quote it starts "
                                  "with, on the same line");
        lx->current = lx->end;
        return error;
    }
    const char *bad = start + 1 + utf8_valid_length(start + 1, (size_t)(p - start - 1));
    if (bad < p) {
        lx->current = bad + 1;
        return error_token(lx, bad, "invalid UTF-8 in the source");
    }
    lx->current = p + 1;
    return make_token(lx, TOK_STRING, start);
}

void lexer_string_text(const Token *t, StrBuf *out) {
    char quote = t->start[0];
    const char *p = t->start + 1, *end = t->start + t->length - 1;
    while (p < end) {
        if (quote == '"' && *p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\')) p++;
        sb_append(out, p++, 1);
    }
}

/* The language's Unicode spellings of operators, as the book prints them. */
static const struct {
    const char *text;
    TokenType type;
} unicode_ops[] = {{"×", TOK_STAR}, {"÷", TOK_SLASH}, {"−", TOK_MINUS}, {"·", TOK_STAR}};

/* The one-character operators (and `**`), or TOK_ERROR for any other
 * character. None of them starts a number, a name, a string or a comment,
 * so they are tried first: they are half of a script's tokens. */
static TokenType operator_token(char c) {
    switch (c) {
    case '+': return TOK_PLUS;
    case '-': return TOK_MINUS;
    case '*': return TOK_STAR;
    case '/': return TOK_SLASH;
    case '^': return TOK_POW;
    case '(': return TOK_LPAREN;
    case ')': return TOK_RPAREN;
    case ',': return TOK_COMMA;
    case '=': return TOK_EQUAL;
    case ';': return TOK_SEMI;
    case '[': return TOK_LBRACKET;
    case ']': return TOK_RBRACKET;
    case '@': return TOK_AT;
    default: return TOK_ERROR;
    }
}

/* The tokens lexer_next does not take on its fast path: end of line,
 * comments, strings, Unicode operators and names, '.', and errors. Kept out
 * of line so the fast path saves few registers. */
__attribute__((noinline)) static Token other_token(Lexer *lx, const char *start) {
    if (!at_end(lx) && peek(lx) == '#' && !lx->ascii) { /* a comment is source too: UTF-8 */
        const char *bad = start + utf8_valid_length(start, (size_t)(lx->end - start));
        if (bad < lx->end) {
            lx->current = bad + 1;
            return error_token(lx, bad, "invalid UTF-8 in the source");
        }
    }
    if (at_end(lx) || peek(lx) == '#') {
        Token eof = make_token(lx, TOK_EOF, start); /* a comment runs to the end of the line */
        lx->current = lx->end;
        eof.start = lx->end;
        return eof;
    }
    char c = peek(lx);
    if (c == '.' && is_digit(peek_next(lx))) return number(lx, start);
    if (name_char_length(lx) > 0) return name(lx, start);
    if (c == '"' || c == '\'') return string(lx, start);
    for (size_t i = 0; (uint8_t)c >= 0x80 && i < sizeof unicode_ops / sizeof unicode_ops[0]; i++) {
        size_t n = strlen(unicode_ops[i].text);
        if ((size_t)(lx->end - start) >= n && memcmp(start, unicode_ops[i].text, n) == 0) {
            advance(lx, (int)n);
            return make_token(lx, unicode_ops[i].type, start);
        }
    }
    if (c == '.') {
        advance(lx, 1);
        return make_token(lx, TOK_DOT, start);
    }
    /* Swallow the whole offending character so the caret spans it. */
    uint32_t cp;
    int len = (uint8_t)c >= 0x80 ? utf8_decode(start, lx->end, &cp) : 1;
    lx->current = start + (len > 0 ? len : 1);
    if (len == 0) return error_token(lx, start, "invalid UTF-8 in the source");
    return error_token(lx, start, "unexpected character");
}

Token lexer_next(Lexer *lx) {
    const char *start = lx->current;
    while (start < lx->end && (*start == ' ' || *start == '\t'))
        start++;
    lx->current = start;
    if (start < lx->end) { /* the fast path: operators, numbers and ASCII names */
        char c = *start;
        TokenType op = operator_token(c);
        if (op != TOK_ERROR) {
            bool pow = op == TOK_STAR && start + 1 < lx->end && start[1] == '*';
            lx->current = start + 1 + pow;
            return make_token(lx, pow ? TOK_POW : op, start);
        }
        if (is_digit(c)) return number(lx, start);
        if (is_ascii_name_char(c)) return name(lx, start);
    }
    return other_token(lx, start);
}

const char *token_type_name(TokenType type) {
    static const char *const names[] = {
        [TOK_NUMBER] = "a number", [TOK_NAME] = "a name",     [TOK_PLUS] = "'+'",
        [TOK_MINUS] = "'-'",       [TOK_STAR] = "'*'",        [TOK_SLASH] = "'/'",
        [TOK_POW] = "'**'",        [TOK_LPAREN] = "'('",      [TOK_RPAREN] = "')'",
        [TOK_COMMA] = "','",       [TOK_EQUAL] = "'='",       [TOK_SEMI] = "';'",
        [TOK_LBRACKET] = "'['",    [TOK_RBRACKET] = "']'",    [TOK_AT] = "'@'",
        [TOK_DOT] = "'.'",         [TOK_EOF] = "end of line", [TOK_ERROR] = "an error",
        [TOK_STRING] = "a string",
    };
    return names[type];
}
