/* warning.c - describing where a nan or an infinity came from. */
#include "warning.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../graph/diagnose.h"
#include "../graph/format.h"
#include "output.h"
#include "tensor_text.h"

enum {
    MAX_AT = 60,    /* a longer origin expression is named by its op instead */
    MAX_INPUTS = 4, /* named inputs whose values are shown */
};

/* A value as a table cell: a number, a small tensor, or shape and range. */
static void value_text(const Session *s, Value v, StrBuf *sb) {
    if (v.shape->rank == 0) {
        char num[FMT_NUMBER_SIZE];
        sb_puts(sb, session_num(s, v.data[0], num));
    } else {
        tensor_text_cell(sb, v, s->digits, 6);
    }
}

/* "y = nan" for a scalar, "y has nan" for a tensor, "nan" unnamed. */
static void subject(const Session *s, const Warning *w, Value v, StrBuf *sb) {
    if (w->name.len == 0) return;
    char num[FMT_NUMBER_SIZE];
    sb_printf(sb, "%s %s %s: ", w->name.data, v.shape->rank == 0 ? "=" : "has",
              session_num(s, value_first_nonfinite(v), num));
}

static bool has_zero(Value v) {
    for (size_t i = 0; i < v.size; i++)
        if (v.data[i] == 0) return true;
    return false;
}

/* What went wrong at op node n, whose inputs are finite and value is not. */
static const char *what_happened(const Graph *g, const Node *n, double bad) {
    if (isnan(bad)) return "nan first appears at";
    Op op = (Op)n->op;
    if ((op == OP_DIV && has_zero(graph_value(g, n->in[1]))) ||
        (op == OP_POW && has_zero(graph_value(g, n->in[0]))))
        return "division by zero at";
    if (op == OP_LOG) return "log of 0 at";
    return "overflow at";
}

/* The named nodes origin's expression reads, through its unnamed
 * subexpressions, left to right: the first MAX_INPUTS into shown (their
 * count into *count), and whether there are more. False if out of memory. */
static bool named_inputs_of(const Graph *g, NodeId origin, NodeId shown[MAX_INPUTS], int *count,
                            bool *more) {
    /* Each node taken off adds at most BP_MAX_INPUTS - 1: enough for a tree
     * of unnamed nodes; past it (never, unless they are shared) the walk
     * stops and says there are more. */
    size_t cap = (size_t)graph_count(g) * (BP_MAX_INPUTS - 1) + 1;
    NodeId *stack = malloc(cap * sizeof *stack);
    if (!stack) return false;
    int nshown = 0;
    *more = false;
    int32_t sp = 0;
    stack[sp++] = origin;
    while (sp > 0) {
        NodeId id = stack[--sp];
        if (id != origin && graph_name_of(g, id)) {
            bool seen = false;
            for (int k = 0; k < nshown; k++)
                seen = seen || shown[k] == id;
            if (!seen && nshown == MAX_INPUTS) *more = true;
            if (!seen && nshown < MAX_INPUTS) shown[nshown++] = id;
            continue;
        }
        /* Pushed in reverse so inputs are listed left to right. */
        const Node *n = graph_node(g, id);
        if ((size_t)sp + BP_MAX_INPUTS > cap) {
            *more = true;
            break;
        }
        for (int i = op_info((Op)n->op)->arity - 1; i >= 0; i--)
            stack[sp++] = n->in[i];
    }
    free(stack);
    *count = nshown;
    return true;
}

/* Appends " (x = -1, y = 2)": the named inputs of origin with their values. */
static void named_inputs(const Session *s, NodeId origin, StrBuf *sb) {
    const Graph *g = &s->graph;
    NodeId shown[MAX_INPUTS];
    int nshown;
    bool more;
    if (!named_inputs_of(g, origin, shown, &nshown, &more)) return;
    for (int k = 0; k < nshown; k++) {
        sb_printf(sb, "%s%s = ", k ? ", " : " (", graph_name_of(g, shown[k]));
        value_text(s, graph_value(g, shown[k]), sb);
    }
    if (nshown > 0) sb_puts(sb, more ? ", …)" : ")");
}

bool warning_now_input(const Session *s, const char *name, int name_len, NodeId old, Warning *w) {
    const Graph *g = &s->graph;
    NodeId shown[MAX_INPUTS];
    int nshown;
    bool more;
    if (!named_inputs_of(g, old, shown, &nshown, &more) || nshown == 0) return false;
    sb_init(&w->name);
    sb_init(&w->message);
    sb_init(&w->at);
    sb_append(&w->name, name, (size_t)name_len);
    sb_printf(&w->message, "%.*s is now an input; it no longer depends on ", name_len, name);
    for (int k = 0; k < nshown; k++) {
        const char *sep = k == 0 ? "" : k == nshown - 1 && !more ? " and " : ", ";
        sb_printf(&w->message, "%s%s", sep, graph_name_of(g, shown[k]));
    }
    if (more) sb_puts(&w->message, ", …");
    return true;
}

bool warning_find(Session *s, const char *name, int name_len, NodeId node, Warning *w) {
    const Graph *g = &s->graph;
    Value v = graph_value(g, node);
    if (value_is_finite(v)) return false;
    NodeId origin = graph_nonfinite_origin(g, node);
    sb_init(&w->name);
    sb_init(&w->message);
    sb_init(&w->at);
    if (name) sb_append(&w->name, name, (size_t)name_len);
    subject(s, w, v, &w->message);
    if (origin == NODE_NONE) { /* out of memory while looking */
        sb_puts(&w->message, "its origin could not be traced");
        return true;
    }
    const Node *n = graph_node(g, origin);
    Value ov = graph_value(g, origin);
    char num[FMT_NUMBER_SIZE];
    const char *bad = session_num(s, value_first_nonfinite(ov), num);
    if (n->op == OP_LEAF) {
        sb_printf(&w->message, "it comes from the input %s, which %s %s", graph_name_of(g, origin),
                  ov.shape->rank == 0 ? "is" : "has", bad);
        return true;
    }
    if (n->op == OP_CONST) {
        sb_printf(&w->message, "a number in it is beyond a double's range (±1.8e308), so it is %s",
                  bad);
        return true;
    }
    const char *origin_name = graph_name_of(g, origin);
    if (origin_name && origin != node) sb_printf(&w->at, "%s = ", origin_name);
    graph_expr_text(g, origin, &w->at);
    if (w->at.len > MAX_AT || w->at.failed) {
        sb_clear(&w->at);
        sb_printf(&w->at, "a %s node", op_info((Op)n->op)->name);
    }
    sb_printf(&w->message, "%s %s", what_happened(g, n, value_first_nonfinite(ov)), w->at.data);
    named_inputs(s, origin, &w->message);
    return true;
}

void warning_print(Session *s, const Warning *w) {
    Event e;
    event_init(&e, "warning");
    event_str(&e, "name", w->name.len ? w->name.data : NULL);
    event_str(&e, "message", w->message.data);
    event_str(&e, "at", w->at.len ? w->at.data : NULL);
    event_printf(&e, "warning: %s\n", w->message.data);
    session_emit(s, &e);
}

void warning_free(Warning *w) {
    sb_free(&w->name);
    sb_free(&w->message);
    sb_free(&w->at);
}

bool session_warn_nonfinite(Session *s, const char *name, NodeId node) {
    Warning w;
    if (!warning_find(s, name, name ? (int)strlen(name) : 0, node, &w)) return false;
    warning_print(s, &w);
    warning_free(&w);
    return true;
}
