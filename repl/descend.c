/* descend.c - :descend, gradient descent on the params (the book's SGD:
 * W -= lr * dW for every parameter, then forward again). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "output.h"
#include "warning.h"

enum { MAX_STEPS = 1000000 };

/* The params the target depends on, in definition order: a malloc'd array
 * with *n entries, or NULL after reporting an error (none is one). */
static NodeId *target_params(Command *c, NodeId target, int32_t *n) {
    Graph *g = &c->s->graph;
    int32_t len;
    const NodeId *order = graph_ancestors(g, target, &len);
    uint8_t *used = calloc((size_t)graph_count(g) + 1, 1);
    NodeId *params = malloc(((size_t)g->name_count + 1) * sizeof *params);
    if (!order || !used || !params) {
        free(used);
        free(params);
        cmd_error(c, "out of memory");
        return NULL;
    }
    for (int32_t i = 0; i < len; i++)
        used[order[i]] = 1;
    int32_t found = 0, elsewhere = 0;
    for (int32_t k = 0; k < g->name_count; k++) {
        NodeId id = g->names[k].node;
        if (id == NODE_NONE || !graph_is_leaf(g, id) || !graph_is_param(g, id)) continue;
        if (used[id])
            params[found++] = id;
        else
            elsewhere++;
    }
    free(used);
    *n = found;
    if (found > 0) return params;
    free(params);
    const char *name = graph_name_of(g, target);
    if (elsewhere)
        cmd_error(c, "no param feeds %s: :descend trains the params the target depends on", name);
    else
        cmd_error(c,
                  "no params to train: mark the leaves %s should learn with `param` "
                  "(param W = randn(2, 3))",
                  name);
    return NULL;
}

static void print_step(Session *s, long step, NodeId target) {
    const char *name = graph_name_of(&s->graph, target);
    Value v = graph_value(&s->graph, target);
    Event e;
    event_init(&e, "descend");
    event_int(&e, "step", step);
    event_str(&e, "name", name);
    event_value(&e, "value", v);
    session_show(s, &e, v, "step %ld: %s = ", step, name);
    session_emit(s, &e);
}

/* Reads LR and the optional STEPS; false after reporting a bad one. */
static bool descend_args(Command *c, double *lr, long *steps) {
    Token t = lexer_next(&c->lexer);
    if (t.type == TOK_EOF)
        return cmd_error(c, ":descend needs a learning rate: :descend 0.1 [STEPS]");
    if (!cmd_number(&t, lr) || !(*lr > 0) || isinf(*lr))
        return cmd_error_at(c, &t, "the learning rate must be a positive number");
    *steps = 1;
    t = lexer_next(&c->lexer);
    if (t.type == TOK_EOF) return true;
    double d;
    if (!cmd_number(&t, &d) || d != floor(d) || d < 1 || d > MAX_STEPS)
        return cmd_error_at(c, &t, "steps must be a whole number from 1 to %d", MAX_STEPS);
    *steps = (long)d;
    return cmd_no_more_args(c);
}

bool cmd_descend(Command *c) {
    Session *s = c->s;
    Graph *g = &s->graph;
    double lr = 0;
    long steps = 1;
    NodeId target;
    if (!descend_args(c, &lr, &steps) || !cmd_target(c, &target)) return false;
    const double *seed;
    char why[512];
    if (!session_seed(s, target, &seed, why, sizeof why)) return cmd_error(c, "%s", why);
    int32_t n;
    NodeId *params = target_params(c, target, &n);
    if (!params) return false;
    bool ok = true, warned = false;
    long step = 1;
    /* Polled between steps, so the steps taken so far are whole: each has
     * updated every param and recomputed the graph. */
    for (; ok && step <= steps && !session_stopped(s); step++) {
        ok = graph_backward(g, target, seed);
        for (int32_t i = 0; ok && i < n; i++) {
            double *w = graph_leaf_data(g, params[i]);
            Value dw = graph_grad_value(g, params[i]);
            for (size_t k = 0; k < dw.size; k++)
                w[k] -= lr * dw.data[k];
        }
        /* One recomputation for all params: they change together. */
        ok = ok && graph_update(g, params, n);
        if (ok) print_step(s, step, target);
        /* Once: a diverging descent would repeat it every step. */
        if (ok && !warned) warned = session_warn_nonfinite(s, graph_name_of(g, target), target);
        s->io.changed = true;
    }
    /* A param loaded from a file holds other numbers now: :save writes them. */
    for (int32_t i = 0; i < n && step > 1; i++)
        session_forget_loaded(s, graph_name_of(g, params[i]),
                              (int)strlen(graph_name_of(g, params[i])));
    free(params);
    if (!ok) return cmd_error(c, "out of memory");
    if (step <= steps && session_interrupted(s))
        return cmd_error(c, "interrupted after %ld of %ld step%s; the params keep the steps taken",
                         step - 1, steps, steps == 1 ? "" : "s");
    return step > steps;
}
