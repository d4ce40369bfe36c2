/* test_escape.c - input that is not quite text: line ends, byte-order
 * marks, controls and bytes that are not UTF-8.
 *
 * Covers: utf8_escape's two styles (graph/utf8.c); an -e argument as a
 * script of lines, and "\r\n" and a byte-order mark in a script, a :load and
 * an -e string; names (the lexer and graph_define accept only printable
 * UTF-8) and invalid UTF-8 in a comment; the caret under an escaped line;
 * and a table of hostile bytes (ESC, BEL, CR, backspace, DEL, C1 controls,
 * a bidirectional override, stray, overlong, surrogate and too-large
 * sequences) put into every place of a line that something echoes, whose
 * output must hold no raw control and no invalid UTF-8, in text and in
 * --json, where every line must also be valid JSON. The checks here are
 * written without graph/utf8.c, so they do not trust what they test.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "graph/strbuf.h"
#include "graph/utf8.h"
#include "harness.h"

/* --- utf8_escape ------------------------------------------------------------ */

static const struct {
    const char *in, *text, *json;
} escape_cases[] = {
    {"price", "price", "price"},
    {"사과 ∂ α", "사과 ∂ α", "사과 ∂ α"},
    {"a\x1b[2Jb", "a\\x1b[2Jb", "a\\u001b[2Jb"},
    {"\a\b\r\x7f", "\\x07\\x08\\x0d\\x7f", "\\u0007\\u0008\\u000d\\u007f"},
    {"tab\there\nnl", "tab\there\\x0anl", "tab\\there\\nnl"},
    {"\"q\" \\", "\"q\" \\", "\\\"q\\\" \\\\"},
    {"\xc2\x9b"
     "1m",
     "\\u009b1m", "\\u009b1m"}, /* C1 CSI, as UTF-8 */
    {"\x9b"
     "1m",
     "\\x9b1m",
     "\xef\xbf\xbd"
     "1m"}, /* C1 CSI, a raw byte */
    {"\xe2\x80\xae"
     "abc",
     "\\u202eabc", "\\u202eabc"}, /* right-to-left override */
    {"\xff\xfe", "\\xff\\xfe", "\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xc0\xaf", "\\xc0\\xaf", "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong '/' */
    {"\xe0\x80\xaf", "\\xe0\\x80\\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xed\xa0\x80", "\\xed\\xa0\\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
    {"\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80",
     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},   /* past U+10FFFF */
    {"\xe4\xb8", "\\xe4\\xb8", "\xef\xbf\xbd\xef\xbf\xbd"}, /* cut short */
    {"\xef\xbb\xbf"
     "x",
     "\xef\xbb\xbf"
     "x",
     "\xef\xbb\xbf"
     "x"}, /* a BOM is not a control */
};

START_TEST(test_utf8_escape) {
    const char *in = escape_cases[_i].in;
    StrBuf sb;
    sb_init(&sb);
    utf8_escape(&sb, in, strlen(in), UTF8_TEXT);
    ck_assert_str_eq(sb.data, escape_cases[_i].text);
    sb_clear(&sb);
    utf8_escape(&sb, in, strlen(in), UTF8_JSON);
    ck_assert_str_eq(sb.data, escape_cases[_i].json);
    sb_free(&sb);
}
END_TEST

/* --- what may reach a terminal ---------------------------------------------- */

/* The length of the valid UTF-8 sequence at p, or 0 (written apart from
 * utf8_decode on purpose), with its code point in *cp. */
static int sequence(const unsigned char *p, const unsigned char *end, uint32_t *cp) {
    int n = p[0] < 0x80                    ? 1
            : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
            : (p[0] & 0xF0) == 0xE0        ? 3
            : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
                                           : 0;
    if (n == 0 || end - p < n) return 0;
    uint32_t c = n == 1 ? p[0] : p[0] & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (p[i] & 0x3F);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* Asserts text holds nothing a terminal would act on: no control but '\n'
 * and '\t', no C1 control or bidirectional override, only valid UTF-8. */
static void assert_printable(const char *what, const char *text) {
    const unsigned char *p = (const unsigned char *)text, *end = p + strlen(text);
    while (p < end) {
        uint32_t c;
        int n = sequence(p, end, &c);
        ck_assert_msg(n > 0, "%s: a byte that is not UTF-8 (0x%02x) at %td in:\n%s", what, *p,
                      (const char *)p - text, text);
        bool control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7F && c <= 0x9F) ||
                       (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
        ck_assert_msg(!control, "%s: control U+%04X at %td in:\n%s", what, (unsigned)c,
                      (const char *)p - text, text);
        p += n;
    }
}

/* --- a JSON validity checker (RFC 8259), just enough to say yes or no ------- */

typedef struct {
    const unsigned char *p, *end;
} Json;

static bool json_value(Json *j);

static void json_space(Json *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool json_literal(Json *j, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n) != 0) return false;
    j->p += n;
    return true;
}

static bool json_string(Json *j) {
    if (j->p >= j->end || *j->p++ != '"') return false;
    while (j->p < j->end && *j->p != '"') {
        uint32_t c;
        if (*j->p == '\\') {
            j->p++;
            if (j->p >= j->end) return false;
            if (*j->p == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (j->p + k >= j->end || !strchr("0123456789abcdefABCDEF", j->p[k]) ||
                        j->p[k] == '\0')
                        return false;
                j->p += 5;
            } else if (strchr("\"\\/bfnrt", *j->p) && *j->p != '\0') {
                j->p++;
            } else {
                return false;
            }
            continue;
        }
        int n = sequence(j->p, j->end, &c);
        if (n == 0 || c < 0x20) return false;
        j->p += n;
    }
    return j->p++ < j->end;
}

static bool json_number(Json *j) {
    const unsigned char *start = j->p;
    if (j->p < j->end && *j->p == '-') j->p++;
    if (j->p < j->end && *j->p == '0')
        j->p++;
    else if (j->p < j->end && *j->p >= '1' && *j->p <= '9')
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    else
        return false;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9') return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9') return false;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    return j->p > start;
}

/* Elements separated by ',' up to `close`; members are "key": value. */
static bool json_sequence(Json *j, char close, bool members) {
    j->p++;
    json_space(j);
    if (j->p < j->end && *j->p == close) return j->p++, true;
    for (;;) {
        json_space(j);
        if (members) {
            if (!json_string(j)) return false;
            json_space(j);
            if (j->p >= j->end || *j->p++ != ':') return false;
        }
        if (!json_value(j)) return false;
        json_space(j);
        if (j->p >= j->end) return false;
        if (*j->p == close) return j->p++, true;
        if (*j->p++ != ',') return false;
    }
}

static bool json_value(Json *j) {
    json_space(j);
    if (j->p >= j->end) return false;
    switch (*j->p) {
    case '{': return json_sequence(j, '}', true);
    case '[': return json_sequence(j, ']', false);
    case '"': return json_string(j);
    case 't': return json_literal(j, "true");
    case 'f': return json_literal(j, "false");
    case 'n': return json_literal(j, "null");
    default: return json_number(j);
    }
}

/* Is text[0..len) exactly one JSON value? */
static bool json_valid(const char *text, size_t len) {
    Json j = {(const unsigned char *)text, (const unsigned char *)text + len};
    if (!json_value(&j)) return false;
    json_space(&j);
    return j.p == j.end;
}

/* Asserts every line of out is one JSON object. */
static void assert_json_lines(const char *what, const char *out) {
    for (const char *line = out; *line;) {
        const char *nl = strchr(line, '\n');
        ck_assert_msg(nl, "%s: a JSON line without its newline: %s", what, line);
        ck_assert_msg(line[0] == '{' && json_valid(line, (size_t)(nl - line)),
                      "%s: not a JSON object: %.*s", what, (int)(nl - line), line);
        line = nl + 1;
    }
}

START_TEST(test_json_checker) {
    const char *ok = "{\"kind\":\"x\",\"v\":[1,-2.5e3,[]],\"n\":null}";
    ck_assert(json_valid(ok, strlen(ok)));
    ck_assert(json_valid("\"\\u001b\xe2\x88\x82\"", 11));
    ck_assert(!json_valid("\"\x1b\"", 3));         /* a raw control */
    ck_assert(!json_valid("\"\xff\"", 3));         /* not UTF-8 */
    ck_assert(!json_valid("{\"a\":1,}", 8));       /* a trailing comma */
    ck_assert(!json_valid("\"\\x1b\"", 6));        /* not a JSON escape */
    ck_assert(!json_valid("{\"a\":01}", 8));       /* a leading zero */
    ck_assert(!json_valid("{\"a\":\"b\"} x", 11)); /* something after */
}
END_TEST

/* --- hostile bytes in every place that echoes a line ------------------------ */

static const char *const hostile[] = {
    "\x1b[31m",         /* ESC: a colour, or worse */
    "\x1b]0;title\x07", /* OSC: sets the terminal's title; BEL */
    "\r",               /* CR: overwrites the line from its start */
    "\b\b",             /* backspace */
    "\x7f",             /* DEL */
    "\x9b"
    "2J", /* C1 CSI as a raw byte (clears an 8-bit terminal) */
    "\xc2\x9b"
    "2J",               /* C1 CSI in UTF-8 */
    "\xe2\x80\xae",     /* right-to-left override */
    "\xff\xfe",         /* not UTF-8 */
    "\xc0\xaf",         /* overlong '/' */
    "\xe0\x80\xaf",     /* overlong, 3 bytes */
    "\xed\xa0\x80",     /* a surrogate */
    "\xf4\x90\x80\x80", /* past U+10FFFF */
    "\xe4\xb8",         /* cut short */
};

/* Lines with the hostile bytes at '@' and the scratch directory at '~'. */
static const char *const contexts[] = {
    "x@ = 1",
    "x = 1 @",
    "y = @",
    "@",
    "z = a + 1 # @",
    "y = [1, @]",
    "y = sum(ones(2), axis=@)",
    "y = f@(1)",
    "@ = 2",
    ":@",
    ":gr@ad",
    ":grad @",
    ":grad a @",
    ":del @",
    ":target @",
    ":help @",
    ":seed @",
    ":digits @",
    ":check @",
    ":descend @",
    ":render --of @",
    ":render --@",
    ":render ~/r@.svg",
    ":render ~/r@.xyz",
    ":mermaid ~/m@.mmd",
    ":mermaid ~/m@.txt",
    ":watch ~/w@.svg",
    ":watch",
    ":watch off",
    ":save ~/s@.bp",
    ":load ~/s@.bp",
    ":load ~/missing@.bp",
};

/* context with '@' replaced by bytes and '~' by the scratch directory. */
static char *expand(const char *context, const char *bytes) {
    StrBuf sb;
    sb_init(&sb);
    for (const char *c = context; *c; c++)
        if (*c == '@')
            sb_puts(&sb, bytes);
        else if (*c == '~')
            sb_puts(&sb, tmpdir);
        else
            sb_append(&sb, c, 1);
    char *line = strdup(sb.data);
    sb_free(&sb);
    return line;
}

/* Everything that shows the session in text, after a hostile line. (The
 * figures, slower to make, are looked at once: test_hostile_figures.) */
static const char *const inspections = ":vars\n:graph\n:trace\n:grad\n:check\n:target\n:seed";

enum { HOSTILE = sizeof hostile / sizeof hostile[0] };

/* Runs every hostile line in `context`, on a line of its own and as a line
 * of a script whose name holds the bytes too, and checks all that was
 * printed. One session for all: Graphviz's text measuring keeps state past
 * the context it was made in, so a process draws with one Renderer. */
static void run_hostile(const char *context, bool json) {
    Harness h;
    h_init(&h);
    h.sink.json = json;
    for (int i = 0; i < HOSTILE; i++) {
        char *line = expand(context, hostile[i]), *name = expand("~/script@.bp", hostile[i]);
        char what[256];
        snprintf(what, sizeof what, "context \"%s\", bytes %d%s", context, i,
                 json ? " (--json)" : "");
        ck_assert(h_run(&h, ":clear\na = 2\nb = a * a + 1"));
        h_run(&h, line);
        session_run_text(&h.s, name, line, strlen(line), false);
        h_run(&h, inspections); /* its capture starts after "b = ...": it holds all the above */
        assert_printable(what, h.out_text);
        assert_printable(what, h.err_text);
        if (json) {
            assert_json_lines(what, h.out_text);
            ck_assert_str_eq(h.err_text, "");
        }
        free(name);
        free(line);
    }
    h_free(&h);
}

START_TEST(test_hostile_text) {
    run_hostile(contexts[_i], false);
}
END_TEST

START_TEST(test_hostile_json) {
    run_hostile(contexts[_i], true);
}
END_TEST

/* After every hostile line, the figures (:render's DOT, :mermaid) hold only
 * printable text: what they show of names can be nothing else. */
START_TEST(test_hostile_figures) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "a = 2\nb = a * a + 1"));
    for (size_t k = 0; k < sizeof contexts / sizeof contexts[0]; k++)
        for (int i = 0; i < HOSTILE; i++) {
            char *line = expand(contexts[k], hostile[i]);
            h_run(&h, line);
            free(line);
        }
    h_run(&h, ":render -\n:render - --all\n:mermaid\n:render - --expand --all");
    assert_printable("figures", h.out_text);
    assert_printable("figures", h.err_text);
    ck_assert_ptr_nonnull(strstr(h.out_text, "flowchart"));
    h_free(&h);
}
END_TEST

/* A file whose name holds the bytes: cannot be read, said safely. */
START_TEST(test_hostile_file_name) {
    Harness h;
    h_init(&h);
    char *path = expand("~/no such @.bp", hostile[_i]);
    ck_assert(!session_run_file(&h.s, path, true));
    h_run(&h, "");
    assert_printable("a missing file's name", h.err_text);
    ck_assert_ptr_nonnull(strstr(h.err_text, "cannot read"));
    h.sink.json = true;
    ck_assert(!session_run_file(&h.s, path, true));
    h_run(&h, "");
    assert_printable("a missing file's name (--json)", h.out_text);
    assert_json_lines("a missing file's name", h.out_text);
    free(path);
    h_free(&h);
}
END_TEST

/* --- the caret under an escaped line --------------------------------------- */

START_TEST(test_caret_under_escapes) {
    Harness h;
    h_init(&h);
    ck_assert(!h_run(&h, "x = \x1b[2J + 1"));
    ck_assert_str_eq(h.err_text, "<test>:1:5: error: unexpected character\n"
                                 "    x = \\x1b[2J + 1\n"
                                 "        ^~~~\n");
    ck_assert(!h_run(&h, "s\xc3\xa9 = 1 +\x07 y\xff"));
    ck_assert_str_eq(h.err_text, "<test>:2:9: error: unexpected character\n"
                                 "    s\xc3\xa9 = 1 +\\x07 y\\xff\n"
                                 "            ^~~~\n");
    ck_assert(!h_run(&h, "q = 1\ny = 1 + q\x07q # \xff"));
    ck_assert_str_eq(h.err_text, "<test>:4:10: error: unexpected character\n"
                                 "    y = 1 + q\\x07q # \\xff\n"
                                 "             ^~~~\n");
    ck_assert(!h_run(&h, "y = 1 # fine \xff"));
    ck_assert_str_eq(h.err_text, "<test>:5:14: error: invalid UTF-8 in the source\n"
                                 "    y = 1 # fine \\xff\n"
                                 "                 ^~~~\n");
    ck_assert(!h_run(&h, "y = \xc0\xaf"));
    ck_assert_str_eq(h.err_text, "<test>:6:5: error: invalid UTF-8 in the source\n"
                                 "    y = \\xc0\\xaf\n"
                                 "        ^~~~\n");
    ck_assert(!h_run(&h, ":gr\x1b"
                         "ad"));
    ck_assert_str_eq(h.err_text,
                     "<test>:7:1: error: unknown command ':gr\\x1bad'; did you mean ':grad'?\n"
                     "    :gr\\x1bad\n"
                     "    ^~~~~~~~~\n");
    h_free(&h);
}
END_TEST

/* Terminal columns of the text this test shows: ASCII and '…' (E2 80 A6)
 * take one, Hangul syllables (EA..ED lead bytes) two. */
static int columns(const char *s, size_t len) {
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80)
            n++;
        else if (b >= 0xC0)
            n += b >= 0xEA && b <= 0xED ? 2 : 1;
    }
    return n;
}

/* A line too long to show whole is shown around the mark, cut with "…",
 * never inside a UTF-8 character. */
START_TEST(test_caret_long_line) {
    Harness h;
    h_init(&h);
    StrBuf src;
    sb_init(&src);
    sb_puts(&src, "X = [");
    for (int i = 0; i < 10000; i++)
        sb_puts(&src, "1, ");
    sb_puts(&src, "x]");
    ck_assert(!h_run(&h, src.data));
    ck_assert_str_eq(h.err_text,
                     "<test>:1:30006: error: a literal's element must be a number, not a name "
                     "like 'x'\n"
                     "    …1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, x]\n"
                     "                                                                 ^\n");
    ck_assert(h_run(&h, "사과 = 1"));
    sb_clear(&src);
    sb_puts(&src, "v = ");
    for (int i = 0; i < 100; i++)
        sb_puts(&src, "사과 + ");
    sb_puts(&src,
            "q + 사과 + 사과 + 사과 + 사과 + 사과 + 사과 + 사과 + 사과 + 사과 + 사과 + 사과 + 1");
    ck_assert(!h_run(&h, src.data));
    const char *shown = strchr(h.err_text, '\n') + 1;
    ck_assert_msg(strncmp(shown, "    …", strlen("    …")) == 0, "cut at the start: %s", shown);
    ck_assert_uint_eq(utf8_valid_length(h.err_text, strlen(h.err_text)), strlen(h.err_text));
    const char *caret = strchr(shown, '\n') + 1;
    ck_assert_msg(strstr(shown, "…\n") == caret - strlen("…\n"), "cut at the end: %s", shown);
    /* The caret sits under the 'q': count display columns up to it. */
    int q_column = columns(shown, (size_t)(strchr(shown, 'q') - shown));
    ck_assert_int_eq((int)(strchr(caret, '^') - caret), q_column);
    ck_assert_uint_lt(strlen(shown) - strlen(caret), 200);
    sb_free(&src);
    h_free(&h);
}
END_TEST

/* --- names -------------------------------------------------------------------- */

/* Nothing invisible or that acts on a terminal is part of a name. */
START_TEST(test_name_characters) {
    Harness h;
    h_init(&h);
    ck_assert(h_run(&h, "größe = 1\n사과 = 2\nµ = 3"));
    ck_assert(!h_run(&h, "b = 1 + µ\xd8\x9c")); /* U+061C ARABIC LETTER MARK */
    ck_assert_ptr_nonnull(strstr(h.err_text, "<test>:4:10: error: unexpected character"));
    ck_assert(!h_run(&h, "\xef\xbb\xbf"
                         "c = 1")); /* a byte-order mark inside a line */
    ck_assert_ptr_nonnull(strstr(h.err_text, "<test>:5:1: error: unexpected character"));
    ck_assert(!h_run(&h, "b = 1 + µ\xef\xbf\xbe")); /* U+FFFE, a non-character */
    ck_assert_ptr_nonnull(strstr(h.err_text, "<test>:6:10: error: unexpected character"));
    h_free(&h);
}
END_TEST

/* The engine holds every name to printable UTF-8, whoever defines it. */
START_TEST(test_graph_refuses_unprintable_names) {
    static const char *const bad[] = {"a\x1b",     "\x07", "b\r",      "\x7f",
                                      "c\xc2\x9b", "\xff", "\xc0\xaf", "x\xe2\x80\xae"};
    Graph g;
    graph_init_empty(&g);
    GraphError err;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        GraphMark m = graph_mark(&g);
        NodeId c = graph_add_const(&g, 1);
        ck_assert_int_ne(c, NODE_NONE);
        ck_assert_int_eq(graph_define(&g, bad[i], (int)strlen(bad[i]), c, m, &err), NODE_NONE);
        ck_assert_int_eq(err.status, GRAPH_NOT_A_NAME);
        ck_assert_int_eq(graph_count(&g), m.count); /* the statement's node is gone */
    }
    ck_assert_int_eq(g.name_count, 0);
    GraphMark m = graph_mark(&g);
    NodeId c = graph_add_const(&g, 1);
    ck_assert_int_ne(graph_define(&g, "사과", (int)strlen("사과"), c, m, &err), NODE_NONE);
    graph_free(&g);
}
END_TEST

/* --- line ends, byte-order marks and -e ----------------------------------------- */

/* An -e argument is a script of lines, numbered within it. */
START_TEST(test_text_is_lines) {
    Harness h;
    h_init(&h);
    const char *script = "a=1\nb=a*2\n:grad";
    ck_assert(session_run_text(&h.s, "<command line>", script, strlen(script), true));
    h_run(&h, "");
    ck_assert_str_eq(h.out_text, "a = 1\nb = 2\n∂b/∂a = 2\n");
    script = "# c\nx = 1";
    ck_assert(session_run_text(&h.s, "<command line>", script, strlen(script), true));
    h_run(&h, "");
    ck_assert_str_eq(h.out_text, "x = 1\n");
    script = "y = 1\nz = (y\nnever = 1";
    ck_assert(!session_run_text(&h.s, "<command line>", script, strlen(script), true));
    h_run(&h, "");
    ck_assert_str_eq(h.out_text, "y = 1\n");
    ck_assert_ptr_nonnull(strstr(h.err_text, "<command line>:2:7: error"));
    h_free(&h);
}
END_TEST

/* "\r\n" line ends reach neither statements nor commands. */
START_TEST(test_crlf) {
    Harness h;
    h_init(&h);
    char svg[512];
    snprintf(svg, sizeof svg, "a = 1\r\nb = a * 3\r\n:grad\r\n:render %s/crlf.svg\r\n:seed\r\n",
             tmpdir);
    ck_assert(session_run_text(&h.s, "<stdin>", svg, strlen(svg), false));
    h_run(&h, "");
    ck_assert_str_eq(h.err_text, "");
    ck_assert_ptr_nonnull(strstr(h.out_text, "∂b/∂a = 3\n"));
    ck_assert_ptr_nonnull(strstr(h.out_text, "crlf.svg (1 op, 3 links)"));
    ck_assert_ptr_nonnull(strstr(h.out_text, "seed = 1\n"));
    h_free(&h);
}
END_TEST

/* A file that starts with a byte-order mark and has "\r\n" line ends, run
 * as a script and :loaded. */
START_TEST(test_bom_file) {
    char path[512];
    snprintf(path, sizeof path, "%s/bom.bp", tmpdir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("\xef\xbb\xbf"
          "apple = 100\r\nprice = apple * 2\r\n:target price\r\n",
          f);
    fclose(f);
    Harness h;
    h_init(&h);
    ck_assert(session_run_file(&h.s, path, true));
    h_run(&h, ":grad");
    ck_assert_str_eq(h.out_text, "apple = 100\nprice = 200\ntarget: price\n∂price/∂apple = 2\n");
    char load[600];
    snprintf(load, sizeof load, ":clear\n:load %s\n:grad", path);
    ck_assert(h_run(&h, load));
    ck_assert_ptr_nonnull(strstr(h.out_text, "∂price/∂apple = 2\n"));
    ck_assert_str_eq(h.err_text, "");
    h_free(&h);
}
END_TEST

static Suite *escape_suite(void) {
    Suite *s = suite_create("escape");
    TCase *tc = tcase_create("utf8");
    tcase_add_loop_test(tc, test_utf8_escape, 0, sizeof escape_cases / sizeof escape_cases[0]);
    tcase_add_test(tc, test_json_checker);
    tcase_add_test(tc, test_caret_under_escapes);
    tcase_add_test(tc, test_caret_long_line);
    tcase_add_test(tc, test_name_characters);
    tcase_add_test(tc, test_graph_refuses_unprintable_names);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_set_timeout(tc, 60); /* a slow sanitizer build; no test depends on the time */
    int cases = (int)(sizeof contexts / sizeof contexts[0]);
    tcase_add_loop_test(tc, test_hostile_text, 0, cases);
    tcase_add_loop_test(tc, test_hostile_json, 0, cases);
    tcase_add_test(tc, test_hostile_figures);
    tcase_add_loop_test(tc, test_hostile_file_name, 0, sizeof hostile / sizeof hostile[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("lines");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_text_is_lines);
    tcase_add_test(tc, test_crlf);
    tcase_add_test(tc, test_bom_file);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(escape_suite)
