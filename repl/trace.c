/* trace.c - :trace, the backward pass narrated node by node from the target
 * back, as the book's figures walk it.
 *
 * A step whose node and inputs are all numbers is told with its local
 * derivatives (`1.1 × 2 = 2.2 flows back`). A step with a tensor has no one
 * local derivative to show, so it tells what arrived and what flowed to each
 * input: the values when they are small, else shape and norm.
 *
 * Every line is short whatever the graph: an unnamed node is named by its
 * text only when that is short (cmd_label, else `#7`), and a definition too
 * long to spell out is written as its own step over its inputs' labels. So
 * the narration of n nodes is O(n) long, and Ctrl-C stops it between steps.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "../render/symbolic.h"
#include "command.h"
#include "output.h"
#include "tensor_text.h"

enum {
    TRACE_INLINE_MAX = 6, /* tensors up to this many elements are shown whole */
    STEP_TEXT_MAX = 72,   /* longer definitions are told one step at a time */
};

typedef struct {
    Session *s;
    Graph *g;
    const char *of; /* what gradients are of: the target's name or "L" */
    int *received;  /* per node: how many flows reached it so far */
    int step;
    StrBuf label, text, from;
    const Sym *sym; /* --symbolic: each flow's label too (NULL: numbers only) */
} Trace;

/* graph_step_text's label for an input: cmd_label, through the scratch
 * buffer ctx. */
static void input_label(const Graph *g, NodeId id, void *ctx, StrBuf *out) {
    StrBuf *scratch = ctx;
    cmd_label(g, id, scratch);
    sb_puts(out, scratch->data);
}

/* The text for node id's definition: `price = apple_price × tax`, or for
 * a long one its last operation: `x = #7998 + a`. */
static void describe_step(const Graph *g, NodeId id, StrBuf *label, StrBuf *out) {
    sb_clear(out);
    cmd_label(g, id, label);
    const OpInfo *info = op_info((Op)graph_node(g, id)->op);
    sb_printf(out, "%s = ", label->data);
    if (!graph_expr_text_within(g, id, STEP_TEXT_MAX, out))
        graph_step_text(g, id, input_label, label, out);
    sb_printf(out, "   [%s node]", info->name);
}

/* The first input of node n that is the same node as input k: an input
 * used twice in one node (x * x) has one running sum. */
static int first_use(const Node *n, int k) {
    int j = 0;
    while (n->in[j] != n->in[k])
        j++;
    return j;
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

/* Starts the event for one flow of the current step, from t->from to
 * t->label; the caller adds the values and its lines, and emits it. */
static void flow_begin(const Trace *t, Event *e) {
    event_init(e, "flow");
    event_int(e, "step", t->step);
    event_str(e, "from", t->from.data);
    event_str(e, "to", t->label.data);
}

/* "step 2: the × node ..." and the upstream it received: for people. */
static void step_heading(Trace *t, const char *upstream) {
    Event e;
    event_init(&e, NULL);
    event_printf(&e, "step %d: %s\n", t->step, t->text.data);
    event_printf(&e, "    upstream ∂%s/∂%s = %s\n", t->of, t->from.data, upstream);
    session_emit(t->s, &e);
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
    /* Each input's gradient before this step; the flows are added to it
     * one by one below, in the order graph_backward_node adds them. */
    double sum[BP_MAX_INPUTS];
    for (int k = 0; k < info->arity; k++) {
        x[k] = graph_scalar(g, n->in[k]);
        sum[k] = graph_grad(g, n->in[k]);
    }
    info->backward(x, graph_scalar(g, id), 1.0, local);
    graph_backward_node(g, id, flow_to);
    char n1[FMT_NUMBER_SIZE], n2[FMT_NUMBER_SIZE], n3[FMT_NUMBER_SIZE], n4[FMT_NUMBER_SIZE];
    cmd_label(g, id, &t->from);
    describe_step(g, id, &t->label, &t->text);
    step_heading(t, session_num(s, upstream, n1));
    for (int k = 0; k < info->arity; k++) {
        NodeId in = n->in[k];
        if (graph_node(g, in)->op == OP_CONST) continue; /* numbers need no gradient */
        cmd_label(g, in, &t->label);
        double *running = &sum[first_use(n, k)];
        double before = *running, total = *running += flows[k];
        t->received[in]++;
        Event e;
        flow_begin(t, &e);
        event_num(&e, "upstream", upstream);
        event_num(&e, "local", local[k]);
        event_num(&e, "flow", flows[k]);
        event_num(&e, "total", total);
        const char *symbol = t->sym ? sym_backward(t->sym, id, k) : NULL;
        if (symbol)
            event_printf(&e, "    to %s: %s = %s × %s = %s\n", t->label.data, symbol,
                         session_num(s, upstream, n2), session_num(s, local[k], n3),
                         session_num(s, flows[k], n4));
        else
            event_printf(&e, "    to %s: local ∂%s/∂%s = %s, so %s × %s = %s flows back\n",
                         t->label.data, t->from.data, t->label.data, session_num(s, local[k], n1),
                         session_num(s, upstream, n2), session_num(s, local[k], n3),
                         session_num(s, flows[k], n4));
        if (t->received[in] > 1)
            event_printf(&e, "    %s is used more than once: its gradients add up, %s + %s = %s\n",
                         t->label.data, session_num(s, before, n1), session_num(s, flows[k], n2),
                         session_num(s, total, n3));
        session_emit(s, &e);
    }
}

/* The lines (or JSON row) for what flowed from the current step to input
 * `in`. sum, if not NULL, is in's running sum, to which the flow is added
 * here; else in's gradient is already the sum. */
static void tensor_flow(Trace *t, NodeId in, Value upstream, const double *flow_data, double *sum) {
    Session *s = t->s;
    Graph *g = t->g;
    if (graph_node(g, in)->op == OP_CONST) return; /* numbers need no gradient */
    cmd_label(g, in, &t->label);
    Value flow = {graph_shape(g, in), flow_data, shape_size(graph_shape(g, in))};
    Value total = graph_grad_value(g, in);
    if (sum) {
        for (size_t e = 0; e < flow.size; e++)
            sum[e] += flow_data[e];
        total.data = sum;
    }
    t->received[in]++;
    Event e;
    flow_begin(t, &e);
    event_array(&e, "upstream", upstream);
    event_value(&e, "flow", flow);
    event_array(&e, "total", total);
    sb_clear(&t->text);
    describe_value(s, flow, &t->text);
    event_printf(&e, "    to %s: %s flows back\n", t->label.data, t->text.data);
    if (t->received[in] > 1) {
        sb_clear(&t->text);
        describe_value(s, total, &t->text);
        event_printf(&e, "    %s is used more than once: its gradients add up to %s\n",
                     t->label.data, t->text.data);
    }
    session_emit(s, &e);
}

/* Is input k of node n used again, as a later input of the same node? */
static bool used_again(const Node *n, int arity, int k) {
    for (int j = k + 1; j < arity; j++)
        if (n->in[j] == n->in[k]) return true;
    return false;
}

/* A step with tensors: what arrived, what flowed to each input. False if
 * memory ran out. */
static bool tensor_step(Trace *t, NodeId id) {
    Session *s = t->s;
    Graph *g = t->g;
    const Node *n = graph_node(g, id);
    int arity = op_info((Op)n->op)->arity;
    /* An input used twice (x * x) gets a running sum, from its gradient
     * before this step: the graph's holds only the final one. */
    double *flows[BP_MAX_INPUTS] = {NULL, NULL, NULL}, *sums[BP_MAX_INPUTS] = {NULL, NULL, NULL};
    bool ok = true;
    for (int k = 0; k < arity && ok; k++) {
        Value grad = graph_grad_value(g, n->in[k]);
        ok = (flows[k] = calloc(grad.size + 1, sizeof **flows)) != NULL;
        if (!ok || first_use(n, k) != k || !used_again(n, arity, k)) continue;
        ok = (sums[k] = malloc(grad.size * sizeof **sums)) != NULL;
        if (ok) memcpy(sums[k], grad.data, grad.size * sizeof **sums);
    }
    if (ok) {
        Value upstream = graph_grad_value(g, id);
        cmd_label(g, id, &t->from);
        describe_step(g, id, &t->label, &t->text);
        StrBuf said;
        sb_init(&said);
        describe_value(s, upstream, &said);
        step_heading(t, said.data);
        sb_free(&said);
        /* The upstream's storage stays put while flows are added to inputs. */
        graph_backward_node(g, id, flows);
        for (int k = 0; k < arity; k++)
            tensor_flow(t, n->in[k], upstream, flows[k], sums[first_use(n, k)]);
    }
    for (int k = 0; k < arity; k++) {
        free(flows[k]);
        free(sums[k]);
    }
    return ok;
}

/* The closing line: every leaf that received a gradient, and that gradient. */
static void result_line(Trace *t) {
    Session *s = t->s;
    Graph *g = t->g;
    Event e;
    event_init(&e, NULL);
    event_printf(&e, "result:");
    int shown = 0;
    for (int32_t k = 0; k < g->name_count; k++) {
        NodeId id = g->names[k].node;
        if (id == NODE_NONE || !graph_is_leaf(g, id) || !t->received[id]) continue;
        sb_clear(&t->text);
        describe_value(s, graph_grad_value(g, id), &t->text);
        event_printf(&e, "%s ∂%s/∂%s = %s", shown++ ? "," : "", t->of, graph_name_of(g, id),
                     t->text.data);
    }
    event_printf(&e, "%s\n", shown ? "" : " (no leaves)");
    session_emit(s, &e);
}

bool cmd_trace(Command *c) {
    Session *s = c->s;
    Graph *g = &s->graph;
    NodeId target;
    bool symbolic = false;
    Word w;
    while (cmd_next_word(c, &w) && w.text) {
        bool known = !w.quoted && strcmp(w.text, "--symbolic") == 0;
        if (!known && w.text[0] == '-')
            cmd_error_at(c, &w.at, "unknown option '%s' (:trace takes --symbolic)", w.text);
        else if (!known)
            cmd_error_at(c, &w.at, ":trace takes no arguments (options: --symbolic)");
        free(w.text);
        if (!known) return false;
        symbolic = true;
    }
    if (w.at.type != TOK_EOF || !cmd_target(c, &target)) return false;
    /* The symbols are written before the pass: they follow the graph, not the flows. */
    Sym sym = {0};
    if (symbolic) {
        int32_t count;
        const NodeId *up = graph_ancestors(g, target, &count);
        NodeId *copy = up ? malloc((size_t)count * sizeof *copy + 1) : NULL;
        if (copy) memcpy(copy, up, (size_t)count * sizeof *copy);
        bool built = copy && sym_build(&sym, g, copy, count, target, SYM_RULES, s->digits);
        free(copy);
        if (!built) return cmd_error(c, "out of memory");
    }
    const NodeId *order;
    int32_t len;
    const double *seed;
    char why[512];
    if (!session_seed(s, target, &seed, why, sizeof why)) {
        sym_free(&sym);
        return cmd_error(c, "%s", why);
    }
    Trace t = {.s = s, .g = g, .of = session_grad_of(s, target), .sym = symbolic ? &sym : NULL};
    t.received = calloc((size_t)g->count + 1, sizeof *t.received);
    if (!t.received || !graph_backward_begin(g, target, seed, &order, &len)) {
        free(t.received);
        sym_free(&sym);
        return cmd_error(c, "out of memory");
    }
    sb_init(&t.label);
    sb_init(&t.text);
    sb_init(&t.from);
    describe_value(s, graph_grad_value(g, target), &t.text);
    Event e;
    event_init(&e, NULL);
    event_printf(&e, "backward pass of %s, seeded with ∂%s/∂%s = %s (the upstream gradient)\n",
                 graph_name_of(g, target), t.of, graph_name_of(g, target), t.text.data);
    session_emit(s, &e);
    bool ok = true;
    int32_t p = len - 1;
    for (; p >= 0 && ok; p--) {
        NodeId id = order[p];
        const OpInfo *info = op_info((Op)graph_node(g, id)->op);
        if (info->arity == 0) continue; /* leaves and constants pass nothing on */
        if (session_stopped(s)) break;  /* between steps: the ones shown are whole */
        t.step++;
        if (info->backward && all_scalar(g, id))
            scalar_step(&t, id);
        else
            ok = tensor_step(&t, id);
    }
    bool stopped = ok && p >= 0;
    if (ok && !stopped) result_line(&t);
    sb_free(&t.label);
    sb_free(&t.text);
    sb_free(&t.from);
    free(t.received);
    sym_free(&sym);
    if (!ok) return cmd_error(c, "out of memory");
    return !stopped ||
           cmd_stopped(c, "interrupted after step %d; the steps above are complete", t.step);
}
