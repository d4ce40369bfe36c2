/* ops.c - forward and backward kernels, and the op table.
 *
 * Each op's forward and backward sit next to each other and take the same
 * arguments in the same order. Backward kernels only add into dx.
 */
#include "ops.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tensor_ops.h"

static double ident_forward(const double *x) {
    return x[0];
}
static void ident_backward(const double *x, double y, double dy, double *dx) {
    (void)x, (void)y;
    dx[0] += dy;
}

static double add_forward(const double *x) {
    return x[0] + x[1];
}
static void add_backward(const double *x, double y, double dy, double *dx) {
    (void)x, (void)y;
    dx[0] += dy;
    dx[1] += dy;
}

static double sub_forward(const double *x) {
    return x[0] - x[1];
}
static void sub_backward(const double *x, double y, double dy, double *dx) {
    (void)x, (void)y;
    dx[0] += dy;
    dx[1] -= dy;
}

static double mul_forward(const double *x) {
    return x[0] * x[1];
}
static void mul_backward(const double *x, double y, double dy, double *dx) {
    (void)y;
    dx[0] += dy * x[1];
    dx[1] += dy * x[0];
}

static double div_forward(const double *x) {
    return x[0] / x[1];
}
static void div_backward(const double *x, double y, double dy, double *dx) {
    (void)y;
    dx[0] += dy / x[1];
    dx[1] -= dy * x[0] / (x[1] * x[1]);
}

static double pow_forward(const double *x) {
    return pow(x[0], x[1]);
}
/* ∂/∂base = e·b^(e−1). ∂/∂exponent = b^e·ln b exists only for b > 0; at b = 0
 * its limit is 0, and for b < 0 the power is not real around e: nan. */
static void pow_backward(const double *x, double y, double dy, double *dx) {
    double base = x[0], exponent = x[1];
    dx[0] += exponent == 0 ? 0 : dy * exponent * pow(base, exponent - 1);
    dx[1] += base > 0 ? dy * y * log(base) : base == 0 ? 0 : NAN;
}

static double neg_forward(const double *x) {
    return -x[0];
}
static void neg_backward(const double *x, double y, double dy, double *dx) {
    (void)x, (void)y;
    dx[0] -= dy;
}

static double exp_forward(const double *x) {
    return exp(x[0]);
}
static void exp_backward(const double *x, double y, double dy, double *dx) {
    (void)x;
    dx[0] += dy * y;
}

static double log_forward(const double *x) {
    return log(x[0]);
}
static void log_backward(const double *x, double y, double dy, double *dx) {
    (void)y;
    dx[0] += dy / x[0];
}

static double sqrt_forward(const double *x) {
    return sqrt(x[0]);
}
static void sqrt_backward(const double *x, double y, double dy, double *dx) {
    (void)x;
    dx[0] += dy / (2 * y);
}

static double sin_forward(const double *x) {
    return sin(x[0]);
}
static void sin_backward(const double *x, double y, double dy, double *dx) {
    (void)y;
    dx[0] += dy * cos(x[0]);
}

static double cos_forward(const double *x) {
    return cos(x[0]);
}
static void cos_backward(const double *x, double y, double dy, double *dx) {
    (void)y;
    dx[0] -= dy * sin(x[0]);
}

static double tanh_forward(const double *x) {
    return tanh(x[0]);
}
static void tanh_backward(const double *x, double y, double dy, double *dx) {
    (void)x;
    dx[0] += dy * (1 - y * y);
}

/* Written in two branches so exp never overflows: exact for large |x|. */
static double sigmoid_forward(const double *x) {
    if (x[0] >= 0) return 1 / (1 + exp(-x[0]));
    double e = exp(x[0]);
    return e / (1 + e);
}
/* The book's Sigmoid layer: dx = dout · y(1 − y). */
static void sigmoid_backward(const double *x, double y, double dy, double *dx) {
    (void)x;
    dx[0] += dy * y * (1 - y);
}

static double relu_forward(const double *x) {
    return x[0] > 0 ? x[0] : 0;
}
/* The book's Relu layer masks x <= 0, so relu'(0) = 0. */
static void relu_backward(const double *x, double y, double dy, double *dx) {
    (void)y;
    dx[0] += x[0] > 0 ? dy : 0;
}

/* Rows without whole-tensor kernels say so: clang's -Wmissing-field-initializers
 * flags a positional initializer that leaves fields out. */
#define NO_TENSOR .infer = NULL
static const OpInfo op_table[] = {
    [OP_LEAF] = {"leaf", "", 0, NULL, NULL, SYN_SOURCE, "", PREC_PRIMARY, NO_TENSOR},
    [OP_CONST] = {"const", "", 0, NULL, NULL, SYN_SOURCE, "", PREC_PRIMARY, NO_TENSOR},
    [OP_IDENT] = {"ident", "=", 1, ident_forward, ident_backward, SYN_ALIAS, "", PREC_PRIMARY,
                  NO_TENSOR, .derivative = {"$g"}},
    [OP_ADD] = {"add", "+", 2, add_forward, add_backward, SYN_INFIX, "+", PREC_TERM, NO_TENSOR,
                .derivative = {"$g · 1", "$g · 1"}},
    [OP_SUB] = {"sub", "−", 2, sub_forward, sub_backward, SYN_INFIX, "-", PREC_TERM, NO_TENSOR,
                .derivative = {"$g · 1", "- $g"}},
    [OP_MUL] = {"mul", "×", 2, mul_forward, mul_backward, SYN_INFIX, "*", PREC_FACTOR, NO_TENSOR,
                .derivative = {"$g · $1", "$g · $0"}},
    [OP_DIV] = {"div", "/", 2, div_forward, div_backward, SYN_INFIX, "/", PREC_FACTOR, NO_TENSOR,
                .derivative = {"$g / $1", "[$0==1] - $g · $y² | - $g · $0 / $1²"}},
    [OP_POW] = {"pow", "**", 2, pow_forward, pow_backward, SYN_INFIX, "**", PREC_POWER, NO_TENSOR,
                .derivative = {"[$1==2] $g · 2 · $0 | $g · $1 · $0^($1-1)", "[$0==0] 0 | $g · $y · log($0)"}},
    [OP_NEG] = {"neg", "−", 1, neg_forward, neg_backward, SYN_PREFIX, "-", PREC_UNARY, NO_TENSOR,
                .derivative = {"- $g"}},
    [OP_EXP] = {"exp", "exp", 1, exp_forward, exp_backward, SYN_CALL, "exp", PREC_PRIMARY,
                NO_TENSOR, .derivative = {"$g · $y"}},
    [OP_LOG] = {"log", "log", 1, log_forward, log_backward, SYN_CALL, "log", PREC_PRIMARY,
                NO_TENSOR, .derivative = {"$g / $0"}},
    [OP_SQRT] = {"sqrt", "√", 1, sqrt_forward, sqrt_backward, SYN_CALL, "sqrt", PREC_PRIMARY,
                 NO_TENSOR, .derivative = {"$g / (2 · $y)"}},
    [OP_SIN] = {"sin", "sin", 1, sin_forward, sin_backward, SYN_CALL, "sin", PREC_PRIMARY,
                NO_TENSOR, .derivative = {"$g · cos($0)"}},
    [OP_COS] = {"cos", "cos", 1, cos_forward, cos_backward, SYN_CALL, "cos", PREC_PRIMARY,
                NO_TENSOR, .derivative = {"- $g · sin($0)"}},
    [OP_TANH] = {"tanh", "tanh", 1, tanh_forward, tanh_backward, SYN_CALL, "tanh", PREC_PRIMARY,
                 NO_TENSOR, .derivative = {"$g · (1-$y²)"}},
    [OP_SIGMOID] = {"sigmoid", "sigmoid", 1, sigmoid_forward, sigmoid_backward, SYN_CALL, "sigmoid",
                    PREC_PRIMARY, NO_TENSOR, .derivative = {"$g · $y(1-$y)"}},
    [OP_RELU] = {"relu", "relu", 1, relu_forward, relu_backward, SYN_CALL, "relu", PREC_PRIMARY,
                 NO_TENSOR, .derivative = {"[$0>0] $g | [$0<=0] 0 | $g · [$0>0]"}},
#define TENSOR(op) .infer = op##_infer, .tforward = op##_forward, .tbackward = op##_backward
    [OP_MATMUL] = {"matmul", "dot", 2, NULL, NULL, SYN_INFIX, "@", PREC_FACTOR, TENSOR(matmul),
                   .derivative = {"$g · $1ᵀ", "$0ᵀ · $g"}},
    [OP_TRANSPOSE] = {"transpose", "T", 1, NULL, NULL, SYN_CALL, "transpose", PREC_PRIMARY,
                      TENSOR(transpose), .derivative = {"$gᵀ"}},
    [OP_SUM] = {"sum", "sum", 1, NULL, NULL, SYN_CALL, "sum", PREC_PRIMARY, TENSOR(sum),
                .arg = ARG_AXIS, .derivative = {"broadcast($g)"}},
    [OP_MEAN] = {"mean", "mean", 1, NULL, NULL, SYN_CALL, "mean", PREC_PRIMARY, TENSOR(mean),
                 .arg = ARG_AXIS, .derivative = {"broadcast($g) / n"}},
    [OP_RESHAPE] = {"reshape", "reshape", 1, NULL, NULL, SYN_CALL, "reshape", PREC_PRIMARY,
                    TENSOR(reshape), .arg = ARG_SHAPE, .derivative = {"reshape($g)"}},
    [OP_FLATTEN] = {"flatten", "flatten", 1, NULL, NULL, SYN_CALL, "flatten", PREC_PRIMARY,
                    TENSOR(flatten), .derivative = {"reshape($g)"}},
    [OP_INDEX] = {"index", "[i]", 1, NULL, NULL, SYN_INDEX, "[", PREC_PRIMARY, TENSOR(index),
                  .arg = ARG_INDEX, .derivative = {"$g into row"}},
    [OP_AFFINE] = {"affine", "Affine", 3, NULL, NULL, SYN_CALL, "affine", PREC_PRIMARY,
                   TENSOR(affine), .derivative = {"$g · $1ᵀ", "$0ᵀ · $g", "[batch] Σ₀ $g | $g"}},
    [OP_SOFTMAX] = {"softmax", "Softmax", 1, NULL, NULL, SYN_CALL, "softmax", PREC_PRIMARY,
                    TENSOR(softmax), .derivative = {"$y · ($g - Σ($g · $y))"}},
    [OP_CROSS_ENTROPY] = {"cross_entropy", "Cross Entropy", 2, NULL, NULL, SYN_CALL,
                          "cross_entropy", PREC_PRIMARY, TENSOR(cross_entropy),
                          .check = cross_entropy_check, .data_inputs = 1u << 1,
                          .derivative = {"- $g · $1 / $0", "- $g · log($0)"}},
    [OP_SOFTMAX_WITH_LOSS] = {"softmax_with_loss", "Softmax-with-Loss", 2, NULL, NULL, SYN_CALL,
                              "softmax_with_loss", PREC_PRIMARY, TENSOR(softmax_with_loss),
                              .check = softmax_with_loss_check, .data_inputs = 1u << 1,
                              .derivative = {"[batch] $g · (y - t) / N | $g · (y - t)",
                                             "- $g · log(y)"}},
    /* Whole numbers and counts: zero gradient, as the book never trains them;
     * so their inputs are data, taking none. */
    [OP_ARGMAX] = {"argmax", "argmax", 1, NULL, NULL, SYN_CALL, "argmax", PREC_PRIMARY,
                   TENSOR(argmax), .data_inputs = 1u << 0},
    [OP_ACCURACY] = {"accuracy", "Accuracy", 2, NULL, NULL, SYN_CALL, "accuracy", PREC_PRIMARY,
                     TENSOR(accuracy), .check = accuracy_check, .data_inputs = 3},
#undef TENSOR
#undef NO_TENSOR
};

_Static_assert(sizeof op_table / sizeof op_table[0] == OP_COUNT,
               "op_table needs exactly one row per Op: add the row for the new enum entry");

const OpInfo *op_info(Op op) {
    assert(op >= 0 && op < OP_COUNT && "op_info: not an Op; was a node left uninitialised?");
    return &op_table[op];
}

Op op_find_function(const char *name, int len) {
    for (int op = 0; op < OP_COUNT; op++) {
        const OpInfo *info = &op_table[op];
        if (info->syntax == SYN_CALL && len > 0 && info->spelling[0] == name[0] &&
            (int)strlen(info->spelling) == len && memcmp(info->spelling, name, (size_t)len) == 0)
            return (Op)op;
    }
    return OP_COUNT;
}

void op_function_list(char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    for (int op = 0; op < OP_COUNT; op++) {
        if (op_table[op].syntax != SYN_CALL) continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", op_table[op].spelling);
        if (n < 0 || (size_t)n >= size - used) return;
        used += (size_t)n;
    }
}
