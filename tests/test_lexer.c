/* test_lexer.c - the lexer, table-driven.
 *
 * Covers: numbers (100, 1.1, 2e-3, .5, 1E+5), names (ASCII, digits and '_',
 * Korean, Greek), the operators and their Unicode spellings (× ÷ − ·),
 * punctuation, '#' comments, columns counted in code points, line numbers,
 * lexer_seek, a '\n' ending the line, and the error tokens (a number running
 * into a name, exponents without digits, symbols that are not operators,
 * invalid UTF-8) with their columns and messages.
 *
 * Each row of `token_cases` lexes one input and compares the whole token
 * stream, written as TYPE:lexeme@col (EOF@col for the end), to the expected
 * text, so a failure shows both streams side by side.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "repl/lexer.h"

static const char *type_tag(TokenType t) {
    switch (t) {
    case TOK_NUMBER: return "NUM";
    case TOK_NAME: return "NAME";
    case TOK_PLUS: return "PLUS";
    case TOK_MINUS: return "MINUS";
    case TOK_STAR: return "STAR";
    case TOK_SLASH: return "SLASH";
    case TOK_POW: return "POW";
    case TOK_LBRACKET: return "LBRACKET";
    case TOK_RBRACKET: return "RBRACKET";
    case TOK_AT: return "AT";
    case TOK_DOT: return "DOT";
    case TOK_STRING: return "STR";
    case TOK_LPAREN: return "LP";
    case TOK_RPAREN: return "RP";
    case TOK_COMMA: return "COMMA";
    case TOK_EQUAL: return "EQ";
    case TOK_SEMI: return "SEMI";
    case TOK_EOF: return "EOF";
    case TOK_ERROR: return "ERROR";
    }
    return "?";
}

/* Lexes text[0..len) and writes the token stream, up to and including the
 * first EOF or ERROR, as "NAME:x@1 EQ:=@3 NUM:1@5 EOF@6". */
static void lex_all(const char *text, size_t len, char *out, size_t size) {
    Lexer lx;
    lexer_init(&lx, text, len, 1);
    out[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < 64; i++) {
        Token t = lexer_next(&lx);
        int n;
        if (t.type == TOK_EOF)
            n = snprintf(out + used, size - used, "%sEOF@%d", i ? " " : "", t.col);
        else
            n = snprintf(out + used, size - used, "%s%s:%.*s@%d", i ? " " : "", type_tag(t.type),
                         t.length, t.start, t.col);
        used += (size_t)n;
        if (used >= size || t.type == TOK_EOF || t.type == TOK_ERROR) break;
    }
}

/* --- token streams ---------------------------------------------------------- */

static const struct {
    const char *input;
    const char *tokens;
} token_cases[] = {
    /* numbers */
    {"100", "NUM:100@1 EOF@4"},
    {"1.1", "NUM:1.1@1 EOF@4"},
    {"2e-3", "NUM:2e-3@1 EOF@5"},
    {".5", "NUM:.5@1 EOF@3"},
    {"x.T[0] @ [1]", "NAME:x@1 DOT:.@2 NAME:T@3 LBRACKET:[@4 NUM:0@5 RBRACKET:]@6 AT:@@8 "
                     "LBRACKET:[@10 NUM:1@11 RBRACKET:]@12 EOF@13"},
    {"1E+5", "NUM:1E+5@1 EOF@5"},
    {"1e5", "NUM:1e5@1 EOF@4"},
    {"3.", "NUM:3.@1 EOF@3"},
    {"0.25e10", "NUM:0.25e10@1 EOF@8"},
    {"007", "NUM:007@1 EOF@4"},
    /* names */
    {"apple", "NAME:apple@1 EOF@6"},
    {"x_1", "NAME:x_1@1 EOF@4"},
    {"_tmp", "NAME:_tmp@1 EOF@5"},
    {"Apple2", "NAME:Apple2@1 EOF@7"},
    {"사과", "NAME:사과@1 EOF@3"},
    {"α", "NAME:α@1 EOF@2"},
    {"größe", "NAME:größe@1 EOF@6"},
    {"사과_price", "NAME:사과_price@1 EOF@9"},
    /* operators, ASCII and Unicode */
    {"+ - * / ** ^", "PLUS:+@1 MINUS:-@3 STAR:*@5 SLASH:/@7 POW:**@9 POW:^@12 EOF@13"},
    {"× ÷ − ·", "STAR:×@1 SLASH:÷@3 MINUS:−@5 STAR:·@7 EOF@8"},
    {"a×b", "NAME:a@1 STAR:×@2 NAME:b@3 EOF@4"},
    {"2***3", "NUM:2@1 POW:**@2 STAR:*@4 NUM:3@5 EOF@6"},
    {"x**-1", "NAME:x@1 POW:**@2 MINUS:-@4 NUM:1@5 EOF@6"},
    /* punctuation */
    {"f(a, b)", "NAME:f@1 LP:(@2 NAME:a@3 COMMA:,@4 NAME:b@6 RP:)@7 EOF@8"},
    {"x = 1; y = 2", "NAME:x@1 EQ:=@3 NUM:1@5 SEMI:;@6 NAME:y@8 EQ:=@10 NUM:2@12 EOF@13"},
    /* whitespace and comments */
    {"", "EOF@1"},
    {"   ", "EOF@4"},
    {"\tx ", "NAME:x@2 EOF@4"},
    {"x\r", "NAME:x@1 ERROR:\r@2"}, /* not blank: lines.c drops the '\r' of a "\r\n" */
    {"# just a comment", "EOF@1"},
    {"x # the rest: 1 + @", "NAME:x@1 EOF@3"},
    {"1#2", "NUM:1@1 EOF@2"},
    /* columns count code points, not bytes */
    {"사과 = x", "NAME:사과@1 EQ:=@4 NAME:x@6 EOF@7"},
    {"α×β − 1", "NAME:α@1 STAR:×@2 NAME:β@3 MINUS:−@5 NUM:1@7 EOF@8"},
    /* the book's statements */
    {"price = apple*2*tax", "NAME:price@1 EQ:=@7 NAME:apple@9 STAR:*@14 NUM:2@15 STAR:*@16 "
                            "NAME:tax@17 EOF@20"},
};

START_TEST(test_token_stream) {
    char got[1024];
    lex_all(token_cases[_i].input, strlen(token_cases[_i].input), got, sizeof got);
    ck_assert_msg(strcmp(got, token_cases[_i].tokens) == 0,
                  "lexing \"%s\"\n  expected %s\n  got      %s", token_cases[_i].input,
                  token_cases[_i].tokens, got);
}
END_TEST

/* --- errors -------------------------------------------------------------------- */

static const struct {
    const char *input;
    int col;             /* of the error token */
    int length;          /* bytes it spans (the caret) */
    const char *message; /* a substring of its message */
} error_cases[] = {
    {"2x", 1, 2, "a number runs into a name"},
    {"y = 3abc", 5, 4, "a number runs into a name"},
    {"1.5사과", 1, 9, "a number runs into a name"},
    {"1e", 1, 2, "exponent has no digits"},
    {"1e+", 1, 3, "exponent has no digits"},
    {"2E-x", 1, 3, "exponent has no digits"},
    {"∂", 1, 3, "unexpected character"},
    {"→", 1, 3, "unexpected character"},
    {"x → y", 3, 3, "unexpected character"},
    {"사과 $", 4, 1, "unexpected character"},
    {"$", 1, 1, "unexpected character"},
    {"$", 1, 1, "unexpected character"},
    {"!", 1, 1, "unexpected character"},
    {":grad", 1, 1, "unexpected character"},
    {"\xff", 1, 1, "invalid UTF-8"},
    {"x \xfe", 3, 1, "invalid UTF-8"},
    {"\xc0\x80", 1, 1, "invalid UTF-8"},     /* overlong NUL */
    {"\xe2\x88", 1, 1, "invalid UTF-8"},     /* truncated ∂ */
    {"\xed\xa0\x80", 1, 1, "invalid UTF-8"}, /* a UTF-16 surrogate */
};

START_TEST(test_error_token) {
    const char *in = error_cases[_i].input;
    Lexer lx;
    lexer_init(&lx, in, strlen(in), 1);
    Token t;
    int guard = 0;
    do
        t = lexer_next(&lx);
    while (t.type != TOK_ERROR && t.type != TOK_EOF && ++guard < 64);
    ck_assert_msg(t.type == TOK_ERROR, "\"%s\": expected an error token", in);
    ck_assert_msg(t.col == error_cases[_i].col, "\"%s\": error at col %d, expected %d", in, t.col,
                  error_cases[_i].col);
    ck_assert_msg(t.length == error_cases[_i].length, "\"%s\": error spans %d bytes, expected %d",
                  in, t.length, error_cases[_i].length);
    ck_assert_ptr_nonnull(t.message);
    ck_assert_msg(strstr(t.message, error_cases[_i].message) != NULL,
                  "\"%s\": message \"%s\" lacks \"%s\"", in, t.message, error_cases[_i].message);
}
END_TEST

/* After an error the lexer goes on past the bad character. */
START_TEST(test_continues_after_error) {
    const char *in = "$ x";
    Lexer lx;
    lexer_init(&lx, in, strlen(in), 1);
    Token bad = lexer_next(&lx);
    ck_assert_int_eq(bad.type, TOK_ERROR);
    Token next = lexer_next(&lx);
    ck_assert_int_eq(next.type, TOK_NAME);
    ck_assert_int_eq(next.col, 3);
}
END_TEST

/* --- the lexer's contract ------------------------------------------------------- */

START_TEST(test_line_number_is_carried) {
    Lexer lx;
    lexer_init(&lx, "a + b", 5, 42);
    Token t = lexer_next(&lx);
    ck_assert_int_eq(t.line, 42);
    t = lexer_next(&lx);
    ck_assert_int_eq(t.line, 42);
    ck_assert_int_eq(t.col, 3);
}
END_TEST

START_TEST(test_eof_repeats) {
    Lexer lx;
    lexer_init(&lx, "x", 1, 1);
    ck_assert_int_eq(lexer_next(&lx).type, TOK_NAME);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(lexer_next(&lx).type, TOK_EOF);
}
END_TEST

START_TEST(test_newline_ends_the_line) {
    char got[256];
    const char *in = "a = 1\nb = 2";
    lex_all(in, strlen(in), got, sizeof got);
    ck_assert_str_eq(got, "NAME:a@1 EQ:=@3 NUM:1@5 EOF@6");
}
END_TEST

START_TEST(test_length_limits_the_text) {
    char got[256];
    lex_all("apple pie", 5, got, sizeof got); /* only "apple" */
    ck_assert_str_eq(got, "NAME:apple@1 EOF@6");
}
END_TEST

START_TEST(test_seek_counts_code_points) {
    const char *in = "사과 = x * 2";
    Lexer lx;
    lexer_init(&lx, in, strlen(in), 1);
    lexer_seek(&lx, strlen("사과 = ")); /* byte 9, column 6 */
    Token t = lexer_next(&lx);
    ck_assert_int_eq(t.type, TOK_NAME);
    ck_assert_int_eq(t.length, 1);
    ck_assert_int_eq(t.start[0], 'x');
    ck_assert_int_eq(t.col, 6);
    t = lexer_next(&lx);
    ck_assert_int_eq(t.type, TOK_STAR);
    ck_assert_int_eq(t.col, 8);
}
END_TEST

START_TEST(test_tokens_point_into_source) {
    const char *in = "apple*2";
    Lexer lx;
    lexer_init(&lx, in, strlen(in), 1);
    Token t = lexer_next(&lx);
    ck_assert_ptr_eq(t.start, in);
    ck_assert_int_eq(t.length, 5);
    ck_assert_ptr_null(t.message);
    t = lexer_next(&lx);
    ck_assert_ptr_eq(t.start, in + 5);
}
END_TEST

START_TEST(test_token_type_names) {
    ck_assert_str_eq(token_type_name(TOK_NUMBER), "a number");
    ck_assert_str_eq(token_type_name(TOK_NAME), "a name");
    ck_assert_str_eq(token_type_name(TOK_RPAREN), "')'");
    ck_assert_str_eq(token_type_name(TOK_POW), "'**'");
    ck_assert_str_eq(token_type_name(TOK_EOF), "end of line");
}
END_TEST

static Suite *lexer_suite(void) {
    Suite *s = suite_create("lexer");
    TCase *tc = tcase_create("tokens");
    tcase_add_loop_test(tc, test_token_stream, 0, sizeof token_cases / sizeof token_cases[0]);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_error_token, 0, sizeof error_cases / sizeof error_cases[0]);
    tcase_add_test(tc, test_continues_after_error);
    suite_add_tcase(s, tc);

    tc = tcase_create("contract");
    tcase_add_test(tc, test_line_number_is_carried);
    tcase_add_test(tc, test_eof_repeats);
    tcase_add_test(tc, test_newline_ends_the_line);
    tcase_add_test(tc, test_length_limits_the_text);
    tcase_add_test(tc, test_seek_counts_code_points);
    tcase_add_test(tc, test_tokens_point_into_source);
    tcase_add_test(tc, test_token_type_names);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(lexer_suite)
