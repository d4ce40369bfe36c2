/* view.c - deciding what a figure shows: graph nodes to circles and labels,
 * inputs to links with their values and gradients. */
#include "view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"

typedef struct {
    View *v;
    int node_cap, edge_cap;
    bool failed;
    int digits;
} Builder;

/* Copies s into a label, cutting at a character boundary with "…". */
static void set_text(char *dst, const char *s) {
    size_t n = strlen(s);
    if (n < VIEW_TEXT) {
        memcpy(dst, s, n + 1);
        return;
    }
    size_t cut = VIEW_TEXT - 4;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(dst, s, cut);
    memcpy(dst + cut, "…", 4);
}

static int add_node(Builder *b, ViewNodeKind kind, const char *label) {
    View *v = b->v;
    if (v->node_count == b->node_cap) {
        int cap = b->node_cap ? b->node_cap * 2 : 32;
        ViewNode *nodes = realloc(v->nodes, (size_t)cap * sizeof *nodes);
        if (!nodes) {
            b->failed = true;
            return -1;
        }
        v->nodes = nodes;
        b->node_cap = cap;
    }
    ViewNode *n = &v->nodes[v->node_count];
    n->kind = kind;
    set_text(n->label, label);
    n->step = 0;
    if (kind == VIEW_OP) v->op_count++;
    return v->node_count++;
}

static int add_number(Builder *b, double value) {
    char num[FMT_NUMBER_SIZE];
    return add_node(b, VIEW_CONST, fmt_number(num, sizeof num, value, b->digits));
}

/* A link from -> to carrying `value`, and *grad unless grad is NULL. */
static void add_edge(Builder *b, int from, int to, double value, const double *grad,
                     const char *name) {
    View *v = b->v;
    if (from < 0 || to < 0) return;
    if (v->edge_count == b->edge_cap) {
        int cap = b->edge_cap ? b->edge_cap * 2 : 32;
        ViewEdge *edges = realloc(v->edges, (size_t)cap * sizeof *edges);
        if (!edges) {
            b->failed = true;
            return;
        }
        v->edges = edges;
        b->edge_cap = cap;
    }
    ViewEdge *e = &v->edges[v->edge_count++];
    char num[FMT_NUMBER_SIZE];
    e->from = from;
    e->to = to;
    set_text(e->value, fmt_number(num, sizeof num, value, b->digits));
    e->grad[0] = '\0';
    if (grad) set_text(e->grad, fmt_number(num, sizeof num, *grad, b->digits));
    set_text(e->name, name ? name : "");
    e->step = 0;
}

/* The book's figure 5-19: sigmoid(x) = 1 / (1 + exp(−x)) as ×(−1), exp, +1
 * and /, each link with its own value and gradient. `name` labels the link
 * from x; dy is the gradient at the output (NULL: no gradients). Returns the "/" node and sets *dx
 * to the gradient reaching x. */
static int expand_sigmoid(Builder *b, int x, double xv, const char *name, const double *dy,
                          double *dx) {
    double a = -xv, e = exp(a), c = 1 + e;
    double gc = dy ? *dy * (-1 / (c * c)) : 0; /* d(1/c)/dc = −1/c² */
    double ga = gc * e, gk = ga * xv;
    *dx = -ga;
    int mul = add_node(b, VIEW_OP, "×");
    add_edge(b, x, mul, xv, dy ? dx : NULL, name);
    add_edge(b, add_number(b, -1), mul, -1, dy ? &gk : NULL, NULL);
    int ex = add_node(b, VIEW_OP, "exp");
    add_edge(b, mul, ex, a, dy ? &ga : NULL, NULL);
    int plus = add_node(b, VIEW_OP, "+");
    add_edge(b, ex, plus, e, dy ? &gc : NULL, NULL);
    add_edge(b, add_number(b, 1), plus, 1, dy ? &gc : NULL, NULL);
    int div = add_node(b, VIEW_OP, "/");
    add_edge(b, plus, div, c, dy ? &gc : NULL, NULL);
    return div;
}

/* tanh(x) = 2·sigmoid(2x) − 1, drawn with the sigmoid expanded. */
static int expand_tanh(Builder *b, int x, double xv, const char *name, const double *dy,
                       double *dx) {
    double u = 2 * xv, s = 1 / (1 + exp(-u));
    double gs = dy ? 2 * *dy : 0, gscale = dy ? *dy * s : 0, gone = dy ? -*dy : 0;
    /* Gradients flow backward, so the links into ×2 are filled in last. */
    int twice = add_node(b, VIEW_OP, "×");
    int first = b->v->edge_count;
    add_edge(b, x, twice, xv, NULL, name);
    add_edge(b, add_number(b, 2), twice, 2, NULL, NULL);
    double du;
    int div = expand_sigmoid(b, twice, u, NULL, dy ? &gs : NULL, &du);
    int scale = add_node(b, VIEW_OP, "×");
    add_edge(b, div, scale, s, dy ? &gs : NULL, NULL);
    add_edge(b, add_number(b, 2), scale, 2, dy ? &gscale : NULL, NULL);
    int minus = add_node(b, VIEW_OP, "−");
    add_edge(b, scale, minus, 2 * s, dy, NULL);
    add_edge(b, add_number(b, 1), minus, 1, dy ? &gone : NULL, NULL);
    *dx = 2 * du;
    if (!b->failed && dy) {
        char num[FMT_NUMBER_SIZE];
        set_text(b->v->edges[first].grad, fmt_number(num, sizeof num, *dx, b->digits));
        set_text(b->v->edges[first + 1].grad, fmt_number(num, sizeof num, du * xv, b->digits));
    }
    return minus;
}

/* The circle's text: the op's symbol; a power by a constant shows it (**2). */
static void op_label(const Graph *g, NodeId id, int digits, char *out) {
    const Node *n = graph_node(g, id);
    if (n->op == OP_POW && graph_node(g, n->in[1])->op == OP_CONST) {
        char num[FMT_NUMBER_SIZE];
        snprintf(out, VIEW_TEXT, "**%s",
                 fmt_number(num, sizeof num, graph_scalar(g, n->in[1]), digits));
        return;
    }
    snprintf(out, VIEW_TEXT, "%s", op_info((Op)n->op)->symbol);
}

static bool is_absorbed_exponent(const Graph *g, NodeId user, int i) {
    const Node *n = graph_node(g, user);
    return n->op == OP_POW && i == 1 && graph_node(g, n->in[1])->op == OP_CONST;
}

/* Steps count backward: the op circle added last runs first. */
static void number_steps(View *v) {
    int step = 0;
    for (int i = v->node_count - 1; i >= 0; i--)
        if (v->nodes[i].kind == VIEW_OP) v->nodes[i].step = ++step;
    v->steps = step;
    for (int i = 0; i < v->edge_count; i++)
        v->edges[i].step =
            v->nodes[v->edges[i].to].kind == VIEW_OP ? v->nodes[v->edges[i].to].step : 0;
}

bool view_build(View *v, Graph *g, const ViewOptions *o, char *error, int error_size) {
    memset(v, 0, sizeof *v);
    Builder b = {.v = v, .digits = o->digits};
    int32_t count = graph_count(g);
    double *flows = malloc(((size_t)count * BP_MAX_INPUTS + 1) * sizeof *flows);
    uint8_t *in_pass = calloc((size_t)count + 1, 1); /* has a gradient */
    int *map = malloc(((size_t)count + 1) * sizeof *map);
    int *users = calloc((size_t)count + 1, sizeof *users);
    uint8_t *absorbed = calloc((size_t)count + 1, 1);
    bool ok = flows && in_pass && map && users && absorbed;
    NodeId shown = o->of != NODE_NONE ? o->of : o->target;
    for (NodeId id = 0; ok && id < count; id++)
        if (graph_is_live(g, id) && !graph_is_scalar(g, id)) {
            snprintf(error, (size_t)error_size, "drawing tensors is not supported yet");
            ok = false;
        }
    if (ok && o->target != NODE_NONE && !o->forward_only) {
        const NodeId *order;
        int32_t len;
        ok = graph_backward_begin(g, o->target, o->seed, &order, &len);
        for (int32_t p = len - 1; ok && p >= 0; p--) {
            double *f = flows + (size_t)order[p] * BP_MAX_INPUTS;
            double *node_flows[BP_MAX_INPUTS] = {f, f + 1, f + 2};
            graph_backward_node(g, order[p], node_flows);
            in_pass[order[p]] = 1;
        }
    }
    int32_t len = 0;
    const NodeId *order = NULL;
    if (ok && (o->all || shown != NODE_NONE))
        order = o->all ? graph_order(g, &len) : graph_ancestors(g, shown, &len);
    if (ok && !order) {
        snprintf(error, (size_t)error_size, "%s",
                 o->all || shown != NODE_NONE
                     ? "out of memory"
                     : "nothing to draw: define a value computed from others");
        ok = false;
    }
    /* An exponent is written in its power's circle (**2), not drawn; and
     * the circles are counted before anything is built. */
    int ops = 0;
    for (int32_t p = 0; ok && p < len; p++) {
        const Node *n = graph_node(g, order[p]);
        map[order[p]] = -1;
        if (is_absorbed_exponent(g, order[p], 1)) absorbed[n->in[1]] = 1;
        bool expands = o->expand && (n->op == OP_SIGMOID || n->op == OP_TANH);
        if (op_info((Op)n->op)->arity > 0) ops += !expands ? 1 : n->op == OP_TANH ? 7 : 4;
    }
    if (ok && o->max_ops > 0 && ops > o->max_ops) {
        snprintf(error, (size_t)error_size,
                 "%d operations is too many to lay out quickly (the limit is %d): draw part of it "
                 "with --of NAME, or add --force and wait",
                 ops, o->max_ops);
        ok = false;
    }
    for (int32_t p = 0; ok && p < len && !b.failed; p++) {
        NodeId id = order[p];
        const Node *n = graph_node(g, id);
        const OpInfo *info = op_info((Op)n->op);
        char label[VIEW_TEXT];
        if (n->op == OP_LEAF) {
            map[id] = add_node(&b, VIEW_LEAF, graph_name_of(g, id));
            continue;
        }
        if (n->op == OP_CONST) {
            if (!absorbed[id]) map[id] = add_number(&b, graph_scalar(g, id));
            continue;
        }
        const double *flow = flows + (size_t)id * BP_MAX_INPUTS;
        double dy = graph_grad(g, id);
        if (o->expand && (n->op == OP_SIGMOID || n->op == OP_TANH)) {
            double dx;
            NodeId in = n->in[0];
            const char *name =
                o->names && graph_node(g, in)->op != OP_LEAF ? graph_name_of(g, in) : NULL;
            const double *upstream = in_pass[id] ? &dy : NULL;
            map[id] = n->op == OP_SIGMOID
                          ? expand_sigmoid(&b, map[in], graph_scalar(g, in), name, upstream, &dx)
                          : expand_tanh(&b, map[in], graph_scalar(g, in), name, upstream, &dx);
        } else {
            op_label(g, id, o->digits, label);
            map[id] = add_node(&b, VIEW_OP, label);
            for (int i = 0; i < info->arity; i++) {
                if (is_absorbed_exponent(g, id, i)) continue;
                NodeId in = n->in[i];
                const char *name =
                    o->names && graph_node(g, in)->op != OP_LEAF ? graph_name_of(g, in) : NULL;
                add_edge(&b, map[in], map[id], graph_scalar(g, in), in_pass[id] ? &flow[i] : NULL,
                         name);
            }
        }
        for (int i = 0; i < info->arity; i++)
            users[n->in[i]]++;
    }
    /* The final arrow out of the drawing: the output's value, and the seed
     * (or the gradient arriving there) coming back. */
    for (int32_t p = 0; ok && p < len && !b.failed; p++) {
        NodeId id = order[p];
        if (map[id] < 0 || (o->all ? users[id] > 0 : id != shown)) continue;
        if (graph_node(g, id)->op == OP_CONST) continue;
        int sink = add_node(&b, VIEW_SINK, "");
        const char *name =
            o->names && graph_node(g, id)->op != OP_LEAF ? graph_name_of(g, id) : NULL;
        double grad = graph_grad(g, id);
        add_edge(&b, map[id], sink, graph_scalar(g, id), in_pass[id] ? &grad : NULL, name);
    }
    if (ok && b.failed) snprintf(error, (size_t)error_size, "out of memory");
    ok = ok && !b.failed;
    if (ok) number_steps(v);
    free(flows);
    free(in_pass);
    free(map);
    free(users);
    free(absorbed);
    if (!ok) view_free(v);
    return ok;
}

void view_free(View *v) {
    free(v->nodes);
    free(v->edges);
    memset(v, 0, sizeof *v);
}
