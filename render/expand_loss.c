/* expand_loss.c - --expand for softmax_with_loss(a, t): the book's figure
 * 5-30 (the Softmax box, then the Cross Entropy Error box) and, at level 2,
 * its appendix A graph, every exp, sum, /, ×, log, + and ×(−1) drawn with
 * its value and gradient. The gradients are the chain rule worked along the
 * drawn links, so the figure shows the book's steps: 1, −1, −t/y, then y − t
 * reaching a. Labels t get no gradient, as the book's layer returns only da. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "symbolic.h"

/* The layer's numbers for scores of n classes in `rows` rows: softmax y and
 * the one-hot labels (integer labels made one-hot), per element. */
typedef struct {
    size_t n, rows;
    double *y, *t;
} Loss;

static bool loss_init(Loss *l, const Graph *g, NodeId id) {
    const Node *node = graph_node(g, id);
    Value a = graph_value(g, node->in[0]), t = graph_value(g, node->in[1]);
    l->n = (size_t)a.shape->dims[a.shape->rank - 1];
    l->rows = a.size / l->n;
    l->y = malloc(2 * a.size * sizeof *l->y + 1);
    if (!l->y) return false;
    l->t = l->y + a.size;
    bool labels = t.shape->rank + 1 == a.shape->rank;
    for (size_t r = 0; r < l->rows; r++) {
        const double *x = a.data + r * l->n;
        double max = x[0], total = 0;
        for (size_t j = 1; j < l->n; j++)
            max = x[j] > max ? x[j] : max;
        for (size_t j = 0; j < l->n; j++)
            total += l->y[r * l->n + j] = exp(x[j] - max);
        for (size_t j = 0; j < l->n; j++) {
            l->y[r * l->n + j] /= total;
            l->t[r * l->n + j] =
                labels ? (double)(lround(t.data[r]) == (long)j) : t.data[r * l->n + j];
        }
    }
    return true;
}

/* Does level 2 apply: one vector of scores, short enough to draw element by element. */
static bool full_graph(const Graph *g, NodeId id, int level) {
    return level >= 2 && elements_fits(graph_value(g, graph_node(g, id)->in[0]).shape);
}

int expand_loss_ops(const Graph *g, NodeId id, int level) {
    if (!full_graph(g, id, level)) return 2;
    return 4 * (int)graph_value(g, graph_node(g, id)->in[0]).shape->dims[0] + 4;
}

/* Figure 5-30: a into Softmax, y and t into Cross Entropy Error. */
static int boxes(Builder *b, const Graph *g, NodeId id, const int *map, const char *const *names,
                 const double *dy, const Loss *l) {
    const Node *node = graph_node(g, id);
    Value a = graph_value(g, node->in[0]), t = graph_value(g, node->in[1]);
    double *ga = malloc(2 * a.size * sizeof *ga + 1);
    if (!ga) {
        b->failed = true;
        return -1;
    }
    double *gy = ga + a.size;
    for (size_t r = 0; r < l->rows; r++) {
        double mass = 0; /* Σt: 1 for one-hot labels, which makes da = y − t */
        for (size_t j = 0; j < l->n; j++)
            mass += l->t[r * l->n + j];
        for (size_t j = 0, k = r * l->n; j < l->n; j++, k++) {
            double scale = dy ? *dy / (double)l->rows : 0;
            ga[k] = scale * (mass * l->y[k] - l->t[k]);
            gy[k] = 0.0 - scale * l->t[k] / l->y[k]; /* 0.0 −: no "-0" where t is 0 */
        }
    }
    int softmax = build_node(b, VIEW_LAYER, "Softmax");
    build_edge(b, map[node->in[0]], softmax, a.shape, a.data, dy ? ga : NULL, names[0]);
    int cee = build_node(b, VIEW_LAYER, "Cross Entropy\nError");
    build_edge(b, softmax, cee, a.shape, l->y, dy ? gy : NULL, b->names ? "y" : NULL);
    build_edge(b, map[node->in[1]], cee, t.shape, t.data, NULL, names[1]);
    free(ga);
    return cee;
}

/* The appendix's graph for one vector of n scores. Gradients are written
 * backward from the seed, each the upstream one times the op's local
 * derivative, as the figure would be worked by hand. */
static int full(Builder *b, const Graph *g, NodeId id, const int *map, const char *const *names,
                const double *dy, const Loss *l) {
    const Node *node = graph_node(g, id);
    Value a = graph_value(g, node->in[0]);
    int n = (int)l->n;
    double e[VIEW_ELEMENTS], sum = 0, up = dy ? *dy : 0;
    for (int j = 0; j < n; j++)
        sum += e[j] = exp(a.data[j]);
    double inv = 1 / sum, yj[VIEW_ELEMENTS], s = 0;
    for (int j = 0; j < n; j++)
        s += l->t[j] * log(yj[j] = e[j] * inv);
    /* Backward: ×(−1) sends −dy to +, which passes it to each t·log y. */
    double gs = -up, glog[VIEW_ELEMENTS], gy[VIEW_ELEMENTS], ge[VIEW_ELEMENTS], ginv = 0;
    for (int j = 0; j < n; j++) {
        glog[j] = gs * l->t[j];  /* × by t */
        gy[j] = glog[j] / yj[j]; /* log: 1/y */
        ge[j] = gy[j] * inv;     /* × by 1/S, to exp(a) */
        ginv += gy[j] * e[j];    /* × by exp(a), to 1/S: summed over the uses */
    }
    double gsum = ginv * (-inv * inv); /* /: d(1/S)/dS = −1/S² */
    char base[VIEW_TEXT], tbase[VIEW_TEXT], name[VIEW_TEXT + 12];
    elements_base(b, map[node->in[0]], names[0], base);
    elements_base(b, map[node->in[1]], names[1], tbase);
    int exps[VIEW_ELEMENTS];
    for (int j = 0; j < n; j++) {
        double ga = (gsum + ge[j]) * e[j]; /* both uses of exp(a): the sum and the × */
        int from = elements_source(b, map[node->in[0]], base, j, a.data[j], name);
        exps[j] = build_node(b, VIEW_OP, "exp");
        build_scalar_edge(b, from, exps[j], a.data[j], dy ? &ga : NULL, *name ? name : NULL);
    }
    int plus = build_node(b, VIEW_OP, "+");
    for (int j = 0; j < n; j++)
        build_scalar_edge(b, exps[j], plus, e[j], dy ? &gsum : NULL, NULL);
    int div = build_node(b, VIEW_OP, "/");
    build_scalar_edge(b, plus, div, sum, dy ? &gsum : NULL, b->names ? "S" : NULL);
    int logs[VIEW_ELEMENTS];
    for (int j = 0; j < n; j++) {
        int mul = build_node(b, VIEW_OP, "×");
        build_scalar_edge(b, exps[j], mul, e[j], dy ? &ge[j] : NULL, NULL);
        double to_inv = gy[j] * e[j];
        build_scalar_edge(b, div, mul, inv, dy ? &to_inv : NULL, NULL);
        logs[j] = build_node(b, VIEW_OP, "log");
        snprintf(name, sizeof name, "y%d", j + 1);
        build_scalar_edge(b, mul, logs[j], yj[j], dy ? &gy[j] : NULL, b->names ? name : NULL);
    }
    int muls[VIEW_ELEMENTS];
    for (int j = 0; j < n; j++) {
        muls[j] = build_node(b, VIEW_OP, "×");
        double logy = log(yj[j]), tj = l->t[j];
        build_scalar_edge(b, logs[j], muls[j], logy, dy ? &glog[j] : NULL, NULL);
        int from = elements_source(b, map[node->in[1]], tbase, j, tj, name);
        build_scalar_edge(b, from, muls[j], tj, NULL, *name ? name : NULL);
    }
    int total = build_node(b, VIEW_OP, "+");
    for (int j = 0; j < n; j++)
        build_scalar_edge(b, muls[j], total, l->t[j] * log(yj[j]), dy ? &gs : NULL, NULL);
    int neg = build_node(b, VIEW_OP, "×");
    build_scalar_edge(b, total, neg, s, dy ? &gs : NULL, NULL);
    build_scalar_edge(b, build_number(b, -1), neg, -1, NULL, NULL);
    return neg;
}

/* Link *e says fwd and upstream · grad (grad NULL: none); *e moves on. */
static void say_next(Builder *b, int *e, const char *up, const char *fwd, const char *grad) {
    static const Shape SCALAR = {0};
    char flow[128];
    if (up && grad) sym_times(up, grad, flow);
    build_say(b, (*e)++, fwd, &SCALAR, up && grad ? flow : NULL);
}

/* The appendix's graph in symbols, on the 8n + 3 links full() built (in
 * its order) from `first`: forward a1, exp(a1), S, 1/S, y1, log y1, t1,
 * t1 log y1, ...; backward, from the seed: -1, -t1, -t1/y1, then -t1 S
 * into 1/S and -t1/exp(a1) into exp(a1), 1/S on into the sum (t1 + ... +
 * tn is 1), and y1 - t1 into a1, as the appendix works it. */
static void say_full(Builder *b, const Graph *g, NodeId id, int first, int n) {
    const Node *node = graph_node(g, id);
    const char *up = sym_upstream(b->sym, id), *a = sym_forward(b->sym, node->in[0]);
    const char *t = sym_forward(b->sym, node->in[1]);
    char fwd[VIEW_TEXT], grad[VIEW_TEXT], aj[VIEW_TEXT], tj[VIEW_TEXT], sum[VIEW_TEXT] = "";
    int e = first;
    for (int j = 0; j < n; j++) {
        sym_element(g, a, j, aj, sizeof aj), sym_element(g, t, j, tj, sizeof tj);
        snprintf(grad, sizeof grad, "y%d - %s", j + 1, tj);
        say_next(b, &e, up, aj, grad);
    }
    for (int j = 0; j < n; j++) {
        sym_element(g, a, j, aj, sizeof aj);
        snprintf(fwd, sizeof fwd, "exp(%s)", aj);
        say_next(b, &e, up, fwd, "1/S");
    }
    say_next(b, &e, up, "S", "1/S");
    for (int j = 0; j < n; j++) {
        sym_element(g, a, j, aj, sizeof aj), sym_element(g, t, j, tj, sizeof tj);
        snprintf(fwd, sizeof fwd, "exp(%s)", aj);
        snprintf(grad, sizeof grad, "-%s/exp(%s)", tj, aj);
        say_next(b, &e, up, fwd, grad);
        snprintf(grad, sizeof grad, "-%s S", tj);
        say_next(b, &e, up, "1/S", grad);
        snprintf(fwd, sizeof fwd, "y%d", j + 1);
        snprintf(grad, sizeof grad, "-%s/y%d", tj, j + 1);
        say_next(b, &e, up, fwd, grad);
    }
    for (int j = 0; j < n; j++) {
        sym_element(g, t, j, tj, sizeof tj);
        snprintf(fwd, sizeof fwd, "log y%d", j + 1);
        snprintf(grad, sizeof grad, "-%s", tj);
        say_next(b, &e, up, fwd, grad);
        say_next(b, &e, up, tj, NULL);
    }
    for (int j = 0; j < n; j++) {
        sym_element(g, t, j, tj, sizeof tj);
        snprintf(fwd, sizeof fwd, "%s log y%d", tj, j + 1);
        size_t used = strlen(sum);
        snprintf(sum + used, sizeof sum - used, "%s%s", j ? " + " : "", fwd);
        say_next(b, &e, up, fwd, "-1");
    }
    say_next(b, &e, up, n <= 3 ? sum : "Σ t log y", "-1");
}

int expand_softmax_with_loss(Builder *b, const Graph *g, NodeId id, const int *map,
                             const char *const *names, const double *dy, int level) {
    Loss l;
    if (!loss_init(&l, g, id)) {
        b->failed = true;
        return -1;
    }
    int first = b->v->edge_count, n = (int)l.n;
    int out = full_graph(g, id, level) ? full(b, g, id, map, names, dy, &l)
                                       : boxes(b, g, id, map, names, dy, &l);
    if (b->sym && full_graph(g, id, level) && b->v->edge_count == first + 8 * n + 3)
        say_full(b, g, id, first, n);
    free(l.y);
    return out;
}
