/* test_ops.c - the op table and its kernels (graph/ops.h), without a graph.
 *
 * Covers: every backward kernel against central differences of its own
 * forward kernel at sample points of its domain (upstream dy = 1.7, dx
 * pre-filled to check that kernels add rather than overwrite); relu'(0) = 0;
 * sigmoid and tanh far out in their tails; the shape of every table row;
 * op_find_function and op_function_list.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "graph/ops.h"

/* --- numeric helpers ------------------------------------------------------ */

static const double DY = 1.7;                                     /* the upstream gradient */
static const double PREFILL[BP_MAX_INPUTS] = {0.375, -2.5, 9.25}; /* dx before the call */

static double rel_err(double a, double b) {
    if (a == b) return 0; /* includes both exactly 0 */
    return fabs(a - b) / fmax(fabs(a), fabs(b));
}

/* ∂f/∂x[i] by central differences with one Richardson step: error O(h^4),
 * so the kernels can be held to a 1e-6 relative error. */
static double numeric_partial(const OpInfo *info, const double *x, int i) {
    double h = 1e-4 * fmax(fabs(x[i]), 0.1);
    double d[2];
    for (int k = 0; k < 2; k++, h /= 2) {
        double xp[BP_MAX_INPUTS], xm[BP_MAX_INPUTS];
        memcpy(xp, x, sizeof xp);
        memcpy(xm, x, sizeof xm);
        xp[i] += h;
        xm[i] -= h;
        d[k] = (info->forward(xp) - info->forward(xm)) / (2 * h);
    }
    return (4 * d[1] - d[0]) / 3;
}

/* Runs op's backward kernel at x with upstream DY into dx, which starts as
 * `start` (BP_MAX_INPUTS entries). */
static void run_backward(const OpInfo *info, const double *x, const double *start, double *dx) {
    memcpy(dx, start, BP_MAX_INPUTS * sizeof *dx);
    info->backward(x, info->forward(x), DY, dx);
}

/* --- kernels against central differences ---------------------------------- */

/* A sample point; `only` limits the check to one input (-1: all inputs). */
typedef struct {
    Op op;
    double x[BP_MAX_INPUTS];
    int only;
} Sample;

static const Sample samples[] = {
    {OP_IDENT, {-2.5}, -1},
    {OP_IDENT, {0.75}, -1},
    {OP_IDENT, {3}, -1},
    {OP_ADD, {1.5, -2.25}, -1},
    {OP_ADD, {-3, 0.5}, -1},
    {OP_ADD, {100, 0.001}, -1},
    {OP_SUB, {1.5, -2.25}, -1},
    {OP_SUB, {-3, 0.5}, -1},
    {OP_SUB, {100, 0.001}, -1},
    {OP_MUL, {1.5, -2.25}, -1},
    {OP_MUL, {-3, 0.5}, -1},
    {OP_MUL, {7, 11}, -1},
    {OP_DIV, {1.5, -2.25}, -1},
    {OP_DIV, {-3, 0.5}, -1},
    {OP_DIV, {7, 11}, -1},
    {OP_DIV, {0.2, 4}, -1},
    {OP_POW, {1.5, 2.5}, -1},
    {OP_POW, {2, -1.5}, -1},
    {OP_POW, {0.7, 3}, -1},
    {OP_POW, {3, 0.5}, -1},
    {OP_POW, {2.5, 0}, -1},
    /* A negative base is only differentiable in the base, and only at an
     * integer exponent. */
    {OP_POW, {-1.5, 3}, 0},
    {OP_POW, {-2, 2}, 0},
    {OP_POW, {-0.5, -3}, 0},
    {OP_NEG, {-2.5}, -1},
    {OP_NEG, {0.75}, -1},
    {OP_NEG, {3}, -1},
    {OP_EXP, {-3}, -1},
    {OP_EXP, {-0.5}, -1},
    {OP_EXP, {0.8}, -1},
    {OP_EXP, {4}, -1},
    {OP_LOG, {0.05}, -1},
    {OP_LOG, {0.9}, -1},
    {OP_LOG, {2.5}, -1},
    {OP_LOG, {1000}, -1},
    {OP_SQRT, {0.01}, -1},
    {OP_SQRT, {0.9}, -1},
    {OP_SQRT, {2.5}, -1},
    {OP_SQRT, {1e4}, -1},
    {OP_SIN, {-2}, -1},
    {OP_SIN, {0.3}, -1},
    {OP_SIN, {1.2}, -1},
    {OP_SIN, {4}, -1},
    {OP_COS, {-2}, -1},
    {OP_COS, {0.3}, -1},
    {OP_COS, {1.2}, -1},
    {OP_COS, {4}, -1},
    {OP_TANH, {-3}, -1},
    {OP_TANH, {-0.5}, -1},
    {OP_TANH, {0.4}, -1},
    {OP_TANH, {2}, -1},
    {OP_SIGMOID, {-6}, -1},
    {OP_SIGMOID, {-0.5}, -1},
    {OP_SIGMOID, {0.4}, -1},
    {OP_SIGMOID, {5}, -1},
    {OP_RELU, {-2.5}, -1},
    {OP_RELU, {-0.3}, -1},
    {OP_RELU, {0.3}, -1},
    {OP_RELU, {2.5}, -1},
};
enum { SAMPLE_COUNT = sizeof samples / sizeof samples[0] };

/* The samples of `op`: their count, and *first set to the first of them. */
static int samples_of(Op op, int *first) {
    int n = 0;
    *first = -1;
    for (int s = 0; s < SAMPLE_COUNT; s++) {
        if (samples[s].op != op) continue;
        if (n++ == 0) *first = s;
    }
    return n;
}

/* One op per test (a loop test over the whole table): at each of its sample
 * points backward·dy equals dy times the central difference of forward, for
 * each input. Every op with inputs needs three or more sample points, so a
 * new op cannot slip in untested. */
START_TEST(backward_matches_central_differences) {
    const OpInfo *info = op_info((Op)_i);
    /* Leaves and constants have nothing to differentiate; whole-tensor ops
     * are checked on random shapes in test_tensor.c. */
    if (info->arity == 0 || !info->forward) return;
    int first;
    int n = samples_of((Op)_i, &first);
    ck_assert_msg(n >= 3, "op %s has %d sample points; add some to samples[]", info->name, n);
    for (int k = first; k < SAMPLE_COUNT; k++) {
        const Sample *s = &samples[k];
        if (s->op != (Op)_i) continue;
        double dx[BP_MAX_INPUTS];
        run_backward(info, s->x, PREFILL, dx);
        for (int i = 0; i < info->arity; i++) {
            if (s->only >= 0 && i != s->only) continue;
            double analytic = dx[i] - PREFILL[i];
            double numeric = DY * numeric_partial(info, s->x, i);
            ck_assert_msg(isfinite(analytic) && rel_err(analytic, numeric) < 1e-6,
                          "%s at (%g, %g): d/dx%d backward gives %.17g, central differences "
                          "%.17g",
                          info->name, s->x[0], s->x[1], i, analytic, numeric);
        }
    }
}
END_TEST

/* Backward adds into dx: starting from PREFILL gives exactly PREFILL plus
 * what it gives from zero, and inputs beyond the arity are never touched. */
START_TEST(backward_adds_into_dx) {
    const OpInfo *info = op_info((Op)_i);
    if (info->arity == 0) return;
    static const double zero[BP_MAX_INPUTS] = {0, 0, 0};
    for (int k = 0; k < SAMPLE_COUNT; k++) {
        const Sample *s = &samples[k];
        if (s->op != (Op)_i) continue;
        double from_zero[BP_MAX_INPUTS], from_prefill[BP_MAX_INPUTS];
        run_backward(info, s->x, zero, from_zero);
        run_backward(info, s->x, PREFILL, from_prefill);
        for (int i = 0; i < BP_MAX_INPUTS; i++) {
            if (i >= info->arity) {
                ck_assert_msg(from_prefill[i] == PREFILL[i], "%s wrote dx[%d] beyond its arity",
                              info->name, i);
                continue;
            }
            if (s->only >= 0 && i != s->only) continue;
            ck_assert_msg(from_prefill[i] == PREFILL[i] + from_zero[i],
                          "%s at (%g, %g): dx[%d] = %.17g from %g, but %.17g from 0: "
                          "overwritten?",
                          info->name, s->x[0], s->x[1], i, from_prefill[i], PREFILL[i],
                          from_zero[i]);
        }
    }
}
END_TEST

/* --- special points ------------------------------------------------------- */

/* The book's Relu layer masks x <= 0: relu'(0) is exactly 0. */
START_TEST(relu_derivative_at_zero_is_zero) {
    const OpInfo *relu = op_info(OP_RELU);
    const double x[1] = {0};
    ck_assert_double_eq(relu->forward(x), 0);
    double dx[BP_MAX_INPUTS] = {0.375, 0, 0};
    relu->backward(x, relu->forward(x), DY, dx);
    ck_assert_double_eq(dx[0], 0.375);
    const double minus_zero[1] = {-0.0};
    dx[0] = 0;
    relu->backward(minus_zero, relu->forward(minus_zero), DY, dx);
    ck_assert_double_eq(dx[0], 0);
}
END_TEST

/* The exponent's derivative b^e·ln b: 0 at base 0 (its limit), nan for a
 * negative base, as ops.c documents. */
START_TEST(pow_exponent_derivative_at_nonpositive_base) {
    const OpInfo *pow_op = op_info(OP_POW);
    const double at_zero[2] = {0, 2};
    double dx[BP_MAX_INPUTS] = {0, 0, 0};
    pow_op->backward(at_zero, pow_op->forward(at_zero), DY, dx);
    ck_assert_double_eq(dx[0], 0); /* 2·0^1 */
    ck_assert_double_eq(dx[1], 0);
    const double negative[2] = {-2, 3};
    memset(dx, 0, sizeof dx);
    pow_op->backward(negative, pow_op->forward(negative), DY, dx);
    ck_assert_double_eq_tol(dx[0], DY * 3 * 4, 1e-12);
    ck_assert(isnan(dx[1]));
}
END_TEST

typedef struct {
    Op op;
    double x, y, dydx; /* exact forward value and derivative expected */
} Tail;

static const Tail tails[] = {
    {OP_SIGMOID, 800, 1, 0}, {OP_SIGMOID, -800, 0, 0}, {OP_SIGMOID, 40, 1, 0},
    {OP_SIGMOID, -40, 0, 0}, {OP_TANH, 50, 1, 0},      {OP_TANH, -50, -1, 0},
};

/* Far out in the tails the forward saturates exactly and the derivative is
 * a finite (tiny or zero) number: never nan or inf from exp overflow. */
START_TEST(saturating_ops_are_stable_in_their_tails) {
    const Tail *t = &tails[_i];
    const OpInfo *info = op_info(t->op);
    const double x[1] = {t->x};
    double y = info->forward(x);
    ck_assert_msg(!isnan(y), "%s(%g) is nan", info->name, t->x);
    ck_assert_msg(fabs(y - t->y) < 1e-15, "%s(%g) = %.17g, expected %g", info->name, t->x, y, t->y);
    double dx[BP_MAX_INPUTS] = {0, 0, 0};
    info->backward(x, y, DY, dx);
    ck_assert_msg(isfinite(dx[0]) && fabs(dx[0] - t->dydx) < 1e-15,
                  "%s'(%g) gives %.17g, expected about %g", info->name, t->x, dx[0], t->dydx);
}
END_TEST

/* Moderately large inputs keep full relative precision on both sides. */
START_TEST(sigmoid_is_symmetric) {
    const OpInfo *sig = op_info(OP_SIGMOID);
    for (double v = 0.5; v < 30; v *= 2) {
        const double plus[1] = {v}, minus[1] = {-v};
        double sp = sig->forward(plus), sm = sig->forward(minus);
        ck_assert_msg(fabs(sp + sm - 1) < 1e-15, "sigmoid(%g) + sigmoid(-%g) = %.17g", v, v,
                      sp + sm);
        ck_assert_msg(rel_err(sm, exp(-v) / (1 + exp(-v))) < 1e-14, "sigmoid(-%g) = %.17g", v, sm);
    }
}
END_TEST

/* --- the table ------------------------------------------------------------ */

/* The arity each syntax implies (-1: any positive arity). */
static int syntax_arity(OpSyntax syntax) {
    switch (syntax) {
    case SYN_SOURCE: return 0;
    case SYN_ALIAS: return 1;
    case SYN_INFIX: return 2;
    case SYN_PREFIX: return 1;
    case SYN_CALL: return -1;
    case SYN_INDEX: return 1;
    }
    return -2;
}

START_TEST(every_row_is_complete) {
    for (int op = 0; op < OP_COUNT; op++) {
        const OpInfo *info = op_info((Op)op);
        ck_assert_msg(info->name && info->name[0], "op %d has no name", op);
        ck_assert_msg(info->symbol != NULL, "op %s has no symbol", info->name);
        ck_assert_msg(info->spelling != NULL, "op %s has no spelling", info->name);
        ck_assert_msg(info->arity >= 0 && info->arity <= BP_MAX_INPUTS, "op %s: arity %d",
                      info->name, info->arity);
        int want = syntax_arity(info->syntax);
        ck_assert_msg(want == -1 ? info->arity > 0 : info->arity == want,
                      "op %s: arity %d does not fit its syntax %d", info->name, info->arity,
                      info->syntax);
        if (info->arity > 0) {
            bool scalar = info->forward && info->backward && !info->infer;
            bool tensor = !info->forward && !info->backward && info->infer && info->tforward &&
                          info->tbackward;
            ck_assert_msg(scalar || tensor,
                          "op %s needs element-wise kernels, or a shape rule "
                          "and whole-tensor kernels",
                          info->name);
            ck_assert_msg(info->symbol[0], "op %s has an empty symbol", info->name);
        } else {
            ck_assert_msg(!info->forward && !info->backward, "source op %s has kernels",
                          info->name);
        }
        if (info->syntax == SYN_INFIX || info->syntax == SYN_PREFIX || info->syntax == SYN_CALL)
            ck_assert_msg(info->spelling[0], "op %s has no spelling", info->name);
        if (info->syntax == SYN_INFIX)
            ck_assert_msg(info->prec >= PREC_TERM && info->prec <= PREC_POWER,
                          "infix op %s: precedence %d", info->name, info->prec);
        if (info->syntax == SYN_PREFIX) ck_assert_int_eq(info->prec, PREC_UNARY);
        if (info->syntax == SYN_CALL || info->syntax == SYN_SOURCE)
            ck_assert_int_eq(info->prec, PREC_PRIMARY);
        /* Node keeps the parameter in its last input's slot. */
        if (info->arg != ARG_NONE)
            ck_assert_msg(info->arity < BP_MAX_INPUTS, "op %s has a parameter and %d inputs",
                          info->name, info->arity);
        for (int other = 0; other < op; other++)
            ck_assert_msg(strcmp(op_info((Op)other)->name, info->name) != 0,
                          "ops %d and %d are both named %s", other, op, info->name);
    }
}
END_TEST

/* Rows sit at their enum index with the spelling the language uses. */
START_TEST(rows_are_at_their_index) {
    static const struct {
        Op op;
        const char *name, *spelling;
        int arity;
    } rows[] = {
        {OP_LEAF, "leaf", "", 0},
        {OP_CONST, "const", "", 0},
        {OP_IDENT, "ident", "", 1},
        {OP_ADD, "add", "+", 2},
        {OP_SUB, "sub", "-", 2},
        {OP_MUL, "mul", "*", 2},
        {OP_DIV, "div", "/", 2},
        {OP_POW, "pow", "**", 2},
        {OP_NEG, "neg", "-", 1},
        {OP_EXP, "exp", "exp", 1},
        {OP_LOG, "log", "log", 1},
        {OP_SQRT, "sqrt", "sqrt", 1},
        {OP_SIN, "sin", "sin", 1},
        {OP_COS, "cos", "cos", 1},
        {OP_TANH, "tanh", "tanh", 1},
        {OP_SIGMOID, "sigmoid", "sigmoid", 1},
        {OP_RELU, "relu", "relu", 1},
        {OP_MATMUL, "matmul", "@", 2},
        {OP_TRANSPOSE, "transpose", "transpose", 1},
        {OP_SUM, "sum", "sum", 1},
        {OP_MEAN, "mean", "mean", 1},
        {OP_RESHAPE, "reshape", "reshape", 1},
        {OP_FLATTEN, "flatten", "flatten", 1},
        {OP_INDEX, "index", "[", 1},
        {OP_AFFINE, "affine", "affine", 3},
        {OP_SOFTMAX, "softmax", "softmax", 1},
        {OP_CROSS_ENTROPY, "cross_entropy", "cross_entropy", 2},
        {OP_SOFTMAX_WITH_LOSS, "softmax_with_loss", "softmax_with_loss", 2},
        {OP_ARGMAX, "argmax", "argmax", 1},
        {OP_ACCURACY, "accuracy", "accuracy", 2},
    };
    ck_assert_int_eq(sizeof rows / sizeof rows[0], OP_COUNT);
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        const OpInfo *info = op_info(rows[r].op);
        ck_assert_str_eq(info->name, rows[r].name);
        ck_assert_str_eq(info->spelling, rows[r].spelling);
        ck_assert_int_eq(info->arity, rows[r].arity);
    }
}
END_TEST

/* --- function lookup ------------------------------------------------------ */

static const struct {
    const char *name;
    Op op;
} functions[] = {
    {"exp", OP_EXP}, {"log", OP_LOG},   {"sqrt", OP_SQRT},       {"sin", OP_SIN},
    {"cos", OP_COS}, {"tanh", OP_TANH}, {"sigmoid", OP_SIGMOID}, {"relu", OP_RELU},
};

START_TEST(finds_every_function) {
    for (size_t f = 0; f < sizeof functions / sizeof functions[0]; f++) {
        const char *name = functions[f].name;
        ck_assert_msg(op_find_function(name, (int)strlen(name)) == functions[f].op,
                      "op_find_function(\"%s\") = %d, expected %d", name,
                      op_find_function(name, (int)strlen(name)), functions[f].op);
    }
}
END_TEST

START_TEST(rejects_non_functions) {
    static const char *const others[] = {
        "add",      "sub", "mul", "div",   "pow",      "neg",  "ident", "leaf", "const",
        "+",        "**",  "-",   "√",     "ex",       "expx", "EXP",   "Exp",  "sigmoi",
        "sigmoids", "tan", "sqr", "relu_", "softplus", "x",    "apple", "e",
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        ck_assert_msg(op_find_function(others[i], (int)strlen(others[i])) == OP_COUNT,
                      "op_find_function(\"%s\") should fail", others[i]);
    ck_assert_int_eq(op_find_function("", 0), OP_COUNT);
}
END_TEST

/* The name is len bytes of a longer text, as the lexer hands it over. */
START_TEST(function_name_is_length_bounded) {
    ck_assert_int_eq(op_find_function("exp(x)", 3), OP_EXP);
    ck_assert_int_eq(op_find_function("sqrt(1 + x*x)", 4), OP_SQRT);
    ck_assert_int_eq(op_find_function("sigmoidal", 7), OP_SIGMOID);
    ck_assert_int_eq(op_find_function("sigmoidal", 9), OP_COUNT);
    ck_assert_int_eq(op_find_function("tanh", 3), OP_COUNT); /* "tan" */
    ck_assert_int_eq(op_find_function("login", 5), OP_COUNT);
}
END_TEST

START_TEST(function_list) {
    char buf[256];
    op_function_list(buf, sizeof buf);
    ck_assert_str_eq(
        buf, "exp, log, sqrt, sin, cos, tanh, sigmoid, relu, transpose, sum, mean, reshape, "
             "flatten, affine, softmax, cross_entropy, softmax_with_loss, argmax, accuracy");
    /* Truncated, always terminated, a prefix of the full list. */
    for (size_t size = 1; size < 50; size++) {
        char small[64];
        memset(small, 'Z', sizeof small);
        op_function_list(small, size);
        ck_assert_msg(strlen(small) < size, "size %zu: not terminated", size);
        ck_assert_msg(strncmp(small, buf, strlen(small)) == 0, "size %zu: \"%s\"", size, small);
        ck_assert_msg(small[size] == 'Z', "size %zu: wrote past the buffer", size);
    }
}
END_TEST

static Suite *ops_suite(void) {
    Suite *s = suite_create("ops");
    TCase *kernels = tcase_create("kernels");
    tcase_add_loop_test(kernels, backward_matches_central_differences, 0, OP_COUNT);
    tcase_add_loop_test(kernels, backward_adds_into_dx, 0, OP_COUNT);
    tcase_add_test(kernels, relu_derivative_at_zero_is_zero);
    tcase_add_test(kernels, pow_exponent_derivative_at_nonpositive_base);
    tcase_add_loop_test(kernels, saturating_ops_are_stable_in_their_tails, 0,
                        sizeof tails / sizeof tails[0]);
    tcase_add_test(kernels, sigmoid_is_symmetric);
    suite_add_tcase(s, kernels);

    TCase *table = tcase_create("table");
    tcase_add_test(table, every_row_is_complete);
    tcase_add_test(table, rows_are_at_their_index);
    tcase_add_test(table, finds_every_function);
    tcase_add_test(table, rejects_non_functions);
    tcase_add_test(table, function_name_is_length_bounded);
    tcase_add_test(table, function_list);
    suite_add_tcase(s, table);
    return s;
}

CHECK_MAIN(ops_suite)
