/* lexer.h - splits one line of backprop source into tokens.
 *
 * Tokens are views into the source text (start + length), never copies, and
 * carry their 1-based line and column; the column counts characters (UTF-8
 * code points), not bytes, so `사과 = x` reports `x` at column 6. In C:
 *
 *     Lexer lx;
 *     lexer_init(&lx, "price = apple * 2", 17, 1);
 *     for (Token t = lexer_next(&lx); t.type != TOK_EOF; t = lexer_next(&lx))
 *         printf("%.*s at column %d\n", t.length, t.start, t.col);
 *
 * Invalid input yields a TOK_ERROR token whose `message` says what is wrong
 * and whose start/column point at the offending character.
 */
#ifndef BP_LEXER_H
#define BP_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../graph/strbuf.h"

/* The longest name, in bytes (85 Korean syllables): longer ones are a
 * TOK_ERROR, so names always fit the fixed buffers that print them. */
#define LEXER_MAX_NAME 255

typedef enum {
    TOK_NUMBER, /* 100, 1.1, 2e-3, .5 */
    TOK_NAME,   /* apple, x_1, 사과, α */
    TOK_PLUS,
    TOK_MINUS, /* - or − */
    TOK_STAR,  /* * or × */
    TOK_SLASH, /* / or ÷ */
    TOK_POW,   /* ** or ^ */
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_COMMA,
    TOK_EQUAL,
    TOK_SEMI, /* ; separates statements on a line */
    TOK_LBRACKET,
    TOK_RBRACKET,
    TOK_AT,     /* @: matrix product */
    TOK_DOT,    /* . before a name: x.T */
    TOK_STRING, /* "digits.npy" or 'digits.npy': a file name for load(...) */
    TOK_EOF,    /* end of line, or a # comment */
    TOK_ERROR,
} TokenType;

typedef struct {
    TokenType type;
    const char *start;   /* into the source text */
    int length;          /* in bytes */
    int line, col;       /* 1-based; col in code points */
    const char *message; /* TOK_ERROR only: static text */
} Token;

typedef struct {
    const char *line_start; /* where the line begins, for columns */
    const char *current;
    const char *end;
    int line;
    /* Columns are worked out when a token is made, not byte by byte: on an
     * ASCII line a column is an offset; otherwise code points are counted
     * on from the last token's start (`counted`, at column `counted_col`). */
    bool ascii;
    const char *counted;
    int counted_col;
} Lexer;

/* Lexes text[0..len) (one line; a '\n' ends it early) numbered `line`. The
 * lexer keeps pointers into text, which must outlive it and its tokens. */
void lexer_init(Lexer *lx, const char *text, size_t len, int line);

/* Moves to byte `offset` of the line (a code point boundary), e.g. to go on
 * after a command that the caller handled itself. */
void lexer_seek(Lexer *lx, size_t offset);

/* The 1-based column (in code points) of byte p of the line. */
int lexer_column(Lexer *lx, const char *p);

/* What a byte is to the lexer, for scans that look at a script's bytes
 * without making tokens (a lookahead for names): an ASCII letter or '_'
 * (a name starts here), a digit, the '#' of a comment, or anything else
 * (LX_OTHER; every byte from 0x80 on, so non-ASCII names are not seen). */
enum { LX_OTHER, LX_LETTER, LX_DIGIT, LX_HASH };
extern const uint8_t lexer_byte_class[256];

/* The next token. After TOK_EOF, keeps returning TOK_EOF. */
Token lexer_next(Lexer *lx);

/* Appends the text a TOK_STRING stands for to out: without its quotes, and
 * inside double quotes `\"` and `\\` read as `"` and `\` (any other
 * backslash is itself), as in a command's quoted file name. */
void lexer_string_text(const Token *t, StrBuf *out);

/* A human name for a token type, for messages: "')'", "a number". */
const char *token_type_name(TokenType type);

#endif
