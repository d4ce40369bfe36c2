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
 */
#ifndef BP_OPS_H
#define BP_OPS_H

#include <stddef.h>

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
} OpSyntax;

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

typedef struct {
    const char *name;     /* stable identifier: "mul" */
    const char *symbol;   /* what the book writes in the node's circle: "×" */
    int arity;            /* number of inputs */
    OpForward forward;    /* NULL for leaves and constants */
    OpBackward backward;  /* NULL for leaves and constants */
    OpSyntax syntax;      /* how the language writes it */
    const char *spelling; /* "*", "-", "exp": the operator or function name */
    Precedence prec;      /* binding power of the written form */
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
