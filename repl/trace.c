/* trace.c - :trace, the backward pass narrated node by node from the target
 * back, as the book's figures walk it.
 *
 * A step whose node and inputs are all numbers is told with its local
 * derivatives (`1.1 × 2 = 2.2 flows back`). A step with a tensor has no one
 * local derivative to show, so it tells what arrived and what flowed to each
 * input: the values when they are small, else shape and norm.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "command.h"
#include "output.h"
#include "tensor_text.h"

enum { TRACE_INLINE_MAX = 6 }; /* tensors up to this many elements are shown whole */

typedef struct {
    Session *s;
    Graph *g;
    const char *of; /* what gradients are of: the target's name or "L" */
    int *received;  /* per node: how many flows reached it so far */
    int step;
    StrBuf label, text, from;
} Trace;

/* The text for node id's definition: `price = apple_price × tax`. */
static void describe_step(const Graph *g, NodeId id, StrBuf *label, StrBuf *out) {
    sb_clear(out);
    cmd_label(g, id, label);
    const OpInfo *info = op_info((Op)graph_node(g, id)->op);
    sb_printf(out, "%s = ", label->data);
    sb_clear(label);
    graph_expr_text(g, id, label);
    sb_puts(out, label->data);
    sb_printf(out, "   [%s node]", info->name);
}

/* A value in a sentence: a number, a small tensor's literal, or a large
 * one's shape and Euclidean norm. Appends to sb. */
static void describe_value(const Session *s, Value v, StrBuf *sb) {
    if (v.size <= TRACE_INLINE_MAX) {
        graph_value_text(v, s->digits, sb);
        return;
    }
    double sum = 0;
    for (size_t i = 0; i < v.size; i++)
        sum += v.data[i] * v.data[i];
    char shape[SHAPE_TEXT_SIZE], num[FMT_NUMBER_SIZE];
    sb_printf(sb, "a %s tensor of norm %s", shape_text(v.shape, shape, sizeof shape),
              session_num(s, sqrt(sum), num));
}

static bool all_scalar(const Graph *g, NodeId id) {
    const Node *n = graph_node(g, id);
    for (int k = 0; k < op_info((Op)n->op)->arity; k++)
        if (!graph_is_scalar(g, n->in[k])) return false;
    return graph_is_scalar(g, id);
}

/* Opens the JSON object for one flow of the current step, from t->from to
 * t->label; the caller adds the values and closes it. */
static void flow_begin(const Trace *t) {
    json_begin(t->s->out, "flow");
    json_int(t->s->out, "step", t->step);
    json_str(t->s->out, "from", t->from.data);
    json_str(t->s->out, "to", t->label.data);
}

/* The book's narration of a step on numbers, with local derivatives. */
static void scalar_step(Trace *t, NodeId id) {
    Session *s = t->s;
    Graph *g = t->g;
    const Node *n = graph_node(g, id);
    const OpInfo *info = op_info((Op)n->op);
    double upstream = graph_grad(g, id);
    /* Local derivatives: the same backward kernel fed an upstream of 1. */
    double x[BP_MAX_INPUTS], local[BP_MAX_INPUTS] = {0}, flows[BP_MAX_INPUTS];
    double *flow_to[BP_MAX_INPUTS] = {&flows[0], &flows[1], &flows[2]};
    for (int k = 0; k < info->arity; k++)
        x[k] = graph_scalar(g, n->in[k]);
    info->backward(x, graph_scalar(g, id), 1.0, local);
    graph_backward_node(g, id, flow_to);
    char n1[FMT_NUMBER_SIZE], n2[FMT_NUMBER_SIZE], n3[FMT_NUMBER_SIZE], n4[FMT_NUMBER_SIZE];
    cmd_label(g, id, &t->from);
    if (!s->json) {
        describe_step(g, id, &t->label, &t->text);
        fprintf(s->out, "step %d: %s\n", t->step, t->text.data);
        fprintf(s->out, "    upstream ∂%s/∂%s = %s\n", t->of, t->from.data,
                session_num(s, upstream, n1));
    }
    for (int k = 0; k < info->arity; k++) {
        NodeId in = n->in[k];
        if (graph_node(g, in)->op == OP_CONST) continue; /* numbers need no gradient */
        cmd_label(g, in, &t->label);
        double total = graph_grad(g, in);
        t->received[in]++;
        if (s->json) {
            flow_begin(t);
            json_num(s->out, "upstream", upstream);
            json_num(s->out, "local", local[k]);
            json_num(s->out, "flow", flows[k]);
            json_num(s->out, "total", total);
            json_end(s->out);
            continue;
        }
        fprintf(s->out, "    to %s: local ∂%s/∂%s = %s, so %s × %s = %s flows back\n",
                t->label.data, t->from.data, t->label.data, session_num(s, local[k], n1),
                session_num(s, upstream, n2), session_num(s, local[k], n3),
                session_num(s, flows[k], n4));
        if (t->received[in] > 1)
            fprintf(s->out, "    %s is used more than once: its gradients add up, %s + %s = %s\n",
                    t->label.data, session_num(s, total - flows[k], n1),
                    session_num(s, flows[k], n2), session_num(s, total, n3));
    }
}

/* A step with tensors: what arrived, what flowed to each input. False if
 * memory ran out. */
static bool tensor_step(Trace *t, NodeId id) {
    Session *s = t->s;
    Graph *g = t->g;
    const Node *n = graph_node(g, id);
    int arity = op_info((Op)n->op)->arity;
    double *flows[BP_MAX_INPUTS] = {NULL, NULL, NULL};
    bool ok = true;
    for (int k = 0; k < arity && ok; k++)
        ok = (flows[k] = calloc(shape_size(graph_shape(g, n->in[k])) + 1, sizeof **flows)) != NULL;
    if (!ok) {
        for (int k = 0; k < arity; k++)
            free(flows[k]);
        return false;
    }
    Value upstream = graph_grad_value(g, id);
    cmd_label(g, id, &t->from);
    if (!s->json) {
        describe_step(g, id, &t->label, &t->text);
        fprintf(s->out, "step %d: %s\n", t->step, t->text.data);
        sb_clear(&t->text);
        describe_value(s, upstream, &t->text);
        fprintf(s->out, "    upstream ∂%s/∂%s = %s\n", t->of, t->from.data, t->text.data);
    }
    /* The upstream's storage stays put while flows are added to inputs. */
    graph_backward_node(g, id, flows);
    for (int k = 0; k < arity; k++) {
        NodeId in = n->in[k];
        if (graph_node(g, in)->op == OP_CONST) continue;
        cmd_label(g, in, &t->label);
        Value flow = {graph_shape(g, in), flows[k], shape_size(graph_shape(g, in))};
        Value total = graph_grad_value(g, in);
        t->received[in]++;
        if (s->json) {
            flow_begin(t);
            json_array(s->out, "upstream", upstream);
            json_value(s->out, "flow", flow);
            json_array(s->out, "total", total);
            json_end(s->out);
            continue;
        }
        sb_clear(&t->text);
        describe_value(s, flow, &t->text);
        fprintf(s->out, "    to %s: %s flows back\n", t->label.data, t->text.data);
        if (t->received[in] > 1) {
            sb_clear(&t->text);
            describe_value(s, total, &t->text);
            fprintf(s->out, "    %s is used more than once: its gradients add up to %s\n",
                    t->label.data, t->text.data);
        }
    }
    for (int k = 0; k < arity; k++)
        free(flows[k]);
    return true;
}

/* The closing line: every leaf that received a gradient, and that gradient. */
static void result_line(Trace *t) {
    Session *s = t->s;
    Graph *g = t->g;
    fprintf(s->out, "result:");
    int shown = 0;
    for (int32_t k = 0; k < g->name_count; k++) {
        NodeId id = g->names[k].node;
        if (id == NODE_NONE || !graph_is_leaf(g, id) || !t->received[id]) continue;
        sb_clear(&t->text);
        describe_value(s, graph_grad_value(g, id), &t->text);
        fprintf(s->out, "%s ∂%s/∂%s = %s", shown++ ? "," : "", t->of, graph_name_of(g, id),
                t->text.data);
    }
    fprintf(s->out, "%s\n", shown ? "" : " (no leaves)");
}

bool cmd_trace(Command *c) {
    Session *s = c->s;
    Graph *g = &s->graph;
    NodeId target;
    if (!cmd_no_more_args(c) || !cmd_target(c, &target)) return false;
    const NodeId *order;
    int32_t len;
    const double *seed;
    char why[512];
    if (!session_seed(s, target, &seed, why, sizeof why)) return cmd_error(c, "%s", why);
    Trace t = {.s = s, .g = g, .of = session_grad_of(s, target)};
    t.received = calloc((size_t)g->count + 1, sizeof *t.received);
    if (!t.received || !graph_backward_begin(g, target, seed, &order, &len)) {
        free(t.received);
        return cmd_error(c, "out of memory");
    }
    sb_init(&t.label);
    sb_init(&t.text);
    sb_init(&t.from);
    if (!s->json) {
        describe_value(s, graph_grad_value(g, target), &t.text);
        fprintf(s->out, "backward pass of %s, seeded with ∂%s/∂%s = %s (the upstream gradient)\n",
                graph_name_of(g, target), t.of, graph_name_of(g, target), t.text.data);
    }
    bool ok = true;
    for (int32_t p = len - 1; p >= 0 && ok; p--) {
        NodeId id = order[p];
        const OpInfo *info = op_info((Op)graph_node(g, id)->op);
        if (info->arity == 0) continue; /* leaves and constants pass nothing on */
        t.step++;
        if (info->backward && all_scalar(g, id))
            scalar_step(&t, id);
        else
            ok = tensor_step(&t, id);
    }
    if (ok && !s->json) result_line(&t);
    sb_free(&t.label);
    sb_free(&t.text);
    sb_free(&t.from);
    free(t.received);
    return ok || cmd_error(c, "out of memory");
}
