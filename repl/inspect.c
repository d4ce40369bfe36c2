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
static void write_cell(StrBuf *f, const StrBuf *cell, int width, bool spaced) {
    write_padded(f, cell->data, width);
    if (spaced && display_width(cell->data, cell->len) >= width) sb_puts(f, " ");
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
        Event e;
        event_init(&e, NULL);
        event_printf(&e, "no names yet: define one, as in apple = 100\n");
        session_emit(s, &e);
        return true;
    }
    StrBuf def, cell;
    sb_init(&def);
    sb_init(&cell);
    int name_w = 4, value_w = 5;
    bool stopped = false;
    for (int32_t k = 0; k < g->name_count && !(stopped = session_stopped(s)); k++) {
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
    Event e;
    if (!stopped) {
        event_init(&e, NULL); /* the heading is for people */
        write_padded(&e.text, "name", name_w + 2);
        write_padded(&e.text, "value", value_w + 2);
        event_printf(&e, "kind     definition\n");
        session_emit(s, &e);
    }
    event_init(&e, "var");
    for (int32_t k = 0; k < g->name_count && !stopped && !(stopped = session_stopped(s)); k++) {
        NodeId id = g->names[k].node;
        if (id == NODE_NONE) continue;
        event_reset(&e);
        sb_clear(&def);
        graph_expr_text(g, id, &def);
        event_str(&e, "name", graph_name_of(g, id));
        event_value(&e, "value", graph_value(g, id));
        event_str(&e, "type", kind_of(g, id));
        event_str(&e, "definition", def.data);
        write_padded(&e.text, graph_name_of(g, id), name_w + 2);
        value_cell(s, graph_value(g, id), &cell);
        write_cell(&e.text, &cell, value_w + 2, true);
        event_printf(&e, "%-8s %s\n", kind_of(g, id), graph_is_leaf(g, id) ? "" : def.data);
        sink_emit(s->io.sink, &e);
    }
    event_free(&e);
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
    for (int32_t i = 0; i < len && !(stopped = session_stopped(s)); i++) {
        if (graph_is_scalar(g, order[i])) continue;
        value_cell(s, graph_value(g, order[i]), &cell);
        int w = display_width(cell.data, cell.len) + 2;
        value_w = w > value_w ? w : value_w;
        if (target == NODE_NONE) continue;
        value_cell(s, graph_grad_value(g, order[i]), &cell);
        w = display_width(cell.data, cell.len) + 2;
        value_w = w > value_w ? w : value_w;
    }
    Event e;
    if (!stopped) {
        event_init(&e, NULL); /* the heading is for people */
        event_printf(&e, "id      op       inputs          ");
        write_padded(&e.text, "value", value_w);
        event_printf(&e, "%s\n", target != NODE_NONE ? grad_head : "");
        session_emit(s, &e);
    }
    event_init(&e, "node");
    for (int32_t i = 0; i < len && !stopped && !(stopped = session_stopped(s)); i++) {
        NodeId id = order[i];
        const Node *n = graph_node(g, id);
        const OpInfo *info = op_info((Op)n->op);
        const char *name = graph_name_of(g, id);
        int inputs[BP_MAX_INPUTS];
        for (int k = 0; k < info->arity; k++)
            inputs[k] = n->in[k];
        event_reset(&e);
        event_int(&e, "id", id);
        event_str(&e, "op", info->name);
        event_ints(&e, "inputs", inputs, info->arity);
        event_value(&e, "value", graph_value(g, id));
        if (target != NODE_NONE) event_array(&e, "grad", graph_grad_value(g, id));
        event_str(&e, "name", name);
        snprintf(text, sizeof text, "#%d", id);
        write_padded(&e.text, text, 8);
        write_padded(&e.text, *info->symbol ? info->symbol : info->name, 9);
        text[0] = '\0';
        for (int k = 0; k < info->arity; k++)
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s#%d", k ? " " : "",
                     n->in[k]);
        write_padded(&e.text, text, 16);
        /* Wide numbers run into the next column as they always have; wide
         * tensor cells keep a space. */
        bool tensor = !graph_is_scalar(g, id);
        value_cell(s, graph_value(g, id), &cell);
        write_cell(&e.text, &cell, value_w, tensor);
        if (target != NODE_NONE) {
            value_cell(s, graph_grad_value(g, id), &cell);
            write_cell(&e.text, &cell, value_w, tensor);
        }
        event_printf(&e, "%s\n", name ? name : "");
        sink_emit(s->io.sink, &e);
    }
    event_free(&e);
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

/* Emits one leaf's comparison r as a "check" event for programs, and
 * fills row for the table people read, which needs every row first. */
static void check_row(Session *s, NodeId target, NodeId leaf, const double *a, const double *num,
                      const Agreement *rp, bool tensors, CheckRow *row) {
    const Graph *g = &s->graph;
    Value v = graph_value(g, leaf);
    Agreement r = *rp;
    Event e;
    event_init(&e, "check");
    event_str(&e, "of", graph_name_of(g, target));
    event_str(&e, "wrt", graph_name_of(g, leaf));
    if (v.shape->rank > 0) {
        event_value(&e, "backprop", (Value){v.shape, a, v.size});
        event_array(&e, "numerical", (Value){v.shape, num, v.size});
        event_num(&e, "max_abs_diff", r.max_diff);
        event_num(&e, "mean_abs_diff", r.mean_diff);
    } else {
        event_num(&e, "backprop", a[0]);
        event_num(&e, "numerical", num[0]);
    }
    event_num(&e, "rel_error", r.rel);
    event_bool(&e, "ok", r.ok);
    if (r.reason[0]) event_str(&e, "reason", r.reason);
    session_emit(s, &e);
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

/* Appends the header and rows[0..n), each column as wide as its widest
 * cell and one space, and never narrower than it has always been. */
static void check_table(StrBuf *out, const CheckRow *rows, int32_t n, bool tensors) {
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
        write_padded(out, head[k], width[k]);
    sb_printf(out, "%s\n", head[last]);
    for (int32_t i = 0; i < n; i++) {
        for (int k = 0; k <= last; k++)
            write_padded(out, rows[i].cell[k], width[k]);
        sb_printf(out, "%s\n", rows[i].verdict);
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
    CheckRow *rows = malloc((size_t)n * sizeof *rows + 1);
    if (!analytic || !numeric || !rows || !graph_backward(g, target, seed)) {
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
        check_row(s, target, wrt[done], analytic + at, numeric, &r, tensors, &rows[done]);
        at += (int32_t)size;
    }
    Event e;
    event_init(&e, NULL); /* the table is for people; programs had the rows */
    check_table(&e.text, rows, done, tensors);
    if (ok && tensors)
        event_printf(&e, "rel. error = max |Δ| / largest |gradient| of the leaf; ok up to 1e-6\n");
    if (ok && bad)
        event_printf(
            &e, "%d gradient%s disagree%s: a kink (relu at 0) or a non-smooth point can do this\n",
            bad, bad == 1 ? "" : "s", bad == 1 ? "s" : "");
    if (ok && nonfinite)
        event_printf(
            &e,
            "%d gradient%s not finite: a nan or an infinity cannot be checked; the warnings "
            "show where one first appears\n",
            nonfinite, nonfinite == 1 ? " is" : "s are");
    session_emit(s, &e);
    free(rows);
    free(wrt);
    free(analytic);
    free(numeric);
    if (ok || sink_failed(s->io.sink)) return ok;
    if (session_interrupted(s))
        return cmd_error(c, "interrupted; the rows above are complete and no value changed");
    return cmd_error(c, "out of memory");
}
