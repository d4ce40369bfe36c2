/* inspect.c - commands that explain the graph without changing it:
 * :vars, :graph and :check (:trace is in trace.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/format.h"
#include "command.h"
#include "output.h"
#include "tensor_text.h"

enum {
    MAX_COLUMN = 28, /* wider names and numbers push the row out instead */
    INLINE_MAX = 6,  /* tensors up to this many elements show whole in tables */
};

static int column_width(int widest) {
    return widest > MAX_COLUMN ? MAX_COLUMN : widest;
}

/* The table cell for a value: the number, a small tensor's literal, or a
 * large one's shape and range. */
static void value_cell(const Session *s, Value v, StrBuf *sb) {
    sb_clear(sb);
    tensor_text_cell(sb, v, s->digits, INLINE_MAX);
}

/* Writes a cell padded to width; a wider one pushes the rest of its row out,
 * with a space after it if `spaced`. */
static void write_cell(FILE *f, const StrBuf *cell, int width, bool spaced) {
    write_padded(f, cell->data, width);
    if (spaced && display_width(cell->data, cell->len) >= width) fputc(' ', f);
}

static const char *kind_of(const Graph *g, NodeId id) {
    return !graph_is_leaf(g, id) ? "derived" : graph_is_param(g, id) ? "param" : "leaf";
}

/* :vars */
bool cmd_vars(Command *c) {
    if (!cmd_no_more_args(c)) return false;
    Session *s = c->s;
    Graph *g = &s->graph;
    StrBuf def, cell;
    sb_init(&def);
    sb_init(&cell);
    int name_w = 4, value_w = 5;
    bool stopped = false;
    for (int32_t k = 0; k < g->name_count && !s->json && !(stopped = session_stopped(s)); k++) {
        NodeId id = g->names[k].node;
        if (id == NODE_NONE) continue;
        int w = display_width(graph_name_of(g, id), g->names[k].len);
        if (w > name_w) name_w = w;
        value_cell(s, graph_value(g, id), &cell);
        w = display_width(cell.data, cell.len);
        if (w > value_w) value_w = w;
    }
    name_w = column_width(name_w);
    value_w = column_width(value_w);
    if (!s->json && !stopped) {
        write_padded(s->out, "name", name_w + 2);
        write_padded(s->out, "value", value_w + 2);
        fprintf(s->out, "kind     definition\n");
    }
    for (int32_t k = 0; k < g->name_count && !stopped && !(stopped = session_stopped(s)); k++) {
        NodeId id = g->names[k].node;
        if (id == NODE_NONE) continue;
        bool leaf = graph_is_leaf(g, id);
        sb_clear(&def);
        if (!leaf || s->json) graph_expr_text(g, id, &def);
        if (s->json) {
            json_begin(s->out, "var");
            json_str(s->out, "name", graph_name_of(g, id));
            json_value(s->out, "value", graph_value(g, id));
            json_str(s->out, "type", kind_of(g, id));
            json_str(s->out, "definition", def.data);
            json_end(s->out);
            continue;
        }
        write_padded(s->out, graph_name_of(g, id), name_w + 2);
        value_cell(s, graph_value(g, id), &cell);
        write_cell(s->out, &cell, value_w + 2, true);
        fprintf(s->out, "%-8s %s\n", kind_of(g, id), def.data);
    }
    sb_free(&def);
    sb_free(&cell);
    return !stopped || cmd_stopped(c, "interrupted; the rows above are complete");
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
    char grad_head[64], text[64];
    if (target != NODE_NONE)
        snprintf(grad_head, sizeof grad_head, "∂%s/∂·", session_grad_of(s, target));
    StrBuf cell;
    sb_init(&cell);
    /* Scalar numbers keep the fixed 14 columns they always had; tensor cells
     * widen the value and gradient columns to fit them. */
    int value_w = 14;
    bool stopped = false;
    for (int32_t i = 0; i < len && !s->json && !(stopped = session_stopped(s)); i++) {
        if (graph_is_scalar(g, order[i])) continue;
        value_cell(s, graph_value(g, order[i]), &cell);
        int w = display_width(cell.data, cell.len) + 2;
        value_w = w > value_w ? w : value_w;
        if (target == NODE_NONE) continue;
        value_cell(s, graph_grad_value(g, order[i]), &cell);
        w = display_width(cell.data, cell.len) + 2;
        value_w = w > value_w ? w : value_w;
    }
    if (!s->json && !stopped) {
        fprintf(s->out, "id      op       inputs          ");
        write_padded(s->out, "value", value_w);
        fprintf(s->out, "%s\n", target != NODE_NONE ? grad_head : "");
    }
    for (int32_t i = 0; i < len && !stopped && !(stopped = session_stopped(s)); i++) {
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
            json_value(s->out, "value", graph_value(g, id));
            if (target != NODE_NONE) json_array(s->out, "grad", graph_grad_value(g, id));
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
        /* Wide numbers run into the next column as they always have; wide
         * tensor cells keep a space. */
        bool tensor = !graph_is_scalar(g, id);
        value_cell(s, graph_value(g, id), &cell);
        write_cell(s->out, &cell, value_w, tensor);
        if (target != NODE_NONE) {
            value_cell(s, graph_grad_value(g, id), &cell);
            write_cell(s->out, &cell, value_w, tensor);
        }
        fprintf(s->out, "%s\n", name ? name : "");
    }
    sb_free(&cell);
    return !stopped || cmd_stopped(c, "interrupted; the rows above are complete");
}

/* How backprop and numerical gradients of one leaf compare. */
typedef struct {
    double max_diff, mean_diff, rel;
    bool ok;
} Agreement;

/* The rule for a tensor, as for a scalar: the error relative to the
 * gradient's size (its largest element), absolute when that is ~0. */
static Agreement compare(const double *a, const double *num, size_t n) {
    double max = 0, sum = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        double d = isnan(a[i]) && isnan(num[i]) ? 0 : fabs(a[i] - num[i]);
        if (!(d <= max)) max = d; /* keeps a nan */
        sum += d;
        scale = fmax(scale, fmax(fabs(a[i]), fabs(num[i])));
    }
    Agreement r = {max, n ? sum / (double)n : 0, scale < 1e-10 ? max : max / scale, false};
    r.ok = r.rel <= 1e-6;
    return r;
}

static void check_row(Session *s, NodeId target, NodeId leaf, const double *a, const double *num,
                      bool tensors) {
    const Graph *g = &s->graph;
    Value v = graph_value(g, leaf);
    Agreement r = compare(a, num, v.size);
    char n1[FMT_NUMBER_SIZE], n2[FMT_NUMBER_SIZE], label[128];
    if (s->json) {
        json_begin(s->out, "check");
        json_str(s->out, "of", graph_name_of(g, target));
        json_str(s->out, "wrt", graph_name_of(g, leaf));
        if (v.shape->rank > 0) {
            json_value(s->out, "backprop", (Value){v.shape, a, v.size});
            json_array(s->out, "numerical", (Value){v.shape, num, v.size});
            json_num(s->out, "max_abs_diff", r.max_diff);
            json_num(s->out, "mean_abs_diff", r.mean_diff);
        } else {
            json_num(s->out, "backprop", a[0]);
            json_num(s->out, "numerical", num[0]);
        }
        json_num(s->out, "rel_error", r.rel);
        json_bool(s->out, "ok", r.ok);
        json_end(s->out);
        return;
    }
    snprintf(label, sizeof label, "∂%s/∂%s", session_grad_of(s, target), graph_name_of(g, leaf));
    write_padded(s->out, label, 25);
    if (tensors) {
        shape_text(v.shape, n1, sizeof n1);
        write_padded(s->out, n1, 12);
        fprintf(s->out, "%-12.2g %-12.2g ", r.max_diff, r.mean_diff);
    } else {
        write_padded(s->out, session_num(s, a[0], n1), 17);
        write_padded(s->out, session_num(s, num[0], n2), 17);
    }
    fprintf(s->out, "%-10.2g %s\n", r.rel, r.ok ? "ok" : "MISMATCH (> 1e-6)");
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
    /* Every leaf's backprop gradient, back to back, then room for the
     * largest one's numerical estimate. */
    size_t total = 0, largest = 1;
    bool tensors = false;
    for (int32_t i = 0; i < n; i++) {
        size_t size = shape_size(graph_shape(g, wrt[i]));
        total += size;
        largest = size > largest ? size : largest;
        tensors = tensors || !graph_is_scalar(g, wrt[i]);
    }
    double *analytic = malloc((total + 1) * sizeof *analytic);
    double *numeric = malloc(largest * sizeof *numeric);
    if (!analytic || !numeric || !graph_backward(g, target, seed)) {
        free(wrt);
        free(analytic);
        free(numeric);
        return cmd_error(c, "out of memory");
    }
    for (int32_t i = 0, at = 0; i < n; i++) {
        Value v = graph_grad_value(g, wrt[i]);
        memcpy(analytic + at, v.data, v.size * sizeof *v.data);
        at += (int32_t)v.size;
    }
    if (!s->json && tensors) {
        const char *head[] = {"gradient", "shape", "max |Δ|", "mean |Δ|"};
        const int width[] = {25, 12, 13, 13};
        for (int k = 0; k < 4; k++)
            write_padded(s->out, head[k], width[k]);
        fprintf(s->out, "rel. error\n");
    } else if (!s->json) {
        fprintf(s->out, "%-24s %-16s %-16s %s\n", "gradient", "backprop", "numerical",
                "rel. error");
    }
    int bad = 0;
    bool ok = true;
    for (int32_t i = 0, at = 0; ok && i < n; i++) {
        ok = !session_stopped(s) &&
             graph_numeric_grad_until(g, target, wrt[i], seed, session_stop_requested, s, numeric);
        if (!ok) break;
        size_t size = shape_size(graph_shape(g, wrt[i]));
        bad += !compare(analytic + at, numeric, size).ok;
        check_row(s, target, wrt[i], analytic + at, numeric, tensors);
        at += (int32_t)size;
    }
    if (ok && !s->json && tensors)
        fprintf(s->out, "rel. error = max |Δ| / largest |gradient| of the leaf; ok up to 1e-6\n");
    if (ok && !s->json && bad)
        fprintf(s->out,
                "%d gradient%s disagree%s: a kink (relu at 0) or a non-smooth point can do this\n",
                bad, bad == 1 ? "" : "s", bad == 1 ? "s" : "");
    free(wrt);
    free(analytic);
    free(numeric);
    if (ok || ferror(s->out)) return ok;
    if (session_interrupted(s))
        return cmd_error(c, "interrupted; the rows above are complete and no value changed");
    return cmd_error(c, "out of memory");
}
