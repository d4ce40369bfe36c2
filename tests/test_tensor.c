/* test_tensor.c - tensors in the engine, driven through the parser.
 *
 *   - broadcasting: shape_broadcast and the element-wise operators agree
 *     with NumPy's rules, and a broadcast input's gradient is summed back to
 *     its own shape;
 *   - forward values of every whole-tensor op on small hand-checked cases;
 *   - gradients: every op (element-wise ones with broadcasting) on random
 *     shapes and values, graph_backward against graph_numeric_grad with a
 *     random upstream gradient R, i.e. the loss Σ R·E, so every output
 *     element matters; integer labels agree with their one-hot form;
 *   - the book's numbers for Softmax-with-Loss and Affine;
 *   - errors: shape mismatches, ragged literals, bad axes, reshapes, indexes
 *     and dimensions, each with its column, and a failing statement leaves
 *     the graph as it was;
 *   - redefinitions that change a leaf's shape reshape their dependents, or
 *     are refused atomically when a dependent no longer fits.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "graph/graph.h"
#include "repl/parser.h"
#include "rng.h"

/* --- running statements ------------------------------------------------------ */

/* Where and why a statement failed. */
typedef struct {
    int col; /* 0 when graph_define refused it */
    char message[512];
} Failure;

/* Runs the definitions in src; false at the first that fails, saying why. */
static bool run(Graph *g, const char *src, Failure *why) {
    Parser p;
    parser_init(&p, g, src, strlen(src), 0, 1);
    Statement st;
    while (parser_statement(&p, &st)) {
        GraphError err;
        if (!st.name ||
            graph_define(g, st.name, st.name_len, st.root, st.mark, &err) == NODE_NONE) {
            why->col = 0;
            snprintf(why->message, sizeof why->message, "%s",
                     st.name ? err.message : "not a definition");
            return false;
        }
    }
    if (p.failed) {
        why->col = p.error.pos.col;
        snprintf(why->message, sizeof why->message, "%s", p.error.message);
    }
    return !p.failed;
}

/* Runs src, which must succeed. */
static void must_run(Graph *g, const char *src) {
    Failure why;
    ck_assert_msg(run(g, src, &why), "\"%s\": %s", src, why.message);
}

static NodeId lookup(const Graph *g, const char *name) {
    return graph_lookup(g, name, (int)strlen(name));
}

/* A named node that must exist. */
static NodeId must_lookup(const Graph *g, const char *name) {
    NodeId id = lookup(g, name);
    ck_assert_msg(id != NODE_NONE, "%s is not defined", name);
    return id;
}

static const char *text_of(const Shape *s, char *buf) {
    return shape_text(s, buf, SHAPE_TEXT_SIZE);
}

/* a and b agree to a relative `rel`, or within `floor_` absolutely. */
static bool agree(double a, double b, double rel, double floor_) {
    return a == b || fabs(a - b) <= rel * fmax(fabs(a), fabs(b)) + floor_;
}

/* The n values want[0..n) and v agree to 1e-12 relative, and v has n
 * elements; `what` names v in the failure message. */
static void check_values(Value v, const double *want, size_t n, const char *what) {
    ck_assert_msg(v.size == n, "%s: %zu elements, want %zu", what, v.size, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(agree(v.data[i], want[i], 1e-12, 1e-15), "%s[%zu] = %.17g, want %.17g", what,
                      i, v.data[i], want[i]);
}

/* --- broadcasting ------------------------------------------------------------ */

typedef struct {
    Shape a, b;
    const char *want; /* the result's shape, or NULL if they do not broadcast */
} BroadcastCase;

static const BroadcastCase broadcast_cases[] = {
    {{0, {0}}, {0, {0}}, "()"},
    {{0, {0}}, {2, {2, 3}}, "(2,3)"},
    {{1, {3}}, {2, {2, 3}}, "(2,3)"},
    {{1, {2}}, {2, {2, 3}}, NULL},
    {{2, {2, 1}}, {2, {1, 3}}, "(2,3)"},
    {{2, {3, 1}}, {1, {4}}, "(3,4)"},
    {{1, {1}}, {0, {0}}, "(1)"},
    {{1, {1}}, {3, {2, 3, 4}}, "(2,3,4)"},
    {{2, {2, 3}}, {2, {3, 2}}, NULL},
    {{2, {2, 3}}, {2, {2, 3}}, "(2,3)"},
    {{3, {2, 3, 4}}, {2, {3, 1}}, "(2,3,4)"},
    {{3, {2, 3, 4}}, {2, {2, 4}}, NULL},
    {{4, {2, 1, 3, 1}}, {3, {4, 1, 5}}, "(2,4,3,5)"},
    {{4, {2, 1, 3, 1}}, {2, {1, 5}}, "(2,1,3,5)"},
    {{4, {1, 1, 1, 1}}, {1, {7}}, "(1,1,1,7)"},
    {{4, {2, 3, 4, 5}}, {4, {2, 3, 4, 6}}, NULL},
};
enum { BROADCAST_CASES = sizeof broadcast_cases / sizeof broadcast_cases[0] };

START_TEST(shape_broadcast_follows_numpy) {
    for (int i = 0; i < BROADCAST_CASES; i++) {
        const BroadcastCase *c = &broadcast_cases[i];
        char sa[SHAPE_TEXT_SIZE], sb[SHAPE_TEXT_SIZE], got[SHAPE_TEXT_SIZE];
        for (int swap = 0; swap < 2; swap++) { /* broadcasting is symmetric */
            Shape out = {0, {0}};
            bool ok =
                swap ? shape_broadcast(&c->b, &c->a, &out) : shape_broadcast(&c->a, &c->b, &out);
            ck_assert_msg(ok == (c->want != NULL), "%s with %s: broadcast %s", text_of(&c->a, sa),
                          text_of(&c->b, sb), ok ? "accepted" : "refused");
            if (ok) ck_assert_str_eq(text_of(&out, got), c->want);
        }
    }
}
END_TEST

/* Source text making a value of shape s: ones(2, 3), or 1 for a scalar. */
static void ones_text(const Shape *s, StrBuf *out) {
    if (s->rank == 0) {
        sb_puts(out, "1");
        return;
    }
    sb_puts(out, "ones(");
    for (int i = 0; i < s->rank; i++)
        sb_printf(out, "%s%d", i ? ", " : "", (int)s->dims[i]);
    sb_puts(out, ")");
}

/* Every element-wise operator broadcasts the same way, and a mismatch names
 * both shapes and points at the operator. */
START_TEST(operators_broadcast_or_point_at_the_mismatch) {
    static const char *const operators[] = {"+", "-", "*", "/", "**"};
    for (int i = 0; i < BROADCAST_CASES; i++) {
        const BroadcastCase *c = &broadcast_cases[i];
        for (int k = 0; k < 5; k++) {
            StrBuf src;
            sb_init(&src);
            sb_puts(&src, "E = ");
            ones_text(&c->a, &src);
            int op_col = (int)src.len + 2; /* 1-based column of the operator */
            sb_printf(&src, " %s ", operators[k]);
            ones_text(&c->b, &src);
            Graph g;
            graph_init_empty(&g);
            Failure why;
            bool ok = run(&g, src.data, &why);
            char sa[SHAPE_TEXT_SIZE], sb[SHAPE_TEXT_SIZE], got[SHAPE_TEXT_SIZE];
            if (c->want) {
                ck_assert_msg(ok, "\"%s\": %s", src.data, why.message);
                NodeId e = must_lookup(&g, "E");
                ck_assert_str_eq(text_of(graph_shape(&g, e), got), c->want);
                Value v = graph_value(&g, e);
                for (size_t j = 0; j < v.size; j++)
                    ck_assert_msg(v.data[j] == (k == 0   ? 2
                                                : k == 1 ? 0
                                                         : 1),
                                  "\"%s\"[%zu] = %g", src.data, j, v.data[j]);
            } else {
                ck_assert_msg(!ok, "\"%s\" was accepted", src.data);
                char want[256];
                snprintf(want, sizeof want, "shapes %s and %s do not broadcast for %s",
                         text_of(&c->a, sa), text_of(&c->b, sb), operators[k]);
                ck_assert_msg(strstr(why.message, want), "\"%s\": \"%s\" lacks \"%s\"", src.data,
                              why.message, want);
                ck_assert_int_eq(why.col, op_col);
                ck_assert_int_eq(graph_count(&g), 0);
            }
            graph_free(&g);
            sb_free(&src);
        }
    }
}
END_TEST

/* --- gradients summed back to the input's shape -------------------------------- */

typedef struct {
    const char *src; /* defines f */
    const char *wrt; /* the leaf whose gradient is checked */
    double want[12];
    int count;
} ReductionCase;

static const ReductionCase reduction_cases[] = {
    /* a bias added to every row gets N: one per row */
    {"X = ones(4, 3); b = [1, 2, 3]; f = sum(X + b)", "b", {4, 4, 4}, 3},
    {"X = ones(4, 3); b = [1, 2, 3]; f = sum(X + b)",
     "X",
     {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
     12},
    {"X = [[1, 2, 3], [4, 5, 6]]; s = 2; f = sum(s * X)", "s", {21}, 1},
    {"X = [[1, 2, 3], [4, 5, 6]]; s = 2; f = sum(s * X)", "X", {2, 2, 2, 2, 2, 2}, 6},
    {"a = [[1], [2], [3]]; b = [[10, 20, 30, 40]]; f = sum(a * b)", "a", {100, 100, 100}, 3},
    {"a = [[1], [2], [3]]; b = [[10, 20, 30, 40]]; f = sum(a * b)", "b", {6, 6, 6, 6}, 4},
    {"x = [1, 2, 3]; f = sum(x - [[1, 1, 1], [2, 2, 2]])", "x", {2, 2, 2}, 3},
    {"y = [[1], [2]]; f = sum([1, 2, 3] - y)", "y", {-3, -3}, 2},
    {"d = [2, 4]; f = sum(ones(3, 2) / d)", "d", {-0.75, -0.1875}, 2},
    {"m = [[1, 2], [3, 4]]; v = [10]; f = mean(m * v)", "v", {2.5}, 1},
    {"b = [1, 2, 3]; f = sum(zeros(2, 2, 2, 3) + b)", "b", {8, 8, 8}, 3},
    {"c = [[5]]; f = sum(c * ones(2, 3))", "c", {6}, 1},
    /* full(2, 2, 2, 2) is (2,2,2) of 2s: each e[j] is used 4 times */
    {"e = [2, 3]; f = sum(full(2, 2, 2, 2) ** e)",
     "e",
     {4 * 4 * 0.6931471805599453, 4 * 8 * 0.6931471805599453},
     2},
    {"x = [1, 2]; f = sum(x * x * ones(3, 1))", "x", {6, 12}, 2}, /* fan-out, broadcast */
};

START_TEST(broadcast_gradients_are_summed_to_the_input_shape) {
    for (size_t i = 0; i < sizeof reduction_cases / sizeof reduction_cases[0]; i++) {
        const ReductionCase *c = &reduction_cases[i];
        Graph g;
        graph_init_empty(&g);
        must_run(&g, c->src);
        ck_assert(graph_backward(&g, must_lookup(&g, "f"), NULL));
        char what[256];
        snprintf(what, sizeof what, "%s: ∂f/∂%s", c->src, c->wrt);
        check_values(graph_grad_value(&g, must_lookup(&g, c->wrt)), c->want, (size_t)c->count,
                     what);
        graph_free(&g);
    }
}
END_TEST

/* --- forward values ---------------------------------------------------------- */

typedef struct {
    const char *expr;
    const char *shape;
    double want[8];
    int count;
} ValueCase;

static const ValueCase value_cases[] = {
    {"[[1, 2], [3, 4]] @ [[5, 6], [7, 8]]", "(2,2)", {19, 22, 43, 50}, 4},
    {"[1, 2] @ [[5, 6], [7, 8]]", "(2)", {19, 22}, 2},
    {"[[5, 6], [7, 8]] @ [1, 2]", "(2)", {17, 23}, 2},
    {"dot([1, 2, 3], [4, 5, 6])", "()", {32}, 1},
    {"[[1], [2]] @ [[3, 4]]", "(2,2)", {3, 4, 6, 8}, 4},
    {"transpose(reshape(arange(6), 2, 3))", "(3,2)", {0, 3, 1, 4, 2, 5}, 6},
    {"[1, 2, 3].T", "(3)", {1, 2, 3}, 3},
    /* T[3][j][i] = x[i][j][3] = 12i + 4j + 3 */
    {"reshape(arange(24), 2, 3, 4).T[3]", "(3,2)", {3, 15, 7, 19, 11, 23}, 6},
    {"transpose(reshape(arange(4), 1, 2, 1, 2))", "(2,1,2,1)", {0, 2, 1, 3}, 4},
    {"sum(reshape(arange(6), 2, 3), axis=0)", "(3)", {3, 5, 7}, 3},
    {"sum(reshape(arange(6), 2, 3), axis=-1)", "(2)", {3, 12}, 2},
    {"sum(reshape(arange(6), 2, 3))", "()", {15}, 1},
    {"sum(reshape(arange(8), 2, 2, 2), 1)", "(2,2)", {2, 4, 10, 12}, 4},
    {"mean(reshape(arange(6), 2, 3), axis=1)", "(2)", {1, 4}, 2},
    {"mean(reshape(arange(8), 2, 2, 2), axis=-3)", "(2,2)", {2, 3, 4, 5}, 4},
    {"mean([1, 2, 3, 6])", "()", {3}, 1},
    {"reshape(arange(6), -1, 2)", "(3,2)", {0, 1, 2, 3, 4, 5}, 6},
    {"reshape([[1, 2], [3, 4]], 4)", "(4)", {1, 2, 3, 4}, 4},
    {"flatten([[1, 2], [3, 4]])", "(4)", {1, 2, 3, 4}, 4},
    {"[[1, 2], [3, 4]][-1]", "(2)", {3, 4}, 2},
    {"[[1, 2], [3, 4]][0][1]", "()", {2}, 1},
    {"affine([1, 2], [[1, 0, 1], [0, 1, 1]], [10, 20, 30])", "(3)", {11, 22, 33}, 3},
    {"affine([[1, 2], [3, 4]], [[1], [1]], [0.5])", "(2,1)", {3.5, 7.5}, 2},
    {"affine(reshape(arange(4), 2, 1, 2), [[1], [1]], [0.5])", "(2,1)", {1.5, 5.5}, 2},
    {"softmax([0, 0])", "(2)", {0.5, 0.5}, 2},
    {"softmax([[0, log(3)], [1, 1]])", "(2,2)", {0.25, 0.75, 0.5, 0.5}, 4},
    {"cross_entropy([0.1, 0.9], [0, 1])", "()", {0.1053604045467214}, 1},
    {"cross_entropy([0.1, 0.9], 1)", "()", {0.1053604045467214}, 1},
    /* (−log(0.9 + 1e-7) − log(0.5 + 1e-7)) / 2 */
    {"cross_entropy([[0.1, 0.9], [0.5, 0.5]], [1, 0])", "()", {0.39925369255334336}, 1},
    /* one class: labels of shape (2) for scores (2,1) are labels, not one-hot */
    {"cross_entropy([[0.5], [0.5]], [0, 0])", "()", {0.6931469805599654}, 1},
    {"softmax_with_loss([0, log(3)], 1)", "()", {0.2876820724517809}, 1},
    {"softmax_with_loss([[0, log(3)]], [[1, 0]])", "()", {1.3862943611198906}, 1},
    {"-[[1, 2], [3, 4]][1]", "(2)", {-3, -4}, 2},
    {"[1 + 1, 2 * 3, -1]", "(3)", {2, 6, -1}, 3},
    {"2 ** [1, 2] + [1, 2] ** 2", "(2)", {3, 8}, 2},
    {"(ones(2, 3) * 2).T.T[1]", "(3)", {2, 2, 2}, 3},
    {"exp([0, 1]) * [[1], [2]]", "(2,2)", {1, 2.718281828459045, 2, 2 * 2.718281828459045}, 4},
    /* argmax along the last axis, the first on a tie (NumPy's); a scalar is its own row */
    {"argmax([[1, 5, 3], [4, 2, 6]])", "(2)", {1, 2}, 2},
    {"argmax([2, 2, 1])", "()", {0}, 1},
    {"argmax(3)", "()", {0}, 1},
    {"argmax(reshape([0, 1, 1, 0, 5, 4, 3, 9], 2, 2, 2))", "(2,2)", {1, 0, 0, 1}, 4},
    {"argmax([1, 0/0, 2])", "()", {1}, 1},
    /* accuracy: labels, or one-hot rows (their argmax is the label) */
    {"accuracy([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1]], [1, 2])", "()", {0.5}, 1},
    {"accuracy([[0.1, 0.8, 0.1], [0.6, 0.3, 0.1]], [[0, 1, 0], [1, 0, 0]])", "()", {1}, 1},
    {"accuracy([0.2, 0.7, 0.1], 0)", "()", {0}, 1},
    {"accuracy(reshape(arange(12), 2, 2, 3), [[2, 2], [0, 2]])", "()", {0.75}, 1},
};

START_TEST(tensor_ops_compute_the_right_values) {
    for (size_t i = 0; i < sizeof value_cases / sizeof value_cases[0]; i++) {
        const ValueCase *c = &value_cases[i];
        char src[256], shape[SHAPE_TEXT_SIZE];
        snprintf(src, sizeof src, "E = %s", c->expr);
        Graph g;
        graph_init_empty(&g);
        must_run(&g, src);
        NodeId e = must_lookup(&g, "E");
        ck_assert_msg(strcmp(text_of(graph_shape(&g, e), shape), c->shape) == 0,
                      "%s: shape %s, want %s", c->expr, shape, c->shape);
        check_values(graph_value(&g, e), c->want, (size_t)c->count, c->expr);
        graph_free(&g);
    }
}
END_TEST

/* --- every op against central differences, on random shapes ------------------ */

enum {
    CASES_PER_OP = 40, /* random cases for each row of op_cases */
    MAX_DIM = 4,
};

static const double REL_TOL = 1e-5;

/* Defines `name` as a leaf of shape s holding data. */
static void define_leaf(Graph *g, const char *name, const Shape *s, const double *data) {
    GraphMark m = graph_mark(g);
    GraphError err;
    NodeId id = graph_add_tensor(g, s, data, &err);
    ck_assert_msg(id != NODE_NONE, "%s", err.message);
    id = graph_define(g, name, (int)strlen(name), id, m, &err);
    ck_assert_msg(id != NODE_NONE, "%s", err.message);
}

/* How a leaf's random values are drawn. */
typedef enum {
    ANY,      /* [-2, 2] */
    POSITIVE, /* [0.5, 2.5]: for log, sqrt and a power's base */
    NONZERO,  /* ±[0.5, 2]: a denominator; ±[0.1, 2] is also away from relu's kink */
    SCORES,   /* [0.05, 1]: probabilities for cross_entropy */
    TARGETS,  /* [0, 1]: a (soft) one-hot target */
} Domain;

static double draw(Rng *r, Domain d) {
    switch (d) {
    case POSITIVE: return rng_range(r, 0.5, 2.5);
    case NONZERO: return (rng_below(r, 2) ? 1 : -1) * rng_range(r, 0.5, 2);
    case SCORES: return rng_range(r, 0.05, 1);
    case TARGETS: return rng_range(r, 0, 1);
    default: return rng_range(r, -2, 2);
    }
}

static void random_leaf(Graph *g, Rng *r, const char *name, const Shape *s, Domain d) {
    size_t n = shape_size(s);
    double *data = malloc(n * sizeof *data);
    ck_assert_ptr_nonnull(data);
    for (size_t i = 0; i < n; i++)
        data[i] = draw(r, d);
    define_leaf(g, name, s, data);
    free(data);
}

/* Integer class labels in [0, classes). */
static void label_leaf(Graph *g, Rng *r, const char *name, const Shape *s, int classes) {
    size_t n = shape_size(s);
    double *data = malloc(n * sizeof *data);
    ck_assert_ptr_nonnull(data);
    for (size_t i = 0; i < n; i++)
        data[i] = rng_below(r, classes);
    define_leaf(g, name, s, data);
    free(data);
}

static Shape random_shape(Rng *r, int rank) {
    Shape s = {(uint8_t)rank, {0}};
    for (int i = 0; i < rank; i++)
        s.dims[i] = 1 + rng_below(r, MAX_DIM);
    return s;
}

/* Two shapes that broadcast: suffixes of one random shape (rank 0 to 4)
 * with some axes set to 1. */
static void broadcast_pair(Rng *r, Shape *a, Shape *b) {
    Shape out = random_shape(r, rng_below(r, BP_MAX_RANK + 1));
    Shape *sides[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        Shape *s = sides[k];
        s->rank = (uint8_t)(out.rank - rng_below(r, out.rank + 1));
        for (int i = 0; i < s->rank; i++)
            s->dims[i] = rng_below(r, 3) == 0 ? 1 : out.dims[out.rank - s->rank + i];
    }
}

/* Each case defines leaves A, B (and C) in g and writes an expression over
 * them whose root is the op under test. */
typedef void (*MakeCase)(Graph *g, Rng *r, Op op, StrBuf *expr);

/* Element-wise ops: the domain of their inputs. */
static Domain domain_of(Op op, int input) {
    switch (op) {
    case OP_DIV: return input == 1 ? NONZERO : ANY;
    case OP_POW: return input == 0 ? POSITIVE : ANY;
    case OP_LOG:
    case OP_SQRT: return POSITIVE;
    case OP_RELU: return NONZERO;
    default: return ANY;
    }
}

static void make_elementwise(Graph *g, Rng *r, Op op, StrBuf *expr) {
    const OpInfo *info = op_info(op);
    Shape a, b;
    broadcast_pair(r, &a, &b);
    random_leaf(g, r, "A", &a, domain_of(op, 0));
    if (info->arity == 2) random_leaf(g, r, "B", &b, domain_of(op, 1));
    if (op == OP_IDENT) /* `E = A` makes E an alias node */
        sb_puts(expr, "A");
    else if (info->syntax == SYN_INFIX)
        sb_printf(expr, "A %s B", info->spelling);
    else if (info->syntax == SYN_PREFIX)
        sb_printf(expr, "%sA", info->spelling);
    else
        sb_printf(expr, "%s(A)", info->spelling);
}

static void make_matmul(Graph *g, Rng *r, Op op, StrBuf *expr) {
    (void)op;
    int n = 1 + rng_below(r, 5), k = 1 + rng_below(r, 5), m = 1 + rng_below(r, 5);
    bool left_matrix = rng_below(r, 2), right_matrix = rng_below(r, 2);
    Shape a = left_matrix ? (Shape){2, {n, k}} : (Shape){1, {k}};
    Shape b = right_matrix ? (Shape){2, {k, m}} : (Shape){1, {k}};
    random_leaf(g, r, "A", &a, ANY);
    random_leaf(g, r, "B", &b, ANY);
    sb_puts(expr, rng_below(r, 2) ? "A @ B" : "dot(A, B)");
}

static void make_transpose(Graph *g, Rng *r, Op op, StrBuf *expr) {
    (void)op;
    Shape a = random_shape(r, 1 + rng_below(r, BP_MAX_RANK));
    random_leaf(g, r, "A", &a, ANY);
    sb_puts(expr, rng_below(r, 2) ? "transpose(A)" : "A.T");
}

/* sum or mean: over all axes, or one (positive or negative). */
static void make_reduce(Graph *g, Rng *r, Op op, StrBuf *expr) {
    int rank = 1 + rng_below(r, BP_MAX_RANK);
    Shape a = random_shape(r, rank);
    random_leaf(g, r, "A", &a, ANY);
    const char *name = op_info(op)->spelling;
    int axis = rng_below(r, 2 * rank) - rank; /* [-rank, rank) */
    switch (rng_below(r, 3)) {
    case 0: sb_printf(expr, "%s(A)", name); break;
    case 1: sb_printf(expr, "%s(A, axis=%d)", name, axis); break;
    default: sb_printf(expr, "%s(A, %d)", name, axis); break;
    }
}

static void make_reshape(Graph *g, Rng *r, Op op, StrBuf *expr) {
    (void)op;
    Shape a = random_shape(r, 1 + rng_below(r, BP_MAX_RANK));
    random_leaf(g, r, "A", &a, ANY);
    /* The new shape: the size split into factors, one maybe left as -1. */
    int rest = (int)shape_size(&a), rank = 1 + rng_below(r, BP_MAX_RANK), dims[BP_MAX_RANK];
    for (int i = 0; i < rank; i++) {
        int d = i == rank - 1 ? rest : 1 + rng_below(r, rest);
        while (rest % d != 0)
            d--;
        dims[i] = d;
        rest /= d;
    }
    int unknown = rng_below(r, 2) ? rng_below(r, rank) : -1;
    sb_puts(expr, "reshape(A");
    for (int i = 0; i < rank; i++)
        sb_printf(expr, ", %d", i == unknown ? -1 : dims[i]);
    sb_puts(expr, ")");
}

static void make_flatten(Graph *g, Rng *r, Op op, StrBuf *expr) {
    (void)op;
    Shape a = random_shape(r, rng_below(r, BP_MAX_RANK + 1));
    random_leaf(g, r, "A", &a, ANY);
    sb_puts(expr, "flatten(A)");
}

static void make_index(Graph *g, Rng *r, Op op, StrBuf *expr) {
    (void)op;
    Shape a = random_shape(r, 1 + rng_below(r, BP_MAX_RANK));
    random_leaf(g, r, "A", &a, ANY);
    sb_printf(expr, "A[%d]", rng_below(r, 2 * a.dims[0]) - a.dims[0]);
}

/* X of rank 1 (one sample) to 4 (samples of rank-3 data, flattened). */
static void make_affine(Graph *g, Rng *r, Op op, StrBuf *expr) {
    (void)op;
    Shape x = random_shape(r, 1 + rng_below(r, BP_MAX_RANK));
    int per_sample = (int)(x.rank == 1 ? shape_size(&x) : shape_size(&x) / (size_t)x.dims[0]);
    int m = 1 + rng_below(r, 5);
    Shape w = {2, {per_sample, m}}, b = {1, {m}};
    random_leaf(g, r, "A", &x, ANY);
    random_leaf(g, r, "B", &w, ANY);
    random_leaf(g, r, "C", &b, ANY);
    sb_puts(expr, "affine(A, B, C)");
}

static void make_softmax(Graph *g, Rng *r, Op op, StrBuf *expr) {
    (void)op;
    Shape a = random_shape(r, 1 + rng_below(r, BP_MAX_RANK));
    random_leaf(g, r, "A", &a, ANY);
    sb_puts(expr, "softmax(A)");
}

/* Scores of rank 1 to 3 and targets: one-hot shaped (soft values, so the
 * target's own gradient is checked too), or one integer label per row. */
static void make_loss(Graph *g, Rng *r, Op op, bool labels, StrBuf *expr) {
    Shape y = random_shape(r, 1 + rng_below(r, 3));
    random_leaf(g, r, "A", &y, op == OP_CROSS_ENTROPY ? SCORES : ANY);
    Shape t = y;
    if (labels) {
        t.rank--;
        label_leaf(g, r, "B", &t, y.dims[y.rank - 1]);
    } else {
        random_leaf(g, r, "B", &t, TARGETS);
    }
    sb_printf(expr, "%s(A, B)", op_info(op)->spelling);
}
static void make_argmax(Graph *g, Rng *r, Op op, StrBuf *expr) {
    (void)op;
    Shape a = random_shape(r, rng_below(r, BP_MAX_RANK + 1));
    random_leaf(g, r, "A", &a, ANY);
    sb_puts(expr, "argmax(A)");
}

static void make_one_hot_loss(Graph *g, Rng *r, Op op, StrBuf *expr) {
    make_loss(g, r, op, false, expr);
}
static void make_label_loss(Graph *g, Rng *r, Op op, StrBuf *expr) {
    make_loss(g, r, op, true, expr);
}

typedef struct {
    Op op;
    MakeCase make;
    const char *variant;
} OpCase;

static const OpCase op_cases[] = {
    {OP_IDENT, make_elementwise, ""},
    {OP_ADD, make_elementwise, ""},
    {OP_SUB, make_elementwise, ""},
    {OP_MUL, make_elementwise, ""},
    {OP_DIV, make_elementwise, ""},
    {OP_POW, make_elementwise, ""},
    {OP_NEG, make_elementwise, ""},
    {OP_EXP, make_elementwise, ""},
    {OP_LOG, make_elementwise, ""},
    {OP_SQRT, make_elementwise, ""},
    {OP_SIN, make_elementwise, ""},
    {OP_COS, make_elementwise, ""},
    {OP_TANH, make_elementwise, ""},
    {OP_SIGMOID, make_elementwise, ""},
    {OP_RELU, make_elementwise, ""},
    {OP_MATMUL, make_matmul, ""},
    {OP_TRANSPOSE, make_transpose, ""},
    {OP_SUM, make_reduce, ""},
    {OP_MEAN, make_reduce, ""},
    {OP_RESHAPE, make_reshape, ""},
    {OP_FLATTEN, make_flatten, ""},
    {OP_INDEX, make_index, ""},
    {OP_AFFINE, make_affine, ""},
    {OP_SOFTMAX, make_softmax, ""},
    {OP_CROSS_ENTROPY, make_one_hot_loss, " (one-hot)"},
    {OP_CROSS_ENTROPY, make_label_loss, " (labels)"},
    {OP_SOFTMAX_WITH_LOSS, make_one_hot_loss, " (one-hot)"},
    {OP_SOFTMAX_WITH_LOSS, make_label_loss, " (labels)"},
    /* Piecewise constant: zero gradient, and central differences agree
     * away from a tie (random scores have none). */
    {OP_ARGMAX, make_argmax, ""},
    {OP_ACCURACY, make_one_hot_loss, " (one-hot)"},
    {OP_ACCURACY, make_label_loss, " (labels)"},
};

/* Compares ∂(Σ R·E)/∂leaf from graph_backward with central differences for
 * every element of leaf; prints and counts the elements that disagree. */
static int compare_gradient(Graph *g, NodeId e, const double *seed, const char *leaf_name,
                            const char *src) {
    NodeId leaf = lookup(g, leaf_name);
    if (leaf == NODE_NONE) return 0;
    Value analytic = graph_grad_value(g, leaf);
    double *numeric = malloc(analytic.size * sizeof *numeric);
    ck_assert_ptr_nonnull(numeric);
    ck_assert(graph_numeric_grad(g, e, leaf, seed, numeric));
    Value y = graph_value(g, e);
    double f = 0;
    for (size_t i = 0; i < y.size; i++)
        f += seed[i] * y.data[i];
    int bad = 0;
    for (size_t i = 0; i < analytic.size; i++) {
        if (agree(analytic.data[i], numeric[i], REL_TOL, 1e-8 * fmax(1, fabs(f)))) continue;
        if (bad++ == 0)
            printf("mismatch: E = %s\n  ∂L/∂%s[%zu]: backward %.17g, numerical %.17g\n", src,
                   leaf_name, i, analytic.data[i], numeric[i]);
    }
    free(numeric);
    return bad;
}

/* Stepping through the backward pass with flows (as :trace does) ends with
 * the gradients graph_backward gave, and each step's flows are what it added
 * to its inputs. */
static void check_stepwise_backward(Graph *g, NodeId e, const double *seed, const char *src) {
    /* Gradients copied node by node: ASan builds poison the gaps. */
    int32_t count = graph_count(g);
    size_t *at = malloc(((size_t)count + 1) * sizeof *at);
    ck_assert_ptr_nonnull(at);
    at[0] = 0;
    for (NodeId id = 0; id < count; id++)
        at[id + 1] = at[id] + graph_grad_value(g, id).size;
    double *want = malloc((at[count] + 1) * sizeof *want);
    ck_assert_ptr_nonnull(want);
    for (NodeId id = 0; id < count; id++)
        memcpy(want + at[id], graph_grad_value(g, id).data, (at[id + 1] - at[id]) * sizeof *want);
    const NodeId *order;
    int32_t len;
    ck_assert(graph_backward_begin(g, e, seed, &order, &len));
    for (int32_t p = len - 1; p >= 0; p--) {
        const Node *n = graph_node(g, order[p]);
        double *flows[BP_MAX_INPUTS] = {NULL};
        for (int i = 0; i < op_info((Op)n->op)->arity; i++) {
            flows[i] = calloc(graph_value(g, n->in[i]).size, sizeof *flows[i]);
            ck_assert_ptr_nonnull(flows[i]);
        }
        graph_backward_node(g, order[p], flows);
        for (int i = 0; i < BP_MAX_INPUTS; i++)
            free(flows[i]);
    }
    for (NodeId id = 0; id < count; id++) {
        Value got = graph_grad_value(g, id);
        for (size_t i = 0; i < got.size; i++)
            ck_assert_msg(agree(got.data[i], want[at[id] + i], 1e-12, 1e-15),
                          "E = %s: stepwise gradient %.17g, graph_backward %.17g", src, got.data[i],
                          want[at[id] + i]);
    }
    free(want);
    free(at);
}

START_TEST(every_op_matches_numerical_gradients_on_random_shapes) {
    Rng rng = {0x5DEECE66DULL};
    int64_t op_uses[OP_COUNT] = {0};
    int checked = 0, mismatches = 0;
    for (size_t c = 0; c < sizeof op_cases / sizeof op_cases[0]; c++) {
        const OpCase *oc = &op_cases[c];
        for (int k = 0; k < CASES_PER_OP; k++) {
            Graph g;
            graph_init_empty(&g);
            StrBuf expr, src;
            sb_init(&expr);
            sb_init(&src);
            oc->make(&g, &rng, oc->op, &expr);
            sb_printf(&src, "E = %s", expr.data);
            must_run(&g, src.data);
            NodeId e = must_lookup(&g, "E");
            ck_assert_msg(graph_node(&g, e)->op == oc->op, "\"%s\" is a %s node, not %s", src.data,
                          op_info((Op)graph_node(&g, e)->op)->name, op_info(oc->op)->name);

            Value y = graph_value(&g, e);
            double *seed = malloc(y.size * sizeof *seed);
            ck_assert_ptr_nonnull(seed);
            for (size_t i = 0; i < y.size; i++) {
                seed[i] = rng_range(&rng, -1, 1);
                ck_assert_msg(isfinite(y.data[i]), "\"%s\"[%zu] = %g", src.data, i, y.data[i]);
            }
            ck_assert(graph_backward(&g, e, seed));
            check_stepwise_backward(&g, e, seed, src.data);
            int bad = 0;
            static const char *const leaves[] = {"A", "B", "C"};
            for (int i = 0; i < 3; i++)
                bad += compare_gradient(&g, e, seed, leaves[i], expr.data);
            if (bad)
                printf("  (%s%s, %d elements disagree)\n", op_info(oc->op)->name, oc->variant, bad);
            mismatches += bad > 0;
            op_uses[oc->op]++;
            checked++;
            free(seed);
            sb_free(&expr);
            sb_free(&src);
            graph_free(&g);
        }
    }
    printf("tensor gradients: %d random cases checked, %d mismatches\n", checked, mismatches);
    fflush(stdout); /* Check's forked test ends with _exit on failure */
    ck_assert_int_eq(mismatches, 0);
    /* Every op that computes (element-wise or whole-tensor) has a row in
     * op_cases: a new op cannot slip in untested. */
    for (int op = 0; op < OP_COUNT; op++) {
        const OpInfo *info = op_info((Op)op);
        if (!info->forward && !info->infer) continue;
        ck_assert_msg(op_uses[op] > 0, "no random case tests %s: add a row to op_cases",
                      info->name);
    }
}
END_TEST

/* Integer labels give the same loss and ∂/∂scores as the one-hot targets
 * they stand for, down to a single class. */
START_TEST(labels_agree_with_their_one_hot_targets) {
    Rng rng = {0x2545F4914F6CDD1DULL};
    static const Op losses[] = {OP_CROSS_ENTROPY, OP_SOFTMAX_WITH_LOSS};
    for (int k = 0; k < 200; k++) {
        Op op = losses[k % 2];
        Graph g;
        graph_init_empty(&g);
        Shape y = random_shape(&rng, 1 + rng_below(&rng, 3));
        int classes = y.dims[y.rank - 1];
        Shape t = y;
        t.rank--;
        random_leaf(&g, &rng, "Y", &y, op == OP_CROSS_ENTROPY ? SCORES : ANY);
        label_leaf(&g, &rng, "T", &t, classes);
        /* The one-hot form of T. */
        Value labels = graph_value(&g, must_lookup(&g, "T"));
        double *one_hot = calloc(shape_size(&y), sizeof *one_hot);
        ck_assert_ptr_nonnull(one_hot);
        for (size_t row = 0; row < labels.size; row++)
            one_hot[row * (size_t)classes + (size_t)labels.data[row]] = 1;
        define_leaf(&g, "H", &y, one_hot);
        free(one_hot);
        char src[128];
        snprintf(src, sizeof src, "L1 = %s(Y, T); L2 = %s(Y, H)", op_info(op)->spelling,
                 op_info(op)->spelling);
        must_run(&g, src);
        char ys[SHAPE_TEXT_SIZE];
        double l1 = graph_scalar(&g, must_lookup(&g, "L1")),
               l2 = graph_scalar(&g, must_lookup(&g, "L2"));
        ck_assert_msg(agree(l1, l2, 1e-12, 1e-15), "%s, Y %s: labels give %.17g, one-hot %.17g",
                      op_info(op)->name, text_of(&y, ys), l1, l2);
        double *grad = malloc(shape_size(&y) * sizeof *grad);
        ck_assert_ptr_nonnull(grad);
        ck_assert(graph_backward(&g, must_lookup(&g, "L2"), NULL));
        memcpy(grad, graph_grad_value(&g, must_lookup(&g, "Y")).data,
               shape_size(&y) * sizeof *grad);
        ck_assert(graph_backward(&g, must_lookup(&g, "L1"), NULL));
        check_values(graph_grad_value(&g, must_lookup(&g, "Y")), grad, shape_size(&y),
                     "∂(labels loss)/∂Y against one-hot");
        free(grad);
        graph_free(&g);
    }
}
END_TEST

/* One-hot targets or labels are told apart by shape alone: a one-hot row
 * may hold -1 (a soft target), and a label tensor never reads a whole row.
 * Labels changed behind the engine's back (as :descend on a param t would)
 * give a nan loss and no gradient for their row, and touch no other value:
 * issue 10's `t = [-1]; a = [5, 7]` read and wrote a's values. */
START_TEST(labels_are_told_by_shape_and_read_in_bounds) {
    Graph g;
    graph_init_empty(&g);
    must_run(&g, "L = softmax_with_loss([[0, 0, 0]], [[-1, 0, 0]])");
    ck_assert_double_eq_tol(graph_scalar(&g, must_lookup(&g, "L")), -log(3), 1e-15);
    static const Op losses[] = {OP_CROSS_ENTROPY, OP_SOFTMAX_WITH_LOSS};
    static const double bad[] = {-1, 3, 2.6, -0.6, NAN, INFINITY, -INFINITY, 1e300, -1e300};
    for (size_t k = 0; k < sizeof losses / sizeof losses[0]; k++) {
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            char src[160];
            snprintf(src, sizeof src,
                     "t = [1, 2]; a = [5, 7]; y = softmax([[1, 2, 3], [3, 2, 1]]); "
                     "L = %s(y, t) + sum(a)",
                     op_info(losses[k])->spelling);
            must_run(&g, src);
            NodeId t = must_lookup(&g, "t"), a = must_lookup(&g, "a"), y = must_lookup(&g, "y");
            NodeId L = must_lookup(&g, "L");
            graph_leaf_data(&g, t)[0] = bad[b];
            ck_assert(graph_update(&g, &t, 1));
            ck_assert_msg(isnan(graph_scalar(&g, L)), "%s, label %g: L = %g",
                          op_info(losses[k])->name, bad[b], graph_scalar(&g, L));
            ck_assert(graph_backward(&g, L, NULL));
            static const double ones[2] = {1, 1}, five_seven[2] = {5, 7};
            check_values(graph_grad_value(&g, a), ones, 2, "∂L/∂a");
            check_values(graph_value(&g, a), five_seven, 2, "a");
            Value dy = graph_grad_value(&g, y);
            for (int j = 0; j < 3; j++) /* row 0 has no class: nothing flows to it */
                ck_assert_double_eq(dy.data[j], 0);
            /* A nudge as small as the numerical gradient's keeps the class. */
            graph_leaf_data(&g, t)[0] = 1 + 2e-5;
            ck_assert(graph_update(&g, &t, 1));
            ck_assert(isfinite(graph_scalar(&g, L)));
        }
    }
    graph_free(&g);
}
END_TEST

/* --- the book's numbers ------------------------------------------------------- */

/* Softmax-with-Loss passes back y − t: the book's worked examples, where the
 * scores are the logs of the probabilities the softmax should give back. */
START_TEST(softmax_with_loss_passes_back_y_minus_t) {
    static const struct {
        const char *src;
        double want[3];
    } cases[] = {
        {"x = log([0.3, 0.2, 0.5]); L = softmax_with_loss(x, [0, 1, 0])", {0.3, -0.8, 0.5}},
        {"x = log([0.3, 0.2, 0.5]); L = softmax_with_loss(x, 1)", {0.3, -0.8, 0.5}},
        {"x = log([0.01, 0.99, 1e-300]); L = softmax_with_loss(x, [0, 1, 0])", {0.01, -0.01, 0}},
        {"x = log([0.01, 0.99, 1e-300]); L = softmax_with_loss(x, 1)", {0.01, -0.01, 0}},
        /* a batch of two divides by 2 */
        {"x = log([[0.3, 0.2, 0.5]]) + [[0], [0]]; L = softmax_with_loss(x, [1, 1])",
         {0.15, -0.4, 0.25}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Graph g;
        graph_init_empty(&g);
        must_run(&g, cases[i].src);
        ck_assert(graph_backward(&g, must_lookup(&g, "L"), NULL));
        Value dx = graph_grad_value(&g, must_lookup(&g, "x"));
        for (size_t j = 0; j < dx.size; j++)
            ck_assert_msg(fabs(dx.data[j] - cases[i].want[j % 3]) < 1e-9, "%s: ∂L/∂x[%zu] = %.17g",
                          cases[i].src, j, dx.data[j]);
        graph_free(&g);
    }
}
END_TEST

/* The book's Affine layer: X (2) · W (2,3) + B (3), then a batch of two,
 * where ∂B is the column sum of dout. Expected values are computed here with
 * plain loops, independent of CBLAS. */
START_TEST(affine_backward_is_the_books) {
    static const double w[2][3] = {{1, 2, 3}, {4, 5, 6}};
    static const double bias[3] = {0.5, -1, 2};
    static const struct {
        const char *x;
        int n; /* samples */
        double x_data[2][2];
    } cases[] = {{"[1, 2]", 1, {{1, 2}}}, {"[[1, 2], [-3, 0.5]]", 2, {{1, 2}, {-3, 0.5}}}};
    static const double dout[2][3] = {{1, -2, 0.5}, {3, 0.25, -1}};
    for (size_t c = 0; c < 2; c++) {
        Graph g;
        graph_init_empty(&g);
        char src[256];
        snprintf(src, sizeof src,
                 "X = %s; W = [[1, 2, 3], [4, 5, 6]]; B = [0.5, -1, 2]; Y = affine(X, W, B)",
                 cases[c].x);
        must_run(&g, src);
        int n = cases[c].n;
        double y[6], dx[4] = {0}, dw[6] = {0}, db[3] = {0};
        for (int s = 0; s < n; s++)
            for (int j = 0; j < 3; j++) {
                y[s * 3 + j] =
                    bias[j] + cases[c].x_data[s][0] * w[0][j] + cases[c].x_data[s][1] * w[1][j];
                db[j] += dout[s][j];
                for (int k = 0; k < 2; k++) {
                    dx[s * 2 + k] += dout[s][j] * w[k][j];
                    dw[k * 3 + j] += cases[c].x_data[s][k] * dout[s][j];
                }
            }
        check_values(graph_value(&g, must_lookup(&g, "Y")), y, (size_t)n * 3, "Y");
        ck_assert(graph_backward(&g, must_lookup(&g, "Y"), &dout[0][0]));
        check_values(graph_grad_value(&g, must_lookup(&g, "X")), dx, (size_t)n * 2, "∂X");
        check_values(graph_grad_value(&g, must_lookup(&g, "W")), dw, 6, "∂W");
        check_values(graph_grad_value(&g, must_lookup(&g, "B")), db, 3, "∂B");
        graph_free(&g);
    }
}
END_TEST

/* --- errors ------------------------------------------------------------------- */

typedef struct {
    const char *src;
    int col;            /* where the caret goes */
    const char *reason; /* a substring of the message */
} ErrorCase;

static const ErrorCase error_cases[] = {
    {"E = ones(2, 3) @ ones(2, 3)", 16, "shapes (2,3) and (2,3) do not fit for @"},
    {"E = dot(ones(3), ones(2))", 5, "shapes (3) and (2) do not fit for @"},
    {"E = ones(2, 2, 2) @ ones(2)", 19, "@ multiplies vectors and matrices"},
    {"E = 2 @ ones(2)", 7, "not shapes () and (2)"},
    {"E = zeros(2, 3) + ones(2)", 17, "shapes (2,3) and (2) do not broadcast for +"},
    {"E = ones(3).T * ones(2)", 15, "shapes (3) and (2) do not broadcast for *"},
    {"E = [[1, 2], [3]]", 14, "ragged literal: this row has 1 element, the first has 2"},
    {"E = [[1, 2], 3]", 14, "ragged literal: expected a row [...] here"},
    {"E = [1, [2]]", 9, "ragged literal: expected a number here"},
    {"E = [[[1], [2]], [[3, 4], [5, 6]]]", 19, "ragged literal: this row has 2 elements"},
    {"E = [[[[[1]]]]]", 9, "a literal has at most 4 dimensions"},
    {"E = []", 6, "an empty literal"},
    {"E = [1, 2", 10, "expected ']' to close the '[' at column 5"},
    {"E = sum(ones(2, 3), axis=2)", 5, "sum: axis 2 is out of range for shape (2,3)"},
    {"E = mean(ones(2, 3), axis=-3)", 5, "mean: axis -3 is out of range for shape (2,3)"},
    {"E = sum(ones(2, 3), axis=1.5)", 26, "an axis must be a whole number"},
    {"E = sum(ones(2, 3), 0, 1)", 21, "sum takes one tensor and axis="},
    {"E = sum(2, axis=0)", 5, "axis 0 is out of range for shape ()"},
    {"E = reshape(ones(2, 3), 4, -1)", 5, "a value of shape (2,3) cannot be reshaped to (4,-1)"},
    {"E = reshape(ones(2, 3), 4, 2)", 5, "cannot be reshaped to (4,2)"},
    {"E = reshape(ones(6), -1, -1)", 5, "reshape: (-1,-1) is not a shape"},
    {"E = reshape(ones(6), 0, 6)", 22, "a dimension must be a whole number from 1 up"},
    {"E = reshape(ones(6))", 5, "reshape takes a tensor and 1 to 4 dimensions"},
    {"E = ones(2, 3)[2]", 15, "index 2 is out of range for shape (2,3)"},
    {"E = ones(2, 3)[-3]", 15, "index -3 is out of range for shape (2,3)"},
    {"E = ones(2, 3)[0.5]", 16, "an index must be a whole number, not 0.5"},
    {"E = ones(2)[0][0]", 15, "a scalar cannot be indexed"},
    {"E = zeros(10000, 10000)", 5, "that is 100000000 elements: the limit is 67108864 per value"},
    {"E = ones(8192, 1) * ones(1, 8193)", 19, "a value of shape (8192,8193) is too big"},
    {"E = zeros(2.5, 2)", 11, "a dimension must be a whole number from 1 to 67108864, not 2.5"},
    {"E = ones(2, 0)", 13, "a dimension must be a whole number from 1 to 67108864, not 0"},
    {"E = ones(2, -1)", 13, "not -1"},
    {"E = full(2)", 5, "full takes 2 to 5 numbers, got 1"},
    {"E = zeros(ones(2))", 11, "a dimension must be a number, not a tensor"},
    {"E = randn(2, seed=-1)", 19, "a seed must be a whole number"},
    {"E = arange(0)", 5, "arange(0, 0, 1) would be empty"},
    {"E = affine(ones(2, 3), ones(4, 2), ones(2))", 5,
     "affine: X (2,3) has 3 values per sample, but W (4,2) has 4 rows"},
    {"E = affine(ones(2, 1), ones(2, 3), ones(3))", 5,
     "affine: X (2,1) has 1 value per sample, but W (2,3) has 2 rows"},
    {"E = affine(ones(2, 2), ones(1, 3), ones(3))", 5,
     "affine: X (2,2) has 2 values per sample, but W (1,3) has 1 row"},
    {"E = affine(ones(2, 3), ones(3), ones(3))", 5, "affine: W must be a matrix, not shape (3)"},
    {"E = affine(ones(3), ones(3, 2), ones(3))", 5, "affine: b (3) must be a vector as long"},
    {"E = affine(2, ones(1, 2), ones(2))", 5, "affine: X must have samples"},
    {"E = softmax(2)", 5, "softmax needs an axis to normalise along, not a scalar ()"},
    {"E = cross_entropy(ones(2, 3), ones(3))", 5,
     "cross_entropy: t (3) must be one-hot like the scores (2,3)"},
    {"E = softmax_with_loss(ones(2, 3), ones(2, 2))", 5, "softmax_with_loss: t (2,2) must be"},
    {"E = softmax_with_loss(ones(3), ones(2))", 5, "t (2) must be one-hot like the scores (3)"},
    /* Labels are whole numbers naming one of the classes (issue 10): the
     * first bad one is named with its row and the number of classes. */
    {"E = cross_entropy(softmax(ones(2, 3)), [0, -1])", 5,
     "cross_entropy: label -1 in row 1 is not a class: the scores have 3 classes, so a label is "
     "a whole number from 0 to 2"},
    {"E = softmax_with_loss(ones(2, 3), [1, 5])", 5, "softmax_with_loss: label 5 in row 1"},
    {"E = softmax_with_loss(ones(2, 3), [0, 3])", 5, "label 3 in row 1"},
    {"E = softmax_with_loss(ones(2, 3), [2.5, 0])", 5, "label 2.5 in row 0"},
    {"E = softmax_with_loss(ones(2, 3), [0, -0.5])", 5, "label -0.5 in row 1"},
    {"E = cross_entropy(softmax(ones(2, 3)), [0, 0/0])", 5, "label nan in row 1"},
    {"E = cross_entropy(softmax(ones(2, 3)), [1/0, 0])", 5, "label inf in row 0"},
    {"E = cross_entropy(softmax(ones(2, 3)), [-1/0, 0])", 5, "label -inf in row 0"},
    {"E = cross_entropy(softmax(ones(2, 3)), [1e300, 0])", 5, "label 1e+300 in row 0"},
    {"E = cross_entropy(softmax(ones(2, 3)), [0, 9223372036854775808])", 5,
     "label 9.223372036854776e+18 in row 1"},
    {"E = softmax_with_loss(ones(2, 1), [0, 1])", 5,
     "label 1 in row 1 is not a class: the scores have 1 class, so a label is a whole number from "
     "0 to 0"},
    {"E = softmax_with_loss(ones(2, 2, 3), [[0, 1], [2, 3]])", 5, "label 3 in row 3"},
    {"E = softmax_with_loss(ones(3), -1)", 5, "label -1 in row 0"},
    {"E = accuracy(ones(2, 3), [0, 3])", 5,
     "accuracy: label 3 in row 1 is not a class: the scores have 3 classes"},
    {"E = accuracy(ones(2, 3), ones(3))", 5,
     "accuracy: t (3) must be one-hot like the scores (2,3)"},
    {"E = accuracy(2, 1)", 5, "accuracy: t () must be one-hot like the scores ()"},
    /* Products of sizes that would wrap around are refused, not divided by
     * (2^24 · 2^24 · 2^16 is 2^64: 0 in 64 bits). */
    {"E = reshape(ones(2), 16777216, 16777216, 65536, -1)", 5,
     "reshape: a value of shape (2) cannot be reshaped to (16777216,16777216,65536,-1)"},
    {"E = reshape(ones(2), 65536, 65536, 65536, 65536)", 5, "cannot be reshaped to"},
    {"E = reshape(ones(2), 16777216, 16777216, 16777216, 16777216)", 5, "cannot be reshaped to"},
    {"E = zeros(65536, 65536, 65536, 65536)", 5,
     "that is 18446744073709551616 elements: the limit is 67108864 per value"},
    {"E = ones(65536, 1, 1, 1) * ones(1, 65536, 1, 1) * ones(1, 1, 65536, 1)", 26,
     "a value of shape (65536,65536,1,1) is too big"},
    {"E = transpose(ones(2), ones(2))", 24, "an argument after the tensor must be a number"},
    {"E = flatten(ones(2), 3)", 22, "flatten takes 1 argument, got 2"},
    {"E = ones(2).X", 13, "expected T after '.'"},
    {"E = [before, 1]", 6, "a literal's element must be a number, not a name like 'before'"},
    {"E = [1, ones(2)]", 9, "a literal's element must be a number, not a tensor"},
};

/* A failing statement reports where and why, and leaves the graph as it was
 * (here: holding one definition made before). */
START_TEST(errors_point_at_the_problem_and_change_nothing) {
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const ErrorCase *c = &error_cases[i];
        Graph g;
        graph_init_empty(&g);
        must_run(&g, "before = [1, 2]");
        int32_t count = graph_count(&g);
        uint32_t values = g.vcount;
        Failure why;
        ck_assert_msg(!run(&g, c->src, &why), "\"%s\" was accepted", c->src);
        ck_assert_msg(strstr(why.message, c->reason), "\"%s\": \"%s\" lacks \"%s\"", c->src,
                      why.message, c->reason);
        ck_assert_msg(why.col == c->col, "\"%s\": column %d, want %d (%s)", c->src, why.col, c->col,
                      why.message);
        ck_assert_int_eq(graph_count(&g), count);
        ck_assert_uint_eq(g.vcount, values);
        ck_assert(lookup(&g, "E") == NODE_NONE);
        graph_free(&g);
    }
}
END_TEST

/* --- redefinitions that change a shape ----------------------------------------- */

/* Changing a leaf's shape reshapes everything downstream, which then holds
 * the right values and gradients. */
START_TEST(redefining_a_leaf_reshapes_its_dependents) {
    Graph g;
    graph_init_empty(&g);
    must_run(&g, "X = ones(2, 3); W = full(3, 4, 0.5); b = [1, 2, 3, 4]; Y = affine(X, W, b); "
                 "Z = X @ W + b; s = sum(Y * Z); F = reshape(X, 3, -1)[0]");
    must_run(&g, "X = full(5, 3, 2)");
    char shape[SHAPE_TEXT_SIZE];
    static const struct {
        const char *name, *shape;
        double first;
    } want[] = {{"X", "(5,3)", 2}, {"Y", "(5,4)", 4}, {"Z", "(5,4)", 4}, {"F", "(5)", 2}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        NodeId id = must_lookup(&g, want[i].name);
        ck_assert_str_eq(text_of(graph_shape(&g, id), shape), want[i].shape);
        ck_assert_double_eq(graph_scalar(&g, id), want[i].first);
    }
    /* Y = Z = [4, 5, 6, 7] per row: s = 5 · (16 + 25 + 36 + 49) */
    NodeId s = must_lookup(&g, "s");
    ck_assert_double_eq(graph_scalar(&g, s), 630);
    ck_assert(graph_backward(&g, s, NULL));
    Value db = graph_grad_value(&g, must_lookup(&g, "b"));
    static const double want_db[4] = {40, 50, 60, 70}; /* Σ rows 2·Y */
    check_values(db, want_db, 4, "∂s/∂b");
    /* Back to one row, then a derived name changes shape too: Y (1,4) is
     * [2.5, 3.5, 4.5, 5.5] and Z (2,4) two copies of it. */
    must_run(&g, "X = ones(1, 3); Z = ones(2, 1) @ X @ W + b");
    ck_assert_str_eq(text_of(graph_shape(&g, must_lookup(&g, "Y")), shape), "(1,4)");
    ck_assert_str_eq(text_of(graph_shape(&g, must_lookup(&g, "Z")), shape), "(2,4)");
    ck_assert_double_eq(graph_scalar(&g, s), 2 * (2.5 * 2.5 + 3.5 * 3.5 + 4.5 * 4.5 + 5.5 * 5.5));
    /* A derived name turned into a leaf of another shape, and an alias of
     * one: their users follow. */
    must_run(&g, "Z = [[1, 2, 3, 4]]");
    ck_assert_double_eq(graph_scalar(&g, s), 2.5 + 7 + 13.5 + 22);
    must_run(&g, "V = [1, 1]; Z = V @ ones(2, 4)");
    ck_assert_str_eq(text_of(graph_shape(&g, must_lookup(&g, "Z")), shape), "(4)");
    ck_assert_double_eq(graph_scalar(&g, s), 2 * 16);
    must_run(&g, "Z = b");
    ck_assert_double_eq(graph_scalar(&g, s), 2.5 + 7 + 13.5 + 22);
    graph_free(&g);
}
END_TEST

typedef struct {
    const char *setup, *change;
    const char *reason; /* a substring of the refusal */
} RefusalCase;

static const RefusalCase refusal_cases[] = {
    {"X = ones(2, 3); b = [1, 2, 3]; Y = X + b", "b = [1, 2, 3, 4]",
     "changing b from (3) to (4) breaks Y: shapes (2,3) and (4) do not broadcast"},
    {"X = ones(2, 3); W = ones(3, 4); s = sum(X @ W, axis=0)", "X = ones(2, 5)",
     "changing X from (2,3) to (2,5) breaks s: shapes (2,5) and (3,4) do not fit for @"},
    {"A = arange(6); B = reshape(A, 2, 3); C = B * 2", "A = arange(7)",
     "changing A from (6) to (7) breaks B: reshape"},
    {"A = arange(6); B = reshape(A, -1, 3)", "A = arange(8)", "breaks B"},
    {"A = ones(3, 2); r = A[2]; t = r + 1", "A = ones(2, 2)",
     "breaks r: index 2 is out of range for shape (2,2)"},
    {"A = ones(2, 3); m = mean(A, axis=1); u = m * 3", "A = [1, 2]",
     "breaks m: mean: axis 1 is out of range for shape (2)"},
    {"y = softmax(ones(2, 3)); t = [0, 2]; L = cross_entropy(y, t)", "t = [0, 1, 2]",
     "breaks L: cross_entropy: t (3) must be"},
    /* values a node downstream refuses: a label that names no class */
    {"y = softmax(ones(2, 3)); t = [0, 2]; L = cross_entropy(y, t)", "t = [0, -1]",
     "changing t breaks L: cross_entropy: label -1 in row 1 is not a class"},
    {"x = ones(2, 3); t = [0, 2]; L = softmax_with_loss(x, t) * 2", "t = [3, 0]",
     "changing t breaks L: softmax_with_loss: label 3 in row 0"},
    {"x = ones(1, 3); u = [1]; t = u - 1; L = softmax_with_loss(x, t)", "u = [0/0]",
     "changing u breaks L: softmax_with_loss: label nan in row 0"},
    {"y = softmax(ones(1, 3)); a = [1]; t = a; L = cross_entropy(y, t)", "t = a + 2",
     "changing t breaks L: cross_entropy: label 3"},
    {"y = softmax(ones(1, 3)); a = [1]; t = a * 1; L = cross_entropy(y, t)", "t = [2.5]",
     "changing t breaks L: cross_entropy: label 2.5"},
    {"y = softmax(ones(1, 3)); a = [1]; t = a * 1; L = cross_entropy(y, t)", "t = [[2]]",
     "changing t from (1) to (1,1) breaks L"},
    {"x = ones(3); W = ones(3, 2); b = ones(2); h = affine(x, W, b); k = sum(h)", "W = ones(4, 2)",
     "breaks h: affine"},
    /* a derived name changing shape breaks its user too */
    {"X = ones(2, 3); Z = X * 2; w = Z @ ones(3)", "Z = X.T",
     "changing Z from (2,3) to (3,2) breaks w"},
    {"A = ones(8192, 1); B = ones(1, 2); C = A * B", "B = ones(1, 8193)",
     "breaks C: a value of shape (8192,8193) is too big"},
    {"X = ones(2); Y = X; s = sum(Y * [1, 2])", "X = ones(3)", "breaks s"},
    /* the first dependent in order that breaks is named */
    {"a = [1, 2]; b = a + [1, 1]; c = b @ [1, 1]", "a = [1, 2, 3]", "breaks b"},
};

/* A change that a dependent cannot take is refused with the dependent's
 * name, and the session is as it was: every name's node, shape and values. */
START_TEST(a_redefinition_that_breaks_a_dependent_is_refused) {
    for (size_t i = 0; i < sizeof refusal_cases / sizeof refusal_cases[0]; i++) {
        const RefusalCase *c = &refusal_cases[i];
        Graph g;
        graph_init_empty(&g);
        must_run(&g, c->setup);
        int32_t count = graph_count(&g);
        uint32_t vcount = g.vcount;
        /* A snapshot of every named node: shape and values. */
        int32_t names = g.name_count;
        NodeId ids[16];
        Shape shapes[16];
        double *values[16];
        ck_assert_int_le(names, 16);
        for (int32_t k = 0; k < names; k++) {
            ids[k] = g.names[k].node;
            shapes[k] = *graph_shape(&g, ids[k]);
            Value v = graph_value(&g, ids[k]);
            values[k] = malloc(v.size * sizeof *values[k]);
            ck_assert_ptr_nonnull(values[k]);
            memcpy(values[k], v.data, v.size * sizeof *values[k]);
        }
        Failure why;
        ck_assert_msg(!run(&g, c->change, &why), "\"%s\" after \"%s\" was accepted", c->change,
                      c->setup);
        ck_assert_msg(strstr(why.message, c->reason), "\"%s\": \"%s\" lacks \"%s\"", c->change,
                      why.message, c->reason);
        ck_assert_int_eq(graph_count(&g), count);
        ck_assert_uint_eq(g.vcount, vcount);
        ck_assert_int_eq(g.name_count, names);
        for (int32_t k = 0; k < names; k++) {
            ck_assert_int_eq(g.names[k].node, ids[k]);
            ck_assert(shape_equal(graph_shape(&g, ids[k]), &shapes[k]));
            Value v = graph_value(&g, ids[k]);
            ck_assert_msg(memcmp(v.data, values[k], v.size * sizeof *v.data) == 0,
                          "%s changed after \"%s\"", graph_name_of(&g, ids[k]), c->change);
            free(values[k]);
        }
        /* Still usable: backward from the last name runs. */
        ck_assert(graph_backward(&g, ids[names - 1], NULL));
        graph_free(&g);
    }
}
END_TEST

static Suite *tensor_suite(void) {
    Suite *s = suite_create("tensor");
    TCase *shapes = tcase_create("broadcasting");
    tcase_add_test(shapes, shape_broadcast_follows_numpy);
    tcase_add_test(shapes, operators_broadcast_or_point_at_the_mismatch);
    tcase_add_test(shapes, broadcast_gradients_are_summed_to_the_input_shape);
    suite_add_tcase(s, shapes);

    TCase *ops = tcase_create("ops");
    tcase_add_test(ops, tensor_ops_compute_the_right_values);
    tcase_add_test(ops, every_op_matches_numerical_gradients_on_random_shapes);
    tcase_add_test(ops, labels_agree_with_their_one_hot_targets);
    tcase_add_test(ops, labels_are_told_by_shape_and_read_in_bounds);
    tcase_add_test(ops, softmax_with_loss_passes_back_y_minus_t);
    tcase_add_test(ops, affine_backward_is_the_books);
    suite_add_tcase(s, ops);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, errors_point_at_the_problem_and_change_nothing);
    tcase_add_test(errors, redefining_a_leaf_reshapes_its_dependents);
    tcase_add_test(errors, a_redefinition_that_breaks_a_dependent_is_refused);
    suite_add_tcase(s, errors);
    return s;
}

CHECK_MAIN(tensor_suite)
