/* test_parser.c - the Pratt parser, table-driven.
 *
 * Each statement is parsed straight into a Graph that already defines a few
 * names (x, y, a, b, c, apple, tax, price = apple * 2, 사과, α). A test-only
 * printer writes the nodes the parser built as an S-expression: constants
 * as numbers, named nodes by name, everything else as (op input...), e.g.
 * "1+2*3" -> "(add 1 (mul 2 3))". Named statements print as "name = tree".
 *
 * Covers: precedence and associativity (** is right-associative, binds
 * tighter than unary minus), negative literals folding into constants,
 * numbers read exactly as strtod reads them (random and edge cases),
 * Unicode operators, function calls, several statements on a line,
 * parser_expression, and the error table (position and message of each
 * error, "did you mean", arity, nesting limits without crashing, numbers out
 * of range). Every failing parse must leave graph_count() unchanged.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "graph/format.h"
#include "graph/ops.h"
#include "repl/construct.h"
#include "repl/parser.h"

/* --- fixture ------------------------------------------------------------------ */

static Graph g;

/* Defines `name = value` (a leaf) the way a session would. */
static NodeId define_leaf(const char *name, double value) {
    GraphError err;
    GraphMark m = graph_mark(&g);
    NodeId c = graph_add_const(&g, value);
    NodeId id = graph_define(&g, name, (int)strlen(name), c, m, &err);
    ck_assert_msg(id != NODE_NONE, "defining %s: %s", name, err.message);
    return id;
}

static void setup(void) {
    graph_init_empty(&g);
    define_leaf("x", 3);
    define_leaf("y", 4);
    define_leaf("a", 10);
    define_leaf("b", 5);
    define_leaf("c", 2);
    define_leaf("apple", 100);
    define_leaf("tax", 1.1);
    define_leaf("사과", 7);
    define_leaf("α", 0.5);
    /* price = apple * 2: a named derived node */
    GraphError err;
    GraphMark m = graph_mark(&g);
    NodeId in[BP_MAX_INPUTS] = {graph_lookup(&g, "apple", 5), graph_add_const(&g, 2), NODE_NONE};
    NodeId root = graph_add_op(&g, OP_MUL, in, 0, &(GraphError){0});
    ck_assert(graph_define(&g, "price", 5, root, m, &err) != NODE_NONE);
}

static void teardown(void) {
    graph_free(&g);
}

/* --- the S-expression printer (test only) ---------------------------------------- */

static void sexpr(NodeId id, bool top, char *out, size_t size) {
    size_t used = strlen(out);
    const char *name = graph_name_of(&g, id);
    const Node *n = graph_node(&g, id);
    if (name && !top) {
        snprintf(out + used, size - used, "%s", name);
        return;
    }
    if (n->op == OP_CONST || n->op == OP_LEAF) {
        char num[FMT_NUMBER_SIZE];
        snprintf(out + used, size - used, "%s",
                 fmt_number(num, sizeof num, graph_scalar(&g, id), FMT_ROUND_TRIP));
        return;
    }
    const OpInfo *info = op_info((Op)n->op);
    snprintf(out + used, size - used, "(%s", info->name);
    for (int k = 0; k < info->arity; k++) {
        used = strlen(out);
        snprintf(out + used, size - used, " ");
        sexpr(n->in[k], false, out, size);
    }
    used = strlen(out);
    snprintf(out + used, size - used, ")");
}

/* The tree of a parsed statement: "name = tree" or "tree". The root prints
 * by name only if it was already named (a bare `price`). */
static void statement_text(const Statement *st, char *out, size_t size) {
    out[0] = '\0';
    if (st->name) snprintf(out, size, "%.*s = ", st->name_len, st->name);
    sexpr(st->root, false, out, size);
}

/* Parses one statement from `text`; on success writes its tree into out. */
static bool parse_one(const char *text, Parser *p, Statement *st, char *out, size_t size) {
    parser_init(p, &g, text, strlen(text), 0, 1);
    if (!parser_statement(p, st)) return false;
    statement_text(st, out, size);
    return true;
}

/* --- trees ----------------------------------------------------------------------- */

static const struct {
    const char *input;
    const char *tree;
} tree_cases[] = {
    /* precedence and associativity */
    {"1+2*3", "(add 1 (mul 2 3))"},
    {"1*2+3", "(add (mul 1 2) 3)"},
    {"(1+2)*3", "(mul (add 1 2) 3)"},
    {"a-b-c", "(sub (sub a b) c)"},
    {"a-(b-c)", "(sub a (sub b c))"},
    {"a/b/c", "(div (div a b) c)"},
    {"a/b*c", "(mul (div a b) c)"},
    {"a+b-c", "(sub (add a b) c)"},
    {"2**3**2", "(pow 2 (pow 3 2))"},
    {"2^3^2", "(pow 2 (pow 3 2))"},
    {"2^3**2", "(pow 2 (pow 3 2))"},
    {"(2**3)**2", "(pow (pow 2 3) 2)"},
    {"2*x**2", "(mul 2 (pow x 2))"},
    {"x**2*2", "(mul (pow x 2) 2)"},
    {"(x+y)**2", "(pow (add x y) 2)"},
    {"x^2", "(pow x 2)"},
    /* unary minus and negative literals */
    {"-3", "-3"},
    {"-1.5", "-1.5"},
    {"-x", "(neg x)"},
    {"-2**2", "(neg (pow 2 2))"},
    {"-x**2", "(neg (pow x 2))"},
    {"2**-1", "(pow 2 -1)"},
    {"x**-y", "(pow x (neg y))"},
    {"2**-3**2", "(pow 2 (neg (pow 3 2)))"},
    {"(-2)**2", "(pow -2 2)"},
    {"-(3)", "(neg 3)"},
    {"--x", "(neg (neg x))"},
    {"- -3", "(neg -3)"},
    {"x*-2", "(mul x -2)"},
    {"x - -2", "(sub x -2)"},
    {"-3*x", "(mul -3 x)"},
    {"+x", "x"},
    {"+3", "3"},
    /* Unicode operators */
    {"x × y ÷ 2 − 1", "(sub (div (mul x y) 2) 1)"},
    {"a·b", "(mul a b)"},
    {"−x", "(neg x)"},
    {"−2", "-2"},
    /* calls */
    {"exp(x)", "(exp x)"},
    {"sigmoid(-x)", "(sigmoid (neg x))"},
    {"log(sqrt(x))", "(log (sqrt x))"},
    {"relu(x)+tanh(y)", "(add (relu x) (tanh y))"},
    {"sin(x)*cos(y)", "(mul (sin x) (cos y))"},
    {"exp(x+1)**2", "(pow (exp (add x 1)) 2)"},
    {"-exp(x)", "(neg (exp x))"},
    {"exp(-1)", "(exp -1)"},
    /* names and numbers */
    {"x", "x"},
    {"price", "price"},
    {"price*tax", "(mul price tax)"},
    {"apple*2*tax", "(mul (mul apple 2) tax)"},
    {"사과 * 2", "(mul 사과 2)"},
    {"α**2", "(pow α 2)"},
    {"1.5e3", "1500"},
    {".5", "0.5"},
    {"2e-3", "0.002"},
    {"((x))", "x"},
    {"  x  ", "x"},
    {"x # a comment", "x"},
    {"x;", "x"},
    /* definitions */
    {"z = y + 1", "z = (add y 1)"},
    {"x = x * 2", "x = (mul x 2)"},
    {"q = 3", "q = 3"},
    {"n = -2", "n = -2"},
    {"사과 = 사과 × 2", "사과 = (mul 사과 2)"},
    {"price = apple*2*tax", "price = (mul (mul apple 2) tax)"},
    {"y2 = -(x+y)**2/2 - 1", "y2 = (sub (div (neg (pow (add x y) 2)) 2) 1)"},
};

START_TEST(test_tree) {
    Parser p;
    Statement st;
    char got[512];
    const char *in = tree_cases[_i].input;
    bool ok = parse_one(in, &p, &st, got, sizeof got);
    ck_assert_msg(ok, "\"%s\" failed to parse: %d:%d %s", in, p.error.pos.line, p.error.pos.col,
                  p.error.message);
    ck_assert_msg(strcmp(got, tree_cases[_i].tree) == 0, "\"%s\"\n  expected %s\n  got      %s", in,
                  tree_cases[_i].tree, got);
}
END_TEST

/* The values of the built nodes are computed as they are added. */
static const struct {
    const char *input;
    double value;
} value_cases[] = {
    {"1+2*3", 7},         {"2**3**2", 512}, {"-2**2", -4}, {"(-2)**2", 4},
    {"2**-1", 0.5},       {"a-b-c", 3},     {"a/b/c", 1},  {"x*x + y*y", 25},
    {"price * 1.5", 300}, {"-x", -3},       {"exp(0)", 1}, {"relu(-x)", 0},
};

START_TEST(test_value) {
    Parser p;
    Statement st;
    char tree[512];
    const char *in = value_cases[_i].input;
    ck_assert_msg(parse_one(in, &p, &st, tree, sizeof tree), "\"%s\": %s", in, p.error.message);
    ck_assert_msg(graph_scalar(&g, st.root) == value_cases[_i].value,
                  "\"%s\" = %.17g, expected %.17g", in, graph_scalar(&g, st.root),
                  value_cases[_i].value);
}
END_TEST

/* Numbers read exactly as strtod reads them, whatever their form. */
START_TEST(test_numbers_like_strtod) {
    uint64_t state = 0x2545F4914F6CDD1Du;
    for (int i = 0; i < 50000; i++) {
        char text[80];
        int len = 0;
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        uint64_t r = state;
        int ndigits = 1 + (int)(r % 20), point = (int)((r >> 8) % 24);
        for (int k = 0; k < ndigits; k++) {
            if (k == point) text[len++] = '.';
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            text[len++] = (char)('0' + state % 10);
        }
        if ((r >> 16) % 3 == 0)
            len += snprintf(text + len, sizeof text - (size_t)len, "e%s%d",
                            (r >> 20) & 1 ? "-" : "", (int)((r >> 24) % 40));
        text[len] = '\0';
        double want = strtod(text, NULL);
        if (want > 1.7e308) continue;
        Parser p;
        Statement st;
        parser_init(&p, &g, text, (size_t)len, 0, 1);
        if (!parser_expression(&p, &st)) ck_abort_msg("\"%s\": %s", text, p.error.message);
        double got = graph_scalar(&g, st.root);
        if (memcmp(&got, &want, sizeof got) != 0)
            ck_abort_msg("\"%s\" read as %.17g, strtod: %.17g", text, got, want);
        graph_rollback(&g, st.mark);
    }
}
END_TEST

static const char *const exact_numbers[] = {
    "0.1",
    "0.3",
    "1.1",
    "2.2",
    "100",
    "1e22",
    "1e23",
    "9007199254740993",
    "123456789012345678",
    "0.000000000000000000000000001",
    "4.9406564584124654e-324",
    "2.2250738585072011e-308",
    "1.7976931348623157e308",
    "000.5000",
    "5e-1",
    "1E+5",
    ".5e1",
    "0e999",
    "3.14159265358979323846",
};

START_TEST(test_exact_numbers) {
    const char *text = exact_numbers[_i];
    double want = strtod(text, NULL), got;
    Parser p;
    Statement st;
    parser_init(&p, &g, text, strlen(text), 0, 1);
    ck_assert_msg(parser_expression(&p, &st), "\"%s\": %s", text, p.error.message);
    got = graph_scalar(&g, st.root);
    ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "\"%s\" read as %.17g, strtod: %.17g", text,
                  got, want);
}
END_TEST

/* --- errors ---------------------------------------------------------------------- */

static const struct {
    const char *input;
    int col;
    const char *message; /* substring of the message */
    const char *also;    /* another substring, or NULL */
    const char *absent;  /* must not appear, or NULL */
} error_cases[] = {
    {"x = (1+", 8, "expected an expression", NULL, NULL},
    {"1 +", 4, "expected an expression", NULL, NULL},
    {"x = ", 5, "expected an expression", NULL, NULL},
    {")", 1, "expected an expression, found ')'", NULL, NULL},
    {"* 2", 1, "expected an expression, found '*'", NULL, NULL},
    {"2 3", 3, "unexpected a number after the expression", NULL, NULL},
    {"x y", 3, "after the expression", NULL, NULL},
    {"1 = x", 3, "only a name can be assigned to", NULL, NULL},
    {"x + 1 = 2", 7, "only a name can be assigned to", NULL, NULL},
    {"(1+2", 5, "expected ')' to close the '(' at column 1", NULL, NULL},
    {"x*(1+(2)", 9, "expected ')' to close the '(' at column 3", NULL, NULL},
    {"exp(1", 6, "expected ')' to close the '(' at column 4", NULL, NULL},
    {"foo(1)", 1, "unknown function 'foo'", "known: exp, log", NULL},
    {"foo(1)", 1, "sigmoid", "relu", "did you mean"},
    {"sigmod(x)", 1, "unknown function 'sigmod'; did you mean 'sigmoid'?", NULL, NULL},
    {"exp(1,2)", 7, "exp takes 1 argument, got 2", NULL, NULL},
    {"exp()", 1, "exp takes 1 argument, got 0", NULL, NULL},
    {"y = 2 * sin(1, 2, 3, 4)", 16, "sin takes 1 argument, got 4", NULL, NULL},
    {"aple*2", 1, "undefined name 'aple'; did you mean 'apple'?", NULL, NULL},
    {"price = aple * 2", 9, "undefined name 'aple'; did you mean 'apple'?", NULL, NULL},
    {"zzzzzz", 1, "undefined name 'zzzzzz'", NULL, "did you mean"},
    {"exp + 1", 1, "'exp' is a function: call it as exp(x)", NULL, NULL},
    {"exp = 3", 1, "'exp' is a function name and cannot be assigned", NULL, NULL},
    {"1e999", 1, "number too large", NULL, NULL},
    {"x = -1e999", 6, "number too large", NULL, NULL},
    {"x = 2x", 5, "a number runs into a name", NULL, NULL},
    {"1e+", 1, "exponent has no digits", NULL, NULL},
    {"1 + $", 5, "unexpected character", NULL, NULL},
    {"사과 + 2x", 6, "a number runs into a name", NULL, NULL},
    {"사과 + ∂", 6, "unexpected character", NULL, NULL},
    {"x = \xff", 5, "invalid UTF-8", NULL, NULL},
};

static void check_error(const char *in, int col, const char *message, const char *also,
                        const char *absent) {
    int32_t before = graph_count(&g);
    Parser p;
    Statement st;
    char tree[512];
    bool ok = parse_one(in, &p, &st, tree, sizeof tree);
    ck_assert_msg(!ok, "\"%.40s\" parsed as %s, expected an error", in, tree);
    ck_assert_msg(p.failed, "\"%.40s\": p.failed not set", in);
    ck_assert_msg(p.error.pos.line == 1, "\"%.40s\": error line %d", in, p.error.pos.line);
    ck_assert_msg(p.error.pos.col == col, "\"%.40s\": error at col %d, expected %d (%s)", in,
                  p.error.pos.col, col, p.error.message);
    ck_assert_msg(strstr(p.error.message, message), "\"%.40s\": message \"%s\" lacks \"%s\"", in,
                  p.error.message, message);
    if (also)
        ck_assert_msg(strstr(p.error.message, also), "\"%.40s\": message \"%s\" lacks \"%s\"", in,
                      p.error.message, also);
    if (absent)
        ck_assert_msg(!strstr(p.error.message, absent), "\"%.40s\": message \"%s\" has \"%s\"", in,
                      p.error.message, absent);
    ck_assert_msg(graph_count(&g) == before, "\"%.40s\": graph grew from %d to %d nodes", in,
                  before, graph_count(&g));
}

START_TEST(test_error) {
    check_error(error_cases[_i].input, error_cases[_i].col, error_cases[_i].message,
                error_cases[_i].also, error_cases[_i].absent);
}
END_TEST

/* The error points at the offending token: offset and length in bytes. */
START_TEST(test_error_span) {
    Parser p;
    Statement st;
    char tree[64];
    ck_assert(!parse_one("사과 * aple", &p, &st, tree, sizeof tree));
    ck_assert_int_eq(p.error.pos.col, 6);
    ck_assert_int_eq(p.error.pos.offset, (int)strlen("사과 * "));
    ck_assert_int_eq(p.error.pos.length, 4);
    ck_assert(!parse_one("1 +", &p, &st, tree, sizeof tree));
    ck_assert_int_eq(p.error.pos.offset, 3);
    ck_assert_int_eq(p.error.pos.length, 1); /* at least 1 for a caret */
}
END_TEST

/* --- nesting limits: an error, never a crash --------------------------------------- */

static char *repeat(const char *prefix, int n, const char *middle, const char *suffix, int m) {
    size_t lp = strlen(prefix), ls = strlen(suffix), lm = strlen(middle);
    char *s = malloc(lp * (size_t)n + lm + ls * (size_t)m + 1);
    ck_assert_ptr_nonnull(s);
    char *w = s;
    for (int i = 0; i < n; i++, w += lp)
        memcpy(w, prefix, lp);
    memcpy(w, middle, lm);
    w += lm;
    for (int i = 0; i < m; i++, w += ls)
        memcpy(w, suffix, ls);
    *w = '\0';
    return s;
}

START_TEST(test_deep_parens_are_refused) {
    char *in = repeat("(", 300, "1", ")", 300);
    check_error(in, PARSER_MAX_DEPTH + 1, "nested too deeply", NULL, NULL);
    free(in);
}
END_TEST

START_TEST(test_many_parens_no_crash) {
    char *in = repeat("(", 100000, "", "", 0);
    check_error(in, PARSER_MAX_DEPTH + 1, "nested too deeply", NULL, NULL);
    free(in);
}
END_TEST

START_TEST(test_many_minuses_no_crash) {
    char *in = repeat("-", 100000, "1", "", 0);
    check_error(in, PARSER_MAX_DEPTH + 1, "nested too deeply", NULL, NULL);
    free(in);
}
END_TEST

START_TEST(test_many_powers_no_crash) {
    char *in = repeat("2**", 100000, "1", "", 0);
    int32_t before = graph_count(&g);
    Parser p;
    Statement st;
    parser_init(&p, &g, in, strlen(in), 0, 1);
    ck_assert(!parser_statement(&p, &st));
    ck_assert(strstr(p.error.message, "nested too deeply"));
    ck_assert_int_eq(graph_count(&g), before);
    free(in);
}
END_TEST

START_TEST(test_moderate_nesting_works) {
    char *in = repeat("(", 200, "x", "+1)", 200);
    Parser p;
    Statement st;
    parser_init(&p, &g, in, strlen(in), 0, 1);
    ck_assert_msg(parser_statement(&p, &st), "%s", p.error.message);
    ck_assert(graph_scalar(&g, st.root) == 203);
    free(in);
}
END_TEST

/* A long flat expression is not deep: no limit applies. */
START_TEST(test_long_flat_expression) {
    char *in = repeat("1+", 100000, "1", "", 0);
    Parser p;
    Statement st;
    parser_init(&p, &g, in, strlen(in), 0, 1);
    ck_assert_msg(parser_statement(&p, &st), "%s", p.error.message);
    ck_assert(graph_scalar(&g, st.root) == 100001);
    free(in);
}
END_TEST

/* --- statements on one line ------------------------------------------------------- */

START_TEST(test_several_statements) {
    const char *in = "p = 1; q = x + 2 ;; r = y";
    const char *expected[] = {"p = 1", "q = (add x 2)", "r = y"};
    Parser p;
    parser_init(&p, &g, in, strlen(in), 0, 1);
    for (int i = 0; i < 3; i++) {
        Statement st;
        ck_assert_msg(parser_statement(&p, &st), "statement %d: %s", i, p.error.message);
        char got[128];
        statement_text(&st, got, sizeof got);
        ck_assert_str_eq(got, expected[i]);
    }
    Statement st;
    ck_assert(!parser_statement(&p, &st));
    ck_assert(!p.failed); /* the end, not an error */
}
END_TEST

START_TEST(test_statement_name_position) {
    const char *in = "x = 1;  사과 = 2";
    Parser p;
    Statement st;
    parser_init(&p, &g, in, strlen(in), 0, 3);
    ck_assert(parser_statement(&p, &st));
    ck_assert_int_eq(st.name_pos.col, 1);
    ck_assert(parser_statement(&p, &st));
    ck_assert_int_eq(st.name_len, (int)strlen("사과"));
    ck_assert_int_eq(memcmp(st.name, "사과", strlen("사과")), 0);
    ck_assert_int_eq(st.name_pos.line, 3);
    ck_assert_int_eq(st.name_pos.col, 9);
    ck_assert_int_eq(st.name_pos.offset, 8);
}
END_TEST

/* The parser stops after each ';' so the caller can run a command there. */
START_TEST(test_offset_after_statement) {
    const char *in = "x = 1; :grad";
    Parser p;
    Statement st;
    parser_init(&p, &g, in, strlen(in), 0, 1);
    ck_assert(parser_statement(&p, &st));
    ck_assert_int_eq((int)parser_offset(&p), 7);
    ck_assert_int_eq(in[parser_offset(&p)], ':');
}
END_TEST

START_TEST(test_start_at_offset) {
    const char *in = "ignored @@@; x * 2";
    Parser p;
    Statement st;
    parser_init(&p, &g, in, strlen(in), 13, 1);
    ck_assert(parser_statement(&p, &st));
    char got[64];
    statement_text(&st, got, sizeof got);
    ck_assert_str_eq(got, "(mul x 2)");
}
END_TEST

/* Only the failing statement rolls back; those before it stay parsed. */
START_TEST(test_rollback_is_per_statement) {
    const char *in = "1 + 2; (3 * ";
    Parser p;
    Statement st;
    parser_init(&p, &g, in, strlen(in), 0, 1);
    int32_t before = graph_count(&g);
    ck_assert(parser_statement(&p, &st));
    int32_t after_first = graph_count(&g);
    ck_assert_int_eq(after_first, before + 3);
    ck_assert(!parser_statement(&p, &st));
    ck_assert(p.failed);
    ck_assert_int_eq(p.error.pos.col, 13);
    ck_assert_int_eq(graph_count(&g), after_first);
}
END_TEST

/* --- parser_expression (command arguments) ------------------------------------------ */

START_TEST(test_expression_argument) {
    const char *in = ":seed -1.3";
    Parser p;
    Statement st;
    parser_init(&p, &g, in, strlen(in), 5, 1);
    ck_assert(parser_expression(&p, &st));
    ck_assert_ptr_null(st.name);
    ck_assert(graph_scalar(&g, st.root) == -1.3);
}
END_TEST

static const struct {
    const char *input;
    int col;
    const char *message;
} expression_errors[] = {
    {"1 2", 3, "unexpected a number after the expression"},
    {"x = 1", 3, "only a name can be assigned to"},
    {"1; 2", 2, "unexpected ';' after the expression"},
    {"(1", 3, "expected ')'"},
    {"", 1, "expected an expression"},
};

START_TEST(test_expression_error) {
    const char *in = expression_errors[_i].input;
    int32_t before = graph_count(&g);
    Parser p;
    Statement st;
    parser_init(&p, &g, in, strlen(in), 0, 1);
    ck_assert_msg(!parser_expression(&p, &st), "\"%s\" parsed", in);
    ck_assert_msg(p.error.pos.col == expression_errors[_i].col, "\"%s\": col %d, expected %d", in,
                  p.error.pos.col, expression_errors[_i].col);
    ck_assert_msg(strstr(p.error.message, expression_errors[_i].message), "\"%s\": \"%s\"", in,
                  p.error.message);
    ck_assert_int_eq(graph_count(&g), before);
}
END_TEST

/* Every function name is refused as a definition's name. (The parser
 * answers names with characters outside a-z and '_' without searching the
 * function tables: a function named log2 would fail here.) */
START_TEST(test_function_names_are_reserved) {
    char names[2048];
    op_function_list(names, sizeof names);
    size_t used = strlen(names);
    snprintf(names + used, sizeof names - used, ", dot, %s", construct_names());
    int checked = 0;
    for (char *name = strtok(names, ", "); name; name = strtok(NULL, ", ")) {
        char line[64], expected[128];
        snprintf(line, sizeof line, "%s = 1", name);
        snprintf(expected, sizeof expected, "'%s' is a function name and cannot be assigned", name);
        Parser p;
        parser_init(&p, &g, line, strlen(line), 0, 1);
        Statement st;
        ck_assert_msg(!parser_statement(&p, &st) && p.failed, "%s was accepted", line);
        ck_assert_str_eq(p.error.message, expected);
        checked++;
    }
    ck_assert_int_gt(checked, 20);
}
END_TEST

START_TEST(test_at_end) {
    Parser p;
    parser_init(&p, &g, "   # nothing", 12, 0, 1);
    ck_assert(parser_at_end(&p));
    parser_init(&p, &g, " x", 2, 0, 1);
    ck_assert(!parser_at_end(&p));
}
END_TEST

static Suite *parser_suite(void) {
    Suite *s = suite_create("parser");
    TCase *tc = tcase_create("trees");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_tree, 0, sizeof tree_cases / sizeof tree_cases[0]);
    tcase_add_loop_test(tc, test_value, 0, sizeof value_cases / sizeof value_cases[0]);
    tcase_add_test(tc, test_numbers_like_strtod);
    tcase_add_loop_test(tc, test_exact_numbers, 0, sizeof exact_numbers / sizeof exact_numbers[0]);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_error, 0, sizeof error_cases / sizeof error_cases[0]);
    tcase_add_test(tc, test_error_span);
    tcase_add_test(tc, test_function_names_are_reserved);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_deep_parens_are_refused);
    tcase_add_test(tc, test_many_parens_no_crash);
    tcase_add_test(tc, test_many_minuses_no_crash);
    tcase_add_test(tc, test_many_powers_no_crash);
    tcase_add_test(tc, test_moderate_nesting_works);
    tcase_add_test(tc, test_long_flat_expression);
    suite_add_tcase(s, tc);

    tc = tcase_create("statements");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_several_statements);
    tcase_add_test(tc, test_statement_name_position);
    tcase_add_test(tc, test_offset_after_statement);
    tcase_add_test(tc, test_start_at_offset);
    tcase_add_test(tc, test_rollback_is_per_statement);
    tcase_add_test(tc, test_expression_argument);
    tcase_add_loop_test(tc, test_expression_error, 0,
                        sizeof expression_errors / sizeof expression_errors[0]);
    tcase_add_test(tc, test_at_end);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(parser_suite)
