/* test_render.c - the book's figures: what a View holds, what the SVG shows,
 * which files :render writes, and when it refuses.
 *
 * Graphs are built the way a user builds them, by running source lines in a
 * Session whose output goes to memory streams (as in test_session.c). Then:
 *
 *   - View level: view_build() on the session's graph. Each link is written
 *     as one line "from→to value|grad [name]" (an op by its symbol, the final
 *     arrow's end as "out") and the lines are compared, sorted, against a
 *     table: the apple-and-orange example (figure 5-17), --forward, --of,
 *     --all, --no-names, `**2`, constants once per use, fan-out, and the
 *     sigmoid / tanh expansions (figure 5-19), whose gradient reaching x is
 *     also checked numerically against y(1 − y) and 1 − tanh². Steps: one per
 *     circle, the output's circle first, each circle before those feeding it.
 *   - SVG: `:render DIR/x.svg ...` in the session, then the file is scanned
 *     as text: <text> contents and colours (values black, gradients red,
 *     names grey), <path> strokes (a black arrow per link, a red one per
 *     gradient), leaves left of the output arrow, --steps frames showing the
 *     red arrows of steps <= k, Korean names, numbers as the REPL prints them.
 *   - Files: PNG/PDF signatures, DOT, Mermaid (.mmd, fenced .md, and an exact
 *     golden text), errors (unknown format, missing directory, a directory in
 *     the way) that name the path, leave nothing behind and keep the session
 *     usable; the size limit; :watch.
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "harness.h"
#include "render/render.h"
#include "render/view.h"
#include "repl/session.h"

/* h_run of a printf-formatted line. */
__attribute__((format(printf, 2, 3))) static bool h_runf(Harness *h, const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    return h_run(h, line);
}

/* Runs lines that must succeed without complaint. */
static void h_ok(Harness *h, const char *lines) {
    bool ok = h_run(h, lines);
    ck_assert_msg(ok && h->err_text[0] == '\0', "\"%s\" failed: %s", lines, h->err_text);
}

/* Figure 5-17: two apples, three oranges, 10% tax; price = 715. */
static const char *const APPLE_ORANGE =
    "apple = 100; apple_num = 2; orange = 150; orange_num = 3; tax = 1.1\n"
    "apple_price = apple * apple_num; orange_price = orange * orange_num\n"
    "all_price = apple_price + orange_price; price = all_price * tax";

/* The book's Affine layer for one sample (figure 5-24), with a scalar loss:
 * Y = [9.1 12.2 15.3], L = 36.6, ∂L/∂x = W·1 = [6 15], ∂L/∂W = xᵀ·1. */
static const char *const AFFINE =
    "x = [1, 2]; W = [[1,2,3],[4,5,6]]; b = [0.1, 0.2, 0.3]; y = affine(x, W, b); L = sum(y)";

/* Eight elements: more than a label spells out. */
static const char *const BIG = "M = [[1,2,3,4],[5,6,7,8]]; q = sum(M * M, axis=1); r = sum(q)";

/* --- temporary files -------------------------------------------------------------- */

/* A new empty directory under tmpdir, its path in buf. */
static void fresh_dir(char *buf, size_t size, const char *name) {
    snprintf(buf, size, "%s/%s", tmpdir, name);
    ck_assert_msg(mkdir(buf, 0700) == 0, "mkdir %s", buf);
}

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* The whole file, NUL-terminated (*len without it), or NULL. */
static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *data = malloc(cap);
    for (size_t got; data && (got = fread(data + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (cap - n < 2) data = realloc(data, cap *= 2);
    }
    fclose(f);
    if (data) data[n] = '\0';
    if (len) *len = n;
    return data;
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a directory, sorted, separated by spaces ("" if empty). */
static char *listing(const char *dir) {
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "opendir %s", dir);
    char *names[256];
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 256;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], compare_strings);
    char *out = calloc(1, 256 * 64);
    for (int i = 0; i < n; i++) {
        if (i) strcat(out, " ");
        strncat(out, names[i], 60);
        free(names[i]);
    }
    return out;
}

/* --- views -------------------------------------------------------------------------- */

/* The session's default drawing options changed by `options`, written as
 * :render takes them: --forward --expand --all --no-names --of NAME --digits N. */
static ViewOptions view_options(Harness *h, const char *options) {
    ViewOptions o = render_defaults(session_target(&h->s), &h->s.seed, h->s.digits).view;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", options);
    for (char *w = strtok(copy, " "); w; w = strtok(NULL, " ")) {
        if (strcmp(w, "--forward") == 0)
            o.forward_only = true;
        else if (strcmp(w, "--expand") == 0)
            o.expand = true;
        else if (strcmp(w, "--all") == 0)
            o.all = true;
        else if (strcmp(w, "--no-names") == 0)
            o.names = false;
        else if (strcmp(w, "--fold") == 0)
            o.fold = true;
        else if (strcmp(w, "--digits") == 0) {
            char *n = strtok(NULL, " ");
            ck_assert_ptr_nonnull(n);
            o.digits = o.tensor_digits = atoi(n);
        } else if (strcmp(w, "--of") == 0) {
            char *name = strtok(NULL, " ");
            ck_assert_ptr_nonnull(name);
            o.of = graph_lookup(&h->s.graph, name, (int)strlen(name));
            ck_assert_msg(o.of != NODE_NONE, "no name %s", name);
        } else
            ck_abort_msg("bad test option %s", w);
    }
    return o;
}

static void build(Harness *h, View *v, const char *options) {
    ViewOptions o = view_options(h, options);
    char error[256] = "";
    ck_assert_msg(view_build(v, &h->s.graph, &o, error, sizeof error), "view_build: %s", error);
}

/* A node's label on one line ("sum\naxis=0" as "sum axis=0"). */
static const char *node_text(const View *v, int i) {
    static char flat[2][VIEW_TEXT];
    static int turn;
    char *out = flat[turn++ % 2];
    snprintf(out, VIEW_TEXT, "%s", v->nodes[i].kind == VIEW_SINK ? "out" : v->nodes[i].label);
    for (char *c = out; *c; c++)
        if (*c == '\n') *c = ' ';
    return out;
}

/* Lines sorted, joined by '\n' (caller frees). */
static char *sorted_lines(const char *text) {
    char *copy = strdup(text), *lines[512];
    int n = 0;
    for (char *l = strtok(copy, "\n"); l && n < 512; l = strtok(NULL, "\n"))
        lines[n++] = l;
    qsort(lines, (size_t)n, sizeof lines[0], compare_strings);
    char *out = calloc(1, strlen(text) + 2);
    for (int i = 0; i < n; i++) {
        if (i) strcat(out, "\n");
        strcat(out, lines[i]);
    }
    free(copy);
    return out;
}

/* Every link as "from→to value|grad [name]", sorted (caller frees). */
static char *view_links(const View *v) {
    StrBuf sb;
    sb_init(&sb);
    for (int i = 0; i < v->edge_count; i++) {
        const ViewEdge *e = &v->edges[i];
        sb_printf(&sb, "%s→%s %s|%s", node_text(v, e->from), node_text(v, e->to), e->value,
                  e->grad);
        if (*e->name) sb_printf(&sb, " [%s]", e->name);
        sb_puts(&sb, "\n");
    }
    char *sorted = sorted_lines(sb.data ? sb.data : "");
    sb_free(&sb);
    return sorted;
}

/* Ops are circles or, for the book's layers, boxes. */
static bool is_op(const ViewNode *n) {
    return n->kind == VIEW_OP || n->kind == VIEW_LAYER;
}

static int count_nodes(const View *v, ViewNodeKind kind, const char *label) {
    int n = 0;
    for (int i = 0; i < v->node_count; i++)
        n += v->nodes[i].kind == kind && (!label || strcmp(v->nodes[i].label, label) == 0);
    return n;
}

/* The one link leaving the node labelled `from`. */
static const ViewEdge *link_from(const View *v, const char *from) {
    const ViewEdge *found = NULL;
    for (int i = 0; i < v->edge_count; i++)
        if (v->nodes[v->edges[i].from].kind != VIEW_OP &&
            strcmp(v->nodes[v->edges[i].from].label, from) == 0) {
            ck_assert_msg(!found, "two links from %s", from);
            found = &v->edges[i];
        }
    ck_assert_msg(found != NULL, "no link from %s", from);
    return found;
}

static int links_with_gradients(const View *v, int up_to_step) {
    int n = 0;
    for (int i = 0; i < v->edge_count; i++)
        n += v->edges[i].grad[0] && v->edges[i].step <= up_to_step;
    return n;
}

static const char *const APPLE_LINKS = "apple→× 100|2.2\n"
                                       "apple_num→× 2|110\n"
                                       "orange→× 150|3.3\n"
                                       "orange_num→× 3|165\n"
                                       "×→+ 200|1.1 [apple_price]\n"
                                       "×→+ 450|1.1 [orange_price]\n"
                                       "+→× 650|1.1 [all_price]\n"
                                       "tax→× 1.1|650\n"
                                       "×→out 715|1 [price]";

static const struct {
    const char *what;
    const char *source;
    const char *options;
    int ops;
    const char *links; /* any order */
} view_cases[] = {
    {"figure 5-17: apples and oranges", APPLE_ORANGE, "", 4, APPLE_LINKS},
    {"unrelated names are left out",
     "u = 5; v = u * 3\n" /* then the apples */
     "apple = 100; apple_num = 2; orange = 150; orange_num = 3\n"
     "tax = 1.1; apple_price = apple * apple_num\n"
     "orange_price = orange * orange_num\n"
     "all_price = apple_price + orange_price\n"
     "price = all_price * tax",
     "", 4, APPLE_LINKS},
    {"--all draws unrelated names too, without gradients",
     "u = 5; v = u * 3\n"
     "apple = 100; apple_num = 2; orange = 150; orange_num = 3\n"
     "tax = 1.1; apple_price = apple * apple_num\n"
     "orange_price = orange * orange_num\n"
     "all_price = apple_price + orange_price\n"
     "price = all_price * tax",
     "--all", 5,
     "u→× 5|\n3→× |\n×→out 15| [v]\n"
     "apple→× 100|2.2\napple_num→× 2|110\norange→× 150|3.3\norange_num→× 3|165\n"
     "×→+ 200|1.1 [apple_price]\n×→+ 450|1.1 [orange_price]\n+→× 650|1.1 [all_price]\n"
     "tax→× 1.1|650\n×→out 715|1 [price]"},
    {"--no-names", APPLE_ORANGE, "--no-names", 4,
     "apple→× 100|2.2\napple_num→× 2|110\norange→× 150|3.3\norange_num→× 3|165\n"
     "×→+ 200|1.1\n×→+ 450|1.1\n+→× 650|1.1\ntax→× 1.1|650\n×→out 715|1"},
    {"--forward: values only", APPLE_ORANGE, "--forward", 4,
     "apple→× 100|\napple_num→× 2|\norange→× 150|\norange_num→× 3|\n"
     "×→+ 200| [apple_price]\n×→+ 450| [orange_price]\n+→× 650| [all_price]\n"
     "tax→× 1.1|\n×→out 715| [price]"},
    {"--of apple_price: only what feeds it, gradients still of price", APPLE_ORANGE,
     "--of apple_price", 1, "apple→× 100|2.2\napple_num→× 2|110\n×→out 200|1.1 [apple_price]"},
    {"figure 5-12 with a seed", "x = 10; y = 5; z = x * y\n:seed 1.3", "", 1,
     "x→× 10|6.5\ny→× 5|13\n×→out 50|1.3 [z]"},
    {"a power by a constant is one circle", "x = 1; y = 2; z = (x + y) ** 2", "", 2,
     "x→+ 1|6\ny→+ 2|6\n+→**2 3|6\n**2→out 9|1 [z]"},
    {"constants once per use", "x = 1; y = 3; z = x * 2 + y * 2", "", 3,
     "x→× 1|2\n2→× |\ny→× 3|2\n2→× |\n×→+ 2|1\n×→+ 6|1\n+→out 8|1 [z]"},
    {"fan-out: x * x", "x = 3; y = x * x", "", 1, "x→× 3|3\nx→× 3|3\n×→out 9|1 [y]"},
    {"--fold: figure 5-1's ×2 and ×1.1", "apple = 100; price = apple * 2 * 1.1", "--fold", 2,
     "apple→×2 100|2.2\n×2→×1.1 200|1.1\n×1.1→out 220|1 [price]"},
    {"--fold: either side of × and +, the right of − and /, negatives in ()",
     "x = 3; y = (2 * x - 1) / -4 + (1 + x)", "--fold", 5,
     "x→×2 3|-0.5\n×2→−1 6|-0.25\n−1→/(-4) 5|-0.25\nx→+1 3|1\n/(-4)→+ -1.25|1\n+1→+ 4|1\n"
     "+→out 2.75|1 [y]"},
    {"--fold: a constant on the left of − stays an arrow; of two, the right goes in",
     "x = 3; y = (1 - x) * (2 * 3)", "--fold", 3,
     "1→− |\nx→− 3|-6\n−→× -2|6\n2→×3 |\n×3→× 6|-2\n×→out -12|1 [y]"},
    {"sigmoid as one circle (figure 5-21)", "x = 0.5; y = sigmoid(x)", "", 1,
     "x→sigmoid 0.5|0.235\nsigmoid→out 0.6225|1 [y]"},
    {"--expand: sigmoid as figure 5-19", "x = 0.5; y = sigmoid(x)", "--expand", 4,
     "x→× 0.5|0.235\n"
     "-1→× |\n"
     "×→exp -0.5|-0.235\n"
     "exp→+ 0.6065|-0.3875\n"
     "1→+ |\n"
     "+→/ 1.607|-0.3875\n"
     "/→out 0.6225|1 [y]"},
    {"--expand: tanh(x) as 2 sigmoid(2x) - 1", "x = 0.5; y = tanh(x)", "--expand", 7,
     "x→× 0.5|0.7864\n"
     "2→× |\n"
     "×→× 1|0.3932\n"
     "-1→× |\n"
     "×→exp -1|-0.3932\n"
     "exp→+ 0.3679|-1.069\n"
     "1→+ |\n"
     "+→/ 1.368|-1.069\n"
     "/→× 0.7311|2\n"
     "2→× |\n"
     "×→− 1.462|1\n"
     "1→− |\n"
     "−→out 0.4621|1 [y]"},
    {"--expand keeps the name of what goes into the sigmoid", "x = 0.5; a = x * 2; y = sigmoid(a)",
     "--expand", 5,
     "x→× 0.5|0.3932\n"
     "2→× |\n"
     "×→× 1|0.1966 [a]\n"
     "-1→× |\n"
     "×→exp -1|-0.1966\n"
     "exp→+ 0.3679|-0.5344\n"
     "1→+ |\n"
     "+→/ 1.368|-0.5344\n"
     "/→out 0.7311|1 [y]"},
    {"tensors: shape and values, per link", AFFINE, "", 2,
     "x→Affine (2) [1 2]|(2) [6 15]\n"
     "W→Affine (2,3) [[1 2 3] [4 5 6]]|(2,3) [[1 1 1] [2 2 2]]\n"
     "b→Affine (3) [0.1 0.2 0.3]|(3) [1 1 1]\n"
     "Affine→sum (3) [9.1 12.2 15.3]|(3) [1 1 1] [y]\n"
     "sum→out 36.6|1 [L]"},
    {"--expand: affine as dot then + (figure 5-25)", AFFINE, "--expand", 3,
     "x→dot (2) [1 2]|(2) [6 15]\n"
     "W→dot (2,3) [[1 2 3] [4 5 6]]|(2,3) [[1 1 1] [2 2 2]]\n"
     "dot→+ (3) [9 12 15]|(3) [1 1 1]\n"
     "b→+ (3) [0.1 0.2 0.3]|(3) [1 1 1]\n"
     "+→sum (3) [9.1 12.2 15.3]|(3) [1 1 1] [y]\n"
     "sum→out 36.6|1 [L]"},
    {"--expand affine on a batch: b's gradient is summed over the samples",
     "X = [[1,2],[3,4]]; W = [[1,0,2],[0,1,1]]; B = [1,2,3]; Y = affine(X, W, B); L = sum(Y)",
     "--expand", 3,
     "X→dot (2,2) [[1 2] [3 4]]|(2,2) [[3 2] [3 2]]\n"
     "W→dot (2,3) [[1 0 2] [0 1 1]]|(2,3) [[4 4 4] [6 6 6]]\n"
     "dot→+ (2,3) [[1 2 4] [3 4 10]]|(2,3) [[1 1 1] [1 1 1]]\n"
     "B→+ (3) [1 2 3]|(3) [2 2 2]\n"
     "+→sum (2,3) [[2 4 7] [4 6 13]]|(2,3) [[1 1 1] [1 1 1]] [Y]\n"
     "sum→out 36|1 [L]"},
    {"big tensors show their shape only; a reduction its axis", BIG, "", 3,
     "M→× (2,4)|(2,4)\nM→× (2,4)|(2,4)\n×→sum axis=1 (2,4)|(2,4)\n"
     "sum axis=1→sum (2) [30 174]|(2) [1 1] [q]\nsum→out 204|1 [r]"},
    {"fan-out on a tensor: x * x, each link its own share", "x = [1, 2, 3]; y = x * x; L = sum(y)",
     "", 2,
     "x→× (3) [1 2 3]|(3) [1 2 3]\nx→× (3) [1 2 3]|(3) [1 2 3]\n"
     "×→sum (3) [1 4 9]|(3) [1 1 1] [y]\nsum→out 14|1 [L]"},
    {"fan-out on a tensor: x @ x sends dY·xᵀ and xᵀ·dY", "x = [[1,2],[3,4]]; y = x @ x; L = sum(y)",
     "", 2,
     "x→dot (2,2) [[1 2] [3 4]]|(2,2) [[3 7] [3 7]]\n"
     "x→dot (2,2) [[1 2] [3 4]]|(2,2) [[4 4] [6 6]]\n"
     "dot→sum (2,2) [[7 10] [15 22]]|(2,2) [[1 1] [1 1]] [y]\nsum→out 54|1 [L]"},
    {"every number with 4 digits by default, scalars as tensors (the session has 12)",
     "x = [0.123456, 2]; k = 3.14159265; y = x * k; L = sum(y)", "", 2,
     "x→× (2) [0.1235 2]|(2) [3.142 3.142]\nk→× 3.142|2.123\n"
     "×→sum (2) [0.3878 6.283]|(2) [1 1] [y]\nsum→out 6.671|1 [L]"},
    {"a session printing fewer digits draws with as few",
     "x = 0.123456; k = 3; y = x * k\n:digits 2", "", 1,
     "x→× 0.12|3\nk→× 3|0.12\n×→out 0.37|1 [y]"},
    {"no red arrow into labels (figure 5-30 returns only dx)",
     "t = [0, 1, 0]; x = [0, 0, 0]; L = softmax_with_loss(x, t)", "", 1,
     "x→Softmax-with-Loss (3) [0 0 0]|(3) [0.3333 -0.6667 0.3333]\n"
     "t→Softmax-with-Loss (3) [0 1 0]|\nSoftmax-with-Loss→out 1.099|1 [L]"},
    {"--digits in tensor labels; a scalar gets the sum of what it broadcast to",
     "x = [0.123456, 2]; k = 3; y = x * k; L = sum(y)", "--digits 3", 2,
     "x→× (2) [0.123 2]|(2) [3 3]\nk→× 3|2.12\n×→sum (2) [0.37 6]|(2) [1 1] [y]\n"
     "sum→out 6.37|1 [L]"},
};

START_TEST(test_view_links) {
    Harness h;
    h_init(&h);
    h_ok(&h, view_cases[_i].source);
    View v;
    build(&h, &v, view_cases[_i].options);
    char *got = view_links(&v), *expected = sorted_lines(view_cases[_i].links);
    ck_assert_msg(strcmp(got, expected) == 0, "%s:\n%s\nexpected:\n%s", view_cases[_i].what, got,
                  expected);
    ck_assert_msg(v.op_count == view_cases[_i].ops, "%s: %d ops", view_cases[_i].what, v.op_count);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, NULL) + count_nodes(&v, VIEW_LAYER, NULL),
                     v.op_count);
    free(got);
    free(expected);
    view_free(&v);
    h_free(&h);
}
END_TEST

START_TEST(test_view_apple_nodes) {
    Harness h;
    h_init(&h);
    h_ok(&h, APPLE_ORANGE);
    View v;
    build(&h, &v, "");
    ck_assert_int_eq(v.op_count, 4);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "×"), 3);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "+"), 1);
    static const char *const leaves[] = {"apple", "apple_num", "orange", "orange_num", "tax"};
    ck_assert_int_eq(count_nodes(&v, VIEW_LEAF, NULL), 5);
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++)
        ck_assert_msg(count_nodes(&v, VIEW_LEAF, leaves[i]) == 1, "leaf %s", leaves[i]);
    ck_assert_int_eq(count_nodes(&v, VIEW_CONST, NULL), 0);
    ck_assert_int_eq(count_nodes(&v, VIEW_SINK, NULL), 1);
    view_free(&v);
    h_free(&h);
}
END_TEST

START_TEST(test_view_power_and_constants) {
    Harness h;
    h_init(&h);
    h_ok(&h, "x = 1; y = 2; z = (x + y) ** 2");
    View v;
    build(&h, &v, "");
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "**2"), 1);
    ck_assert_int_eq(count_nodes(&v, VIEW_CONST, NULL), 0); /* the 2 is in the circle */
    view_free(&v);
    h_ok(&h, "w = x * 2 + y * 2");
    build(&h, &v, "");
    ck_assert_int_eq(count_nodes(&v, VIEW_CONST, "2"), 2);
    view_free(&v);
    h_free(&h);
}
END_TEST

/* The book's symbols: a matrix product is a `dot` circle, a layer a box
 * with its name, a reduction shows its axis, indexing its row. */
START_TEST(test_view_tensor_nodes) {
    Harness h;
    h_init(&h);
    h_ok(&h, AFFINE);
    h_ok(&h, "a = [[0.3, 2.9, 4.0]]; t = [[0, 0, 1]]; E = softmax_with_loss(a, t)");
    h_ok(&h, "s = softmax(a); c = cross_entropy(s, t); r = sum(a * a, axis=0)[1] + c");
    View v;
    build(&h, &v, "--all");
    ck_assert_int_eq(count_nodes(&v, VIEW_LAYER, "Affine"), 1);
    ck_assert_int_eq(count_nodes(&v, VIEW_LAYER, "Softmax-with-Loss"), 1);
    ck_assert_int_eq(count_nodes(&v, VIEW_LAYER, "Softmax"), 1);
    ck_assert_int_eq(count_nodes(&v, VIEW_LAYER, "Cross Entropy"), 1);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "sum\naxis=0"), 1);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "sum"), 1);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "[1]"), 1);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "Affine"), 0);
    view_free(&v);
    h_ok(&h, "p = x @ W");
    build(&h, &v, "");
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "dot"), 1);
    ck_assert_int_eq(v.op_count, 1);
    view_free(&v);
    /* --expand: the layer's box gives way to dot and + circles. */
    build(&h, &v, "--of y --expand");
    ck_assert_int_eq(count_nodes(&v, VIEW_LAYER, NULL), 0);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "dot"), 1);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "+"), 1);
    view_free(&v);
    h_free(&h);
}
END_TEST

/* --expand: the gradient reaching x equals the derivative, numerically. */
static const double expand_points[] = {-2, -0.3, 0, 0.5, 3};

START_TEST(test_view_expand_sigmoid_gradient) {
    Harness h;
    h_init(&h);
    double x = expand_points[_i], y = 1 / (1 + exp(-x));
    h_runf(&h, "x = %.17g; y = sigmoid(x)", x);
    View v;
    build(&h, &v, "--expand --digits 17");
    ck_assert_int_eq(v.op_count, 4);
    static const char *const ops[] = {"×", "exp", "+", "/"};
    for (int i = 0; i < 4; i++)
        ck_assert_msg(count_nodes(&v, VIEW_OP, ops[i]) == 1, "no %s circle", ops[i]);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "sigmoid"), 0);
    double into_x = atof(link_from(&v, "x")->grad);
    ck_assert_msg(fabs(into_x - y * (1 - y)) < 1e-10, "x = %g: %.17g, y(1-y) = %.17g", x, into_x,
                  y * (1 - y));
    /* The intermediate values of figure 5-19: -x, exp(-x), 1 + exp(-x). */
    double want[] = {-x, exp(-x), 1 + exp(-x), y};
    const char *from[] = {"×", "exp", "+", "/"};
    for (int k = 0; k < 4; k++) {
        bool found = false;
        for (int i = 0; i < v.edge_count; i++) {
            const ViewEdge *e = &v.edges[i];
            if (strcmp(node_text(&v, e->from), from[k]) != 0) continue;
            found = true;
            ck_assert_msg(fabs(atof(e->value) - want[k]) < 1e-9 * fmax(1, fabs(want[k])),
                          "%s gives %s, expected %.12g", from[k], e->value, want[k]);
        }
        ck_assert_msg(found, "nothing leaves %s", from[k]);
    }
    view_free(&v);
    h_free(&h);
}
END_TEST

START_TEST(test_view_expand_tanh_gradient) {
    Harness h;
    h_init(&h);
    double x = expand_points[_i], t = tanh(x);
    h_runf(&h, "x = %.17g; y = tanh(x)", x);
    View v;
    build(&h, &v, "--expand --digits 17");
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "tanh"), 0);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "exp"), 1);
    ck_assert_int_eq(count_nodes(&v, VIEW_OP, "/"), 1);
    ck_assert_int_eq(v.op_count, v.steps);
    double into_x = atof(link_from(&v, "x")->grad);
    ck_assert_msg(fabs(into_x - (1 - t * t)) < 1e-10, "x = %g: %.17g, 1-tanh² = %.17g", x, into_x,
                  1 - t * t);
    /* The final arrow carries tanh(x) and the seed. */
    for (int i = 0; i < v.edge_count; i++)
        if (v.nodes[v.edges[i].to].kind == VIEW_SINK) {
            ck_assert_msg(fabs(atof(v.edges[i].value) - t) < 1e-10, "out %s", v.edges[i].value);
            ck_assert_str_eq(v.edges[i].grad, "1");
        }
    view_free(&v);
    h_free(&h);
}
END_TEST

/* Steps: one per circle; the output's circle is step 1, and every circle
 * comes before the circles feeding it; a link's step is its head's. */
static const struct {
    const char *source;
    const char *options;
} step_cases[] = {
    {APPLE_ORANGE, ""},
    {"x = 0.5; y = tanh(x)", "--expand"},
    {"x = 0.5; a = x * 2; y = sigmoid(a) * a", "--expand"},
    {"x = 3; a = x * 2; b = x + 1; y2 = a * b", ""},
    {AFFINE, ""},
    {AFFINE, "--expand"},
};

START_TEST(test_view_steps) {
    Harness h;
    h_init(&h);
    h_ok(&h, step_cases[_i].source);
    View v;
    build(&h, &v, step_cases[_i].options);
    ck_assert_int_eq(v.steps, v.op_count);
    int *seen = calloc((size_t)v.steps + 1, sizeof *seen);
    for (int i = 0; i < v.node_count; i++)
        if (is_op(&v.nodes[i])) {
            ck_assert(v.nodes[i].step >= 1 && v.nodes[i].step <= v.steps);
            ck_assert_msg(!seen[v.nodes[i].step]++, "step %d twice", v.nodes[i].step);
        }
    free(seen);
    int sinks = 0;
    for (int i = 0; i < v.edge_count; i++) {
        const ViewEdge *e = &v.edges[i];
        const ViewNode *from = &v.nodes[e->from], *to = &v.nodes[e->to];
        if (to->kind == VIEW_SINK) {
            ck_assert_int_eq(from->step, 1);
            sinks++;
        }
        if (is_op(to)) ck_assert_int_eq(e->step, to->step);
        if (is_op(from) && is_op(to))
            ck_assert_msg(to->step < from->step, "%s (step %d) feeds %s (step %d)", from->label,
                          from->step, to->label, to->step);
    }
    ck_assert_int_eq(sinks, 1);
    view_free(&v);
    h_free(&h);
}
END_TEST

/* --- SVG -------------------------------------------------------------------------------- */

enum { SVG_MAX = 1024 };

typedef struct {
    char text[4 * VIEW_TEXT];
    char fill[32]; /* "" when not given (black) */
    double x, y;   /* the middle of its baseline */
    double size;   /* font size */
} SvgText;

typedef struct {
    SvgText texts[SVG_MAX];
    int text_count;
    int red_paths, black_paths, red_heads, black_heads;
    double output_end; /* the largest x where a black path ends */
    char *raw;
} Svg;

/* Appends code point c as UTF-8. */
static char *put_utf8(char *o, unsigned long c) {
    if (c < 0x80) {
        *o++ = (char)c;
    } else if (c < 0x800) {
        *o++ = (char)(0xC0 | c >> 6), *o++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *o++ = (char)(0xE0 | c >> 12), *o++ = (char)(0x80 | (c >> 6 & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    } else {
        *o++ = (char)(0xF0 | c >> 18), *o++ = (char)(0x80 | (c >> 12 & 0x3F));
        *o++ = (char)(0x80 | (c >> 6 & 0x3F)), *o++ = (char)(0x80 | (c & 0x3F));
    }
    return o;
}

/* XML text with its entities (&#45; &amp; ...) decoded. */
static void unescape(const char *s, const char *end, char *out, size_t size) {
    char *o = out, *limit = out + size - 5;
    static const char *const named[][2] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}};
    while (s < end && o < limit) {
        if (s[0] == '&' && s[1] == '#') {
            char *stop;
            unsigned long c = s[2] == 'x' ? strtoul(s + 3, &stop, 16) : strtoul(s + 2, &stop, 10);
            o = put_utf8(o, c);
            s = *stop == ';' ? stop + 1 : stop;
            continue;
        }
        bool done = false;
        for (size_t i = 0; i < sizeof named / sizeof named[0] && !done; i++)
            if (strncmp(s, named[i][0], strlen(named[i][0])) == 0) {
                *o++ = named[i][1][0];
                s += strlen(named[i][0]);
                done = true;
            }
        if (!done) *o++ = *s++;
    }
    *o = '\0';
}

/* The x of the last point of a path's d="M x,y C x,y x,y ...". */
static double path_end_x(const char *d) {
    double last = 0;
    for (const char *s = d; *s;) {
        if (!strchr("-0123456789.", *s)) {
            s++;
            continue;
        }
        char *end;
        double x = strtod(s, &end);
        if (*end != ',') break;
        strtod(end + 1, &end);
        last = x;
        s = end;
    }
    return last;
}

static Svg *svg_read(const char *path) {
    Svg *svg = calloc(1, sizeof *svg);
    svg->raw = slurp(path, NULL);
    ck_assert_msg(svg->raw != NULL, "cannot read %s", path);
    svg->output_end = -1e9;
    for (const char *p = svg->raw; (p = strchr(p, '<')) != NULL; p++) {
        const char *end = strchr(p, '>');
        ck_assert_ptr_nonnull(end);
        char stroke[32], fill[32];
        h_attr(p, end, "stroke", stroke, sizeof stroke);
        h_attr(p, end, "fill", fill, sizeof fill);
        if (strncmp(p, "<text", 5) == 0) {
            ck_assert(svg->text_count < SVG_MAX);
            SvgText *t = &svg->texts[svg->text_count++];
            const char *close = strstr(end, "</text>");
            ck_assert_ptr_nonnull(close);
            unescape(end + 1, close, t->text, sizeof t->text);
            snprintf(t->fill, sizeof t->fill, "%s", fill);
            char x[32], y[32], size[32];
            h_attr(p, end, "x", x, sizeof x);
            h_attr(p, end, "y", y, sizeof y);
            h_attr(p, end, "font-size", size, sizeof size);
            t->x = atof(x), t->y = atof(y), t->size = atof(size);
        } else if (strncmp(p, "<path", 5) == 0) {
            if (strcmp(stroke, "red") == 0) svg->red_paths++;
            if (strcmp(stroke, "black") == 0) {
                svg->black_paths++;
                char *d = malloc((size_t)(end - p) + 1);
                h_attr(p, end, "d", d, (size_t)(end - p) + 1);
                svg->output_end = fmax(svg->output_end, path_end_x(d));
                free(d);
            }
        } else if (strncmp(p, "<polygon", 8) == 0) {
            svg->red_heads += strcmp(fill, "red") == 0 && strcmp(stroke, "red") == 0;
            svg->black_heads += strcmp(fill, "black") == 0 && strcmp(stroke, "black") == 0;
        }
    }
    return svg;
}

static void svg_free(Svg *svg) {
    free(svg->raw);
    free(svg);
}

static bool is_black(const char *fill) {
    return !*fill || strcmp(fill, "black") == 0 || strcmp(fill, "#000000") == 0;
}

/* Grey: "gray45", "grey", or #rrggbb with r = g = b, neither black nor white. */
static bool is_grey(const char *fill) {
    if (strncmp(fill, "gray", 4) == 0 || strncmp(fill, "grey", 4) == 0) return true;
    unsigned r, g, b;
    return strlen(fill) == 7 && sscanf(fill, "#%2x%2x%2x", &r, &g, &b) == 3 && r == g && g == b &&
           r >= 0x30 && r <= 0xD0;
}

enum { RED, BLACK, GREY };

/* The texts of one colour, sorted, '\n'-separated (caller frees). */
static char *svg_texts(const Svg *svg, int colour) {
    StrBuf sb;
    sb_init(&sb);
    for (int i = 0; i < svg->text_count; i++) {
        const char *fill = svg->texts[i].fill;
        bool match = colour == RED     ? strcmp(fill, "red") == 0
                     : colour == BLACK ? is_black(fill)
                                       : is_grey(fill);
        if (match) sb_printf(&sb, "%s\n", svg->texts[i].text);
    }
    char *sorted = sorted_lines(sb.data ? sb.data : "");
    sb_free(&sb);
    return sorted;
}

static bool svg_has_text(const Svg *svg, const char *text) {
    for (int i = 0; i < svg->text_count; i++)
        if (strcmp(svg->texts[i].text, text) == 0) return true;
    return false;
}

/* Fails if two texts of the picture overlap: each is taken as a box as wide
 * as its characters at 0.55 of its font size (narrower than any, so a
 * failure is a real overlap) and 0.7 of its size tall above its baseline. */
static void ck_texts_apart(const Svg *svg, const char *what) {
    double half[SVG_MAX];
    for (int i = 0; i < svg->text_count; i++) {
        int chars = 0;
        for (const char *c = svg->texts[i].text; *c; c++)
            chars += ((unsigned char)*c & 0xC0) != 0x80;
        half[i] = 0.55 * svg->texts[i].size * chars / 2;
    }
    for (int i = 0; i < svg->text_count; i++)
        for (int k = i + 1; k < svg->text_count; k++) {
            const SvgText *a = &svg->texts[i], *b = &svg->texts[k];
            bool apart = fabs(a->x - b->x) >= half[i] + half[k] || a->y <= b->y - 0.7 * b->size ||
                         b->y <= a->y - 0.7 * a->size;
            ck_assert_msg(apart, "%s: '%s' at (%g, %g) overlaps '%s' at (%g, %g)", what, a->text,
                          a->x, a->y, b->text, b->x, b->y);
        }
}

#define ck_assert_lines(got, expected)                                                             \
    do {                                                                                           \
        char *got_ = (got), *want_ = sorted_lines(expected);                                       \
        ck_assert_msg(strcmp(got_, want_) == 0, "got:\n%s\nexpected:\n%s", got_, want_);           \
        free(got_);                                                                                \
        free(want_);                                                                               \
    } while (0)

/* --expand keeps the main path on one line with the constants hanging
 * below it (figure 5-19), not a staircase: every circle at one height. */
static const char *const expanded_paths[] = {"x = 0.5; y = sigmoid(x)", "x = 0.5; y = tanh(x)",
                                             "w = -3; x = 2; b = 6.88; y = tanh(w * x + b)"};

START_TEST(test_svg_expanded_path_is_straight) {
    Harness h;
    h_init(&h);
    char dir[128], path[160], name[32];
    snprintf(name, sizeof name, "svg_straight_%d", _i);
    fresh_dir(dir, sizeof dir, name);
    snprintf(path, sizeof path, "%s/x.svg", dir);
    h_ok(&h, expanded_paths[_i]);
    h_runf(&h, ":render %s --expand", path);
    Svg *svg = svg_read(path);
    static const char *const ops[] = {"×", "exp", "+", "/", "−"};
    static const char *const constants[] = {"-1", "1", "2"};
    double line = NAN, lowest_op = -1e9;
    int circles = 0, below = 0;
    for (int i = 0; i < svg->text_count; i++) {
        const SvgText *t = &svg->texts[i];
        if (t->fill[0] || t->size == 11) continue; /* labels on links */
        for (int k = 0; k < 5; k++)
            if (strcmp(t->text, ops[k]) == 0) {
                if (isnan(line)) line = t->y;
                /* the first + of w * x + b is off the path: x feeds it */
                if (fabs(t->y - line) < 2) circles++; /* baselines differ by font size */
                lowest_op = fmax(lowest_op, t->y);
            }
        for (int k = 0; k < 3; k++)
            if (strcmp(t->text, constants[k]) == 0) below += t->y > line + 10;
    }
    int want[] = {4, 7, 9}, constants_in[] = {2, 5, 5};
    ck_assert_msg(circles >= want[_i] - (_i == 2), "%s: %d circles on the line at y %g",
                  expanded_paths[_i], circles, line);
    ck_assert_msg(below == constants_in[_i], "%s: %d constants below the line", expanded_paths[_i],
                  below);
    svg_free(svg);
    h_free(&h);
}
END_TEST

START_TEST(test_svg_apple) {
    Harness h;
    h_init(&h);
    char dir[128], path[160];
    fresh_dir(dir, sizeof dir, "svg_apple");
    snprintf(path, sizeof path, "%s/apple.svg", dir);
    h_ok(&h, APPLE_ORANGE);
    h_runf(&h, ":render %s", path);
    ck_assert_msg(h.err_text[0] == '\0', "%s", h.err_text);
    char expected_out[256];
    snprintf(expected_out, sizeof expected_out, "rendered %s (4 ops, 9 links)\n", path);
    ck_assert_str_eq(h.out_text, expected_out);
    Svg *svg = svg_read(path);
    /* Gradients in red, names in grey, everything else in black. */
    ck_assert_lines(svg_texts(svg, RED), "2.2\n110\n3.3\n165\n1.1\n1.1\n1.1\n650\n1");
    ck_assert_lines(svg_texts(svg, GREY), "apple_price\norange_price\nall_price\nprice");
    ck_assert_lines(svg_texts(svg, BLACK), "apple\napple_num\norange\norange_num\ntax\n"
                                           "×\n×\n+\n×\n"
                                           "100\n2\n150\n3\n200\n450\n650\n1.1\n715");
    /* One black arrow per link, one red per gradient, each with its head. */
    ck_assert_int_eq(svg->black_paths, 9);
    ck_assert_int_eq(svg->red_paths, 9);
    ck_assert_int_eq(svg->black_heads, 9);
    ck_assert_int_eq(svg->red_heads, 9);
    /* Left to right: every leaf is left of where the output arrow ends. */
    static const char *const leaves[] = {"apple", "apple_num", "orange", "orange_num", "tax"};
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++)
        for (int k = 0; k < svg->text_count; k++)
            if (strcmp(svg->texts[k].text, leaves[i]) == 0)
                ck_assert_msg(svg->texts[k].x < svg->output_end, "%s at x %g, output ends at %g",
                              leaves[i], svg->texts[k].x, svg->output_end);
    ck_texts_apart(svg, "apple");
    /* Numbers as the REPL prints them: 2 * 1.1 is 2.2 here, not 2.2000000000000002. */
    for (int k = 0; k < svg->text_count; k++)
        ck_assert_msg(!strstr(svg->texts[k].text, "0000") && !strstr(svg->texts[k].text, "9999"),
                      "text %s", svg->texts[k].text);
    svg_free(svg);
    h_free(&h);
}
END_TEST

/* Each case renders to an SVG; red and black arrows are counted against the
 * view of the same options, and some texts must (not) be there. */
static const struct {
    const char *what;
    const char *source;
    const char *options;
    const char *present[4];
    const char *absent[4];
} svg_cases[] = {
    {"apples and oranges", APPLE_ORANGE, "", {"715", "2.2", "apple_price"}, {"2.2000000000000002"}},
    {"--forward has no gradients",
     APPLE_ORANGE,
     "--forward",
     {"715", "100"},
     {"2.2", "110", "165"}},
    {"--no-names", APPLE_ORANGE, "--no-names", {"715", "2.2"}, {"apple_price", "all_price"}},
    {"--of orange_price", APPLE_ORANGE, "--of orange_price", {"orange", "450"}, {"apple", "715"}},
    {"--all", "u = 5; v = u * 3\nw = 2; z = w * w", "--all", {"u", "15", "w", "4"}, {""}},
    {"--expand", "x = 0.5; y = sigmoid(x)", "--expand", {"exp", "-0.5", "0.235"}, {"sigmoid"}},
    {"Korean names",
     "사과 = 100; 개수 = 2; 가격 = 사과 * 개수",
     "",
     {"사과", "개수", "가격", "200"},
     {""}},
    {"Korean through two named steps",
     "사과 = 100; 사과_개수 = 2; 소비세 = 1.1\n사과_가격 = 사과 * 사과_개수\n"
     "지불_금액 = 사과_가격 * 소비세",
     "",
     {"사과", "사과_가격", "지불_금액", "220"},
     {""}},
    {"tensors: shapes and values, the layer's name",
     AFFINE,
     "",
     {"(2,3) [[1 2 3] [4 5 6]]", "Affine", "(2) [6 15]", "(3) [9.1 12.2 15.3]"},
     {"dot", "9.1"}},
    {"--expand affine",
     AFFINE,
     "--expand",
     {"dot", "(3) [9 12 15]", "(3) [0.1 0.2 0.3]", "(2,3) [[1 1 1] [2 2 2]]"},
     {"Affine"}},
    {"big tensors: the shape only; the axis in the circle",
     BIG,
     "",
     {"(2,4)", "(2) [30 174]", "axis=1", "204"},
     {"(2,4) [[1 2 3 4] [5 6 7 8]]"}},
    {"--digits in tensor labels",
     "x = [0.123456, 2]; k = 3; y = x * k; L = sum(y)",
     "--digits 3",
     {"(2) [0.123 2]", "(2) [0.37 6]", "2.12", "6.37"},
     {"(2) [0.123456 2]"}},
};

START_TEST(test_svg_cases) {
    Harness h;
    h_init(&h);
    char dir[128], path[160];
    char name[32];
    snprintf(name, sizeof name, "svg_case_%d", _i);
    fresh_dir(dir, sizeof dir, name);
    snprintf(path, sizeof path, "%s/x.svg", dir);
    h_ok(&h, svg_cases[_i].source);
    h_runf(&h, ":render %s %s", path, svg_cases[_i].options);
    ck_assert_msg(h.err_text[0] == '\0', "%s: %s", svg_cases[_i].what, h.err_text);
    View v;
    build(&h, &v, svg_cases[_i].options);
    Svg *svg = svg_read(path);
    ck_assert_msg(svg->red_paths == links_with_gradients(&v, v.steps), "%s: %d red, view has %d",
                  svg_cases[_i].what, svg->red_paths, links_with_gradients(&v, v.steps));
    /* A layer's rounded box is a black path too. */
    int layers = count_nodes(&v, VIEW_LAYER, NULL);
    ck_assert_msg(svg->black_paths == v.edge_count + layers,
                  "%s: %d black, view has %d links and %d layers", svg_cases[_i].what,
                  svg->black_paths, v.edge_count, layers);
    /* BIG's M * M draws two links between the same two nodes, too close
     * for labels between them: a known limit of label placement. */
    if (svg_cases[_i].source != BIG) ck_texts_apart(svg, svg_cases[_i].what);
    if (strstr(svg_cases[_i].options, "--forward")) {
        ck_assert_ptr_null(strstr(svg->raw, "\"red\""));
        ck_assert_int_eq(svg->red_paths, 0);
    }
    for (int k = 0; k < 4 && svg_cases[_i].present[k]; k++)
        ck_assert_msg(svg_has_text(svg, svg_cases[_i].present[k]), "%s: no text %s",
                      svg_cases[_i].what, svg_cases[_i].present[k]);
    for (int k = 0; k < 4 && svg_cases[_i].absent[k] && *svg_cases[_i].absent[k]; k++)
        ck_assert_msg(!svg_has_text(svg, svg_cases[_i].absent[k]), "%s: text %s is there",
                      svg_cases[_i].what, svg_cases[_i].absent[k]);
    svg_free(svg);
    view_free(&v);
    h_free(&h);
}
END_TEST

/* --steps: out-01.svg ... out-NN.svg, frame k with the red arrows of steps <= k. */
START_TEST(test_svg_steps) {
    Harness h;
    h_init(&h);
    char dir[128], path[160];
    fresh_dir(dir, sizeof dir, "steps");
    h_ok(&h, APPLE_ORANGE);
    h_runf(&h, ":render %s/out.svg --steps", dir);
    ck_assert_msg(h.err_text[0] == '\0', "%s", h.err_text);
    char expected_out[256];
    snprintf(expected_out, sizeof expected_out,
             "rendered 4 frames of %s/out.svg (4 ops, 9 links)\n", dir);
    ck_assert_str_eq(h.out_text, expected_out);
    h_runf(&h, ":render %s/full.svg", dir);
    snprintf(path, sizeof path, "%s/full.svg", dir);
    Svg *full = svg_read(path);
    View v;
    build(&h, &v, "");
    ck_assert_int_eq(v.steps, 4);
    /* Frame 1: the seed and the two gradients out of price's ×; then the +,
     * then each fruit's ×. */
    static const int red_in_frame[] = {0, 3, 5, 7, 9};
    int previous = 0;
    for (int k = 1; k <= v.steps; k++) {
        snprintf(path, sizeof path, "%s/out-%02d.svg", dir, k);
        Svg *frame = svg_read(path);
        ck_assert_msg(frame->red_paths == links_with_gradients(&v, k), "frame %d: %d red, not %d",
                      k, frame->red_paths, links_with_gradients(&v, k));
        ck_assert_msg(frame->red_paths == red_in_frame[k], "frame %d: %d red", k, frame->red_paths);
        ck_assert_int_ge(frame->red_paths, previous);
        ck_assert_int_eq(frame->black_paths, 9);
        if (k == v.steps) ck_assert_int_eq(frame->red_paths, full->red_paths);
        previous = frame->red_paths;
        svg_free(frame);
    }
    char *files = listing(dir);
    ck_assert_str_eq(files, "full.svg out-01.svg out-02.svg out-03.svg out-04.svg");
    free(files);
    svg_free(full);
    view_free(&v);
    h_free(&h);
}
END_TEST

/* --- files ---------------------------------------------------------------------------- */

static const char *const APPLE_MERMAID = "flowchart LR\n"
                                         "    n0[\"apple\"]\n"
                                         "    n1[\"apple_num\"]\n"
                                         "    n2((\"×\"))\n"
                                         "    n3[\"orange\"]\n"
                                         "    n4[\"orange_num\"]\n"
                                         "    n5((\"×\"))\n"
                                         "    n6((\"+\"))\n"
                                         "    n7[\"tax\"]\n"
                                         "    n8((\"×\"))\n"
                                         "    n9[\" \"]\n"
                                         "    n0 -->|\"100\"| n2\n"
                                         "    n1 -->|\"2\"| n2\n"
                                         "    n3 -->|\"150\"| n5\n"
                                         "    n4 -->|\"3\"| n5\n"
                                         "    n2 -->|\"apple_price = 200\"| n6\n"
                                         "    n5 -->|\"orange_price = 450\"| n6\n"
                                         "    n6 -->|\"all_price = 650\"| n8\n"
                                         "    n7 -->|\"1.1\"| n8\n"
                                         "    n8 -->|\"price = 715\"| n9\n"
                                         "    n9 -->|\"1\"| n8\n"
                                         "    n8 -->|\"1.1\"| n6\n"
                                         "    n8 -->|\"650\"| n7\n"
                                         "    n6 -->|\"1.1\"| n2\n"
                                         "    n6 -->|\"1.1\"| n5\n"
                                         "    n5 -->|\"3.3\"| n3\n"
                                         "    n5 -->|\"165\"| n4\n"
                                         "    n2 -->|\"2.2\"| n0\n"
                                         "    n2 -->|\"110\"| n1\n"
                                         "    style n0 fill:none,stroke:none\n"
                                         "    style n1 fill:none,stroke:none\n"
                                         "    style n3 fill:none,stroke:none\n"
                                         "    style n4 fill:none,stroke:none\n"
                                         "    style n7 fill:none,stroke:none\n"
                                         "    style n9 fill:none,stroke:none\n"
                                         "    linkStyle 9,10,11,12,13,14,15,16,17 "
                                         "stroke:red,stroke-width:2px,color:red;\n";

static bool starts_with(const char *s, size_t len, const char *prefix, size_t n) {
    return len >= n && memcmp(s, prefix, n) == 0;
}

static const struct {
    const char *file;
    const char *start; /* the file begins with these bytes */
    size_t start_len;
    const char *contains; /* and has this text somewhere */
} file_cases[] = {
    {"a.png", "\x89PNG\r\n\x1a\n", 8, NULL},
    {"a.pdf", "%PDF", 4, NULL},
    {"a.svg", "", 0, "<svg"},
    {"a.dot", "", 0, "digraph"},
    {"a.gv", "", 0, "digraph"},
    {"a.mmd", "flowchart LR\n", 13, "\n    linkStyle 9,"},
    {"a.md", "```mermaid\nflowchart LR\n", 24, "stroke:red"},
};

START_TEST(test_file_formats) {
    Harness h;
    h_init(&h);
    char dir[128], path[160];
    char name[32];
    snprintf(name, sizeof name, "format_%d", _i);
    fresh_dir(dir, sizeof dir, name);
    snprintf(path, sizeof path, "%s/%s", dir, file_cases[_i].file);
    h_ok(&h, APPLE_ORANGE);
    h_runf(&h, ":render %s", path);
    ck_assert_msg(h.err_text[0] == '\0', "%s: %s", path, h.err_text);
    size_t len;
    char *data = slurp(path, &len);
    ck_assert_msg(data != NULL, "%s not written", path);
    ck_assert_msg(starts_with(data, len, file_cases[_i].start, file_cases[_i].start_len),
                  "%s starts %.16s", path, data);
    if (file_cases[_i].contains)
        ck_assert_msg(strstr(data, file_cases[_i].contains), "%s lacks %s", path,
                      file_cases[_i].contains);
    char *files = listing(dir); /* no temporary left beside it */
    ck_assert_str_eq(files, file_cases[_i].file);
    free(files);
    free(data);
    h_free(&h);
}
END_TEST

/* A PNG's width in pixels, from its IHDR chunk (bytes 16-19, big-endian). */
static long png_width(const char *path) {
    size_t len;
    unsigned char *data = (unsigned char *)slurp(path, &len);
    ck_assert_msg(data && len > 24 && memcmp(data, "\x89PNG", 4) == 0, "%s: no PNG", path);
    long w = (long)data[16] << 24 | (long)data[17] << 16 | (long)data[18] << 8 | data[19];
    free(data);
    return w;
}

/* --scale multiplies a PNG's pixels (96 dpi each); the default is 2. */
START_TEST(test_png_scale) {
    Harness h;
    h_init(&h);
    char dir[128], path[160];
    fresh_dir(dir, sizeof dir, "png_scale");
    h_ok(&h, APPLE_ORANGE);
    snprintf(path, sizeof path, "%s/a.png", dir);
    h_runf(&h, ":render %s --scale 1", path);
    long one = png_width(path);
    h_runf(&h, ":render %s", path);
    long usual = png_width(path);
    h_runf(&h, ":render %s --scale 4", path);
    long four = png_width(path);
    h_runf(&h, ":render %s --scale 0.5", path);
    long half = png_width(path);
    ck_assert_msg(one > 300 && labs(usual - 2 * one) <= 2 && labs(four - 4 * one) <= 4 &&
                      labs(2 * half - one) <= 2,
                  "widths %ld (1), %ld (default), %ld (4), %ld (0.5)", one, usual, four, half);
    /* The SVG keeps points: --scale is for pixels. */
    snprintf(path, sizeof path, "%s/a.svg", dir);
    h_runf(&h, ":render %s --scale 4", path);
    char *svg4 = slurp(path, NULL);
    h_runf(&h, ":render %s", path);
    char *svg = slurp(path, NULL);
    ck_assert_str_eq(svg4, svg);
    free(svg4);
    free(svg);
    h_free(&h);
}
END_TEST

START_TEST(test_mermaid_golden) {
    Harness h;
    h_init(&h);
    char dir[128], path[160];
    fresh_dir(dir, sizeof dir, "mermaid");
    h_ok(&h, APPLE_ORANGE);
    h_ok(&h, ":mermaid");
    ck_assert_str_eq(h.out_text, APPLE_MERMAID);
    snprintf(path, sizeof path, "%s/a.mmd", dir);
    h_runf(&h, ":mermaid %s", path);
    char *data = slurp(path, NULL);
    ck_assert_ptr_nonnull(data);
    ck_assert_str_eq(data, APPLE_MERMAID);
    free(data);
    snprintf(path, sizeof path, "%s/a.md", dir);
    h_runf(&h, ":render %s", path);
    data = slurp(path, NULL);
    ck_assert_ptr_nonnull(data);
    char fenced[4096];
    snprintf(fenced, sizeof fenced, "```mermaid\n%s```\n", APPLE_MERMAID);
    ck_assert_str_eq(data, fenced);
    free(data);
    /* --forward: no backward links and no linkStyle. */
    h_ok(&h, ":mermaid --forward");
    ck_assert_ptr_null(strstr(h.out_text, "linkStyle"));
    ck_assert_ptr_null(strstr(h.out_text, "|\"2.2\"|"));
    h_free(&h);
}
END_TEST

/* Without a file, one line says what there is to draw; `-` prints the DOT. */
START_TEST(test_render_without_file_prints_dot) {
    Harness h;
    h_init(&h);
    h_ok(&h, APPLE_ORANGE);
    h_ok(&h, ":render");
    ck_assert_str_eq(h.out_text, "4 ops, 9 links: :render FILE draws it (.svg .png .pdf .dot "
                                 ".mmd), :render - prints its DOT\n");
    h_ok(&h, ":render --of price - --forward");
    ck_assert_msg(strncmp(h.out_text, "digraph", 7) == 0, "%s", h.out_text);
    ck_assert_ptr_null(strstr(h.out_text, "ops,"));
    h_ok(&h, ":mermaid -");
    ck_assert_msg(strncmp(h.out_text, "flowchart", 9) == 0, "%s", h.out_text);
    /* "layout": the graph dot is given, labelled, not yet positioned. */
    RenderOptions o = render_defaults(session_target(&h.s), NULL, h.s.digits);
    RenderResult result;
    char error[256];
    StrBuf dot;
    sb_init(&dot);
    ck_assert(render_text(&h.s.io.renderer, &h.s.graph, &o, "layout", &dot, &result, error,
                          sizeof error));
    ck_assert_msg(strstr(dot.data, "rankdir=LR") && strstr(dot.data, "label=\"price\n715\n1\"") &&
                      !strstr(dot.data, "pos="),
                  "%s", dot.data);
    sb_free(&dot);
    h_ok(&h, "q = 1; r = -q\n:render");
    ck_assert_str_eq(h.out_text, "r = -1\n1 op, 2 links: :render FILE draws it (.svg .png .pdf "
                                 ".dot .mmd), :render - prints its DOT\n");
    h_free(&h);
}
END_TEST

/* Failing renders: each names its problem, leaves the directory as it was
 * (it holds two empty directories, taken.svg and taken.mmd, in the way of
 * files of those names) and the session usable. %s is the directory. */
static const struct {
    const char *command;
    const char *message[3]; /* %s: the directory */
} render_errors[] = {
    {":render %s/a.jpg", {"'%s/a.jpg'", ".svg, .png, .pdf, .dot, .mmd or .md"}},
    {":render %s/a", {"'%s/a'", ".svg"}},
    {":render %s/missing/a.svg", {"'%s/missing/a.svg'", "No such file or directory"}},
    {":render %s/missing/a.png", {"'%s/missing/a.png'"}},
    {":render %s/missing/a.mmd", {"'%s/missing/a.mmd'", "No such file or directory"}},
    {":mermaid %s/missing/a.md", {"'%s/missing/a.md'"}},
    {":render %s/missing/a.svg --steps", {"%s/missing/a-01.svg"}},
    {":render %s/taken.svg", {"'%s/taken.svg'"}},
    {":render %s/taken.mmd", {"'%s/taken.mmd'"}},
    {":render %s/a.svg --frobnicate", {"unknown option '--frobnicate'"}},
    {":render %s/a.svg --of nope", {"undefined name 'nope'"}},
    {":render %s/a.svg --of", {"--of needs a name"}},
    {":render %s/a.svg --digits 0", {"--digits needs a whole number"}},
    {":render %s/a.svg --all --of price", {"--of and --all cannot be combined"}},
    {":mermaid %s/a.svg", {":mermaid writes .mmd or .md files"}},
    {":watch %s/a.txt", {"cannot tell the format", ".svg"}},
};

START_TEST(test_render_errors) {
    Harness h;
    h_init(&h);
    char dir[128], taken[200];
    char name[32];
    snprintf(name, sizeof name, "error_%d", _i);
    fresh_dir(dir, sizeof dir, name);
    snprintf(taken, sizeof taken, "%s/taken.svg", dir);
    ck_assert_int_eq(mkdir(taken, 0700), 0);
    snprintf(taken, sizeof taken, "%s/taken.mmd", dir);
    ck_assert_int_eq(mkdir(taken, 0700), 0);
    h_ok(&h, APPLE_ORANGE);
    ck_assert(!h_runf(&h, render_errors[_i].command, dir));
    for (int k = 0; k < 3 && render_errors[_i].message[k]; k++) {
        char want[512];
        snprintf(want, sizeof want, render_errors[_i].message[k], dir);
        ck_assert_msg(strstr(h.err_text, want), "%s: no \"%s\" in:\n%s", render_errors[_i].command,
                      want, h.err_text);
    }
    /* Nothing written, nothing left behind. */
    char *files = listing(dir);
    ck_assert_msg(strcmp(files, "taken.mmd taken.svg") == 0, "%s left: %s",
                  render_errors[_i].command, files);
    free(files);
    for (int k = 0; k < 2; k++) {
        snprintf(taken, sizeof taken, "%s/taken.%s", dir, k ? "mmd" : "svg");
        files = listing(taken);
        ck_assert_msg(strcmp(files, "") == 0, "%s holds %s", taken, files);
        free(files);
    }
    /* The session goes on. */
    h_ok(&h, "apple = 200");
    ck_assert_str_eq(h.out_text, "apple = 200\n  → price = 935\n");
    h_runf(&h, ":render %s/ok.svg", dir);
    ck_assert_msg(h.err_text[0] == '\0', "%s", h.err_text);
    char ok[200];
    snprintf(ok, sizeof ok, "%s/ok.svg", dir);
    ck_assert(exists(ok));
    h_free(&h);
}
END_TEST

/* Mermaid: a layer as a rounded box, a tensor's link on one line. */
START_TEST(test_mermaid_tensors) {
    Harness h;
    h_init(&h);
    h_ok(&h, AFFINE);
    h_ok(&h, ":mermaid");
    static const char *const present[] = {
        "    n3(\"Affine\")\n",
        "    n1 -->|\"(2,3) [[1 2 3] [4 5 6]]\"| n3\n",
        "    n3 -->|\"y = (3) [9.1 12.2 15.3]\"| n4\n",
        "    n3 -->|\"(2,3) [[1 1 1] [2 2 2]]\"| n1\n",
        "    n4 -->|\"L = 36.6\"| n5\n",
    };
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
        ck_assert_msg(strstr(h.out_text, present[i]), "no %s in:\n%s", present[i], h.out_text);
    h_ok(&h, ":mermaid --expand");
    ck_assert_ptr_nonnull(strstr(h.out_text, "((\"dot\"))"));
    ck_assert_ptr_null(strstr(h.out_text, "Affine"));
    h_ok(&h, BIG);
    h_ok(&h, ":mermaid");
    ck_assert_msg(strstr(h.out_text, "(\"sum axis=1\")"), "%s", h.out_text);
    ck_assert_msg(strstr(h.out_text, "-->|\"(2,4)\"|"), "%s", h.out_text);
    h_free(&h);
}
END_TEST

/* An empty session, or only leaves: nothing to draw, and no file. */
START_TEST(test_render_nothing) {
    Harness h;
    h_init(&h);
    char dir[128];
    fresh_dir(dir, sizeof dir, "nothing");
    ck_assert(!h_runf(&h, ":render %s/a.svg", dir));
    ck_assert_msg(strstr(h.err_text, "nothing to draw"), "%s", h.err_text);
    h_ok(&h, "x = 1");
    ck_assert(!h_runf(&h, ":render %s/a.mmd", dir));
    ck_assert_msg(strstr(h.err_text, "nothing to draw"), "%s", h.err_text);
    char *files = listing(dir);
    ck_assert_str_eq(files, "");
    free(files);
    h_free(&h);
}
END_TEST

/* A chain of 200 ops is refused (before any layout) with advice; a part of it draws. */
START_TEST(test_size_limit) {
    Harness h;
    h_init(&h);
    char dir[128];
    fresh_dir(dir, sizeof dir, "big");
    StrBuf src;
    sb_init(&src);
    sb_puts(&src, "x0 = 1");
    for (int i = 1; i <= 200; i++)
        sb_printf(&src, "\nx%d = x%d + 1", i, i - 1);
    h_ok(&h, src.data);
    sb_free(&src);
    static const char *const refused[] = {":render %s/big.svg", ":render %s/big.mmd",
                                          ":render %s/big.png --all", ":render %s/big.svg --steps"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        ck_assert(!h_runf(&h, refused[i], dir));
        ck_assert_msg(strstr(h.err_text, "--of") && strstr(h.err_text, "--force"), "%s: %s",
                      refused[i], h.err_text);
        ck_assert_msg(strstr(h.err_text, "200"), "%s: %s", refused[i], h.err_text);
    }
    char *files = listing(dir);
    ck_assert_str_eq(files, "");
    free(files);
    h_runf(&h, ":render %s/part.svg --of x10", dir);
    ck_assert_msg(h.err_text[0] == '\0', "%s", h.err_text);
    char expected[256];
    snprintf(expected, sizeof expected, "rendered %s/part.svg (10 ops, 21 links)\n", dir);
    ck_assert_str_eq(h.out_text, expected);
    h_free(&h);
}
END_TEST

/* :watch FILE redraws after every line that defines something; off stops. */
START_TEST(test_watch) {
    Harness h;
    h_init(&h);
    char dir[128], path[160];
    fresh_dir(dir, sizeof dir, "watch");
    snprintf(path, sizeof path, "%s/w.svg", dir);
    h_runf(&h, ":watch %s", path);
    ck_assert_msg(h.err_text[0] == '\0', "%s", h.err_text);
    ck_assert(!exists(path)); /* nothing to draw yet */
    h_ok(&h, ":watch");
    char expected[256];
    snprintf(expected, sizeof expected, "watch: %s\n", path);
    ck_assert_str_eq(h.out_text, expected);
    static const struct {
        const char *line;
        const char *shows; /* a text now in the picture */
    } steps[] = {
        {"apple = 100; tax = 1.1; price = apple * tax", "110"},
        {"apple = 200", "220"},
        {"tax = 1.5", "300"},
        {"n = 3; price = apple * n * tax", "900"},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        h_ok(&h, steps[i].line);
        Svg *svg = svg_read(path);
        ck_assert_msg(svg_has_text(svg, steps[i].shows), "after %s: no %s", steps[i].line,
                      steps[i].shows);
        svg_free(svg);
    }
    h_ok(&h, ":watch off");
    ck_assert_str_eq(h.out_text, "watch: off\n");
    char *before = slurp(path, NULL);
    struct stat st_before, st_after;
    ck_assert_int_eq(stat(path, &st_before), 0);
    h_ok(&h, "apple = 1000");
    char *after = slurp(path, NULL);
    ck_assert_int_eq(stat(path, &st_after), 0);
    ck_assert_str_eq(after, before);
    ck_assert(st_after.st_ino == st_before.st_ino);
    ck_assert(st_after.st_mtim.tv_sec == st_before.st_mtim.tv_sec &&
              st_after.st_mtim.tv_nsec == st_before.st_mtim.tv_nsec);
    free(before);
    free(after);
    char *files = listing(dir);
    ck_assert_str_eq(files, "w.svg");
    free(files);
    h_free(&h);
}
END_TEST

/* :watch with a Mermaid file: its text follows the graph exactly. */
START_TEST(test_watch_mermaid) {
    Harness h;
    h_init(&h);
    char dir[128], path[160];
    fresh_dir(dir, sizeof dir, "watch_mmd");
    snprintf(path, sizeof path, "%s/w.mmd", dir);
    h_ok(&h, "x = 3; y = x * x");
    h_runf(&h, ":watch %s", path);
    char *text = slurp(path, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "-->|\"y = 9\"|"));
    free(text);
    h_ok(&h, "x = 4");
    text = slurp(path, NULL);
    ck_assert_ptr_nonnull(strstr(text, "-->|\"y = 16\"|"));
    ck_assert_ptr_null(strstr(text, "-->|\"y = 9\"|"));
    free(text);
    /* A new seed changes the gradients drawn: 2 × x = 8 flows back per link. */
    h_ok(&h, ":seed 2");
    text = slurp(path, NULL);
    ck_assert_ptr_nonnull(strstr(text, "-->|\"8\"|"));
    free(text);
    h_free(&h);
}
END_TEST

static Suite *render_suite(void) {
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("view");
    tcase_add_loop_test(tc, test_view_links, 0, sizeof view_cases / sizeof view_cases[0]);
    tcase_add_test(tc, test_view_apple_nodes);
    tcase_add_test(tc, test_view_power_and_constants);
    tcase_add_test(tc, test_view_tensor_nodes);
    tcase_add_loop_test(tc, test_view_expand_sigmoid_gradient, 0,
                        sizeof expand_points / sizeof expand_points[0]);
    tcase_add_loop_test(tc, test_view_expand_tanh_gradient, 0,
                        sizeof expand_points / sizeof expand_points[0]);
    tcase_add_loop_test(tc, test_view_steps, 0, sizeof step_cases / sizeof step_cases[0]);
    suite_add_tcase(s, tc);

    tc = tcase_create("svg");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_test(tc, test_svg_apple);
    tcase_add_loop_test(tc, test_svg_expanded_path_is_straight, 0,
                        sizeof expanded_paths / sizeof expanded_paths[0]);
    tcase_add_loop_test(tc, test_svg_cases, 0, sizeof svg_cases / sizeof svg_cases[0]);
    tcase_add_test(tc, test_svg_steps);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
    tcase_add_loop_test(tc, test_file_formats, 0, sizeof file_cases / sizeof file_cases[0]);
    tcase_add_test(tc, test_mermaid_golden);
    tcase_add_test(tc, test_png_scale);
    tcase_add_test(tc, test_mermaid_tensors);
    tcase_add_test(tc, test_render_without_file_prints_dot);
    tcase_add_loop_test(tc, test_render_errors, 0, sizeof render_errors / sizeof render_errors[0]);
    tcase_add_test(tc, test_render_nothing);
    tcase_add_test(tc, test_size_limit);
    tcase_add_test(tc, test_watch);
    tcase_add_test(tc, test_watch_mermaid);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(render_suite)
