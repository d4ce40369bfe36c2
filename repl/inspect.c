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

/* Does the graph hold any name? */
static bool has_names(const Graph *g) {
    for (int32_t k = 0; k < g->name_count; k++)
        if (g->names[k].node != NODE_NONE) return true;
    return false;
}

/* :vars */
bool cmd_vars(Command *c) {
    if (!cmd_no_more_args(c)) return false;
    Session *s = c->s;
    Graph *g = &s->graph;
    if (!has_names(g)) { /* a JSON reader sees no rows: the empty list */
        if (!s->json) fprintf(s->out, "no names yet: define one, as in apple = 100\n");
        return true;
    }
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

/* How backprop and numerical gradients of one leaf compare. A nan or an
 * infinity in either cannot be compared at all: `reason` then says which
 * (nan against nan is no agreement), and the row is flagged. */
typedef struct {
    double max_diff, mean_diff, rel;
    bool ok;
    char reason[96]; /* "" when both gradients are finite */
} Agreement;

/* The first element of a[0..n) that is not finite, into *bad. */
static bool first_nonfinite(const double *a, size_t n, double *bad) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i])) {
            *bad = a[i];
            return true;
        }
    return false;
}

/* The rule for a tensor, as for a scalar: the error relative to the
 * gradient's size (its largest element), absolute when that is ~0. */
static Agreement compare(const double *a, const double *num, size_t n) {
    Agreement r = {NAN, NAN, NAN, false, ""};
    double bad_a, bad_num;
    char t1[FMT_NUMBER_SIZE], t2[FMT_NUMBER_SIZE];
    bool in_a = first_nonfinite(a, n, &bad_a), in_num = first_nonfinite(num, n, &bad_num);
    if (in_a && in_num)
        snprintf(r.reason, sizeof r.reason, "backprop gives %s, the numerical estimate %s",
                 fmt_number(t1, sizeof t1, bad_a, 3), fmt_number(t2, sizeof t2, bad_num, 3));
    else if (in_a || in_num)
        snprintf(r.reason, sizeof r.reason, "%s gives %s",
                 in_a ? "backprop" : "the numerical estimate",
                 fmt_number(t1, sizeof t1, in_a ? bad_a : bad_num, 3));
    if (in_a || in_num) return r;
    double max = 0, sum = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(a[i] - num[i]);
        max = fmax(max, d);
        sum += d;
        scale = fmax(scale, fmax(fabs(a[i]), fabs(num[i])));
    }
    r.max_diff = max;
    r.mean_diff = n ? sum / (double)n : 0;
    r.rel = scale < 1e-10 ? max : max / scale;
    r.ok = r.rel <= 1e-6; /* false for nan: an overflow in the difference */
    return r;
}

/* :check's table: the gradient's label, then shape, max |Δ|, mean |Δ| and
 * rel. error for tensors, or backprop, numerical and rel. error for
 * scalars; last the verdict. */
enum { CHECK_CELLS = 5, CHECK_CELL_SIZE = 128 };

typedef struct {
    char cell[CHECK_CELLS][CHECK_CELL_SIZE];
    char verdict[128];
} CheckRow;

static const char *const tensor_head[CHECK_CELLS] = {"gradient", "shape", "max |Δ|", "mean |Δ|",
                                                     "rel. error"};
static const char *const scalar_head[CHECK_CELLS] = {"gradient", "backprop", "numerical",
                                                     "rel. error", NULL};
/* The widths the table has always had: wider cells widen their column. */
static const int tensor_min_width[CHECK_CELLS] = {25, 12, 13, 13, 11};
static const int scalar_min_width[CHECK_CELLS] = {25, 17, 17, 11, 0};

/* A difference as the table shows it: two digits; "-" when there is none. */
static void diff_text(double v, char *buf) {
    if (isnan(v))
        snprintf(buf, CHECK_CELL_SIZE, "-");
    else
        snprintf(buf, CHECK_CELL_SIZE, "%.2g", v);
}

/* Writes one leaf's comparison r as a JSON row, or into row for the table. */
static void check_row(Session *s, NodeId target, NodeId leaf, const double *a, const double *num,
                      const Agreement *rp, bool tensors, CheckRow *row) {
    const Graph *g = &s->graph;
    Value v = graph_value(g, leaf);
    Agreement r = *rp;
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
        if (r.reason[0]) json_str(s->out, "reason", r.reason);
        json_end(s->out);
        return;
    }
    char(*c)[CHECK_CELL_SIZE] = row->cell;
    snprintf(c[0], CHECK_CELL_SIZE, "∂%s/∂%s", session_grad_of(s, target), graph_name_of(g, leaf));
    char num_text[FMT_NUMBER_SIZE];
    if (tensors) {
        shape_text(v.shape, c[1], CHECK_CELL_SIZE);
        diff_text(r.max_diff, c[2]);
        diff_text(r.mean_diff, c[3]);
        diff_text(r.rel, c[4]);
    } else {
        snprintf(c[1], CHECK_CELL_SIZE, "%s", session_num(s, a[0], num_text));
        snprintf(c[2], CHECK_CELL_SIZE, "%s", session_num(s, num[0], num_text));
        diff_text(r.rel, c[3]);
        c[4][0] = '\0';
    }
    if (r.reason[0])
        snprintf(row->verdict, sizeof row->verdict, "NOT FINITE: %s", r.reason);
    else
        snprintf(row->verdict, sizeof row->verdict, "%s", r.ok ? "ok" : "MISMATCH (> 1e-6)");
}

/* Writes the header and rows[0..n), each column as wide as its widest
 * cell and one space, and never narrower than it has always been. */
static void check_table(Session *s, const CheckRow *rows, int32_t n, bool tensors) {
    const char *const *head = tensors ? tensor_head : scalar_head;
    const int *min_width = tensors ? tensor_min_width : scalar_min_width;
    int width[CHECK_CELLS];
    for (int k = 0; k < CHECK_CELLS; k++) {
        width[k] = min_width[k];
        for (int32_t i = 0; head[k] && i < n; i++) {
            int w = display_width(rows[i].cell[k], strlen(rows[i].cell[k])) + 1;
            width[k] = w > width[k] ? w : width[k];
        }
    }
    int last = tensors ? CHECK_CELLS - 1 : CHECK_CELLS - 2; /* rel. error */
    for (int k = 0; k < last; k++)
        write_padded(s->out, head[k], width[k]);
    fprintf(s->out, "%s\n", head[last]);
    for (int32_t i = 0; i < n; i++) {
        for (int k = 0; k <= last; k++)
            write_padded(s->out, rows[i].cell[k], width[k]);
        fprintf(s->out, "%s\n", rows[i].verdict);
    }
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
    CheckRow *rows = s->json ? NULL : malloc((size_t)n * sizeof *rows + 1);
    if (!analytic || !numeric || (!s->json && !rows) || !graph_backward(g, target, seed)) {
        free(wrt);
        free(analytic);
        free(numeric);
        free(rows);
        return cmd_error(c, "out of memory");
    }
    for (int32_t i = 0, at = 0; i < n; i++) {
        Value v = graph_grad_value(g, wrt[i]);
        memcpy(analytic + at, v.data, v.size * sizeof *v.data);
        at += (int32_t)v.size;
    }
    /* Rows are kept until all are known, for the columns to fit them. */
    int bad = 0, nonfinite = 0;
    bool ok = true;
    int32_t done = 0;
    for (int32_t at = 0; ok && done < n; done++) {
        ok = !session_stopped(s) && graph_numeric_grad_until(g, target, wrt[done], seed,
                                                             session_stop_requested, s, numeric);
        if (!ok) break;
        size_t size = shape_size(graph_shape(g, wrt[done]));
        Agreement r = compare(analytic + at, numeric, size);
        nonfinite += r.reason[0] != '\0';
        bad += !r.ok && !r.reason[0];
        check_row(s, target, wrt[done], analytic + at, numeric, &r, tensors,
                  rows ? &rows[done] : NULL);
        at += (int32_t)size;
    }
    if (!s->json) check_table(s, rows, done, tensors);
    if (ok && !s->json && tensors)
        fprintf(s->out, "rel. error = max |Δ| / largest |gradient| of the leaf; ok up to 1e-6\n");
    if (ok && !s->json && bad)
        fprintf(s->out,
                "%d gradient%s disagree%s: a kink (relu at 0) or a non-smooth point can do this\n",
                bad, bad == 1 ? "" : "s", bad == 1 ? "s" : "");
    if (ok && !s->json && nonfinite)
        fprintf(s->out,
                "%d gradient%s not finite: a nan or an infinity cannot be checked; the warnings "
                "show where one first appears\n",
                nonfinite, nonfinite == 1 ? " is" : "s are");
    free(rows);
    free(wrt);
    free(analytic);
    free(numeric);
    if (ok || ferror(s->out)) return ok;
    if (session_interrupted(s))
        return cmd_error(c, "interrupted; the rows above are complete and no value changed");
    return cmd_error(c, "out of memory");
}
