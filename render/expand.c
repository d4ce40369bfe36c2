/* expand.c - --expand: one graph node drawn as the primitive ops the book
 * draws for it, each link with its own value and gradient. */
#include <math.h>
#include <stdlib.h>

#include "build.h"

static const Shape SCALAR = {0};

/* Figure 5-19. `name` labels the link from x; dy is the gradient at the
 * output (NULL: no gradients). Returns the "/" node and sets *dx to the
 * gradient reaching x. */
static int sigmoid(Builder *b, int x, double xv, const char *name, const double *dy, double *dx) {
    double a = -xv, e = exp(a), c = 1 + e;
    double gc = dy ? *dy * (-1 / (c * c)) : 0; /* d(1/c)/dc = −1/c² */
    double ga = gc * e;
    *dx = -ga;
    int mul = build_node(b, VIEW_OP, "×");
    build_scalar_edge(b, x, mul, xv, dy ? dx : NULL, name);
    build_scalar_edge(b, build_number(b, -1), mul, -1, NULL, NULL); /* constants take none */
    int ex = build_node(b, VIEW_OP, "exp");
    build_scalar_edge(b, mul, ex, a, dy ? &ga : NULL, NULL);
    int plus = build_node(b, VIEW_OP, "+");
    build_scalar_edge(b, ex, plus, e, dy ? &gc : NULL, NULL);
    build_scalar_edge(b, build_number(b, 1), plus, 1, NULL, NULL);
    int div = build_node(b, VIEW_OP, "/");
    build_scalar_edge(b, plus, div, c, dy ? &gc : NULL, NULL);
    return div;
}

/* tanh(x) = 2·sigmoid(2x) − 1, drawn with the sigmoid expanded. */
static int tanh_(Builder *b, int x, double xv, const char *name, const double *dy) {
    double u = 2 * xv, s = 1 / (1 + exp(-u));
    double gs = dy ? 2 * *dy : 0;
    /* Gradients flow backward, so the links into ×2 are filled in last. */
    int twice = build_node(b, VIEW_OP, "×");
    int first = build_scalar_edge(b, x, twice, xv, NULL, name);
    build_scalar_edge(b, build_number(b, 2), twice, 2, NULL, NULL);
    double du;
    int div = sigmoid(b, twice, u, NULL, dy ? &gs : NULL, &du);
    int scale = build_node(b, VIEW_OP, "×");
    build_scalar_edge(b, div, scale, s, dy ? &gs : NULL, NULL);
    build_scalar_edge(b, build_number(b, 2), scale, 2, NULL, NULL);
    int minus = build_node(b, VIEW_OP, "−");
    build_scalar_edge(b, scale, minus, 2 * s, dy, NULL);
    build_scalar_edge(b, build_number(b, 1), minus, 1, NULL, NULL);
    if (!b->failed && dy) {
        double dx = 2 * du;
        build_value_text(b, b->v->edges[first].grad, &SCALAR, &dx);
    }
    return minus;
}

int expand_sigmoid_or_tanh(Builder *b, const Graph *g, NodeId id, const int *map,
                           const char *const *names, const double *dy) {
    const Node *n = graph_node(g, id);
    double xv = graph_scalar(g, n->in[0]), dx;
    return n->op == OP_SIGMOID ? sigmoid(b, map[n->in[0]], xv, names[0], dy, &dx)
                               : tanh_(b, map[n->in[0]], xv, names[0], dy);
}

int expand_affine(Builder *b, const Graph *g, NodeId id, const int *map, const char *const *names,
                  const double *dy, const double *const *flows) {
    const Node *n = graph_node(g, id);
    Value x = graph_value(g, n->in[0]), w = graph_value(g, n->in[1]);
    Value bias = graph_value(g, n->in[2]), y = graph_value(g, id);
    /* X·W, one row per sample, with X flattened per sample as Affine does;
     * computed afresh rather than as Y − b, which would show rounding noise. */
    size_t k = (size_t)w.shape->dims[0], m = (size_t)w.shape->dims[1], rows = y.size / m;
    double *xw = malloc(y.size * sizeof *xw + 1);
    if (!xw) {
        b->failed = true;
        return -1;
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < m; j++) {
            double total = 0;
            for (size_t i = 0; i < k; i++)
                total += x.data[r * k + i] * w.data[i * m + j];
            xw[r * m + j] = total;
        }
    int dot = build_node(b, VIEW_OP, op_info(OP_MATMUL)->symbol);
    build_edge(b, map[n->in[0]], dot, x.shape, x.data, flows ? flows[0] : NULL, names[0]);
    build_edge(b, map[n->in[1]], dot, w.shape, w.data, flows ? flows[1] : NULL, names[1]);
    /* What reaches X·W is ∂L/∂Y itself: + passes gradients on unchanged.
     * b's share is summed over the samples, which the Affine node did. */
    int plus = build_node(b, VIEW_OP, "+");
    build_edge(b, dot, plus, y.shape, xw, dy, NULL);
    build_edge(b, map[n->in[2]], plus, bias.shape, bias.data, flows ? flows[2] : NULL, names[2]);
    free(xw);
    return plus;
}
