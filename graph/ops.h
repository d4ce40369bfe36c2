/* ops.h - the operations a node can perform, one table row each.
 *
 * Worked example: `price = apple * 2` builds three nodes,
 *
 *     #0 leaf  apple = 100
 *     #1 const 2
 *     #2 mul   (#0, #1) = 200            forward:  y = x0 * x1
 *
 * and the backward pass with upstream gradient dy = 1 runs the same row's
 * backward kernel:  dx0 += dy * x1 = 2,  dx1 += dy * x0 = 100.
 *
 * Each row holds the op's forward and backward kernels side by side with the
 * same argument order. Backward kernels only ever add (`+=`) into dx, so a
 * value used twice (fan-out, `x * x`) receives the sum of both contributions.
 * Adding an operation (say `softplus`) means adding one enum entry and one
 * table row in ops.c; the parser and printers find it through the table.
 *
 * Element-wise ops are written once, on doubles, and apply to tensors of any
 * shape by NumPy broadcasting (see value.h): the engine runs the scalar
 * kernel per element, and because backward kernels add, an input repeated
 * across a broadcast axis receives the sum over that axis. Ops that are not
 * element-wise (matrix product, sums, layers) have whole-tensor kernels in
 * tensor_ops.c and a shape rule: `X @ W` with X (2,3), W (3,4) is (2,4).
 */
#ifndef BP_OPS_H
#define BP_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "value.h"

enum { BP_MAX_INPUTS = 3 };

typedef enum {
    OP_LEAF,  /* an input the user sets: apple = 100 */
    OP_CONST, /* a number written inside an expression */
    OP_IDENT, /* b = a: a named alias of another node */
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_POW,
    OP_NEG,
    OP_EXP,
    OP_LOG,
    OP_SQRT,
    OP_SIN,
    OP_COS,
    OP_TANH,
    OP_SIGMOID,
    OP_RELU,
    OP_MATMUL,            /* X @ W, dot(X, W) */
    OP_TRANSPOSE,         /* transpose(x), x.T: axes reversed */
    OP_SUM,               /* sum(x), sum(x, axis=k) */
    OP_MEAN,              /* mean(x), mean(x, axis=k) */
    OP_RESHAPE,           /* reshape(x, 2, 3) */
    OP_FLATTEN,           /* flatten(x): one axis */
    OP_INDEX,             /* x[i]: row i */
    OP_AFFINE,            /* affine(X, W, b) = flatten-per-sample(X) @ W + b */
    OP_SOFTMAX,           /* softmax(x), along the last axis */
    OP_CROSS_ENTROPY,     /* cross_entropy(y, t): t one-hot, or integer labels */
    OP_SOFTMAX_WITH_LOSS, /* cross_entropy(softmax(x), t), backward (y − t) / batch */
    OP_ARGMAX,            /* argmax(x): each row's largest element's index, along the last axis */
    OP_ACCURACY,          /* accuracy(y, t): the fraction of rows whose argmax is the label */
    OP_COUNT
} Op;

/* How an op is written in the language, which also decides how the
 * expression printer writes it back. */
typedef enum {
    SYN_SOURCE, /* no inputs: leaf or constant */
    SYN_ALIAS,  /* written as its single input */
    SYN_INFIX,  /* a + b */
    SYN_PREFIX, /* -a */
    SYN_CALL,   /* exp(a) */
    SYN_INDEX,  /* a[i] */
} OpSyntax;

/* What a node's integer parameter (Node.arg) means for an op. */
typedef enum {
    ARG_NONE,
    ARG_AXIS,  /* sum/mean: the axis (negative counts from the end), or AXIS_ALL */
    ARG_SHAPE, /* reshape: index of the requested shape in the graph's table */
    ARG_INDEX, /* x[i]: the row (negative counts from the end) */
} OpArg;

enum { AXIS_ALL = INT32_MIN };

/* Binding power, lowest first; shared by the parser and the printer. */
typedef enum {
    PREC_NONE,
    PREC_TERM,    /* + - */
    PREC_FACTOR,  /* * / */
    PREC_UNARY,   /* -x */
    PREC_POWER,   /* ** ^ (right-associative) */
    PREC_PRIMARY, /* numbers, names, calls, parentheses */
} Precedence;

/* y = f(x[0], ..., x[arity-1]) */
typedef double (*OpForward)(const double *x);
/* dx[i] += dy * ∂y/∂x[i]; gets the forward inputs and output too. */
typedef void (*OpBackward)(const double *x, double y, double dy, double *dx);

/* One application of a whole-tensor op: the same struct goes to forward
 * (which writes y) and backward (which adds ∂L/∂x[i] into dx[i]). */
typedef struct {
    Value x[BP_MAX_INPUTS]; /* the inputs' values */
    const Shape *yshape;    /* the output */
    double *y;              /* forward writes it; backward reads it */
    size_t ysize;
    const double *dy;          /* backward: ∂L/∂y, ysize elements */
    double *dx[BP_MAX_INPUTS]; /* backward: += ∂L/∂x[i], each of x[i].size */
    int32_t arg;               /* Node.arg */
} OpCall;
typedef void (*OpKernel)(const OpCall *c);

/* The output shape for inputs of shapes in[0..arity) (spec: the requested
 * shape for ARG_SHAPE ops, else NULL). On failure writes why, for the user:
 * "sum: axis 2 is out of range for shape (2,3)". */
typedef bool (*OpInfer)(const Shape *const *in, int32_t arg, const Shape *spec, Shape *out,
                        char *why, size_t why_size);

/* Whether the inputs' values x[0..arity) are ones the op accepts, for the
 * few ops whose inputs must hold particular values (class labels); shapes
 * are the infer rule's. On failure writes why, for the user:
 * "cross_entropy: label -1 in row 0 is not a class: ...". Kernels stay safe
 * on values a check refuses: the check is for the message. */
typedef bool (*OpCheck)(const Value *x, char *why, size_t why_size);

typedef struct {
    const char *name;     /* stable identifier: "mul" */
    const char *symbol;   /* what the book writes in the node's circle: "×" */
    int arity;            /* number of inputs */
    OpForward forward;    /* element-wise kernels; NULL for leaves, */
    OpBackward backward;  /* constants and whole-tensor ops */
    OpSyntax syntax;      /* how the language writes it */
    const char *spelling; /* "*", "-", "exp": the operator or function name */
    Precedence prec;      /* binding power of the written form */
    /* Whole-tensor ops only (element-wise ops leave these NULL): */
    OpInfer infer;
    OpKernel tforward, tbackward;
    OpArg arg;
    OpCheck check; /* NULL: any values will do */
    /* Bit i set: input i is data the op reads but takes no gradient into,
     * as the book's layers return only dx (softmax_with_loss's labels t). */
    uint8_t data_inputs;
    /* The backward label sent to each input, as render/symbolic.c writes it:
     * the upstream times the local derivative, in the forward labels. $g is
     * the upstream, $0 $1 $2 the inputs, $y the output; "[$0>0] A | B"
     * picks A when the live (scalar) value passes the guard, else B. NULL:
     * no gradient flows to that input. Example, mul: {"$g · $1", "$g · $0"}. */
    const char *derivative[BP_MAX_INPUTS];
} OpInfo;

/* The row for `op`. `op` must be a valid Op. */
const OpInfo *op_info(Op op);

/* The function op called `name` (length `len`, not NUL-terminated), or
 * OP_COUNT if no function has that name. */
Op op_find_function(const char *name, int len);

/* Writes the names of all functions, comma-separated ("exp, log, sqrt, ..."),
 * into buf (always NUL-terminated, truncated to size). For error messages. */
void op_function_list(char *buf, size_t size);

#endif
