/* test_format.c - how numbers, names and error positions are written.
 *
 * Covers: fmt_number at fixed digits (float noise hidden: 220.00000000000003
 * -> "220" at 12 digits, shown at 17), nan/inf/-inf, -0, large and small
 * exponents, and FMT_ROUND_TRIP, which must write the shortest %g text that
 * strtod reads back as the identical double (checked against a reference on
 * many random doubles, and on subnormals); at 1..17 digits the same text
 * as printf's "%.*g" (random doubles and decimal ties); suggest_distance and suggest_hint
 * ("did you mean"); display_width (Korean is 2 columns per character);
 * write_padded; write_caret (the source line and a ^~~ line under an error);
 * and the JSON line writers.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "digits.h"
#include "graph/format.h"
#include "repl/output.h"
#include "repl/suggest.h"

/* --- fmt_number at fixed digits --------------------------------------------------- */

static const struct {
    double value;
    int digits;
    const char *text;
} number_cases[] = {
    /* float noise is hidden at the default 12 digits */
    {220.00000000000003, 12, "220"},
    {3.3000000000000003, 12, "3.3"},
    {0.1 + 0.2, 12, "0.3"},
    {100 * 2 * 1.1, 12, "220"},
    {2.2, 12, "2.2"},
    {1.0 / 3, 12, "0.333333333333"},
    {715.0000000000001, 12, "715"},
    /* and shown at 17 */
    {0.1 + 0.2, 17, "0.30000000000000004"},
    {220.00000000000003, 17, "220.00000000000003"},
    {0.1, 17, "0.10000000000000001"},
    /* fewer digits round */
    {3.7, 1, "4"},
    {1.0 / 3, 3, "0.333"},
    {123456, 3, "1.23e+05"},
    /* whole numbers and trailing zeros */
    {0, 12, "0"},
    {100, 12, "100"},
    {1.5, 12, "1.5"},
    {-42, 12, "-42"},
    {1e11, 12, "100000000000"},
    /* exponents */
    {1e12, 12, "1e+12"},
    {123456789012345.0, 12, "1.23456789012e+14"},
    {1e21, 12, "1e+21"},
    {1e-7, 12, "1e-07"},
    {0.0001, 12, "0.0001"},
    {1.7976931348623157e308, 12, "1.79769313486e+308"},
    {-2.2250738585072014e-308, 12, "-2.22507385851e-308"},
    /* not numbers */
    {NAN, 12, "nan"},
    {INFINITY, 12, "inf"},
    {-INFINITY, 12, "-inf"},
    {NAN, FMT_ROUND_TRIP, "nan"},
    {-INFINITY, FMT_ROUND_TRIP, "-inf"},
    /* -0 is "0" except at round-trip precision */
    {-0.0, 12, "0"},
    {-0.0, 17, "0"},
    {-0.0, 1, "0"},
    {-0.0, FMT_ROUND_TRIP, "-0"},
    /* digits outside 1..17 mean FMT_ROUND_TRIP */
    {0.1 + 0.2, 18, "0.30000000000000004"},
    {0.1 + 0.2, -1, "0.30000000000000004"},
    /* round trip: shortest exact text */
    {0.1, FMT_ROUND_TRIP, "0.1"},
    {0.1 + 0.2, FMT_ROUND_TRIP, "0.30000000000000004"},
    {220.00000000000003, FMT_ROUND_TRIP, "220.00000000000003"},
    {1.0 / 3, FMT_ROUND_TRIP, "0.3333333333333333"},
    {2.0 / 3, FMT_ROUND_TRIP, "0.6666666666666666"},
    {100, FMT_ROUND_TRIP, "100"},
    {1.1, FMT_ROUND_TRIP, "1.1"},
    {-1.3, FMT_ROUND_TRIP, "-1.3"},
    {1e23, FMT_ROUND_TRIP, "1e+23"},
    {9007199254740992.0, FMT_ROUND_TRIP, "9007199254740992"},
    {1.7976931348623157e308, FMT_ROUND_TRIP, "1.7976931348623157e+308"},
    {2.2250738585072014e-308, FMT_ROUND_TRIP, "2.2250738585072014e-308"},
    {0.000123, FMT_ROUND_TRIP, "0.000123"},
};

START_TEST(test_fmt_number) {
    char buf[FMT_NUMBER_SIZE];
    double v = number_cases[_i].value;
    int digits = number_cases[_i].digits;
    const char *got = fmt_number(buf, sizeof buf, v, digits);
    ck_assert_ptr_eq(got, buf);
    ck_assert_msg(strcmp(buf, number_cases[_i].text) == 0,
                  "%.17g at %d digits: \"%s\", expected \"%s\"", v, digits, buf,
                  number_cases[_i].text);
}
END_TEST

/* Subnormals have fewer significant bits, so their shortest text can be much
 * shorter than 15 digits. */
static const struct {
    double value;
    const char *text;
} subnormal_cases[] = {
    {5e-324, "5e-324"},
    {1e-310, "1e-310"},
    {-1e-320, "-1e-320"},
};

START_TEST(test_round_trip_subnormal_shortest) {
    char buf[FMT_NUMBER_SIZE];
    double v = subnormal_cases[_i].value;
    fmt_number(buf, sizeof buf, v, FMT_ROUND_TRIP);
    ck_assert_msg(strtod(buf, NULL) == v, "%.17g -> \"%s\" does not read back", v, buf);
    ck_assert_msg(strcmp(buf, subnormal_cases[_i].text) == 0,
                  "%.17g: \"%s\" is not the shortest exact text \"%s\"", v, buf,
                  subnormal_cases[_i].text);
}
END_TEST

/* --- FMT_ROUND_TRIP on random doubles ------------------------------------------------ */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t next_random(void) { /* xorshift64*: fixed seed, same run every time */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Du;
}

static bool same_double(double a, double b) {
    return memcmp(&a, &b, sizeof a) == 0;
}

/* The fewest significant digits with which %g text reads back exactly. */
static int shortest_digits(double v) {
    char buf[FMT_NUMBER_SIZE];
    for (int d = 1; d < 17; d++) {
        snprintf(buf, sizeof buf, "%.*g", d, v);
        if (same_double(strtod(buf, NULL), v)) return d;
    }
    return 17;
}

/* Reads back identically, with no more digits than needed. */
static void check_round_trip(double v) {
    char got[FMT_NUMBER_SIZE];
    fmt_number(got, sizeof got, v, FMT_ROUND_TRIP);
    /* ck_assert marks every passing check: test first, assert on failure only */
    if (!same_double(strtod(got, NULL), v))
        ck_abort_msg("%.17g -> \"%s\" reads back as %.17g", v, got, strtod(got, NULL));
    if (significant_digits(got) != shortest_digits(v))
        ck_abort_msg("%.17g -> \"%s\" has %d significant digits, %d suffice", v, got,
                     significant_digits(got), shortest_digits(v));
}

/* Any normal double: random sign, exponent and mantissa bits. */
START_TEST(test_round_trip_random_bits) {
    for (int i = 0; i < 60000; i++) {
        uint64_t bits = next_random();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v) || (v != 0 && fpclassify(v) == FP_SUBNORMAL)) continue;
        check_round_trip(v);
    }
}
END_TEST

/* Numbers people type: a few digits and a modest exponent (1.1, 0.003, 2.5e7). */
START_TEST(test_round_trip_random_decimals) {
    for (int i = 0; i < 30000; i++) {
        char text[64];
        long mantissa = (long)(next_random() % 1000000);
        int exponent = (int)(next_random() % 41) - 20;
        snprintf(text, sizeof text, "%s%lde%d", next_random() & 1 ? "-" : "", mantissa, exponent);
        check_round_trip(strtod(text, NULL));
    }
}
END_TEST

/* Results of arithmetic, where float noise lives (0.1 + 0.2). */
START_TEST(test_round_trip_random_sums) {
    for (int i = 0; i < 30000; i++) {
        double a = (double)(next_random() % 1000) / 10, b = (double)(next_random() % 1000) / 100;
        check_round_trip(a + b);
        check_round_trip(a * b);
        if (b != 0) check_round_trip(a / b);
    }
}
END_TEST

/* At 1..17 digits fmt_number prints what printf's "%.*g" prints (-0 as "0"). */
static void check_like_printf(double v) {
    for (int d = 1; d <= FMT_MAX_DIGITS; d++) {
        char got[FMT_NUMBER_SIZE], want[64];
        fmt_number(got, sizeof got, v, d);
        snprintf(want, sizeof want, "%.*g", d, v == 0 ? 0.0 : v);
        if (strcmp(got, want) != 0)
            ck_abort_msg("%.17g at %d digits: \"%s\", printf gives \"%s\"", v, d, got, want);
    }
}

START_TEST(test_digits_like_printf_random) {
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = next_random();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v)) check_like_printf(v);
        /* numbers people type, and results of arithmetic on them */
        double a = (double)(next_random() % 100000) / 100, b = (double)(next_random() % 1000) / 10;
        check_like_printf(a);
        check_like_printf(a * b);
        check_like_printf(a / (b + 1));
        check_like_printf(-a * 1e-5);
        check_like_printf(a * 1e9 + b);
    }
}
END_TEST

/* Exact ties and near-ties in decimal: where fast paths go wrong. */
START_TEST(test_digits_like_printf_ties) {
    const double values[] = {0.5,
                             1.5,
                             2.5,
                             0.125,
                             0.375,
                             1.0000005,
                             2.675,
                             1.005,
                             0.045,
                             1234.5,
                             12345678.5,
                             9.5,
                             99.5,
                             999999.5,
                             0.95,
                             9.9999995,
                             0.99999999999995,
                             1e-7,
                             9.999999999999e-8,
                             1e15,
                             999999999999999.0,
                             123456789012345.6,
                             4503599627370495.5,
                             0.1,
                             0.2,
                             0.3,
                             1.1,
                             2.2,
                             220.00000000000003,
                             3.3000000000000003,
                             715.0000000000001};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        check_like_printf(values[i]);
        check_like_printf(-values[i]);
        check_like_printf(nextafter(values[i], 0));
        check_like_printf(nextafter(values[i], 1e300));
    }
}
END_TEST

/* Subnormals must at least read back identically. */
START_TEST(test_round_trip_random_subnormals) {
    for (int i = 0; i < 20000; i++) {
        uint64_t bits = next_random() & 0x800FFFFFFFFFFFFFu; /* exponent field 0 */
        double v;
        memcpy(&v, &bits, sizeof v);
        char got[FMT_NUMBER_SIZE];
        fmt_number(got, sizeof got, v, FMT_ROUND_TRIP);
        if (!same_double(strtod(got, NULL), v))
            ck_abort_msg("%.17g -> \"%s\" reads back as %.17g", v, got, strtod(got, NULL));
    }
}
END_TEST

/* The longest outputs fit in FMT_NUMBER_SIZE. */
START_TEST(test_longest_fits) {
    const double values[] = {-2.2250738585072014e-308, -1.7976931348623157e308,
                             -4.9406564584124654e-324, -0.30000000000000004,
                             -1.2345678901234567e-100};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        for (int d = 0; d <= FMT_MAX_DIGITS; d++) {
            char buf[FMT_NUMBER_SIZE + 8];
            memset(buf, 'Z', sizeof buf);
            fmt_number(buf, FMT_NUMBER_SIZE, values[i], d);
            ck_assert(strlen(buf) < FMT_NUMBER_SIZE);
            ck_assert_int_eq(buf[FMT_NUMBER_SIZE], 'Z');
        }
    }
}
END_TEST

/* --- suggestions ---------------------------------------------------------------------- */

static const struct {
    const char *a, *b;
    int limit, distance;
} distance_cases[] = {
    {"apple", "apple", 3, 0},    {"aple", "apple", 3, 1}, /* deletion */
    {"applle", "apple", 3, 1},                            /* insertion */
    {"appke", "apple", 3, 1},                             /* substitution */
    {"appel", "apple", 3, 1},                             /* adjacent swap */
    {"kitten", "sitting", 5, 3}, {"", "abc", 5, 3},       {"abc", "", 5, 3},  {"", "", 1, 0},
    {"abc", "xyz", 1, 2},  /* more than limit: limit + 1 */
    {"a", "abcdef", 2, 3}, /* lengths alone exceed the limit */
    {"tax", "tex", 1, 1},        {"사과", "사과", 1, 0},  {"ab", "ba", 1, 1},
};

START_TEST(test_suggest_distance) {
    const char *a = distance_cases[_i].a, *b = distance_cases[_i].b;
    int d = suggest_distance(a, (int)strlen(a), b, (int)strlen(b), distance_cases[_i].limit);
    ck_assert_msg(d == distance_cases[_i].distance,
                  "distance(\"%s\", \"%s\", limit %d) = %d, expected %d", a, b,
                  distance_cases[_i].limit, d, distance_cases[_i].distance);
}
END_TEST

START_TEST(test_suggest_distance_long) {
    char a[80], b[80];
    memset(a, 'x', 70);
    memcpy(b, a, 70);
    a[70] = b[70] = '\0';
    ck_assert_int_eq(suggest_distance(a, 70, b, 70, 3), 4); /* over 64 bytes: too far */
    ck_assert_int_eq(suggest_distance(a, 64, b, 64, 3), 0);
}
END_TEST

static void define(Graph *g, const char *name, double v) {
    GraphError err;
    GraphMark m = graph_mark(g);
    ck_assert(graph_define(g, name, (int)strlen(name), graph_add_const(g, v), m, &err) !=
              NODE_NONE);
}

START_TEST(test_suggest_hint) {
    Graph g;
    graph_init_empty(&g);
    define(&g, "apple", 100);
    define(&g, "tax", 1.1);
    define(&g, "apple_price", 200);
    char hint[128];
    suggest_hint(&g, "aple", 4, false, hint, sizeof hint);
    ck_assert_str_eq(hint, "; did you mean 'apple'?");
    suggest_hint(&g, "tx", 2, false, hint, sizeof hint);
    ck_assert_str_eq(hint, "; did you mean 'tax'?");
    suggest_hint(&g, "apple_prize", 11, false, hint, sizeof hint);
    ck_assert_str_eq(hint, "; did you mean 'apple_price'?");
    suggest_hint(&g, "banana", 6, false, hint, sizeof hint);
    ck_assert_str_eq(hint, "");
    suggest_hint(&g, "exq", 3, true, hint, sizeof hint);
    ck_assert_str_eq(hint, "; did you mean 'exp'?");
    suggest_hint(&g, "sigmod", 6, true, hint, sizeof hint);
    ck_assert_str_eq(hint, "; did you mean 'sigmoid'?");
    suggest_hint(&g, "apple", 5, true, hint, sizeof hint); /* functions only */
    ck_assert_str_eq(hint, "");
    /* a deleted name is not suggested */
    GraphError err;
    ck_assert(graph_delete(&g, "tax", 3, &err));
    suggest_hint(&g, "tx", 2, false, hint, sizeof hint);
    ck_assert_str_eq(hint, "");
    graph_free(&g);
}
END_TEST

/* --- terminal widths ---------------------------------------------------------------------- */

static const struct {
    const char *text;
    int width;
} width_cases[] = {
    {"", 0},         {"apple", 5},     {"사과", 4}, /* Hangul: 2 columns each */
    {"사과 = x", 8}, {"α", 1},         {"∂price/∂x", 9},
    {"×÷−", 3},      {"e\xcc\x81", 1}, /* e + combining acute */
    {"ＡＢ", 4},                       /* fullwidth */
    {"漢字", 4},     {"\xff", 1},      /* an invalid byte: one column */
};

START_TEST(test_display_width) {
    const char *t = width_cases[_i].text;
    int w = display_width(t, strlen(t));
    ck_assert_msg(w == width_cases[_i].width, "width of \"%s\" = %d, expected %d", t, w,
                  width_cases[_i].width);
}
END_TEST

START_TEST(test_write_padded) {
    StrBuf sb;
    sb_init(&sb);
    write_padded(&sb, "사과", 6);
    sb_puts(&sb, "|");
    write_padded(&sb, "apple", 6);
    sb_puts(&sb, "|");
    write_padded(&sb, "too_long_name", 4);
    sb_puts(&sb, "|");
    ck_assert_str_eq(sb.data, "사과  |apple |too_long_name|");
    sb_free(&sb);
}
END_TEST

static const struct {
    const char *text;
    int offset, length;
    const char *out;
} caret_cases[] = {
    {"price = aple * 2", 8, 4, "    price = aple * 2\n            ^~~~\n"},
    {"1 +", 3, 1, "    1 +\n       ^\n"},
    {"x", 0, 1, "    x\n    ^\n"},
    {"x", 0, 0, "    x\n    ^\n"},                                       /* at least a caret */
    {"사과 = aple", 9, 4, "    사과 = aple\n           ^~~~\n"},         /* 사과 is 4 columns */
    {"x = 사과", 4, 6, "    x = 사과\n        ^~~~\n"},                  /* 2 chars, 4 columns */
    {"\tx = @", 5, 1, "    \tx = @\n    \t    ^\n"},                     /* tabs kept */
    {"x = y\r", 4, 1, "    x = y\\x0d\n        ^\n"},                    /* lines.c drops it */
    {"x = \x1b[2J + y", 4, 1, "    x = \\x1b[2J + y\n        ^~~~\n"},   /* under all of \x1b */
    {"a\x07\xff = ?", 6, 1, "    a\\x07\\xff = ?\n                ^\n"}, /* after two escapes */
    {"x = (1+", 7, 1, "    x = (1+\n           ^\n"},                    /* at the end */
    {"abc", 10, 1, "    abc\n       ^\n"},                               /* clamped */
    {"a ∂ b", 2, 3, "    a ∂ b\n      ^\n"},
};

START_TEST(test_write_caret_text) {
    StrBuf sb;
    sb_init(&sb);
    const char *t = caret_cases[_i].text;
    write_caret(&sb, t, strlen(t), caret_cases[_i].offset, caret_cases[_i].length);
    ck_assert_msg(strcmp(sb.data, caret_cases[_i].out) == 0,
                  "caret under \"%s\" at %d+%d:\n%s\nexpected:\n%s", t, caret_cases[_i].offset,
                  caret_cases[_i].length, sb.data, caret_cases[_i].out);
    sb_free(&sb);
}
END_TEST

/* --- JSON lines ------------------------------------------------------------------------------ */

static char *json_line(void (*write)(FILE *)) {
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    ck_assert_ptr_nonnull(f);
    write(f);
    fclose(f);
    return buf;
}

static void write_grad(FILE *f) {
    json_begin(f, "grad");
    json_str(f, "of", "price");
    json_str(f, "wrt", "사과");
    json_num(f, "value", 2.2);
    json_end(f);
}

static void write_mixed(FILE *f) {
    json_begin(f, "node");
    json_int(f, "id", -3);
    json_int_array(f, "inputs", (const int[]){0, 12}, 2);
    json_int_array(f, "none", NULL, 0);
    json_bool(f, "ok", true);
    json_bool(f, "bad", false);
    json_str(f, "name", NULL);
    json_end(f);
}

static void write_specials(FILE *f) {
    json_begin(f, "value");
    json_num(f, "a", NAN);
    json_num(f, "b", INFINITY);
    json_num(f, "c", -INFINITY);
    json_num(f, "d", 0.1 + 0.2);
    json_num(f, "e", 220);
    json_num(f, "f", 1e300);
    json_end(f);
}

static void write_escapes(FILE *f) {
    const char s[] = "q\"b\\n\nt\tc\x01\x7f";
    json_write_string(f, s, sizeof s - 1);
}

START_TEST(test_json_lines) {
    char *s = json_line(write_grad);
    ck_assert_str_eq(s, "{\"kind\":\"grad\",\"of\":\"price\",\"wrt\":\"사과\",\"value\":2.2}\n");
    free(s);
    s = json_line(write_mixed);
    ck_assert_str_eq(s, "{\"kind\":\"node\",\"id\":-3,\"inputs\":[0,12],\"none\":[],\"ok\":true,"
                        "\"bad\":false,\"name\":null}\n");
    free(s);
    s = json_line(write_specials);
    ck_assert_str_eq(s, "{\"kind\":\"value\",\"a\":\"nan\",\"b\":\"inf\",\"c\":\"-inf\","
                        "\"d\":0.30000000000000004,\"e\":220,\"f\":1e+300}\n");
    free(s);
    s = json_line(write_escapes);
    ck_assert_str_eq(s, "\"q\\\"b\\\\n\\nt\\tc\\u0001\\u007f\"");
    free(s);
}
END_TEST

static Suite *format_suite(void) {
    Suite *s = suite_create("format");
    TCase *tc = tcase_create("fmt_number");
    tcase_add_loop_test(tc, test_fmt_number, 0, sizeof number_cases / sizeof number_cases[0]);
    tcase_add_loop_test(tc, test_round_trip_subnormal_shortest, 0,
                        sizeof subnormal_cases / sizeof subnormal_cases[0]);
    tcase_add_test(tc, test_longest_fits);
    suite_add_tcase(s, tc);

    tc = tcase_create("round_trip_random");
    tcase_add_test(tc, test_round_trip_random_bits);
    tcase_add_test(tc, test_round_trip_random_decimals);
    tcase_add_test(tc, test_round_trip_random_sums);
    tcase_add_test(tc, test_round_trip_random_subnormals);
    tcase_add_test(tc, test_digits_like_printf_random);
    tcase_add_test(tc, test_digits_like_printf_ties);
    suite_add_tcase(s, tc);

    tc = tcase_create("suggest");
    tcase_add_loop_test(tc, test_suggest_distance, 0,
                        sizeof distance_cases / sizeof distance_cases[0]);
    tcase_add_test(tc, test_suggest_distance_long);
    tcase_add_test(tc, test_suggest_hint);
    suite_add_tcase(s, tc);

    tc = tcase_create("output");
    tcase_add_loop_test(tc, test_display_width, 0, sizeof width_cases / sizeof width_cases[0]);
    tcase_add_test(tc, test_write_padded);
    tcase_add_loop_test(tc, test_write_caret_text, 0, sizeof caret_cases / sizeof caret_cases[0]);
    tcase_add_test(tc, test_json_lines);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(format_suite)
