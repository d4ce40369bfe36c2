/* inspect.c - commands that explain the graph without changing it:
 * :vars, :graph, :trace and :check. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "command.h"
#include "output.h"

enum { MAX_COLUMN = 28 }; /* wider names and numbers push the row out instead */

static int column_width(int widest) {
    return widest > MAX_COLUMN ? MAX_COLUMN : widest;
}

/* :vars */
bool cmd_vars(Command *c) {
    if (!cmd_no_more_args(c)) return false;
    Session *s = c->s;
    Graph *g = &s->graph;
    char num[FMT_NUMBER_SIZE];
    int name_w = 4, value_w = 5;
    for (int32_t k = 0; k < g->name_count; k++) {
        NodeId id = g->names[k].node;
        if (id == NODE_NONE) continue;
        int w = display_width(graph_name_of(g, id), g->names[k].len);
        if (w > name_w) name_w = w;
        w = (int)strlen(session_num(s, graph_scalar(g, id), num));
        if (w > value_w) value_w = w;
    }
    name_w = column_width(name_w);
    value_w = column_width(value_w);
    if (!s->json) {
        write_padded(s->out, "name", name_w + 2);
        write_padded(s->out, "value", value_w + 2);
        fprintf(s->out, "kind     definition\n");
    }
    StrBuf def;
    sb_init(&def);
    for (int32_t k = 0; k < g->name_count; k++) {
        NodeId id = g->names[k].node;
        if (id == NODE_NONE) continue;
        bool leaf = graph_is_leaf(g, id);
        sb_clear(&def);
        graph_expr_text(g, id, &def);
        if (s->json) {
            json_begin(s->out, "var");
            json_str(s->out, "name", graph_name_of(g, id));
            json_num(s->out, "value", graph_scalar(g, id));
            json_str(s->out, "type", leaf ? "leaf" : "derived");
            json_str(s->out, "definition", def.data);
            json_end(s->out);
            continue;
        }
        write_padded(s->out, graph_name_of(g, id), name_w + 2);
        write_padded(s->out, session_num(s, graph_scalar(g, id), num), value_w + 2);
        fprintf(s->out, "%-8s %s\n", leaf ? "leaf" : "derived", leaf ? "" : def.data);
    }
    sb_free(&def);
    return true;
}

/* :graph */
bool cmd_graph(Command *c) {
    if (!cmd_no_more_args(c)) return false;
    Session *s = c->s;
    Graph *g = &s->graph;
    NodeId target = session_target(s);
    const double *seed = NULL;
    char why[512];
    if (target != NODE_NONE && !session_seed(s, target, &seed, why, sizeof why)) target = NODE_NONE;
    if (target != NODE_NONE && !graph_backward(g, target, seed))
        return cmd_error(c, "out of memory");
    int32_t len;
    const NodeId *order = graph_order(g, &len);
    if (!order) return cmd_error(c, "out of memory");
    char num[FMT_NUMBER_SIZE], grad_head[64], text[64];
    if (target != NODE_NONE)
        snprintf(grad_head, sizeof grad_head, "∂%s/∂·", session_grad_of(s, target));
    if (!s->json) {
        fprintf(s->out, "id      op       inputs          value         ");
        fprintf(s->out, "%s\n", target != NODE_NONE ? grad_head : "");
    }
    for (int32_t i = 0; i < len; i++) {
        NodeId id = order[i];
        const Node *n = graph_node(g, id);
        const OpInfo *info = op_info((Op)n->op);
        const char *name = graph_name_of(g, id);
        if (s->json) {
            int inputs[BP_MAX_INPUTS];
            for (int k = 0; k < info->arity; k++)
                inputs[k] = n->in[k];
            json_begin(s->out, "node");
            json_int(s->out, "id", id);
            json_str(s->out, "op", info->name);
            json_int_array(s->out, "inputs", inputs, info->arity);
            json_num(s->out, "value", graph_scalar(g, id));
            if (target != NODE_NONE) json_num(s->out, "grad", graph_grad(g, id));
            json_str(s->out, "name", name);
            json_end(s->out);
            continue;
        }
        snprintf(text, sizeof text, "#%d", id);
        write_padded(s->out, text, 8);
        write_padded(s->out, *info->symbol ? info->symbol : info->name, 9);
        text[0] = '\0';
        for (int k = 0; k < info->arity; k++)
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s#%d", k ? " " : "",
                     n->in[k]);
        write_padded(s->out, text, 16);
        write_padded(s->out, session_num(s, graph_scalar(g, id), num), 14);
        if (target != NODE_NONE) write_padded(s->out, session_num(s, graph_grad(g, id), num), 14);
        fprintf(s->out, "%s\n", name ? name : "");
    }
    return true;
}

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

/* :trace - the backward pass narrated, node by node from the target back. */
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
    for (NodeId id = 0; id < g->count; id++)
        if (graph_is_live(g, id) && !graph_is_scalar(g, id))
            return cmd_error(c, ":trace of tensors is not supported yet");
    int *received = calloc((size_t)g->count + 1, sizeof *received);
    if (!received || !graph_backward_begin(g, target, seed, &order, &len)) {
        free(received);
        return cmd_error(c, "out of memory");
    }
    char n1[FMT_NUMBER_SIZE], n2[FMT_NUMBER_SIZE], n3[FMT_NUMBER_SIZE], n4[FMT_NUMBER_SIZE];
    StrBuf label, text, from;
    sb_init(&label);
    sb_init(&text);
    sb_init(&from);
    const char *tname = session_grad_of(s, target);
    if (!s->json)
        fprintf(s->out, "backward pass of %s, seeded with ∂%s/∂%s = %s (the upstream gradient)\n",
                graph_name_of(g, target), tname, graph_name_of(g, target),
                session_num(s, s->seed, n1));
    int step = 0;
    for (int32_t p = len - 1; p >= 0; p--) {
        NodeId id = order[p];
        const Node *n = graph_node(g, id);
        const OpInfo *info = op_info((Op)n->op);
        if (!info->backward) continue;
        step++;
        double upstream = graph_grad(g, id);
        /* Local derivatives: the same backward kernel fed an upstream of 1. */
        double x[BP_MAX_INPUTS], local[BP_MAX_INPUTS] = {0}, flows[BP_MAX_INPUTS];
        double *flow_to[BP_MAX_INPUTS] = {&flows[0], &flows[1], &flows[2]};
        for (int k = 0; k < info->arity; k++)
            x[k] = graph_scalar(g, n->in[k]);
        info->backward(x, graph_scalar(g, id), 1.0, local);
        graph_backward_node(g, id, flow_to);
        cmd_label(g, id, &from);
        if (!s->json) {
            describe_step(g, id, &label, &text);
            fprintf(s->out, "step %d: %s\n", step, text.data);
            fprintf(s->out, "    upstream ∂%s/∂%s = %s\n", tname, from.data,
                    session_num(s, upstream, n1));
        }
        for (int k = 0; k < info->arity; k++) {
            NodeId in = n->in[k];
            if (graph_node(g, in)->op == OP_CONST) continue; /* numbers need no gradient */
            cmd_label(g, in, &label);
            double total = graph_grad(g, in);
            received[in]++;
            if (s->json) {
                json_begin(s->out, "flow");
                json_int(s->out, "step", step);
                json_str(s->out, "from", from.data);
                json_str(s->out, "to", label.data);
                json_num(s->out, "upstream", upstream);
                json_num(s->out, "local", local[k]);
                json_num(s->out, "flow", flows[k]);
                json_num(s->out, "total", total);
                json_end(s->out);
                continue;
            }
            fprintf(s->out, "    to %s: local ∂%s/∂%s = %s, so %s × %s = %s flows back\n",
                    label.data, from.data, label.data, session_num(s, local[k], n1),
                    session_num(s, upstream, n2), session_num(s, local[k], n3),
                    session_num(s, flows[k], n4));
            if (received[in] > 1)
                fprintf(s->out,
                        "    %s is used more than once: its gradients add up, %s + %s = %s\n",
                        label.data, session_num(s, total - flows[k], n1),
                        session_num(s, flows[k], n2), session_num(s, total, n3));
        }
    }
    if (!s->json) {
        fprintf(s->out, "result:");
        int shown = 0;
        for (int32_t k = 0; k < g->name_count; k++) {
            NodeId id = g->names[k].node;
            if (id == NODE_NONE || !graph_is_leaf(g, id) || !received[id]) continue;
            fprintf(s->out, "%s ∂%s/∂%s = %s", shown++ ? "," : "", tname, graph_name_of(g, id),
                    session_num(s, graph_grad(g, id), n1));
        }
        fprintf(s->out, "%s\n", shown ? "" : " (no leaves)");
    }
    sb_free(&label);
    sb_free(&text);
    sb_free(&from);
    free(received);
    return true;
}

/* :check [NAME...] */
bool cmd_check(Command *c) {
    Session *s = c->s;
    Graph *g = &s->graph;
    NodeId target;
    if (!cmd_target(c, &target)) return false;
    int32_t n;
    const double *seed;
    char why[512];
    if (!session_seed(s, target, &seed, why, sizeof why)) return cmd_error(c, "%s", why);
    NodeId *wrt = cmd_wrt_names(c, target, ":check perturbs leaves", &n);
    if (!wrt) return false;
    if (!graph_backward(g, target, seed)) {
        free(wrt);
        return cmd_error(c, "out of memory");
    }
    double *analytic = malloc(((size_t)n + 1) * sizeof *analytic);
    if (!analytic) {
        free(wrt);
        return cmd_error(c, "out of memory");
    }
    for (int32_t i = 0; i < n; i++)
        analytic[i] = graph_grad(g, wrt[i]);
    const char *tname = graph_name_of(g, target);
    if (!s->json)
        fprintf(s->out, "%-24s %-16s %-16s %s\n", "gradient", "backprop", "numerical",
                "rel. error");
    int bad = 0;
    char n1[FMT_NUMBER_SIZE], n2[FMT_NUMBER_SIZE], label[128];
    for (int32_t i = 0; i < n; i++) {
        double numeric;
        if (!graph_numeric_grad(g, target, wrt[i], seed, &numeric)) {
            free(wrt);
            free(analytic);
            return cmd_error(c, "out of memory");
        }
        double scale = fmax(fabs(analytic[i]), fabs(numeric));
        double rel =
            scale < 1e-10 ? fabs(analytic[i] - numeric) : fabs(analytic[i] - numeric) / scale;
        bool ok = rel <= 1e-6 || (isnan(rel) && isnan(analytic[i]) && isnan(numeric));
        bad += !ok;
        if (s->json) {
            json_begin(s->out, "check");
            json_str(s->out, "of", tname);
            json_str(s->out, "wrt", graph_name_of(g, wrt[i]));
            json_num(s->out, "backprop", analytic[i]);
            json_num(s->out, "numerical", numeric);
            json_num(s->out, "rel_error", rel);
            json_bool(s->out, "ok", ok);
            json_end(s->out);
            continue;
        }
        snprintf(label, sizeof label, "∂%s/∂%s", session_grad_of(s, target),
                 graph_name_of(g, wrt[i]));
        write_padded(s->out, label, 25);
        write_padded(s->out, session_num(s, analytic[i], n1), 17);
        write_padded(s->out, session_num(s, numeric, n2), 17);
        fprintf(s->out, "%-10.2g %s\n", rel, ok ? "ok" : "MISMATCH (> 1e-6)");
    }
    if (!s->json && bad)
        fprintf(s->out,
                "%d gradient%s disagree%s: a kink (relu at 0) or a non-smooth point can do this\n",
                bad, bad == 1 ? "" : "s", bad == 1 ? "s" : "");
    free(wrt);
    free(analytic);
    return true;
}
