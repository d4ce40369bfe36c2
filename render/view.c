/* view.c - deciding what a figure shows: graph nodes to circles, boxes and
 * labels, inputs to links with their values and gradients. */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "build.h"
#include "symbolic.h"

/* A constant written in an expression: its number, a small tensor's rows
 * ("[1 2]"), or a big one's shape. */
static int add_constant(Builder *b, const Graph *g, NodeId id) {
    if (graph_is_scalar(g, id)) return build_number(b, graph_scalar(g, id));
    char label[VIEW_TEXT], shape[SHAPE_TEXT_SIZE];
    Value c = graph_value(g, id);
    if (c.size > VIEW_SHOWN)
        snprintf(label, sizeof label, "const %s", shape_text(c.shape, shape, sizeof shape));
    else
        build_tensor_text(label, c.shape, c.data, b->tensor_digits, "");
    return build_node(b, VIEW_CONST, label);
}

static bool is_scalar_constant(const Graph *g, NodeId id) {
    return graph_node(g, id)->op == OP_CONST && graph_is_scalar(g, id);
}

/* Is input i of user written in user's circle instead of drawn? A power's
 * constant exponent always is (**2); with fold, a constant operand of ×
 * or + (either side) and of − or / (the right one) too: ×2 and ×1.1, as
 * figure 5-1 draws the apple's count and tax. Of two constants only the
 * right one goes in. */
static bool is_absorbed(const Graph *g, NodeId user, int i, bool fold) {
    const Node *n = graph_node(g, user);
    if (!is_scalar_constant(g, n->in[i])) return false;
    if (n->op == OP_POW) return i == 1;
    if (!fold) return false;
    bool commutes = n->op == OP_MUL || n->op == OP_ADD;
    if (i == 1) return commutes || n->op == OP_SUB || n->op == OP_DIV;
    return commutes && !is_scalar_constant(g, n->in[1]);
}

/* The input of user written in its circle, or -1. */
static int absorbed_input(const Graph *g, NodeId user, bool fold) {
    for (int i = 0; i < op_info((Op)graph_node(g, user)->op)->arity; i++)
        if (is_absorbed(g, user, i, fold)) return i;
    return -1;
}

/* The book draws its layers (figure 5-24 on) as boxes, not circles. */
static bool is_layer(Op op) {
    return op == OP_AFFINE || op == OP_SOFTMAX || op == OP_CROSS_ENTROPY ||
           op == OP_SOFTMAX_WITH_LOSS;
}

/* The circle's text: the op's symbol; a constant written in it follows
 * (**2, ×1.1, ×(-1)), a reduction shows its axis, indexing its row. */
static void op_label(const Graph *g, NodeId id, int digits, bool fold, char *out) {
    const Node *n = graph_node(g, id);
    const char *symbol = op_info((Op)n->op)->symbol;
    char num[FMT_NUMBER_SIZE];
    int absorbed = absorbed_input(g, id, fold);
    if (absorbed >= 0) {
        double c = graph_scalar(g, n->in[absorbed]);
        fmt_number(num, sizeof num, c, digits);
        snprintf(out, VIEW_TEXT, c < 0 ? "%s(%s)" : "%s%s", n->op == OP_POW ? "**" : symbol, num);
    } else if ((n->op == OP_SUM || n->op == OP_MEAN) && n->arg != AXIS_ALL)
        snprintf(out, VIEW_TEXT, "%s\naxis=%d", symbol, (int)n->arg);
    else if (n->op == OP_INDEX)
        snprintf(out, VIEW_TEXT, "[%d]", (int)n->arg);
    else
        snprintf(out, VIEW_TEXT, "%s", symbol);
}

/* Does --expand draw this node as several? Sigmoid and tanh only as
 * scalars: their expansion is the book's scalar figure 5-19. */
static int expanded_ops(const Graph *g, NodeId id, bool expand, int level) {
    const Node *n = graph_node(g, id);
    if (!expand) return 0;
    if (n->op == OP_AFFINE) return 2;
    if (n->op == OP_SOFTMAX_WITH_LOSS) return expand_loss_ops(g, id, level);
    if (!graph_is_scalar(g, id)) return 0;
    return n->op == OP_SIGMOID ? 4 : n->op == OP_TANH ? 7 : 0;
}

/* Steps count backward: the op added last runs first. */
static void number_steps(View *v) {
    int step = 0;
    for (int i = v->node_count - 1; i >= 0; i--)
        if (v->nodes[i].kind == VIEW_OP || v->nodes[i].kind == VIEW_LAYER)
            v->nodes[i].step = ++step;
    v->steps = step;
    for (int i = 0; i < v->edge_count; i++)
        v->edges[i].step = v->nodes[v->edges[i].to].step;
}

/* What a backward pass sent along each link: flow[id * BP_MAX_INPUTS + i]
 * is where the gradient node id sent to its input i starts in data. */
typedef struct {
    size_t *at;
    double *data;
    uint8_t *in_pass; /* per node: the pass gave it a gradient (graph_grad_reach) */
} Flows;

/* Runs the backward pass of o->target, keeping every link's flow. */
static bool run_backward(Graph *g, const ViewOptions *o, Flows *f) {
    const NodeId *order;
    int32_t len;
    if (!graph_backward_begin(g, o->target, o->seed, &order, &len)) return false;
    size_t total = 0;
    for (int32_t p = 0; p < len; p++) {
        const Node *n = graph_node(g, order[p]);
        for (int i = 0; i < op_info((Op)n->op)->arity; i++) {
            f->at[(size_t)order[p] * BP_MAX_INPUTS + (size_t)i] = total;
            total += graph_value(g, n->in[i]).size;
        }
    }
    f->data = calloc(total + 1, sizeof *f->data);
    uint8_t *reach = calloc((size_t)graph_count(g) + 1, 1);
    bool ok = f->data && reach && graph_grad_reach(g, o->target, reach);
    if (!ok) {
        free(reach);
        return false;
    }
    for (int32_t p = len - 1; p >= 0; p--) {
        const Node *n = graph_node(g, order[p]);
        double *into[BP_MAX_INPUTS] = {NULL};
        for (int i = 0; i < op_info((Op)n->op)->arity; i++)
            into[i] = f->data + f->at[(size_t)order[p] * BP_MAX_INPUTS + (size_t)i];
        graph_backward_node(g, order[p], into);
        f->in_pass[order[p]] =
            reach[order[p]]; /* labels' and constants' own gradients: not drawn */
    }
    free(reach);
    return true;
}

/* build_say for the links one build_edge made from a value of shape s:
 * one, or with --elements one per element, each saying its element's
 * symbols (a1, y1 - t1). */
static void say_links(Builder *b, const Graph *g, int first, const Shape *s, const char *label,
                      const char *grad) {
    static const Shape SCALAR = {0};
    if (first < 0 || !b->sym || !label) return;
    if (!(b->elements && elements_fits(s))) {
        build_say(b, first, label, s, grad);
        return;
    }
    for (int i = 0; i < s->dims[0] && first + i < b->v->edge_count; i++) {
        char symbol[VIEW_TEXT], flow[VIEW_TEXT];
        sym_element(g, label, i, symbol, sizeof symbol);
        if (grad) sym_element(g, grad, i, flow, sizeof flow);
        build_say(b, first + i, symbol, &SCALAR, grad ? flow : NULL);
    }
}

/* say_links for the links from graph node `from`. */
static void say_symbols(Builder *b, int e, const Graph *g, NodeId from, const char *grad) {
    if (b->sym) say_links(b, g, e, graph_shape(g, from), sym_forward(b->sym, from), grad);
}

/* The symbols on an expansion's links, the last ones built: Affine's four
 * (X, W, X·W, B: figure 5-25), the sigmoid's six (figure 5-20) or tanh's
 * twelve (sym_layer_steps). */
static void say_expanded(Builder *b, const Graph *g, NodeId id) {
    const Node *n = graph_node(g, id);
    int last = b->v->edge_count;
    if (!b->sym || b->failed) return;
    const Sym *s = b->sym;
    if (n->op == OP_AFFINE) {
        char xw[VIEW_TEXT];
        snprintf(xw, sizeof xw, "%s·%s", sym_forward(s, n->in[0]), sym_forward(s, n->in[1]));
        int at[5] = {0}; /* where the links of X, W, X·W and B start */
        const Shape *shapes[4] = {graph_shape(g, n->in[0]), graph_shape(g, n->in[1]),
                                  graph_shape(g, id), graph_shape(g, n->in[2])};
        for (int k = 0; k < 4; k++)
            at[k + 1] = at[k] + build_links_of(b, shapes[k]);
        int first = last - at[4];
        if (first < 0) return;
        say_symbols(b, first + at[0], g, n->in[0], sym_backward(s, id, 0));
        say_symbols(b, first + at[1], g, n->in[1], sym_backward(s, id, 1));
        say_links(b, g, first + at[2], shapes[2], xw, sym_upstream(s, id));
        say_symbols(b, first + at[3], g, n->in[2], sym_backward(s, id, 2));
    } else {
        char fwd[SYM_STEPS][128], grad[SYM_STEPS][128];
        int count = sym_layer_steps(s, g, id, fwd, grad);
        for (int i = 0; count <= last && i < count; i++)
            build_say(b, last - count + i, fwd[i], graph_shape(g, id), grad[i]);
    }
}

/* --derived: a sigmoid or tanh drawn as one node sends back what its
 * expanded graph derives, in that graph's expressions (symbolic.h), which
 * the legend may then name: tanh's "t = 1/(1+exp(-2x))". */
static void said_derived(Builder *b, const Graph *g, NodeId id) {
    char fwd[SYM_STEPS][128], grad[SYM_STEPS][128];
    int count = sym_layer_steps(b->sym, g, id, fwd, grad);
    for (int i = 0; i < count; i++)
        build_said(b, fwd[i]);
}

/* The symbols on Softmax-with-Loss's boxes (figure 5-30): a's links, y's,
 * then t's, the last ones built; the appendix's graph says its own. */
static void say_loss(Builder *b, const Graph *g, NodeId id, int level) {
    const Node *n = graph_node(g, id);
    const Shape *a = graph_shape(g, n->in[0]), *t = graph_shape(g, n->in[1]);
    int first = b->v->edge_count - 2 * build_links_of(b, a) - build_links_of(b, t);
    if (!b->sym || b->failed || first < 0 || expand_loss_ops(g, id, level) != 2) return;
    char fwd[3][128], grad[3][128];
    sym_loss_steps(b->sym, g, id, fwd, grad);
    say_links(b, g, first, a, fwd[0], grad[0]);
    say_links(b, g, first + build_links_of(b, a), a, fwd[1], grad[1]);
    say_links(b, g, first + 2 * build_links_of(b, a), t, fwd[2], NULL);
}

/* Draws graph node id (an operation) from the view nodes of its inputs. */
static int add_operation(Builder *b, const Graph *g, NodeId id, const int *map,
                         const ViewOptions *o, const Flows *f) {
    const Node *n = graph_node(g, id);
    const OpInfo *info = op_info((Op)n->op);
    const char *names[BP_MAX_INPUTS] = {NULL};
    const double *flows[BP_MAX_INPUTS] = {NULL};
    for (int i = 0; i < info->arity; i++) {
        if (o->names && o->labels == VIEW_NUMBERS && graph_node(g, n->in[i])->op != OP_LEAF)
            names[i] = graph_name_of(g, n->in[i]);
        if (f->in_pass[id] && graph_input_takes_grad(g, id, i))
            flows[i] = f->data + f->at[(size_t)id * BP_MAX_INPUTS + (size_t)i];
    }
    const double *dy = f->in_pass[id] ? graph_grad_value(g, id).data : NULL;
    int expands = expanded_ops(g, id, o->expand, o->expand_level);
    if (expands && n->op == OP_SOFTMAX_WITH_LOSS) {
        int out = expand_softmax_with_loss(b, g, id, map, names, dy, o->expand_level);
        say_loss(b, g, id, o->expand_level);
        return out;
    }
    if (expands) {
        int out = n->op == OP_AFFINE ? expand_affine(b, g, id, map, names, dy, dy ? flows : NULL)
                                     : expand_sigmoid_or_tanh(b, g, id, map, names, dy);
        say_expanded(b, g, id);
        return out;
    }
    if (b->sym && o->labels == VIEW_DERIVED) said_derived(b, g, id);
    char label[VIEW_TEXT];
    op_label(g, id, o->digits, o->fold, label);
    int node = build_node(b, is_layer((Op)n->op) ? VIEW_LAYER : VIEW_OP, label);
    for (int i = 0; i < info->arity; i++) {
        if (is_absorbed(g, id, i, o->fold)) continue;
        Value in = graph_value(g, n->in[i]);
        int e = build_edge(b, map[n->in[i]], node, in.shape, in.data, flows[i], names[i]);
        say_symbols(b, e, g, n->in[i], b->sym ? sym_backward(b->sym, id, i) : NULL);
    }
    return node;
}

/* Does link e carry one of the names a worksheet asks blanks for? It
 * carries a leaf's name when it leaves that leaf, a named intermediate's
 * when it is labelled with it. */
static bool blank_link(const View *v, const ViewEdge *e, const ViewOptions *o) {
    if (!o->blank_names) return true;
    const ViewNode *from = &v->nodes[e->from];
    for (int k = 0; k < o->blank_name_count; k++)
        if (strcmp(e->name, o->blank_names[k]) == 0 ||
            (from->kind == VIEW_LEAF && strcmp(from->label, o->blank_names[k]) == 0))
            return true;
    return false;
}

/* Marks the labels a worksheet leaves blank. The seed's arrow into the
 * output stays: it is where the backward pass starts, given as in 5-15. */
static void mark_blanks(View *v, const ViewOptions *o) {
    v->answers = o->answers;
    for (int i = 0; i < v->edge_count; i++) {
        ViewEdge *e = &v->edges[i];
        if (!blank_link(v, e, o)) continue;
        bool output = v->nodes[e->to].kind == VIEW_SINK;
        e->blank = o->blanks & (output ? VIEW_BLANK_VALUE : VIEW_BLANK_VALUE | VIEW_BLANK_GRAD);
        if (!*e->grad) e->blank &= ~VIEW_BLANK_GRAD;
        if (!*e->value) e->blank &= ~VIEW_BLANK_VALUE; /* a constant's plain arrow */
    }
}

bool view_build(View *v, Graph *g, const ViewOptions *o, char *error, int error_size) {
    memset(v, 0, sizeof *v);
    Builder b = {.v = v,
                 .digits = o->digits,
                 .tensor_digits = o->tensor_digits,
                 .elements = o->elements,
                 /* in symbols a link's label is its name already */
                 .names = o->names && o->labels == VIEW_NUMBERS,
                 .values = o->values};
    int32_t count = graph_count(g);
    Flows f = {.at = malloc(((size_t)count * BP_MAX_INPUTS + 1) * sizeof *f.at),
               .in_pass = calloc((size_t)count + 1, 1)};
    int *map = malloc(((size_t)count + 1) * sizeof *map);
    int *users = calloc((size_t)count + 1, sizeof *users);
    uint8_t *absorbed = calloc((size_t)count + 1, 1);
    bool ok = f.at && f.in_pass && map && users && absorbed;
    NodeId shown = o->of != NODE_NONE ? o->of : o->target;
    if (ok && o->target != NODE_NONE && !o->forward_only) ok = run_backward(g, o, &f);
    int32_t len = 0;
    const NodeId *order = NULL;
    if (ok && (o->all || shown != NODE_NONE))
        order = o->all ? graph_order(g, &len) : graph_ancestors(g, shown, &len);
    if (!order) {
        snprintf(error, (size_t)error_size, "%s",
                 !ok || o->all || shown != NODE_NONE
                     ? "out of memory"
                     : "nothing to draw: define a value computed from others");
        ok = false;
    }
    Sym sym = {0};
    if (ok && order && o->labels != VIEW_NUMBERS) {
        NodeId from = o->forward_only ? NODE_NONE : o->target;
        SymStyle style = o->labels == VIEW_CHAIN     ? SYM_CHAIN
                         : o->labels == VIEW_DERIVED ? SYM_DERIVED
                                                     : SYM_RULES;
        ok = sym_build(&sym, g, order, len, from, style, o->digits);
        if (!ok) snprintf(error, (size_t)error_size, "out of memory");
        b.sym = ok ? &sym : NULL;
    }
    /* A constant written in its op's circle (**2, ×2) is not drawn; and
     * the circles are counted before anything is built. */
    int ops = 0;
    for (int32_t p = 0; ok && p < len; p++) {
        const Node *n = graph_node(g, order[p]);
        map[order[p]] = -1;
        int in = absorbed_input(g, order[p], o->fold);
        if (in >= 0) absorbed[n->in[in]] = 1;
        int expands = expanded_ops(g, order[p], o->expand, o->expand_level);
        if (op_info((Op)n->op)->arity > 0) ops += expands ? expands : 1;
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
        if (n->op == OP_LEAF)
            map[id] = build_node(&b, VIEW_LEAF, b.sym ? "" : graph_name_of(g, id));
        else if (n->op == OP_CONST)
            map[id] = absorbed[id] ? -1 : add_constant(&b, g, id);
        else
            map[id] = add_operation(&b, g, id, map, o, &f);
        for (int i = 0; i < op_info((Op)n->op)->arity; i++)
            users[n->in[i]]++;
    }
    /* The final arrow out of the drawing: the output's value, and the seed
     * (or the gradient arriving there) coming back. */
    for (int32_t p = 0; ok && p < len && !b.failed; p++) {
        NodeId id = order[p];
        if (map[id] < 0 || (o->all ? users[id] > 0 : id != shown)) continue;
        if (graph_node(g, id)->op == OP_CONST) continue;
        int sink = build_node(&b, VIEW_SINK, "");
        const char *name = o->names && o->labels == VIEW_NUMBERS && graph_node(g, id)->op != OP_LEAF
                               ? graph_name_of(g, id)
                               : NULL;
        Value value = graph_value(g, id);
        int e = build_edge(&b, map[id], sink, value.shape, value.data,
                           f.in_pass[id] ? graph_grad_value(g, id).data : NULL, name);
        say_symbols(&b, e, g, id, b.sym ? sym_upstream(b.sym, id) : NULL);
    }
    if (ok && b.failed) snprintf(error, (size_t)error_size, "out of memory");
    ok = ok && !b.failed;
    if (ok && (o->elements || o->expand_level >= 2)) elements_prune(v); /* split sources */
    if (ok && b.sym) legend_build(&b, g);
    build_free(&b);
    if (ok) number_steps(v);
    if (ok && o->blanks) mark_blanks(v, o);
    free(f.at);
    free(f.data);
    free(f.in_pass);
    free(map);
    free(users);
    free(absorbed);
    sym_free(&sym);
    if (!ok) view_free(v);
    return ok;
}

void view_free(View *v) {
    free(v->nodes);
    free(v->edges);
    memset(v, 0, sizeof *v);
}
